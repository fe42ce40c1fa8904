"""Interoperability gaps (findings), their lifecycle, and the runs that compute them."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Self

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from apps.core.models import TimeStamped, choices_check
from apps.nations.models import Coalition, Membership, Nation
from apps.sources.models import evidence_basis, evidence_unconfirmed

if TYPE_CHECKING:
    from apps.accounts.models import User

#: A nation as callers hold it: the row, its id, or its code (a code that names no nation matches nothing).
NationRef = Nation | int | str


class Rule(models.TextChoices):
    QKD_DIVERGENCE = "qkd_divergence", "QKD/PQC divergence"
    NO_COMMON_KEM = "no_common_kem", "No common KEM"
    NO_COMMON_SIGNATURE = "no_common_signature", "No common signature"
    HYBRID_CONFLICT = "hybrid_conflict", "Hybrid conflict"
    TRANSITION_WINDOW = "transition_window", "Transition window"
    STANDARD_NOT_READY = "standard_not_ready", "Standard not ready"
    UNDECLARED_STANCE = "undeclared_stance", "Undeclared stance"
    DEADLINE_RISK = "deadline_risk", "Deadline risk"
    STALE_POSITION = "stale_position", "Stale or unsourced position"
    NO_COMMON_MECHANISM = "no_common_mechanism", "No common mechanism"


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"
    INFO = "info", "Info"


SEVERITY_RANK: dict[str, int] = {
    Severity.INFO: 0,
    Severity.LOW: 1,
    Severity.MEDIUM: 2,
    Severity.HIGH: 3,
    Severity.CRITICAL: 4,
}


class FindingStatus(models.TextChoices):
    OPEN = "open", "Open"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    WAIVED = "waived", "Waived"
    RESOLVED = "resolved", "Resolved"


def cleared_for(user: User) -> Q:
    """Rows whose ``required_clearances`` ``user`` holds (callers skip it for those who see everything)."""
    # "= '{}' OR <@" means the same as "<@" alone, but PostgreSQL has no statistics to estimate "<@" by
    # and guesses 0.5 % of rows: it then joins and sorts the whole table before a LIMIT. The equality
    # is estimated from real statistics, so a page of findings stays an index scan.
    return Q(required_clearances=[]) | Q(required_clearances__contained_by=sorted(user.cleared_coalition_ids()))


#: A finding's field list, written once: what it is about (the rule and its subjects), what the rule computed
#: about it, and where it stands in its lifecycle. The engine writes the first two, the admin shows all three
#: read-only, and the API publishes them (less what only the engine and the scoping read).
FINDING_SUBJECT_FIELDS = ("rule", "nation_a", "nation_b", "coalition", "protocol")
FINDING_CONTENT_FIELDS = (
    "object",
    "severity",
    "score",
    "years_left",
    "shared_coalitions",
    "title",
    "explanation",
    "evidence",
)
#: Computed like the content, but for the engine and the scoping only (who may see it, whether it changed).
FINDING_INTERNAL_FIELDS = ("required_clearances", "fingerprint")
FINDING_LIFECYCLE_FIELDS = (
    "status",
    "triage_reason",
    "waiver_expires_on",
    "first_seen_at",
    "last_seen_at",
    "resolved_at",
)


class FindingQuerySet(models.QuerySet["Finding"]):
    def visible_to(self, user: User) -> Self:
        """Findings every evidence record of which ``user`` may see (``required_clearances`` lists the
        coalitions of the restricted records behind it)."""
        return self if user.sees_everything else self.filter(cleared_for(user))

    def unresolved(self) -> Self:
        """Findings whose gap still exists: open, acknowledged or waived (a waiver accepts a gap for a
        while; it does not make it go away). The one meaning of "unresolved" everywhere."""
        return self.exclude(status=FindingStatus.RESOLVED)

    def outstanding(self) -> Self:
        """Unresolved findings no planner has waived: what the matrix and a nation's page count."""
        return self.unresolved().exclude(status=FindingStatus.WAIVED)

    def involving(self, nation: NationRef) -> Self:
        """Findings naming ``nation`` on either side (or as the one nation of a single-nation finding)."""
        return self.filter(_side("nation_a", nation) | _side("nation_b", nation))

    def between(self, a: NationRef, b: NationRef) -> Self:
        """Findings of exactly the pair ``a``-``b``, in either order."""
        return self.filter(
            (_side("nation_a", a) & _side("nation_b", b)) | (_side("nation_a", b) & _side("nation_b", a))
        )

    def among_members(self, coalition: Coalition, *, on: date) -> Self:
        """Findings among the members of ``coalition`` on day ``on``: pairs of two members, and findings
        about one member alone. (Rules never set ``Finding.coalition``; membership is what a coalition
        filter means.)"""
        members = Membership.objects.of(coalition, on=on).values("nation_id")
        return self.filter(Q(nation_a_id__in=members) & (Q(nation_b__isnull=True) | Q(nation_b_id__in=members)))


