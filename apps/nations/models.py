"""Nations, coalitions and who belonged to which coalition when."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q

from apps.core.dates import DatePrecision, PartialDate, partial
from apps.core.exceptions import InvalidInput
from apps.core.models import TimeStamped, choices_check

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.positions.models import DeclaredQuerySet


class NationKind(models.TextChoices):
    STATE = "state", "State"
    BODY = "body", "Multinational body"


class NationQuerySet(models.QuerySet["Nation"]):
    def coded(self, codes: Iterable[str]) -> list[Nation]:
        """The nations with these codes, one per code in the order given; ``InvalidInput`` names every code
        that matches none."""
        wanted = list(codes)
        found = {nation.code: nation for nation in self.filter(code__in=wanted)}
        missing = [code for code in dict.fromkeys(wanted) if code not in found]
        if missing:
            raise InvalidInput(f"Unknown nation: {', '.join(missing)}.")
        return [found[code] for code in wanted]

    def listed(self, text: str) -> list[Nation]:
        """The nations ``text`` names: codes separated by commas, in any case (as typed in a form or a query)."""
        return self.coded(dict.fromkeys(c.strip().upper() for c in text.split(",") if c.strip()))

    def member_states(self, coalition: Coalition, *, on: date) -> NationQuerySet:
        """The states (not bodies) that were members of ``coalition`` on day ``on``."""
        return self.filter(kind=NationKind.STATE, memberships__in=Membership.objects.of(coalition, on=on))

    def with_declared(self, user: User) -> NationQuerySet:
        """Annotates ``has_declared``: whether ``user`` may see any declaration in force for the nation (a
        position with a stance other than undeclared, an approval or a milestone). One without has said
        nothing, as far as ``user`` may know: a hidden declaration is not revealed by this flag."""
        from apps.positions.models import Approval, Milestone, Position, undeclared_position

        def in_force(declarations: DeclaredQuerySet) -> Q:
            return Q(Exists(declarations.seen_by(user).current().filter(nation=OuterRef("pk"))))

        said = (
            in_force(Position.objects.exclude(undeclared_position()))
            | in_force(Approval.objects.all())
            | in_force(Milestone.objects.all())
        )
        return self.annotate(has_declared=ExpressionWrapper(said, output_field=BooleanField()))

    def said_nothing(self, user: User) -> NationQuerySet:
        """Nations with no declaration in force that ``user`` may see (``with_declared``)."""
        return self.with_declared(user).filter(Q(has_declared=False))


class Nation(TimeStamped):
    """A party that declares positions: a state (ISO 3166-1 alpha-2 code) or a multinational body speaking
    for itself (EU, NATO, G7), which gap rules never treat as a state."""

    code = models.CharField(max_length=8, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=8, choices=NationKind.choices, default=NationKind.STATE)

    objects = NationQuerySet.as_manager()
    #: Set by ``Nation.objects.with_declared(user)`` only.
    has_declared: bool

    class Meta:
        ordering = ["code"]
        constraints = [
            choices_check("kind", NationKind, "nation_kind_valid"),
            models.CheckConstraint(
                condition=~Q(kind="state") | Q(code__regex=r"^[A-Z]{2}$"),
                name="nation_state_code_is_iso_alpha2",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class CoalitionKind(models.TextChoices):
    DEFENCE = "defence", "Defence alliance"
    INTELLIGENCE = "intelligence", "Intelligence alliance"
    SECURITY = "security", "Security partnership"
    POLITICAL = "political", "Political union"
    ECONOMIC = "economic", "Economic forum"


class Coalition(TimeStamped):
    """A named group of nations (NATO, EU, FVEY…). Records may be releasable only to its members."""

    code = models.CharField(max_length=16, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=16, choices=CoalitionKind.choices)
    is_defence = models.BooleanField(default=False, help_text="A common-defence coalition raises gap severity.")
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [choices_check("kind", CoalitionKind, "coalition_kind_valid")]

    def __str__(self) -> str:
        return self.code


class MembershipQuerySet(models.QuerySet["Membership"]):
    def as_of(self, day: date) -> MembershipQuerySet:
        """Memberships certainly in force on ``day``: the whole period the join date names has passed
        (joined "2023" counts from 2023-12-31) and the leave date, the last day of membership, has not begun
        (left "2020-01-31" is still a member that day; left "2020" only until 2020-01-01). A blank join date
        means "member, since when not recorded"; a blank leave date, "still a member". Every read of
        membership on a date (clearance, matrix, timeline, rules, past-date reports) goes through here;
        ``Membership.in_force_on`` is the same test for one row (rows rebuilt from the audit trail)."""
        joined = Q(joined_on__isnull=True)
        left = Q(left_on__isnull=True)
        for precision in DatePrecision.values:
            period = PartialDate(day, precision)
            start, following = period.start, period.end + timedelta(days=1)
            # The join period has ended by ``day``: it began before the first period not yet over.
            not_over = following if period.end == day else start
            joined |= Q(joined_precision=precision, joined_on__lt=not_over)
            # The leave period begins on ``day`` or later.
            left |= Q(left_precision=precision, left_on__gte=day if start == day else following)
        return self.filter(joined & left)

    def of(self, coalition: Coalition, *, on: date) -> MembershipQuerySet:
        """The memberships of ``coalition`` in force on day ``on``: who was a member that day."""
        return self.as_of(on).filter(coalition=coalition)


class Membership(TimeStamped):
    """A nation's membership of a coalition, with the dates it began and (if it did) ended."""

    coalition = models.ForeignKey(Coalition, on_delete=models.PROTECT, related_name="memberships")
    nation = models.ForeignKey(Nation, on_delete=models.PROTECT, related_name="memberships")
    joined_on = models.DateField(null=True, blank=True)
    joined_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)
    left_on = models.DateField(null=True, blank=True, help_text="The last day of membership, where it ended.")
    left_precision = models.CharField(max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["coalition__code", "nation__code"]
        constraints = [
            models.UniqueConstraint(fields=["coalition", "nation"], name="membership_unique"),
            choices_check("joined_precision", DatePrecision, "membership_joined_precision_valid"),
            choices_check("left_precision", DatePrecision, "membership_left_precision_valid"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(joined_on__isnull=True) | Q(left_on__gt=models.F("joined_on")),
                name="membership_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.nation.code} in {self.coalition.code}"

    @property
    def joined(self) -> PartialDate | None:
        return partial(self.joined_on, self.joined_precision)

    @property
    def left(self) -> PartialDate | None:
        return partial(self.left_on, self.left_precision)

    def in_force_on(self, day: date) -> bool:
        """Whether this membership holds on ``day``: the test ``MembershipQuerySet.as_of`` makes in SQL (the
        join period is over by ``day``, the leave period has not begun before it)."""
        joined, left = self.joined, self.left
        return (joined is None or joined.end <= day) and (left is None or day <= left.start)
