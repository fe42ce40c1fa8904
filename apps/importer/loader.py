"""Loading the shipped reference data (``fixtures/*.csv``, then each ``fixtures/updates-*/`` folder in
date order) through the services.

The whole load is one transaction: a malformed row raises ``ReferenceDataError`` naming the file, row and
field, and nothing of that load is written. Services write only what differs, so loading the same files
twice changes nothing; a changed row supersedes the record it changes, and the history keeps both."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, AlgorithmKind, ParameterSet
from apps.algorithms.services import algorithm_upsert, parameter_set_upsert
from apps.audit.models import AuditEvent
from apps.core.dates import DatePrecision
from apps.core.exceptions import DomainError
from apps.importer import mechanisms
from apps.importer.matching import AlgorithmMatcher
from apps.importer.rows import ReferenceDataError, Row, read_rows
from apps.importer.updates import ApprovalSkip, Replaces, Skip, Updates
from apps.nations.models import Coalition, CoalitionKind, Membership, Nation, NationKind
from apps.nations.services import coalition_upsert, membership_set, nation_upsert
from apps.positions.models import Approval, ApprovalStatus, HybridPolicy, MilestoneKind, PqcStance, QkdStance, Scope
from apps.positions.services import approval_set, milestone_set, position_declare
from apps.sources.models import PrimarySeen, Source, SourceKind
from apps.sources.services import source_record
from apps.standards.models import Hybrid
from apps.standards.services import body_upsert, protocol_upsert, work_item_status_record, work_item_upsert

DEFAULT_DIRECTORY = Path(settings.BASE_DIR) / "fixtures"
ROSTER_COLUMNS = ["coalition", "code", "name", "joined", "joined_precision", "left", "left_precision"]
STANDARDS_COLUMNS = ["body", "identifier", "title", "protocol", "algorithms", "status", "status_date", "hybrid",
                     "source_url", "verified", "note", "primary_url", "primary_seen", "protocol_code"]  # fmt: skip
POSITION_COLUMNS = ["code", "name", "pqc_stance", "qkd_stance", "hybrid_policy", "algorithms_named", "authority",
                    "document", "published", "source_url", "verified", "note", "primary_url", "primary_seen",
                    "scope", "releasability"]  # fmt: skip
APPROVAL_COLUMNS = ["code", "subject", "status", "scope", "basis", "note"]
MILESTONE_COLUMNS = ["code", "milestone", "target_date", "scope", "kind", "source_url", "verified", "primary_url",
                     "primary_seen", "applies_to", "target_precision"]  # fmt: skip


@dataclass
class LoadReport:
    """What a load read and how many row changes it made (counted from the audit trail)."""

    rows: dict[str, int] = field(default_factory=dict)
    changes: int = 0

    def __str__(self) -> str:
        read = ", ".join(f"{count} {name}" for name, count in self.rows.items())
        return f"Read {read}; {self.changes} row changes written."


def load_reference(directory: Path = DEFAULT_DIRECTORY, *, actor: User | None = None) -> LoadReport:
    """Load every shipped file in ``directory`` in one transaction and report what changed."""
    loader = _Loader(directory, actor)
    with transaction.atomic():
        # This transaction's audit events after the mark are exactly the rows this load changed (the load
        # may run inside a larger transaction, as in tests, so the transaction id alone is not enough).
        mark = AuditEvent.objects.aggregate(last=Max("id"))["last"] or 0
        loader.run()
        loader.report.changes = AuditEvent.objects.filter(txid=_current_txid(), id__gt=mark).count()
    return loader.report


def _current_txid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        return int(cursor.fetchone()[0])


class _Loader:
    def __init__(self, directory: Path, actor: User | None) -> None:
        self.directory = directory
        self.actor = actor
        self.report = LoadReport()
        self.coalitions: dict[str, Coalition] = {}
        self.nations: dict[str, Nation] = {}
        self.position_rows: dict[str, Row] = {}
        # Update folders in date order (their names are updates-YYYY-MM).
        self.updates = sorted(p for p in directory.glob("updates-*") if p.is_dir())

    def run(self) -> None:
        self.load_coalitions()
        self.load_nations_and_memberships()
        self.load_algorithms()
        self.load_parameter_sets()
        updates = Updates(self)
        self.load_standards_work(self.rows("standards_work.csv", STANDARDS_COLUMNS), skip=updates.replaced_work_item)
        mechanisms.load_mechanisms(self.rows(mechanisms.FILE, mechanisms.COLUMNS), actor=self.actor)
        self.load_positions(self.rows("national_positions.csv", POSITION_COLUMNS), skip=updates.replaced_position)
        self.load_approvals(
            self.rows("approvals.csv", APPROVAL_COLUMNS), self.position_rows, skip=updates.replaced_approval
        )
        self.load_milestones(self.rows("national_milestones.csv", MILESTONE_COLUMNS), skip=updates.replaced_milestone)
        for folder in self.updates:
            self.load_rosters(folder)
            updates.load(folder)

    def rows(self, name: str, columns: list[str]) -> list[Row]:
        """The rows of ``name``, a path under the load's directory (``updates-2026-12/…`` for an update)."""
        path = self.directory / name
        if not path.exists():
            raise ReferenceDataError(name, 0, "-", f"file not found in {self.directory}")
        rows = list(read_rows(path, columns, name))
        self.report.rows[name.removesuffix(".csv")] = len(rows)
        return rows

    def update_rows(self, name: str, columns: list[str]) -> list[Row]:
        """``name``'s rows from every update folder that has it, oldest folder first."""
        return [
            row
            for folder in self.updates
            if (folder / name).exists()
            for row in self.rows(f"{folder.name}/{name}", columns)
        ]

    @contextmanager
    def at(self, row: Row, field_map: dict[str, str] | None = None) -> Iterator[None]:
        """Services called inside this block write ``row``: a refusal names the row and the file's column."""
        try:
            yield
        except DomainError as exc:
            fields = list(getattr(exc, "errors", {}) or {}) or [exc.field or "-"]
            column = (field_map or {}).get(fields[0], fields[0])
            raise row.error(column, exc.message) from None

    def source(self, row: Row, *, authority: str = "", document: str = "", published_field: str = "") -> Source:
        with self.at(row, {"url": "source_url"}):
            return source_record(
                authority=authority,
                document=document,
                url=row.text("source_url"),
                primary_url=row.text("primary_url"),
                primary_seen=row.choice("primary_seen", PrimarySeen, blank_as=""),
                published=row.date(published_field) if published_field else None,
                verified=row.yes_no("verified"),
                note=row.text("note"),
                # Only where the data says what the source is (an optional column); blank: not recorded.
                kind=row.choice("source_kind", SourceKind, blank_as=SourceKind.UNKNOWN),
            )

    def coalition(self, row: Row, field_name: str, code: str) -> Coalition:
        try:
            return self.coalitions[code]
        except KeyError:
            raise row.error(field_name, f"unknown coalition {code!r}") from None

    def nation(self, row: Row, code: str) -> Nation:
        try:
            return self.nations[code]
        except KeyError:
            raise row.error("code", f"unknown nation {code!r} (in no position row or roster)") from None

    # -- the files, in dependency order ---------------------------------------------------------------

    def load_coalitions(self) -> None:
        for row in self.rows("coalitions.csv", ["code", "name", "kind", "is_defence", "note"]):
            code = row.required("code")
            with self.at(row):
                self.coalitions[code] = coalition_upsert(
                    code=code,
                    name=row.required("name"),
                    kind=row.choice("kind", CoalitionKind),
                    is_defence=row.yes_no("is_defence"),
                    note=row.text("note"),
                    actor=self.actor,
                )

    def load_nations_and_memberships(self) -> None:
        rows = self.rows("national_positions.csv", ["code", "name", "groups"])
        for row in rows:
            code = row.required("code")
            if code in self.position_rows:
                raise row.error("code", f"{code} appears twice")
            self.position_rows[code] = row
            kind = NationKind.BODY if code in self.coalitions else NationKind.STATE
            with self.at(row):
                self.nations[code] = nation_upsert(code=code, name=row.required("name"), kind=kind, actor=self.actor)
        joined = {
            (row.required("coalition"), row.required("code")): row
            for row in self.rows("membership_dates.csv", ["coalition", "code", "joined"])
        }
        # A pair an update's roster gives supersedes the base one: written from the base files only the
        # first time, so that loading again does not undo the update and redo it.
        rostered = {
            (row.required("coalition"), row.required("code"))
            for row in self.update_rows("coalition_members.csv", ["coalition", "code"])
        }
        recorded = set(Membership.objects.values_list("coalition__code", "nation__code"))
        for row in rows:
            nation = self.nations[row.required("code")]
            for group in row.items("groups"):
                coalition = self.coalition(row, "groups", group)
                date_row = joined.pop((group, nation.code), None)
                if (group, nation.code) in rostered & recorded:
                    continue
                with self.at(row):
                    membership_set(
                        coalition=coalition,
                        nation=nation,
                        joined=date_row.date("joined") if date_row else None,
                        actor=self.actor,
                        reason="reference data",
                    )
        for (group, code), row in joined.items():
            raise row.error("code", f"{code} is not listed as a member of {group} in national_positions.csv")

    def load_rosters(self, folder: Path) -> None:
        """Every member of each coalition, with its join and leave dates: a member with no position of its
        own becomes a nation here (the names of nations already known are kept)."""
        name = f"{folder.name}/coalition_members.csv"
        if not (folder / "coalition_members.csv").exists():
            return
        for row in self.rows(name, ROSTER_COLUMNS):
            coalition = self.coalition(row, "coalition", row.required("coalition"))
            code = row.required("code")
            with self.at(row):
                if code not in self.nations:
                    self.nations[code] = nation_upsert(code=code, name=row.required("name"), actor=self.actor)
            with self.at(row, {"joined_on": "joined", "left_on": "left"}):
                membership_set(
                    coalition=coalition,
                    nation=self.nations[code],
                    joined=row.dated("joined", "joined_precision"),
                    left=row.dated("left", "left_precision"),
                    actor=self.actor,
                )

    def load_algorithms(self) -> None:
        columns = ["name", "family", "kind", "standard", "status", "status_date", "security_categories",
                   "parameter_sets", "source_url", "verified", "note", "primary_url", "primary_seen",
                   "quantum_vulnerable", "aliases"]  # fmt: skip
        for row in self.rows("algorithms.csv", columns):
            categories_text = row.text("security_categories")
            numeric = re.fullmatch(r"[1-5](;[1-5])*", categories_text)
            categories = [int(c) for c in row.items("security_categories")] if numeric else []
            status_date = row.date("status_date")
            source = self.source(row, document=row.text("standard"))
            with self.at(row, {"status_on": "status_date", "parameter_sets_text": "parameter_sets"}):
                algorithm_upsert(
                    name=row.required("name"),
                    actor=self.actor,
                    source=source,
                    aliases=row.items("aliases"),
                    family=row.text("family"),
                    kind=row.choice("kind", AlgorithmKind),
                    quantum_vulnerable=row.yes_no("quantum_vulnerable"),
                    standard=row.text("standard"),
                    status=row.text("status"),
                    status_on=status_date.value if status_date else None,
                    status_precision=status_date.precision if status_date else DatePrecision.DAY,
                    security_categories=categories,
                    security_note="" if categories else categories_text,
                    parameter_sets_text=row.text("parameter_sets"),
                    note=row.text("note"),
                )

    def load_parameter_sets(self) -> None:
        algorithms = {a.name: a for a in Algorithm.objects.all()}
        for row in self.rows("parameter_sets.csv", ["algorithm", "name", "security_category", "note"]):
            algorithm = algorithms.get(row.required("algorithm"))
            if algorithm is None:
                raise row.error("algorithm", f"unknown algorithm {row.text('algorithm')!r}")
            category = row.text("security_category")
            if category and category not in {"1", "2", "3", "4", "5"}:
                raise row.error("security_category", f"{category!r} is not a NIST category 1-5")
            with self.at(row):
                parameter_set_upsert(
                    algorithm=algorithm,
                    name=row.required("name"),
                    security_category=int(category) if category else None,
                    note=row.text("note"),
                    actor=self.actor,
                )

    def load_standards_work(self, rows: list[Row], *, skip: Skip = None) -> None:
        matcher = AlgorithmMatcher()
        for row in rows:
            if skip and skip(row):
                continue
            source = self.source(row, authority=row.text("body"), document=row.text("title"))
            with self.at(row, {"status_on": "status_date", "code": "body", "formerly": "supersedes"}):
                item = work_item_upsert(
                    body=body_upsert(code=row.required("body"), actor=self.actor),
                    identifier=row.required("identifier"),
                    formerly=row.text("supersedes"),
                    actor=self.actor,
                    source=source,
                    algorithms=matcher.find(row.text("algorithms")),
                    title=row.required("title"),
                    protocol=protocol_upsert(code=row.required("protocol_code"), actor=self.actor),
                    protocol_label=row.text("protocol"),
                    algorithms_text=row.text("algorithms"),
                    hybrid=row.choice("hybrid", Hybrid, blank_as=""),
                    note=row.text("note"),
                )
                work_item_status_record(
                    work_item=item,
                    status=row.required("status"),
                    on=row.date("status_date"),
                    source=source,
                    actor=self.actor,
                )

    def load_positions(self, rows: list[Row], *, skip: Skip = None) -> None:
        for row in rows:
            if skip and skip(row):
                continue
            releasability = row.text("releasability")
            source = self.source(
                row, authority=row.text("authority"), document=row.text("document"), published_field="published"
            )
            with self.at(row):
                position_declare(
                    nation=self.nation(row, row.required("code")),
                    actor=self.actor,
                    source=source,
                    pqc_stance=row.choice("pqc_stance", PqcStance, blank_as=PqcStance.UNDECLARED),
                    qkd_stance=row.choice("qkd_stance", QkdStance, blank_as=QkdStance.UNDECLARED),
                    hybrid_policy=row.choice("hybrid_policy", HybridPolicy, blank_as=HybridPolicy.UNDECLARED),
                    scope=row.choice("scope", Scope),
                    releasability=self.coalition(row, "releasability", releasability) if releasability else None,
                    declared=row.date("published"),
                    algorithms_named=row.text("algorithms_named"),
                    note=row.text("note"),
                )

    def load_approvals(self, rows: list[Row], bases: dict[str, Row], *, skip: ApprovalSkip = None) -> list[Approval]:
        """Write ``rows`` (each resting on the position row ``bases[basis]``); returns what they declare."""
        algorithms = list(Algorithm.objects.all())
        parameter_sets = {p.name: p for p in ParameterSet.objects.select_related("algorithm")}
        declared = []
        for row in rows:
            subject = row.required("subject")
            parameter_set = parameter_sets.get(subject)
            if parameter_set is not None:
                algorithm = parameter_set.algorithm
            else:
                matches = [a for a in algorithms if a.name == subject or subject in a.aliases]
                if len(matches) != 1:
                    raise row.error("subject", f"{subject!r} names no algorithm, alias or parameter set")
                algorithm = matches[0]
            basis = bases.get(row.required("basis"))
            if basis is None:
                raise row.error("basis", f"no position row for {row.text('basis')!r} in {row.file}'s folder")
            nation = self.nation(row, row.required("code"))
            scope = row.choice("scope", Scope)
            if skip and skip(row, nation, algorithm, parameter_set, scope):
                continue
            releasability = basis.text("releasability")
            source = self.source(
                basis, authority=basis.text("authority"), document=basis.text("document"), published_field="published"
            )
            with self.at(row):
                approval = approval_set(
                    nation=nation,
                    algorithm=algorithm,
                    parameter_set=parameter_set,
                    status=row.choice("status", ApprovalStatus),
                    scope=scope,
                    actor=self.actor,
                    source=source,
                    releasability=self.coalition(basis, "releasability", releasability) if releasability else None,
                    declared=basis.date("published"),
                    note=row.text("note"),
                )
            declared.append(approval)
        return declared

    def load_milestones(self, rows: list[Row], *, skip: Skip = None, replaces: Replaces = None) -> None:
        for row in rows:
            if skip and skip(row):
                continue
            target = row.date("target_date", row.choice("target_precision", DatePrecision))
            if target is None:
                raise row.error("target_date", "is required")
            source = self.source(row)
            fields = {"title": "milestone", "scope": "applies_to", "scope_text": "scope", "replaces": "supersedes"}
            with self.at(row, fields):
                milestone_set(
                    nation=self.nation(row, row.required("code")),
                    kind=row.choice("kind", MilestoneKind),
                    title=row.required("milestone"),
                    target=target,
                    scope=row.choice("applies_to", Scope),
                    scope_text=row.text("scope"),
                    actor=self.actor,
                    source=source,
                    replaces=replaces(row) if replaces else None,
                )
