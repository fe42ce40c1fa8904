"""The common-ground report page and its CSV export."""

from __future__ import annotations

import csv
import io

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from apps.reports.common_ground import CommonGround, common_ground, report_rows
from apps.web.export import safe_cell
from apps.web.forms import CommonGroundForm
from apps.web.views.base import AuthedRequest

CSV_COLUMNS = ("nation", "mechanism", "code_point", "hybrid", "accepted", "reasons", "marks")


def _report(request: AuthedRequest, *, with_timeline: bool) -> tuple[CommonGroundForm, CommonGround | None]:
    defaults = {"coalition": "NATO", "protocol": "TLS", "kind": "key_establishment", "scope": "all"}
    form = CommonGroundForm(request.GET or {**defaults, "as_of": timezone.localdate().isoformat()})
    if not form.is_valid():
        return form, None
    data = form.cleaned_data
    report = common_ground(
        user=request.user,
        protocol_id=data["protocol"].pk,
        coalition_id=data["coalition"].pk if data["coalition"] else None,
        nation_ids=[n.pk for n in data["nations"]],
        kind=data["kind"],
        as_of=data["as_of"],
        scope=data["scope"],
        include_drafts=data["drafts"],
        with_timeline=with_timeline,
    )
    return form, report


def common_ground_page(request: AuthedRequest) -> HttpResponse:
    form, report = _report(request, with_timeline=True)
    status = 200 if report is not None else 400
    return render(request, "web/common_ground.html", {"form": form, "report": report}, status=status)


def common_ground_csv(request: AuthedRequest) -> HttpResponse:
    form, report = _report(request, with_timeline=False)
    if report is None:
        return HttpResponse(form.errors.as_text(), status=400, content_type="text/plain")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for row in report_rows(report):
        cells = {**row, "reasons": "; ".join(row["reasons"]), "marks": "; ".join(row["marks"])}  # type: ignore[arg-type]
        writer.writerow([safe_cell(cells[c]) for c in CSV_COLUMNS])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="common-ground-{report.as_of}.csv"'
    return response
