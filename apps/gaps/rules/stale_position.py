"""Rule 8: a position in force cites no source, or is due for re-verification: it was never confirmed, or
last confirmed longer ago than the set age (``apps.sources.reverification``, the notion the dossier, the
lists and the API show)."""

from __future__ import annotations

from apps.gaps.models import Rule
from apps.gaps.rules.base import FindingDraft, Subjects, draft, register
from apps.gaps.snapshot import Snapshot
from apps.positions.models import Scope
from apps.sources.reverification import due_for_reverification


@register(Rule.STALE_POSITION)
def evaluate(snapshot: Snapshot, subjects: Subjects) -> list[FindingDraft]:
    found = []
    after = snapshot.reverify_after_days
    for nation in subjects.nations(snapshot):
        for scope, position in sorted(snapshot.positions.get(nation, {}).items()):
            name, code = snapshot.nations[nation].name, snapshot.code(nation)
            last = position.last_confirmed_on
            if not position.sourced:
                score, obj, why = 30, "unsourced", "cites no source"
            elif not due_for_reverification(last, snapshot.as_of, after):
                continue
            elif last is None:
                score, obj, why = (
                    20,
                    "never confirmed",
                    "cites a source it was never confirmed against (not verified there, and no confirmation recorded)",
                )
            else:
                days = (snapshot.as_of - last).days
                score, obj, why = (
                    15 + min(20, round(5 * days / 365.25)),
                    "stale",
                    f"was last confirmed on {last}, {days} days ago (re-verification is due after {after} days)",
                )
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
