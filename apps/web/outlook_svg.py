"""Geometry of the outlook strip chart: one row per nation pair and kind of gap, one time axis from today to
the end of 2036, a bar per period. Each kind of gap has its own letter in its bar (and the row says which
pair and kind it is), so nothing rests on colour; severity is in each bar's text as well."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from apps.gaps.models import Rule
from apps.gaps.outlook import Outlook, OutlookBar

LABEL_WIDTH = 150
PLOT_WIDTH = 820
ROW_HEIGHT = 24
TOP = 30

RULE_LETTER: dict[str, str] = {
    Rule.QKD_DIVERGENCE: "Q",
    Rule.NO_COMMON_KEM: "K",
    Rule.NO_COMMON_SIGNATURE: "S",
    Rule.HYBRID_CONFLICT: "H",
    Rule.TRANSITION_WINDOW: "W",
    Rule.STANDARD_NOT_READY: "N",
    Rule.UNDECLARED_STANCE: "U",
    Rule.DEADLINE_RISK: "D",
    Rule.STALE_POSITION: "O",
    Rule.NO_COMMON_MECHANISM: "M",
}


@dataclass
class PlacedBar:
    bar: OutlookBar
    x: float
    width: float
    y: float
    letter: str


@dataclass
class OutlookPlot:
    width: int
    height: int
    rows: list[tuple[str, float]]
    bars: list[PlacedBar]
    axis: list[tuple[float, int]]
    plot_left: int
    plot_right: int
    legend: list[tuple[str, str]]


def layout(outlook: Outlook) -> OutlookPlot:
    """Place each bar on the shared axis (first day to horizon), one row per (pair, kind of gap)."""
    start, end = outlook.start, outlook.end
    span = max((end - start).days, 1)

    def x_of(day: date) -> float:
        return round(LABEL_WIDTH + PLOT_WIDTH * (day - start).days / span, 1)

    row_keys = sorted({(b.nation_a, b.nation_b, b.rule) for b in outlook.bars})
    row_y = {key: TOP + i * ROW_HEIGHT + ROW_HEIGHT / 2 for i, key in enumerate(row_keys)}
    placed = []
    for bar in outlook.bars:
        left, right = x_of(bar.start), x_of(min(bar.end, end))
        placed.append(
            PlacedBar(
                bar=bar,
                x=left,
                width=max(right - left, 3),
                y=row_y[(bar.nation_a, bar.nation_b, bar.rule)],
                letter=RULE_LETTER[bar.rule],
            )
        )
    return OutlookPlot(
        width=LABEL_WIDTH + PLOT_WIDTH + 20,
        height=TOP + max(len(row_keys), 1) * ROW_HEIGHT + 20,
        rows=[(f"{a}-{b} {RULE_LETTER[r]}", y) for (a, b, r), y in row_y.items()],
        bars=placed,
        axis=[(x_of(date(year, 1, 1)), year) for year in range(start.year + 1, end.year + 1)],
        plot_left=LABEL_WIDTH,
        plot_right=LABEL_WIDTH + PLOT_WIDTH,
        legend=[(RULE_LETTER[rule], label) for rule, label in Rule.choices],
    )
