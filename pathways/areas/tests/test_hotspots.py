"""Hotspots on the shipped real data, each checked against a ranking worked out here, straight
from the CSV files, with nothing of Pathways but the file paths."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.areas import hotspots
from pathways.areas.loaders.shipped import SHIPPED
from pathways.areas.models import Neighbourhood

RANK = "Employment Rank (where 1 is most deprived)"
RATE = "derived_employment_rate_approx"
AUTHORITIES = ["E06000006", "E08000011", "E08000012", "E08000013", "E08000014", "E08000015"]


def _csv(name: str) -> list[dict[str, str]]:
    with (SHIPPED / name).open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


IMD = _csv("imd2019_lcr_lsoa.csv")
WARDS = {r["LSOA11CD"]: r["WD19NM"] for r in _csv("lcr_lsoa11_ward19_lookup.csv")}


@pytest.fixture
def region(shipped_areas: None, db: object) -> None:
    """The shipped data (loaded once for the module)."""


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("areas", "hotspots", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("authority", AUTHORITIES)
def test_each_authoritys_employment_hotspots_match_the_csv(region: None, authority: str) -> None:
    mine = [r for r in IMD if r["Local Authority District code (2019)"] == authority]
    expected = sorted(mine, key=lambda r: (int(r[RANK]), r["LSOA code (2011)"]))[:10]
    found = json.loads(
        run(
            "--area", authority, "--indicator", "employment_rank", "--top", "10", "--format", "json"
        )
    )
    assert found["lsoas_with_a_value"] == len(mine)
    assert [
        (s["code"], s["name"], s["ward"], s["value"], s["national_rank"]) for s in found["lsoas"]
    ] == [
        (
            r["LSOA code (2011)"],
            r["LSOA name (2011)"],
            WARDS[r["LSOA code (2011)"]],
            int(r[RANK]),
            int(r[RANK]),
        )
        for r in expected
    ]


@pytest.mark.parametrize("authority", AUTHORITIES)
def test_worklessness_of_25_percent_or_more_matches_the_csv(region: None, authority: str) -> None:
    expected = sorted(
        (
            r
            for r in IMD
            if r["Local Authority District code (2019)"] == authority
            and r[RATE]
            and Decimal(r[RATE]) >= Decimal("0.25")
        ),
        key=lambda r: (-Decimal(r[RATE]), r["LSOA code (2011)"]),
    )
    text = run(
        "--area",
        authority,
        "--indicator",
        "employment_rate",
        "--at-least",
        "0.25",
        "--top",
        "all",
        "--format",
        "csv",
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["code"], Decimal(r["value"]), int(r["national_rank"])) for r in rows] == [
        (r["LSOA code (2011)"], Decimal(r[RATE]), int(r[RANK])) for r in expected
    ]


def test_the_most_deprived_percent_filter_uses_the_national_rank(region: None) -> None:
    ranking = hotspots.rank_lsoas(
        hotspots.find_area("E08000012"),
        hotspots.find_indicator("imd_rank"),
        top=None,
        most_deprived_percent=Decimal(1),
    )
    cut = 32_844 // 100  # the most deprived 1%: ranks 1 to 328
    imd = "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)"
    expected = sorted(
        r["LSOA code (2011)"]
        for r in IMD
        if r["Local Authority District code (2019)"] == "E08000012" and int(r[imd]) <= cut
    )
    assert sorted(s.code for s in ranking.hotspots) == expected
    assert ranking.hotspots[0].code == "E01006547"  # Liverpool 019C, national rank 10
    assert ranking.hotspots[0].national_rank == 10


def test_liverpools_share_of_lsoas_in_the_most_deprived_tenth_is_0_487(region: None) -> None:
    assert hotspots.share_most_deprived(hotspots.find_area("E08000012")) == Decimal("0.487")
    assert hotspots.share_most_deprived(hotspots.find_area("E08000011")) == Decimal("0.469")


def test_a_ward_and_a_neighbourhood_are_areas_too(region: None) -> None:
    ward = hotspots.find_area("E05010946")  # Stockbridge, Knowsley
    assert ward.kind == "ward" and ward.name == "Stockbridge"
    assert set(ward.lsoas.values_list("code", flat=True)) == {
        r["LSOA11CD"] for r in _csv("lcr_lsoa11_ward19_lookup.csv") if r["WD19CD"] == "E05010946"
    }
    hood = Neighbourhood.objects.create(code="north-huyton", name="North Huyton")
    hood.lsoas.set(ward.lsoas.all())
    found = hotspots.rank_lsoas(
        hotspots.find_area("north-huyton"), hotspots.find_indicator("imd_rank"), top=None
    )
    assert {s.code for s in found.hotspots} == set(ward.lsoas.values_list("code", flat=True))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", "E09999999", "--indicator", "imd_rank"], "is not an area Pathways knows"),
        (["--area", "E08000011", "--indicator", "happiness"], "is not an indicator. Known:"),
        (["--area", "E08000011", "--indicator", "imd_rank", "--top", "ten"], "is not a number"),
        (["--area", "E08000011", "--indicator", "imd_rank", "--top", "0"], "1 or more"),
        (
            ["--area", "E08000011", "--indicator", "imd_rank", "--most-deprived", "150"],
            "percentage above 0",
        ),
        (["--area", "E08000011", "--indicator", "imd_rank", "--at-least", "x"], "is not a number"),
        (
            ["--area", "E08000011", "--indicator", "imd_rank", "--date", "2010-01-01"],
            "has no values on or before",
        ),
    ],
)
def test_bad_questions_get_a_clear_answer(region: None, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run(*args)
