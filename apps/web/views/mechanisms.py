"""The mechanisms catalogue: what travels on the wire, per protocol, and the work items defining each."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from apps.standards.models import Mechanism, Protocol, WorkItemStatus
from apps.web.views.base import AuthedRequest


def mechanism_list(request: AuthedRequest) -> HttpResponse:
    protocols = list(Protocol.objects.filter(mechanisms__isnull=False).distinct().order_by("code"))
    chosen = request.GET.get("protocol", "")
    mechanisms = Mechanism.objects.catalogue()
    if chosen:
        mechanisms = mechanisms.filter(protocol__code=chosen)
    context = {"protocols": protocols, "chosen": chosen, "mechanisms": list(mechanisms)}
    return render(request, "web/mechanism_list.html", context)


def mechanism_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    history = WorkItemStatus.objects.order_by("status_on", "recorded_at", "id")
    mechanism = get_object_or_404(
        Mechanism.objects.catalogue().prefetch_related(Prefetch("work_items__statuses", queryset=history)), pk=pk
    )
    return render(request, "web/mechanism_detail.html", {"mechanism": mechanism})
