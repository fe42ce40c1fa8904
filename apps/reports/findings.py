"""Read models for finding lists, pages and exports. Every function scopes to the user itself."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.utils import timezone

from apps.accounts.models import User
from apps.gaps.evaluation import EvaluatedFinding, EvaluationDates, evaluate_gaps
from apps.gaps.models import SEVERITY_RANK, Finding
from apps.nations.models import Coalition

#: Sort keys a list may be ordered by, mapped onto ORM orderings (the first is the default).
SORTS: dict[str, tuple[str, ...]] = {
    "severity": ("-severity_rank", "-score", "key"),
    "years_left": ("years_left", "-severity_rank", "key"),
    "rule": ("rule", "-severity_rank", "key"),
    "updated": ("-updated_at", "key"),
    "first_seen": ("-first_seen_at", "key"),
}


@dataclass(frozen=True)
class FindingFilters:
    """What a findings list (or its export) is narrowed to. Blank values do not filter."""

    coalition: Coalition | None = None
    nation_code: str = ""
    other_code: str = ""
    rule: str = ""
    severity: str = ""
    status: str = ""
    protocol_code: str = ""
    sort: str = "severity"


def _severity_rank() -> Case:
    return Case(
        *(When(severity=severity, then=Value(rank)) for severity, rank in SEVERITY_RANK.items()),
        output_field=IntegerField(),
    )


def finding_list(*, user: User, filters: FindingFilters) -> QuerySet[Finding]:
    """The findings ``user`` may see, narrowed by ``filters`` and sorted. ``nation_code`` alone matches
    either side of a pair; with ``other_code`` it matches exactly that pair, in either order."""
    findings = Finding.objects.visible_to(user).select_related("nation_a", "nation_b", "protocol", "coalition")
    if filters.coalition is not None:
        findings = findings.among_members(filters.coalition, on=timezone.localdate())
    if filters.nation_code and filters.other_code:
        findings = findings.between(filters.nation_code, filters.other_code)
    elif filters.nation_code:
        findings = findings.involving(filters.nation_code)
    if filters.rule:
        findings = findings.filter(rule=filters.rule)
    if filters.severity:
        findings = findings.filter(severity=filters.severity)
    if filters.status:
        findings = findings.filter(status=filters.status)
    if filters.protocol_code:
        findings = findings.filter(protocol__code=filters.protocol_code)
    ordering = SORTS.get(filters.sort, SORTS["severity"])
    return findings.annotate(severity_rank=_severity_rank()).order_by(*ordering)


def _matches(gap: EvaluatedFinding, filters: FindingFilters) -> bool:
    codes = {n.code for n in (gap.nation_a, gap.nation_b) if n is not None}
    if filters.nation_code and filters.nation_code not in codes:
        return False
    if filters.other_code and (filters.other_code not in codes or len(codes) < 2):
        return False
    return (
        (not filters.rule or gap.rule == filters.rule)
        and (not filters.severity or gap.severity == filters.severity)
        and (not filters.protocol_code or (gap.protocol is not None and gap.protocol.code == filters.protocol_code))
    )


#: How an evaluated list sorts; "updated" and "first seen" belong to stored findings and fall back to severity.
EVALUATED_SORTS = {
    "years_left": lambda g: (g.years_left, -g.severity_rank, g.key),
    "rule": lambda g: (g.rule, -g.severity_rank, g.key),
}


def evaluated_finding_list(*, user: User, filters: FindingFilters, dates: EvaluationDates) -> list[EvaluatedFinding]:
    """The gaps on ``dates`` (evaluated, not stored) that ``user`` may see, narrowed by ``filters`` as
    ``finding_list`` narrows stored ones. ``status`` does not apply: triage belongs to today's findings."""
    evaluation = evaluate_gaps(user=user, dates=dates, coalition=filters.coalition)
    gaps = [g for g in evaluation.findings if _matches(g, filters)]
    sort = EVALUATED_SORTS.get(filters.sort)
    return sorted(gaps, key=sort) if sort else gaps


def finding_for(*, user: User, pk: int) -> Finding | None:
    """One finding, or None when it does not exist or ``user`` may not see every record behind it."""
    return (
        Finding.objects.visible_to(user)
        .select_related("nation_a", "nation_b", "protocol", "coalition")
        .filter(pk=pk)
        .first()
    )


def open_findings_for_nation(*, user: User, nation_id: int) -> QuerySet[Finding]:
    """The outstanding findings involving one nation, worst first."""
    return (
        Finding.objects.visible_to(user)
        .outstanding()
        .involving(nation_id)
        .select_related("nation_a", "nation_b", "protocol")
        .annotate(severity_rank=_severity_rank())
        .order_by("-severity_rank", "-score", "key")
    )
