"""The choropleth: one shape per LSOA of the area, each in the colour class its value falls in,
darker for the more deprived, with a text alternative and a link to the LSOA's profile."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from pathways.areas import maps
from pathways.areas.hotspots import find_area, find_indicator
from pathways.areas.models import IndicatorValue

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def region(shipped_areas: None, db: object) -> None:
    """The shipped data (loaded once for the module)."""


@pytest.mark.parametrize(("area", "lsoas"), [("E08000011", 98), ("E05010946", None)])
@pytest.mark.parametrize("indicator", ["imd_rank", "employment_rate"])
def test_one_shape_per_lsoa_in_the_right_colour_class(
    region: None, area: str, lsoas: int | None, indicator: str
) -> None:
    where, what = find_area(area), find_indicator(indicator)
    drawn = maps.indicator_map(where, what, href=lambda code: f"/areas/{code}/")
    root = ET.fromstring(drawn["svg"])  # noqa: S314 - our own SVG
    assert root.get("role") == "group"  # of links; a map without links is an image
    assert root.find(f"{SVG}title").text.startswith(what.name)
    assert "LSOAs shaded by" in root.find(f"{SVG}desc").text
    paths = root.findall(f".//{SVG}path[@data-code]")
    codes = [p.get("data-code") for p in paths]
    assert sorted(codes) == sorted(where.lsoas.values_list("code", flat=True))
    if lsoas:
        assert len(paths) == lsoas
    values = dict(
        IndicatorValue.objects.filter(
            indicator=what, lsoa__in=where.lsoas.values("pk")
        ).values_list("lsoa__code", "value")
    )
    found = drawn["classes"]
    assert 1 <= len(found) <= 5
    for path in paths:
        value = values.get(path.get("data-code"))
        if value is None:
            assert path.get("fill").startswith("url(#")
            continue
        [colour_class] = [c for c in found if c.low <= value <= c.high]
        assert path.get("fill") == colour_class.colour
        assert f"map-class-{colour_class.number}" in path.get("class")
        assert path.find(f"{SVG}title").text.endswith(path.get("data-value"))
    # Darker classes hold the more deprived: lower ranks, higher rates.
    ordered = [c.low for c in found]
    assert ordered == (sorted(ordered, reverse=True) if what.low_is_deprived else sorted(ordered))
    links = root.findall(f".//{SVG}a")
    assert len(links) == len(paths) and links[0].get("href").startswith("/areas/E01")


def test_a_map_without_links_is_an_image(region: None) -> None:
    drawn = maps.indicator_map(find_area("E05010946"), find_indicator("imd_rank"))
    root = ET.fromstring(drawn["svg"])  # noqa: S314 - our own SVG
    assert root.get("role") == "img"
    assert not root.findall(f".//{SVG}a")


def test_quantile_classes_keep_equal_values_together_and_use_the_palette() -> None:
    values = [Decimal(v) for v in (1, 1, 1, 1, 2, 3, 4, 5, 6, 7)]
    found = maps.classes(values, high_is_dark=True, count=5)
    # Ten values in five classes of about two: the four 1s stay together.
    assert [(c.low, c.high) for c in found] == [(1, 1), (2, 2), (3, 3), (4, 5), (6, 7)]
    assert found[0].colour == maps.PALETTE[0] and found[-1].colour == maps.PALETTE[-1]
    ranks = maps.classes([Decimal(v) for v in range(1, 11)], high_is_dark=False)
    # Ranks: the darkest class holds rank 1, the most deprived.
    assert (ranks[-1].low, ranks[-1].high) == (1, 2)
    assert (ranks[0].low, ranks[0].high) == (9, 10)
    assert maps.classes([]) == []
