"""What a funder sees of an area (issue 24): a sum over LSOAs is the exact sum, then published —
never a sum of published cells, which counts every withheld LSOA as 0 — a withheld figure reads
[c], and a list of the most under-served ranks only the gaps the funder may see."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pathways.areas.hotspots import find_area
from pathways.conftest import World
from pathways.households.models import Household
from pathways.households.tests.factories import HouseholdFactory
from pathways.reporting import disclosure, reach
from pathways.reporting.services import scope_for_user

KNOWSLEY, STOCKBRIDGE = "E08000011", "E05010946"
X, Y, Z = "E01006412", "E01006413", "E01006414"  # Knowsley 006A, 006B, 006C: Stockbridge
KNOWSLEY_REACH = f"?programme=households-into-work&area={KNOWSLEY}"
STOCKBRIDGE_LSOAS = [X, Y, Z, "E01006440", "E01006441", "E01006445"]


def _started(world: World, lsoa: str, n: int) -> None:
    HouseholdFactory.create_batch(
        n, programme=world.hiw, organisation=world.knowsley, advocate=world.advocate_k, lsoa=lsoa
    )


def _exact(column: str, lsoas: list[str]) -> int:
    """The exact count of the programme's households in these LSOAs, straight from the table."""
    households = Household.objects.filter(programme__code="households-into-work", lsoa__in=lsoas)
    today = timezone.localdate()
    return {
        "referred": households.filter(referral_date__lte=today),
        "started": households.filter(start_date__lte=today),
    }[column].count()


@pytest.fixture
def knowsley(shipped_areas: None, world: World) -> World:
    # The world's own households live nowhere in the area data; these do.
    Household.objects.update(lsoa="")
    for lsoa, n in ((X, 12), (Y, 4), (Z, 1)):  # published: 10, [c], [c]
        _started(world, lsoa, n)
    return world


def _cell(page: str, heading: str) -> str:
    return re.search(rf"{heading}</th><td[^>]*>([^<]*)</td>", page).group(1)


def _profile(client: Client, code: str) -> str:
    return client.get(reverse("area_reports:profile", args=[code])).content.decode()


def _ward_cells(page: str, code: str) -> list[str]:
    """The cells after the name in the ward league's row of `code`: need, referred, started…"""
    row = re.search(rf'href="/areas/{code}/".*?</tr>', page, re.S).group(0)
    return re.findall(r"<td[^>]*>([^<]*)</td>", row)


def _league(page: str, kind: str) -> list[tuple[str, str]]:
    """(code, gap) of each row of the page's 'most under-served' table of `kind`, in order."""
    table = re.search(rf"most under-served {kind}</caption>(.*?)</table>", page, re.S).group(1)
    rows = re.findall(r"<tr class=\"govuk-table__row\">(.*?)</tr>", table, re.S)[1:]  # the head
    return [
        (
            re.search(r'href="/areas/(E0\d+)/"', row).group(1),
            re.findall(r"<td[^>]*>([^<]*)</td>", row)[-1],
        )
        for row in rows
    ]


def test_a_local_authority_profile_publishes_the_exact_sum_not_a_sum_of_cells(
    knowsley: World, signed_in
) -> None:
    lsoas = list(find_area(KNOWSLEY).lsoas.values_list("code", flat=True))
    started = _exact("started", lsoas)
    cells = [disclosure.count(_exact("started", [code])) for code in lsoas]
    # The false total: withheld LSOAs dropped. The published total is not that.
    assert disclosure.count(started) != sum(c for c in cells if c is not None)
    page = _profile(signed_in(knowsley.funder), KNOWSLEY)
    assert _cell(page, "Households started") == str(disclosure.count(started))
    assert _cell(page, "Households referred") == str(disclosure.count(_exact("referred", lsoas)))
    assert "[c] confidential: fewer than 10" in page
    # A manager sees the exact sum.
    page = _profile(signed_in(knowsley.programme_manager), KNOWSLEY)
    assert _cell(page, "Households started") == str(started)


def test_an_lsoa_with_one_household_shows_c_not_0_on_its_page_map_and_csv(
    knowsley: World, signed_in
) -> None:
    client = signed_in(knowsley.funder)
    page = _profile(client, Z)
    assert _cell(page, "Households started") == "[c]"
    assert _cell(page, "Households referred") == "[c]"
    rows = {
        r["code"]: r
        for r in csv.DictReader(
            io.StringIO(
                client.get(reverse("area_reports:reach-csv") + KNOWSLEY_REACH).content.decode()
            )
        )
    }
    assert rows[Z]["started"] == "[c]"
    assert rows[Z]["gap"] == "[c]"  # worked out from a withheld count: withheld too
    assert rows[Z]["need"] != "[c]"  # public data
    assert rows[X]["started"] == str(disclosure.count(12))
    page = client.get(
        reverse("area_reports:reach") + KNOWSLEY_REACH + "&measure=started"
    ).content.decode()
    assert f'data-code="{Z}" data-value="[c]"' in page  # hatched, and labelled
    assert re.search(rf"\({Z}\)</th><td[^>]*>\[c\]</td>", page)  # the table beside the map


