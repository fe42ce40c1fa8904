"""Read models over time: "what changed since" and the milestone timeline of a coalition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from apps.accounts.models import User
from apps.gaps.models import Finding
from apps.nations.models import Coalition, Nation
from apps.positions.models import Milestone, Position


@dataclass
class Changes:
    """Positions recorded, findings opened and findings resolved since a day (all as the user may see)."""

    since: date
    positions: list[Position]
    opened: list[Finding]
    resolved: list[Finding]


def changes_since(*, user: User, since: date, limit: int = 200) -> Changes:
    """What the tracker learned since the start of ``since``. Three queries."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    findings = Finding.objects.visible_to(user).select_related("nation_a", "nation_b")
    return Changes(
        since=since,
        positions=list(
            Position.objects.visible_to(user)
            .filter(recorded_at__gte=start)
            .select_related("nation", "source")
            .order_by("-recorded_at", "-id")[:limit]
        ),
        opened=list(findings.filter(first_seen_at__gte=start).order_by("-first_seen_at", "key")[:limit]),
        resolved=list(findings.filter(resolved_at__gte=start).order_by("-resolved_at", "key")[:limit]),
    )


@dataclass
class TimelineRow:
    nation: Nation
    milestones: list[Milestone]


def milestone_timeline(*, user: User, coalition: Coalition, as_of: date | None = None) -> list[TimelineRow]:
    """Every member state's current milestones the user may see, one row per member. Two queries."""
    day = as_of or timezone.localdate()
    nations = list(Nation.objects.member_states(coalition, on=day).with_declared(user).order_by("code"))
    by_nation: dict[int, list[Milestone]] = {n.pk: [] for n in nations}
    milestones = (
        Milestone.objects.visible_to(user)
        .current()
        .filter(nation_id__in=list(by_nation))
        .order_by("target_on", "kind", "id")
    )
    for milestone in milestones:
        by_nation[milestone.nation_id].append(milestone)
    return [TimelineRow(nation=n, milestones=by_nation[n.pk]) for n in nations]
