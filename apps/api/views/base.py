"""What every API view shares: authentication and scopes, problem details, ETag on reads of editable
records, and the create/update plumbing (Idempotency-Key, If-Match)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

from django.db import models
from drf_spectacular.utils import OpenApiParameter
from rest_framework import mixins, serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from apps.accounts.models import User
from apps.api.etag import etag_for
from apps.api.idempotency import idempotent_create
from apps.api.permissions import TokenScopes
from apps.core.exceptions import InvalidInput
from apps.gaps.evaluation import EARLIEST_DAY, LATEST_DAY, EvaluationDates, evaluation_dates

MAX_ID = 2**63 - 1


#: The days an evaluation may be asked for, ``EARLIEST_DAY`` to ``LATEST_DAY`` (2000-01-01 to 2100-12-31).
EVALUATED_DAY = r"^(20\d{2}|2100)-\d{2}-\d{2}$"
#: ``known_at``: a day or an RFC 3339 date-time (upper-case T and Z) from ``EARLIEST_DAY`` on.
KNOWN_DAY = r"^[2-9]\d{3}-\d{2}-\d{2}$"
KNOWN_MOMENT = r"^[2-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$"
AS_OF = OpenApiParameter(
    "as_of",
    {"type": "string", "format": "date", "pattern": EVALUATED_DAY},
    description=f"Evaluate on this day, {EARLIEST_DAY} to {LATEST_DAY} (default today).",
)
KNOWN_AT = OpenApiParameter(
    "known_at",
    {
        "type": "string",
        "anyOf": [{"format": "date", "pattern": KNOWN_DAY}, {"format": "date-time", "pattern": KNOWN_MOMENT}],
    },
    description=f"Only what had been recorded by then, from {EARLIEST_DAY}: a day (its end) or a date-time "
    "(default, or any moment not yet past: everything recorded).",
)
DATES = [AS_OF, KNOWN_AT]
DATE_PARAMETERS = tuple(parameter.name for parameter in DATES)


def request_dates(request: Request) -> EvaluationDates:
    """``as_of`` and ``known_at`` from the query string, exactly in the forms the schema declares (the shared
    reader also takes what a form may send: blanks, ``2030-1-1``, spaces); a bad one is a 400 naming it."""
    as_of, known_at = request.query_params.get("as_of"), request.query_params.get("known_at")
    errors = {}
    if as_of is not None and not re.fullmatch(EVALUATED_DAY, as_of, re.ASCII):
        errors["as_of"] = [f"Give a day as YYYY-MM-DD, {EARLIEST_DAY} to {LATEST_DAY}."]
    if known_at is not None and not any(re.fullmatch(p, known_at, re.ASCII) for p in (KNOWN_DAY, KNOWN_MOMENT)):
        errors["known_at"] = [f"Give a day (YYYY-MM-DD) or a date-time (RFC 3339) from {EARLIEST_DAY}."]
    if errors:
        raise InvalidInput("Invalid date.", errors=errors)
    return evaluation_dates(as_of, known_at)


class ApiViewSet(GenericViewSet):
    # Any segment reaches the view, so a malformed id is the API's own 404 (problem details), not Django's.
    lookup_value_regex = "[^/]+"
    permission_classes = [IsAuthenticated, TokenScopes]
    #: Editable records answer with an ETag (and document it).
    etag_enabled = False
    #: The token scope a write needs; an action may say ``triage``.
    write_scope: str | None = "write"
    #: Set on POST actions that change a record and so need If-Match, like PUT and PATCH.
    if_match_required = False
    #: Set on POST actions that only compute an answer (a draft's preview): no Idempotency-Key, no conflict.
    writes_nothing = False

    @property
    def actor(self) -> User:
        """The signed-in user (or the token's owner); IsAuthenticated has turned everyone else away."""
        return cast(User, self.request.user)

    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        response._resource_closers.append(lambda: self._release(response))  # type: ignore[attr-defined]
        return response

    def _release(self, response: Response) -> None:
        """Once the server has sent the response (``close``), undo the references that make it and its page
        a cycle: the view holds the response and the paginator's page, and the response's renderer context
        names the response itself and the view. What sits in a cycle stays in memory until the cycle collector
        finds it, and a page of findings is hundreds of containers: every request ran a collection, and
        their pauses were the page's slowest answers."""
        self.__dict__.pop("response", None)
        self.__dict__.pop("_paginator", None)
        context = getattr(response, "renderer_context", None)
        if context is not None:
            context.pop("response", None)
            context.pop("view", None)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        pk = kwargs.get("pk")
        if pk is not None and not (pk.isdigit() and int(pk) <= MAX_ID):
            raise NotFound()  # not an id the database could hold; no query needed to say so

    def respond(
        self, instance: models.Model, serializer: type[serializers.BaseSerializer], code: int = 200, etag: bool = True
    ) -> Response:
        response = Response(serializer(instance, context=self.get_serializer_context()).data, status=code)
        if etag and self.etag_enabled:
            response["ETag"] = etag_for(instance)
        return response

    def validated(self, serializer: type[serializers.Serializer], *, partial: bool = False) -> dict[str, Any]:
        input_serializer = serializer(data=self.request.data, partial=partial, context=self.get_serializer_context())
        input_serializer.is_valid(raise_exception=True)
        return dict(input_serializer.validated_data)

    def create_once(
        self,
        request: Request,
        create: Callable[[], models.Model],
        output: type[serializers.BaseSerializer] | None = None,
    ) -> Response:
        """Create through ``create`` (one service call), honouring Idempotency-Key. The answer is the view's
        own serializer (with ETag) or ``output`` (a sub-resource, without)."""

        def respond_created() -> Response:
            instance = create()
            response = self.respond(
                instance, output or self.get_serializer_class(), status.HTTP_201_CREATED, etag=output is None
            )
            if output is None:
                response["Location"] = f"{request.path}{getattr(instance, self.lookup_field)}/"
            return response

        return idempotent_create(request, respond_created)


class RetrieveMixin:
    """Detail with the record's ETag (for editable records)."""

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return self.respond(self.get_object(), self.get_serializer_class())  # type: ignore[attr-defined]


class ReadOnlyApiViewSet(mixins.ListModelMixin, RetrieveMixin, ApiViewSet):
    pass
