"""Gap recompute runs: the list of recent runs (the "recompute now" button is added with the gap engine)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from apps.gaps.models import GapRun
from apps.web.views.base import may_triage


def run_list(request: HttpRequest) -> HttpResponse:
    runs = GapRun.objects.select_related("requested_by").order_by("-created_at")[:20]
    return render(request, "web/run_list.html", {"runs": runs, "can_triage": may_triage(request.user)})
