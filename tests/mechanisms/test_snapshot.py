"""The mechanisms in the snapshot the rules read: one query, each with all its parameter sets and work
items (no duplicates from the two joins), and only those recorded by ``known_at``."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from apps.gaps.snapshot import load_snapshot
from apps.standards.services import mechanism_upsert, work_item_upsert
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
