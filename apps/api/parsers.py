"""A JSON parser that refuses oversize bodies itself (DRF reads the request stream directly, which skips
Django's DATA_UPLOAD_MAX_MEMORY_SIZE check) and bodies nested deeper than API_MAX_JSON_DEPTH (a nesting
bomb would otherwise overflow the parser's recursion)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import IO, Any

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

from apps.api.exceptions import PayloadTooLarge


class LimitedJSONParser(JSONParser):
    def parse(
        self, stream: IO[bytes], media_type: str | None = None, parser_context: Mapping[str, Any] | None = None
    ) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(f"The request body exceeds {limit} bytes.")
        depth = settings.API_MAX_JSON_DEPTH
        too_deep = ParseError(f"The request body is nested deeper than {depth} levels.")
        try:
            data = json.loads(raw.decode(), parse_constant=_refuse_constant)
        except RecursionError:
            raise too_deep from None
        except (ValueError, UnicodeDecodeError) as error:
            raise ParseError(f"The request body is not valid JSON: {error}") from None
        if _deeper_than(data, depth):
            raise too_deep
        return data


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether arrays and objects nest more than ``limit`` levels (``[]`` is one level); iterative, so the
    check itself cannot overflow."""
    if not isinstance(data, dict | list):
        return False
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, level = stack.pop()
        if level > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")
