"""The planner's reports: coalition matrix, milestone timeline, protocol readiness, what changed."""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from apps.algorithms.models import Algorithm
from apps.nations.models import Coalition
from apps.reports.changes import changes_since, milestone_timeline
from apps.reports.queries import coalition_matrix, protocol_readiness, work_items_for
from apps.standards.models import Protocol
from apps.web.forms import CoalitionPickForm, SinceForm
from apps.web.timeline_svg import layout
from apps.web.views.base import AuthedRequest

DEFAULT_COALITION = "NATO"


def _coalition(request: AuthedRequest) -> tuple[CoalitionPickForm, Coalition | None]:
    form = CoalitionPickForm(request.GET or {"coalition": DEFAULT_COALITION})
    if form.is_valid():
        return form, form.cleaned_data["coalition"]
    return form, Coalition.objects.order_by("code").first()


def matrix(request: AuthedRequest) -> HttpResponse:
    form, coalition = _coalition(request)
    result = coalition_matrix(user=request.user, coalition=coalition) if coalition else None
    context = {"form": form, "coalition": coalition, "matrix": result}
    template = "web/_matrix.html" if request.headers.get("HX-Request") else "web/matrix.html"
    return render(request, template, context)


def timeline(request: AuthedRequest) -> HttpResponse:
    form, coalition = _coalition(request)
    rows = milestone_timeline(user=request.user, coalition=coalition) if coalition else []
    context = {"form": form, "coalition": coalition, "plot": layout(rows), "rows": rows}
    return render(request, "web/timeline.html", context)


def readiness(request: AuthedRequest) -> HttpResponse:
    return render(request, "web/readiness.html", {"board": protocol_readiness()})


def readiness_cell(request: AuthedRequest, protocol: int, algorithm: int) -> HttpResponse:
    protocol_obj = get_object_or_404(Protocol, pk=protocol)
    algorithm_obj = get_object_or_404(Algorithm, pk=algorithm)
    items = work_items_for(protocol=protocol_obj, algorithm=algorithm_obj)
    context = {"protocol": protocol_obj, "algorithm": algorithm_obj, "items": items}
    return render(request, "web/readiness_cell.html", context)


def changes(request: AuthedRequest) -> HttpResponse:
    default = timezone.localdate() - timedelta(days=30)
    form = SinceForm(request.GET or {"since": default.isoformat()})
    since = form.cleaned_data["since"] if form.is_valid() else default
    context = {"form": form, "changes": changes_since(user=request.user, since=since)}
    return render(request, "web/changes.html", context)
