"""The standards analyst's workspace: standards work items with their status history, and the form that
records a new status (previewing the gaps it would open and close before it is saved). Everyone signed in
reads the catalogue; only those who may curate it (the services decide) see and use the form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.algorithms.models import Algorithm
from apps.core.exceptions import DomainError
from apps.gaps.preview import preview_work_item_status
from apps.standards.models import Mechanism, WorkItem, WorkItemStatus
from apps.standards.services import work_item_status_record
from apps.web.forms import SourceForm, WorkItemFilterForm, WorkItemStatusForm, add_domain_error
from apps.web.views.base import AuthedRequest, may_curate, refuse, require_curate, submitted


def work_item_list(request: AuthedRequest) -> HttpResponse:
    """Every work item with its status in force today, filtered as the API filters them (400 on a filter
    naming nothing that exists, with the form saying which)."""
    form = WorkItemFilterForm(request.GET)
    today = timezone.localdate()
    items = WorkItem.objects.select_related("body", "protocol").with_status_on(today)
    if form.is_valid():
        items = items.matching(**{name: value for name, value in form.cleaned_data.items() if value})
    else:
        items = items.none()
    context = {"form": form, "items": list(items.order_by("body__code", "identifier")), "today": today}
    return render(request, "web/work_item_list.html", context, status=400 if form.errors else 200)


def _work_item(pk: int) -> WorkItem:
    history = WorkItemStatus.objects.select_related("source", "recorded_by").order_by("-status_on", "-recorded_at")
    queryset = WorkItem.objects.select_related("body", "protocol", "source").prefetch_related(
        Prefetch("statuses", queryset=history),
        Prefetch("algorithms", queryset=Algorithm.objects.order_by("name")),
        Prefetch("mechanisms", queryset=Mechanism.objects.order_by("name")),
    )
    return get_object_or_404(queryset.with_status_on(timezone.localdate()), pk=pk)


def work_item_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _work_item(pk)
    return render(request, "web/work_item_detail.html", {"item": item, "can_curate": may_curate(request.user)})


@require_http_methods(["GET", "POST"])
def work_item_status_new(request: AuthedRequest, pk: int) -> HttpResponse:
    """Record a status the item reached, with its source: "Preview" shows how it differs from the status in
    force and the gaps it would open and close (nothing saved); "Save" records it."""
    require_curate(request.user)
    item = _work_item(pk)
    if request.method == "POST":
        form, source_form = WorkItemStatusForm(request.POST), SourceForm(request.POST, prefix="source")
    else:
        form, source_form = WorkItemStatusForm(), SourceForm(prefix="source")
    context: dict[str, Any] = {"item": item, "form": form, "source_form": source_form}
    if request.method == "POST" and form.is_valid() and source_form.is_valid():
        data = form.cleaned_data
        if request.POST.get("action") == "save":
            if submitted(
                form,
                lambda: work_item_status_record(
                    work_item=item,
                    status=data["status"],
                    on=data["on"],
                    source=source_form.citation(),
                    actor=request.user,
                ),
            ):
                messages.success(request, f"Status {data['status']} recorded for {item.identifier}; the gaps follow.")
                return redirect("work-item", pk=item.pk)
        else:
            try:
                context["preview"] = preview_work_item_status(
                    work_item=item,
                    status=data["status"],
                    on=data["on"],
                    source=source_form.citation(),
                    actor=request.user,
                )
            except DomainError as error:
                if error.status_code in (403, 404):
                    raise refuse(error) from None
                add_domain_error(form, error)
    status = 400 if request.method == "POST" and (form.errors or source_form.errors) else 200
    return render(request, "web/work_item_status_form.html", context, status=status)
