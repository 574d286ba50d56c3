"""The area pages that count case records or act for a programme, on the shipped real data:
area profiles, need against reach, saving a neighbourhood or a programme's area; who may see
what, and bad requests."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pathways.areas import hotspots
from pathways.areas.models import Neighbourhood
from pathways.audit.models import AuditEvent
from pathways.conftest import World
from pathways.households.models import Household

KNOWSLEY, LIVERPOOL = "E08000011", "E08000012"


def test_an_lsoa_profile_shows_its_ranks_its_ward_and_the_programme_there(
    region: World, signed_in
) -> None:
    client = signed_in(region.manager_l)
    page = client.get(reverse("area_reports:profile", args=["E01006547"])).content.decode()
    assert "Liverpool 019C" in page
    assert re.search(r"Index of Multiple Deprivation</th>\s*<td[^>]*>10</td>", page)
    assert 'class="map-lsoa' in page  # on the map of its ward
    # The Liverpool team's household there is counted; they see no other team's.
    assert re.search(r"Households referred</th><td[^>]*>1</td>", page)
    assert client.get(reverse("area_reports:profile", args=["E01099999"])).status_code == 404


def test_a_local_authority_profile_shows_its_share_in_the_most_deprived_tenth(
    region: World, signed_in
) -> None:
    client = signed_in(region.programme_manager)
    page = client.get(reverse("area_reports:profile", args=[LIVERPOOL])).content.decode()
    assert "48.7%" in page  # Liverpool's LSOAs in the most deprived 10% by the IMD
    assert page.count('class="map-lsoa') == 298


def test_a_profile_takes_as_many_queries_however_many_lsoas(region: World, signed_in) -> None:
    client = signed_in(region.programme_manager)

    def queries(code: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("area_reports:profile", args=[code])).status_code == 200
        return len(captured)

    assert queries("E06000006") == queries(LIVERPOOL)  # 79 LSOAs and 298


def test_need_against_reach_counts_only_what_the_reader_may_count(region: World, signed_in) -> None:
    def started_in_006a(user) -> str:
        client = signed_in(user)
        response = client.get(
            f"{reverse('area_reports:reach-csv')}?programme=households-into-work&area={KNOWSLEY}"
        )
        assert response.status_code == 200
        rows = {r["code"]: r for r in csv.DictReader(io.StringIO(response.content.decode()))}
        return rows["E01006412"]["started"]

    knowsley_started = Household.objects.filter(
        organisation=region.knowsley, programme=region.hiw, start_date__isnull=False
    ).count()
    assert started_in_006a(region.manager_k) == str(knowsley_started)
    assert started_in_006a(region.manager_l) == "0"  # another team's households are not theirs
    assert started_in_006a(region.funder) == "[c]"  # published: fewer than 10 withheld
    win = signed_in(region.win_manager)
    assert (
        win.get(f"{reverse('area_reports:reach')}?programme=households-into-work").status_code
        == 404
    )
    page = signed_in(region.programme_manager).get(
        f"{reverse('area_reports:reach')}?programme=households-into-work&area=nowhere"
    )
    assert page.status_code == 400 and "is not an area Pathways knows" in page.content.decode()


def test_a_programme_manager_saves_hotspots_as_the_programmes_area(
    region: World, signed_in
) -> None:
    client = signed_in(region.programme_manager)
    page = client.get(
        f"{reverse('areas:explore')}?area={KNOWSLEY}&indicator=employment_rank&top=3"
    ).content.decode()
    link = re.search(r'href="(/areas/neighbourhoods/new/\?codes=[^"]+)"', page).group(1)
    form = client.get(link.replace("&amp;", "&")).content.decode()
    top3 = [
        s.code
        for s in hotspots.rank_lsoas(
            hotspots.find_area(KNOWSLEY), hotspots.find_indicator("employment_rank"), top=3
        ).hotspots
    ]
    assert ",".join(top3) in form
    response = client.post(
        reverse("area_reports:new-neighbourhood"),
        {"name": "Knowsley pilot", "codes": ",".join(top3), "programme": region.hiw.code},
    )
    hood = Neighbourhood.objects.get(name="Knowsley pilot")
    assert response.status_code == 302 and response["Location"] == f"/areas/{hood.code}/"
    assert hood.programme == region.hiw
    assert sorted(hood.lsoas.values_list("code", flat=True)) == sorted(top3)
    assert AuditEvent.objects.filter(verb="areas.neighbourhood_saved").count() == 1
    # Usable wherever an area is: as the area of hotspots, and on its profile.
    assert (
        client.get(f"{reverse('areas:explore')}?area={hood.code}&indicator=imd_rank").status_code
        == 200
    )
    assert client.get(reverse("area_reports:profile", args=[hood.code])).status_code == 200


def test_a_team_manager_makes_a_neighbourhood_from_a_csv_of_codes(region: World, signed_in) -> None:
    client = signed_in(region.manager_k)
    upload = io.BytesIO(b"LSOA11CD,note\nE01006412,estate\nE01006413,estate\n")
    upload.name = "estates.csv"
    response = client.post(
        reverse("area_reports:new-neighbourhood"),
        {"name": "Stockbridge estates", "codes_file": upload},
    )
    assert response.status_code == 302
    hood = Neighbourhood.objects.get(name="Stockbridge estates")
    assert sorted(hood.lsoas.values_list("code", flat=True)) == ["E01006412", "E01006413"]
    assert hood.programme is None
    # A team manager cannot make a programme's area: the choice is not offered, and a forged
    # one is refused.
    assert (
        'name="programme"'
        not in client.get(reverse("area_reports:new-neighbourhood")).content.decode()
    )


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        ("", "at least one LSOA"),
        ("E01006412, nonsense", "not LSOA codes: NONSENSE"),
        ("E01006412 E01099999", "does not know these LSOAs"),
    ],
)
def test_a_bad_neighbourhood_is_refused_and_nothing_saved(
    region: World, signed_in, codes: str, message: str
) -> None:
    client = signed_in(region.programme_manager)
    response = client.post(
        reverse("area_reports:new-neighbourhood"), {"name": "Bad", "codes": codes}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Neighbourhood.objects.exists()


def test_only_managers_make_neighbourhoods(region: World, signed_in) -> None:
    for user in (region.evaluator, region.funder, region.advocate_k):
        client = signed_in(user)
        response = client.post(
            reverse("area_reports:new-neighbourhood"), {"name": "Sneaky", "codes": "E01006412"}
        )
        assert response.status_code == 403
    assert not Neighbourhood.objects.exists()
    win = signed_in(region.win_manager)
    response = win.post(
        reverse("area_reports:new-neighbourhood"),
        {"name": "Not yours", "codes": "E01006412", "programme": region.hiw.code},
    )
    assert response.status_code == 400  # not a programme they manage: not a choice
    assert not Neighbourhood.objects.exists()


def test_the_reach_map_shows_any_reach_measure_by_lsoa(region: World, signed_in) -> None:
    client = signed_in(region.programme_manager)
    base = f"{reverse('area_reports:reach')}?programme=households-into-work&area={KNOWSLEY}"
    for measure, label in (("started", "Households started"), ("gap", "The gap")):
        page = client.get(f"{base}&measure={measure}").content.decode()
        assert f'<title id="reach-map-title">{label}' in page
        assert page.count('class="map-lsoa') == 98
        # Households are counted by LSOA: 006A holds the Knowsley team's households.
        started = Household.objects.filter(
            organisation=region.knowsley, programme=region.hiw, start_date__isnull=False
        ).count()
        if measure == "started":
            assert re.search(rf'data-code="E01006412" data-value="{started}"', page)
