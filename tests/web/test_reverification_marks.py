"""Issue 10 in the UI: each claim on the dossier says when it was last confirmed and, in words, whether it
is due for re-verification; the nations list filters the nations with a claim due (as the reader may see)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, AlgorithmKind
from apps.core.dates import PartialDate
from apps.nations.models import Coalition, Nation
from apps.positions.services import approval_set
from tests.factories import declare, make_source, set_milestone

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]
DUE = 'class="mark mark-due">due for re-verification<'


def test_a_claim_confirmed_long_ago_is_marked_due_with_its_last_confirmation(
    login: Login, planner: User, nation_a: Nation
) -> None:
    declare(nation_a, source=make_source(published=PartialDate.parse("2024-06"), verified=True))
    html = login(planner).get("/nations/AA/").content.decode()
    assert DUE in html and "last confirmed 2024-06-30" in html
    assert "1 claim due for re-verification" in html and "more than 180 days" in html


def test_a_claim_confirmed_recently_is_not_due(login: Login, planner: User, nation_a: Nation) -> None:
    today = timezone.localdate()
    declare(nation_a, source=make_source(published=PartialDate.parse("2019"), confirmed_on=today - timedelta(days=3)))
    html = login(planner).get("/nations/AA/").content.decode()
    assert "mark-due" not in html and f"last confirmed {today - timedelta(days=3):%Y-%m-%d}" in html
    assert "due for re-verification" not in html


def test_approvals_and_milestones_carry_the_mark_too(login: Login, planner: User, nation_a: Nation) -> None:
    algorithm = Algorithm.objects.create(name="ML-KEM", kind=AlgorithmKind.KEM)
    unconfirmed = make_source(verified=False)
    approval_set(nation=nation_a, algorithm=algorithm, status="approved", actor=None, source=unconfirmed)
    set_milestone(nation_a, kind="plan", title="Plan", target="2030")
    html = login(planner).get("/nations/AA/").content.decode()
    assert html.count(DUE) == 2 and html.count(">never confirmed<") == 2
    assert "2 claims due for re-verification" in html


def test_on_a_past_day_a_later_confirmation_is_not_known(login: Login, planner: User, nation_a: Nation) -> None:
    today = timezone.localdate()
    source = make_source(published=PartialDate.parse("2024-06"), verified=False, confirmed_on=today)
    declare(nation_a, source=source, declared=PartialDate.parse("2024-06-01"))
    client = login(planner)
    assert "mark-due" not in client.get("/nations/AA/").content.decode()
    past = client.get("/nations/AA/?as_of=2025-01-01").content.decode()
    assert DUE in past and "never confirmed" in past


def test_the_nations_list_filters_nations_with_a_claim_due(
    login: Login, planner: User, nation_a: Nation, nation_b: Nation, nation_c: Nation
) -> None:
    today = timezone.localdate()
    declare(nation_a, source=make_source(published=PartialDate.parse("2020")))
    declare(nation_b, source=make_source(confirmed_on=today))
    client = login(planner)
    html = client.get("/nations/?due=1").content.decode()
    assert "/nations/AA/" in html and "/nations/BB/" not in html and "/nations/CC/" not in html
    assert "with claims due for re-verification" in html
    everyone = client.get("/nations/").content.decode()
    assert all(f"/nations/{code}/" in everyone for code in ("AA", "BB", "CC"))


def test_the_filter_counts_only_claims_the_reader_may_see(
    login: Login, officer_c: User, nation_a: Nation, nation_b: Nation, ally: Coalition
) -> None:
    """A's only due claim is releasable to ALLY: an outsider does not learn it exists."""
    declare(nation_a, source=make_source(published=PartialDate.parse("2020")), releasability=ally)
    declare(nation_b, source=make_source(published=PartialDate.parse("2020")))
    html = login(officer_c).get("/nations/?due=1").content.decode()
    assert "/nations/BB/" in html and "/nations/AA/" not in html


def test_the_due_filter_costs_a_pinned_number_of_queries(
    login: Login, planner: User, nation_a: Nation, nation_b: Nation, django_assert_num_queries: Any
) -> None:
    declare(nation_a, source=make_source(published=PartialDate.parse("2020")))
    declare(nation_b, source=make_source(published=PartialDate.parse("2020")))
    client = login(planner)
    client.get("/nations/?due=1")
    # session, user, clearance (memberships); per kind, the in-force claims' source dates (positions,
    # approvals, milestones) and, for the kinds with a claim due (positions here), their nations; the list;
    # header: user's nation, header: liaison nations
    with django_assert_num_queries(10):
        assert client.get("/nations/?due=1").status_code == 200
