"""The readiness board by mechanism: for each protocol, each post-quantum parameter set, pure and hybrid
apart, the mechanisms that carry it and how far their defining standards have come on a date."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from apps.algorithms.models import ParameterSet
from apps.standards.models import LIFECYCLE_RANK, Mechanism, Protocol, WorkItem, WorkItemStatus


@dataclass
class MechanismEntry:
    """One mechanism in a cell, with its furthest work item's stage on the board's date (None: no status)."""

    mechanism: Mechanism
    lifecycle: str | None
    status: str
    work_items: list[WorkItem]


@dataclass
class MechanismBoard:
    """Protocol by (parameter set, shape): the mechanisms combining that set, pure or hybrid."""

    as_of: date
    protocols: list[Protocol]
    columns: list[tuple[ParameterSet, bool]]  # (parameter set, hybrid)
    cells: dict[tuple[int, int, bool], list[MechanismEntry]] = field(default_factory=dict)

    def rows(self) -> list[tuple[Protocol, list[list[MechanismEntry]]]]:
        return [(p, [self.cells.get((p.pk, ps.pk, h), []) for ps, h in self.columns]) for p in self.protocols]


def mechanism_readiness(*, as_of: date | None = None) -> MechanismBoard:
    """The board on ``as_of`` (today by default). Mechanisms and standards are public catalogues, so it is
    the same for every user. Four queries: mechanisms with protocol, their parameter sets, their work items,
    and the statuses in force."""
    day = as_of or timezone.localdate()
    mechanisms = list(Mechanism.objects.catalogue())
    statuses = {
        s.work_item_id: s for s in WorkItemStatus.objects.as_of(day).only("work_item_id", "status", "lifecycle")
    }
    cells: dict[tuple[int, int, bool], list[MechanismEntry]] = {}
    columns: dict[tuple[int, bool], tuple[ParameterSet, bool]] = {}
    protocols: dict[int, Protocol] = {}
    for m in mechanisms:
        items = list(m.work_items.all())
        known = [statuses[w.pk] for w in items if w.pk in statuses]
        best = max(known, key=lambda s: LIFECYCLE_RANK.get(s.lifecycle, -1), default=None)
        entry = MechanismEntry(m, best.lifecycle if best else None, best.status if best else "", items)
        protocols[m.protocol_id] = m.protocol
        for ps in m.parameter_sets.all():
            columns[ps.pk, m.hybrid] = (ps, m.hybrid)
            cells.setdefault((m.protocol_id, ps.pk, m.hybrid), []).append(entry)
    return MechanismBoard(
        as_of=day,
        protocols=sorted(protocols.values(), key=lambda p: p.code),
        columns=sorted(
            columns.values(), key=lambda c: (c[0].algorithm_id, c[0].security_category or 0, c[0].name, c[1])
        ),
        cells=cells,
    )
