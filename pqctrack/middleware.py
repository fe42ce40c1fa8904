"""Refuse hostile URLs before any view or form reads them: a NUL byte in the path (404: no record can be
named by it) or in a query parameter (400: PostgreSQL cannot compare text holding one), a query string over
``MAX_QUERY_STRING_BYTES`` (414) or with more fields than ``DATA_UPLOAD_MAX_NUMBER_FIELDS`` (400). The API
answers with problem details, pages with plain text."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, JsonResponse

from apps.api.exceptions import PROBLEM_CONTENT_TYPE
from apps.api.problems import problem


def _refusal(request: HttpRequest) -> tuple[int, str] | None:
    if "\x00" in request.path_info:
        return 404, "Not found."
    limit = settings.MAX_QUERY_STRING_BYTES
    if len(request.META.get("QUERY_STRING", "")) > limit:
        return 414, f"The query string exceeds {limit} bytes."
    try:
        fields = list(request.GET.lists())
    except TooManyFieldsSent:
        return 400, f"The query string has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} parameters."
    for name, values in fields:
        if "\x00" in name or any("\x00" in value for value in values):
            return 400, f"Query parameter {name.replace(chr(0), '')!r} contains a NUL byte."
    return None


def refuse_hostile_urls(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    def middleware(request: HttpRequest) -> HttpResponse:
        refusal = _refusal(request)
        if refusal is None:
            return get_response(request)
        status, detail = refusal
        if request.path_info.startswith("/api/"):
            return JsonResponse(problem(status, detail), status=status, content_type=PROBLEM_CONTENT_TYPE)
        return HttpResponse(detail, status=status, content_type="text/plain; charset=utf-8")

    return middleware
