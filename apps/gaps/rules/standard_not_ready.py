"""Rule 5: a protocol in which a nation needs PQC has no final standard for a mechanism it accepts.

Judged per mechanism (what travels on the wire), per nation, scope and protocol: a kind of mechanism (key
establishment, signature) is needed when the nation approves, mandates or prefers a post-quantum algorithm
that some mechanism of that kind in the protocol combines. It is unserved when no mechanism of that kind
is accepted on the snapshot date (``apps.gaps.acceptance``: parameter sets approved, hybrid policy, classical
cut-off, and a final defining standard). So a hybrid-only RFC serves no nation that forbids hybrids, nor an
ML-KEM-768 group a nation that accepts only ML-KEM-1024. Worse when the expected completion is unknown or
falls after the nation's classical cut-off. The catch-all protocol OTHER is not judged.

A scope other than "all systems" is judged only where one of the records the finding cites is declared for
that scope; otherwise its verdicts are those for all systems, already reported. The finding cites every
record its verdicts read, so what it shows is derivable from what a user cleared for it may see."""

from __future__ import annotations

from apps.gaps.acceptance import Verdict, accepts, declared_scopes, mechanisms_by_protocol, reads_own_scope
from apps.gaps.citations import Citation
from apps.gaps.models import Rule
from apps.gaps.rules.base import FindingDraft, Subjects, draft, register, urgency
from apps.gaps.snapshot import MilestoneRow, Snapshot
from apps.gaps.snapshot_mechanisms import MechanismRow
from apps.positions.models import ApprovalStatus, MilestoneKind, Scope
from apps.standards.models import Lifecycle

NEEDED = {ApprovalStatus.APPROVED, ApprovalStatus.MANDATED, ApprovalStatus.PREFERRED}
CUTOFFS = (MilestoneKind.EXCLUSIVE_PQC, MilestoneKind.DISALLOW_CLASSICAL)
SHOWN = 8  # mechanisms of one kind named in an explanation


def _algorithms(snapshot: Snapshot, mechanism: MechanismRow) -> set[int]:
    return {
        snapshot.parameter_sets[p].algorithm_id for p in mechanism.parameter_set_ids if p in snapshot.parameter_sets
    }


def _needed(snapshot: Snapshot, verdicts: list[Verdict]) -> list[int]:
    """The algorithms the nation needs that these mechanisms combine, read from the approvals the verdicts
    cite (so only cited records decide whether the protocol matters to the nation)."""
    combined = set().union(*(_algorithms(snapshot, v.mechanism) for v in verdicts))
    cited = {c.id for v in verdicts for c in v.cites if c.model == "positions.approval"}
    nation = verdicts[0].nation_id
    needed = {
        a.algorithm_id
        for a in snapshot.approvals.get(nation, [])
        if a.id in cited and a.status in NEEDED and a.algorithm_id in combined
    }
    return sorted(needed, key=lambda i: snapshot.algorithms[i].name)


def _refusals(verdicts: list[Verdict]) -> str:
    """The mechanisms of one kind with the first reason each is refused ("Key establishment: A: …; B: …")."""
    shown = "; ".join(f"{v.mechanism.name}: {v.reason}" for v in verdicts[:SHOWN])
    more = f"; and {len(verdicts) - SHOWN} more" if len(verdicts) > SHOWN else ""
    kind = "Signature" if verdicts[0].mechanism.signature else "Key establishment"
    return f"{kind}: {shown}{more}."


def _cutoff(snapshot: Snapshot, nation: int, scope: str) -> MilestoneRow | None:
    return min(
        (m for m in snapshot.milestones.get(nation, []) if m.kind in CUTOFFS and m.scope in (scope, Scope.ALL)),
        key=lambda m: (m.target_on, m.id),
        default=None,
    )


@register(Rule.STANDARD_NOT_READY)
def evaluate(snapshot: Snapshot, subjects: Subjects) -> list[FindingDraft]:
    by_protocol = mechanisms_by_protocol(snapshot)
    by_id = {w.id: w for w in snapshot.work_items}
    found = []
    for nation in subjects.nations(snapshot):
        code, name = snapshot.code(nation), snapshot.nations[nation].name
        for scope in declared_scopes(snapshot, nation):
            cutoff = _cutoff(snapshot, nation, scope)
            for protocol_id in sorted(by_protocol, key=lambda p: snapshot.protocols[p].code):
                protocol = snapshot.protocols[protocol_id]
                unserved: list[tuple[list[int], list[Verdict]]] = []
                # Every kind's verdicts are cited: that the other kind is served shapes the finding too.
                cites: list[Citation] = []
                for kind in sorted(by_protocol[protocol_id]):
                    verdicts = [accepts(snapshot, m, nation, scope) for m in by_protocol[protocol_id][kind]]
                    cites += [c for v in verdicts for c in v.cites]
                    needed = _needed(snapshot, verdicts)
                    if needed and not any(v.accepted for v in verdicts):
                        unserved.append((needed, verdicts))
                if not unserved:
                    continue
                verdicts = [v for _, vs in unserved for v in vs]
                if not reads_own_scope(snapshot, scope, cites, nation):
                    continue  # the verdicts are those for all systems, reported there
                pending = [
                    by_id[i]
                    for v in verdicts
                    for i in v.mechanism.work_item_ids
                    if i in by_id and by_id[i].lifecycle != Lifecycle.FINAL
                ]
                expected = [w.expected_completion_on for w in pending if w.expected_completion_on]
                late = cutoff is not None and (not expected or min(expected) > cutoff.target_on)
                if late and cutoff is not None:
                    cites.append(cutoff.cited(code))
                algorithm_ids = list(dict.fromkeys(i for ids, _ in unserved for i in ids))
                names = ", ".join(snapshot.algorithms[i].name for i in algorithm_ids)
                refusals = " ".join(_refusals(vs) for _, vs in unserved)
                scope_text = "all systems" if scope == Scope.ALL else Scope(scope).label.lower()
                deadline_text = (
                    f" {name} drops classical algorithms on {cutoff.target_on}, and no completion is expected "
                    "before then."
                    if late and cutoff is not None
                    else ""
                )
                found.append(
                    draft(
                        rule=Rule.STANDARD_NOT_READY,
                        snapshot=snapshot,
                        key=":".join(
                            [
                                Rule.STANDARD_NOT_READY.value,
                                code,
                                protocol.code,
                                *([scope] if scope != Scope.ALL else []),
                            ]
                        ),
                        score=30 + 5 * len(algorithm_ids) + (20 if late else 0) + urgency(snapshot.as_of),
                        object=names,
                        title=f"{protocol.code} has no final standard {code} can use for {names} ({scope_text})",
                        explanation=(
                            f"For {scope_text}, {name} needs {names} in {protocol.code}, but on {snapshot.as_of} "
                            f"no {protocol.code} mechanism it accepts has a final standard. {refusals}"
                            f"{deadline_text} Until one is final, implementations may not interoperate."
                        ),
                        cites=cites,
                        nation_a_id=nation,
                        protocol_id=protocol_id,
                    )
                )
    return found
