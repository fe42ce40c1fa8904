"""Previewing a draft before it is saved: a declaration (position, approval, milestone: how it differs from
the one in force) or a work item's status (how it differs from the status in force), and which gaps it would
open and close. Nothing here writes: the draft is evaluated on an in-memory snapshot."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
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
from apps.gaps.snapshot import ApprovalRow, MilestoneRow, PositionRow, Snapshot, load_snapshot
from apps.nations.models import Nation
from apps.positions.changes import FieldChange, declaration_changes
from apps.positions.models import Approval, Declared, HybridPolicy, Milestone, Position, PqcStance, QkdStance, Scope
from apps.sources.models import basis_of
from apps.sources.services import SourceCitation, ensure_cited_by_person
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
    """What declaring a draft would do to a nation's gaps, as the actor may see them: drafts it would
    open, findings it would close (and the snapshot, with the draft in force, the drafts were found on)."""

    opened: list[FindingDraft] = field(default_factory=list)
    closed: list[Finding] = field(default_factory=list)
    snapshot: Snapshot | None = field(default=None, repr=False)

    def opened_findings(self) -> list[EvaluatedFinding]:
        """The gaps it would open as today's evaluation gives them (subjects with their codes)."""
        if self.snapshot is None:
            return []
        dates = EvaluationDates(as_of=self.snapshot.as_of)
        return [evaluated_finding(draft, self.snapshot, dates) for draft in self.opened]


@dataclass
class DraftChanges:
    """How a draft declaration differs from the one in force for its identity (as the user may see it),
    and the gaps it would open and close."""

    current: Declared | None
    changes: list[FieldChange]
    gaps: Preview


def preview_position(
    *, nation: Nation, actor: User | None, token_nations: Collection[int] | None = None, **position_fields: Any
) -> Preview:
    """Evaluate the rules for ``nation`` on an in-memory snapshot in which the draft position (the
    arguments ``position_declare`` takes, the source as a citation) is in force. Writes nothing.
    Both lists are scoped to what ``actor`` may see (derived data is visible only with every record
    behind it). Only who may declare it may preview it (``token_nations``: see ``ensure_can_write_nation``)."""
    ensure_can_write_nation(actor, nation.pk, token_nations=token_nations)
    unknown = set(position_fields) - PREVIEW_FIELDS
    if unknown:
        raise InvalidInput(f"Unknown position fields: {', '.join(sorted(unknown))}.")
    _cited_as_saved(actor, position_fields.get("source"))
    citation: SourceCitation | None = position_fields.get("source")
    declared = position_fields.get("declared")
    draft = PositionRow(
        id=None,
        nation_id=nation.pk,
        scope=position_fields.get("scope", Scope.ALL),
        pqc_stance=position_fields.get("pqc_stance", PqcStance.UNDECLARED),
        qkd_stance=position_fields.get("qkd_stance", QkdStance.UNDECLARED),
        hybrid_policy=position_fields.get("hybrid_policy", HybridPolicy.UNDECLARED),
        cites_source=citation is not None,
        last_confirmed_on=citation.draft().last_confirmed(timezone.localdate()) if citation is not None else None,
        declared_on=declared.value if declared is not None else None,
        **_stated(position_fields),
    )
    return _gaps(nation=nation, actor=actor, in_force=lambda snapshot: snapshot.with_position(draft))


#: A draft approval or milestone is not saved, so it has no id; the rules order rows by id, so it takes one
#: no stored row has (ids start at 1), and the preview's evidence names it as unsaved (id None).
DRAFT_ID = 0
_DECLARED_FIELDS = {"scope", "releasability", "source", "declared", "note"}
APPROVAL_PREVIEW_FIELDS = {"algorithm", "parameter_set", "status", "until", *_DECLARED_FIELDS}
MILESTONE_PREVIEW_FIELDS = {"kind", "title", "target", "scope_text", *_DECLARED_FIELDS}


