"""The common-ground report page and its CSV export."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.shortcuts import render

from apps.reports.common_ground import CommonGround, common_ground, report_rows
from apps.web.export import safe_cell
from apps.web.forms import CommonGroundForm
from apps.web.views.base import AuthedRequest, DateSwitch, date_switch

CSV_COLUMNS = ("nation", "mechanism", "code_point", "hybrid", "accepted", "reasons", "marks")
DEFAULTS = {"coalition": "NATO", "protocol": "TLS", "kind": "key_establishment", "scope": "all"}


def _report(request: AuthedRequest, *, with_timeline: bool) -> tuple[CommonGroundForm, DateSwitch, CommonGround | None]:
    form = CommonGroundForm(request.GET or DEFAULTS)
    switch = date_switch(request)
    if not form.is_valid() or switch.form.errors:
        return form, switch, None
    data = form.cleaned_data
    report = common_ground(
        user=request.user,
        protocol_id=data["protocol"].pk,
        coalition_id=data["coalition"].pk if data["coalition"] else None,
        nation_ids=[n.pk for n in data["nations"]],
        kind=data["kind"],
        dates=switch.dates,
        scope=data["scope"],
        include_drafts=data["drafts"],
        with_timeline=with_timeline,
    )
    return form, switch, report


def common_ground_page(request: AuthedRequest) -> HttpResponse:
    form, switch, report = _report(request, with_timeline=True)
    status = 200 if report is not None else 400
    return render(request, "web/common_ground.html", {"form": form, "switch": switch, "report": report}, status=status)


def common_ground_csv(request: AuthedRequest) -> HttpResponse:
    form, switch, report = _report(request, with_timeline=False)
    if report is None:
        return HttpResponse(form.errors.as_text() + switch.form.errors.as_text(), status=400, content_type="text/plain")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in report_rows(report):
        cells = {**row, "reasons": "; ".join(row["reasons"]), "marks": "; ".join(row["marks"])}  # type: ignore[arg-type]
        writer.writerow([safe_cell(cells[c]) for c in CSV_COLUMNS])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="common-ground-{report.as_of}.csv"'
    return response
