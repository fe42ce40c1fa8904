"""Releasability: one place that decides which national records a user may see.

A record is public (``releasability`` blank) or releasable only to the members of one coalition. Every
read path goes through ``visible_to``; anything derived from records (a gap, a report cell, an export
line) is visible only to users who may see every record behind it (see ``apps.gaps``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from apps.accounts.models import User


class ReleasableQuerySet(models.QuerySet[Any]):
    def visible_to(self, user: User) -> Self:
        """Records ``user`` is cleared to see: public ones and those releasable to a coalition their nation
        belongs to today."""
        if user.sees_everything:
            return self
        return self.filter(Q(releasability__isnull=True) | Q(releasability_id__in=user.cleared_coalition_ids()))


def may_see_releasability(user: User, coalition_id: int | None) -> bool:
    """The same rule as ``visible_to``, for one record already in memory."""
    return coalition_id is None or user.sees_everything or coalition_id in user.cleared_coalition_ids()


def may_see_derived(user: User | None, required_clearances: Iterable[int]) -> bool:
    """The same rule as ``FindingQuerySet.visible_to``, for a row derived from records (a computed gap)
    already in memory: ``user`` may see every record behind it. ``user=None`` is the system itself."""
    if user is None or user.sees_everything:
        return True
    return user.cleared_coalition_ids().issuperset(required_clearances)


class Releasable(models.Model):
    """Adds the releasability marking to a national record."""

    releasability = models.ForeignKey(
        "nations.Coalition",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Blank: public. Otherwise releasable only to members of this coalition.",
    )

    class Meta:
        abstract = True
