"""The shipped reference data: complete, sourced, idempotent, and all-or-nothing when a row is bad."""

import csv
import shutil
from pathlib import Path

import pytest

from apps.algorithms.models import Algorithm
from apps.audit.models import AuditEvent
from apps.importer.loader import DEFAULT_DIRECTORY, load_reference
from apps.importer.rows import ReferenceDataError
from apps.nations.models import Membership, Nation
from apps.positions.models import Approval, Milestone, Position
from apps.sources.models import Source
from apps.standards.models import WorkItem

pytestmark = pytest.mark.django_db

REFERENCE = Path(__file__).resolve().parents[2].parent / "shared" / "reference"
UPDATE_POSITIONS = "updates-2026-12/national_positions_updates.csv"
UPDATE_MILESTONES = "updates-2026-12/national_milestones_updates.csv"
UPDATE_STANDARDS = "updates-2026-12/standards_work_updates.csv"


def reference_rows(name: str) -> list[dict[str, str]]:
    """The researched reference file when it is beside the checkout, else the shipped copy (same rows)."""
    path = REFERENCE / name if (REFERENCE / name).exists() else DEFAULT_DIRECTORY / name
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def shipped_rows(name: str) -> list[dict[str, str]]:
    with (DEFAULT_DIRECTORY / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def edit(directory: Path, name: str, line: int, **changes: str) -> None:
    """Change cells of data row ``line`` (2 = the first data row) of a copied fixture file."""
    path = directory / name
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    for column, value in changes.items():
        rows[line - 1][header.index(column)] = value
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)


@pytest.fixture
def fixtures_copy(tmp_path: Path) -> Path:
    target = tmp_path / "fixtures"
    shutil.copytree(DEFAULT_DIRECTORY, target)
    return target


def test_shipped_files_hold_every_reference_row_verbatim() -> None:
    for name in ["national_positions.csv", "national_milestones.csv", "algorithms.csv", "standards_work.csv",
                 UPDATE_POSITIONS, UPDATE_MILESTONES, UPDATE_STANDARDS]:  # fmt: skip
        reference = reference_rows(name)
        with (DEFAULT_DIRECTORY / name).open(newline="", encoding="utf-8") as handle:
            shipped = list(csv.DictReader(handle))
        assert len(shipped) == len(reference), name
        for ref, ours in zip(reference, shipped, strict=True):
            assert {k: ours[k] for k in ref} == ref, name


def test_loading_stores_every_row_with_its_source_and_verified_flag() -> None:
    load_reference()

    # The row in force for each nation is the update's where there is one.
    newest = {row["code"]: row for row in reference_rows("national_positions.csv")}
    newest |= {row["code"]: row for row in reference_rows(UPDATE_POSITIONS)}
    positions = list(newest.values())
    assert Position.objects.current().count() == len(positions)
    for row in positions:
        position = Position.objects.current().select_related("source", "nation").get(nation__code=row["code"])
        assert position.pqc_stance == row["pqc_stance"]
        assert position.qkd_stance == row["qkd_stance"]
        assert position.hybrid_policy == row["hybrid_policy"]
        assert position.source.verified == (row["verified"] == "yes")
        assert position.source.url == row["source_url"]
        assert position.source.primary_url == row["primary_url"]
        assert str(position.declared or "") == row["published"]
    updates = reference_rows(UPDATE_MILESTONES)
    corrections = sum(1 for row in shipped_rows(UPDATE_MILESTONES) if row["supersedes"])
    assert (
        Milestone.objects.current().count()
        == len(reference_rows("national_milestones.csv")) + len(updates) - corrections
    )
    assert Algorithm.objects.count() == len(reference_rows("algorithms.csv"))
    new_documents = sum(1 for row in shipped_rows(UPDATE_STANDARDS) if not row["supersedes"])
    assert WorkItem.objects.count() == len(reference_rows("standards_work.csv")) + new_documents
    assert Approval.objects.current().count() > 0


def test_undeclared_stances_and_blank_dates_stay_what_they_are() -> None:
    load_reference()
    switzerland = Position.objects.current().select_related("source").get(nation__code="CH")
    assert (switzerland.pqc_stance, switzerland.qkd_stance, switzerland.hybrid_policy) == ("undeclared",) * 3
    assert switzerland.declared_on is None and switzerland.source.published_on is None
    us = Position.objects.filter(nation__code="US").order_by("recorded_at").first()
    assert (str(us.declared), us.declared_precision) == ("2024-12", "month")
    new_zealand = Position.objects.current().get(nation__code="NZ")  # the update fills its blank date
    assert (str(new_zealand.declared), new_zealand.declared_precision) == ("2025-04", "month")


