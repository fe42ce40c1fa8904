"""Rule 8: a position in force has no dated source, or its source is older than the set age."""

from __future__ import annotations

from datetime import timedelta

from apps.gaps.models import Rule
from apps.gaps.rules.base import FindingDraft, Subjects, draft, register
from apps.gaps.snapshot import Snapshot
from apps.positions.models import Scope


@register(Rule.STALE_POSITION)
def evaluate(snapshot: Snapshot, subjects: Subjects) -> list[FindingDraft]:
    found = []
    limit = snapshot.as_of - timedelta(days=snapshot.stale_after_days)
    for nation in subjects.nations(snapshot):
        for scope, position in sorted(snapshot.positions.get(nation, {}).items()):
            name, code = snapshot.nations[nation].name, snapshot.code(nation)
            published = position.source_published_on
            if not position.sourced:
                score, obj, why = 30, "unsourced", "cites no source"
            elif published is None:
                score, obj, why = 20, "undated source", "cites a source with no publication date"
            elif published < limit:
                age = (snapshot.as_of - published).days / 365.25
                score, obj, why = (
                    15 + min(20, round(5 * age)),
                    "stale",
                    f"rests on a source published {published} ({age:.1f} years ago)",
                )
            else:
                continue
            scope_text = "" if scope == Scope.ALL else f" for {Scope(scope).label.lower()}"
            found.append(
                draft(
                    rule=Rule.STALE_POSITION,
                    snapshot=snapshot,
                    key=f"{Rule.STALE_POSITION.value}:{code}:{scope}",
                    score=score,
                    object=obj,
                    title=f"{name}'s position{scope_text} is {obj}",
                    explanation=(
                        f"{name}'s position{scope_text} {why}. Gaps computed from it may no longer reflect what "
                        f"{name} does; ask its liaison officer to confirm or update it."
                    ),
                    cites=[position.cited(code)],
                    nation_a_id=nation,
                )
            )
    return found
