"""Rule 6: an allied state has declared nothing on PQC or on QKD (or has no position at all)."""

from __future__ import annotations

from apps.gaps.models import Rule
from apps.gaps.rules.base import FindingDraft, Subjects, draft, register, urgency
from apps.gaps.snapshot import Snapshot
from apps.positions.models import PqcStance, QkdStance


@register(Rule.UNDECLARED_STANCE)
def evaluate(snapshot: Snapshot, subjects: Subjects) -> list[FindingDraft]:
    found = []
    for nation in subjects.nations(snapshot):
        position = snapshot.position(nation)
        missing = []
        if position is None or position.pqc_stance == PqcStance.UNDECLARED:
            missing.append("PQC")
        if position is None or position.qkd_stance == QkdStance.UNDECLARED:
            missing.append("QKD")
        if not missing:
            continue
        name = snapshot.nations[nation].name
        coalitions = ", ".join(sorted(snapshot.coalitions[c].code for c in snapshot.memberships[nation]))
        what = " or ".join(missing)
        found.append(
            draft(
                rule=Rule.UNDECLARED_STANCE,
                snapshot=snapshot,
                key=f"{Rule.UNDECLARED_STANCE.value}:{snapshot.code(nation)}",
                score=(35 if "PQC" in missing else 22) + (10 if position is None else 0) + urgency(snapshot.as_of),
                object=what,
                title=f"{name} has declared no stance on {what}",
                explanation=(
                    f"{name}, a member of {coalitions}, has "
                    + ("recorded no position at all" if position is None else f"declared nothing on {what}")
                    + ". Its allies cannot plan links with it until it says which way it will go."
                ),
                cites=[position.cited(snapshot.code(nation))] if position else [],
                nation_a_id=nation,
            )
        )
    return found
