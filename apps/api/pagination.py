"""Pagination: numbered pages for catalogues, cursors for findings and history (stable under inserts)."""

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request


class Pages(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100


class Cursors(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = "-id"

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        """A cursor needs a non-null ordering that ends on a unique column: the view names the orderings it
        allows (``cursor_ordering_fields``) and ``id`` breaks ties."""
        requested = request.query_params.get("ordering")
        if not requested:
            return (self.ordering,)
        allowed = getattr(view, "cursor_ordering_fields", ("id",))
        if requested.lstrip("-") not in allowed:
            raise ValidationError({"ordering": [f"Order by one of: {', '.join(allowed)} (prefix - to reverse)."]})
        tie = "-id" if requested.startswith("-") else "id"
        return (requested,) if requested.lstrip("-") == "id" else (requested, tie)
