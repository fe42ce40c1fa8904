"""When a claim was last confirmed, and whether it is due for re-verification (issue 10).

One notion, used by the dossier, the lists and the API, and by the "stale or unsourced position" rule: a
claim was last confirmed on the day someone recorded confirming its source (``Source.confirmed_on``); a
source confirmed when it was recorded (``verified``) without such a day counts from its publication date,
taken at the last day its precision allows (a source dated 2024-06 may have been read on 2024-06-30, and
no earlier day is known); a claim whose source was never confirmed, or that has no source, never was."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from apps.core.dates import PartialDate, partial


def last_confirmed_on(
    *, confirmed_on: date | None, published: PartialDate | None, verified: bool, day: date
) -> date | None:
    """The day a claim citing such a source was last confirmed, as known on ``day`` (never after it):
    ``confirmed_on`` if it is on or before ``day``; else, for a verified source, the last day of its
    publication date's period if that is on or before ``day``; else None (never confirmed by then)."""
    if confirmed_on is not None and confirmed_on <= day:
        return confirmed_on
    if verified and published is not None and published.end <= day:
        return published.end
    return None


#: A declaration's source columns ``last_confirmed_stored`` reads, in its argument order.
CONFIRMATION_COLUMNS = ("source__confirmed_on", "source__published_on", "source__published_precision")


def last_confirmed_stored(
    confirmed_on: date | None, published_on: date | None, precision: str | None, verified: bool | None, *, day: date
) -> date | None:
    """``last_confirmed_on`` from a declaration's stored columns (``CONFIRMATION_COLUMNS`` and its source's
    ``verified``; all None without a source), for reads that take rows rather than models."""
    published = partial(published_on, precision) if precision is not None else None
    return last_confirmed_on(confirmed_on=confirmed_on, published=published, verified=bool(verified), day=day)


def due_for_reverification(last_confirmed: date | None, day: date, after_days: int) -> bool:
    """A claim is due on ``day`` when it was never confirmed, or more than ``after_days`` days before."""
    return last_confirmed is None or last_confirmed < day - timedelta(days=after_days)


def first_due_day(last_confirmed: date, after_days: int) -> date:
    """The first day on which a claim last confirmed on ``last_confirmed`` is due."""
    return last_confirmed + timedelta(days=after_days + 1)


@dataclass(frozen=True)
class Reverification:
    """A claim's re-verification on a day: when it was last confirmed (None: never) and whether it is due."""

    last_confirmed_on: date | None
    due: bool
