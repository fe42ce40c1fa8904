"""How a run writes: new findings and their events in one ``COPY`` each, changed findings in one statement,
so a sweep takes the same number of queries whatever the number of findings it opens."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from apps.gaps import engine
from apps.gaps.models import Finding, FindingEvent, FindingEventKind, RunTrigger
from apps.nations.models import Nation

pytestmark = pytest.mark.django_db


def _world(size: int, start: int = 0) -> list[Nation]:
    """NATO allies QA, QB, … (the ``start``-th to the ``size``-th), every other one deploying QKD and the
    rest rejecting it."""
    from apps.nations.services import coalition_upsert, membership_set, nation_upsert
    from apps.positions.services import position_declare

    nato = coalition_upsert(code="NATO", name="NATO", kind="defence", is_defence=True, actor=None)
    nations = []
    for i in range(start, size):
        nation = nation_upsert(code=f"Q{chr(65 + i)}", name=f"Nation {i}", actor=None)
        membership_set(coalition=nato, nation=nation, actor=None)
        qkd = "deploying" if i % 2 else "rejects"
        position_declare(nation=nation, actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance=qkd)
        nations.append(nation)
    return nations


def _sweep_queries() -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        engine.recompute(trigger=RunTrigger.SWEEP)
    return [q["sql"] for q in captured.captured_queries]


def test_new_findings_and_their_opened_events_are_written_whole() -> None:
    _world(4)
    run = engine.recompute(trigger=RunTrigger.SWEEP)

    findings = list(Finding.objects.order_by("key"))
    assert run.findings_opened == len(findings) > 4
    gap = Finding.objects.get(key="qkd_divergence:QA:QB")
    assert (gap.status, gap.rule, gap.shared_coalitions) == ("open", "qkd_divergence", ["NATO"])
    assert gap.first_seen_at == gap.last_seen_at == gap.created_at == gap.updated_at
    assert gap.fingerprint and gap.title and gap.evidence
    events = list(FindingEvent.objects.filter(run=run))
    assert sorted(e.finding_id for e in events) == sorted(f.pk for f in findings)
    assert {(e.kind, e.from_status, e.to_status, e.actor_id) for e in events} == {("opened", "", "open", None)}
    assert all(e.at >= run.started_at for e in events)


def test_a_sweep_takes_the_same_queries_whatever_the_number_of_findings() -> None:
    nations = _world(3)
    small = _sweep_queries()
    opened_small = Finding.objects.count()
    FindingEvent.objects.all().delete()
    Finding.objects.all().delete()
    _world(10, start=len(nations))

    large = _sweep_queries()

    assert Finding.objects.count() > 4 * opened_small
    assert len(large) == len(small)
    copies = [q for q in large if q.startswith("COPY")]
    # the new findings (after one query drawing their ids), then every event of the run
    assert [q.split(" (")[0] for q in copies] == ['COPY "gaps_finding"', 'COPY "gaps_findingevent"']


def test_a_sweep_that_changes_nothing_writes_nothing() -> None:
    _world(4)
    engine.recompute(trigger=RunTrigger.SWEEP)

    queries = _sweep_queries()

    assert not [q for q in queries if q.startswith(("COPY", 'INSERT INTO "gaps_finding', 'UPDATE "gaps_finding'))]
    assert FindingEvent.objects.exclude(kind=FindingEventKind.OPENED).count() == 0


def _set_clause(sql: str) -> set[str]:
    """The columns an ``UPDATE … SET "a" = v."a", …`` statement writes."""
    clause = sql.split(" SET ", 1)[1].split(" FROM ", 1)[0]
    return {part.split(" = ")[0].strip().strip('"') for part in clause.split(", ")}


def _declare(nation: Nation, qkd: str) -> None:
    from apps.positions.services import position_declare

    position_declare(nation=nation, actor=None, source=None, pqc_stance="adopt_mandated", qkd_stance=qkd)


def _drain_updates() -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        engine.drain_requests()
    return [q["sql"] for q in captured.captured_queries if q["sql"].startswith('UPDATE "gaps_finding"')]


def test_a_resolution_writes_only_the_lifecycle_fields_it_changes() -> None:
    nations = _world(4)
    engine.recompute(trigger=RunTrigger.SWEEP)
    gap = Finding.objects.get(key="qkd_divergence:QA:QB")
    _declare(nations[1], "research")  # QB no longer deploys QKD: no divergence left with QB

    updates = _drain_updates()

    # the resolved divergences; QB's other findings now cite its new position, and only that changes
    assert sorted(sorted(_set_clause(u)) for u in updates) == [
        ["evidence", "fingerprint", "last_seen_at", "updated_at"],
        ["resolved_at", "status", "updated_at"],
    ]
    gap.refresh_from_db()
    assert gap.status == "resolved" and gap.resolved_at is not None
    assert gap.title and gap.evidence  # what was not written is what it was


def test_an_update_writes_only_the_fields_that_differ_and_leaves_the_finding_as_a_fresh_run_would() -> None:
    nations = _world(4)
    engine.recompute(trigger=RunTrigger.SWEEP)
    _declare(nations[1], "promotes")  # still diverging from the rejecters, said differently

    updates = _drain_updates()

    written = set().union(*(_set_clause(u) for u in updates))
    assert updates and written < {*engine.UPDATED_FIELDS}
    assert {"rule", "nation_a_id", "nation_b_id", "status", "triage_reason"}.isdisjoint(written)
    stored = {f.key: f for f in Finding.objects.unresolved()}
    fresh = {d.key: d for d in engine.compute_gaps(as_of=run_day())}
    assert set(stored) == set(fresh)
    for key, draft in fresh.items():
        assert stored[key].fingerprint == draft.fingerprint()
        assert (stored[key].title, stored[key].explanation, stored[key].score) == (
            draft.title,
            draft.explanation,
            draft.score,
        )


def run_day():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.localdate()