def preview_approval(
    *, nation: Nation, actor: User | None, token_nations: Collection[int] | None = None, **approval_fields: Any
) -> Preview:
    """``preview_position`` for a draft approval (the arguments ``approval_set`` takes): the rules evaluated
    with it in force in place of the one of its identity (algorithm, parameter set, scope). Writes nothing."""
    ensure_can_write_nation(actor, nation.pk, token_nations=token_nations)
    _known(approval_fields, APPROVAL_PREVIEW_FIELDS, required=("algorithm", "status"))
    algorithm, parameter_set = approval_fields["algorithm"], approval_fields.get("parameter_set")
    if parameter_set is not None and parameter_set.algorithm_id != algorithm.pk:
        raise InvalidInput(f"{parameter_set.name} is not a parameter set of {algorithm.name}.", field="parameter_set")
    _cited_as_saved(actor, approval_fields.get("source"))
    draft = ApprovalRow(
        id=DRAFT_ID,
        nation_id=nation.pk,
        algorithm_id=algorithm.pk,
        status=approval_fields["status"],
        parameter_set_id=parameter_set.pk if parameter_set is not None else None,
        scope=approval_fields.get("scope", Scope.ALL),
        until=approval_fields.get("until"),
        **_stated(approval_fields),
    )

    def in_force(snapshot: Snapshot) -> Snapshot:
        identity = (draft.algorithm_id, draft.parameter_set_id, draft.scope)
        kept = [
            a
            for a in snapshot.approvals.get(nation.pk, [])
            if (a.algorithm_id, a.parameter_set_id, a.scope) != identity
        ]
        return dataclasses.replace(snapshot, approvals={**snapshot.approvals, nation.pk: [*kept, draft]})

    return _gaps(nation=nation, actor=actor, in_force=in_force)


def preview_milestone(
    *, nation: Nation, actor: User | None, token_nations: Collection[int] | None = None, **milestone_fields: Any
) -> Preview:
    """``preview_position`` for a draft milestone (the arguments ``milestone_set`` takes): the rules evaluated
    with it in force in place of the one of its identity (kind, scope, title). Writes nothing."""
    ensure_can_write_nation(actor, nation.pk, token_nations=token_nations)
    _known(milestone_fields, MILESTONE_PREVIEW_FIELDS, required=("kind", "title", "target"))
    _cited_as_saved(actor, milestone_fields.get("source"))
    draft = MilestoneRow(
        id=DRAFT_ID,
        nation_id=nation.pk,
        kind=milestone_fields["kind"],
        target_on=milestone_fields["target"].value,
        title=milestone_fields["title"],
        scope=milestone_fields.get("scope", Scope.ALL),
        **_stated(milestone_fields),
    )

    def in_force(snapshot: Snapshot) -> Snapshot:
        identity = (draft.kind, draft.scope, draft.title)
        kept = [m for m in snapshot.milestones.get(nation.pk, []) if (m.kind, m.scope, m.title) != identity]
        return dataclasses.replace(snapshot, milestones={**snapshot.milestones, nation.pk: [*kept, draft]})

    return _gaps(nation=nation, actor=actor, in_force=in_force)


