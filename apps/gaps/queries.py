"""Read helpers over findings and runs for the API and the UI. Every one applies ``visible_to``. (The
coalition matrix lives with the other reports, in ``apps.reports.queries``.)"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from apps.accounts.models import User
from apps.gaps.engine import compute_gaps
from apps.gaps.models import Finding, FindingQuerySet, GapRun
from apps.gaps.rules import FindingDraft
from apps.nations.models import Nation


def findings_for(user: User, *, nation: Nation | None = None, include_resolved: bool = False) -> FindingQuerySet:
    """The findings ``user`` may see, optionally those naming ``nation`` on either side."""
    findings = Finding.objects.visible_to(user)
    if not include_resolved:
        findings = findings.active()
    if nation is not None:
        findings = findings.filter(Q(nation_a=nation) | Q(nation_b=nation))
    return findings.select_related("nation_a", "nation_b", "protocol")


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
