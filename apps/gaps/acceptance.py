"""Which protocol mechanisms a nation accepts on a date: a pure function over the gap snapshot.

A nation accepts a mechanism for a scope on the snapshot date when

- every post-quantum parameter set it combines is usable under the nation's approvals then (parameter-set
  level, ``until`` respected; the same scoping as the "no common KEM/signature" rules);
- for a hybrid, the nation has not yet disallowed classical algorithms (a "classical disallowed" or
  "PQC exclusive" milestone on or before the date, or a live "disallowed" approval of the classical
  algorithm);
- its hybrid policy allows the shape: ``required`` accepts hybrids only, ``forbidden`` pure mechanisms only,
  ``discouraged`` accepts hybrids but marks them;
- a work item defining it is final on the date (with ``include_drafts``, a draft or adopted one is enough
  and the verdict is marked as resting on a draft).

Every "no" carries its reasons, the first one being the one a report shows. The records a verdict rests on
are listed (with their releasability) so a report can be scoped like everything else."""

from __future__ import annotations

from dataclasses import dataclass, field

from apps.gaps.rules.common_algorithms import usable_set
from apps.gaps.snapshot import Snapshot, WorkItemRow
from apps.positions.models import ApprovalStatus, HybridPolicy, Scope
from apps.standards.models import LIFECYCLE_RANK, Lifecycle, Mechanism, MechanismKind

CUTOFF_KINDS = ("disallow_classical", "exclusive_pqc")


@dataclass(frozen=True)
class MechanismRow:
    """A mechanism as the acceptance check reads it."""

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


@dataclass(frozen=True)
class Verdict:
    """Whether a nation accepts one mechanism: ``reasons`` say why not (first one first), ``marks`` what
    a "yes" should be shown with (hybrid discouraged, resting on a draft)."""

    mechanism: MechanismRow
    nation_id: int
    reasons: tuple[str, ...] = ()
    marks: tuple[str, ...] = ()
    evidence: tuple[dict[str, object], ...] = ()
    releasabilities: frozenset[int] = field(default_factory=frozenset)

    @property
    def accepted(self) -> bool:
        return not self.reasons

    @property
    def reason(self) -> str:
        return self.reasons[0] if self.reasons else ""


def load_mechanisms(protocol_id: int | None = None) -> list[MechanismRow]:
    """The mechanisms (of one protocol, or all), in three queries."""
    mechanisms = Mechanism.objects.order_by("protocol_id", "kind", "name")
    if protocol_id is not None:
        mechanisms = mechanisms.filter(protocol_id=protocol_id)
    rows = list(
        mechanisms.values_list(
            "id", "protocol_id", "name", "kind", "hybrid", "classical_component", "classical_algorithm_id", "code_point"
        )
    )
    ids = [row[0] for row in rows]
    sets: dict[int, list[int]] = {i: [] for i in ids}
    items: dict[int, list[int]] = {i: [] for i in ids}
    for mid, pid in Mechanism.parameter_sets.through.objects.filter(mechanism_id__in=ids).values_list(
        "mechanism_id", "parameterset_id"
    ):
        sets[mid].append(pid)
    for mid, wid in Mechanism.work_items.through.objects.filter(mechanism_id__in=ids).values_list(
        "mechanism_id", "workitem_id"
    ):
        items[mid].append(wid)
    return [MechanismRow(*row, tuple(sorted(sets[row[0]])), tuple(sorted(items[row[0]]))) for row in rows]


def _standard(
    snapshot: Snapshot, mechanism: MechanismRow, include_drafts: bool
) -> tuple[str | None, str | None, list[dict[str, object]]]:
    """(reason, mark, evidence) for the standard behind ``mechanism`` on the snapshot date."""
    by_id = snapshot.__dict__.get("_work_items_by_id")
    if by_id is None:
        by_id = snapshot.__dict__["_work_items_by_id"] = {w.id: w for w in snapshot.work_items}
    items: list[WorkItemRow] = [by_id[i] for i in mechanism.work_item_ids if i in by_id]
    evidence: list[dict[str, object]] = [
        {"model": "standards.workitem", "id": w.id, "label": f"{w.identifier}: {w.status or 'no status'}"}
        for w in items
    ]
    best = max(items, key=lambda w: LIFECYCLE_RANK.get(w.lifecycle, -1), default=None)
    if best is None:
        return "no standards work item defines it", None, evidence
    if best.lifecycle == Lifecycle.FINAL:
        return None, None, evidence
    stage = best.status or "no status yet"
    if include_drafts and best.lifecycle in (Lifecycle.DRAFT, Lifecycle.ADOPTED):
        return None, f"draft standard: {best.identifier} is {stage} on {snapshot.as_of}", evidence
    return f"its standard is not final on {snapshot.as_of}: {best.identifier} is {stage}", None, evidence