def _side(field: str, nation: NationRef) -> Q:
    if isinstance(nation, str):
        return Q(**{f"{field}__code": nation})
    return Q(**{f"{field}_id": nation.pk if isinstance(nation, Nation) else nation})


class Finding(TimeStamped):
    """A computed interoperability problem. ``key`` (rule + subjects + object) is its stable identity, so a
    recompute updates it instead of duplicating it, and triage survives recomputes."""

    key = models.CharField(max_length=200, unique=True)
    rule = models.CharField(max_length=24, choices=Rule.choices)
    nation_a = models.ForeignKey("nations.Nation", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    nation_b = models.ForeignKey("nations.Nation", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    coalition = models.ForeignKey(
        "nations.Coalition", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    protocol = models.ForeignKey(
        "standards.Protocol", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object = models.CharField(max_length=120, blank=True, help_text="What is missing or in conflict.")
    severity = models.CharField(max_length=8, choices=Severity.choices)
    score = models.PositiveSmallIntegerField(default=0, help_text="0-100; orders findings within a severity.")
    years_left = models.DecimalField(max_digits=5, decimal_places=1, help_text="Years from evaluation to 2035-12-31.")
    shared_coalitions = ArrayField(models.CharField(max_length=16), default=list, blank=True)
    title = models.CharField(max_length=300)
    explanation = models.TextField()
    evidence = models.JSONField(default=list, help_text='[{"model": "positions.position", "id": 1, "label": "…"}]')
    required_clearances = ArrayField(models.BigIntegerField(), default=list, blank=True)
    fingerprint = models.CharField(max_length=64, help_text="Hash of the computed content; changes mean 'updated'.")
    status = models.CharField(max_length=12, choices=FindingStatus.choices, default=FindingStatus.OPEN)
    triage_reason = models.TextField(blank=True)
    triage_clearances = ArrayField(
        models.BigIntegerField(),
        default=list,
        blank=True,
        help_text="The finding's clearances when the triage reason was written.",
    )
    waiver_expires_on = models.DateField(null=True, blank=True)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "key"]
        indexes = [
            models.Index(fields=["rule", "status"], name="finding_rule_status_idx"),
            models.Index(fields=["nation_a", "nation_b"], name="finding_pair_idx"),
            models.Index(fields=["updated_at"], name="finding_updated_idx"),
            # An incremental recompute reads the findings of a nation on either side of a pair.
            models.Index(fields=["nation_b"], name="finding_nation_b_idx"),
            # Every run looks for waivers that have lapsed.
            models.Index(fields=["waiver_expires_on"], condition=Q(status="waived"), name="finding_waiver_lapse_idx"),
        ]
        constraints = [
            choices_check("rule", Rule, "finding_rule_valid"),
            choices_check("severity", Severity, "finding_severity_valid"),
            choices_check("status", FindingStatus, "finding_status_valid"),
            models.CheckConstraint(condition=Q(score__lte=100), name="finding_score_0_100"),
            models.CheckConstraint(
                condition=~Q(status="waived") | (Q(waiver_expires_on__isnull=False) & ~Q(triage_reason="")),
                name="finding_waiver_has_reason_and_expiry",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def rests_on(self) -> str:
        """The best source among the records it rests on (``evidence_basis``)."""
        return evidence_basis(self.evidence)

    @property
    def unconfirmed(self) -> bool:
        return evidence_unconfirmed(self.evidence)


class FindingEventKind(models.TextChoices):
    OPENED = "opened", "Opened"
    UPDATED = "updated", "Updated"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    WAIVED = "waived", "Waived"
    WAIVER_LAPSED = "waiver_lapsed", "Waiver lapsed"
    RESOLVED = "resolved", "Resolved"
    REOPENED = "reopened", "Reopened"


class FindingEventQuerySet(models.QuerySet["FindingEvent"]):
    def visible_to(self, user: User) -> Self:
        """Events written under clearances ``user`` holds: a note or change recorded while the finding was
        restricted stays restricted after the finding's own clearance loosens."""
        return self if user.sees_everything else self.filter(cleared_for(user))


class FindingEvent(models.Model):
    """One step in a finding's lifecycle: who (or which run), when, why, and what changed, with the
    clearances that applied when it was written (the union of before and after for a change)."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=FindingEventKind.choices)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    run = models.ForeignKey("gaps.GapRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    reason = models.TextField(blank=True)
    changes = models.JSONField(default=dict, blank=True)
    required_clearances = ArrayField(models.BigIntegerField(), default=list, blank=True)

    objects = FindingEventQuerySet.as_manager()

    class Meta:
        ordering = ["finding_id", "at", "id"]
        constraints = [choices_check("kind", FindingEventKind, "finding_event_kind_valid")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class RunTrigger(models.TextChoices):
    CHANGE = "change", "Data changed"
    SWEEP = "sweep", "Periodic sweep"
    MANUAL = "manual", "Recompute now"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    WAITING = "waiting", "Waiting for the task queue"
    RUNNING = "running", "Running"
    SUCCEEDED = "succeeded", "Succeeded"
    FAILED = "failed", "Failed"


class GapRunQuerySet(models.QuerySet["GapRun"]):
    def with_counts_seen_by(self, user: User) -> Self:
        """Each run's findings opened, updated and resolved (``seen_opened`` …) counting only the findings
        ``user`` may see: the stored totals would reveal how many hidden findings a run touched."""
        if user.sees_everything:
            return self.annotate(
                seen_opened=F("findings_opened"),
                seen_updated=F("findings_updated"),
                seen_resolved=F("findings_resolved"),
            )
        events = FindingEvent.objects.visible_to(user).filter(run=OuterRef("pk")).order_by()

        def count(*kinds: str) -> Coalesce:
            counted = events.filter(kind__in=kinds).values("run").annotate(n=Count("pk")).values("n")
            return Coalesce(Subquery(counted), 0)

        return self.annotate(
            seen_opened=count(FindingEventKind.OPENED, FindingEventKind.REOPENED),
            seen_updated=count(FindingEventKind.UPDATED),
            seen_resolved=count(FindingEventKind.RESOLVED),
        )


#: A run as its requester follows it, written once: the admin lists these columns and the API publishes them.
GAP_RUN_FIELDS = (
    "id",
    "trigger",
    "status",
    "created_at",
    "started_at",
    "finished_at",
    "progress_done",
    "progress_total",
    "nations_evaluated",
    "pairs_evaluated",
    "findings_opened",
    "findings_updated",
    "findings_resolved",
)


class GapRun(models.Model):
    """One evaluation of the gap rules: what triggered it, its progress while running, what it found."""

    trigger = models.CharField(max_length=8, choices=RunTrigger.choices)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    requested_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    nation_ids = ArrayField(models.BigIntegerField(), default=list, blank=True, help_text="Empty: every nation.")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    nations_evaluated = models.PositiveIntegerField(default=0)
    pairs_evaluated = models.PositiveIntegerField(default=0)
    findings_opened = models.PositiveIntegerField(default=0)
    findings_updated = models.PositiveIntegerField(default=0)
    findings_resolved = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    objects = GapRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            choices_check("trigger", RunTrigger, "gap_run_trigger_valid"),
            choices_check("status", RunStatus, "gap_run_status_valid"),
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} ({self.trigger}, {self.status})"

    @property
    def notice(self) -> str:
        """What the requester should know about a run that cannot start yet (empty otherwise)."""
        if self.status == RunStatus.WAITING:
            return (
                "The task queue cannot be reached right now. This recompute is kept and starts by itself "
                "as soon as the queue is back; nothing needs to be done again."
            )
        return ""


class RecomputeRequest(models.Model):
    """A durable request to recompute the gaps of a nation (or of every nation, ``nation`` blank).

    Written in the same transaction as the change that caused it, so a change is never without its
    recompute even when the broker is down: the data, not the message, is the truth. A periodic task drains
    the table."""

    nation = models.ForeignKey("nations.Nation", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=200, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"Recompute {self.nation_id or 'all'} ({self.reason})"
