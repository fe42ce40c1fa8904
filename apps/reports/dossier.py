"""Read models for one nation: its current declarations and its declaration history with field-level diffs.

Every function takes the user and applies ``seen_by`` itself (what they may see, superseded as they may know)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.gaps.evaluation import EvaluatedFinding, EvaluationDates, evaluate_gaps
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
    def due_count(self) -> int:
        """How many of the claims shown are due for re-verification."""
        claims: list[Declared] = [*self.positions, *self.approvals, *self.milestones]
        return sum(1 for c in claims if c.shown_reverification is not None and c.shown_reverification.due)

    @property
    def said_nothing(self) -> bool:
        """Nothing in force that the reader may see: no stance, approval or milestone (as
        ``Nation.objects.said_nothing`` decides in the database)."""
        return not self.approvals and not self.milestones and all(p.says_nothing for p in self.positions)


def nation_dossier(*, user: User, nation: Nation, dates: EvaluationDates | None = None) -> Dossier:
    """The positions (one per scope), approvals and milestones of ``nation`` in force on ``dates`` (default:
    the current ones), each with its re-verification on that day (``shown_reverification``). Three queries."""
    dates = dates or EvaluationDates.today()

    def declared(model: Any, *related: str) -> list[Any]:
        records = model.objects.seen_by(user).filter(nation=nation).in_force(dates.as_of, dates.known_at)
        return list(records.select_related(*related))

    positions: list[Position] = declared(Position, "source", "releasability")
    approvals: list[Approval] = declared(Approval, "algorithm", "parameter_set", "source", "releasability")
    milestones: list[Milestone] = declared(Milestone, "source", "releasability")
    # Sorted here: "in force on a past day" is a DISTINCT ON query, whose own order serves the DISTINCT.
    positions.sort(key=lambda p: p.scope)
    approvals.sort(
        key=lambda a: (
            a.algorithm.name,
            a.parameter_set is None,
            a.parameter_set.name if a.parameter_set else "",
            a.scope,
        )
    )
    milestones.sort(key=lambda m: (m.target_on, m.kind))
    for record in (*positions, *approvals, *milestones):
        record.shown_reverification = record.reverification(dates.as_of)
    return Dossier(nation=nation, positions=positions, approvals=approvals, milestones=milestones)


def declarations_in_force(*, user: User, model: type[Declared], nation: Nation, **identity: Any) -> list[Any]:
    """``nation``'s declarations of ``model`` in force now whose identity matches ``identity`` (any part of it
    but the nation), as ``user`` may see them (``seen_by``): what a new declaration starts from. One query."""
    declarations: Any = model._default_manager
    records = declarations.seen_by(user).current().filter(nation=nation, **identity).select_related("releasability")
    return list(records.order_by("scope", "pk"))


def nation_gaps_on(*, user: User, nation: Nation, dates: EvaluationDates, limit: int = 50) -> list[EvaluatedFinding]:
    """The gaps naming ``nation`` evaluated on ``dates``, worst first, as ``user`` may see them."""
    evaluation = evaluate_gaps(user=user, dates=dates, nation_ids=[nation.pk])
    named = [g for g in evaluation.findings if nation.pk in {n.id for n in (g.nation_a, g.nation_b) if n}]
    return named[:limit]


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

    @property
    def kind(self) -> str:
        """``position``, ``approval`` or ``milestone``: with the record's id, its anchor on the history page."""
        return str(type(self.record)._meta.model_name)


def declaration_history(*, user: User, nation: Nation) -> list[HistoryEntry]:
    """Every position, approval and milestone of ``nation`` the user may see, newest first, each with what
    changed since the one before it with the same identity. Three queries, one per kind."""
    querysets: list[QuerySet[Any]] = [
        Position.objects.seen_by(user).select_related("source", "releasability", "recorded_by"),
        Approval.objects.seen_by(user).select_related(
            "algorithm", "parameter_set", "source", "releasability", "recorded_by"
        ),
        Milestone.objects.seen_by(user).select_related("source", "releasability", "recorded_by"),
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


def nations_with_claims_due(*, user: User, day: date) -> set[int]:
    """The nations with at least one declaration in force on ``day``, that ``user`` may see, due for
    re-verification then (``due_for_reverification``). One query per kind of declaration, and one more for
    each kind with a claim due."""
    due: set[int] = set()
    for model in (Position, Approval, Milestone):
        in_force: Any = model.objects.seen_by(user).in_force(day)
        due.update(in_force.due_for_reverification(day).values_list("nation_id", flat=True))
    return due
