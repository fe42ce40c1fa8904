"""What each nation has declared: its stance, its algorithm approvals and its dated milestones.

Declarations are never overwritten. A new one supersedes the one in force (``superseded_at`` and
``superseded_by`` are set on the old row, in the same transaction), so the history is the table itself and
"what did Germany say in 2023" is one query (``as_of``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, ClassVar, Self, cast

from django.conf import settings
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.db.models.lookups import IsNull
from django.utils import timezone

from apps.accounts.releasability import Releasable, ReleasableQuerySet
from apps.core.dates import DatePrecision, PartialDate, partial
from apps.core.models import choices_check
from apps.sources.reverification import (
    CONFIRMATION_COLUMNS,
    Reverification,
    due_for_reverification,
    last_confirmed_stored,
)

if TYPE_CHECKING:
    from apps.accounts.models import User


class Scope(models.TextChoices):
    ALL = "all", "All systems"
    NATIONAL_SECURITY_SYSTEMS = "national_security_systems", "National security systems"
    GOVERNMENT = "government", "Government"
    CRITICAL_INFRASTRUCTURE = "critical_infrastructure", "Critical infrastructure"


class PqcStance(models.TextChoices):
    ADOPT_MANDATED = "adopt_mandated", "Adoption mandated"
    ADOPT_RECOMMENDED = "adopt_recommended", "Adoption recommended"
    EVALUATING = "evaluating", "Evaluating"
    OWN_ALGORITHMS = "own_algorithms", "Own algorithms"
    UNDECLARED = "undeclared", "Undeclared"


class QkdStance(models.TextChoices):
    REJECTS = "rejects", "Rejects"
    NOT_RECOMMENDED = "not_recommended", "Not recommended"
    RESEARCH = "research", "Research only"
    DEPLOYING = "deploying", "Deploying"
    PROMOTES = "promotes", "Promotes"
    UNDECLARED = "undeclared", "Undeclared"


class HybridPolicy(models.TextChoices):
    REQUIRED = "required", "Required"
    RECOMMENDED = "recommended", "Recommended"
    OPTIONAL = "optional", "Optional"
    DISCOURAGED = "discouraged", "Discouraged"
    FORBIDDEN = "forbidden", "Forbidden (pure PQC only)"
    UNDECLARED = "undeclared", "Undeclared"


class ApprovalStatus(models.TextChoices):
    MANDATED = "mandated", "Mandated"
    PREFERRED = "preferred", "Preferred"
    APPROVED = "approved", "Approved"
    TOLERATED = "tolerated", "Tolerated for transition"
    DEPRECATED = "deprecated", "Deprecated"
    DISALLOWED = "disallowed", "Disallowed"


class MilestoneKind(models.TextChoices):
    INVENTORY = "inventory", "Inventory done"
    PLAN = "plan", "Migration plan"
    START_MIGRATION = "start_migration", "Start of migration"
    PRIORITY_SYSTEMS_DONE = "priority_systems_done", "Priority systems migrated"
    COMPLETE = "complete", "Migration complete"
    DEPRECATE_CLASSICAL = "deprecate_classical", "Classical deprecated"
    DISALLOW_CLASSICAL = "disallow_classical", "Classical disallowed"
    PREFER_PQC = "prefer_pqc", "PQC preferred"
    EXCLUSIVE_PQC = "exclusive_pqc", "PQC exclusive"


#: What identifies "the same thing declared again", per model: declaring it again supersedes the one in force.
POSITION_IDENTITY = ("nation", "scope")
APPROVAL_IDENTITY = ("nation", "algorithm", "parameter_set", "scope")
MILESTONE_IDENTITY = ("nation", "kind", "scope", "title")


def one_in_force(identity: tuple[str, ...], name: str, **options: Any) -> models.UniqueConstraint:
    """At most one declaration in force per identity, enforced by PostgreSQL (a partial unique index)."""
    return models.UniqueConstraint(fields=list(identity), condition=Q(superseded_at__isnull=True), name=name, **options)


#: The annotation ``seen_by`` adds: when the record was superseded as its reader may know it.
SEEN_SUPERSEDED_AT = "superseded_seen_at"


class DeclaredQuerySet(ReleasableQuerySet):
    def seen_by(self, user: User) -> Self:
        """The declarations ``user`` may see, each superseded only as far as ``user`` may know: a record
        superseded by one they may not see looks in force to them, until a successor they may see comes
        (then it was superseded when that one arrived). ``current()``, ``current_at()``, ``in_force()``,
        ``is_current`` and the ETag follow this view, so a hidden successor changes nothing the reader can
        observe.

        The chain is followed in recording order within the identity: among the record itself and its later
        namesakes, the first whose successor the reader may see (or the record itself, withdrawn) says when."""
        visible = self.visible_to(user)
        if user.sees_everything:
            return visible.annotate(**{SEEN_SUPERSEDED_AT: models.F("superseded_at")})
        cleared = list(user.cleared_coalition_ids())
        successor_seen = Q(superseded_by__isnull=False) & (
            Q(superseded_by__releasability__isnull=True) | Q(superseded_by__releasability__in=cleared)
        )
        itself = Q(pk=OuterRef("pk"))
        namesake = Q(recorded_at__gt=OuterRef("recorded_at"))
        for name, column in zip(self.model.identity, self.model.identity_columns(), strict=True):
            same = Q(**{column: OuterRef(column)})
            if self.model._meta.get_field(name).null:
                # NULL is a value of the identity (an approval of a whole algorithm), as in its unique
                # constraint; a column that cannot be NULL needs no such case.
                same |= Q(**{f"{column}__isnull": True}) & Q(IsNull(OuterRef(column), True))
            namesake &= same
        ends = self.model._default_manager.filter(
            (itself & Q(superseded_by__isnull=True)) | ((itself | namesake) & successor_seen),
            superseded_at__isnull=False,
        )
        first_end = ends.order_by("recorded_at", "pk").values("superseded_at")[:1]
        return visible.annotate(**{SEEN_SUPERSEDED_AT: Subquery(first_end)})

    def due_for_reverification(self, day: date, *, due: bool = True) -> Self:
        """Those of these declarations that are (``due``) or are not due for re-verification on ``day``
        (``Declared.reverification``). The sources' dates are read first (one query) and the one function
        decides; the answer keeps only the records it chose, so call it after ``current()`` or ``as_of()``."""
        after = settings.PQCTRACK_REVERIFY_AFTER_DAYS
        chosen = [
            pk
            for pk, *columns in self.values_list("pk", *CONFIRMATION_COLUMNS, "source__verified")
            if due_for_reverification(last_confirmed_stored(*columns, day=day), day, after) == due
        ]
        return self.filter(pk__in=chosen)

    def _superseded_at(self) -> str:
        """The column saying when a record was superseded: as its reader knows it after ``seen_by``."""
        return SEEN_SUPERSEDED_AT if SEEN_SUPERSEDED_AT in self.query.annotations else "superseded_at"

    def current(self) -> Self:
        return self.filter(**{f"{self._superseded_at()}__isnull": True})

    def recorded_by(self, moment: datetime) -> Self:
        """The declarations the tracker had recorded by ``moment`` ("as known then")."""
        return self.filter(recorded_at__lte=moment)

    def current_at(self, moment: datetime) -> Self:
        """What ``current()`` answered at ``moment``: recorded by then and not yet superseded then."""
        column = self._superseded_at()
        return self.recorded_by(moment).filter(Q(**{f"{column}__isnull": True}) | Q(**{f"{column}__gt": moment}))

    def in_force(self, day: date, known_at: datetime | None = None) -> Self:
        """What was in force on ``day`` as recorded by ``known_at`` (None: everything recorded). On or after
        the reference day (``known_at``'s, or today) that is what was current then, in recording order; before
        it, ``as_of(day)`` among what had been recorded."""
        reference = timezone.localdate(known_at) if known_at is not None else timezone.localdate()
        if day < reference:
            return (self.recorded_by(known_at) if known_at is not None else self).as_of(day)
        return self.current_at(known_at) if known_at is not None else self.current()

    def as_of(self, day: date) -> Self:
        """The declarations in force on ``day``: per identity, the newest declared on or before it. One query
        (PostgreSQL DISTINCT ON).

        An undated declaration counts as in force on any day, but a dated one beats it: for a past day,
        dated evidence is the better answer. For today, use ``current()``, which follows the order the
        declarations were recorded in (the gap engine does)."""
        columns = self.model.identity_columns()
        return (
            self.filter(Q(declared_on__lte=day) | Q(declared_on__isnull=True))
            .order_by(*columns, models.F("declared_on").desc(nulls_last=True), "-recorded_at", "-id")
            .distinct(*columns)
        )


class Declared(Releasable):
    """Common shape of a national declaration: who, for what scope, from which source, when declared and
    recorded, and what superseded it."""

    #: The fields that identify "the same thing declared again" (one of the ``*_IDENTITY`` tuples above).
    identity: ClassVar[tuple[str, ...]] = ()
    #: Set by the read models that show it (``nation_dossier``): this claim's re-verification on the day shown.
    shown_reverification: Reverification | None = None

    nation = models.ForeignKey("nations.Nation", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=32, choices=Scope.choices, default=Scope.ALL)
    source = models.ForeignKey("sources.Source", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    declared_on = models.DateField(null=True, blank=True, help_text="When the source declared it; blank if undated.")
    declared_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        abstract = True

    @property
    def declared(self) -> PartialDate | None:
        return partial(self.declared_on, self.declared_precision)

    @property
    def superseded_as_seen(self) -> datetime | None:
        """When this record was superseded, as the reader it was loaded for (``seen_by``) may know it."""
        seen: datetime | None = getattr(self, SEEN_SUPERSEDED_AT, self.superseded_at)
        return seen

    @property
    def is_current(self) -> bool:
        return self.superseded_as_seen is None

    def reverification(self, day: date) -> Reverification:
        """When this claim was last confirmed as known on ``day``, and whether it is due for re-verification
        then (``apps.sources.reverification``; a claim without a source never was). Reads ``source``."""
        last = self.source.last_confirmed(day) if self.source is not None else None
        return Reverification(last, due_for_reverification(last, day, settings.PQCTRACK_REVERIFY_AFTER_DAYS))

    @classmethod
    def identity_columns(cls) -> list[str]:
        """The identity as columns (``nation_id``, not ``nation``): ordering or keying by a relation would
        join it or fetch it."""
        return [cast("models.Field[Any, Any]", cls._meta.get_field(name)).attname for name in cls.identity]

    def identity_values(self) -> dict[str, Any]:
        """This declaration's identity, as the keyword arguments its service takes."""
        return {name: getattr(self, name) for name in self.identity}


UNDECLARED_STANCES = (PqcStance.UNDECLARED, QkdStance.UNDECLARED, HybridPolicy.UNDECLARED)


def undeclared_position() -> Q:
    """A position that says nothing: every stance ``undeclared``."""
    return Q(**dict(zip(("pqc_stance", "qkd_stance", "hybrid_policy"), UNDECLARED_STANCES, strict=True)))


class Position(Declared):
    """A nation's declared stance on PQC, QKD and hybrid use for one scope. ``undeclared`` is a real value:
    the ally has said nothing."""

    pqc_stance = models.CharField(max_length=20, choices=PqcStance.choices, default=PqcStance.UNDECLARED)
    qkd_stance = models.CharField(max_length=20, choices=QkdStance.choices, default=QkdStance.UNDECLARED)
    hybrid_policy = models.CharField(max_length=20, choices=HybridPolicy.choices, default=HybridPolicy.UNDECLARED)
    algorithms_named = models.TextField(blank=True, help_text="The algorithms as the source names them.")

    identity = POSITION_IDENTITY
    objects = DeclaredQuerySet.as_manager()

    class Meta:
        ordering = ["nation__code", "scope", "-declared_on", "-recorded_at"]
        indexes = [models.Index(fields=["nation", "scope", "declared_on"], name="position_as_of_idx")]
        constraints = [
            one_in_force(POSITION_IDENTITY, "position_one_current"),
            choices_check("scope", Scope, "position_scope_valid"),
            choices_check("pqc_stance", PqcStance, "position_pqc_stance_valid"),
            choices_check("qkd_stance", QkdStance, "position_qkd_stance_valid"),
            choices_check("hybrid_policy", HybridPolicy, "position_hybrid_policy_valid"),
            choices_check("declared_precision", DatePrecision, "position_declared_precision_valid"),
            models.CheckConstraint(
                condition=Q(superseded_by__isnull=True) | Q(superseded_at__isnull=False),
                name="position_superseded_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nation_id} position ({self.scope}, {self.declared or 'undated'})"

    @property
    def says_nothing(self) -> bool:
        """Every stance undeclared (``undeclared_position`` in the database)."""
        return (self.pqc_stance, self.qkd_stance, self.hybrid_policy) == UNDECLARED_STANCES


class Approval(Declared):
    """A nation's stance on one algorithm (all its parameter sets) or on one parameter set, for a scope."""

    algorithm = models.ForeignKey("algorithms.Algorithm", on_delete=models.PROTECT, related_name="approvals")
    parameter_set = models.ForeignKey(
        "algorithms.ParameterSet", on_delete=models.PROTECT, null=True, blank=True, related_name="approvals"
    )
    status = models.CharField(max_length=12, choices=ApprovalStatus.choices)
    until = models.DateField(null=True, blank=True, help_text="Last day the status holds, if the source says.")

    identity = APPROVAL_IDENTITY
    objects = DeclaredQuerySet.as_manager()

    class Meta:
        ordering = ["nation__code", "scope", "algorithm__name", "parameter_set__name"]
        constraints = [
            one_in_force(APPROVAL_IDENTITY, "approval_one_current", nulls_distinct=False),
            choices_check("scope", Scope, "approval_scope_valid"),
            choices_check("status", ApprovalStatus, "approval_status_valid"),
            choices_check("declared_precision", DatePrecision, "approval_declared_precision_valid"),
        ]

    def __str__(self) -> str:
        subject = self.parameter_set.name if self.parameter_set else self.algorithm.name
        return f"{subject}: {self.status}"


class Milestone(Declared):
    """A dated national target (plan, priority systems migrated, classical disallowed…). ``scope`` is the
    normalised class the gap rules use; ``scope_text`` keeps the source's own wording."""

    kind = models.CharField(max_length=24, choices=MilestoneKind.choices)
    title = models.CharField(max_length=300)
    target_on = models.DateField()
    target_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    scope_text = models.CharField(max_length=300, blank=True)

    identity = MILESTONE_IDENTITY
    objects = DeclaredQuerySet.as_manager()

    class Meta:
        ordering = ["nation__code", "target_on", "kind"]
        constraints = [
            one_in_force(MILESTONE_IDENTITY, "milestone_one_current"),
            choices_check("scope", Scope, "milestone_scope_valid"),
            choices_check("kind", MilestoneKind, "milestone_kind_valid"),
            choices_check("target_precision", DatePrecision, "milestone_target_precision_valid"),
            choices_check("declared_precision", DatePrecision, "milestone_declared_precision_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.target})"

    @property
    def target(self) -> PartialDate:
        return PartialDate(self.target_on, self.target_precision)
