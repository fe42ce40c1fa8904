"""Helpers shared by the views."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import Http404, HttpRequest, QueryDict
from django.shortcuts import get_object_or_404

from apps.accounts.models import User
from apps.accounts.permissions import ensure_can_curate_catalogue, ensure_can_triage, ensure_can_write_nation
from apps.core.exceptions import DomainError, NotFound, NotPermitted
from apps.gaps.evaluation import EvaluationDates
from apps.nations.models import Nation
from apps.web.forms import DateSwitchForm, add_domain_error


class AuthedRequest(HttpRequest):
    """A request to a page behind ``login_required`` (every page here): its user is a real ``User``."""

    user: User  # type: ignore[assignment]


def nation_or_404(code: str) -> Nation:
    return get_object_or_404(Nation, code=code.upper())


def refuse(error: DomainError) -> Exception:
    """The page's answer to a domain error that no form shows: 403, 404, or else 400 (never a 500)."""
    if isinstance(error, NotPermitted):
        return PermissionDenied(error.message)
    if isinstance(error, NotFound):
        return Http404(error.message)
    return BadRequest(error.message)


def submitted(form: forms.Form, action: Callable[[], object]) -> bool:
    """Run one service call for a valid form. A refusal no form can show (403, 404) becomes the page's
    answer; any other is shown on the form. True when the service accepted."""
    try:
        action()
    except DomainError as error:
        if error.status_code in (403, 404):
            raise refuse(error) from None
        add_domain_error(form, error)
        return False
    return True


def require_write(user: User, nation: Nation) -> None:
    """Refuse (403) a user who may not record for ``nation``: the same rule the services apply."""
    try:
        ensure_can_write_nation(user, nation.pk)
    except NotPermitted as error:
        raise refuse(error) from None


def require_curate(user: User) -> None:
    """Refuse (403) a user who may not curate the catalogues: the same rule the services apply."""
    try:
        ensure_can_curate_catalogue(user)
    except NotPermitted as error:
        raise refuse(error) from None


def _permitted(check: Callable[[], None]) -> bool:
    try:
        check()
    except NotPermitted:
        return False
    return True


def may_write(user: User, nation: Nation) -> bool:
    return _permitted(lambda: ensure_can_write_nation(user, nation.pk))


def may_curate(user: User) -> bool:
    return _permitted(lambda: ensure_can_curate_catalogue(user))


def may_triage(user: User) -> bool:
    return _permitted(lambda: ensure_can_triage(user))


@dataclass
class DateSwitch:
    """A page's date switch: the form, the dates it asks for (today when it is blank or invalid), the query
    string that carries them to linked pages, and this page's own query without them (back to today)."""

    form: DateSwitchForm
    dates: EvaluationDates
    dates_query: str
    today_query: str

    @property
    def status(self) -> int:
        return 400 if self.form.errors else 200


def date_switch(request: HttpRequest) -> DateSwitch:
    form = DateSwitchForm(request.GET)
    dates = form.dates if form.is_valid() else EvaluationDates.today()
    today = request.GET.copy()
    for name in ("as_of", "known_at", "page"):
        today.pop(name, None)
    carried = QueryDict(mutable=True)
    if not dates.is_today:
        carried["as_of"] = dates.as_of.isoformat()
        if dates.known_at is not None:
            carried["known_at"] = request.GET.get("known_at", "")
    return DateSwitch(form=form, dates=dates, dates_query=carried.urlencode(), today_query=today.urlencode())
