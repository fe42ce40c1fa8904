"""Releasability holds for the whole engine, whatever the markings: a finding a user may see is exactly what
the rules produce from the records that user may see. Otherwise its text, score or severity carries
something from a record the user is not cleared for.

Checked over the shipped reference data (loaded through the loader) and over small synthetic worlds, with
random releasability markings on every position, approval and milestone, for every clearance a user can
hold (the coalitions of some nation on the snapshot date, or none)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from apps.gaps.engine import evaluate
from apps.gaps.rules import FindingDraft, Subjects
from apps.gaps.snapshot import Snapshot, load_snapshot
from apps.importer.loader import load_reference
from apps.positions.models import ApprovalStatus, HybridPolicy, MilestoneKind, PqcStance, QkdStance, Scope
from apps.standards.models import Lifecycle
from tests.gaps.world import World

Marking = int | None


def _records(snapshot: Snapshot) -> list[object]:
    """Every releasable row of ``snapshot``, in a stable order."""
    rows: list[object] = [p for nid in sorted(snapshot.positions) for _, p in sorted(snapshot.positions[nid].items())]
    rows += [a for nid in sorted(snapshot.approvals) for a in snapshot.approvals[nid]]
    rows += [m for nid in sorted(snapshot.milestones) for m in snapshot.milestones[nid]]
    return rows


def _marked(snapshot: Snapshot, markings: dict[tuple[str, object], Marking]) -> Snapshot:
    """A copy of ``snapshot`` whose rows carry the given releasability (by row kind and id)."""

    def mark(row):  # type: ignore[no-untyped-def]
        return dataclasses.replace(row, releasability_id=markings.get((type(row).__name__, row.id)))

    return dataclasses.replace(
        snapshot,
        positions={n: {s: mark(p) for s, p in by_scope.items()} for n, by_scope in snapshot.positions.items()},
        approvals={n: [mark(a) for a in rows] for n, rows in snapshot.approvals.items()},
        milestones={n: [mark(m) for m in rows] for n, rows in snapshot.milestones.items()},
    )


def _seen_with(snapshot: Snapshot, cleared: frozenset[int]) -> Snapshot:
    """``snapshot`` without the rows a user cleared for ``cleared`` may not see."""

    def seen(row) -> bool:  # type: ignore[no-untyped-def]
        return row.releasability_id is None or row.releasability_id in cleared

    return dataclasses.replace(
        snapshot,
        positions={n: {s: p for s, p in by_scope.items() if seen(p)} for n, by_scope in snapshot.positions.items()},
        approvals={n: [a for a in rows if seen(a)] for n, rows in snapshot.approvals.items()},
        milestones={n: [m for m in rows if seen(m)] for n, rows in snapshot.milestones.items()},
    )


def _face(d: FindingDraft) -> tuple[str, str, str, str]:
    return d.key, d.title, d.explanation, d.severity


def _clearances(snapshot: Snapshot) -> set[frozenset[int]]:
    return {frozenset(), *snapshot.memberships.values()}


def assert_clearance_holds(snapshot: Snapshot) -> None:
    """For every clearance: each finding visible with it is produced, unchanged, from what it may see."""
    full = evaluate(snapshot, Subjects())
    used = {r.releasability_id for r in _records(snapshot)} - {None}  # type: ignore[attr-defined]
    # Clearances that differ only in coalitions no record is marked for see the same records.
    for cleared in {c & used for c in _clearances(snapshot)}:
        visible = {_face(d) for d in full if d.visible_with(cleared)}
        if not visible:
            continue
        produced = {_face(d) for d in evaluate(_seen_with(snapshot, cleared), Subjects())}
        leaked = sorted(visible - produced)
        assert not leaked, f"cleared for {sorted(cleared)}, visible but not derivable: {leaked[:3]}"


# --- the shipped reference data ------------------------------------------------------------------------


@pytest.fixture
def shipped(db: None) -> Snapshot:
    load_reference()
    return load_snapshot(date.today())


def test_every_visible_finding_on_the_shipped_data_comes_from_records_the_user_may_see(shipped: Snapshot) -> None:
    keys = [(type(r).__name__, r.id) for r in _records(shipped)]  # type: ignore[attr-defined]
    coalition_ids = sorted(shipped.coalitions)
    marking = st.one_of(st.none(), st.sampled_from(coalition_ids))

    @settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(marking, min_size=len(keys), max_size=len(keys)))
    def check(markings: list[Marking]) -> None:
        assert_clearance_holds(_marked(shipped, dict(zip(keys, markings, strict=True))))

    check()


# --- synthetic worlds ----------------------------------------------------------------------------------

AS_OF = date(2026, 6, 1)
COALITIONS = ("NATO", "FVEY", "EU")
CODES = ("AA", "BB", "CC", "DD")
SUBJECTS = ("ML-KEM", "ML-KEM-768", "ML-KEM-1024", "ML-DSA", "ML-DSA-65", "ML-DSA-87", "LMS", "ECDH")
SCOPES = (Scope.ALL, Scope.NATIONAL_SECURITY_SYSTEMS)


@st.composite
def worlds(draw: st.DrawFn) -> Snapshot:
    w = World(as_of=AS_OF).nist()
    for code in COALITIONS:
        w.coalition(code, defence=code != "EU")
    releasable = st.one_of(st.none(), st.sampled_from([w.coalition_ids[c] for c in COALITIONS]))
    nations = draw(st.lists(st.sampled_from(CODES), min_size=2, max_size=4, unique=True))
    for code in nations:
        w.nation(code, *draw(st.lists(st.sampled_from(COALITIONS), min_size=1, max_size=3, unique=True)))
        for scope in draw(st.lists(st.sampled_from(SCOPES), max_size=2, unique=True)):
            confirmed = draw(st.one_of(st.none(), st.just(AS_OF), st.just(AS_OF - timedelta(days=3000))))
            w.position(
                code,
                scope=scope,
                pqc_stance=draw(st.sampled_from(PqcStance.values)),
                qkd_stance=draw(st.sampled_from(QkdStance.values)),
                hybrid_policy=draw(st.sampled_from(HybridPolicy.values)),
                last_confirmed_on=confirmed,
                releasability_id=draw(releasable),
            )
        for subject in draw(st.lists(st.sampled_from(SUBJECTS), max_size=4)):
            w.approve(
                code,
                subject,
                draw(st.sampled_from(ApprovalStatus.values)),
                scope=draw(st.sampled_from(SCOPES)),
                releasability_id=draw(releasable),
            )
        for _ in range(draw(st.integers(0, 3))):
            w.milestone(
                code,
                draw(st.sampled_from(MilestoneKind.values)),
                date(draw(st.integers(2025, 2038)), draw(st.integers(1, 12)), 1),
                releasability_id=draw(releasable),
            )
    tls = w.work_item("TLS", "RFC-TLS", ["ML-KEM"], draw(st.sampled_from(Lifecycle.values)))
    tls_hybrid = w.work_item("TLS", "RFC-TLS-hybrid", ["ML-KEM"], draw(st.sampled_from(Lifecycle.values)))
    tls_dsa = w.work_item("TLS", "RFC-TLS-mldsa", ["ML-DSA"], draw(st.sampled_from(Lifecycle.values)))
    ssh = w.work_item(
        "SSH", "draft-ssh", ["ML-KEM", "ML-DSA"], Lifecycle.DRAFT, expected_completion_on=date(2029, 1, 1)
    )
    w.work_item("CMS", "draft-cms", ["LMS"], draw(st.sampled_from(Lifecycle.values)))
    # The mechanisms the mechanism rules judge: pure and hybrid, two parameter sets, both kinds.
    w.mechanism("MLKEM768", "ML-KEM-768", items=[tls])
    w.mechanism("MLKEM1024", "ML-KEM-1024", items=[tls])
    w.mechanism("X25519MLKEM768", "ML-KEM-768", items=[tls_hybrid], hybrid=True)
    w.mechanism("ML-DSA-65", "ML-DSA-65", items=[tls_dsa])
    w.mechanism("mlkem768x25519-sha256", "ML-KEM-768", items=[ssh], hybrid=True)
    return w.snap


@settings(max_examples=200, deadline=None)
@given(worlds())
def test_every_visible_finding_in_a_synthetic_world_comes_from_records_the_user_may_see(snapshot: Snapshot) -> None:
    assert_clearance_holds(snapshot)
