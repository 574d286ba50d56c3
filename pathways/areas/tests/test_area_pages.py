"""The hotspot pages on the shipped real data: the top LSOAs with their map and CSV, and bad
requests. The area profiles, need against reach and saving a neighbourhood:
`reporting/tests/test_area_pages.py`."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from pathways.areas import hotspots
from pathways.audit.models import AuditEvent
from pathways.conftest import World

KNOWSLEY = "E08000011"


def test_hotspots_page_lists_the_top_lsoas_with_the_map_and_a_csv(region: World, signed_in) -> None:
    client = signed_in(region.programme_manager)
    query = f"area={KNOWSLEY}&indicator=employment_rank&top=5"
    page = client.get(f"{reverse('areas:explore')}?{query}").content.decode()
    expected = hotspots.rank_lsoas(
        hotspots.find_area(KNOWSLEY), hotspots.find_indicator("employment_rank"), top=5
    )
    for spot in expected.hotspots:
        assert f'href="/areas/{spot.code}/"' in page
    assert page.count('class="map-lsoa') == 98
    assert "The map's figures as a table" in page
    response = client.get(f"{reverse('areas:hotspots-csv')}?{query}")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["code"] for r in rows] == [s.code for s in expected.hotspots]
    assert AuditEvent.objects.filter(verb="areas.hotspots_downloaded").count() == 1


def test_a_threshold_above_the_top_is_refused_with_a_message(region: World, signed_in) -> None:
    client = signed_in(region.programme_manager)
    response = client.get(
        f"{reverse('areas:explore')}?area={KNOWSLEY}&indicator=employment_rate"
        "&at_least=0.3&at_most=0.1"
    )
    assert "Enter a value at least as big" in response.content.decode()
    response = client.get(f"{reverse('areas:hotspots-csv')}?area=E09999999&indicator=imd_rank")
    assert response.status_code == 400
