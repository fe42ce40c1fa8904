"""People and systems that use pqctrack, their role and what they are cleared to see."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.contrib.auth.models import AbstractUser
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import OuterRef
from django.utils import timezone

from apps.core.models import choices_check


class Role(models.TextChoices):
    LIAISON_OFFICER = "liaison_officer", "Liaison officer"
    STANDARDS_ANALYST = "standards_analyst", "Standards analyst"
    PLANNER = "planner", "Interoperability planner"
    SYSTEM = "system", "External system"
    ADMINISTRATOR = "administrator", "Administrator"


class User(AbstractUser):
    """A user with one role. ``nation`` is the nation whose coalition memberships decide which restricted
    records the user is cleared to see; ``liaison_for`` lists the nations a liaison officer (or an external
    system) may write for."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.PLANNER)
    nation = models.ForeignKey("nations.Nation", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    liaison_for = models.ManyToManyField("nations.Nation", blank=True, related_name="liaison_officers")
    standards_feed = models.BooleanField(
        default=False,
        help_text="An external system that feeds standards work: it may curate the algorithm and standards "
        "catalogues (through a token with the catalogue scope).",
    )

    class Meta:
        constraints = [
            choices_check("role", Role, "user_role_valid"),
            models.CheckConstraint(
                condition=models.Q(standards_feed=False) | models.Q(role=Role.SYSTEM),
                name="user_standards_feed_is_a_system",
                violation_error_message="Only an external system can be a standards feed.",
            ),
        ]

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role == Role.ADMINISTRATOR

    @property
    def may_hold_token(self) -> bool:
        """A token acts as its owner narrowed by its scopes; an owner who sees everything would make it
        bypass releasability, so such an owner's tokens are refused (checked on every request, so a
        promotion takes effect at once)."""
        return self.is_active and not self.sees_everything

    def cleared_coalition_ids(self, day: date | None = None) -> frozenset[int]:
        """Coalitions whose restricted records this user may see: those their nation belongs to on ``day``.
        Cached on the instance, since every read path asks."""
        from apps.nations.models import Membership

        day = day or timezone.localdate()
        cache = self.__dict__.setdefault("_clearance_cache", {})
        if day not in cache:  # a token's lookup may have read it already (``with_clearance``)
            if self.nation_id is None:
                cache[day] = frozenset()
            else:
                cache[day] = frozenset(
                    Membership.objects.as_of(day)
                    .filter(nation_id=self.nation_id)
                    .order_by()  # a set: the default ordering would join the coalition and the nation
                    .values_list("coalition_id", flat=True)
                )
        return cache[day]

    def primed_clearance(self, day: date, coalition_ids: Iterable[int]) -> None:
        """Take ``cleared_coalition_ids(day)`` as read by the query that loaded this user (see
        ``with_clearance``), so the request that authenticated it asks once instead of twice."""
        self.__dict__.setdefault("_clearance_cache", {})[day] = frozenset(coalition_ids)

    def writable_nation_ids(self) -> frozenset[int]:
        """Nations whose positions, approvals and milestones this user may record."""
        cache = self.__dict__.get("_writable_cache")
        if cache is None:
            cache = frozenset(self.liaison_for.values_list("id", flat=True))
            self.__dict__["_writable_cache"] = cache
        return cache


def clearance_subquery(nation: str, day: date) -> ArraySubquery:
    """``User.cleared_coalition_ids(day)`` as a column of a query that reaches the user's nation id by the
    path ``nation``: the same memberships (``Membership.objects.as_of``), read with the user, not after."""
    from apps.nations.models import Membership

    memberships = Membership.objects.as_of(day).filter(nation_id=OuterRef(nation)).order_by()  # a set: no joins
    return ArraySubquery(memberships.values("coalition_id"))


class TokenScope(models.TextChoices):
    READ = "read", "Read"
    WRITE = "write", "Write for the named nations"
    TRIAGE = "triage", "Triage gaps"
    CATALOGUE = "catalogue", "Curate the algorithm and standards catalogues"


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        """Tokens neither revoked nor expired."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ApiToken(models.Model):
    """A credential for an external system. It acts as ``user`` restricted further by ``scopes`` (and, for
    writes, by ``write_nations``); ``catalogue`` writes the global catalogues for an owner who may curate
    them. Only a SHA-256 digest of the secret is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=120)
    prefix = models.CharField(max_length=12, help_text="The secret's first characters, to recognise it.")
    digest = models.CharField(max_length=64, unique=True)
    scopes = ArrayField(models.CharField(max_length=16, choices=TokenScope.choices), default=list)
    write_nations = models.ManyToManyField("nations.Nation", blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scopes__contained_by=TokenScope.values), name="api_token_scopes_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes
