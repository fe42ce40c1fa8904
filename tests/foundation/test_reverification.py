"""Issue 10, re-verification: when a claim was last confirmed, and when it is due (one function for the
dossier, the lists, the API and the stale-or-unsourced rule)."""

from __future__ import annotations

import calendar
import dataclasses
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from apps.core.dates import DatePrecision, PartialDate
from apps.sources.models import Source
from apps.sources.reverification import due_for_reverification, first_due_day, last_confirmed_on
from apps.sources.services import SourceCitation
from tests.factories import make_source

DAY = date(2026, 12, 6)
days = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
precisions = st.sampled_from(list(DatePrecision))


def test_a_recorded_confirmation_counts_whatever_the_source_says_of_itself() -> None:
    published = PartialDate.parse("2019-05")
    assert last_confirmed_on(confirmed_on=date(2026, 7, 1), published=published, verified=False, day=DAY) == date(
        2026, 7, 1
    )


def test_a_verified_source_counts_from_the_last_day_of_its_publication_period() -> None:
    def last(text: str) -> date | None:
        return last_confirmed_on(confirmed_on=None, published=PartialDate.parse(text), verified=True, day=DAY)

    assert last("2024-06-12") == date(2024, 6, 12)
    assert last("2024-06") == date(2024, 6, 30)
    assert last("2024-02") == date(2024, 2, 29)
    assert last("2024") == date(2024, 12, 31)


def test_an_unverified_or_undated_source_without_a_confirmation_was_never_confirmed() -> None:
    assert last_confirmed_on(confirmed_on=None, published=PartialDate.parse("2026-11"), verified=False, day=DAY) is None
    assert last_confirmed_on(confirmed_on=None, published=None, verified=True, day=DAY) is None


def test_a_confirmation_after_the_day_is_not_known_on_it() -> None:
    """As of a past day, a later confirmation does not count: the verified publication does, if it is over."""
    published = PartialDate.parse("2026-03")
    later = date(2026, 9, 1)
    assert last_confirmed_on(confirmed_on=later, published=published, verified=True, day=date(2026, 5, 1)) == date(
        2026, 3, 31
    )
    assert last_confirmed_on(confirmed_on=later, published=published, verified=False, day=date(2026, 5, 1)) is None
    # The month is not over on the 15th: nothing says it was read by then, and no earlier day is invented.
    assert last_confirmed_on(confirmed_on=None, published=published, verified=True, day=date(2026, 3, 15)) is None


@given(confirmed=st.none() | days, published=days, precision=precisions, verified=st.booleans(), day=days)
def test_the_last_confirmation_is_never_after_the_day(
    confirmed: date | None, published: date, precision: str, verified: bool, day: date
) -> None:
    last = last_confirmed_on(
        confirmed_on=confirmed, published=PartialDate(published, precision), verified=verified, day=day
    )
    assert last is None or last <= day
    assert last is None or last in (confirmed, PartialDate(published, precision).end)


@given(published=days, precision=precisions)
def test_a_verified_publication_counts_from_the_last_day_of_its_period(published: date, precision: str) -> None:
    when = PartialDate(published, precision)
    last = last_confirmed_on(confirmed_on=None, published=when, verified=True, day=date(2041, 1, 1))
    if precision == DatePrecision.YEAR:
        assert last == date(published.year, 12, 31)
    elif precision == DatePrecision.MONTH:
        assert last == date(published.year, published.month, calendar.monthrange(published.year, published.month)[1])
    else:
        assert last == published


def test_due_after_the_set_age_counted_in_days() -> None:
    assert not due_for_reverification(DAY - timedelta(days=179), DAY, 180)
    assert not due_for_reverification(DAY - timedelta(days=180), DAY, 180)
    assert due_for_reverification(DAY - timedelta(days=181), DAY, 180)
    assert due_for_reverification(None, DAY, 180)


@given(last=days, after=st.integers(min_value=1, max_value=3000))
def test_the_first_due_day_is_the_first_day_it_is_due(last: date, after: int) -> None:
    first = first_due_day(last, after)
    assert due_for_reverification(last, first, after)
    assert not due_for_reverification(last, first - timedelta(days=1), after)


@pytest.mark.django_db
def test_a_confirmation_day_is_a_new_source_and_none_keeps_the_old_address() -> None:
    source = make_source()
    columns = SourceCitation.of(source).model_fields()
    assert columns["confirmed_on"] is None
    assert Source.compute_key(columns) == source.key
    assert Source.compute_key({k: v for k, v in columns.items() if k != "confirmed_on"}) == source.key
    confirmed = make_source(confirmed_on=DAY)
    assert confirmed.pk != source.pk and confirmed.confirmed_on == DAY
    assert SourceCitation.of(confirmed) == dataclasses.replace(SourceCitation.of(source), confirmed_on=DAY)
    assert confirmed.last_confirmed(DAY) == DAY and source.last_confirmed(DAY) == date(2025, 3, 31)
