"""An in-memory snapshot of everything the gap rules read, as it stood on one date.

The rules never touch the ORM: ``load_snapshot`` reads the data with a handful of queries, and tests and
previews build a ``Snapshot`` by hand (or change a loaded one with ``with_position``)."""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

from django.conf import settings
from django.db.models import QuerySet

from apps.accounts.models import User
from apps.algorithms.models import Algorithm, AlgorithmKind, ParameterSet
from apps.audit.queries import rows_as_recorded
from apps.core.dates import DatePrecision
from apps.core.together import read_together
from apps.gaps.citations import Citation, Record
from apps.gaps.snapshot_mechanisms import MechanismRow, mechanism_rows, mechanisms_query
from apps.nations.models import Coalition, Membership, Nation, NationKind
from apps.positions.models import Approval, Milestone, Position, Scope
from apps.sources.models import basis_of
from apps.sources.reverification import CONFIRMATION_COLUMNS, last_confirmed_stored
from apps.standards.models import Protocol, WorkItem, WorkItemStatus

#: Texts of work items that describe a framework or "any algorithm" rather than one algorithm's use: the
#: free-text matcher links the algorithms they name as examples, but they standardise none of them.
GENERIC_WORK_PREFIXES = ("framework", "any ", "any(", "generic", "n/a")


@dataclass(frozen=True)
class NationRow:
    id: int
    code: str
    name: str
    kind: str = NationKind.STATE

    @property
    def pk(self) -> int:
        """The id under the name a ``Nation`` gives it, so reports take either."""
        return self.id


@dataclass(frozen=True)
class CoalitionRow:
    id: int
    code: str
    is_defence: bool = False


@dataclass(frozen=True)
class PositionRow(Record):
    """A position in force. ``id`` is None for a draft that is not saved (previews). ``last_confirmed_on``:
    when its claim was last confirmed as known on the snapshot date (``last_confirmed_on``; None: never)."""

    MODEL: ClassVar[str] = "positions.position"

    id: int | None
    nation_id: int
    scope: str = Scope.ALL
    pqc_stance: str = "undeclared"
    qkd_stance: str = "undeclared"
    hybrid_policy: str = "undeclared"
    releasability_id: int | None = None
    source_id: int | None = None
    last_confirmed_on: date | None = None
    declared_on: date | None = None
    #: A draft's citation is not stored (a preview writes nothing), so it has no id; it is a source all the same.
    cites_source: bool = False
    source_basis: str = ""
    source_verified: bool | None = None

    @property
    def sourced(self) -> bool:
        return self.source_id is not None or self.cites_source

    def cited(self, code: str) -> Citation:
        return self.cite(f"{code} position ({self.scope})")


@dataclass(frozen=True)
class AlgorithmRow:
    id: int
    name: str
    kind: str
    quantum_vulnerable: bool = False

    @property
    def is_signature(self) -> bool:
        return self.kind in (AlgorithmKind.SIGNATURE, AlgorithmKind.STATEFUL_SIGNATURE)


@dataclass(frozen=True)
class ParameterSetRow:
    id: int
    algorithm_id: int
    name: str
    category: int | None = None


@dataclass(frozen=True)
class ApprovalRow(Record):
    MODEL: ClassVar[str] = "positions.approval"

    id: int
    nation_id: int
    algorithm_id: int
    status: str
    parameter_set_id: int | None = None
    scope: str = Scope.ALL
    until: date | None = None
    releasability_id: int | None = None
    source_basis: str = ""
    source_verified: bool | None = None


@dataclass(frozen=True)
class MilestoneRow(Record):
    MODEL: ClassVar[str] = "positions.milestone"

    id: int
    nation_id: int
    kind: str
    target_on: date
    title: str = ""
    scope: str = Scope.ALL
    releasability_id: int | None = None
    source_basis: str = ""
    source_verified: bool | None = None

    def cited(self, code: str) -> Citation:
        return self.cite(f"{code}: {self.title} ({self.target_on})")


@dataclass(frozen=True)
class ProtocolRow:
    id: int
    code: str


