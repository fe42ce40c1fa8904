"""Read helpers over findings and runs for the API and the UI. Every one applies ``visible_to``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from apps.accounts.models import User
from apps.gaps.engine import compute_gaps
from apps.gaps.models import SEVERITY_RANK, Finding, FindingQuerySet, GapRun, Severity
from apps.gaps.rules import FindingDraft
from apps.nations.models import Coalition, Membership, Nation


def findings_for(user: User, *, nation: Nation | None = None, include_resolved: bool = False) -> FindingQuerySet:
    """The findings ``user`` may see, optionally those naming ``nation`` on either side."""
    findings = Finding.objects.visible_to(user)
    if not include_resolved:
        findings = findings.active()
    if nation is not None:
        findings = findings.filter(Q(nation_a=nation) | Q(nation_b=nation))
    return findings.select_related("nation_a", "nation_b", "protocol")


def coalition_matrix(user: User, coalition: Coalition, day: date | None = None) -> dict[tuple[str, str], str]:
    """Worst active severity per pair of ``coalition`` members (codes in alphabetical order), for the
    findings ``user`` may see. Pairs without a gap are absent. Two queries."""
    members = Membership.objects.as_of(day) if day else Membership.objects.all()
    member_ids = set(members.filter(coalition=coalition).values_list("nation_id", flat=True))
    rows = (
        findings_for(user)
        .filter(nation_a_id__in=member_ids, nation_b_id__in=member_ids)
        .values_list("nation_a__code", "nation_b__code", "severity")
    )
    matrix: dict[tuple[str, str], str] = {}
    for a, b, severity in rows:
        pair = (min(a, b), max(a, b))
        if pair not in matrix or SEVERITY_RANK[Severity(severity)] > SEVERITY_RANK[Severity(matrix[pair])]:
            matrix[pair] = severity
    return matrix


def gaps_as_of(user: User, day: date, nation_ids: Iterable[int] | None = None) -> list[FindingDraft]:
    """The gaps as they stood on ``day`` (computed, not stored), limited to what ``user`` is cleared for:
    "gaps as they stood on 2025-06-01"."""
    drafts = compute_gaps(as_of=day, nation_ids=nation_ids)
    if user.sees_everything:
        return drafts
    cleared = user.cleared_coalition_ids()
    return [d for d in drafts if set(d.required_clearances) <= cleared]


def latest_runs(limit: int = 20) -> list[GapRun]:
    """The most recent runs, newest first (for progress polling and the run history)."""
    return list(GapRun.objects.order_by("-created_at", "-id")[:limit])
