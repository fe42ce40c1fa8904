"""The liaison officer's pages: a nation's dossier, its history, and the forms that declare for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import BadRequest
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from apps.accounts.models import Role
from apps.core.exceptions import DomainError
from apps.gaps.preview import draft_changes
from apps.nations.models import Nation
from apps.positions.models import Approval, Declared, Milestone, Position, Scope
from apps.positions.services import approval_set, declaration_reconfirm, milestone_set, position_declare
from apps.reports.dossier import (
    declaration_history,
    declarations_in_force,
    nation_dossier,
    nation_gaps_on,
    nations_with_claims_due,
)
from apps.reports.findings import open_findings_for_nation
from apps.web.forms import (
    ApprovalForm,
    MilestoneForm,
    PositionForm,
    ReconfirmForm,
    SourceForm,
    asked_identity,
    starting_values,
)
from apps.web.views.base import (
    AuthedRequest,
    date_switch,
    may_write,
    nation_or_404,
    refuse,
    require_write,
    submitted,
)


def home(request: AuthedRequest) -> HttpResponse:
    """Officers land on their nation; everyone else on the coalition matrix."""
    user = request.user
    if user.role == Role.LIAISON_OFFICER:
        nation = user.liaison_for.order_by("code").first()
        if nation is not None:
            return redirect("nation", code=nation.code)
    return redirect("matrix")


def nation_list(request: AuthedRequest) -> HttpResponse:
    """Every nation, each marked when it has said nothing; ``?undeclared=1`` lists only those, ``?due=1`` only
    those with a claim in force that is due for re-verification (as the reader may see them)."""
    only_undeclared = request.GET.get("undeclared") == "1"
    only_due = request.GET.get("due") == "1"
    nations = (
        Nation.objects.said_nothing(request.user) if only_undeclared else Nation.objects.with_declared(request.user)
    )
    if only_due:
        nations = nations.filter(pk__in=nations_with_claims_due(user=request.user, day=timezone.localdate()))
    context = {"nations": nations.order_by("code"), "only_undeclared": only_undeclared, "only_due": only_due}
    context["reverify_after_days"] = settings.PQCTRACK_REVERIFY_AFTER_DAYS
    return render(request, "web/nation_list.html", context)


def nation_detail(request: AuthedRequest, code: str) -> HttpResponse:
    """The dossier today (stored findings, with their triage), or in force and evaluated on other dates."""
    nation = nation_or_404(code)
    switch = date_switch(request)
    if switch.dates.is_today:
        findings: list[Any] = list(open_findings_for_nation(user=request.user, nation_id=nation.pk)[:50])
    else:
        findings = nation_gaps_on(user=request.user, nation=nation, dates=switch.dates)
    context = {
        "nation": nation,
        "dossier": nation_dossier(user=request.user, nation=nation, dates=switch.dates),
        "findings": findings,
        "can_write": may_write(request.user, nation),
        "switch": switch,
        "reverify_after_days": settings.PQCTRACK_REVERIFY_AFTER_DAYS,
        "reconfirm_form": ReconfirmForm(),
    }
    return render(request, "web/nation_detail.html", context, status=switch.status)


def nation_history(request: AuthedRequest, code: str) -> HttpResponse:
    nation = nation_or_404(code)
    entries = declaration_history(user=request.user, nation=nation)
    return render(request, "web/nation_history.html", {"nation": nation, "entries": entries})


def _forms(request: AuthedRequest, form_class: type, initial: dict[str, Any] | None = None) -> tuple[Any, SourceForm]:
    if request.method == "POST":
        return form_class(request.POST), SourceForm(request.POST, prefix="source")
    return form_class(initial=initial), SourceForm(prefix="source")


@require_http_methods(["GET", "POST"])
def position_new(request: AuthedRequest, code: str) -> HttpResponse:
    """Declare a position: the form starts from the position in force for the scope asked for (``?scope=``,
    as the officer may see it); preview what it would change, then publish."""
    nation = nation_or_404(code)
    require_write(request.user, nation)
    context: dict[str, Any] = {"nation": nation}
    initial = None
    if request.method == "GET":
        identity = asked_identity(PositionForm, Position, request.GET) or {"scope": Scope.ALL}
        in_force = declarations_in_force(user=request.user, model=Position, nation=nation)
        current = next((p for p in in_force if p.scope == identity["scope"]), None)
        initial = starting_values(PositionForm, Position, current, identity)
        context.update(starting_from=current, other_scopes=[p for p in in_force if p is not current])
    form, source_form = _forms(request, PositionForm, initial)
    context.update(form=form, source_form=source_form)
    if request.method == "POST" and form.is_valid() and source_form.is_valid():
        fields = form.position_fields()
        if request.POST.get("action") == "publish":
            if submitted(
                form,
                lambda: position_declare(nation=nation, actor=request.user, source=source_form.citation(), **fields),
            ):
                messages.success(request, f"Position published for {nation.code}.")
                return redirect("nation", code=nation.code)
        else:

            def preview() -> None:
                context["preview"] = draft_changes(
                    Position, user=request.user, nation=nation, fields=fields, source=source_form.citation()
                )

            submitted(form, preview)  # a refusal is shown on the form, as the publish's would be
    return render(request, "web/position_form.html", context)


def _declaration_new(
    request: AuthedRequest,
    code: str,
    form_class: type[forms.Form],
    model: type[Approval | Milestone],
    service: Callable[..., object],
) -> HttpResponse:
    """Record an approval or a milestone (``service``) for the nation from its form and source form. The form
    starts from the one in force for the identity the query string names (as the officer may see it)."""
    nation = nation_or_404(code)
    require_write(request.user, nation)
    what = str(model._meta.verbose_name)
    initial, current = None, None
    if request.method == "GET":
        identity = asked_identity(form_class, model, request.GET)
        if identity is not None:
            current = next(iter(declarations_in_force(user=request.user, model=model, nation=nation, **identity)), None)
            initial = starting_values(form_class, model, current, identity)
    form, source_form = _forms(request, form_class, initial)
    if (
        request.method == "POST"
        and form.is_valid()
        and source_form.is_valid()
        and submitted(
            form, lambda: service(nation=nation, actor=request.user, source=source_form.citation(), **form.cleaned_data)
        )
    ):
        messages.success(request, f"{what.capitalize()} recorded for {nation.code}.")
        return redirect("nation", code=nation.code)
    context = {"nation": nation, "form": form, "source_form": source_form, "what": what, "starting_from": current}
    return render(request, "web/declaration_form.html", context)


@require_http_methods(["GET", "POST"])
def approval_new(request: AuthedRequest, code: str) -> HttpResponse:
    return _declaration_new(request, code, ApprovalForm, Approval, approval_set)


@require_http_methods(["GET", "POST"])
def milestone_new(request: AuthedRequest, code: str) -> HttpResponse:
    return _declaration_new(request, code, MilestoneForm, Milestone, milestone_set)


#: The claims a dossier lists, by the word its reconfirm address uses.
CLAIMS: dict[str, type[Declared]] = {"position": Position, "approval": Approval, "milestone": Milestone}


@require_http_methods(["POST"])
def claim_reconfirm(request: AuthedRequest, code: str, claim: str, pk: int) -> HttpResponse:
    """ "Still true as of today": ``declaration_reconfirm`` on a claim of the dossier, then back to it."""
    nation = nation_or_404(code)
    require_write(request.user, nation)
    model = CLAIMS.get(claim)
    if model is None:
        raise Http404("No such kind of claim.")
    declarations: Any = model._default_manager
    record = get_object_or_404(declarations.seen_by(request.user).filter(nation=nation), pk=pk)
    form = ReconfirmForm(request.POST)
    if not form.is_valid():
        raise BadRequest("Choose a kind of source from the list.")
    try:
        successor = declaration_reconfirm(record=record, actor=request.user, kind=form.cleaned_data["kind"])
    except DomainError as error:
        if error.status_code in (403, 404):
            raise refuse(error) from None
        messages.error(request, f"Not confirmed: {error.message}")
        return redirect(f"{reverse('nation', args=[nation.code])}#{claim}-{record.pk}")
    messages.success(request, f"Confirmed as still true on {successor.source.confirmed_on:%Y-%m-%d}.")  # type: ignore[union-attr]
    return redirect(f"{reverse('nation', args=[nation.code])}#{claim}-{successor.pk}")
