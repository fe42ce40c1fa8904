"""Rule 1: one ally deploys or promotes QKD while the other rejects it."""

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
from apps.positions.models import QkdStance, Scope

USES_QKD: dict[str, str] = {QkdStance.DEPLOYING: "deploys", QkdStance.PROMOTES: "promotes"}
REFUSES_QKD: dict[str, str] = {QkdStance.REJECTS: "rejects", QkdStance.NOT_RECOMMENDED: "does not recommend"}


@register(Rule.QKD_DIVERGENCE)
def evaluate(snapshot: Snapshot, subjects: Subjects) -> list[FindingDraft]:
    found = []
    for a, b in subjects.pairs(snapshot):
        base_pair = (snapshot.position(a), snapshot.position(b))
        for scope in snapshot.position_scopes(a, b):
            pa, pb = snapshot.position(a, scope), snapshot.position(b, scope)
            if pa is None or pb is None or (scope != Scope.ALL and (pa, pb) == base_pair):
                continue
            for user, refuser, pu, pr in ((a, b, pa, pb), (b, a, pb, pa)):
                if pu.qkd_stance not in USES_QKD or pr.qkd_stance not in REFUSES_QKD:
                    continue
                shared = snapshot.shared_coalitions(a, b)
                strong = pu.qkd_stance == QkdStance.DEPLOYING and pr.qkd_stance == QkdStance.REJECTS
                score = 40 + (10 if strong else 0) + defence_bonus(shared) + urgency(snapshot.as_of)
                user_name, refuser_name = snapshot.nations[user].name, snapshot.nations[refuser].name
                scope_text = "" if scope == Scope.ALL else f" for {Scope(scope).label.lower()}"
                found.append(
                    draft(
                        rule=Rule.QKD_DIVERGENCE,
                        snapshot=snapshot,
                        key=pair_key(Rule.QKD_DIVERGENCE, snapshot, a, b, "" if scope == Scope.ALL else scope),
                        score=score,
                        object=f"QKD ({scope})",
                        title=f"QKD divergence: {user_name} {USES_QKD[pu.qkd_stance]} QKD, {refuser_name} "
                        f"{REFUSES_QKD[pr.qkd_stance]} it{scope_text}",
                        explanation=(
                            f"{user_name} {USES_QKD[pu.qkd_stance]} quantum key distribution{scope_text}, while "
                            f"{refuser_name} {REFUSES_QKD[pr.qkd_stance]} it. Links between them cannot rely on "
                            f"QKD and need a post-quantum algorithm path both accept. "
                            f"{coalition_phrase(shared)}"
                        ),
                        cites=[pu.cited(snapshot.code(user)), pr.cited(snapshot.code(refuser))],
                        nation_a_id=user,
                        nation_b_id=refuser,
                    )
                )
    return found