def _classical_cutoff(snapshot: Snapshot, nation_id: int, scope: str, mechanism: MechanismRow) -> str | None:
    """Why ``nation_id`` no longer accepts the classical half of a hybrid on the snapshot date, or None."""
    for m in sorted(snapshot.milestones.get(nation_id, []), key=lambda m: (m.target_on, m.id)):
        if m.kind in CUTOFF_KINDS and m.scope in (scope, Scope.ALL) and m.target_on <= snapshot.as_of:
            return (
                f"classical algorithms disallowed from {m.target_on} ({m.title}), so no {mechanism.classical_component}"
            )
    if mechanism.classical_algorithm_id is not None:
        for a in snapshot.approvals.get(nation_id, []):
            live = a.until is None or a.until >= snapshot.as_of
            if (
                a.algorithm_id == mechanism.classical_algorithm_id
                and a.status == ApprovalStatus.DISALLOWED
                and a.scope in (scope, Scope.ALL)
                and live
            ):
                name = snapshot.algorithms[a.algorithm_id].name
                return f"{name} is disallowed, so no {mechanism.classical_component}"
    return None


def _classical_records(snapshot: Snapshot, nation_id: int, scope: str) -> tuple[list[dict[str, object]], set[int]]:
    evidence: list[dict[str, object]] = []
    clearances: set[int] = set()
    for m in snapshot.milestones.get(nation_id, []):
        if m.kind in CUTOFF_KINDS and m.scope in (scope, Scope.ALL):
            evidence.append({"model": "positions.milestone", "id": m.id, "label": f"{m.title} ({m.target_on})"})
            if m.releasability_id is not None:
                clearances.add(m.releasability_id)
    return evidence, clearances


def accepts(
    snapshot: Snapshot,
    mechanism: MechanismRow,
    nation_id: int,
    scope: str = Scope.ALL,
    *,
    include_drafts: bool = False,
) -> Verdict:
    """Whether ``nation_id`` accepts ``mechanism`` for ``scope`` on the snapshot date, and why not."""
    reasons: list[str] = []
    marks: list[str] = []
    evidence: list[dict[str, object]] = []
    clearances: set[int] = set()

    position = snapshot.position(nation_id, scope)
    policy = position.hybrid_policy if position else HybridPolicy.UNDECLARED
    if position is not None:
        evidence.append(position.cited(snapshot.code(nation_id)).evidence())
        if position.releasability_id is not None:
            clearances.add(position.releasability_id)
    if mechanism.hybrid and policy == HybridPolicy.FORBIDDEN:
        reasons.append("hybrids are forbidden (pure post-quantum only)")
    elif not mechanism.hybrid and policy == HybridPolicy.REQUIRED:
        reasons.append("hybrids are required, and this mechanism is pure")
    elif mechanism.hybrid and policy == HybridPolicy.DISCOURAGED:
        marks.append("hybrids are discouraged")

    usable = usable_set(snapshot, nation_id, scope, signature=mechanism.signature)
    kind = "signature" if mechanism.signature else "key-establishment"
    if usable is None:
        reasons.append(f"no post-quantum {kind} algorithm is approved")
    else:
        for approval in usable.approvals:
            if approval.releasability_id is not None:
                clearances.add(approval.releasability_id)
        evidence.extend(
            {"model": "positions.approval", "id": a.id, "label": f"approval: {a.status} ({a.scope})"}
            for a in usable.approvals
        )
        approved = {ps_id for _, ps_id in usable.items}
        missing = [snapshot.parameter_sets[p].name for p in mechanism.parameter_set_ids if p not in approved]
        if missing:
            reasons.append(f"{', '.join(missing)} is not approved on {snapshot.as_of}")

    if mechanism.hybrid:
        cutoff = _classical_cutoff(snapshot, nation_id, scope, mechanism)
        if cutoff:
            reasons.append(cutoff)
        more, cleared = _classical_records(snapshot, nation_id, scope)
        evidence.extend(more)
        clearances |= cleared

    standard_reason, standard_mark, standard_evidence = _standard(snapshot, mechanism, include_drafts)
    if standard_reason:
        reasons.append(standard_reason)
    if standard_mark:
        marks.append(standard_mark)
    evidence.extend(standard_evidence)
    return Verdict(mechanism, nation_id, tuple(reasons), tuple(marks), tuple(evidence), frozenset(clearances))


def accepted_mechanisms(
    snapshot: Snapshot,
    mechanisms: list[MechanismRow],
    nation_id: int,
    scope: str = Scope.ALL,
    *,
    protocol_id: int | None = None,
    include_drafts: bool = False,
) -> list[Verdict]:
    """A verdict for every mechanism (of ``protocol_id``, when given), accepted or not."""
    return [
        accepts(snapshot, m, nation_id, scope, include_drafts=include_drafts)
        for m in mechanisms
        if protocol_id is None or m.protocol_id == protocol_id
    ]
