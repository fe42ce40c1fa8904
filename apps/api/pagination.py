"""Pagination: numbered pages for catalogues, cursors for findings and history (stable under inserts).

Page parameters that do not parse are refused, never replaced by a default: a ``page_size`` outside 1 to
``max_page_size`` is a 400, a page or cursor that names no page a 404."""

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, TypeVar, cast

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination, PageNumberPagination
from rest_framework.request import Request

PAGE_SIZE = 50
MAX_PAGE_SIZE = 100
T = TypeVar("T")


class ListPage(NamedTuple):
    """One cursor page of results computed on demand, with the links to its neighbours (None at an end)."""

    results: list[Any]
    next: str | None
    previous: str | None


class StrictPageSize:
    """Mixed into DRF's paginators below (which read ``page_size_query_param`` for their links)."""

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get("page_size")
        if raw is None:
            return PAGE_SIZE
        if not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= MAX_PAGE_SIZE):
            raise ValidationError({"page_size": [f"Give a whole number from 1 to {MAX_PAGE_SIZE}."]})
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        """DRF's parameters with the bounds the API enforces: pages count from 1, sizes run 1 to the maximum."""
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)  # type: ignore[misc]
        bounds = {"page": {"minimum": 1}, "page_size": {"minimum": 1, "maximum": MAX_PAGE_SIZE}}
        for parameter in parameters:
            parameter["schema"].update(bounds.get(parameter["name"], {}))
        return parameters


class Pages(StrictPageSize, PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE


class Cursors(StrictPageSize, CursorPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = "-id"

    def decode_cursor(self, request: Request) -> Cursor | None:
        """DRF's decoding, and a forward cursor without a position is refused too: DRF never links to one
        (the first page has no cursor), so it can only be garbage that happened to decode."""
        cursor = super().decode_cursor(request)
        if self.cursor_query_param in request.query_params and (
            cursor is None or (cursor.position is None and not cursor.reverse)
        ):
            raise NotFound(self.invalid_cursor_message)
        return cursor

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

    def paginate_list(self, items: Sequence[T], key: Callable[[T], str], request: Request) -> ListPage:
        """A cursor page of ``items`` computed on demand (nothing to query), in their order, with the
        parameters and cursor encoding of ``paginate_queryset``. A cursor names the ``key`` of the item its
        page follows (or, going back, precedes), so a page stays put when items appear or vanish elsewhere;
        a key that is no longer among the items names no page (404)."""
        self.base_url = request.build_absolute_uri()
        self.page_size = self.get_page_size(request)
        cursor = self.decode_cursor(request)
        keys = [key(item) for item in items]
        start, end = 0, self.page_size
        if cursor is not None:
            position = str(cursor.position)  # DRF decodes the position as text (its stubs say int)
            if position not in keys:
                raise NotFound(self.invalid_cursor_message)
            at = keys.index(position)
            start, end = (max(at - self.page_size, 0), at) if cursor.reverse else (at + 1, at + 1 + self.page_size)
        end = min(end, len(items))
        if start >= end:
            return ListPage([], None, None)
        return ListPage(
            list(items[start:end]),
            self._link(keys[end - 1], reverse=False) if end < len(items) else None,
            self._link(keys[start], reverse=True) if start > 0 else None,
        )

    def _link(self, key: str, *, reverse: bool) -> str:
        return self.encode_cursor(Cursor(offset=0, reverse=reverse, position=cast(Any, key)))
