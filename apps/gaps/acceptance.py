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

Every "no" carries its reasons, the first one being the one a report shows. A verdict cites the records it
read (the mechanism, the position, the approvals, the classical cut-off that decided, the work items), so a
rule built on it cites exactly what it used and a report is scoped like everything else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from apps.gaps.citations import Citation
from apps.gaps.rules.common_algorithms import Usable, usable_set
from apps.gaps.snapshot import ApprovalRow, MilestoneRow, PositionRow, Snapshot, WorkItemRow
from apps.gaps.snapshot_mechanisms import MechanismRow
from apps.positions.models import ApprovalStatus, HybridPolicy, Scope
from apps.standards.models import LIFECYCLE_RANK, Lifecycle

CUTOFF_KINDS = ("disallow_classical", "exclusive_pqc")

#: What a caller judging many mechanisms on one snapshot's approvals may keep: the usable sets by date,
#: nation, scope and kind (signature or not), each worked out once.
UsableSets = dict[tuple[date, int, str, bool], Usable | None]


@dataclass(frozen=True)
class Verdict:
    """Whether a nation accepts one mechanism: ``reasons`` say why not (first one first), ``marks`` what
    a "yes" should be shown with (hybrid discouraged, resting on a draft), ``cites`` the records it read."""

    mechanism: MechanismRow
    nation_id: int
    reasons: tuple[str, ...] = ()
    marks: tuple[str, ...] = ()
    cites: tuple[Citation, ...] = ()
    #: Whether the nation declares any post-quantum approval of the mechanism's kind (for the scope).
    declared: bool = True

    @property
    def evidence(self) -> tuple[dict[str, object], ...]:
        return tuple(c.evidence() for c in self.cites)

    @property
    def releasabilities(self) -> frozenset[int]:
        return frozenset(c.releasability_id for c in self.cites if c.releasability_id is not None)

    @property
    def accepted(self) -> bool:
        return not self.reasons

    @property
    def reason(self) -> str:
        return self.reasons[0] if self.reasons else ""


def _standard(
    snapshot: Snapshot, mechanism: MechanismRow, include_drafts: bool, cited: bool = True
) -> tuple[str | None, str | None, list[Citation]]:
    """(reason, mark, cites) for the standard behind ``mechanism`` on the snapshot date (no cites unless
    ``cited``)."""
    by_id = snapshot.__dict__.get("_work_items_by_id")
    if by_id is None:
        by_id = snapshot.__dict__["_work_items_by_id"] = {w.id: w for w in snapshot.work_items}
    items: list[WorkItemRow] = [by_id[i] for i in mechanism.work_item_ids if i in by_id]
    cites = [w.cite(f"{w.identifier}: {w.status or 'no status'}") for w in items] if cited else []
    best = max(items, key=lambda w: LIFECYCLE_RANK.get(w.lifecycle, -1), default=None)
    if best is None:
        return "no standards work item defines it", None, cites
    if best.lifecycle == Lifecycle.FINAL:
        return None, None, cites
    stage = best.status or "no status yet"
    if include_drafts and best.lifecycle in (Lifecycle.DRAFT, Lifecycle.ADOPTED):
        return None, f"draft standard: {best.identifier} is {stage} on {snapshot.as_of}", cites
    return f"its standard is not final on {snapshot.as_of}: {best.identifier} is {stage}", None, cites


def _classical_cutoff(
    snapshot: Snapshot, nation_id: int, scope: str, mechanism: MechanismRow
) -> tuple[str, Citation] | None:
    """Why ``nation_id`` no longer accepts the classical half of a hybrid on the snapshot date, with the
    record that decides it (the earliest cut-off milestone in force, else a live "disallowed" approval of
    the classical algorithm), or None. A later or uncited record cannot change the answer: with the deciding
    one in view, it is still the first."""
    code = snapshot.code(nation_id)
    for m in sorted(snapshot.milestones.get(nation_id, []), key=lambda m: (m.target_on, m.id)):
        if m.kind in CUTOFF_KINDS and m.scope in (scope, Scope.ALL) and m.target_on <= snapshot.as_of:
            reason = (
                f"classical algorithms disallowed from {m.target_on} ({m.title}), so no {mechanism.classical_component}"
            )
            return reason, m.cited(code)
    if mechanism.classical_algorithm_id is not None:
        for a in sorted(snapshot.approvals.get(nation_id, []), key=lambda a: a.id):
            live = a.until is None or a.until >= snapshot.as_of
            if (
                a.algorithm_id == mechanism.classical_algorithm_id
                and a.status == ApprovalStatus.DISALLOWED
                and a.scope in (scope, Scope.ALL)
                and live
            ):
                name = snapshot.algorithms[a.algorithm_id].name
                return f"{name} is disallowed, so no {mechanism.classical_component}", approval_cite(snapshot, a)
    return None


def approval_cite(snapshot: Snapshot, approval: ApprovalRow) -> Citation:
    """An approval cited under the name of what it approves: "FR ML-KEM-768: approved (all)"."""
    if approval.parameter_set_id is not None:
        subject = snapshot.parameter_sets[approval.parameter_set_id].name
    else:
        subject = snapshot.algorithms[approval.algorithm_id].name
    return approval.cite(f"{snapshot.code(approval.nation_id)} {subject}: {approval.status} ({approval.scope})")


