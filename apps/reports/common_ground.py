"""Common ground: for a set of nations, a protocol, a kind of mechanism and a date, which mechanisms every
member accepts, who blocks the others and why, and when that changes between 2026 and 2036.

Built on ``apps.gaps.acceptance`` over one snapshot. The snapshot is first cut down to the records the
user may see, so a restricted approval, position or milestone never shapes what an uncleared user is
shown. The timeline projects the declarations in force on the report date (their milestones and approval
end dates) and the work items' recorded status dates onto every date where one of them takes effect."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from apps.accounts.models import User
from apps.core.dates import PartialDate
from apps.gaps.acceptance import UsableSets, Verdict, accepts
from apps.gaps.evaluation import EvaluationDates
from apps.gaps.snapshot import Snapshot, load_snapshot
from apps.gaps.snapshot_mechanisms import MechanismRow
from apps.nations.models import NationKind
from apps.positions.models import Scope
from apps.standards.models import MechanismKind, WorkItemStatus

TIMELINE_START, TIMELINE_END = date(2026, 1, 1), date(2036, 12, 31)


@dataclass(frozen=True)
class Shift:
    """From ``on``, the mechanisms every member accepts are ``common`` (names). ``label`` is the date at
    the precision of what set it (a standard's status dated "2026-08" stays a month)."""

    on: date
    common: tuple[str, ...]
    label: str = ""


@dataclass
class CommonGround:
    dates: EvaluationDates
    scope: str
    include_drafts: bool
    members: list[tuple[int, str, str]]  # (id, code, name)
    mechanisms: list[MechanismRow]
    grid: dict[tuple[int, int], Verdict]  # (nation id, mechanism id); verdicts without cites (none is shown)
    common: list[MechanismRow]
    nearest: list[tuple[MechanismRow, list[str]]]  # when none is common: the fewest blockers, per mechanism
    timeline: list[Shift]

    @property
    def as_of(self) -> date:
        return self.dates.as_of

    def table(self) -> list[tuple[str, str, list[tuple[str, str]]]]:
        """(code, name, [(class, text) per mechanism]) per member, for a page: the class is "ok" or "no",
        the text the verdict in words after its sign (✔ or ✕), so a page reads it without colour."""
        rows = []
        for nid, code, name in self.members:
            cells = []
            for m in self.mechanisms:
                verdict = self.grid[nid, m.id]
                sign, css = ("✔", "ok") if verdict.accepted else ("✕", "no")
                cells.append((css, f"{sign} {cell_text(verdict)}"))
            rows.append((code, name, cells))
        return rows


def _grid(
    snapshot: Snapshot,
    members: list[int],
    mechanisms: list[MechanismRow],
    scope: str,
    include_drafts: bool,
    usable_sets: UsableSets | None = None,
) -> dict[tuple[int, int], Verdict]:
    return {
        (n, m.id): accepts(snapshot, m, n, scope, include_drafts=include_drafts, usable_sets=usable_sets, cited=False)
        for n in members
        for m in mechanisms
    }


def _common(grid: dict[tuple[int, int], Verdict], members: list[int], mechanisms: list[MechanismRow]) -> list:  # type: ignore[type-arg]
    return [m for m in mechanisms if members and all(grid[n, m.id].accepted for n in members)]


def _lifecycles_on(history: dict[int, list[tuple[date | None, str, str]]], snapshot: Snapshot, day: date) -> Snapshot:
    """``snapshot`` with each work item's status as recorded for ``day``."""
    items = []
    for w in snapshot.work_items:
        dated = [h for h in history.get(w.id, []) if h[0] is None or h[0] <= day]
        if w.id in history:
            status, lifecycle = (dated[-1][1], dated[-1][2]) if dated else ("", "")
            w = dataclasses.replace(w, status=status, lifecycle=lifecycle)
        items.append(w)
    return dataclasses.replace(snapshot, as_of=day, work_items=items)


def _timeline(
    snapshot: Snapshot,
    members: list[int],
    mechanisms: list[MechanismRow],
    scope: str,
    include_drafts: bool,
    usable_sets: UsableSets | None = None,
) -> list[Shift]:
    item_ids = {i for m in mechanisms for i in m.work_item_ids}
    history: dict[int, list[tuple[date | None, str, str]]] = {}
    precisions = []
    statuses = WorkItemStatus.objects.filter(work_item_id__in=item_ids)
    if snapshot.known_at is not None:
        statuses = statuses.filter(recorded_at__lte=snapshot.known_at)
    for wid, on, status, lifecycle, precision in statuses.order_by(
        "work_item_id", "status_on", "recorded_at", "id"
    ).values_list("work_item_id", "status_on", "status", "lifecycle", "status_precision"):
        history.setdefault(wid, []).append((on, status, lifecycle))
        precisions.append((wid, on, precision))
    days = {date(year, 1, 1) for year in range(TIMELINE_START.year, TIMELINE_END.year + 1)}
    # A verdict changes only on a day one of its inputs does (its nation's milestones and approval ends, the
    # statuses of the work items defining its mechanism), so a judged cell holds until its next such day.
    # A mechanism is common when no member refuses it, so a refusal still holding settles it for the day.
    nation_days: dict[int, set[date]] = {}
    for n in members:
        nation_days[n] = {m.target_on for m in snapshot.milestones.get(n, [])}
        nation_days[n].update(a.until + timedelta(days=1) for a in snapshot.approvals.get(n, []) if a.until)
        days.update(nation_days[n])
    item_days: dict[int, set[date]] = {}
    labels: dict[date, str] = {}
    for wid, on, precision in precisions:
        if on:
            item_days.setdefault(wid, set()).add(on)
            labels.setdefault(on, str(PartialDate(on, precision)))
    mechanism_days = {m.id: set().union(*(item_days.get(w, set()) for w in m.work_item_ids)) for m in mechanisms}
    days.update(labels)
    judge = _Judge(snapshot, history, scope, include_drafts, nation_days, mechanism_days, usable_sets)
    shifts: list[Shift] = []
    for day in sorted(d for d in days if TIMELINE_START <= d <= TIMELINE_END):
        common = tuple(m.name for m in mechanisms if members and judge.all_accept(members, m, day))
        if not shifts or shifts[-1].common != common:
            shifts.append(Shift(day, common, labels.get(day, day.isoformat())))
    return shifts


class _Judge:
    """The timeline's verdicts, each judged once per stretch of days on which it cannot change: a verdict
    moves only on a day one of its inputs does (its nation's milestones and approval ends, the statuses of
    the work items defining its mechanism). A mechanism is common when no member refuses it, so a refusal
    still holding settles it for the day without judging the other members."""

    def __init__(
        self,
        snapshot: Snapshot,
        history: dict[int, list[tuple[date | None, str, str]]],
        scope: str,
        include_drafts: bool,
        nation_days: dict[int, set[date]],
        mechanism_days: dict[int, set[date]],
        usable_sets: UsableSets | None = None,
    ) -> None:
        self.snapshot, self.history, self.scope, self.include_drafts = snapshot, history, scope, include_drafts
        self.usable_sets = usable_sets  # the report's: the days' snapshots share its approvals
        self.nation_days, self.mechanism_days = nation_days, mechanism_days
        self.held: dict[tuple[int, int], tuple[bool, date]] = {}  # cell -> (accepted, the day it stops holding)
        self.on: tuple[date, Snapshot] | None = None

    def all_accept(self, members: list[int], m: MechanismRow, day: date) -> bool:
        unjudged = []
        for n in members:
            held = self.held.get((n, m.id))
            if held is None or day >= held[1]:
                unjudged.append(n)
            elif not held[0]:
                return False  # a refusal still holding settles the day
        return all(self._accepts(n, m, day) for n in unjudged)

    def _holds(self, n: int, m: MechanismRow, day: date) -> bool | None:
        held = self.held.get((n, m.id))
        return held[0] if held is not None and day < held[1] else None

    def _accepts(self, n: int, m: MechanismRow, day: date) -> bool:
        verdict = self._holds(n, m, day)
        if verdict is None:
            if self.on is None or self.on[0] != day:
                self.on = day, _lifecycles_on(self.history, self.snapshot, day)
            verdict = accepts(
                self.on[1],
                m,
                n,
                self.scope,
                include_drafts=self.include_drafts,
                usable_sets=self.usable_sets,
                cited=False,
            ).accepted
            changes = [d for d in self.nation_days[n] | self.mechanism_days[m.id] if d > day]
            self.held[n, m.id] = verdict, min(changes, default=date.max)
        return verdict


def common_ground(
    *,
    user: User,
    protocol_id: int,
    coalition_id: int | None = None,
    nation_ids: Iterable[int] = (),
    kind: str = MechanismKind.KEY_ESTABLISHMENT,
    dates: EvaluationDates,
    scope: str = Scope.ALL,
    include_drafts: bool = False,
    with_timeline: bool = True,
) -> CommonGround:
    """The common-ground report, from what ``user`` may see, for the states in ``coalition_id`` on
    ``dates.as_of`` and the nations ``nation_ids``, from what had been recorded by ``dates.known_at``."""
    snapshot = load_snapshot(dates.as_of, known_at=dates.known_at, seen_by=user, together=True)
    chosen = set(nation_ids)
    if coalition_id is not None:
        chosen |= {n for n, cs in snapshot.memberships.items() if coalition_id in cs}
    members = sorted(
        (n for n in chosen if n in snapshot.nations and snapshot.nations[n].kind == NationKind.STATE),
        key=lambda n: snapshot.code(n),
    )
    mechanisms = [m for m in snapshot.mechanisms if m.protocol_id == protocol_id and m.kind == kind]
    # Held by this report only (tests and previews change snapshots in place): a nation's usable sets on a
    # day are the same for every mechanism of its kind.
    usable_sets: UsableSets = {}
    grid = _grid(snapshot, members, mechanisms, scope, include_drafts, usable_sets)
    common = _common(grid, members, mechanisms)
    nearest: list[tuple[MechanismRow, list[str]]] = []
    if not common and members and mechanisms:
        blockers = {m.id: [snapshot.code(n) for n in members if not grid[n, m.id].accepted] for m in mechanisms}
        fewest = min(len(b) for b in blockers.values())
        nearest = [(m, blockers[m.id]) for m in mechanisms if len(blockers[m.id]) == fewest]
    timeline = _timeline(snapshot, members, mechanisms, scope, include_drafts, usable_sets) if with_timeline else []
    return CommonGround(
        dates=dates,
        scope=scope,
        include_drafts=include_drafts,
        members=[(n, snapshot.code(n), snapshot.nations[n].name) for n in members],
        mechanisms=mechanisms,
        grid=grid,
        common=common,
        nearest=nearest,
        timeline=timeline,
    )


def cell_text(verdict: Verdict) -> str:
    """A grid cell in words (never colour alone): "accepted", with its marks, or "no: <first reason>"."""
    if verdict.accepted:
        return "accepted" + (f" ({'; '.join(verdict.marks)})" if verdict.marks else "")
    return f"no: {verdict.reason}"


def report_rows(report: CommonGround) -> list[dict[str, object]]:
    """One row per member and mechanism: the grid flattened (CSV and API)."""
    return [
        {
            "nation": code,
            "mechanism": m.name,
            "code_point": m.code_point,
            "hybrid": m.hybrid,
            "accepted": report.grid[nid, m.id].accepted,
            "reasons": list(report.grid[nid, m.id].reasons),
            "marks": list(report.grid[nid, m.id].marks),
        }
        for nid, code, _ in report.members
        for m in report.mechanisms
    ]