def _known(fields: dict[str, Any], allowed: set[str], *, required: tuple[str, ...]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(f"Unknown fields: {', '.join(sorted(unknown))}.")
    missing = [name for name in required if fields.get(name) is None]
    if missing:
        raise InvalidInput(
            "A draft names its identity.", errors={name: ["This field is required."] for name in missing}
        )


def _cited_as_saved(actor: User | None, cited: SourceCitation | None) -> None:
    """A person's or a token's draft cites its source as their declaration must (``ensure_cited_by_person``),
    so the preview is refused as the save would be; the system (``actor`` None) cites what its files give."""
    if actor is not None:
        ensure_cited_by_person(cited)


def _stated(fields: dict[str, Any]) -> dict[str, Any]:
    """A draft row's releasability, and what its citation rests on and whether it was confirmed."""
    releasability = fields.get("releasability")
    citation: SourceCitation | None = fields.get("source")
    stated: dict[str, Any] = {"releasability_id": releasability.pk if releasability is not None else None}
    if citation is not None:
        stated.update(source_basis=basis_of(citation.kind, citation.primary_url), source_verified=citation.verified)
    return stated


def _gaps(*, nation: Nation | None, actor: User | None, in_force: Callable[[Snapshot], Snapshot]) -> Preview:
    """The gaps of ``nation`` (None: of every nation) today, and with a draft in force (``in_force`` gives
    that copy of the snapshot): those it would open and the stored ones it would close, as ``actor`` may
    see them.

    Both sides are judged on the world as the actor knows it (``load_snapshot``'s ``seen_by``), and only
    what they may see of it counts; otherwise a hidden record would show through: a gap the draft opens
    left out because a hidden finding has its key already, or a finding listed as closed (or not) because
    of a hidden record that would hold it open, or end it (issue 9)."""
    today = timezone.localdate()
    if nation is None:
        subjects, snapshot = Subjects(), load_snapshot(today, seen_by=actor)
    else:
        subjects, snapshot = Subjects(frozenset([nation.pk])), load_snapshot(today, [nation.pk], seen_by=actor)

    def seen(drafts: list[FindingDraft]) -> list[FindingDraft]:
        return [d for d in drafts if may_see_derived(actor, d.required_clearances)]

    before = {d.key for d in seen(evaluate(snapshot, subjects))}
    drafted = in_force(snapshot)
    after = seen(evaluate(drafted, subjects))
    after_keys = {d.key for d in after}
    closed = Finding.objects.unresolved().filter(key__in=before - after_keys)
    if actor is not None:
        closed = closed.visible_to(actor)
    opened = [_unsaved(d) for d in after if d.key not in before]
    closed = closed.select_related("nation_a", "nation_b", "coalition", "protocol").order_by("key")
    return Preview(opened=opened, closed=list(closed), snapshot=drafted)


def _unsaved(draft: FindingDraft) -> FindingDraft:
    """``draft`` with its evidence naming the unsaved draft record as such (id None, not ``DRAFT_ID``)."""
    if not any(item.get("id") == DRAFT_ID for item in draft.evidence):
        return draft
    evidence = [{**item, "id": None} if item.get("id") == DRAFT_ID else item for item in draft.evidence]
    return dataclasses.replace(draft, evidence=evidence)


def draft_changes(
    model: type[Declared],
    *,
    user: User,
    nation: Nation,
    fields: dict[str, Any],
    source: SourceCitation | None,
    token_nations: Collection[int] | None = None,
) -> DraftChanges:
    """How a draft ``model`` declaration (a position, an approval or a milestone: ``fields``, its service's
    keyword arguments but nation, actor and source) differs from the one in force for its identity as
    ``user`` may see it, and the gaps it would open and close (``preview_position``, ``preview_approval``,
    ``preview_milestone``), as ``user`` may see them. Writes nothing."""
    preview = _PREVIEWS[model]
    gaps = preview(nation=nation, actor=user, token_nations=token_nations, source=source, **fields)
    values = {k: v for k, v in fields.items() if k not in ("declared", "target")}
    for given, stored in (("declared", "declared"), ("target", "target")):
        if given in fields:
            day = fields[given]
            values[f"{stored}_on"] = day.value if day else None
            values[f"{stored}_precision"] = day.precision if day else DatePrecision.DAY
    draft = model(nation=nation, source=source.draft() if source is not None else None, **values)
    identity = {name: getattr(draft, name) for name in model.identity}
    declarations: Any = model._default_manager
    current = declarations.seen_by(user).current().filter(**identity).select_related("source", "releasability").first()
    return DraftChanges(current=current, changes=declaration_changes(current, draft), gaps=gaps)


#: The preview of each kind of declaration, for ``draft_changes``.
_PREVIEWS: dict[type[Declared], Callable[..., Preview]] = {
    Position: preview_position,
    Approval: preview_approval,
    Milestone: preview_milestone,
}


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
    *,
    work_item: WorkItem,
    status: str,
    actor: User | None,
    source: SourceCitation | None,
    on: PartialDate | None = None,
) -> StatusPreview:
    """What ``work_item_status_record`` with these arguments would do: the rules evaluated today for every
    allied nation on an in-memory snapshot in which the draft status is in force (when it would be; see
    ``StatusPreview``). Writes nothing. Refused to anyone who may not curate the catalogue, and as the save
    would be when a person's or a token's draft cites no proper source (one recorded already is a no-op,
    not refused); both lists scoped to what ``actor`` may see, as ``preview_position``'s are."""
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
    if recorded is None:
        _cited_as_saved(actor, source)
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

    def with_draft(snapshot: Snapshot) -> Snapshot:
        rows = [
            dataclasses.replace(row, status=draft.status, lifecycle=draft.lifecycle) if row.id == work_item.pk else row
            for row in snapshot.work_items
        ]
        return dataclasses.replace(snapshot, work_items=rows)

    gaps = _gaps(nation=None, actor=actor, in_force=with_draft)
    preview.opened = sorted(gaps.opened_findings(), key=lambda f: (-f.severity_rank, -f.score, f.key))
    preview.closed = gaps.closed
    return preview
