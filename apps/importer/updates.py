"""Loading an ``updates-*`` folder: rows newer than the base files, each superseding the base row with the
same identity through the same services, so the history keeps what the tracker believed before.

Identities: a position is (nation, scope); a milestone (nation, kind, scope, title), or the base milestone
its ``supersedes`` column names when a correction retitles it; a standards document is (body, identifier),
or the base identifier its ``supersedes`` column names (a draft that became an RFC). Approvals rest on a
position row: an updated position's approvals are the update's ``approvals.csv`` rows for it, and a base
approval the update does not restate is withdrawn.

A base row an update supersedes is written only while nothing is recorded for its identity (the first
load); afterwards the update is what is in force, so loading again writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from apps.algorithms.models import Algorithm, ParameterSet
from apps.importer.rows import Row
from apps.nations.models import Nation
from apps.positions.models import Approval, Milestone, Position
from apps.positions.services import declaration_withdraw
from apps.standards.models import WorkItem

if TYPE_CHECKING:
    from apps.importer.loader import _Loader

Skip = Callable[[Row], bool] | None
ApprovalSkip = Callable[[Row, Nation, Algorithm, ParameterSet | None, str], bool] | None
Replaces = Callable[[Row], Milestone | None] | None

POSITIONS = "national_positions_updates.csv"
MILESTONES = "national_milestones_updates.csv"
STANDARDS = "standards_work_updates.csv"
APPROVALS = "approvals.csv"


class Updates:
    """The rows of every update folder, what they supersede, and how to load one folder."""

    def __init__(self, loader: _Loader) -> None:
        from apps.importer.loader import MILESTONE_COLUMNS, POSITION_COLUMNS, STANDARDS_COLUMNS

        self.loader = loader
        self.positions = loader.update_rows(POSITIONS, POSITION_COLUMNS)
        self.milestones = loader.update_rows(MILESTONES, [*MILESTONE_COLUMNS, "supersedes"])
        self.standards = loader.update_rows(STANDARDS, [*STANDARDS_COLUMNS, "supersedes"])
        self.updated_positions = {(row.required("code"), row.text("scope")) for row in self.positions}
        self.updated_codes = {code for code, _ in self.updated_positions}
        self.base_approvals: list[dict[str, object]] = []
        self.replaced_titles = {
            (row.required("code"), title)
            for row in self.milestones
            for title in (row.text("milestone"), row.text("supersedes"))
            if title
        }
        # (body, base identifier) -> the identifiers the document is recorded under, before and after.
        self.replaced_documents = {
            (row.required("body"), row.text("supersedes")): {row.text("supersedes"), row.required("identifier")}
            for row in self.standards
            if row.text("supersedes")
        }

    # -- base rows an update supersedes: written only the first time ---------------------------------------

    def replaced_position(self, row: Row) -> bool:
        code, scope = row.required("code"), row.text("scope")
        return (code, scope) in self.updated_positions and Position.objects.filter(
            nation__code=code, scope=scope
        ).exists()

    def replaced_approval(
        self, row: Row, nation: Nation, algorithm: Algorithm, parameter_set: ParameterSet | None, scope: str
    ) -> bool:
        if row.text("basis") not in self.updated_codes:
            return False
        identity: dict[str, object] = {
            "nation": nation,
            "algorithm": algorithm,
            "parameter_set": parameter_set,
            "scope": scope,
        }
        self.base_approvals.append(identity)
        return Approval.objects.filter(**identity).exists()

    def replaced_milestone(self, row: Row) -> bool:
        code, title = row.required("code"), row.text("milestone")
        return (code, title) in self.replaced_titles and Milestone.objects.filter(
            nation__code=code, title=title
        ).exists()

    def replaced_work_item(self, row: Row) -> bool:
        body = row.required("body")
        names = self.replaced_documents.get((body, row.text("identifier")))
        return names is not None and WorkItem.objects.filter(body__code=body, identifier__in=names).exists()

    # -- one update folder --------------------------------------------------------------------------------

    def load(self, folder: Path) -> None:
        loader = self.loader
        here = [row for row in self.standards if row.file.startswith(f"{folder.name}/")]
        loader.load_standards_work(here, skip=None)
        positions = [row for row in self.positions if row.file.startswith(f"{folder.name}/")]
        loader.load_positions(positions)
        self.load_approvals(folder, positions)
        milestones = [row for row in self.milestones if row.file.startswith(f"{folder.name}/")]
        loader.load_milestones(milestones, replaces=self.base_milestone)

    def load_approvals(self, folder: Path, positions: list[Row]) -> None:
        """The approvals resting on the folder's position rows; a base approval of an updated position that
        the update does not restate is withdrawn (it stays in the history)."""
        from apps.importer.loader import APPROVAL_COLUMNS

        if not positions:
            return
        bases = {row.required("code"): row for row in positions}
        rows = self.loader.rows(f"{folder.name}/{APPROVALS}", APPROVAL_COLUMNS)
        restated = {a.pk for a in self.loader.load_approvals(rows, bases)}
        for identity in self.base_approvals:
            nation = identity["nation"]
            assert isinstance(nation, Nation)
            if nation.code not in bases:
                continue
            approval = Approval.objects.current().filter(**identity).exclude(pk__in=restated).first()
            if approval is None:
                continue
            row = bases[nation.code]
            with self.loader.at(row):
                declaration_withdraw(
                    record=approval,
                    actor=self.loader.actor,
                    reason=f"not restated by {row.file}, row {row.line} (the position it rested on)",
                )

    def base_milestone(self, row: Row) -> Milestone | None:
        """The base milestone a correction supersedes (its ``supersedes`` column names its title): the one in
        force, or None once it has been superseded. A title that names no milestone of the nation cannot be
        placed, and stops the load."""
        title = row.text("supersedes")
        if not title:
            return None
        found = Milestone.objects.filter(nation__code=row.required("code"), title=title)
        if not found.exists():
            raise row.error("supersedes", f"no milestone of {row.text('code')} titled {title!r} to supersede")
        return found.current().first()
