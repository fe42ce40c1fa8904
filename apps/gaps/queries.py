"""Read helpers over computed gaps that are not stored findings. Stored findings are read through the
``FindingQuerySet`` methods (``visible_to``, ``unresolved``, ``involving``, ``between``, ``among_members``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from apps.accounts.models import User
from apps.gaps.engine import compute_gaps
from apps.gaps.evaluation import visible_drafts
from apps.gaps.rules import FindingDraft


def gaps_as_of(user: User, day: date, nation_ids: Iterable[int] | None = None) -> list[FindingDraft]:
    """The gaps as they stood on ``day`` (computed, not stored), limited to what ``user`` is cleared for:
    "gaps as they stood on 2025-06-01". (``apps.gaps.evaluation`` has the dated results for pages.)"""
    return visible_drafts(user, compute_gaps(as_of=day, nation_ids=nation_ids))
