"""Read models for the planners' reports, shared by the API and the web UI.

Each function takes the user and applies ``visible_to`` itself, so no caller can forget releasability."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from apps.accounts.models import User
from apps.algorithms.models import Algorithm
from apps.gaps.evaluation import EvaluationDates, evaluate_gaps
from apps.gaps.models import SEVERITY_RANK, Finding
from apps.gaps.snapshot import NationRow
from apps.nations.models import Coalition, Nation
from apps.standards.models import LIFECYCLE_RANK, Protocol, WorkItem, WorkItemStatus


@dataclass
class MatrixCell:
    severity: str | None = None
    count: int = 0


@dataclass
class CoalitionMatrix:
    """Nation by nation: the worst severity among the pair's unresolved, unwaived findings (today), or among
    the gaps evaluated on ``dates`` (any other date or "as known on")."""

    coalition: Coalition
    nations: list[Nation] | list[NationRow]
    dates: EvaluationDates
    cells: dict[tuple[int, int], MatrixCell] = field(default_factory=dict)

    def cell(self, a: Nation | NationRow, b: Nation | NationRow) -> MatrixCell:
        return self.cells.get((a.pk, b.pk), MatrixCell())

    def rows(self) -> list[tuple[Nation | NationRow, list[tuple[Nation | NationRow, MatrixCell]]]]:
        return [(a, [(b, self.cell(a, b)) for b in self.nations]) for a in self.nations]

    def add(self, a: int, b: int, severity: str) -> None:
        for key in ((a, b), (b, a)):
            cell = self.cells.setdefault(key, MatrixCell())
            cell.count += 1
            if cell.severity is None or SEVERITY_RANK[severity] > SEVERITY_RANK[cell.severity]:
                cell.severity = severity


def coalition_matrix(*, user: User, coalition: Coalition, dates: EvaluationDates | None = None) -> CoalitionMatrix:
    """The coalition's member states on ``dates`` and, per pair, the worst gap ``user`` may see: today the
    stored findings (two queries, whatever the coalition's size), any other date or "as known on" the gaps
    evaluated then (the evaluation's dozen queries)."""
    dates = dates or EvaluationDates.today()
    if not dates.is_today:
        evaluation = evaluate_gaps(user=user, dates=dates, coalition=coalition)
        matrix = CoalitionMatrix(coalition=coalition, nations=evaluation.nations, dates=dates)
        for gap in evaluation.findings:
            if gap.nation_a is not None and gap.nation_b is not None:
                matrix.add(gap.nation_a.id, gap.nation_b.id, gap.severity)
        return matrix
    nations = list(Nation.objects.member_states(coalition, on=dates.as_of).with_declared(user).order_by("code"))
    matrix = CoalitionMatrix(coalition=coalition, nations=nations, dates=dates)
    ids = [n.pk for n in nations]
    findings = (
        Finding.objects.visible_to(user)
        .outstanding()
        .filter(nation_a_id__in=ids, nation_b_id__in=ids)
        .values_list("nation_a_id", "nation_b_id", "severity")
    )
    for a, b, severity in findings:
        matrix.add(a, b, severity)
    return matrix


@dataclass
class ReadinessCell:
    lifecycle: str | None = None
    status: str = ""
    work_item_ids: list[int] = field(default_factory=list)


@dataclass
class ReadinessBoard:
    """Protocol by algorithm: the furthest lifecycle stage any work item has reached for that pair."""

    protocols: list[Protocol]
    algorithms: list[Algorithm]
    cells: dict[tuple[int, int], ReadinessCell] = field(default_factory=dict)

    def cell(self, protocol: Protocol, algorithm: Algorithm) -> ReadinessCell:
        return self.cells.get((protocol.pk, algorithm.pk), ReadinessCell())

    def rows(self) -> list[tuple[Protocol, list[tuple[Algorithm, ReadinessCell]]]]:
        return [(p, [(a, self.cell(p, a)) for a in self.algorithms]) for p in self.protocols]


def protocol_readiness(*, as_of: date | None = None) -> ReadinessBoard:
    """Standards work is a public catalogue, so the board is the same for every user. Four queries."""
    day = as_of or timezone.localdate()
    statuses = {s.work_item_id: s for s in WorkItemStatus.objects.as_of(day)}
    links = WorkItem.algorithms.through.objects.filter(algorithm__quantum_vulnerable=False).values_list(
        "workitem_id", "algorithm_id"
    )
    protocol_of = dict(WorkItem.objects.values_list("id", "protocol_id"))
    cells: dict[tuple[int, int], ReadinessCell] = defaultdict(ReadinessCell)
    for item_id, algorithm_id in links:
        status = statuses.get(item_id)
        if status is None:
            continue
        cell = cells[(protocol_of[item_id], algorithm_id)]
        cell.work_item_ids.append(item_id)
        if cell.lifecycle is None or LIFECYCLE_RANK[status.lifecycle] > LIFECYCLE_RANK[cell.lifecycle]:
            cell.lifecycle, cell.status = status.lifecycle, status.status
    used_protocols = {p for p, _ in cells}
    used_algorithms = {a for _, a in cells}
    return ReadinessBoard(
        protocols=[p for p in Protocol.objects.order_by("code") if p.pk in used_protocols],
        algorithms=[a for a in Algorithm.objects.order_by("name") if a.pk in used_algorithms],
        cells=dict(cells),
    )


def work_items_for(*, protocol: Protocol, algorithm: Algorithm, as_of: date | None = None) -> list[WorkItem]:
    """The work items behind one readiness cell, each with ``current_status`` (its status on ``as_of``)."""
    day = as_of or timezone.localdate()
    items = list(
        WorkItem.objects.filter(protocol=protocol, algorithms=algorithm).select_related("body").order_by("identifier")
    )
    statuses = {s.work_item_id: s for s in WorkItemStatus.objects.as_of(day).filter(work_item__in=items)}
    for item in items:
        item.current_status = statuses.get(item.pk)  # type: ignore[attr-defined]
    return items