def test_memberships_carry_the_join_dates_the_sources_give(fixtures_copy: Path) -> None:
    shutil.rmtree(fixtures_copy / "updates-2026-12")
    load_reference(fixtures_copy)
    finland = Membership.objects.get(nation__code="FI", coalition__code="NATO")
    assert (finland.joined_on.year, finland.joined_precision) == (2023, "year")
    assert Membership.objects.get(nation__code="US", coalition__code="NATO").joined_on is None
    assert Nation.objects.get(code="EU").kind == "body"


def test_loading_twice_changes_nothing() -> None:
    first = load_reference()
    events = AuditEvent.objects.count()
    second = load_reference()
    assert first.changes > 0
    assert second.changes == 0
    assert AuditEvent.objects.count() == events


def test_a_changed_row_supersedes_and_the_history_keeps_both(fixtures_copy: Path) -> None:
    load_reference(fixtures_copy)
    line = next(i for i, row in enumerate(reference_rows("national_positions.csv"), start=2) if row["code"] == "DE")
    edit(fixtures_copy, "national_positions.csv", line, hybrid_policy="required", published="2026-09-01")

    report = load_reference(fixtures_copy)

    history = list(Position.objects.filter(nation__code="DE").order_by("recorded_at"))
    assert [p.hybrid_policy for p in history] == ["recommended", "required"]
    assert history[0].superseded_by == history[1]
    assert report.changes > 0


@pytest.mark.parametrize(
    ("name", "column", "value", "message"),
    [
        ("national_positions.csv", "qkd_stance", "enthusiastic", "is not one of"),
        ("national_positions.csv", "published", "March 2025", "not a date"),
        ("national_positions.csv", "groups", "NATO;WARSAW", "unknown coalition"),
        ("national_positions.csv", "source_url", "not a url", "Enter a valid URL"),
        ("national_milestones.csv", "kind", "someday", "is not one of"),
        ("national_milestones.csv", "code", "ZZ", "unknown nation"),
        ("standards_work.csv", "status", "vibes", "Unknown status"),
        ("algorithms.csv", "verified", "perhaps", "must be yes or no"),
        ("approvals.csv", "subject", "Unobtainium", "names no algorithm"),
        ("updates-2026-12/coalition_members.csv", "coalition", "WARSAW", "unknown coalition"),
        ("updates-2026-12/coalition_members.csv", "joined_precision", "decade", "is not one of"),
        ("updates-2026-12/coalition_members.csv", "left", "1900-01-01", "cannot end"),
        ("updates-2026-12/coalition_members.csv", "code", "", "is required"),
        ("updates-2026-12/national_positions_updates.csv", "hybrid_policy", "maybe", "is not one of"),
        ("updates-2026-12/national_milestones_updates.csv", "target_date", "soon", "not a date"),
        ("updates-2026-12/standards_work_updates.csv", "status", "vibes", "Unknown status"),
        ("updates-2026-12/approvals.csv", "subject", "Unobtainium", "names no algorithm"),
    ],
)
def test_a_malformed_row_loads_nothing_and_names_file_row_and_field(
    new_audit_events, fixtures_copy: Path, name: str, column: str, value: str, message: str
) -> None:
    edit(fixtures_copy, name, 5, **{column: value})

    with pytest.raises(ReferenceDataError) as caught:
        load_reference(fixtures_copy)

    assert (caught.value.file, caught.value.line, caught.value.field) == (name, 5, column)
    assert message in str(caught.value)
    assert not Nation.objects.exists()
    assert not Source.objects.exists()
    assert not new_audit_events().exists()


def test_the_command_reports_a_bad_file_without_a_traceback(fixtures_copy: Path) -> None:
    from django.core.management import CommandError, call_command

    edit(fixtures_copy, "coalitions.csv", 3, kind="club")
    with pytest.raises(CommandError, match=r"Nothing was loaded: coalitions.csv, row 3, field 'kind'"):
        call_command("load_reference", directory=fixtures_copy)
