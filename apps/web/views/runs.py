"""Gap recompute runs: "recompute now" and a page that follows the run's progress until it finishes."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.core.exceptions import DomainError
from apps.gaps.models import GapRun, RunStatus
from apps.gaps.services import recompute_now
from apps.web.views.base import AuthedRequest, may_triage, refuse

FINISHED = (RunStatus.SUCCEEDED, RunStatus.FAILED)


def run_list(request: AuthedRequest) -> HttpResponse:
    runs = GapRun.objects.with_counts_seen_by(request.user).select_related("requested_by").order_by("-created_at")[:20]
    return render(request, "web/run_list.html", {"runs": runs, "can_triage": may_triage(request.user)})


@require_POST
def run_start(request: AuthedRequest) -> HttpResponse:
    try:
        run = recompute_now(actor=request.user)
    except DomainError as error:
        raise refuse(error) from None
    return redirect("run", pk=run.pk)


def run_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The run's progress; htmx re-fetches the progress fragment every second until the run finishes."""
    run = get_object_or_404(GapRun.objects.with_counts_seen_by(request.user).select_related("requested_by"), pk=pk)
    context = {"run": run, "finished": run.status in FINISHED}
    template = "web/_run_progress.html" if request.headers.get("HX-Request") else "web/run_detail.html"
    return render(request, template, context)
