"""In Chromium: a programme manager finds Knowsley's employment hotspots, uses the interactive
map (zoom, the LSOA under the pointer named) and clicks an LSOA to reach its profile. axe-core
on the page."""

from __future__ import annotations

from typing import Any

import pytest

from pathways.areas.hotspots import find_area, find_indicator, rank_lsoas
from pathways.areas.loaders.shipped import load_shipped
from pathways.core.tests.browser import assert_accessible, page_text
from pathways.core.tests.test_browser_journeys import sign_in
from pathways.site.demo import create_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KNOWSLEY = "E08000011"

# A point inside the shape: the first point of a grid over its box where the shape itself is
# what the browser finds (a box's middle may be a neighbour's).
INSIDE = """code => {
  const shape = document.querySelector(`[data-code="${code}"]`);
  const box = shape.getBoundingClientRect();
  for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
    const x = box.left + box.width * i / 20, y = box.top + box.height * j / 20;
    if (document.elementFromPoint(x, y) === shape) return [x, y];
  }
  return null;
}"""


def test_a_manager_finds_hotspots_and_clicks_through_the_map(page: Any, live_server: Any) -> None:
    create_demo(households=False)  # the people
    load_shipped()
    most = rank_lsoas(find_area(KNOWSLEY), find_indicator("employment_rank"), top=1).hotspots[0]
    sign_in(page, live_server.url, "programme-manager")
    page.click("nav a:has-text('Areas')")
    page.wait_for_selector("h1:has-text('Neighbourhood intelligence')")
    page.select_option("#id_area", KNOWSLEY)
    page.select_option("#id_indicator", "employment_rank")
    page.click("button:has-text('Find hotspots')")
    page.wait_for_selector(f"table a:has-text('{most.name}')")
    assert page.locator("svg.pathways-map [data-code]").count() == 98
    assert_accessible(page)

    # The script has made it interactive: zoom, and the LSOA under the pointer named.
    before = page.get_attribute("svg.pathways-map", "viewBox")
    page.click("button:has-text('Zoom in')")
    assert page.get_attribute("svg.pathways-map", "viewBox") != before
    page.click("button:has-text('Show the whole area')")
    assert page.get_attribute("svg.pathways-map", "viewBox") == before
    point = page.evaluate(INSIDE, most.code)
    assert point is not None
    page.mouse.move(*point)
    detail = page.locator(".pathways-map-detail")
    assert most.name in detail.inner_text()

    page.mouse.click(*point)
    page.wait_for_url(f"**/areas/{most.code}/")
    assert page.inner_text("h1") == most.name
    assert "Employment deprivation" in page_text(page)
