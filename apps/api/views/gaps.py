"""Gap findings and gap runs. A finding exists for a caller only if they may see every record behind it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models, transaction
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from apps.accounts.models import TokenScope
from apps.api import filters
from apps.api.etag import lock_for_update
from apps.api.filters import refuse_blank
from apps.api.idempotency import idempotent_create
from apps.api.pagination import Cursors, Pages
from apps.api.serializers import gaps as s
from apps.api.views.base import DATES, ReadOnlyApiViewSet, request_dates
from apps.gaps.evaluation import EvaluationDates
from apps.gaps.models import Finding, GapRun
from apps.gaps.services import finding_acknowledge, finding_waive, recompute_now
from apps.reports.findings import FindingFilters, evaluated_finding_list
from apps.reports.lifecycle import finding_lifecycle


class FindingViewSet(ReadOnlyApiViewSet):
    serializer_class = s.FindingOutput
    filterset_class = filters.FindingFilter
    pagination_class = Cursors
    ordering_fields = ("id", "updated_at")
    cursor_ordering_fields = ("id", "updated_at")
    etag_enabled = True

    def get_queryset(self) -> models.QuerySet[Any]:
        if getattr(self, "swagger_fake_view", False):
            return Finding.objects.none()
        return Finding.objects.visible_to(self.actor).select_related("nation_a", "nation_b", "coalition", "protocol")

    @extend_schema(parameters=DATES, responses=s.FINDING_LIST_OUTPUT)
    def list(self, request: Request) -> Response:
        """Findings the caller may see, filtered, by cursor (see ``finding_rows`` for why not the serializer).
        With ``as_of`` another day or ``known_at`` a past moment: the gaps evaluated on those dates instead
        (``EvaluationOutput``: nothing stored, so no ids or statuses), worst first, by the same cursors."""
        dates = request_dates(request)
        if not dates.is_today:
            return self._evaluated(request, dates)
        queryset = self.filter_queryset(Finding.objects.visible_to(self.actor))
        page = self.paginate_queryset(s.finding_rows(queryset))
        return self.get_paginated_response([s.finding_row(row) for row in page or []])

    def _evaluated(self, request: Request, dates: EvaluationDates) -> Response:
        filterset = self.filterset_class(request.query_params, queryset=Finding.objects.none(), request=request)
        refuse_blank(filterset.base_filters, request.query_params)
        if not filterset.is_valid():
            raise translate_validation(filterset.errors)  # keeps the codes (an unknown code is a 404)
        data = filterset.form.cleaned_data
        pair = [code.strip() for code in (data.get("pair") or "").split(",") if code.strip()]
        if data.get("pair") and len(pair) != 2:
            raise ValidationError({"pair": ["Give two nation codes separated by a comma, e.g. AA,BB."]})
        filters = FindingFilters(
            coalition=data.get("coalition"),
            nation_code=pair[0] if pair else (data["nation"].code if data.get("nation") else ""),
            other_code=pair[1] if pair else "",
            rule=data.get("rule") or "",
            severity=data.get("severity") or "",
            protocol_code=data["protocol"].code if data.get("protocol") else "",
        )
        gaps = evaluated_finding_list(user=self.actor, filters=filters, dates=dates)
        page = Cursors().paginate_list(gaps, key=lambda gap: gap.key, request=request)
        body = {"as_of": dates.as_of, "known_at": dates.known_at, "count": len(gaps), **page._asdict()}
        return Response(s.EvaluationOutput(body).data)

    def _triage(self, request: Request, pk: str, change: Callable[[Finding], Finding]) -> Response:
        """Lock the finding, check If-Match against it, apply ``change`` (one service call)."""

        def apply() -> Response:
            finding = lock_for_update(request, Finding.objects.visible_to(self.actor), pk)
            change(finding)
            return self.respond(self.get_queryset().get(pk=pk), s.FindingOutput)

        with transaction.atomic():
            return idempotent_create(request, apply)

    @extend_schema(responses=s.FindingEventOutput(many=True))
    @action(detail=True, pagination_class=None)
    def events(self, request: Request, pk: str) -> Response:
        """The finding's lifecycle, oldest first: each event, and for an update or a reopening which fields
        changed from what to what. Events written under clearances the caller lacks are left out, and values
        from a version that rested on records beyond their clearance are withheld, as on the finding page."""
        steps = finding_lifecycle(user=self.actor, finding=self.get_object())
        return Response(s.FindingEventOutput(steps, many=True).data)

    @extend_schema(request=s.AcknowledgeInput, responses=s.FindingOutput)
    @action(detail=True, methods=["post"], write_scope=TokenScope.TRIAGE, if_match_required=True)
    def acknowledge(self, request: Request, pk: str) -> Response:
        """A planner has seen the gap and accepts it is being dealt with (needs If-Match)."""
        data = self.validated(s.AcknowledgeInput)
        return self._triage(
            request, pk, lambda f: finding_acknowledge(finding=f, actor=self.actor, reason=data["reason"])
        )

    @extend_schema(request=s.WaiveInput, responses=s.FindingOutput)
    @action(detail=True, methods=["post"], write_scope=TokenScope.TRIAGE, if_match_required=True)
    def waive(self, request: Request, pk: str) -> Response:
        """Accept the gap until an expiry date, for a reason (both required; needs If-Match)."""
        data = self.validated(s.WaiveInput)
        return self._triage(
            request,
            pk,
            lambda f: finding_waive(finding=f, actor=self.actor, reason=data["reason"], expires_on=data["expires_on"]),
        )


class GapRunViewSet(ReadOnlyApiViewSet):
    queryset = GapRun.objects.order_by("-created_at", "-id")
    serializer_class = s.GapRunOutput
    filterset_class = filters.GapRunFilter
    pagination_class = Pages
    ordering_fields = ("created_at",)
    write_scope = TokenScope.TRIAGE

    def get_queryset(self) -> models.QuerySet[GapRun]:
        return super().get_queryset().with_counts_seen_by(self.actor)  # type: ignore[attr-defined]

    @extend_schema(request=None, responses={202: s.GapRunOutput})
    def create(self, request: Request) -> Response:
        """Recompute now: queue a full run and answer with it, to poll its progress."""

        def queue() -> Response:
            run = recompute_now(actor=self.actor)
            return self.respond(self.get_queryset().get(pk=run.pk), s.GapRunOutput, status.HTTP_202_ACCEPTED)

        return idempotent_create(request, queue)
