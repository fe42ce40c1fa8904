"""The planner's reports: coalition matrix, milestone timeline, protocol readiness, what changed."""

from __future__ import annotations

from datetime import timedelta

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from apps.algorithms.models import Algorithm
from apps.gaps.outlook import coalition_outlook
from apps.nations.models import Coalition
from apps.reports.changes import changes_since, milestone_timeline
from apps.reports.queries import coalition_matrix, protocol_readiness, work_items_for
from apps.reports.readiness import mechanism_readiness
from apps.standards.models import Protocol
from apps.web import outlook_svg
from apps.web.export import outlook_csv
from apps.web.forms import CoalitionPickForm, SinceForm
from apps.web.timeline_svg import layout
from apps.web.views.base import AuthedRequest, date_switch

DEFAULT_COALITION = "NATO"


def _coalition(request: AuthedRequest) -> tuple[CoalitionPickForm, Coalition | None]:
    data = request.GET.copy()
    data.setdefault("coalition", DEFAULT_COALITION)
    form = CoalitionPickForm(data)
    if form.is_valid():
        return form, form.cleaned_data["coalition"]
    return form, Coalition.objects.order_by("code").first()


def matrix(request: AuthedRequest) -> HttpResponse:
    form, coalition = _coalition(request)
    switch = date_switch(request)
    result = coalition_matrix(user=request.user, coalition=coalition, dates=switch.dates) if coalition else None
    context = {"form": form, "coalition": coalition, "matrix": result, "switch": switch}
    template = "web/_matrix.html" if request.headers.get("HX-Request") else "web/matrix.html"
    return render(request, template, context, status=switch.status)


def timeline(request: AuthedRequest) -> HttpResponse:
    form, coalition = _coalition(request)
    switch = date_switch(request)
    rows = milestone_timeline(user=request.user, coalition=coalition, dates=switch.dates) if coalition else []
    day = None if switch.dates.is_today else switch.dates.as_of
    context = {"form": form, "coalition": coalition, "plot": layout(rows, day=day), "rows": rows, "switch": switch}
    return render(request, "web/timeline.html", context, status=switch.status)


def outlook(request: AuthedRequest) -> HttpResponse:
    form, coalition = _coalition(request)
    result = coalition_outlook(user=request.user, coalition=coalition) if coalition else None
    plot = outlook_svg.layout(result) if result is not None else None
    context = {"form": form, "coalition": coalition, "outlook": result, "plot": plot}
    return render(request, "web/outlook.html", context)


def outlook_export(request: AuthedRequest) -> HttpResponse:
    _, coalition = _coalition(request)
    if coalition is None:
        raise Http404("No coalition.")
    response = HttpResponse(
        outlook_csv(coalition_outlook(user=request.user, coalition=coalition)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="outlook-{coalition.code}.csv"'
    return response


def readiness(request: AuthedRequest) -> HttpResponse:
    context = {"board": protocol_readiness(), "mechanisms": mechanism_readiness()}
    return render(request, "web/readiness.html", context)


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