def accepts(
    snapshot: Snapshot,
    mechanism: MechanismRow,
    nation_id: int,
    scope: str = Scope.ALL,
    *,
    include_drafts: bool = False,
    usable_sets: UsableSets | None = None,
    cited: bool = True,
) -> Verdict:
    """Whether ``nation_id`` accepts ``mechanism`` for ``scope`` on the snapshot date, and why not. With
    ``usable_sets``, the nation's usable parameter sets are looked up there (and kept there once worked
    out): a memo the caller holds for one judgement over snapshots with the same approvals (a report's).
    Without ``cited``, the verdict carries no ``cites`` (for a report that shows the answers and reasons
    only, on a snapshot already cut to what its reader may see); every answer, reason and mark is the same."""
    reasons: list[str] = []
    marks: list[str] = []
    cites: list[Citation] = [mechanism.cited()] if cited else []

    position = snapshot.position(nation_id, scope)
    policy = position.hybrid_policy if position else HybridPolicy.UNDECLARED
    if position is not None and cited:
        cites.append(position.cited(snapshot.code(nation_id)))
    if mechanism.hybrid and policy == HybridPolicy.FORBIDDEN:
        reasons.append("hybrids are forbidden (pure post-quantum only)")
    elif not mechanism.hybrid and policy == HybridPolicy.REQUIRED:
        reasons.append("hybrids are required, and this mechanism is pure")
    elif mechanism.hybrid and policy == HybridPolicy.DISCOURAGED:
        marks.append("hybrids are discouraged")

    if usable_sets is None:
        usable = usable_set(snapshot, nation_id, scope, signature=mechanism.signature)
    else:
        key = (snapshot.as_of, nation_id, scope, mechanism.signature)
        if key not in usable_sets:
            usable_sets[key] = usable_set(snapshot, nation_id, scope, signature=mechanism.signature)
        usable = usable_sets[key]
    kind = "signature" if mechanism.signature else "key-establishment"
    if usable is None:
        reasons.append(f"no post-quantum {kind} algorithm is approved")
    else:
        if cited:
            cites.extend(approval_cite(snapshot, a) for a in usable.approvals)
        approved = {ps_id for _, ps_id in usable.items}
        missing = [snapshot.parameter_sets[p].name for p in mechanism.parameter_set_ids if p not in approved]
        if missing:
            reasons.append(f"{', '.join(missing)} is not approved on {snapshot.as_of}")

    if mechanism.hybrid:
        cutoff = _classical_cutoff(snapshot, nation_id, scope, mechanism)
        if cutoff:
            reasons.append(cutoff[0])
            if cited:
                cites.append(cutoff[1])

    standard_reason, standard_mark, standard_cites = _standard(snapshot, mechanism, include_drafts, cited)
    if standard_reason:
        reasons.append(standard_reason)
    if standard_mark:
        marks.append(standard_mark)
    cites.extend(standard_cites)
    return Verdict(
        mechanism, nation_id, tuple(reasons), tuple(marks), tuple(dict.fromkeys(cites)), declared=usable is not None
    )


def accepted_mechanisms(
    snapshot: Snapshot,
    nation_id: int,
    scope: str = Scope.ALL,
    *,
    protocol_id: int | None = None,
    include_drafts: bool = False,
) -> list[Verdict]:
    """A verdict for every mechanism of the snapshot (of ``protocol_id``, when given), accepted or not."""
    return [
        accepts(snapshot, m, nation_id, scope, include_drafts=include_drafts)
        for m in snapshot.mechanisms
        if protocol_id is None or m.protocol_id == protocol_id
    ]


# --- what the mechanism rules share -------------------------------------------------------------------------

#: Protocols the mechanism rules do not judge: the catch-all has no wire format of its own.
IGNORED_PROTOCOLS = {"OTHER"}


def mechanisms_by_protocol(snapshot: Snapshot) -> dict[int, dict[str, list[MechanismRow]]]:
    """protocol id → mechanism kind → its mechanisms, for the protocols the rules judge (built once)."""
    index = snapshot.__dict__.get("_mechanisms_by_protocol")
    if index is None:
        index = {}
        for m in snapshot.mechanisms:
            protocol = snapshot.protocols.get(m.protocol_id)
            if protocol is not None and protocol.code not in IGNORED_PROTOCOLS:
                index.setdefault(m.protocol_id, {}).setdefault(m.kind, []).append(m)
        snapshot.__dict__["_mechanisms_by_protocol"] = index
    return index


def declared_scopes(snapshot: Snapshot, *nation_ids: int) -> list[str]:
    """ "All systems" and every scope the nations declare a position, approval or milestone for."""
    scopes = {Scope.ALL.value}
    for nid in nation_ids:
        scopes.update(snapshot.positions.get(nid, {}))
        scopes.update(a.scope for a in snapshot.approvals.get(nid, []))
        scopes.update(m.scope for m in snapshot.milestones.get(nid, []))
    return sorted(scopes, key=lambda s: (s != Scope.ALL, s))


def reads_own_scope(snapshot: Snapshot, scope: str, cites: list[Citation], *nation_ids: int) -> bool:
    """Whether ``cites`` include a record of ``nation_ids`` declared for ``scope`` itself. A scope judged without one
    reads only what "all systems" reads, so a rule reports it there; deciding this from the cited records
    alone keeps the decision derivable from what a user cleared for the finding may see."""
    if scope == Scope.ALL:
        return True
    cited = {(c.model, c.id) for c in cites}
    for nid in nation_ids:
        rows: list[PositionRow | ApprovalRow | MilestoneRow] = [
            *snapshot.positions.get(nid, {}).values(),
            *snapshot.approvals.get(nid, []),
            *snapshot.milestones.get(nid, []),
        ]
        if any(r.scope == scope and (r.MODEL, r.id) in cited for r in rows):
            return True
    return False
