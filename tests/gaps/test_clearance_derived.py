"""The case that showed clearance was listed by hand: a milestone releasable to FVEY only changed the text
and score of public "standard not ready" findings, which every planner (and every export) then carried."""

from __future__ import annotations

from datetime import date

from django.test import Client

from apps.gaps import engine
from apps.gaps.models import Finding, RunTrigger
from apps.gaps.snapshot import load_snapshot
from apps.nations.models import Coalition, Nation
from apps.positions.models import MilestoneKind
from tests.factories import set_milestone
from tests.gaps.factories import PlannerFactory


def _texts(client: Client) -> str:
    return client.get("/findings/export.json?rule=standard_not_ready").content.decode()


def test_a_restricted_milestone_reaches_only_the_findings_of_those_cleared_for_it(swept: dict[str, Finding]) -> None:
    germany = Nation.objects.get(code="DE")
    fvey = Coalition.objects.get(code="FVEY")
    public_before = {k: (f.explanation, f.score) for k, f in swept.items() if k.startswith("standard_not_ready:DE:")}
    set_milestone(
        nation=germany,
        kind=MilestoneKind.EXCLUSIVE_PQC,
        title="PQC only (FVEY eyes only)",
        target="2029-06",
        releasability=fvey,
    )
    engine.recompute(trigger=RunTrigger.SWEEP)

    restricted = Finding.objects.filter(key__startswith="standard_not_ready:DE:", required_clearances=[fvey.pk])
    assert restricted.exists()
    for finding in restricted:
        assert "2029-06-01" in finding.explanation
        assert any(e["model"] == "positions.milestone" for e in finding.evidence)

    outsider, insider = Client(), Client()
    outsider.force_login(PlannerFactory(username="fr-planner", nation=Nation.objects.get(code="FR")))
    insider.force_login(PlannerFactory(username="gb-planner", nation=Nation.objects.get(code="GB")))
    assert "2029-06-01" not in _texts(outsider)
    assert "2029-06-01" in _texts(insider)
    # What the outsider still sees is what it saw before the restricted milestone existed.
    still_public = Finding.objects.filter(key__startswith="standard_not_ready:DE:", required_clearances=[])
    assert {f.key: (f.explanation, f.score) for f in still_public}.items() <= public_before.items()


def test_the_snapshot_carries_each_records_releasability(reference: None) -> None:
    fvey = Coalition.objects.get(code="FVEY")
    milestone = set_milestone(
        nation=Nation.objects.get(code="DE"),
        kind=MilestoneKind.EXCLUSIVE_PQC,
        title="PQC only",
        target="2029-06",
        releasability=fvey,
    )
    rows = load_snapshot(date.today()).milestones[milestone.nation_id]
    assert [m.releasability_id for m in rows if m.id == milestone.pk] == [fvey.pk]
