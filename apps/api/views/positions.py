"""Positions, approvals and milestones: current (or as of a date), history, detail, and new declarations.

A declaration is never changed in place. POST declares the first one for an identity; PUT/PATCH on the one
in force (with its ETag in If-Match) declares its successor and answers with the new record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, TypeVar

from django.db import models, transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from apps.api import filters
from apps.api.etag import lock_for_update
from apps.api.idempotency import idempotent_create
from apps.api.pagination import Cursors, Pages
from apps.api.permissions import token_write_nations
from apps.api.serializers import positions as s
from apps.api.serializers import previews
from apps.api.serializers.gaps import DeclaredListInput
from apps.api.views.base import ApiViewSet, RetrieveMixin
from apps.gaps.preview import draft_changes
from apps.positions.models import Approval, Declared, Milestone, Position
from apps.positions.services import (
    approval_set,
    declaration_reconfirm,
    declaration_revise,
    declaration_withdraw,
    milestone_set,
    position_declare,
)

V = TypeVar("V", bound="DeclaredViewSet")
AS_OF = OpenApiParameter("as_of", OpenApiTypes.DATE, description="The declarations in force on this date.")
DUE = OpenApiParameter(
    "due_for_reverification",
    OpenApiTypes.STR,
    enum=["true", "false"],
    description="Only the declarations that are (true) or are not (false) due for re-verification on that day.",
)


class DeclaredViewSet(RetrieveMixin, ApiViewSet):
    model: ClassVar[type[Declared]]
    create_input: ClassVar[type[serializers.Serializer]]
    update_input: ClassVar[type[serializers.Serializer]]
    history_output: ClassVar[type[serializers.Serializer]]
    related: ClassVar[tuple[str, ...]] = ("nation", "releasability", "source")
    pagination_class = Pages
    etag_enabled = True

    def get_queryset(self) -> models.QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()  # type: ignore[attr-defined]
        return self.model.objects.seen_by(self.actor).select_related(*self.related)  # type: ignore[attr-defined]

    #: The model's declaring service (``position_declare``, ``approval_set``, ``milestone_set``).
    service: ClassVar[Callable[..., Declared]]
    #: Its preview's answer (``draft_changes``).
    preview_output: ClassVar[type[serializers.Serializer]]
    ordering_fields: ClassVar[tuple[str, ...]] = ("declared_on", "recorded_at", "id")

    def declare(self, values: dict[str, Any], *, token_nations: frozenset[int] | None) -> Declared:
        """A first declaration through the model's service (a visible one in force is a conflict)."""
        return type(self).service(**values, actor=self.actor, token_nations=token_nations, first=True)

    def list(self, request: Request) -> Response:
        """The declarations in force now, or on ``as_of``; with ``due_for_reverification``, only those that
        are (or are not) due on that day. Each says when it was last confirmed as known on that day."""
        queryset: Any = self.filter_queryset(self.get_queryset())
        query = DeclaredListInput(data=request.query_params)
        query.is_valid(raise_exception=True)
        day: date | None = query.validated_data.get("as_of")
        queryset = queryset.as_of(day) if day else queryset.current()
        self.reverification_day = day or timezone.localdate()
        due = query.validated_data.get("due_for_reverification")
        if due is not None:
            queryset = queryset.due_for_reverification(self.reverification_day, due=due == "true")
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "reverification_day": getattr(self, "reverification_day", None)}

    @action(detail=False, pagination_class=Cursors)
    def history(self, request: Request) -> Response:
        """Every declaration, superseded ones included, newest first."""
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        return self.get_paginated_response(self.history_output(page, many=True).data)

    @action(detail=False, methods=["post"], writes_nothing=True)
    def preview(self, request: Request) -> Response:
        """What declaring this body (as POST takes it) would change, writing nothing: the fields it changes
        from the record in force, the gaps it would open and the findings it would resolve, as the caller
        may see them. Only who may declare it may preview it."""
        data = self.validated(self.create_input)
        nation, source = data.pop("nation"), data.pop("source")
        result = draft_changes(
            self.model,
            user=self.actor,
            nation=nation,
            fields=data,
            source=source,
            token_nations=token_write_nations(request),
        )
        return Response(self.preview_output(result, context=self.get_serializer_context()).data)

    def create(self, request: Request) -> Response:
        data = self.validated(self.create_input)
        return self.create_once(request, lambda: self.declare(data, token_nations=token_write_nations(request)))

    def update(self, request: Request, pk: str, partial: bool = False) -> Response:
        data = self.validated(self.update_input, partial=partial)
        with transaction.atomic():
            record = lock_for_update(request, self.model.objects.seen_by(self.actor), pk)  # type: ignore[attr-defined]
            successor = declaration_revise(
                record=record,
                actor=self.actor,
                changes=data,
                inherit=partial,
                token_nations=token_write_nations(request),
            )
        return self.respond(successor, self.get_serializer_class())

    def partial_update(self, request: Request, pk: str) -> Response:
        return self.update(request, pk, partial=True)


