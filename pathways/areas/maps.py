"""Choropleth maps of LSOAs as server-rendered SVG: one shape per LSOA of an area, filled by the
colour class of its value, each a link to the LSOA's profile with a title naming it and its
value; a legend; and the numbers in a table beside the map (the page shows them), so the map is
never the only way to read it. No tiles and nothing from the internet: only the boundaries.

Boundaries are longitude and latitude (WGS84); they are drawn with an equirectangular projection
scaled by the cosine of the area's middle latitude, which for an area the size of a city region
is indistinguishable from the Ordnance Survey grid at this size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.html import escape

# Five classes, light to dark: ColorBrewer's sequential "Blues" (colour-blind safe, prints in
# greyscale in order). Darker is more deprived (or more reach); no value is hatched grey.
PALETTE = ["#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c"]
NO_VALUE = "#bfc1c3"
WIDTH = 720


@dataclass(frozen=True)
class Shape:
    code: str
    name: str
    geometry: dict[str, Any]
    value: Decimal | None
    href: str = ""
    note: str = ""  # what a missing value is: "[c]" where it is withheld, else "no value"


@dataclass(frozen=True)
class ColourClass:
    number: int  # 1 = lightest
    low: Decimal
    high: Decimal
    colour: str

    def holds(self, value: Decimal) -> bool:
        return self.low <= value <= self.high


def classes(
    values: Sequence[Decimal], *, high_is_dark: bool = True, count: int = 5
) -> list[ColourClass]:
    """Up to `count` classes of about equal numbers of LSOAs (quantiles), lightest first, the
    darkest holding the most deprived: the highest values, or the lowest (`high_is_dark`
    false: ranks and deciles, where 1 is the most deprived). Equal values share a class."""
    ordered = sorted(values, reverse=not high_is_dark)  # lightest first
    bounds: list[tuple[Decimal, Decimal]] = []
    start, n = 0, len(ordered)
    for number in range(1, count + 1):
        if start >= n:
            break
        end = max(math.ceil(n * number / count), start + 1)  # exclusive
        while end < n and ordered[end] == ordered[end - 1]:
            end += 1
        bounds.append((ordered[start], ordered[end - 1]))
        start = end
    last = max(len(bounds) - 1, 1)
    return [
        ColourClass(
            number,
            min(first, final),
            max(first, final),
            PALETTE[round((number - 1) * (len(PALETTE) - 1) / last)],
        )
        for number, (first, final) in enumerate(bounds, start=1)
    ]


def class_of(value: Decimal | None, found: list[ColourClass]) -> ColourClass | None:
    if value is None:
        return None
    return next((c for c in found if c.holds(value)), None)


def _rings(geometry: dict[str, Any]) -> list[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        return list(geometry["coordinates"])
    return [ring for polygon in geometry.get("coordinates", []) for ring in polygon]


def _projection(
    shapes: Sequence[Shape],
) -> tuple[Callable[[float, float], tuple[float, float]], float]:
    points = [p for s in shapes for ring in _rings(s.geometry) for p in ring]
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    squeeze = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * squeeze, 1e-9)
    span_y = max(north - south, 1e-9)
    scale = WIDTH / span_x
    height = span_y * scale

    def project(lon: float, lat: float) -> tuple[float, float]:
        return ((lon - west) * squeeze * scale, (north - lat) * scale)

    return project, height


def _path(geometry: dict[str, Any], project: Callable[[float, float], tuple[float, float]]) -> str:
    parts = []
    for ring in _rings(geometry):
        drawn: list[str] = []
        last = ""
        for lon, lat, *_ in ring:
            x, y = project(lon, lat)
            point = f"{x:.1f} {y:.1f}"
            if point != last:  # points closer than a tenth of a unit add nothing
                drawn.append(point)
                last = point
        if len(drawn) >= 3:
            parts.append("M" + " L".join(drawn) + "Z")
    return "".join(parts)


def choropleth(
    shapes: Sequence[Shape],
    *,
    title: str,
    measure: str,
    high_is_dark: bool = True,
    show: Callable[[Decimal], str] = lambda v: f"{v.normalize():f}",
    map_id: str = "map",
    darker: str = "more deprived",
) -> dict[str, Any]:
    """{"svg": the map, "classes": the colour classes, "rows": [(shape, class)]}: one path per
    shape, in its class's colour, each with a <title> and, where given, a link."""
    drawable = [s for s in shapes if s.geometry]
    if not drawable:
        return {"svg": "", "classes": [], "rows": []}
    found = classes([s.value for s in drawable if s.value is not None], high_is_dark=high_is_dark)
    project, height = _projection(drawable)
    paths = []
    rows = []
    for shape in drawable:
        colour_class = class_of(shape.value, found)
        rows.append((shape, colour_class))
        value = (shape.note or "no value") if shape.value is None else show(shape.value)
        label = f"{shape.name} ({shape.code}): {measure} {value}"
        fill = colour_class.colour if colour_class else f"url(#{map_id}-none)"
        path = (
            f'<path d="{_path(shape.geometry, project)}" fill="{fill}" '
            f'class="map-lsoa map-class-{colour_class.number if colour_class else 0}" '
            f'data-code="{escape(shape.code)}" data-value="{escape(value)}">'
            f"<title>{escape(label)}</title></path>"
        )
        if shape.href:
            path = f'<a href="{escape(shape.href)}" aria-label="{escape(label)}">{path}</a>'
        paths.append(path)
    # A map of links is a group of them (an image may not hold interactive parts).
    role = "group" if any(shape.href for shape in drawable) else "img"
    described = "; ".join(f"class {c.number}: {show(c.low)} to {show(c.high)}" for c in found)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'class="pathways-map" role="{role}" aria-labelledby="{map_id}-title {map_id}-desc" '
        f'id="{map_id}">'
        f'<title id="{map_id}-title">{escape(title)}</title>'
        f'<desc id="{map_id}-desc">{escape(f"{len(drawable)} LSOAs shaded by {measure}, darker is {darker}: {described}. The same figures are in the table with this map.")}</desc>'
        f'<defs><pattern id="{map_id}-none" width="6" height="6" patternUnits="userSpaceOnUse">'
        f'<rect width="6" height="6" fill="#ffffff"/><path d="M0 6 L6 0" stroke="{NO_VALUE}"/>'
        f"</pattern></defs>"
        f'<g stroke="#0b0c0c" stroke-width="0.4" stroke-linejoin="round">{"".join(paths)}</g>'
        f"</svg>"
    )
    withheld = any(shape.value is None and shape.note for shape in drawable)
    return {"svg": svg, "classes": found, "rows": rows, "withheld": withheld}


def indicator_map(
    area: Any, indicator: Any, *, on: Any = None, href: Callable[[str], str] | None = None
) -> dict[str, Any]:
    """The choropleth of one indicator over an area's LSOAs (`hotspots.Area`), on its latest
    date up to `on`; shapes link to `href(code)`."""
    from pathways.areas.hotspots import _tidy, latest_date
    from pathways.areas.models import IndicatorValue

    date = latest_date(indicator, on)
    values = dict(
        IndicatorValue.objects.filter(
            indicator=indicator, date=date, lsoa__in=area.lsoas.values("pk")
        ).values_list("lsoa_id", "value")
    )
    shapes = [
        Shape(
            code,
            name,
            boundary,
            _tidy(values[pk], indicator) if pk in values else None,
            href(code) if href else "",
        )
        for pk, code, name, boundary in area.lsoas.order_by("code").values_list(
            "pk", "code", "name", "boundary"
        )
    ]
    drawn = choropleth(
        shapes,
        title=f"{indicator.name}, {area.name}, {date:%-d %B %Y}",
        measure=indicator.name,
        high_is_dark=not indicator.low_is_deprived,
    )
    return {**drawn, "date": date, "shapes": shapes}
