"""Rule 7: no milestone completes migration by 2035-12-31, or the plan ends after it."""

from __future__ import annotations

from apps.gaps.models import Rule
from apps.gaps.rules.base import DEADLINE, FindingDraft, Subjects, draft, register, urgency
from apps.gaps.snapshot import Snapshot
from apps.positions.models import MilestoneKind


@register(Rule.DEADLINE_RISK)
def evaluate(snapshot: Snapshot, subjects: Subjects) -> list[FindingDraft]:
    found = []
    for nation in subjects.nations(snapshot):
        milestones = snapshot.milestones.get(nation, [])
        complete = [m for m in milestones if m.kind == MilestoneKind.COMPLETE]
        late = [m for m in milestones if m.target_on > DEADLINE]
        name, code = snapshot.nations[nation].name, snapshot.code(nation)
        if late:
            last = max(late, key=lambda m: m.target_on)
            score, obj = 55, f"plan ends {last.target_on}"
            text = f"{name}'s plan runs past the 2035 line: {last.title} is due {last.target_on}."
            evidence = late
        elif complete:
            continue
        else:
            score, obj = (40 if milestones else 30), "no completion date"
            text = (
                f"{name} has dated milestones but none that completes its migration by 2035-12-31."
                if milestones
                else f"{name} has declared no migration milestone at all."
            )
            evidence = milestones
        found.append(
            draft(
                rule=Rule.DEADLINE_RISK,
                snapshot=snapshot,
                key=f"{Rule.DEADLINE_RISK.value}:{code}",
                score=score + urgency(snapshot.as_of),
                object=obj,
                title=f"Deadline risk: {name} ({obj})",
                explanation=f"{text} Allies moving to post-quantum algorithms by 2035 may lose the ability to talk to it.",
                cites=[m.cited(code) for m in sorted(evidence, key=lambda m: (m.target_on, m.id))],
                nation_a_id=nation,
            )
        )
    return found