class ReconfirmMixin:
    """Positions, approvals and milestones can be reconfirmed: still true as of today."""

    @action(detail=True, methods=["post"], if_match_required=True)
    def reconfirm(self, request: Request, pk: str) -> Response:
        """Record that the declaration in force is still true as of today (needs If-Match): its successor
        says the same and cites the same source confirmed today; the history keeps the older one. ``kind``
        names the kind of a source that does not say it. Answers with the successor."""
        view: Any = self
        data = view.validated(s.ReconfirmInput)

        def apply() -> Response:
            record = lock_for_update(request, view.model.objects.seen_by(view.actor), pk)
            successor = declaration_reconfirm(
                record=record, actor=view.actor, kind=data["kind"], token_nations=token_write_nations(request)
            )
            return view.respond(successor, view.get_serializer_class())

        with transaction.atomic():
            return idempotent_create(request, apply)


class WithdrawMixin:
    """Approvals and milestones can be withdrawn: no longer in force, kept in the history."""

    @action(detail=True, methods=["post"], if_match_required=True)
    def withdraw(self, request: Request, pk: str) -> Response:
        """Withdraw the record in force, with a reason (needs If-Match). Answers with the withdrawn record."""
        view: Any = self
        data = view.validated(s.WithdrawInput)

        def apply() -> Response:
            record = lock_for_update(request, view.model.objects.seen_by(view.actor), pk)
            declaration_withdraw(
                record=record, actor=view.actor, reason=data["reason"], token_nations=token_write_nations(request)
            )
            return view.respond(view.get_queryset().get(pk=pk), view.get_serializer_class())

        with transaction.atomic():
            return idempotent_create(request, apply)


def _withdraw_schema(output: type[serializers.Serializer]) -> Any:
    return extend_schema_view(withdraw=extend_schema(request=s.WithdrawInput, responses=output))


def _declared(
    output: type[serializers.Serializer],
    history: type[serializers.Serializer],
    create: type[serializers.Serializer],
    update: type[serializers.Serializer],
    preview: type[serializers.Serializer],
) -> Callable[[type[V]], type[V]]:
    """A declaration view's serializers, set once for the view and its schema."""

    def decorate(view: type[V]) -> type[V]:
        view.serializer_class, view.history_output, view.create_input, view.update_input, view.preview_output = (
            output,
            history,
            create,
            update,
            preview,
        )
        schema: Any = extend_schema_view(
            list=extend_schema(parameters=[AS_OF, DUE]),
            history=extend_schema(responses=history(many=True)),
            create=extend_schema(request=create, responses={201: output}),
            update=extend_schema(request=update, responses=output),
            partial_update=extend_schema(request=update, responses=output),
            preview=extend_schema(request=create, responses=preview),
            reconfirm=extend_schema(request=s.ReconfirmInput, responses=output),
        )
        return schema(view)  # type: ignore[no-any-return]

    return decorate


@_declared(
    s.PositionOutput,
    s.PositionHistoryOutput,
    s.PositionCreateInput,
    s.PositionUpdateInput,
    previews.PositionPreviewOutput,
)
class PositionViewSet(ReconfirmMixin, DeclaredViewSet):
    model = Position
    filterset_class = filters.PositionFilter
    service = staticmethod(position_declare)


@_withdraw_schema(s.ApprovalOutput)
@_declared(
    s.ApprovalOutput,
    s.ApprovalHistoryOutput,
    s.ApprovalCreateInput,
    s.ApprovalUpdateInput,
    previews.ApprovalPreviewOutput,
)
class ApprovalViewSet(ReconfirmMixin, WithdrawMixin, DeclaredViewSet):
    model = Approval
    filterset_class = filters.ApprovalFilter
    related = ("nation", "releasability", "source", "algorithm", "parameter_set")
    service = staticmethod(approval_set)


@_withdraw_schema(s.MilestoneOutput)
@_declared(
    s.MilestoneOutput,
    s.MilestoneHistoryOutput,
    s.MilestoneCreateInput,
    s.MilestoneUpdateInput,
    previews.MilestonePreviewOutput,
)
class MilestoneViewSet(ReconfirmMixin, WithdrawMixin, DeclaredViewSet):
    model = Milestone
    filterset_class = filters.MilestoneFilter
    ordering_fields = ("target_on", "declared_on", "recorded_at", "id")
    service = staticmethod(milestone_set)
