"""Read models over time: "what changed since" and the milestone timeline of a coalition."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.db.models import Q
from django.utils import timezone

from apps.accounts.models import User
from apps.gaps.evaluation import EvaluationDates
from apps.gaps.models import Finding
from apps.gaps.snapshot import memberships_on
from apps.nations.models import Coalition, Membership, Nation, NationKind
from apps.positions.models import Approval, Milestone, Position
from apps.standards.models import WorkItemStatus


@dataclass
class Changes:
    """What was recorded since a day, on the recorded axis: declarations (positions, approvals,
    milestones), standards statuses and memberships (and the memberships that ended since), and the findings
    opened and resolved since (all as the user may see them)."""

    since: date
    positions: list[Position]
    approvals: list[Approval]
    milestones: list[Milestone]
    statuses: list[WorkItemStatus]
    memberships: list[Membership]
    opened: list[Finding]
    resolved: list[Finding]


def changes_since(*, user: User, since: date, limit: int = 200) -> Changes:
    """What the tracker learned since the start of ``since``: each record by when it was recorded (a
    membership by when its row last changed), not by the date it declares; and the memberships that ended
    since, however long ago their leave dates were known (the coalition changed then). Seven queries."""
    start = timezone.make_aware(datetime.combine(since, time.min))
    ended = Q(left_on__gte=since, left_on__lt=timezone.localdate())
    findings = Finding.objects.visible_to(user).select_related("nation_a", "nation_b")

    def recorded(model: type[Position] | type[Approval] | type[Milestone], *related: str) -> list[Any]:
        records = model.objects.seen_by(user).filter(recorded_at__gte=start)  # type: ignore[attr-defined]
        return list(records.select_related("nation", "source", *related).order_by("-recorded_at", "-id")[:limit])

    return Changes(
        since=since,
        positions=recorded(Position),
        approvals=recorded(Approval, "algorithm", "parameter_set"),
        milestones=recorded(Milestone),
        statuses=list(
            WorkItemStatus.objects.filter(recorded_at__gte=start)
            .select_related("work_item__body")
            .order_by("-recorded_at", "-id")[:limit]
        ),
        memberships=list(
            Membership.objects.filter(Q(updated_at__gte=start) | ended)
            .select_related("nation", "coalition")
            .order_by("-updated_at", "-id")[:limit]
        ),
        opened=list(findings.filter(first_seen_at__gte=start).order_by("-first_seen_at", "key")[:limit]),
        resolved=list(findings.filter(resolved_at__gte=start).order_by("-resolved_at", "key")[:limit]),
    )


@dataclass
class TimelineRow:
    nation: Nation
    milestones: list[Milestone]


def milestone_timeline(*, user: User, coalition: Coalition, dates: EvaluationDates | None = None) -> list[TimelineRow]:
    """Every member state's milestones in force on ``dates`` (default: the current ones) that the user may
    see, one row per member on that day (as recorded by ``known_at``: from the audit trail). Two queries
    (four with ``known_at``)."""
    dates = dates or EvaluationDates.today()
    if dates.known_at is None:
        nations = list(Nation.objects.member_states(coalition, on=dates.as_of).with_declared(user).order_by("code"))
    else:
        members = [n for n, cs in memberships_on(dates.as_of, dates.known_at).items() if coalition.pk in cs]
        nations = list(
            Nation.objects.filter(kind=NationKind.STATE, id__in=members).with_declared(user).order_by("code")
        )
    by_nation: dict[int, list[Milestone]] = {n.pk: [] for n in nations}
    milestones = list(
        Milestone.objects.seen_by(user).filter(nation_id__in=list(by_nation)).in_force(dates.as_of, dates.known_at)
    )
    for milestone in sorted(milestones, key=lambda m: (m.target_on, m.kind, m.pk)):
        by_nation[milestone.nation_id].append(milestone)
    return [TimelineRow(nation=n, milestones=by_nation[n.pk]) for n in nations]
