"""The star chart: a radar drawn on the server as accessible SVG, with a text summary.

No JavaScript, prints in black and white (each reading has its own line style and marker,
not only its own colour), and says in words what it shows. The numbers go in a table beside it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.utils.html import escape

SIZE = 440
CENTRE = SIZE / 2
RADIUS = 150
INNER = 0.12
SIDE = 120  # room either side for the points' names  # the lowest score sits a little out from the centre, so it can be seen


@dataclass(frozen=True)
class Axis:
    code: str
    name: str
    low: int
    high: int


@dataclass(frozen=True)
class Series:
    label: str  # "First", "Previous", "Latest"
    date: dt.date
    values: dict[str, int | None]


STYLES = {
    "First": {"stroke": "#505a5f", "dash": "6 4", "fill": "none", "marker": "square"},
    "Previous": {"stroke": "#6f72af", "dash": "2 3", "fill": "none", "marker": "triangle"},
    "Latest": {
        "stroke": "#1d70b8",
        "dash": "",
        "fill": "rgba(29,112,184,0.15)",
        "marker": "circle",
    },
}


def _position(index: int, count: int, fraction: float) -> tuple[float, float]:
    angle = -math.pi / 2 + 2 * math.pi * index / count
    distance = RADIUS * (INNER + (1 - INNER) * fraction)
    return CENTRE + distance * math.cos(angle), CENTRE + distance * math.sin(angle)


def _fraction(axis: Axis, value: int) -> float:
    return (value - axis.low) / (axis.high - axis.low) if axis.high > axis.low else 0.0


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if shape == "triangle":
        return f'<polygon points="{x:.1f},{y - 4.5:.1f} {x + 4.5:.1f},{y + 4:.1f} {x - 4.5:.1f},{y + 4:.1f}" fill="{colour}"/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"/>'


def summary(axes: list[Axis], series: list[Series]) -> str:
    """In words: how the latest reading differs from the first, point by point."""
    if not series:
        return "No readings yet."
    latest = series[-1]
    if len(series) == 1:
        return f"One reading so far, on {latest.date:%-d %B %Y}."
    first = series[0]
    ups, downs, same = [], [], 0
    for axis in axes:
        before, after = first.values.get(axis.code), latest.values.get(axis.code)
        if before is None or after is None:
            continue
        change = after - before
        if change > 0:
            ups.append(f"up {change} on {axis.name.lower()}")
        elif change < 0:
            downs.append(f"down {-change} on {axis.name.lower()}")
        else:
            same += 1
    parts = ups + downs
    if same:
        parts.append(f"no change on {same} point{'s' if same != 1 else ''}")
    return f"Since {first.date:%-d %B %Y}: " + "; ".join(parts) + "."


def star_svg(axes: list[Axis], series: list[Series], *, title: str, chart_id: str) -> str:
    """The chart as SVG markup. `series` oldest first; every axis is drawn, scored or not."""
    count = len(axes)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{-SIDE} 0 {SIZE + 2 * SIDE} {SIZE}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" class="pathways-star" id="{chart_id}">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(summary(axes, series))}</desc>',
    ]
    if count < 3:
        parts.append("</svg>")
        return "".join(parts)
    # The web: one ring per step of the first axis's scale, and a spoke per point.
    steps = axes[0].high - axes[0].low
    for step in range(steps + 1):
        ring = " ".join(
            "{:.1f},{:.1f}".format(*_position(i, count, step / steps if steps else 0))
            for i in range(count)
        )
        parts.append(f'<polygon points="{ring}" fill="none" stroke="#b1b4b6" stroke-width="1"/>')
    for index, axis in enumerate(axes):
        x, y = _position(index, count, 1.0)
        parts.append(
            f'<line x1="{CENTRE}" y1="{CENTRE}" x2="{x:.1f}" y2="{y:.1f}" stroke="#b1b4b6" stroke-width="1"/>'
        )
        lx, ly = _position(index, count, 1.22)
        anchor = "middle" if abs(lx - CENTRE) < 10 else ("start" if lx > CENTRE else "end")
        parts.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" text-anchor="{anchor}" font-size="13" '
            f'font-family="arial, sans-serif" fill="#0b0c0c" data-point="{escape(axis.code)}">{escape(axis.name)}</text>'
        )
    for item in series:
        style = STYLES.get(item.label, STYLES["Latest"])
        coordinates = []
        for index, axis in enumerate(axes):
            value = item.values.get(axis.code)
            fraction = _fraction(axis, value) if value is not None else 0.0
            coordinates.append(_position(index, count, fraction))
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in coordinates)
        dash = f' stroke-dasharray="{style["dash"]}"' if style["dash"] else ""
        values = ",".join(f"{axis.code}={item.values.get(axis.code)}" for axis in axes)
        parts.append(
            f'<g class="pathways-star__reading" data-reading="{escape(item.label)}" data-values="{escape(values)}">'
            f'<polygon points="{points}" fill="{style["fill"]}" stroke="{style["stroke"]}" stroke-width="2.5"{dash}/>'
            + "".join(_marker(style["marker"], x, y, style["stroke"]) for x, y in coordinates)
            + "</g>"
        )
    parts.append("</svg>")
    return "".join(parts)
