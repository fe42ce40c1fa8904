"""The planner's findings: a filtered, sorted list, its exports, and the finding page."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.gaps.services import finding_acknowledge, finding_waive
from apps.reports.evidence import finding_evidence
from apps.reports.findings import FindingFilters, evaluated_finding_list, finding_for, finding_list
from apps.reports.lifecycle import finding_lifecycle
from apps.web.export import findings_csv, findings_json
from apps.web.forms import AcknowledgeForm, FindingFilterForm, WaiveForm
from apps.web.views.base import AuthedRequest, DateSwitch, date_switch, may_triage, submitted

PAGE_SIZE = 50


def _filters(request: AuthedRequest) -> tuple[FindingFilterForm, FindingFilters]:
    form = FindingFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = FindingFilters(
        coalition=data.get("coalition"),
        nation_code=(data.get("nation") or "").upper(),
        other_code=(data.get("other") or "").upper(),
        rule=data.get("rule") or "",
        severity=data.get("severity") or "",
        status=data.get("status") or "",
        protocol_code=data["protocol"].code if data.get("protocol") else "",
        sort=data.get("sort") or "severity",
    )
    return form, filters


def _filtered(request: AuthedRequest) -> tuple[FindingFilterForm, Any]:
    form, filters = _filters(request)
    return form, finding_list(user=request.user, filters=filters)


def finding_list_view(request: AuthedRequest) -> HttpResponse:
    """Today's stored findings, or (date switch) the gaps evaluated on another date."""
    switch: DateSwitch = date_switch(request)
    form, filters = _filters(request)
    if switch.dates.is_today:
        findings: Any = finding_list(user=request.user, filters=filters)
        table = "web/_finding_table.html"
    else:
        findings = evaluated_finding_list(user=request.user, filters=filters, dates=switch.dates)
        table = "web/_evaluated_table.html"
    page = Paginator(findings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "switch": switch, "table": table}
    template = table if request.headers.get("HX-Request") else "web/finding_list.html"
    return render(request, template, context, status=switch.status)


def finding_export(request: AuthedRequest, fmt: str) -> HttpResponse:
    """The whole filtered list (every page) as CSV or JSON."""
    _, findings = _filtered(request)
    if fmt == "json":
        return JsonResponse({"findings": findings_json(findings)})
    response = HttpResponse(findings_csv(findings), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="findings.csv"'
    return response


def _visible_finding(request: AuthedRequest, pk: int) -> Any:
    finding = finding_for(user=request.user, pk=pk)
    if finding is None:
        raise Http404("No such finding.")
    return finding


def finding_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = _visible_finding(request, pk)
    return render(request, "web/finding_detail.html", _detail_context(request, finding))


@require_POST
def finding_acknowledge_view(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = _visible_finding(request, pk)
    form = AcknowledgeForm(request.POST, prefix="acknowledge")
    if form.is_valid() and submitted(
        form, lambda: finding_acknowledge(finding=finding, actor=request.user, reason=form.cleaned_data["reason"])
    ):
        return redirect("finding", pk=finding.pk)
    context = _detail_context(request, finding, acknowledge_form=form)
    return render(request, "web/finding_detail.html", context, status=400)


@require_POST
def finding_waive_view(request: AuthedRequest, pk: int) -> HttpResponse:
    finding = _visible_finding(request, pk)
    form = WaiveForm(request.POST, prefix="waive")
    if form.is_valid() and submitted(
        form, lambda: finding_waive(finding=finding, actor=request.user, **form.cleaned_data)
    ):
        return redirect("finding", pk=finding.pk)
    context = _detail_context(request, finding, waive_form=form)
    return render(request, "web/finding_detail.html", context, status=400)


def _detail_context(request: AuthedRequest, finding: Any, **forms: Any) -> dict[str, Any]:
    return {
        "finding": finding,
        "steps": finding_lifecycle(user=request.user, finding=finding),
        "evidence": finding_evidence(user=request.user, finding=finding),
        "can_triage": may_triage(request.user),
        "acknowledge_form": forms.get("acknowledge_form") or AcknowledgeForm(prefix="acknowledge"),
        "waive_form": forms.get("waive_form") or WaiveForm(prefix="waive"),
    }