@dataclass(frozen=True)
class WorkItemRow(Record):
    """A standards work item with its lifecycle stage on the snapshot date (blank: no status yet)."""

    MODEL: ClassVar[str] = "standards.workitem"

    id: int
    identifier: str
    protocol_id: int
    algorithm_ids: frozenset[int] = frozenset()
    lifecycle: str = ""
    status: str = ""
    expected_completion_on: date | None = None


@dataclass
class Snapshot:
    """The data as of ``as_of``. Collections are keyed by id; per-nation lists hold the records in force."""

    as_of: date
    known_at: datetime | None = None
    nations: dict[int, NationRow] = field(default_factory=dict)
    coalitions: dict[int, CoalitionRow] = field(default_factory=dict)
    memberships: dict[int, frozenset[int]] = field(default_factory=dict)
    positions: dict[int, dict[str, PositionRow]] = field(default_factory=dict)
    approvals: dict[int, list[ApprovalRow]] = field(default_factory=dict)
    milestones: dict[int, list[MilestoneRow]] = field(default_factory=dict)
    algorithms: dict[int, AlgorithmRow] = field(default_factory=dict)
    parameter_sets: dict[int, ParameterSetRow] = field(default_factory=dict)
    protocols: dict[int, ProtocolRow] = field(default_factory=dict)
    work_items: list[WorkItemRow] = field(default_factory=list)
    mechanisms: list[MechanismRow] = field(default_factory=list)
    #: Days after its last confirmation a claim is due for re-verification (``due_for_reverification``).
    reverify_after_days: int = 180

    # --- who the rules look at -------------------------------------------------------------------------

    def allied_states(self) -> list[int]:
        """State nations belonging to at least one coalition: the subjects of the one-nation rules.
        Multinational bodies (EU, NATO speaking for itself) are never subjects."""
        return sorted(
            nid for nid, nation in self.nations.items() if nation.kind == NationKind.STATE and self.memberships.get(nid)
        )

    def shared_coalitions(self, a: int, b: int) -> list[CoalitionRow]:
        shared = self.memberships.get(a, frozenset()) & self.memberships.get(b, frozenset())
        cache = self.__dict__.setdefault("_shared_cache", {})
        if shared not in cache:
            cache[shared] = sorted((self.coalitions[c] for c in shared if c in self.coalitions), key=lambda c: c.code)
        return list(cache[shared])

    def allied_pairs(self, touching: Iterable[int] | None = None) -> Iterator[tuple[int, int]]:
        """Unordered pairs (lower id first) of state nations that are *allies*: here that means they share at
        least one coalition on the snapshot date. ``touching`` limits the pairs to those involving one of
        those nations (an incremental recompute)."""
        states = self.allied_states()
        by_coalition: dict[int, list[int]] = defaultdict(list)
        for nid in states:
            for cid in self.memberships[nid]:
                by_coalition[cid].append(nid)
        wanted = None if touching is None else set(touching)
        for a in states if wanted is None else sorted(wanted & set(states)):
            partners: set[int] = set()
            for cid in self.memberships[a]:
                partners.update(by_coalition[cid])
            for b in sorted(partners):
                if b == a:
                    continue
                if wanted is not None and b in wanted and b < a:
                    continue  # already yielded from b's side
                if wanted is None and b < a:
                    continue
                yield (a, b) if a < b else (b, a)

    # --- lookups used by the rules ---------------------------------------------------------------------

    def code(self, nation_id: int) -> str:
        return self.nations[nation_id].code

    def position(self, nation_id: int, scope: str = Scope.ALL) -> PositionRow | None:
        """The position for ``scope``, falling back to the nation's position for all systems."""
        by_scope = self.positions.get(nation_id, {})
        return by_scope.get(scope) or by_scope.get(Scope.ALL)

    def position_scopes(self, *nation_ids: int) -> list[str]:
        scopes = {Scope.ALL.value}
        for nid in nation_ids:
            scopes.update(self.positions.get(nid, {}))
        return sorted(scopes, key=lambda s: (s != Scope.ALL, s))

    def parameter_sets_of(self, algorithm_id: int) -> list[ParameterSetRow]:
        index = self.__dict__.get("_ps_index")
        if index is None:
            index = defaultdict(list)
            for ps in self.parameter_sets.values():
                index[ps.algorithm_id].append(ps)
            self.__dict__["_ps_index"] = index
        return index.get(algorithm_id, [])

    def with_position(self, draft: PositionRow) -> Snapshot:
        """A copy in which ``draft`` is the position in force for its nation and scope (for previews)."""
        positions = dict(self.positions)
        positions[draft.nation_id] = {**positions.get(draft.nation_id, {}), draft.scope: draft}
        return dataclasses.replace(self, positions=positions)


