"""The time axis the server-side SVG strip charts (milestone timeline, outlook) share: a label column, then one
plot from ``start`` to ``end``, one row a line, a tick on each 1 January."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Tick:
    x: float
    year: int


@dataclass(frozen=True)
class Strip:
    start: date
    end: date
    label_width: int
    plot_width: int
    row_height: int
    top: int = 30

    @property
    def plot_left(self) -> int:
        return self.label_width

    @property
    def plot_right(self) -> int:
        return self.label_width + self.plot_width

    @property
    def width(self) -> int:
        return self.plot_right + 20

    def height(self, rows: int, *, bottom: int) -> int:
        """The drawing's height for ``rows`` rows (at least room for one) and ``bottom`` pixels below them."""
        return self.top + max(rows, 1) * self.row_height + bottom

    def x_of(self, day: date) -> float:
        span = max((self.end - self.start).days, 1)
        return round(self.label_width + self.plot_width * (day - self.start).days / span, 1)

    def row_y(self, index: int) -> float:
        """The middle of row ``index`` (from 0)."""
        return self.top + index * self.row_height + self.row_height / 2

    def ticks(self, first_year: int, last_year: int) -> list[Tick]:
        """A tick on 1 January of each year from ``first_year`` to ``last_year``."""
        return [Tick(x=self.x_of(date(year, 1, 1)), year=year) for year in range(first_year, last_year + 1)]
