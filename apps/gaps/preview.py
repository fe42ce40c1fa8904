"""Previewing a draft declaration before it is published: how it differs from the position in force and
which gaps it would open and close. Nothing here writes: the draft is evaluated on an in-memory snapshot."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import ensure_can_write_nation
from apps.accounts.releasability import may_see_derived
from apps.core.dates import DatePrecision
from apps.core.exceptions import InvalidInput
from apps.gaps.engine import evaluate
from apps.gaps.models import Finding
from apps.gaps.rules import FindingDraft, Subjects
from apps.gaps.snapshot import PositionRow, load_snapshot
from apps.nations.models import Nation
from apps.positions.changes import FieldChange, declaration_changes
from apps.positions.models import HybridPolicy, Position, PqcStance, QkdStance, Scope
from apps.sources.services import SourceCitation

PREVIEW_FIELDS = {
    "pqc_stance",
    "qkd_stance",
    "hybrid_policy",
    "scope",
    "releasability",
    "source",
    "declared",
    "algorithms_named",
    "note",
}


@dataclass
class Preview:
    """What declaring a position would do to a nation's gaps, as the actor may see them: drafts it would
    open, findings it would close."""

    opened: list[FindingDraft] = field(default_factory=list)
    closed: list[Finding] = field(default_factory=list)


@dataclass
class DraftChanges:
    """How a draft declaration differs from the position in force for its scope (as the user may see
    it), and the gaps it would open and close."""

    current: Position | None
    changes: list[FieldChange]
    gaps: Preview


def preview_position(*, nation: Nation, actor: User | None, **position_fields: Any) -> Preview:
    """Evaluate the rules for ``nation`` on an in-memory snapshot in which the draft position (the
    arguments ``position_declare`` takes, the source as a citation) is in force. Writes nothing.
    Both lists are scoped to what ``actor`` may see (derived data is visible only with every record
    behind it)."""
    ensure_can_write_nation(actor, nation.pk)
    unknown = set(position_fields) - PREVIEW_FIELDS
    if unknown:
        raise InvalidInput(f"Unknown position fields: {', '.join(sorted(unknown))}.")
    citation: SourceCitation | None = position_fields.get("source")
    declared = position_fields.get("declared")
    releasability = position_fields.get("releasability")
    draft = PositionRow(
        id=None,
        nation_id=nation.pk,
        scope=position_fields.get("scope", Scope.ALL),
        pqc_stance=position_fields.get("pqc_stance", PqcStance.UNDECLARED),
        qkd_stance=position_fields.get("qkd_stance", QkdStance.UNDECLARED),
        hybrid_policy=position_fields.get("hybrid_policy", HybridPolicy.UNDECLARED),
        releasability_id=releasability.pk if releasability is not None else None,
        cites_source=citation is not None,
        source_published_on=citation.published.value if citation is not None and citation.published else None,
        declared_on=declared.value if declared is not None else None,
    )
    subjects = Subjects(frozenset([nation.pk]))
    snapshot = load_snapshot(timezone.localdate(), [nation.pk])
    before = {d.key for d in evaluate(snapshot, subjects)}
    after = evaluate(snapshot.with_position(draft), subjects)
    after_keys = {d.key for d in after}
    closed = Finding.objects.unresolved().filter(key__in=before - after_keys)
    if actor is not None:
        closed = closed.visible_to(actor)
    opened = [d for d in after if d.key not in before and may_see_derived(actor, d.required_clearances)]
    return Preview(opened=opened, closed=list(closed.order_by("key")))


def position_draft_changes(
    *, user: User, nation: Nation, fields: dict[str, Any], source: SourceCitation | None
) -> DraftChanges:
    """The draft's field differences from the position in force and the gaps it would open and close, as
    ``user`` may see them (``fields``: ``position_declare``'s keyword arguments but nation, actor, source).
    Writes nothing."""
    gaps = preview_position(nation=nation, actor=user, source=source, **fields)
    declared = fields.get("declared")
    draft = Position(
        nation=nation,
        source=source.draft() if source is not None else None,
        declared_on=declared.value if declared else None,
        declared_precision=declared.precision if declared else DatePrecision.DAY,
        **{k: v for k, v in fields.items() if k != "declared"},
    )
    current = (
        Position.objects.seen_by(user)
        .current()
        .filter(nation=nation, scope=draft.scope)
        .select_related("source", "releasability")
        .first()
    )
    return DraftChanges(current=current, changes=declaration_changes(current, draft), gaps=gaps)
