"""The outlook: per pair of members, the periods until the end of 2036 in which each kind of gap exists,
as an SVG strip chart, a table, CSV and API data, each period linking to the evaluation on its first day."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from apps.accounts.models import User
from apps.algorithms.models import AlgorithmKind
from apps.algorithms.services import algorithm_upsert
from apps.gaps.outlook import HORIZON, coalition_outlook
from apps.nations.models import Coalition, Nation
from apps.positions.services import approval_set
from tests.factories import set_milestone

pytestmark = pytest.mark.django_db

Login = Callable[[User], Client]


@pytest.fixture
def window(nation_b: Nation, divergent: None) -> None:
    """B starts migrating on 2031-06-01: a transition window after A drops classical on 2030-12-31."""
    set_milestone(nation=nation_b, kind="start_migration", title="Start of migration", target="2031-06-01")


def _bars(user: User, ally: Coalition, rule: str) -> list[Any]:
    return [b for b in coalition_outlook(user=user, coalition=ally).bars if b.rule == rule]


def test_a_transition_window_lasts_until_the_late_ally_supports_pqc(planner: User, ally: Coalition, window: None):
    [bar] = _bars(planner, ally, "transition_window")
    assert (bar.nation_a, bar.nation_b) == ("AA", "BB")
    assert bar.start == timezone.localdate() and bar.end == date(2031, 5, 31)
    assert bar.objects == ["2030-12-31 to 2031-06-01"]


def test_a_gap_that_holds_throughout_runs_to_the_horizon(planner: User, ally: Coalition, window: None):
    [bar] = _bars(planner, ally, "qkd_divergence")
    assert bar.start == timezone.localdate() and bar.end == HORIZON


def test_a_lapsing_approval_opens_a_period_the_day_after_its_until(
    planner: User, nation_a: Nation, nation_b: Nation, ally: Coalition, window: None
):
    """Both approve FrodoKEM, A only until 2029-06-30: from the next day they share no KEM."""
    frodo = algorithm_upsert(name="FrodoKEM", kind=AlgorithmKind.KEM, actor=None, source=None)
    approval_set(nation=nation_a, algorithm=frodo, status="approved", actor=None, source=None, until=date(2029, 6, 30))
    approval_set(nation=nation_b, algorithm=frodo, status="approved", actor=None, source=None)
    [bar] = _bars(planner, ally, "no_common_kem")
    assert (bar.start, bar.end) == (date(2029, 7, 1), HORIZON)


def test_an_outsider_sees_no_period_behind_a_restricted_record(
    outside_planner: User, planner: User, ally: Coalition, window: None
):
    assert _bars(planner, ally, "qkd_divergence")
    assert _bars(outside_planner, ally, "qkd_divergence") == []


def test_the_page_draws_bars_that_open_the_evaluation_on_their_first_day(login: Login, planner: User, window: None):
    page = login(planner).get("/outlook/", {"coalition": "ALLY"}).content.decode()
    start = timezone.localdate().isoformat()
    assert f"/findings/?as_of={start}&amp;nation=AA&amp;other=BB&amp;rule=transition_window" in page
    assert "AA-BB transition window" in page and "<svg" in page
    assert "2031-05-31" in page  # the table states the period's end


def test_csv_and_api_carry_the_same_periods(login: Login, planner: User, window: None):
    from tests.api.conftest import client_for

    rows = list(csv.DictReader(io.StringIO(login(planner).get("/outlook/export.csv?coalition=ALLY").content.decode())))
    windows = [r for r in rows if r["rule"] == "transition_window"]
    assert [(r["nation_a"], r["nation_b"], r["end"]) for r in windows] == [("AA", "BB", "2031-05-31")]
    body = client_for(planner).get("/api/v1/reports/coalitions/ALLY/outlook/").json()
    [bar] = [b for b in body["bars"] if b["rule"] == "transition_window"]
    assert bar["end"] == "2031-05-31" and "as_of=" in bar["evaluation"]
    assert client_for(None).get("/api/v1/reports/coalitions/ALLY/outlook/").status_code in (401, 403)


def test_outlook_query_count_is_pinned(planner: User, ally: Coalition, window: None, django_assert_num_queries):
    days = [timezone.localdate() + timedelta(days=365 * n) for n in range(3)]
    planner.cleared_coalition_ids()
    # the snapshot's thirteen reads once, then per day its memberships and the three work-item reads
    with django_assert_num_queries(13 + 4 * len(days)):
        coalition_outlook(user=planner, coalition=ally, days=days)
