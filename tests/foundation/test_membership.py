"""Membership on a day: both ends, each at its precision, through the one query every reader uses."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from rest_framework.test import APIClient

from apps.accounts.models import Role, User
from apps.core.dates import PartialDate
from apps.gaps.evaluation import EvaluationDates
from apps.gaps.snapshot import load_snapshot
from apps.nations.models import Coalition, Membership, Nation
from apps.nations.services import membership_set
from apps.reports.changes import milestone_timeline
from apps.reports.queries import coalition_matrix
from tests.factories import CoalitionFactory, NationFactory, UserFactory

pytestmark = pytest.mark.django_db

JOINS = [None, PartialDate.parse("2020"), PartialDate.parse("2020-02"), PartialDate.parse("2020-02-15")]
LEAVES = [None, PartialDate.parse("2021"), PartialDate.parse("2021-06"), PartialDate.parse("2021-06-15")]


def certainly_member(joined: PartialDate | None, left: PartialDate | None, day: date) -> bool:
    """The meaning, written with the date's own period arithmetic: the whole join period is over and the
    leave period (whose date is the last day as a member) has not begun."""
    return (joined is None or joined.end <= day) and (left is None or day <= left.start)


def test_member_on_a_day_respects_both_ends_at_every_precision() -> None:
    coalition = CoalitionFactory(code="ALLY")
    expected_rows: dict[int, tuple[PartialDate | None, PartialDate | None]] = {}
    for index, joined in enumerate(JOINS):
        for offset, left in enumerate(LEAVES):
            nation = NationFactory(code=f"{chr(65 + index)}{chr(65 + offset)}")
            membership = membership_set(coalition=coalition, nation=nation, joined=joined, left=left, actor=None)
            expected_rows[membership.pk] = (joined, left)
    day = date(2019, 12, 25)
    # Every day across both boundaries, including each period's first and last day.
    while day <= date(2022, 1, 5):
        found = set(Membership.objects.as_of(day).values_list("pk", flat=True))
        expected = {pk for pk, (joined, left) in expected_rows.items() if certainly_member(joined, left, day)}
        assert found == expected, day
        day += timedelta(days=1)


def test_a_member_is_still_a_member_on_its_leave_date_and_not_the_day_after() -> None:
    eu = CoalitionFactory(code="EU")
    gb = NationFactory(code="GB")
    membership_set(coalition=eu, nation=gb, joined=PartialDate.parse("1973-01-01"),
                   left=PartialDate.parse("2020-01-31"), actor=None)  # fmt: skip
    assert Membership.objects.as_of(date(2020, 1, 31)).filter(nation=gb).exists()
    assert not Membership.objects.as_of(date(2020, 2, 1)).filter(nation=gb).exists()
    assert not Membership.objects.as_of(date(1972, 12, 31)).filter(nation=gb).exists()


@pytest.fixture
def former(nation_a: Nation, nation_b: Nation, ally: Coalition) -> Nation:
    """B left ALLY on 2020-01-31."""
    membership_set(coalition=ally, nation=nation_b, left=PartialDate.parse("2020-01-31"), actor=None)
    return nation_b


def test_clearance_follows_the_leave_date(former: Nation, ally: Coalition) -> None:
    planner = UserFactory(username="former_planner", role=Role.PLANNER, nation=former)
    assert ally.pk in planner.cleared_coalition_ids(date(2020, 1, 31))
    assert ally.pk not in planner.cleared_coalition_ids(date(2020, 2, 1))
    assert ally.pk not in User.objects.get(pk=planner.pk).cleared_coalition_ids()


def test_matrix_timeline_and_rules_list_a_former_member_only_before_it_left(
    former: Nation, nation_a: Nation, ally: Coalition, planner: User
) -> None:
    def members(day: date) -> dict[str, set[str]]:
        snapshot = load_snapshot(day)
        in_ally = {n.code for nid, n in snapshot.nations.items() if ally.pk in snapshot.memberships.get(nid, ())}
        return {
            "matrix": {
                n.code for n in coalition_matrix(user=planner, coalition=ally, dates=EvaluationDates(as_of=day)).nations
            },
            "timeline": {
                row.nation.code
                for row in milestone_timeline(user=planner, coalition=ally, dates=EvaluationDates(as_of=day))
            },
            "rules": in_ally,
        }

    before, after = members(date(2019, 6, 1)), members(date(2021, 1, 1))
    assert before == {"matrix": {"AA", "BB"}, "timeline": {"AA", "BB"}, "rules": {"AA", "BB"}}
    assert after == {"matrix": {"AA"}, "timeline": {"AA"}, "rules": {"AA"}}


def test_the_api_gives_both_dates_at_their_precision(former: Nation, ally: Coalition, planner: User) -> None:
    membership_set(coalition=ally, nation=former, joined=PartialDate.parse("1973"),
                   left=PartialDate.parse("2020-01-31"), actor=None)  # fmt: skip
    client = APIClient()
    client.force_authenticate(planner)
    rows = client.get("/api/v1/memberships/?coalition=ALLY").json()["results"]
    assert {(r["nation"], r["joined"], r["left"]) for r in rows} == {("AA", None, None), ("BB", "1973", "2020-01-31")}
