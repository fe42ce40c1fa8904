"""Read models for one nation: its current declarations and its position history with field-level diffs.

Every function takes the user and applies ``visible_to`` itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.core.dates import DatePrecision
from apps.gaps.evaluation import EvaluatedFinding, EvaluationDates, evaluate_gaps, visible_drafts
from apps.gaps.services import Preview, preview_position
from apps.nations.models import Nation
from apps.positions.models import Approval, Milestone, Position
from apps.sources.models import Source


@dataclass
class Dossier:
    """What a nation currently declares, as far as the user may see it."""

    nation: Nation
    positions: list[Position]
    approvals: list[Approval]
    milestones: list[Milestone]


def nation_dossier(*, user: User, nation: Nation, dates: EvaluationDates | None = None) -> Dossier:
    """The positions (one per scope), approvals and milestones of ``nation`` in force on ``dates`` (default:
    the current ones). Three queries."""
    dates = dates or EvaluationDates.today()

    def declared(model: Any, *related: str) -> list[Any]:
        records = model.objects.visible_to(user).filter(nation=nation).in_force(dates.as_of, dates.known_at)
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
    return Dossier(nation=nation, positions=positions, approvals=approvals, milestones=milestones)


def nation_gaps_on(*, user: User, nation: Nation, dates: EvaluationDates, limit: int = 50) -> list[EvaluatedFinding]:
    """The gaps naming ``nation`` evaluated on ``dates``, worst first, as ``user`` may see them."""
    evaluation = evaluate_gaps(user=user, dates=dates, nation_ids=[nation.pk])
    named = [g for g in evaluation.findings if nation.pk in {n.id for n in (g.nation_a, g.nation_b) if n}]
    return named[:limit]


def current_position(*, user: User, nation: Nation, scope: str) -> Position | None:
    """The position in force for ``nation`` and ``scope``, if ``user`` may see it."""
    return (
        Position.objects.visible_to(user)
        .current()
        .filter(nation=nation, scope=scope)
        .select_related("source", "releasability")
        .first()
    )


@dataclass(frozen=True)
class FieldChange:
    label: str
    before: str
    after: str


#: The position fields a reader compares between declarations, with their labels.
COMPARED_FIELDS = (
    ("pqc_stance", "PQC"),
    ("qkd_stance", "QKD"),
    ("hybrid_policy", "hybrid"),
    ("releasability", "releasability"),
    ("declared", "declared"),
    ("algorithms_named", "algorithms named"),
    ("source", "source"),
    ("note", "note"),
)


def _shown(position: Position, name: str) -> str:
    if name == "releasability":
        return position.releasability.code if position.releasability else "public"
    if name == "source":
        return _source_label(position.source)
    display = getattr(position, f"get_{name}_display", None)
    value = display() if display else getattr(position, name)
    return "—" if value in (None, "") else str(value)


def _source_label(source: Source | None) -> str:
    if source is None:
        return "none"
    published = f" ({source.published})" if source.published else ""
    return f"{source.authority or 'unknown authority'}, {source.document or source.url}{published}"


def position_changes(before: Position | None, after: Position) -> list[FieldChange]:
    """The fields that differ between two declarations (all of them for a first declaration)."""
    changes = []
    for name, label in COMPARED_FIELDS:
        old = _shown(before, name) if before is not None else ""
        new = _shown(after, name)
        if old != new:
            changes.append(FieldChange(label=label, before=old, after=new))
    return changes


@dataclass
class HistoryEntry:
    """One declaration and what changed from the previous one in its scope (``first``: there was none)."""

    position: Position
    changes: list[FieldChange] = field(default_factory=list)
    first: bool = False


def position_history(*, user: User, nation: Nation) -> list[HistoryEntry]:
    """Every declaration of ``nation`` the user may see, newest first, each with what changed since the one
    before it in the same scope. One query."""
    positions = list(
        Position.objects.visible_to(user)
        .filter(nation=nation)
        .select_related("source", "releasability", "recorded_by")
        .order_by("scope", "recorded_at", "id")
    )
    entries: list[HistoryEntry] = []
    previous: dict[str, Position] = {}
    for position in positions:
        before = previous.get(position.scope)
        entries.append(HistoryEntry(position, position_changes(before, position), first=before is None))
        previous[position.scope] = position
    entries.sort(key=lambda e: (e.position.recorded_at, e.position.pk), reverse=True)
    return entries


def nation_positions(*, user: User) -> QuerySet[Position]:
    """Current positions of every nation the user may see (for the nations index)."""
    return Position.objects.visible_to(user).current().select_related("nation").order_by("nation__code", "scope")


@dataclass
class DraftChanges:
    """How a draft declaration differs from the position in force for its scope, and (``gaps``) the gaps
    the engine says it would open and close."""

    current: Position | None
    changes: list[FieldChange]
    gaps: Preview | None = None


def draft_changes(*, user: User, nation: Nation, fields: dict[str, Any], source: Source) -> DraftChanges:
    """Compare an unsaved draft (``position_declare``'s keyword arguments) with the position in force.
    Writes nothing."""
    declared = fields.get("declared")
    values = {k: v for k, v in fields.items() if k != "declared"}
    draft = Position(
        nation=nation,
        source=source,
        declared_on=declared.value if declared else None,
        declared_precision=declared.precision if declared else DatePrecision.DAY,
        **values,
    )
    current = current_position(user=user, nation=nation, scope=draft.scope)
    return DraftChanges(current=current, changes=position_changes(current, draft))


def position_preview(*, user: User, nation: Nation, fields: dict[str, Any], source: Source) -> DraftChanges:
    """The draft's field differences and the gaps it would open and close, as ``user`` may see them. The
    draft gaps come from the gap engine evaluated on the draft; drafts derived from records the user is not
    cleared for are left out, as stored findings would be."""
    result = draft_changes(user=user, nation=nation, fields=fields, source=source)
    preview = preview_position(nation=nation, actor=user, source=source, **fields)
    preview.opened = visible_drafts(user, preview.opened)
    result.gaps = preview
    return result
