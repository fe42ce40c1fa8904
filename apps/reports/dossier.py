"""Read models for one nation: its current declarations and its declaration history with field-level diffs.

Every function takes the user and applies ``visible_to`` itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.nations.models import Nation
from apps.positions.changes import FieldChange, declaration_changes
from apps.positions.models import Approval, Declared, Milestone, Position


@dataclass
class Dossier:
    """What a nation currently declares, as far as the user may see it."""

    nation: Nation
    positions: list[Position]
    approvals: list[Approval]
    milestones: list[Milestone]

    @property
    def said_nothing(self) -> bool:
        """Nothing in force that the reader may see: no stance, approval or milestone (as
        ``Nation.objects.said_nothing`` decides in the database)."""
        return not self.approvals and not self.milestones and all(p.says_nothing for p in self.positions)


def nation_dossier(*, user: User, nation: Nation) -> Dossier:
    """The current positions (one per scope), approvals and milestones of ``nation``. Three queries."""
    return Dossier(
        nation=nation,
        positions=list(
            Position.objects.visible_to(user)
            .current()
            .filter(nation=nation)
            .select_related("source", "releasability")
            .order_by("scope")
        ),
        approvals=list(
            Approval.objects.visible_to(user)
            .current()
            .filter(nation=nation)
            .select_related("algorithm", "parameter_set", "source", "releasability")
            .order_by("algorithm__name", "parameter_set__name", "scope")
        ),
        milestones=list(
            Milestone.objects.visible_to(user)
            .current()
            .filter(nation=nation)
            .select_related("source", "releasability")
            .order_by("target_on", "kind")
        ),
    )


def _subject(record: Declared) -> str:
    """What a declaration is about, in a reader's words (its identity without the nation)."""
    scope = record.get_scope_display()
    if isinstance(record, Approval):
        return f"Approval of {record.parameter_set.name if record.parameter_set else record.algorithm.name} · {scope}"
    if isinstance(record, Milestone):
        return f"Milestone: {record.get_kind_display()}, {record.title} · {scope}"
    return f"Position · {scope}"


@dataclass
class HistoryEntry:
    """One declaration, what it is about, and what changed from the previous one with the same identity
    (``first``: the user may see none before it)."""

    record: Declared
    subject: str
    changes: list[FieldChange] = field(default_factory=list)
    first: bool = False


def declaration_history(*, user: User, nation: Nation) -> list[HistoryEntry]:
    """Every position, approval and milestone of ``nation`` the user may see, newest first, each with what
    changed since the one before it with the same identity. Three queries, one per kind."""
    querysets: list[QuerySet[Any]] = [
        Position.objects.visible_to(user).select_related("source", "releasability", "recorded_by"),
        Approval.objects.visible_to(user).select_related(
            "algorithm", "parameter_set", "source", "releasability", "recorded_by"
        ),
        Milestone.objects.visible_to(user).select_related("source", "releasability", "recorded_by"),
    ]
    entries: list[HistoryEntry] = []
    for queryset in querysets:
        identity = queryset.model.identity_columns()
        previous: dict[tuple[Any, ...], Declared] = {}
        for record in queryset.filter(nation=nation).order_by("recorded_at", "id"):
            key = tuple(getattr(record, name) for name in identity)
            before = previous.get(key)
            entries.append(HistoryEntry(record, _subject(record), declaration_changes(before, record), before is None))
            previous[key] = record
    entries.sort(key=lambda e: e.record.recorded_at, reverse=True)
    return entries
