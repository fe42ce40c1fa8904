"""The algorithm catalogue as everyone signed in reads it: algorithms, their parameter sets, the standards
work covering each and the mechanisms combining them."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from apps.algorithms.models import Algorithm, ParameterSet
from apps.standards.models import Mechanism, WorkItem
from apps.web.views.base import AuthedRequest

_SETS = Prefetch("parameter_sets", queryset=ParameterSet.objects.order_by("security_category", "name"))


def algorithm_list(request: AuthedRequest) -> HttpResponse:
    algorithms = Algorithm.objects.prefetch_related(_SETS).order_by("quantum_vulnerable", "kind", "name")
    return render(request, "web/algorithm_list.html", {"algorithms": list(algorithms)})


def algorithm_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    algorithm = get_object_or_404(Algorithm.objects.select_related("source").prefetch_related(_SETS), pk=pk)
    context = {
        "algorithm": algorithm,
        "work_items": list(
            WorkItem.objects.filter(algorithms=algorithm).select_related("body", "protocol").order_by("identifier")
        ),
        "mechanisms": list(
            Mechanism.objects.filter(parameter_sets__algorithm=algorithm)
            .select_related("protocol")
            .distinct()
            .order_by("protocol__code", "name")
        ),
    }
    return render(request, "web/algorithm_detail.html", context)


def parameter_set_list(request: AuthedRequest) -> HttpResponse:
    sets = ParameterSet.objects.select_related("algorithm").order_by("algorithm__name", "security_category", "name")
    return render(request, "web/parameter_set_list.html", {"parameter_sets": list(sets)})


def parameter_set_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    mechanisms = Mechanism.objects.select_related("protocol").order_by("protocol__code", "name")
    parameter_set = get_object_or_404(
        ParameterSet.objects.select_related("algorithm").prefetch_related(Prefetch("mechanisms", queryset=mechanisms)),
        pk=pk,
    )
    return render(request, "web/parameter_set_detail.html", {"parameter_set": parameter_set})
