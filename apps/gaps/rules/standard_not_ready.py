"""Rule 5: a protocol in which a nation needs PQC has no final standard for an algorithm it approves.

Per protocol: for each post-quantum algorithm the nation approves, mandates or prefers, the protocol's
work items that cover it are read as of the snapshot date (each body's status mapped onto draft → adopted
→ final). Where work on that algorithm exists but none of it is final, the nation cannot yet rely on the
protocol for it; worse when the expected completion is unknown or falls after the nation's PQC-exclusive
date. Framework documents ("any KEM") do not count as covering an algorithm, nor does the catch-all
protocol OTHER."""

from __future__ import annotations

from collections import defaultdict

from apps.gaps.models import Rule
from apps.gaps.rules.base import FindingDraft, Subjects, draft, register, urgency
from apps.gaps.snapshot import ApprovalRow, Snapshot, WorkItemRow
from apps.positions.models import ApprovalStatus, MilestoneKind
from apps.standards.models import Lifecycle

NEEDED = {ApprovalStatus.APPROVED, ApprovalStatus.MANDATED, ApprovalStatus.PREFERRED}
IGNORED_PROTOCOLS = {"OTHER"}
STAGE_RANK: dict[str, int] = {Lifecycle.ADOPTED: 2, Lifecycle.DRAFT: 1}


def _work_by_protocol(snapshot: Snapshot) -> dict[int, dict[int, list[WorkItemRow]]]:
    """protocol id → algorithm id → the specific work items covering it."""
    index: dict[int, dict[int, list[WorkItemRow]]] = defaultdict(lambda: defaultdict(list))
    for item in snapshot.work_items:
        protocol = snapshot.protocols.get(item.protocol_id)
        if item.generic or protocol is None or protocol.code in IGNORED_PROTOCOLS:
            continue
        for algorithm_id in item.algorithm_ids:
            index[item.protocol_id][algorithm_id].append(item)
    return index


@register(Rule.STANDARD_NOT_READY)
def evaluate(snapshot: Snapshot, subjects: Subjects) -> list[FindingDraft]:
    work = _work_by_protocol(snapshot)
    found = []
    for nation in subjects.nations(snapshot):
        needed: dict[int, ApprovalRow] = {}
        for approval in snapshot.approvals.get(nation, []):
            algorithm = snapshot.algorithms.get(approval.algorithm_id)
            if algorithm is None or algorithm.quantum_vulnerable or approval.status not in NEEDED:
                continue
            needed.setdefault(approval.algorithm_id, approval)
        if not needed:
            continue
        cutoff = min(
            (
                m
                for m in snapshot.milestones.get(nation, [])
                if m.kind in (MilestoneKind.EXCLUSIVE_PQC, MilestoneKind.DISALLOW_CLASSICAL)
            ),
            key=lambda m: (m.target_on, m.id),
            default=None,
        )
        exclusive = cutoff.target_on if cutoff else None
        code = snapshot.code(nation)
        for protocol_id in sorted(work, key=lambda p: snapshot.protocols[p].code):
            missing = []
            items: dict[int, WorkItemRow] = {}
            late = False
            for algorithm_id in sorted(needed, key=lambda i: snapshot.algorithms[i].name):
                covering = work[protocol_id].get(algorithm_id)
                if not covering or any(w.lifecycle == Lifecycle.FINAL for w in covering):
                    continue
                missing.append(algorithm_id)
                items.update((w.id, w) for w in covering)
                expected = [w.expected_completion_on for w in covering if w.expected_completion_on]
                if exclusive and (not expected or min(expected) > exclusive):
                    late = True
            if not missing:
                continue
            protocol = snapshot.protocols[protocol_id]
            names = ", ".join(snapshot.algorithms[i].name for i in missing)
            best = max(items.values(), key=lambda w: (STAGE_RANK.get(w.lifecycle, 0), w.id))
            stage = best.lifecycle or "no recorded status"
            approvals = [needed[i] for i in missing]
            deadline_text = (
                f" {snapshot.nations[nation].name} goes PQC-exclusive on {exclusive}, and no completion is expected before then."
                if late
                else ""
            )
            found.append(
                draft(
                    rule=Rule.STANDARD_NOT_READY,
                    snapshot=snapshot,
                    key=f"{Rule.STANDARD_NOT_READY.value}:{code}:{protocol.code}",
                    score=30 + 5 * len(missing) + (20 if late else 0) + urgency(snapshot.as_of),
                    object=names,
                    title=f"{protocol.code} has no final standard for {names} ({code})",
                    explanation=(
                        f"{snapshot.nations[nation].name} approves {names}, but no {protocol.code} standard for "
                        f"{'it' if len(missing) == 1 else 'them'} is final yet: the most advanced, "
                        f"{best.identifier}, is at the {stage} stage ({best.status or 'no status'})."
                        f"{deadline_text} Until it is final, implementations may not interoperate."
                    ),
                    cites=[
                        *(a.cite(f"{code} approves {snapshot.algorithms[a.algorithm_id].name}") for a in approvals),
                        *([cutoff.cited(code)] if late and cutoff else []),
                        *(
                            w.cite(f"{w.identifier}: {w.status or 'no status'}")
                            for w in sorted(items.values(), key=lambda w: w.id)
                        ),
                    ],
                    nation_a_id=nation,
                    protocol_id=protocol_id,
                )
            )
    return found
