"""The protocol mechanisms as the snapshot holds them: one row per mechanism with its parameter sets and
defining work items, read in one query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Q, QuerySet

from apps.gaps.citations import Citation, Record
from apps.standards.models import Mechanism, MechanismKind


@dataclass(frozen=True)
class MechanismRow(Record):
    """A mechanism of the public catalogue; its lifecycle is that of its work items on the snapshot date."""

    MODEL: ClassVar[str] = "standards.mechanism"

    id: int
    protocol_id: int
    name: str
    kind: str
    hybrid: bool = False
    classical_component: str = ""
    classical_algorithm_id: int | None = None
    code_point: str = ""
    parameter_set_ids: tuple[int, ...] = ()
    work_item_ids: tuple[int, ...] = ()

    @property
    def signature(self) -> bool:
        return self.kind == MechanismKind.SIGNATURE

    @property
    def shape(self) -> str:
        return "hybrid" if self.hybrid else "pure"

    def cited(self) -> Citation:
        return self.cite(f"{self.name} ({self.shape})")


def mechanisms_query(known_at: datetime | None = None) -> QuerySet[Mechanism, tuple[Any, ...]]:
    """The rows ``mechanisms_known`` reads: the parameter sets and work items come aggregated (distinct, as
    the two joins multiply each other), ordered by protocol, kind and name."""
    rows = Mechanism.objects.all() if known_at is None else Mechanism.objects.filter(created_at__lte=known_at)
    rows = rows.annotate(
        set_ids=ArrayAgg(
            "parameter_sets__id",
            distinct=True,
            filter=Q(parameter_sets__isnull=False),
            order_by="parameter_sets__id",
            default=[],
        ),
        item_ids=ArrayAgg(
            "work_items__id",
            distinct=True,
            filter=Q(work_items__isnull=False),
            order_by="work_items__id",
            default=[],
        ),
    ).order_by("protocol_id", "kind", "name")
    return rows.values_list(
        "id",
        "protocol_id",
        "name",
        "kind",
        "hybrid",
        "classical_component",
        "classical_algorithm_id",
        "code_point",
        "set_ids",
        "item_ids",
    )


def mechanism_rows(rows: Iterable[tuple[Any, ...]]) -> list[MechanismRow]:
    """The rows of ``mechanisms_query`` as the snapshot holds them."""
    return [
        MechanismRow(
            id=row[0],
            protocol_id=row[1],
            name=row[2],
            kind=row[3],
            hybrid=row[4],
            classical_component=row[5],
            classical_algorithm_id=row[6],
            code_point=row[7],
            parameter_set_ids=tuple(row[8]),
            work_item_ids=tuple(row[9]),
        )
        for row in rows
    ]


def mechanisms_known(known_at: datetime | None = None) -> list[MechanismRow]:
    """Every mechanism (as recorded by ``known_at``), ordered by protocol, kind and name. One query."""
    return mechanism_rows(mechanisms_query(known_at))
