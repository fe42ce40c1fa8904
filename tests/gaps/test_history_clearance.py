"""A finding's history keeps the clearance it was written under: a note made while the finding was
restricted stays restricted after the finding's own clearance loosens."""

from __future__ import annotations

from django.test import Client
from rest_framework.test import APIClient

from apps.gaps import engine
from apps.gaps.models import Finding, RunTrigger
from apps.gaps.services import finding_acknowledge
from apps.nations.models import Coalition, Nation
from apps.positions.services import position_declare
from tests.gaps.factories import PlannerFactory

NOTE = "FVEY-only: the link runs over the national backbone"


def _declare_us(nations: dict[str, Nation], releasability: Coalition | None) -> None:
    position_declare(
        nation=nations["US"],
        actor=None,
        source=None,
        pqc_stance="adopt_mandated",
        qkd_stance="rejects",
        hybrid_policy="optional",
        releasability=releasability,
    )


def _seen_by(user, finding: Finding) -> str:  # type: ignore[no-untyped-def]
    web, api = Client(), APIClient()
    web.force_login(user)
    api.force_authenticate(user)
    page = web.get(f"/findings/{finding.pk}/")
    assert page.status_code == 200
    return page.content.decode() + api.get(f"/api/v1/findings/{finding.pk}/").content.decode()


def test_a_note_written_while_restricted_stays_restricted(small_world: dict[str, Nation]) -> None:
    fvey = Coalition.objects.get(code="FVEY")
    _declare_us(small_world, fvey)
    engine.recompute(trigger=RunTrigger.SWEEP)
    finding = Finding.objects.get(key="qkd_divergence:IT:US")
    assert finding.required_clearances == [fvey.pk]
    insider = PlannerFactory(username="gb-planner", nation=small_world["GB"])
    finding_acknowledge(finding=finding, actor=insider, reason=NOTE)

    _declare_us(small_world, None)  # the same stance, now public
    engine.recompute(trigger=RunTrigger.SWEEP)
    finding.refresh_from_db()
    assert finding.required_clearances == [] and finding.status == "acknowledged"

    outsider = PlannerFactory(username="it-planner", nation=small_world["IT"])
    assert NOTE not in _seen_by(outsider, finding)
    assert NOTE in _seen_by(insider, finding)  # in the history, which keeps its clearance