#: The source columns a national row reads, after its own: what its claim rests on and whether it was confirmed.
SOURCE_COLUMNS = ("source_id", "source__kind", "source__primary_url", "source__verified")


def _sourced(source_id: int | None, kind: str | None, primary_url: str | None, verified: bool | None) -> dict[str, Any]:
    return dict(
        zip(("source_basis", "source_verified"), _source_fields(source_id, kind, primary_url, verified), strict=True)
    )


def _source_fields(
    source_id: int | None, kind: str | None, primary_url: str | None, verified: bool | None
) -> tuple[str, bool | None]:
    """``source_basis`` and ``source_verified`` of a row citing the source ``SOURCE_COLUMNS`` describe (the
    fields' defaults without one), positionally: the approval and milestone rows end with them, and the
    incremental recompute builds thousands of such rows."""
    if source_id is None:
        return "", None
    return basis_of(kind or "", primary_url or ""), verified


def _group(rows: Iterable[object], key: str) -> dict[int, list]:  # type: ignore[type-arg]
    grouped: dict[int, list] = defaultdict(list)  # type: ignore[type-arg]
    for row in rows:
        grouped[getattr(row, key)].append(row)
    return dict(grouped)


def _membership_pairs(as_of: date) -> QuerySet[Membership, tuple[int, int]]:
    return Membership.objects.as_of(as_of).values_list("nation_id", "coalition_id")


