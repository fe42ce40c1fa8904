"""Every member of every coalition is in the picture, with its join and leave dates (the shipped roster)."""

from __future__ import annotations

import csv
from datetime import date

import pytest

from apps.accounts.models import Role, User
from apps.core.dates import PartialDate
from apps.gaps.evaluation import EvaluationDates
from apps.importer.loader import DEFAULT_DIRECTORY, load_reference
from apps.nations.models import Coalition, Membership, Nation
from apps.positions.models import Position
from apps.reports.queries import coalition_matrix
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROSTER = DEFAULT_DIRECTORY / "updates-2026-12" / "coalition_members.csv"


@pytest.fixture
def loaded(db: None) -> User:
    load_reference()
    return UserFactory(username="roster_planner", role=Role.PLANNER, nation=Nation.objects.get(code="GB"))


def members(user: User, code: str, day: date | None = None) -> set[str]:
    matrix = coalition_matrix(
        user=user, coalition=Coalition.objects.get(code=code), dates=EvaluationDates(as_of=day) if day else None
    )
    return {n.code for n in matrix.nations}


def test_the_nato_matrix_has_32_members_and_the_eu_27(loaded: User) -> None:
    assert len(members(loaded, "NATO")) == 32
    assert len(members(loaded, "EU")) == 27
    assert {"EE", "GR", "TR", "RO", "HU"} <= members(loaded, "NATO")


def test_the_eu_on_a_past_day_includes_gb_until_it_left(loaded: User) -> None:
    assert "GB" in members(loaded, "EU", date(2019, 6, 1))
    assert "GB" in members(loaded, "EU", date(2020, 1, 31))
    assert "GB" not in members(loaded, "EU", date(2021, 1, 1))
    assert len(members(loaded, "EU", date(2019, 6, 1))) == 28


def test_every_roster_member_is_a_nation_whether_or_not_it_declared_anything(loaded: User) -> None:
    with ROSTER.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        membership = Membership.objects.select_related("nation").get(
            coalition__code=row["coalition"], nation__code=row["code"]
        )
        assert membership.joined == (
            PartialDate.parse(row["joined"], row["joined_precision"]) if row["joined"] else None
        )
        assert membership.left == (PartialDate.parse(row["left"], row["left_precision"]) if row["left"] else None)
    estonia = Nation.objects.get(code="EE")
    assert estonia.name == "Estonia" and not Position.objects.filter(nation=estonia).exists()


def test_fvey_and_quad_members_have_no_join_date_and_are_members_on_any_day(loaded: User) -> None:
    for code, size in [("FVEY", 5), ("QUAD", 4)]:
        rows = Membership.objects.filter(coalition__code=code)
        assert rows.count() == size and not rows.exclude(joined_on=None).exists()
        assert len(members(loaded, code, date(1990, 1, 1))) == size


def test_the_roster_supersedes_a_base_join_date_and_loading_again_changes_nothing(loaded: User) -> None:
    finland = Membership.objects.get(nation__code="FI", coalition__code="NATO")
    assert str(finland.joined) == "2023-04-04"
    assert load_reference().changes == 0
