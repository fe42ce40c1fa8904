"""Geometry of the outlook strip chart: one row per nation pair and kind of gap, one time axis from today to
the end of 2036, a bar per period. Each kind of gap has its own letter in its bar (and the row says which
pair and kind it is), so nothing rests on colour; severity is in each bar's text as well."""

from __future__ import annotations

from dataclasses import dataclass

from apps.gaps.models import Rule
from apps.gaps.outlook import Outlook, OutlookBar
from apps.web.strip_svg import Strip, Tick

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
    axis: list[Tick]
    plot_left: int
    plot_right: int
    legend: list[tuple[str, str]]


def layout(outlook: Outlook) -> OutlookPlot:
    """Place each bar on the shared axis (first day to horizon), one row per (pair, kind of gap)."""
    strip = Strip(start=outlook.start, end=outlook.end, label_width=150, plot_width=820, row_height=24)
    row_keys = sorted({(b.nation_a, b.nation_b, b.rule) for b in outlook.bars})
    row_y = {key: strip.row_y(i) for i, key in enumerate(row_keys)}
    placed = []
    for bar in outlook.bars:
        left, right = strip.x_of(bar.start), strip.x_of(min(bar.end, strip.end))
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
        width=strip.width,
        height=strip.height(len(row_keys), bottom=20),
        rows=[(f"{a}-{b} {RULE_LETTER[r]}", y) for (a, b, r), y in row_y.items()],
        bars=placed,
        axis=strip.ticks(strip.start.year + 1, strip.end.year),
        plot_left=strip.plot_left,
        plot_right=strip.plot_right,
        legend=[(RULE_LETTER[rule], label) for rule, label in Rule.choices],
    )
