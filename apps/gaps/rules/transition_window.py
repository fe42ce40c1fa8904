"""Rule 4: one ally turns classical algorithms off (or goes PQC-exclusive) before the other supports PQC.

Between those two dates no algorithm is acceptable to both. A nation "supports PQC" from its earliest dated
step towards it (start of migration, PQC preferred, priority systems migrated, migration complete…); a
nation with no such milestone is assumed to get there no earlier than the 2035 line. The gap holds from
today until the window closes, the window itself included."""

from __future__ import annotations

from datetime import date

from apps.gaps.models import Rule
from apps.gaps.rules.base import (
    DEADLINE,
    FindingDraft,
    Subjects,
    coalition_phrase,
    defence_bonus,
    draft,
    register,
    urgency,
)
from apps.gaps.snapshot import MilestoneRow, Snapshot
from apps.positions.models import MilestoneKind

CUTOFF_KINDS = {MilestoneKind.DISALLOW_CLASSICAL, MilestoneKind.EXCLUSIVE_PQC}
SUPPORT_KINDS = {
    MilestoneKind.START_MIGRATION,
    MilestoneKind.PREFER_PQC,
    MilestoneKind.PRIORITY_SYSTEMS_DONE,
    MilestoneKind.COMPLETE,
    MilestoneKind.DISALLOW_CLASSICAL,
    MilestoneKind.EXCLUSIVE_PQC,
}


def _earliest(snapshot: Snapshot, nation_id: int, kinds: set[MilestoneKind]) -> MilestoneRow | None:
    rows = [m for m in snapshot.milestones.get(nation_id, []) if m.kind in kinds]
    return min(rows, key=lambda m: (m.target_on, m.id), default=None)


@register(Rule.TRANSITION_WINDOW)
def evaluate(snapshot: Snapshot, subjects: Subjects) -> list[FindingDraft]:
    found = []
    cutoffs = {}
    supports = {}
    for a, b in subjects.pairs(snapshot):
        for n in (a, b):
            if n not in cutoffs:
                cutoffs[n] = _earliest(snapshot, n, CUTOFF_KINDS)
                supports[n] = _earliest(snapshot, n, SUPPORT_KINDS)
        for early, late in ((a, b), (b, a)):
            cutoff, support = cutoffs[early], supports[late]
            if cutoff is None:
                continue
            support_on: date = support.target_on if support else DEADLINE
            # The gap holds from the moment it is declared until the window closes, through the window itself.
            if support_on <= cutoff.target_on or support_on <= snapshot.as_of:
                continue
            window_years = (support_on - cutoff.target_on).days / 365.25
            shared = snapshot.shared_coalitions(a, b)
            score = (
                35
                + min(25, round(8 * window_years))
                + defence_bonus(shared)
                + urgency(snapshot.as_of, cutoff.target_on)
            )
            early_name, late_name = snapshot.nations[early].name, snapshot.nations[late].name
            when = (
                f"its earliest step towards PQC is due {support.target_on} ({support.title})"
                if support
                else "it has declared no dated step towards PQC, so it is assumed to get there by the 2035 line at the latest"
            )
            cites = [cutoff.cited(snapshot.code(early))] + ([support.cited(snapshot.code(late))] if support else [])
            found.append(
                draft(
                    rule=Rule.TRANSITION_WINDOW,
                    snapshot=snapshot,
                    key=f"{Rule.TRANSITION_WINDOW.value}:{snapshot.code(early)}>{snapshot.code(late)}",
                    score=score,
                    object=f"{cutoff.target_on} to {support_on}",
                    title=f"Transition window: {early_name} drops classical algorithms on {cutoff.target_on}, "
                    f"{late_name} supports PQC only from {support_on}",
                    explanation=(
                        f"{early_name} stops accepting classical public-key algorithms on {cutoff.target_on} "
                        f"({cutoff.title}). {late_name} is not known to support post-quantum algorithms before "
                        f"{support_on}: {when}. For about {window_years:.1f} years no algorithm is acceptable "
                        f"to both. {coalition_phrase(shared)}"
                    ),
                    cites=cites,
                    nation_a_id=early,
                    nation_b_id=late,
                )
            )
    return found
