"""Every API error as problem details (RFC 9457): ``type``, ``title``, ``status``, ``detail`` and, for
input errors, ``errors`` mapping each field to its messages.

Input that is malformed is a 400. Input that is well-formed but names a record the database does not hold (a
nation code, an algorithm name, a work item id; code ``does_not_exist``) is, when that is its only fault, a 404
on a read, like an unknown id in the path, and a 422 on a write: the schema can say what a code looks like,
not which codes exist today. A well-formed request breaking a rule the schema cannot state (code
``unprocessable``) is a 422."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, permissions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from apps.api.exceptions import PROBLEM_CONTENT_TYPE, PayloadTooLarge
from apps.core.exceptions import DomainError, InvalidInput

TITLES = {
    400: "Invalid request",
    401: "Not authenticated",
    403: "Not permitted",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    409: "Conflict",
    412: "Precondition failed",
    413: "Payload too large",
    414: "URI too long",
    415: "Unsupported media type",
    422: "Unprocessable request",
    428: "Precondition required",
    429: "Too many requests",
}


def _field_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Flatten DRF's nested error structure into ``{"field.sub": [messages]}``."""
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = "" if key == "non_field_errors" else str(key)
            flat.update(_field_errors(value, f"{prefix}.{name}" if prefix and name else prefix or name))
        return flat
    if isinstance(detail, list) and detail and all(not isinstance(d, dict | list) for d in detail):
        return {prefix or "non_field_errors": [str(d) for d in detail]}
    if isinstance(detail, list):
        flat = {}
        for index, value in enumerate(detail):
            flat.update(_field_errors(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "non_field_errors": [str(detail)]}


#: The code of a field error naming a record that does not exist (DRF's related fields, the API's filters).
UNKNOWN_RECORD = "does_not_exist"
#: The code of an error in a well-formed request that the schema cannot rule out (a rule across query
#: parameters): always a 422.
UNPROCESSABLE = "unprocessable"


def _codes(codes: Any) -> Iterator[str]:
    if isinstance(codes, dict):
        for value in codes.values():
            yield from _codes(value)
    elif isinstance(codes, list):
        for value in codes:
            yield from _codes(value)
    else:
        yield str(codes)


def _input_status(exc: exceptions.ValidationError, context: dict[str, Any]) -> int:
    codes = set(_codes(exc.get_codes()))
    if not codes or not codes <= {UNKNOWN_RECORD, UNPROCESSABLE}:
        return 400
    if UNPROCESSABLE in codes:
        return 422
    request = context.get("request")
    return 404 if request is not None and request.method in permissions.SAFE_METHODS else 422


def problem(status_code: int, detail: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": TITLES.get(status_code, "Error"),
        "status": status_code,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    return body


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, then the domain errors, all rendered as problem details."""
    if isinstance(exc, DomainError):
        errors = exc.errors if isinstance(exc, InvalidInput) else ({exc.field: [exc.message]} if exc.field else {})
        response = Response(problem(exc.status_code, exc.message, errors), status=exc.status_code)
        response.content_type = PROBLEM_CONTENT_TYPE
        return response
    if isinstance(exc, DataError):
        # The database refused a value the validators let through (a NUL byte, an out-of-range number).
        exc = exceptions.ValidationError({"non_field_errors": ["A value is malformed or out of range."]})
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(f"The request body exceeds {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    handled = exception_handler(exc, context)
    if handled is None:
        return None
    response = handled
    if isinstance(exc, exceptions.ValidationError):
        response.status_code = _input_status(exc, context)
        errors = _field_errors(exc.detail)
        detail = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in errors.items())
        response.data = problem(response.status_code, detail, errors)
    else:
        message = exc.detail if isinstance(exc, exceptions.APIException) else exc
        response.data = problem(response.status_code, str(message))
    response.content_type = PROBLEM_CONTENT_TYPE
    return response
