"""The outlook of a coalition: for each pair of members, the periods between today and the end of 2036 in
which each kind of gap exists, given what is declared today.

Every future day reads the same declarations (what is current now); only the memberships and the standards'
statuses in force, and the day itself, change. So the declarations are read once, and each sampled day costs
a membership read, the work items' reads and one evaluation with the same rules as everything else."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone

from apps.accounts.models import User
from apps.gaps.evaluation import EvaluationDates, evaluate_snapshot
from apps.gaps.models import SEVERITY_RANK, Rule
from apps.gaps.rules import Subjects
from apps.gaps.snapshot import Snapshot, load_snapshot, memberships_on, work_items_on
from apps.nations.models import Coalition, Membership
from apps.sources.reverification import first_due_day

HORIZON = date(2036, 12, 31)


@dataclass
class OutlookBar:
    """One kind of gap between two members over one period (``end`` inclusive)."""

    nation_a: str
    nation_b: str
    rule: str
    start: date
    end: date
    severity: str
    objects: list[str] = field(default_factory=list)

    @property
    def rule_label(self) -> str:
        return str(Rule(self.rule).label)

    @property
    def label(self) -> str:
        detail = f" ({'; '.join(self.objects)})" if self.objects else ""
        return f"{self.nation_a}-{self.nation_b} {self.rule_label.lower()} {self.start} → {self.end}{detail}"


@dataclass
class Outlook:
    coalition: Coalition
    start: date
    end: date
    days: list[date]
    bars: list[OutlookBar]

    def pairs(self) -> list[tuple[str, str]]:
        return sorted({(b.nation_a, b.nation_b) for b in self.bars})


def change_days(snapshot: Snapshot, coalition: Coalition, start: date, end: date) -> list[date]:
    """The days on which what the rules see can change: the start, every 1 January, each milestone's target,
    the day after an approval's ``until``, the coalition's joining and leaving days, and the day a position becomes
    due for re-verification. One query (the coalition's membership dates)."""
    days = {start, *(date(year, 1, 1) for year in range(start.year + 1, end.year + 1))}
    days.update(m.target_on for rows in snapshot.milestones.values() for m in rows)
    days.update(a.until + timedelta(days=1) for rows in snapshot.approvals.values() for a in rows if a.until)
    for joined, left in Membership.objects.filter(coalition=coalition).values_list("joined_on", "left_on"):
        days.update(d for d in (joined, left) if d)
    days.update(
        first_due_day(p.last_confirmed_on, snapshot.reverify_after_days)
        for by_scope in snapshot.positions.values()
        for p in by_scope.values()
        if p.last_confirmed_on
    )
    return sorted(d for d in days if start <= d <= end)


def coalition_outlook(*, user: User, coalition: Coalition, days: list[date] | None = None) -> Outlook:
    """Evaluate the coalition on ``days`` (default: every ``change_days`` day up to the horizon) and join the
    days each pair's gap of each kind exists into periods. A period runs from the first sampled day it is
    found to the day before the first sampled day it is not (or to the horizon). Scoped like every
    evaluation, on the world as ``user`` knows it (``load_snapshot(seen_by=)``): a hidden record adds no day and
    moves no period. Thirteen queries, then four per day."""
    today = timezone.localdate()
    base = load_snapshot(today, seen_by=user)  # the world as the reader knows it: no hidden day or record
    wanted = sorted(days) if days is not None else change_days(base, coalition, today, HORIZON)
    present: list[dict[tuple[str, str, str], tuple[str, set[str]]]] = []
    for day in wanted:
        memberships = {n: frozenset(cs) for n, cs in memberships_on(day).items() if n in base.nations}
        snapshot = dataclasses.replace(base, as_of=day, memberships=memberships, work_items=work_items_on(day))
        members = frozenset(n for n, cs in memberships.items() if coalition.pk in cs)
        evaluation = evaluate_snapshot(
            user=user, snapshot=snapshot, subjects=Subjects(members, within=True), dates=EvaluationDates(day)
        )
        found: dict[tuple[str, str, str], tuple[str, set[str]]] = {}
        for gap in evaluation.findings:
            if gap.nation_a is None or gap.nation_b is None:
                continue
            a, b = sorted((gap.nation_a.code, gap.nation_b.code))
            severity, objects = found.get((a, b, gap.rule), (gap.severity, set()))
            if SEVERITY_RANK[gap.severity] > SEVERITY_RANK[severity]:
                severity = gap.severity
            found[(a, b, gap.rule)] = (severity, objects | ({gap.object} if gap.object else set()))
        present.append(found)
    return Outlook(coalition=coalition, start=today, end=HORIZON, days=wanted, bars=_periods(wanted, present))


def _periods(days: list[date], present: list[dict[tuple[str, str, str], tuple[str, set[str]]]]) -> list[OutlookBar]:
    bars: list[OutlookBar] = []
    open_bars: dict[tuple[str, str, str], OutlookBar] = {}
    for index, day in enumerate(days):
        found = present[index]
        for key in [k for k in open_bars if k not in found]:
            open_bars.pop(key).end = day - timedelta(days=1)
        for key, (severity, objects) in found.items():
            bar = open_bars.get(key)
            if bar is None:
                bar = open_bars[key] = OutlookBar(*key, start=day, end=HORIZON, severity=severity)
                bars.append(bar)
            elif SEVERITY_RANK[severity] > SEVERITY_RANK[bar.severity]:
                bar.severity = severity
            bar.objects = sorted(set(bar.objects) | objects)
    return sorted(bars, key=lambda b: (b.nation_a, b.nation_b, b.rule, b.start))
