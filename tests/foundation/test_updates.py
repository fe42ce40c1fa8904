"""The 2026-12 update on the shipped data: each row supersedes the base row of the same identity through the
services, the history keeps what was believed before, and a row that cannot be placed stops the load."""

from __future__ import annotations

import csv
import shutil
from datetime import date
from pathlib import Path

import pytest

from apps.importer.loader import DEFAULT_DIRECTORY, load_reference
from apps.importer.rows import ReferenceDataError
from apps.nations.models import Nation
from apps.positions.models import Approval, Milestone, Position
from apps.standards.models import Lifecycle, Mechanism, WorkItem, WorkItemStatus
from tests.foundation.test_loader import edit

pytestmark = pytest.mark.django_db

UPDATES = DEFAULT_DIRECTORY / "updates-2026-12"


def rows(name: str) -> list[dict[str, str]]:
    with (UPDATES / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def loaded(db: None) -> None:
    load_reference()


def test_australias_hybrid_policy_is_discouraged_and_the_old_belief_stays_in_history(loaded: None) -> None:
    old, new = Position.objects.filter(nation__code="AU").order_by("recorded_at")
    assert (old.hybrid_policy, new.hybrid_policy) == ("undeclared", "discouraged")
    assert old.superseded_by == new and old.superseded_at is not None and new.is_current
    assert str(new.declared) == "2026-09-03"


def test_the_us_no_longer_names_fn_dsa_or_hqc(loaded: None) -> None:
    us = Position.objects.current().get(nation__code="US")
    assert not {"FN-DSA", "HQC"} & set(us.algorithms_named.split(";"))
    current = Approval.objects.current().filter(nation__code="US")
    assert not current.filter(algorithm__name__in=["FN-DSA", "HQC"]).exists()
    withdrawn = Approval.objects.filter(nation__code="US", algorithm__name__in=["FN-DSA", "HQC"])
    assert withdrawn.count() == 2 and all(a.superseded_at is not None for a in withdrawn)
    # What it still approves rests on the update's source.
    assert {a.source.url for a in current.select_related("source")} == {
        "https://federalstatelaw.com/federal-register/2026-12909"
    }


def test_rfc_10024_is_final_for_tls(loaded: None) -> None:
    item = WorkItem.objects.select_related("protocol").get(identifier="RFC 10024 (draft-ietf-tls-ecdhe-mlkem)")
    assert item.protocol.code == "TLS"
    in_force = WorkItemStatus.objects.as_of(date(2026, 12, 1)).get(work_item=item)
    assert (in_force.status, in_force.lifecycle, str(in_force.status_date)) == ("rfc", Lifecycle.FINAL, "2026-08")
    # The draft's status is its history; the draft was renamed, not duplicated.
    assert set(item.statuses.values_list("status", flat=True)) == {"rfc_editor_queue", "rfc"}
    assert not WorkItem.objects.filter(identifier="draft-ietf-tls-ecdhe-mlkem").exists()
    assert Mechanism.objects.get(protocol__code="TLS", name="X25519MLKEM768").work_items.get() == item


def test_each_update_row_supersedes_its_base_row_with_the_history_showing_both(loaded: None) -> None:
    for row in rows("national_positions_updates.csv"):
        history = list(Position.objects.filter(nation__code=row["code"], scope="all").order_by("recorded_at"))
        assert len(history) == 2, row["code"]
        assert history[0].superseded_by == history[1] and history[1].is_current
        assert (history[1].pqc_stance, history[1].qkd_stance, history[1].hybrid_policy) == (
            row["pqc_stance"], row["qkd_stance"], row["hybrid_policy"]
        )  # fmt: skip
    for row in rows("national_milestones_updates.csv"):
        new = Milestone.objects.current().get(nation__code=row["code"], title=row["milestone"])
        if row["supersedes"]:
            old = Milestone.objects.get(nation__code=row["code"], title=row["supersedes"])
            assert old.superseded_by == new and old.superseded_at is not None, row["milestone"]
    base = {(r["body"], r["identifier"]): r for r in csv.DictReader((DEFAULT_DIRECTORY / "standards_work.csv").open())}
    for row in rows("standards_work_updates.csv"):
        item = WorkItem.objects.get(body__code=row["body"], identifier=row["identifier"])
        statuses = list(item.statuses.order_by("recorded_at"))
        assert statuses[-1].status == row["status"] and item.title == row["title"]
        if row["supersedes"]:
            old = base[(row["body"], row["supersedes"])]
            assert statuses[0].status == old["status"] and statuses[0].recorded_at < statuses[-1].recorded_at
            assert statuses[0].source != statuses[-1].source, row["identifier"]
        else:
            assert len(statuses) == 1, row["identifier"]


def test_the_speech_rows_replace_the_french_milestones_they_correct(loaded: None) -> None:
    titles = set(Milestone.objects.current().filter(nation__code="FR").values_list("title", flat=True))
    assert "ANSSI: buying products without PQC no longer reasonable" not in titles
    assert any(t.startswith("ANSSI (Director-General's speech") for t in titles)


def test_a_second_load_changes_nothing_in_any_history(loaded: None) -> None:
    counts = [m.objects.count() for m in (Position, Approval, Milestone, WorkItem, WorkItemStatus, Nation)]
    assert load_reference().changes == 0
    assert [m.objects.count() for m in (Position, Approval, Milestone, WorkItem, WorkItemStatus, Nation)] == counts


@pytest.fixture
def fixtures_copy(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target


@pytest.mark.parametrize(
    ("name", "line", "value"),
    [("national_milestones_updates.csv", 13, "FR milestone nobody recorded"),
     ("standards_work_updates.csv", 2, "draft-nobody-wrote-this")],
)  # fmt: skip
def test_an_update_row_that_cannot_be_placed_stops_the_load(
    new_audit_events, fixtures_copy: Path, name: str, line: int, value: str
) -> None:
    edit(fixtures_copy, f"updates-2026-12/{name}", line, supersedes=value)

    with pytest.raises(ReferenceDataError) as caught:
        load_reference(fixtures_copy)

    assert (caught.value.file, caught.value.line, caught.value.field) == (f"updates-2026-12/{name}", line, "supersedes")
    assert value in str(caught.value) and "supersede" in str(caught.value)
    assert not Nation.objects.exists() and not new_audit_events().exists()
