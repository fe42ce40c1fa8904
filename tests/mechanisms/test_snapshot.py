"""The mechanisms in the snapshot the rules read: one query, each with all its parameter sets and work
items (no duplicates from the two joins), and only those recorded by ``known_at``."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from apps.accounts.models import User
from apps.core.dates import PartialDate
from apps.gaps.snapshot import load_snapshot
from apps.nations.models import Coalition, Nation
from apps.positions.services import approval_set, milestone_set
from apps.standards.services import mechanism_upsert, work_item_upsert
from tests.factories import declare
from tests.mechanisms.conftest import Catalogue


def test_a_mechanism_carries_every_parameter_set_and_work_item_once(catalogue: Catalogue) -> None:
    second = work_item_upsert(
        body=catalogue.ecdhe_mlkem.body, identifier="RFC 10024", title="ECDHE-MLKEM", protocol=catalogue.tls,
        actor=None, source=None,
    )  # fmt: skip
    both = mechanism_upsert(
        protocol=catalogue.tls,
        name="SecP384r1MLKEM1024",
        actor=None,
        parameter_sets=[catalogue.ml_kem_768, catalogue.ml_kem_1024],
        work_items=[catalogue.ecdhe_mlkem, second],
        hybrid=True,
        classical_component="P-384",
        classical_algorithm=catalogue.ecdh,
        kind="key_establishment",
        cited_row="standards.csv: IETF RFC 10024",
    )
    [row] = load_snapshot(date(2031, 1, 1)).mechanisms
    assert row.id == both.pk and row.hybrid and row.classical_algorithm_id == catalogue.ecdh.pk
    assert row.parameter_set_ids == tuple(sorted((catalogue.ml_kem_768.pk, catalogue.ml_kem_1024.pk)))
    assert row.work_item_ids == tuple(sorted((catalogue.ecdhe_mlkem.pk, second.pk)))
    assert row.cited().evidence() == {
        "model": "standards.mechanism",
        "id": both.pk,
        "label": "SecP384r1MLKEM1024 (hybrid)",
    }


def test_the_snapshot_reads_mechanisms_in_one_query(catalogue: Catalogue, django_assert_num_queries) -> None:
    for n in range(3):
        mechanism_upsert(
            protocol=catalogue.tls, name=f"MLKEM{n}", actor=None, parameter_sets=[catalogue.ml_kem_768],
            work_items=[catalogue.ecdhe_mlkem], kind="key_establishment", cited_row="test",
        )  # fmt: skip
    # memberships, nations, coalitions, positions, approvals, milestones, algorithms, parameter sets,
    # protocols, work item algorithms, statuses, work items, mechanisms
    with django_assert_num_queries(13):
        snapshot = load_snapshot(date(2031, 1, 1))
    assert [m.name for m in snapshot.mechanisms] == ["MLKEM0", "MLKEM1", "MLKEM2"]


def test_as_known_then_a_mechanism_recorded_later_is_not_there(catalogue: Catalogue) -> None:
    mechanism_upsert(
        protocol=catalogue.tls, name="MLKEM768", actor=None, parameter_sets=[catalogue.ml_kem_768],
        work_items=[catalogue.ecdhe_mlkem], kind="key_establishment", cited_row="test",
    )  # fmt: skip
    before = timezone.now() - timedelta(days=1)
    assert load_snapshot(date(2031, 1, 1), known_at=before).mechanisms == []
    assert [m.name for m in load_snapshot(date(2031, 1, 1), known_at=timezone.now()).mechanisms] == ["MLKEM768"]


@pytest.mark.parametrize("past", [False, True])
def test_read_together_the_snapshot_is_the_same_in_one_query(
    catalogue: Catalogue, planner: User, ally: Coalition, nation_a: Nation, django_assert_num_queries, past: bool
) -> None:
    mechanism_upsert(
        protocol=catalogue.tls, name="MLKEM768", actor=None, parameter_sets=[catalogue.ml_kem_768],
        work_items=[catalogue.ecdhe_mlkem], kind="key_establishment", cited_row="test",
    )  # fmt: skip
    declare(nation_a, hybrid_policy="required")
    approval_set(nation=nation_a, algorithm=catalogue.ml_kem_768.algorithm, parameter_set=catalogue.ml_kem_768,
                 status="approved", actor=None, source=None, releasability=ally)  # fmt: skip
    milestone_set(nation=nation_a, kind="disallow_classical", title="A drops classical", actor=None, source=None,
                  target=PartialDate.parse("2031-06-30"))  # fmt: skip
    day = timezone.localdate() - timedelta(days=400) if past else date(2031, 1, 1)
    planner.cleared_coalition_ids()  # read once, as a request reads it before the page
    for kwargs in ({}, {"seen_by": planner}):
        apart = load_snapshot(day, **kwargs)  # type: ignore[arg-type]
        with django_assert_num_queries(1):
            together = load_snapshot(day, together=True, **kwargs)  # type: ignore[arg-type]
        assert together == apart and together.approvals and together.positions and together.mechanisms
        assert list(together.nations) == list(apart.nations)
    # the memberships are read first when the national reads depend on them; the rest still go together
    for kwargs in ({"coalition_id": ally.pk}, {"nation_ids": [nation_a.pk]}):
        apart = load_snapshot(day, **kwargs)  # type: ignore[arg-type]
        with django_assert_num_queries(2):
            together = load_snapshot(day, together=True, **kwargs)  # type: ignore[arg-type]
        assert together == apart
    known = {"known_at": timezone.now(), "seen_by": planner}
    apart = load_snapshot(day, **known)  # type: ignore[arg-type]
    with django_assert_num_queries(3):  # the memberships from the audit trail (two), then the rest
        assert load_snapshot(day, together=True, **known) == apart  # type: ignore[arg-type]