def _memberships(pairs: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    memberships: dict[int, set[int]] = defaultdict(set)
    for nation_id, coalition_id in pairs:
        memberships[nation_id].add(coalition_id)
    return memberships


def memberships_on(as_of: date, known_at: datetime | None = None) -> dict[int, set[int]]:
    """Nation id -> the coalitions it belongs to on ``as_of``; with ``known_at``, as the memberships were
    recorded then (a membership's dates are corrected in place, so the audit trail holds what was known)."""
    pairs: Iterable[tuple[int, int]]
    if known_at is None:
        pairs = _membership_pairs(as_of)
    else:
        rows = [
            Membership(
                nation_id=row["nation_id"],
                coalition_id=row["coalition_id"],
                joined_on=date.fromisoformat(row["joined_on"]) if row.get("joined_on") else None,
                joined_precision=row.get("joined_precision") or DatePrecision.DAY,
                left_on=date.fromisoformat(row["left_on"]) if row.get("left_on") else None,
                left_precision=row.get("left_precision") or DatePrecision.DAY,
            )
            for row in rows_as_recorded(Membership._meta.db_table, known_at)
        ]
        pairs = [(m.nation_id, m.coalition_id) for m in rows if m.in_force_on(as_of)]
    return _memberships(pairs)


def _work_item_queries(as_of: date, known_at: datetime | None) -> list[QuerySet[Any, Any]]:
    """What ``work_items_on`` reads: the items' algorithms, their statuses in force, the items."""
    status_rows = (
        WorkItemStatus.objects.all() if known_at is None else WorkItemStatus.objects.filter(recorded_at__lte=known_at)
    )
    work_item_rows = WorkItem.objects.all() if known_at is None else WorkItem.objects.filter(created_at__lte=known_at)
    return [
        WorkItem.algorithms.through.objects.values_list("workitem_id", "algorithm_id"),
        status_rows.as_of(as_of).values_list("work_item_id", "status", "lifecycle"),
        work_item_rows.values_list("id", "identifier", "protocol_id", "expected_completion_on"),
    ]


def _work_items(
    algorithm_rows: Iterable[tuple[int, int]],
    status_rows: Iterable[tuple[int, str, str]],
    item_rows: Iterable[tuple[int, str, int, date | None]],
) -> list[WorkItemRow]:
    covered: dict[int, set[int]] = defaultdict(set)
    for work_item_id, algorithm_id in algorithm_rows:
        covered[work_item_id].add(algorithm_id)
    statuses = {work_item_id: (status, lifecycle) for work_item_id, status, lifecycle in status_rows}
    work_items = []
    for id_, identifier, protocol_id, expected_completion_on in item_rows:
        status = statuses.get(id_)
        work_items.append(
            WorkItemRow(
                id=id_,
                identifier=identifier,
                protocol_id=protocol_id,
                algorithm_ids=frozenset(covered.get(id_, ())),
                lifecycle=status[1] if status else "",
                status=status[0] if status else "",
                expected_completion_on=expected_completion_on,
            )
        )
    return work_items


def work_items_on(as_of: date, known_at: datetime | None = None) -> list[WorkItemRow]:
    """Every standards work item with its status in force on ``as_of`` (as recorded by ``known_at``). Three
    queries."""
    return _work_items(*(list(rows) for rows in _work_item_queries(as_of, known_at)))


def load_snapshot(
    as_of: date,
    nation_ids: Iterable[int] | None = None,
    known_at: datetime | None = None,
    *,
    coalition_id: int | None = None,
    seen_by: User | None = None,
    together: bool = False,
) -> Snapshot:
    """Read the data in force on ``as_of``: for today (or later) the declarations currently in force, for
    a past date those in force then (``as_of``). With ``known_at``, only what the tracker had recorded by
    that moment counts ("as known then"), and "current" means current at that moment. With ``nation_ids``,
    national records are read only for those nations and their allies (everything an incremental recompute
    of them can look at); with ``coalition_id`` instead, only for the coalition's members on ``as_of`` (all
    a coalition's own evaluation looks at). With ``seen_by``, the world as that user knows it: only the
    national records they may see, each in force as far as they may know (``seen_by``: one superseded by a
    record they may not see is still in force), so nothing evaluated on it depends on a record they may not
    see (a preview's). Thirteen queries, whatever the number of nations (fifteen with ``known_at``; the
    user's clearance is one more unless already read). With ``together``, the same reads are sent in one
    round trip (``read_together``): one query, two when the memberships must be read first (with
    ``nation_ids``, ``coalition_id`` or ``known_at``: three then, the audit trail's two and the rest)."""
    # The memberships are read first when the national reads depend on them (or come from the audit trail).
    memberships_first = not together or known_at is not None or nation_ids is not None or coalition_id is not None
    memberships = memberships_on(as_of, known_at) if memberships_first else {}
    scope_ids: set[int] | None = None
    if nation_ids is not None:
        scope_ids = set(nation_ids)
        their_coalitions = set().union(*(memberships.get(n, set()) for n in scope_ids))
        scope_ids |= {n for n, cs in memberships.items() if cs & their_coalitions}
    elif coalition_id is not None:
        scope_ids = {n for n, cs in memberships.items() if coalition_id in cs}

    nation_read = Nation.objects.values_list("id", "code", "name", "kind")
    national_ids = scope_ids
    every_nation: list[tuple[Any, ...]] | None = None
    if not together:
        # Every nation is read first (a few hundred short rows), so a scope that covers them all, as a
        # coalition of everyone makes any nation's allies, reads the national records without a list of
        # every id.
        every_nation = list(nation_read)
        if scope_ids is not None and scope_ids.issuperset(row[0] for row in every_nation):
            national_ids = None

    def national(qs):  # type: ignore[no-untyped-def]
        # A new declaration may be undated (or dated earlier than the one it supersedes): what is current
        # is what the nation says now (or said at ``known_at``), whatever the dates its sources carry.
        if seen_by is not None:
            qs = qs.seen_by(seen_by)
        qs = qs.in_force(as_of, known_at)
        return qs if national_ids is None else qs.filter(nation_id__in=national_ids)

    position_columns = (
        "id",
        "nation_id",
        "scope",
        "pqc_stance",
        "qkd_stance",
        "hybrid_policy",
        "releasability_id",
        "source_id",
        "declared_on",
    )
    approval_columns = ("id", "nation_id", "algorithm_id", "status", "parameter_set_id", "scope", "until")
    milestone_columns = ("id", "nation_id", "kind", "target_on", "title", "scope", "releasability_id")
    reads: list[QuerySet[Any, Any]] = [
        *([nation_read] if every_nation is None else []),
        Coalition.objects.values_list("id", "code", "is_defence"),
        national(Position.objects.all()).values_list(*position_columns, *CONFIRMATION_COLUMNS, *SOURCE_COLUMNS),
        national(Approval.objects.all()).values_list(*approval_columns, "releasability_id", *SOURCE_COLUMNS),
        national(Milestone.objects.all()).values_list(*milestone_columns, *SOURCE_COLUMNS),
        Algorithm.objects.values_list("id", "name", "kind", "quantum_vulnerable"),
        ParameterSet.objects.values_list("id", "algorithm_id", "name", "security_category"),
        Protocol.objects.values_list("id", "code"),
        *_work_item_queries(as_of, known_at),
        mechanisms_query(known_at),
    ]
    if not memberships_first:
        reads.append(_membership_pairs(as_of))
    results = read_together(*reads) if together else [list(rows) for rows in reads]
    nation_list = results.pop(0) if every_nation is None else every_nation
    (
        coalition_list,
        position_list,
        approval_list,
        milestone_list,
        algorithm_list,
        parameter_set_list,
        protocol_list,
        item_algorithms,
        item_statuses,
        item_list,
        mechanism_list,
        *membership_pairs,
    ) = results
    if not memberships_first:
        memberships = _memberships(membership_pairs[0])
    nations = {row[0]: NationRow(*row) for row in nation_list if scope_ids is None or row[0] in scope_ids}
    coalitions = {row[0]: CoalitionRow(*row) for row in coalition_list}
    positions: dict[int, dict[str, PositionRow]] = defaultdict(dict)
    for row in position_list:
        confirmed_on, published_on, precision = row[len(position_columns) : len(position_columns) + 3]
        last = last_confirmed_stored(confirmed_on, published_on, precision, row[-1], day=as_of)
        position = PositionRow(
            **dict(zip(position_columns, row, strict=False)),
            last_confirmed_on=last,
            **_sourced(*row[len(position_columns) + 3 :]),
        )
        positions[position.nation_id][position.scope] = position
    approvals = [ApprovalRow(*row[:8] + _source_fields(*row[8:])) for row in approval_list]
    milestones = [MilestoneRow(*row[:7] + _source_fields(*row[7:])) for row in milestone_list]
    algorithms = {row[0]: AlgorithmRow(*row) for row in algorithm_list}
    parameter_sets = {row[0]: ParameterSetRow(*row) for row in parameter_set_list}
    protocols = {row[0]: ProtocolRow(*row) for row in protocol_list}
    work_items = _work_items(item_algorithms, item_statuses, item_list)
    return Snapshot(
        as_of=as_of,
        known_at=known_at,
        nations=nations,
        coalitions=coalitions,
        memberships={n: frozenset(cs) for n, cs in memberships.items() if n in nations},
        positions=dict(positions),
        approvals=_group(approvals, "nation_id"),
        milestones=_group(milestones, "nation_id"),
        algorithms=algorithms,
        parameter_sets=parameter_sets,
        protocols=protocols,
        work_items=work_items,
        mechanisms=mechanism_rows(mechanism_list),
        reverify_after_days=settings.PQCTRACK_REVERIFY_AFTER_DAYS,
    )
