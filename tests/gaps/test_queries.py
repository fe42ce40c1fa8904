"""Read helpers: what a planner sees, per nation, per coalition, and as of a date."""

from __future__ import annotations

from datetime import date

from apps.gaps import engine, queries
from apps.gaps.models import Finding, RunTrigger
from apps.nations.models import Coalition
from apps.positions.services import position_declare
from tests.gaps.factories import UserFactory


def test_findings_for_a_nation(small_world):
    engine.recompute(trigger=RunTrigger.SWEEP)
    admin = UserFactory(username="admin", role="administrator")
    keys = {f.key for f in Finding.objects.visible_to(admin).unresolved().involving(small_world["GB"])}
    assert keys == {"qkd_divergence:GB:IT", "deadline_risk:GB", "stale_position:GB:all"}  # no milestone, no source
    assert "qkd_divergence:IT:US" not in keys


def test_findings_and_the_as_of_view_hide_what_the_user_is_not_cleared_for(small_world):
    fvey = Coalition.objects.get(code="FVEY")
    position_declare(
        nation=small_world["US"],
        actor=None,
        source=None,
        pqc_stance="adopt_mandated",
        qkd_stance="rejects",
        releasability=fvey,
    )
    engine.recompute(trigger=RunTrigger.SWEEP)
    italian = UserFactory(username="it", nation=small_world["IT"])
    assert "qkd_divergence:IT:US" not in {f.key for f in Finding.objects.visible_to(italian).unresolved()}
    as_of = {d.key for d in queries.gaps_as_of(italian, date.today())}
    assert "qkd_divergence:GB:IT" in as_of and "qkd_divergence:IT:US" not in as_of
