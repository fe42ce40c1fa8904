"""What every API view shares: authentication and scopes, problem details, ETag on reads of editable
records, and the create/update plumbing (Idempotency-Key, If-Match)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.db import models
from drf_spectacular.types import OpenApiTypes
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
from apps.gaps.evaluation import EvaluationDates, evaluation_dates

MAX_ID = 2**63 - 1


AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="Evaluate on this date (default today).")
KNOWN_AT = OpenApiParameter(
    "known_at",
    OpenApiTypes.STR,
    description="Only what had been recorded by then: a date (its end) or an ISO 8601 date-time (default: now).",
)
DATES = [AS_OF, KNOWN_AT]
DATE_PARAMETERS = tuple(parameter.name for parameter in DATES)


def request_dates(request: Request) -> EvaluationDates:
    """``as_of`` and ``known_at`` from the query string (a bad one is a 400 naming it)."""
    return evaluation_dates(request.query_params.get("as_of"), request.query_params.get("known_at"))


class ApiViewSet(GenericViewSet):
    # Any segment reaches the view, so a malformed id is the API's own 404 (problem details), not Django's.
    lookup_value_regex = "[^/]+"
    permission_classes = [IsAuthenticated, TokenScopes]
    #: Editable records answer with an ETag (and document it).
    etag_enabled = False
    #: The token scope a write needs; an action may say ``triage``.
    write_scope = "write"
    #: Set on POST actions that change a record and so need If-Match, like PUT and PATCH.
    if_match_required = False

    @property
    def actor(self) -> User:
        """The signed-in user (or the token's owner); IsAuthenticated has turned everyone else away."""
        return cast(User, self.request.user)

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
