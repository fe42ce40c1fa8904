"""The planners' reports, read from ``apps.reports.queries`` (which apply releasability themselves)."""

from __future__ import annotations

from typing import cast

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import urlencode
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.api.permissions import TokenScopes
from apps.api.serializers import common_ground as cg
from apps.api.serializers import gaps as s
from apps.api.views.base import AS_OF, DATE_PARAMETERS, DATES, request_dates
from apps.gaps.outlook import coalition_outlook
from apps.nations.models import Coalition
from apps.reports.common_ground import common_ground, report_rows
from apps.reports.queries import coalition_matrix, protocol_readiness


class CoalitionMatrixView(APIView):
    """Nation by nation for a coalition's members: the worst severity of the unresolved findings the caller
    may see, and how many there are; on another date (or as known at a moment), of the gaps evaluated then."""

    permission_classes = [IsAuthenticated, TokenScopes]

    @extend_schema(parameters=DATES, responses=s.CoalitionMatrixOutput)
    def get(self, request: Request, code: str) -> Response:
        dates = request_dates(request)
        coalition = get_object_or_404(Coalition, code=code)
        matrix = coalition_matrix(user=cast(User, request.user), coalition=coalition, dates=dates)
        data = {
            "coalition": coalition.code,
            "as_of": dates.as_of,
            "known_at": dates.known_at,
            "evaluated": not dates.is_today,
            "nations": [n.code for n in matrix.nations],
            "rows": [
                {
                    "nation": a.code,
                    "cells": [{"nation": b.code, "severity": cell.severity, "count": cell.count} for b, cell in cells],
                }
                for a, cells in matrix.rows()
            ],
        }
        return Response(s.CoalitionMatrixOutput(data).data)


class CoalitionOutlookView(APIView):
    """Per pair of the coalition's members, the periods from today to the end of 2036 in which each kind of
    gap exists given what is declared; each period links to the evaluation on its first day."""

    permission_classes = [IsAuthenticated, TokenScopes]

    @extend_schema(responses=s.OutlookOutput)
    def get(self, request: Request, code: str) -> Response:
        coalition = get_object_or_404(Coalition, code=code)
        outlook = coalition_outlook(user=cast(User, request.user), coalition=coalition)
        findings = request.build_absolute_uri(reverse("v1:finding-list"))
        bars = [
            {
                **bar.__dict__,
                "evaluation": f"{findings}?"
                + urlencode(
                    {"as_of": bar.start.isoformat(), "pair": f"{bar.nation_a},{bar.nation_b}", "rule": bar.rule}
                ),
            }
            for bar in outlook.bars
        ]
        data = {"coalition": coalition.code, "start": outlook.start, "end": outlook.end, "days": outlook.days}
        return Response(s.OutlookOutput({**data, "bars": bars}).data)


class ProtocolReadinessView(APIView):
    """Protocol by algorithm: the furthest standard status reached by any work item covering the pair."""

    permission_classes = [IsAuthenticated, TokenScopes]

    @extend_schema(parameters=[AS_OF], responses=s.ProtocolReadinessOutput)
    def get(self, request: Request) -> Response:
        day = request_dates(request).as_of
        board = protocol_readiness(as_of=day)
        data = {
            "as_of": day,
            "protocols": [p.code for p in board.protocols],
            "algorithms": [a.name for a in board.algorithms],
            "rows": [
                {
                    "protocol": p.code,
                    "cells": [
                        {
                            "algorithm": a.name,
                            "lifecycle": cell.lifecycle,
                            "status": cell.status,
                            "work_item_ids": cell.work_item_ids,
                        }
                        for a, cell in cells
                    ],
                }
                for p, cells in board.rows()
            ],
        }
        return Response(s.ProtocolReadinessOutput(data).data)


class CommonGroundView(APIView):
    """For a coalition (or named nations), a protocol, a kind of mechanism and a date: each member's verdict
    on each mechanism, those every member accepts, the fewest members blocking when none, and when common
    ground appears or disappears over 2026-2036. Built only from records the caller may see."""

    permission_classes = [IsAuthenticated, TokenScopes]
    extra_problems = {"422": "Neither a coalition nor any nation is named."}

    @extend_schema(parameters=[cg.CommonGroundInput, *DATES], responses=cg.CommonGroundOutput)
    def get(self, request: Request) -> Response:
        dates = request_dates(request)
        question = request.query_params.copy()
        for name in DATE_PARAMETERS:
            question.pop(name, None)
        query = cg.CommonGroundInput(data=question)
        query.is_valid(raise_exception=True)
        q = query.validated_data
        report = common_ground(
            user=cast(User, request.user),
            protocol_id=q["protocol"].pk,
            coalition_id=q["coalition"].pk if q["coalition"] else None,
            nation_ids=[n.pk for n in q["nations"]],
            kind=q["kind"],
            dates=dates,
            scope=q["scope"],
            include_drafts=q["include_drafts"],
        )
        data = {
            "protocol": q["protocol"].code,
            "kind": q["kind"],
            "as_of": dates.as_of,
            "known_at": dates.known_at,
            "scope": q["scope"],
            "include_drafts": q["include_drafts"],
            "members": [code for _, code, _ in report.members],
            "mechanisms": report.mechanisms,
            "cells": report_rows(report),
            "common": [m.name for m in report.common],
            "nearest": [{"mechanism": m.name, "blockers": blockers} for m, blockers in report.nearest],
            "timeline": [{"on": shift.label, "common": list(shift.common)} for shift in report.timeline],
        }
        return Response(cg.CommonGroundOutput(data).data)
