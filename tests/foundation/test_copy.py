"""``apps.core.copy``: rows written with ``COPY`` are the rows an ``INSERT`` would write, in the caller's
transaction, under every constraint, counted as one query."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from apps.core.copy import copy_rows, reserve_ids
from apps.gaps.models import Finding
from apps.nations.models import Nation

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
FIELDS = [
    "id", "key", "rule", "nation_a_id", "severity", "score", "years_left", "shared_coalitions", "title",
    "explanation", "evidence", "required_clearances", "fingerprint", "status", "triage_reason",
    "triage_clearances", "first_seen_at", "last_seen_at", "created_at", "updated_at", "object",
]  # fmt: skip


def _row(pk: int, nation: Nation, **values: object) -> list[object]:
    row: dict[str, object] = {
        "id": pk, "key": f"k:{pk}", "rule": "no_common_kem", "nation_a_id": nation.pk, "severity": "high",
        "score": 70, "years_left": Decimal("9.1"), "shared_coalitions": ["NATO", "EU"], "title": "Tab\tand\nnewline",
        "explanation": "Back\\slash, quote ' and \"", "evidence": [{"model": "positions.position", "id": 1, "label": "é"}],
        "required_clearances": [3, 5], "fingerprint": "f" * 64, "status": "open", "triage_reason": "",
        "triage_clearances": [], "first_seen_at": NOW, "last_seen_at": NOW, "created_at": NOW, "updated_at": NOW,
        "object": "",
    }  # fmt: skip
    row.update(values)
    return [row[name] for name in FIELDS]


def test_copied_rows_read_back_as_written(nation_a: Nation) -> None:
    first, second = reserve_ids(Finding, 2)

    assert copy_rows(Finding, FIELDS, [_row(first, nation_a), _row(second, nation_a, score=5)]) == 2

    finding = Finding.objects.get(pk=first)
    assert (finding.key, finding.nation_a, finding.years_left) == (f"k:{first}", nation_a, Decimal("9.1"))
    assert (finding.title, finding.explanation) == ("Tab\tand\nnewline", "Back\\slash, quote ' and \"")
    assert finding.evidence == [{"model": "positions.position", "id": 1, "label": "é"}]
    assert (finding.shared_coalitions, finding.required_clearances) == (["NATO", "EU"], [3, 5])
    assert finding.first_seen_at == NOW
    assert Finding.objects.get(pk=second).score == 5


def test_reserved_ids_are_fresh_and_later_inserts_do_not_reuse_them(nation_a: Nation) -> None:
    ids = reserve_ids(Finding, 3)
    copy_rows(Finding, FIELDS, [_row(pk, nation_a) for pk in ids])

    later = Finding.objects.create(**dict(zip(FIELDS[1:], _row(0, nation_a, key="later")[1:], strict=True)))

    assert len(set(ids)) == 3
    assert later.pk > max(ids)
    assert reserve_ids(Finding, 0) == []


def test_copy_checks_constraints_like_an_insert(nation_a: Nation) -> None:
    (pk,) = reserve_ids(Finding, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_rows(Finding, FIELDS, [_row(pk, nation_a, score=101)])
    assert not Finding.objects.filter(pk=pk).exists()


def test_copy_is_part_of_the_callers_transaction(nation_a: Nation) -> None:
    class Undo(Exception):
        pass

    (pk,) = reserve_ids(Finding, 1)
    with pytest.raises(Undo), transaction.atomic():
        copy_rows(Finding, FIELDS, [_row(pk, nation_a)])
        assert Finding.objects.filter(pk=pk).exists()
        raise Undo
    assert not Finding.objects.filter(pk=pk).exists()


def test_a_copy_counts_as_one_query_whatever_the_rows(nation_a: Nation, django_assert_num_queries) -> None:
    ids = reserve_ids(Finding, 50)
    with django_assert_num_queries(1):
        copy_rows(Finding, FIELDS, (_row(pk, nation_a) for pk in ids))
    with django_assert_num_queries(1):
        reserve_ids(Finding, 50)


def test_a_name_that_is_not_a_column_is_refused() -> None:
    with pytest.raises(ValueError, match="columns"):
        copy_rows(Nation, ["code", "memberships"], [])


def test_no_rows_make_no_query(django_assert_num_queries) -> None:
    with django_assert_num_queries(0):
        assert copy_rows(Finding, FIELDS, iter([])) == 0
