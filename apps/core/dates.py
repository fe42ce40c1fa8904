"""Dates as sources give them: a year, a month or a day.

A source that says "2030" must not become 2030-01-01 in the database without remembering that only the
year was given. Models store a ``DateField`` next to a ``precision`` column; ``PartialDate`` is the value
object that parses, prints and compares them.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from django.db import models


class DatePrecision(models.TextChoices):
    YEAR = "year", "Year"
    MONTH = "month", "Month"
    DAY = "day", "Day"


_PATTERN = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to a year, a month or a day. ``value`` is the date stored; ``precision`` says how much
    of it the source gave."""

    value: date
    precision: str = DatePrecision.DAY

    @classmethod
    def parse(cls, text: str, precision: str | None = None) -> PartialDate:
        """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``. A year or month alone is stored as its first day
        unless ``precision`` is given for a full date (the reference writes year-only targets as YYYY-12-31)."""
        match = _PATTERN.match(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = match["y"], match["m"], match["d"]
        if day:
            value = date(int(year), int(month), int(day))
            found = DatePrecision.DAY
        elif month:
            value = date(int(year), int(month), 1)
            found = DatePrecision.MONTH
        else:
            value = date(int(year), 1, 1)
            found = DatePrecision.YEAR
        if precision is not None:
            if precision not in DatePrecision.values:
                raise ValueError(f"{precision!r} is not a date precision ({', '.join(DatePrecision.values)})")
            found = DatePrecision(precision)
        return cls(value, found)

    @property
    def start(self) -> date:
        if self.precision == DatePrecision.YEAR:
            return date(self.value.year, 1, 1)
        if self.precision == DatePrecision.MONTH:
            return date(self.value.year, self.value.month, 1)
        return self.value

    @property
    def end(self) -> date:
        if self.precision == DatePrecision.YEAR:
            return date(self.value.year, 12, 31)
        if self.precision == DatePrecision.MONTH:
            last = calendar.monthrange(self.value.year, self.value.month)[1]
            return date(self.value.year, self.value.month, last)
        return self.value

    def __str__(self) -> str:
        if self.precision == DatePrecision.YEAR:
            return f"{self.value.year:04d}"
        if self.precision == DatePrecision.MONTH:
            return f"{self.value.year:04d}-{self.value.month:02d}"
        return self.value.isoformat()


def partial(value: date | None, precision: str) -> PartialDate | None:
    """The ``PartialDate`` for a model's date/precision pair, or None when the date is blank."""
    return None if value is None else PartialDate(value, precision)
