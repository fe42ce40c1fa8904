"""People and systems that use pqctrack, their role and what they are cleared to see."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import models
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

    class Meta:
        constraints = [choices_check("role", Role, "user_role_valid")]

    @property
    def sees_everything(self) -> bool:
        return self.is_superuser or self.role == Role.ADMINISTRATOR

    def cleared_coalition_ids(self, day: date | None = None) -> frozenset[int]:
        """Coalitions whose restricted records this user may see: those their nation belongs to on ``day``.
        Cached on the instance, since every read path asks."""
        from apps.nations.models import Membership

        day = day or timezone.localdate()
        cache = self.__dict__.setdefault("_clearance_cache", {})
        if day not in cache:
            if self.nation_id is None:
                cache[day] = frozenset()
            else:
                cache[day] = frozenset(
                    Membership.objects.as_of(day)
                    .filter(nation_id=self.nation_id)
                    .values_list("coalition_id", flat=True)
                )
        return cache[day]

    def writable_nation_ids(self) -> frozenset[int]:
        """Nations whose positions, approvals and milestones this user may record."""
        cache = self.__dict__.get("_writable_cache")
        if cache is None:
            cache = frozenset(self.liaison_for.values_list("id", flat=True))
            self.__dict__["_writable_cache"] = cache
        return cache
