"""A finding's lifecycle as its page shows it: each step, who took it, and what an update changed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from apps.accounts.models import User
from apps.gaps.models import Finding, FindingEvent, Severity
from apps.nations.models import Coalition
from apps.reports.dossier import FieldChange

#: The fields an update or reopening records (``apps.gaps.engine.TRACKED_CHANGES``), in a reader's words.
CHANGE_LABELS = {
    "severity": "severity",
    "score": "score",
    "years_left": "years left",
    "object": "concerning",
    "title": "title",
    "explanation": "explanation",
    "evidence": "evidence",
    "shared_coalitions": "shared coalitions",
    "required_clearances": "restricted to",
}
WITHHELD = "not shown: it rested on records restricted beyond your clearance"


@dataclass(frozen=True)
class LifecycleStep:
    """A lifecycle event and, for an update or a reopening, what it changed, in a reader's words."""

    event: FindingEvent
    changes: list[FieldChange]


def _said(name: str, value: Any, coalitions: dict[int, str]) -> str:
    if value in (None, "", []):
        return "—"
    if name == "severity" and value in Severity.values:
        return str(Severity(value).label)
    if name == "evidence" and isinstance(value, list):
        return "; ".join(str(item.get("label") or f"{item.get('model')} #{item.get('id')}") for item in value)
    if name == "required_clearances" and isinstance(value, list):
        return ", ".join(coalitions.get(pk, f"coalition #{pk}") for pk in value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def finding_lifecycle(*, user: User, finding: Finding) -> list[LifecycleStep]:
    """A finding's lifecycle, oldest first, with who did each step and which fields it changed, from what to
    what. Walking back from the finding's clearance, a value computed while the finding needed a clearance
    the user lacks is withheld, so an earlier version cannot show what its restricted records said. One
    query, two when a step changed the clearance (the coalitions' codes)."""
    events = list(finding.events.visible_to(user).select_related("actor").order_by("at", "id"))
    clearance_changes = [e.changes["required_clearances"] for e in events if "required_clearances" in e.changes]
    named = {pk for pair in clearance_changes for side in pair for pk in side or []}
    coalitions = dict(Coalition.objects.filter(pk__in=named).values_list("pk", "code")) if named else {}

    def cleared(clearance: frozenset[int]) -> bool:
        return user.sees_everything or clearance <= user.cleared_coalition_ids()

    steps: list[LifecycleStep] = []
    clearance = frozenset(finding.required_clearances)
    order = list(CHANGE_LABELS)
    for event in reversed(events):
        shows_after = cleared(clearance)
        if "required_clearances" in event.changes:
            clearance = frozenset(event.changes["required_clearances"][0] or [])
        shows_before = cleared(clearance)
        changes = [
            FieldChange(
                label=CHANGE_LABELS.get(name, name.replace("_", " ")),
                before=_said(name, before, coalitions) if shows_before else WITHHELD,
                after=_said(name, after, coalitions) if shows_after else WITHHELD,
                field=name,
            )
            for name, (before, after) in sorted(
                event.changes.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)
            )
        ]
        steps.append(LifecycleStep(event, changes))
    steps.reverse()
    return steps
