"""Previewing a draft before it is saved: a declaration (how it differs from the position in force) or a
work item's status (how it differs from the status in force), and which gaps it would open and close.
Nothing here writes: the draft is evaluated on an in-memory snapshot."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.permissions import ensure_can_curate_catalogue, ensure_can_write_nation
from apps.accounts.releasability import may_see_derived
from apps.core.dates import DatePrecision, PartialDate
from apps.core.exceptions import InvalidInput
from apps.gaps.engine import evaluate
from apps.gaps.evaluation import EvaluatedFinding, EvaluationDates, evaluated_finding
from apps.gaps.models import Finding
from apps.gaps.rules import FindingDraft, Subjects
from apps.gaps.snapshot import PositionRow, load_snapshot
from apps.nations.models import Nation
from apps.positions.changes import FieldChange, declaration_changes
from apps.positions.models import HybridPolicy, Position, PqcStance, QkdStance, Scope
from apps.sources.services import SourceCitation
from apps.standards.models import NEWEST_FIRST, Lifecycle, WorkItem, WorkItemStatus
from apps.standards.services import lifecycle_of

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


@dataclass
class StatusPreview:
    """What recording a work item's status would do: how the draft differs from the status in force today,
    whether it would be the one in force (a status dated after today, or before the one in force, is
    history, not news; one recorded already changes nothing), and the gaps it would open and close, as the
    actor may see them (the opened ones evaluated today, the closed ones the stored findings)."""

    as_of: date
    current: WorkItemStatus | None
    draft: WorkItemStatus
    in_force: bool
    already_recorded: bool
    changes: list[FieldChange]
    opened: list[EvaluatedFinding] = field(default_factory=list)
    closed: list[Finding] = field(default_factory=list)

    @property
    def dated_later(self) -> bool:
        """The draft is dated after the preview's day: it comes into force only then."""
        return self.draft.status_on is not None and self.draft.status_on > self.as_of


def _would_be_in_force(draft: WorkItemStatus, current: WorkItemStatus | None, today: date) -> bool:
    """Whether ``draft``, recorded now, would be the status in force today (the order of ``NEWEST_FIRST``:
    the latest dated status, an undated one only when none is dated, the last recorded of equals)."""
    if draft.status_on is not None and draft.status_on > today:
        return False
    if current is None:
        return True
    if draft.status_on is None:
        return current.status_on is None
    return current.status_on is None or draft.status_on >= current.status_on


def _status_changes(current: WorkItemStatus | None, draft: WorkItemStatus) -> list[FieldChange]:
    """The draft's differences from the status in force, in a reader's words (as ``declaration_changes``)."""

    def shown(record: WorkItemStatus | None) -> dict[str, str]:
        if record is None:
            return {"status": "", "lifecycle": "", "status_date": ""}
        return {
            "status": record.status,
            "lifecycle": str(Lifecycle(record.lifecycle).label),
            "status_date": str(record.status_date or "undated"),
        }

    before, after = shown(current), shown(draft)
    labels = {"status": "status", "lifecycle": "lifecycle", "status_date": "dated"}
    return [
        FieldChange(label=labels[name], before=before[name], after=after[name], field=name)
        for name in labels
        if before[name] != after[name]
    ]


def preview_work_item_status(
    *, work_item: WorkItem, status: str, actor: User | None, on: PartialDate | None = None
) -> StatusPreview:
    """What ``work_item_status_record`` with these arguments would do: the rules evaluated today for every
    allied nation on an in-memory snapshot in which the draft status is in force (when it would be; see
    ``StatusPreview``). Writes nothing. Refused to anyone who may not curate the catalogue; both lists
    scoped to what ``actor`` may see, as ``preview_position``'s are."""
    ensure_can_curate_catalogue(actor)
    today = timezone.localdate()
    draft = WorkItemStatus(
        work_item=work_item,
        status=status,
        lifecycle=lifecycle_of(status),
        status_on=on.value if on else None,
        status_precision=on.precision if on else DatePrecision.DAY,
    )
    current = WorkItemStatus.objects.filter(work_item=work_item).dated_by(today).order_by(*NEWEST_FIRST).first()
    recorded = WorkItemStatus.objects.filter(work_item=work_item, status=status, status_on=draft.status_on).first()
    in_force = recorded == current if recorded is not None else _would_be_in_force(draft, current, today)
    preview = StatusPreview(
        as_of=today,
        current=current,
        draft=draft,
        in_force=in_force,
        already_recorded=recorded is not None,
        changes=_status_changes(current, draft),
    )
    if recorded is not None or not in_force:
        return preview
    subjects = Subjects()
    snapshot = load_snapshot(today)
    rows = [
        dataclasses.replace(row, status=draft.status, lifecycle=draft.lifecycle) if row.id == work_item.pk else row
        for row in snapshot.work_items
    ]
    drafted = dataclasses.replace(snapshot, work_items=rows)
    before = {d.key for d in evaluate(snapshot, subjects)}
    after = evaluate(drafted, subjects)
    after_keys = {d.key for d in after}
    dates = EvaluationDates(as_of=today)
    preview.opened = sorted(
        (
            evaluated_finding(d, drafted, dates)
            for d in after
            if d.key not in before and may_see_derived(actor, d.required_clearances)
        ),
        key=lambda f: (-f.severity_rank, -f.score, f.key),
    )
    closed = Finding.objects.unresolved().filter(key__in=before - after_keys)
    if actor is not None:
        closed = closed.visible_to(actor)
    preview.closed = list(closed.select_related("nation_a", "nation_b", "coalition", "protocol").order_by("key"))
    return preview
