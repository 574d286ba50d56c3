"""Server-rendered, accessible SVG charts of the report tables.

A chart is a horizontal bar chart of one column of a table as the reader sees it (exact or
published), drawn as plain SVG: it prints, it needs no script, and it goes into the PDF pack as
it is. Each has a title and a description (`role="img"`, `aria-labelledby`), every bar has its
value written beside it, and the page always shows the numbers as a table too. A suppressed
figure is left out of the bars and named in the description.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count
from typing import Any

from django.utils.html import escape

from pathways.reporting.figures import Table

WIDTH = 680
LABEL_WIDTH = 330
BAR_HEIGHT = 20
GAP = 8
TOP = 8
BLUE = "#1d70b8"
TARGET_COLOUR = "#0b0c0c"
TEXT = "#0b0c0c"

_ids = count(1)


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # None: suppressed or not known
    target: float | None = None
    empty: str = "[c] not shown"  # what a bar with no value says


@dataclass(frozen=True)
class Chart:
    title: str
    unit: str  # "%", "" (a count) or "£"
    bars: list[Bar]


def _unit_text(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value:g}%"
    if unit == "£":
        return f"£{value:,.2f}"
    return f"{value:,.0f}"


def chart_of(table: Table, shown: dict[str, Any]) -> Chart:
    """What a table's chart draws: its percentages where it has them, else its counts (money for
    the budget; started households for the by-area table; moved-up shares for the star)."""
    rows = shown["rows"]
    name = table.name
    if name == "budget":
        bars = [
            Bar(r["label"], None if r.get("amount") is None else float(r["amount"]))
            for r in rows
            if r["key"].startswith("category:")
        ]
        return Chart("Spent by category (£)", "£", bars)
    if name == "by-area":
        bars = [
            Bar(r["label"].split(":")[0], r["percent"])
            for r in rows
            if r["key"].endswith(":positive_outcomes")
        ]
        return Chart("Households with a positive outcome, by local authority (%)", "%", bars)
    if name == "performance":
        bars = [
            Bar(r["label"], r["count"], r["target"]) for r in rows if r["key"] != "job_outcome_rate"
        ]
        return Chart("Current position against target (number)", "", bars)
    if name == "progress":
        return Chart(
            "Progress measures (number)",
            "",
            [Bar(r["label"], r["count"], r["target"]) for r in rows],
        )
    if name == "long-term-by-age":
        rows = [r for r in rows if r["key"].startswith("all:")]
        return Chart(
            "Age of the long-term workless, both groups together (%)",
            "%",
            [Bar(r["label"].split(": ", 1)[-1], r["percent"]) for r in rows],
        )
    if name == "referral-sources":
        return Chart(
            "Households referred, by route (number)",
            "",
            [Bar(r["label"], r["count"]) for r in rows],
        )
    if any(c.key == "percent" for c in table.columns):
        return Chart(f"{table.title} (%)", "%", [Bar(r["label"], r["percent"]) for r in rows])
    return Chart(f"{table.title} (number)", "", [Bar(r["label"], r["count"]) for r in rows])


def svg(chart: Chart) -> str:
    """The chart as an inline SVG element."""
    n = next(_ids)
    title_id, desc_id = f"chart-{n}-title", f"chart-{n}-desc"
    drawn = [b for b in chart.bars if b.value is not None]
    hidden = [b.label for b in chart.bars if b.value is None]
    top = max([b.value for b in drawn] + [b.target or 0 for b in chart.bars] + [0])
    if chart.unit == "%":
        top = max(top, 100)
    scale = (WIDTH - LABEL_WIDTH - 90) / top if top else 0
    height = TOP * 2 + len(chart.bars) * (BAR_HEIGHT + GAP)
    described = "; ".join(
        f"{b.label}: {_unit_text(b.value, chart.unit)}"
        + (f" (target {_unit_text(b.target, chart.unit)})" if b.target is not None else "")
        for b in drawn
    )
    if hidden:
        described += "; not shown (suppressed or not known): " + ", ".join(hidden)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="pathways-chart" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" '
        f'aria-labelledby="{title_id} {desc_id}" font-family="Arial, sans-serif" font-size="13">',
        f'<title id="{title_id}">{escape(chart.title)}</title>',
        f'<desc id="{desc_id}">{escape(described or "No figures to show.")}</desc>',
    ]
    for i, bar in enumerate(chart.bars):
        y = TOP + i * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 4
        label = bar.label if len(bar.label) <= 44 else bar.label[:43] + "…"  # whole in <desc>
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle:.1f}" text-anchor="end" fill="{TEXT}">'
            f"{escape(label)}</text>"
        )
        if bar.value is None:
            parts.append(
                f'<text x="{LABEL_WIDTH + 4}" y="{middle:.1f}" fill="{TEXT}">{escape(bar.empty)}</text>'
            )
        else:
            width = max(bar.value * scale, 1 if bar.value else 0)
            # The value beside the bar, clear of the target's mark.
            beside = max(width, (bar.target or 0) * scale)
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                f'fill="{BLUE}"/>'
                f'<text x="{LABEL_WIDTH + beside + 6:.1f}" y="{middle:.1f}" fill="{TEXT}">'
                f"{escape(_unit_text(bar.value, chart.unit))}</text>"
            )
        if bar.target is not None and scale:
            x = LABEL_WIDTH + bar.target * scale
            parts.append(
                f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y - 2}" y2="{y + BAR_HEIGHT + 2}" '
                f'stroke="{TARGET_COLOUR}" stroke-width="3" stroke-dasharray="4 2"/>'
            )
    parts.append("</svg>")
    return "".join(parts)


def figure(chart: Chart) -> dict[str, str]:
    """A chart for a page: its visible caption and its SVG."""
    return {"title": chart.title, "svg": svg(chart)}


def table_figure(table: Table, shown: dict[str, Any]) -> dict[str, str]:
    return figure(chart_of(table, shown))
