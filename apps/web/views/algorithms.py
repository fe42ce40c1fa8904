"""The algorithm catalogue as everyone signed in reads it: algorithms, their parameter sets, the standards
work covering each and the mechanisms combining them; and the form with which an analyst updates one."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from apps.algorithms.models import Algorithm, ParameterSet
from apps.algorithms.services import algorithm_upsert, parameter_set_upsert
from apps.standards.models import Mechanism, WorkItem
from apps.web.forms import AlgorithmForm, ParameterSetForm, SourceForm
from apps.web.views.base import AuthedRequest, may_curate, require_curate, submitted

_SETS = Prefetch("parameter_sets", queryset=ParameterSet.objects.order_by("security_category", "name"))


def algorithm_list(request: AuthedRequest) -> HttpResponse:
    algorithms = Algorithm.objects.prefetch_related(_SETS).order_by("quantum_vulnerable", "kind", "name")
    return render(request, "web/algorithm_list.html", {"algorithms": list(algorithms)})


def algorithm_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    algorithm = get_object_or_404(Algorithm.objects.select_related("source").prefetch_related(_SETS), pk=pk)
    context = {
        "algorithm": algorithm,
        "can_curate": may_curate(request.user),
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


@require_http_methods(["GET", "POST"])
def algorithm_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Bring an algorithm's description up to date, citing the source that says it (``algorithm_upsert``,
    which asks for the gaps to be recomputed when anything changed)."""
    require_curate(request.user)
    algorithm = get_object_or_404(Algorithm, pk=pk)
    if request.method == "POST":
        form, source_form = AlgorithmForm(request.POST), SourceForm(request.POST, prefix="source")
        if (
            form.is_valid()
            and source_form.is_valid()
            and submitted(
                form,
                lambda: algorithm_upsert(
                    name=algorithm.name, actor=request.user, source=source_form.citation(), **form.algorithm_fields()
                ),
            )
        ):
            messages.success(request, f"{algorithm.name} updated.")
            return redirect("algorithm", pk=algorithm.pk)
        status = 400
    else:
        form, source_form = AlgorithmForm(initial=AlgorithmForm.initial_for(algorithm)), SourceForm(prefix="source")
        status = 200
    context = {"algorithm": algorithm, "form": form, "source_form": source_form}
    return render(request, "web/algorithm_form.html", context, status=status)


def parameter_set_list(request: AuthedRequest) -> HttpResponse:
    sets = ParameterSet.objects.select_related("algorithm").order_by("algorithm__name", "security_category", "name")
    return render(request, "web/parameter_set_list.html", {"parameter_sets": list(sets)})


def parameter_set_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    mechanisms = Mechanism.objects.select_related("protocol").order_by("protocol__code", "name")
    parameter_set = get_object_or_404(
        ParameterSet.objects.select_related("algorithm").prefetch_related(Prefetch("mechanisms", queryset=mechanisms)),
        pk=pk,
    )
    context = {"parameter_set": parameter_set, "can_curate": may_curate(request.user)}
    return render(request, "web/parameter_set_detail.html", context)


@require_http_methods(["GET", "POST"])
def parameter_set_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Correct a parameter set's category or note (``parameter_set_upsert``)."""
    require_curate(request.user)
    parameter_set = get_object_or_404(ParameterSet.objects.select_related("algorithm"), pk=pk)
    if request.method == "GET":
        form = ParameterSetForm(
            initial={"security_category": parameter_set.security_category, "note": parameter_set.note}
        )
    else:
        form = ParameterSetForm(request.POST)
        if form.is_valid() and submitted(
            form,
            lambda: parameter_set_upsert(
                algorithm=parameter_set.algorithm, name=parameter_set.name, actor=request.user, **form.cleaned_data
            ),
        ):
            messages.success(request, f"{parameter_set.name} updated.")
            return redirect("parameter-set", pk=parameter_set.pk)
    status = 400 if form.errors else 200
    return render(request, "web/parameter_set_form.html", {"parameter_set": parameter_set, "form": form}, status=status)