def test_the_under_served_list_ranks_only_the_gaps_a_funder_may_see(
    knowsley: World, signed_in
) -> None:
    page = (
        signed_in(knowsley.funder)
        .get(reverse("area_reports:reach") + KNOWSLEY_REACH)
        .content.decode()
    )
    league = _league(page, "LSOAs")
    codes, gaps = [code for code, _ in league], [gap for _, gap in league]
    assert league and all(gaps)  # no row whose gap is withheld
    assert Y not in codes and Z not in codes  # their started counts are withheld
    assert [Decimal(g) for g in gaps] == sorted((Decimal(g) for g in gaps), reverse=True)
    assert codes != sorted(codes)
    assert "LSOAs are not ranked: their gap is withheld" in page
    # The wards add up their LSOAs' exact counts before anything is withheld.
    wards = dict(_league(page, "wards"))
    assert _ward_cells(page, STOCKBRIDGE)[2] == str(
        disclosure.count(_exact("started", STOCKBRIDGE_LSOAS))
    )  # 17: 15
    assert STOCKBRIDGE in wards


def test_where_nothing_can_be_ranked_the_page_says_why(
    shipped_areas: None, world: World, signed_in
) -> None:
    Household.objects.update(lsoa="")
    for lsoa in STOCKBRIDGE_LSOAS:
        _started(world, lsoa, 2)  # 12 in the ward: published 10; every LSOA [c]
    client = signed_in(world.funder)
    base = f"{reverse('area_reports:reach')}?programme=households-into-work&area="
    page = client.get(base + STOCKBRIDGE).content.decode()
    assert "most under-served LSOAs</caption>" not in page
    assert "The LSOAs are not ranked. Too few households in each of these areas to rank" in page
    page = client.get(base + X).content.decode()
    assert "Too few households have started in Knowsley 006A to publish its rate" in page
    # A manager, who sees exact figures, gets the ranking.
    page = signed_in(world.programme_manager).get(base + STOCKBRIDGE).content.decode()
    assert len(_league(page, "LSOAs")) == len(STOCKBRIDGE_LSOAS)


def test_tied_gaps_share_a_rank_and_withheld_ones_are_left_out(knowsley: World) -> None:
    scope = scope_for_user(knowsley.funder, knowsley.hiw, date_to=dt.date.today())
    found = reach.need_and_reach(scope, find_area(STOCKBRIDGE))
    a, b, c, d = found.rows[:4]
    rows = [
        dataclasses.replace(a, gap=Decimal("5.0")),
        dataclasses.replace(b, gap=Decimal("7.5")),
        dataclasses.replace(c, gap=Decimal("5.0")),
        dataclasses.replace(d, gap=None),
    ]
    league = reach.under_served(found, rows)
    assert [(p.rank, p.tied, p.row.code) for p in league.ranked] == [
        (1, False, b.code),
        (2, True, min(a.code, c.code)),
        (2, True, max(a.code, c.code)),
    ]
    assert league.left_out == 1 and league.reason == ""


def test_the_published_pack_ranks_only_gaps_a_funder_may_see(knowsley: World) -> None:
    scope = scope_for_user(
        knowsley.funder,
        knowsley.hiw,
        date_to=dt.date.today(),
        area=knowsley.knowsley.local_authority,
    )
    section = reach.pack_section(scope)
    ranked = [place.row for place in section["under_served"].ranked]
    assert len(ranked) == 10
    assert all(row.gap is not None for row in ranked)
    assert [r.gap for r in ranked] == sorted((r.gap for r in ranked), reverse=True)


def test_another_teams_manager_counts_none_of_these_households_in_any_total(
    knowsley: World, signed_in
) -> None:
    # Liverpool's team manager may open Knowsley's pages (open data) but counts only their own
    # team's households: none live here, so every total and ward sum is an exact 0.
    client = signed_in(knowsley.manager_l)
    assert _cell(_profile(client, KNOWSLEY), "Households started") == "0"
    page = client.get(reverse("area_reports:reach") + KNOWSLEY_REACH).content.decode()
    assert _ward_cells(page, STOCKBRIDGE)[2] == "0"
    # A programme manager of another programme is refused this programme's figures.
    win = signed_in(knowsley.win_manager)
    assert win.get(reverse("area_reports:reach") + KNOWSLEY_REACH).status_code == 404
