"""Rule 3: one ally requires hybrid (classical + PQC) use, the other forbids or discourages it."""

from __future__ import annotations

from apps.gaps.models import Rule
from apps.gaps.rules.base import (
    FindingDraft,
    Subjects,
    coalition_phrase,
    defence_bonus,
    draft,
    pair_key,
    register,
    urgency,
)
from apps.gaps.snapshot import Snapshot
from apps.positions.models import HybridPolicy, Scope

#: A policy that conflicts with "hybrid required", and how much: "forbidden" means pure PQC only, so no
#: handshake can satisfy both; "discouraged" (hybrids tolerated only as a stopgap) will become one.
AGAINST_HYBRID = {
    HybridPolicy.FORBIDDEN: (60, "forbids hybrids (pure PQC only)"),
    HybridPolicy.DISCOURAGED: (35, "discourages hybrids"),
}


@register(Rule.HYBRID_CONFLICT)
def evaluate(snapshot: Snapshot, subjects: Subjects) -> list[FindingDraft]:
    found = []
    for a, b in subjects.pairs(snapshot):
        base_pair = (snapshot.position(a), snapshot.position(b))
        for scope in snapshot.position_scopes(a, b):
            pa, pb = snapshot.position(a, scope), snapshot.position(b, scope)
            if pa is None or pb is None or (scope != Scope.ALL and (pa, pb) == base_pair):
                continue
            for requirer, other, pr, po in ((a, b, pa, pb), (b, a, pb, pa)):
                if pr.hybrid_policy != HybridPolicy.REQUIRED or po.hybrid_policy not in AGAINST_HYBRID:
                    continue
                base, phrase = AGAINST_HYBRID[HybridPolicy(po.hybrid_policy)]
                shared = snapshot.shared_coalitions(a, b)
                req_name, other_name = snapshot.nations[requirer].name, snapshot.nations[other].name
                scope_text = "" if scope == Scope.ALL else f" for {Scope(scope).label.lower()}"
                found.append(
                    draft(
                        rule=Rule.HYBRID_CONFLICT,
                        snapshot=snapshot,
                        key=pair_key(Rule.HYBRID_CONFLICT, snapshot, a, b, "" if scope == Scope.ALL else scope),
                        score=base + defence_bonus(shared) + urgency(snapshot.as_of),
                        object=f"hybrid ({scope})",
                        title=f"Hybrid conflict: {req_name} requires hybrids, {other_name} {phrase}{scope_text}",
                        explanation=(
                            f"{req_name} requires classical and post-quantum algorithms to be combined{scope_text}; "
                            f"{other_name} {phrase}. A connection that satisfies one breaks the other's rule, so "
                            f"the two need an agreed exception or a common profile. {coalition_phrase(shared)}"
                        ),
                        cites=[pr.cited(snapshot.code(requirer)), po.cited(snapshot.code(other))],
                        nation_a_id=requirer,
                        nation_b_id=other,
                    )
                )
    return found
