"""Geometry of the milestone timeline: a server-side SVG, one row per member, one time axis, the 2035 line.

A milestone known only to a year or a month is drawn as a bar spanning that period (its true precision);
one known to the day is a diamond. Each kind of milestone also has its own letter, so nothing rests on colour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from apps.positions.models import MilestoneKind
from apps.reports.changes import TimelineRow
from apps.web.strip_svg import Strip, Tick

DEADLINE = date(2035, 12, 31)

KIND_LETTER: dict[str, str] = {
    MilestoneKind.INVENTORY: "I",
    MilestoneKind.PLAN: "P",
    MilestoneKind.START_MIGRATION: "S",
    MilestoneKind.PRIORITY_SYSTEMS_DONE: "R",
    MilestoneKind.COMPLETE: "C",
    MilestoneKind.DEPRECATE_CLASSICAL: "D",
    MilestoneKind.DISALLOW_CLASSICAL: "X",
    MilestoneKind.PREFER_PQC: "Q",
    MilestoneKind.EXCLUSIVE_PQC: "E",
}


@dataclass
class Mark:
    x: float
    width: float
    y: float
    letter: str
    kind: str
    label: str
    is_range: bool


@dataclass
class TimelinePlot:
    width: int
    height: int
    #: (nation code, y, whether it has said nothing the reader may see) per row.
    rows: list[tuple[str, float, bool]]
    marks: list[Mark]
    axis: list[Tick]
    deadline_x: float
    plot_left: int
    plot_right: int
    legend: list[tuple[str, str]]
    #: The evaluated day's line (date switch), if the page shows another day than today.
    day_x: float | None = None


def layout(
    rows: list[TimelineRow], *, first_year: int = 2022, last_year: int = 2036, day: date | None = None
) -> TimelinePlot:
    """Place every milestone of ``rows`` on a shared axis that always shows the 2035 line (and ``day``)."""
    years = [m.target_on.year for row in rows for m in row.milestones] + ([day.year] if day else [])
    start_year = min([first_year, *years])
    end_year = max([last_year, *(y + 1 for y in years)])
    strip = Strip(
        start=date(start_year, 1, 1), end=date(end_year, 12, 31), label_width=70, plot_width=900, row_height=28
    )
    marks: list[Mark] = []
    placed_rows: list[tuple[str, float, bool]] = []
    for index, row in enumerate(rows):
        y = strip.row_y(index)
        placed_rows.append((row.nation.code, y, not row.nation.has_declared))
        for milestone in row.milestones:
            target = milestone.target
            left, right = strip.x_of(target.start), strip.x_of(target.end)
            marks.append(
                Mark(
                    x=left,
                    width=max(right - left, 0),
                    y=y,
                    letter=KIND_LETTER.get(milestone.kind, "?"),
                    kind=milestone.kind,
                    label=f"{row.nation.code}: {milestone.get_kind_display()}, {target} — {milestone.title}",
                    is_range=target.start != target.end,
                )
            )
    return TimelinePlot(
        width=strip.width,
        height=strip.height(len(rows), bottom=30),
        rows=placed_rows,
        marks=marks,
        axis=strip.ticks(start_year, end_year),
        deadline_x=strip.x_of(DEADLINE),
        plot_left=strip.plot_left,
        plot_right=strip.plot_right,
        legend=[(KIND_LETTER[kind], label) for kind, label in MilestoneKind.choices],
        day_x=strip.x_of(day) if day else None,
    )
