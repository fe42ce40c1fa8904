"""Read models for one nation: its current declarations and its declaration history with field-level diffs.

Every function takes the user and applies ``visible_to`` itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet

from apps.accounts.models import User
from apps.core.dates import DatePrecision
from apps.gaps.services import Preview, preview_position
from apps.nations.models import Nation
from apps.positions.models import Approval, Declared, Milestone, Position
from apps.sources.models import Source


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


#: The fields a reader compares between declarations of each kind, with their labels.
_COMMON_FIELDS = (
    ("releasability", "releasability"),
    ("declared", "declared"),
    ("source", "source"),
    ("note", "note"),
)
COMPARED_FIELDS: dict[type[Declared], tuple[tuple[str, str], ...]] = {
    Position: (
        ("pqc_stance", "PQC"),
        ("qkd_stance", "QKD"),
        ("hybrid_policy", "hybrid"),
        *_COMMON_FIELDS[:2],
        ("algorithms_named", "algorithms named"),
        *_COMMON_FIELDS[2:],
    ),
    Approval: (("status", "status"), ("until", "until"), *_COMMON_FIELDS),
    Milestone: (("target", "target"), ("scope_text", "scope in the source's words"), *_COMMON_FIELDS),
}


def _shown(record: Declared, name: str) -> str:
    if name == "releasability":
        return record.releasability.code if record.releasability else "public"
    if name == "source":
        return _source_label(record.source)
    display = getattr(record, f"get_{name}_display", None)
    value = display() if display else getattr(record, name)
    return "—" if value in (None, "") else str(value)


def _source_label(source: Source | None) -> str:
    if source is None:
        return "none"
    published = f" ({source.published})" if source.published else ""
    return f"{source.authority or 'unknown authority'}, {source.document or source.url}{published}"


def declaration_changes(before: Declared | None, after: Declared) -> list[FieldChange]:
    """The fields that differ between two declarations of one kind (all of them for a first declaration)."""
    changes = []
    for name, label in COMPARED_FIELDS[type(after)]:
        old = _shown(before, name) if before is not None else ""
        new = _shown(after, name)
        if old != new:
            changes.append(FieldChange(label=label, before=old, after=new))
    return changes


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
        identity = queryset.identity  # type: ignore[attr-defined]
        previous: dict[tuple[Any, ...], Declared] = {}
        for record in queryset.filter(nation=nation).order_by("recorded_at", "id"):
            key = tuple(getattr(record, name) for name in identity)
            before = previous.get(key)
            entries.append(HistoryEntry(record, _subject(record), declaration_changes(before, record), before is None))
            previous[key] = record
    entries.sort(key=lambda e: e.record.recorded_at, reverse=True)
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
    return DraftChanges(current=current, changes=declaration_changes(current, draft))


def position_preview(*, user: User, nation: Nation, fields: dict[str, Any], source: Source) -> DraftChanges:
    """The draft's field differences and the gaps it would open and close, as ``user`` may see them. The
    draft gaps come from the gap engine evaluated on the draft; drafts derived from records the user is not
    cleared for are left out, as stored findings would be."""
    result = draft_changes(user=user, nation=nation, fields=fields, source=source)
    preview = preview_position(nation=nation, actor=user, source=source, **fields)
    if not user.sees_everything:
        cleared = user.cleared_coalition_ids()
        preview.opened = [d for d in preview.opened if d.visible_with(cleared)]
    result.gaps = preview
    return result
