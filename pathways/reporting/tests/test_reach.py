"""Need against reach for a generated programme in Stockbridge ward (Knowsley), checked against a
hand calculation from the shipped Indices of Deprivation file."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.areas.hotspots import find_area
from pathways.areas.loaders.shipped import SHIPPED
from pathways.conftest import World
from pathways.households.models import Household
from pathways.households.tests.factories import HouseholdFactory, PersonFactory
from pathways.outcomes.models import Outcome
from pathways.outcomes.spells import record_spell
from pathways.reporting import reach
from pathways.reporting.scope import make_scope

STOCKBRIDGE = "E05010946"
A, B = "E01006412", "E01006413"  # Knowsley 006A and 006B, both in Stockbridge
ELSEWHERE = "E01006547"  # Liverpool 019C
REPORT_DATE = dt.date(2019, 3, 31)


def _imd() -> dict[str, dict[str, str]]:
    with (SHIPPED / "imd2019_lcr_lsoa.csv").open(newline="", encoding="utf-8") as f:
        return {r["LSOA code (2011)"]: r for r in csv.DictReader(f)}


def _ward_lsoas() -> list[str]:
    with (SHIPPED / "lcr_lsoa11_ward19_lookup.csv").open(newline="", encoding="utf-8") as f:
        return sorted(r["LSOA11CD"] for r in csv.DictReader(f) if r["WD19CD"] == STOCKBRIDGE)


def _household(world: World, lsoa: str, *, referred: dt.date, started: dt.date | None) -> Household:
    household = HouseholdFactory(
        programme=world.hiw,
        organisation=world.knowsley,
        advocate=world.advocate_k,
        lsoa=lsoa,
        referral_date=referred,
        start_date=started,
        status=Household.Status.STARTED if started else Household.Status.REFERRED,
    )
    PersonFactory(household=household)
    return household


@pytest.fixture
def programme(shipped_areas: None, world: World) -> World:
    d = dt.date
    # A: three referred, two started, one of them into work.
    _household(world, A, referred=d(2018, 5, 1), started=None)
    working = _household(world, A, referred=d(2018, 5, 1), started=d(2018, 6, 1))
    _household(world, A, referred=d(2018, 7, 1), started=d(2018, 8, 1))
    # B: one referred and started.
    _household(world, B, referred=d(2018, 9, 1), started=d(2018, 9, 15))
    # Not counted: elsewhere; referred after the report date; another programme.
    _household(world, ELSEWHERE, referred=d(2018, 5, 1), started=d(2018, 6, 1))
    _household(world, B, referred=d(2019, 5, 1), started=d(2019, 5, 2))
    other = _household(world, B, referred=d(2018, 5, 1), started=d(2018, 6, 1))
    Household.objects.filter(pk=other.pk).update(programme=world.win)
    record_spell(
        actor=world.advocate_k,
        person=working.members.get(),
        employer="Acme Ltd",
        start_date=d(2018, 7, 1),
        hours_per_week=Decimal("20"),
        evidence="payslip",
    )
    assert Outcome.objects.filter(household=working, kind=Outcome.Kind.JOB_OUTCOME).exists()
    return world


def _round(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def test_need_against_reach_matches_a_hand_calculation(programme: World) -> None:
    scope = make_scope(programme.hiw, Household.objects.all(), date_to=REPORT_DATE)
    found = reach.need_and_reach(scope, find_area(STOCKBRIDGE))
    imd = _imd()
    lsoas = _ward_lsoas()
    assert sorted(r.code for r in found.rows) == lsoas

    # By hand: need = working-age population × employment rate, from the CSV.
    def need(code: str) -> Decimal:
        row = imd[code]
        return Decimal(
            row[
                "Working age population 18-59/64: for use with Employment Deprivation Domain "
                "(excluding prisoners)"
            ]
        ) * Decimal(row["derived_employment_rate_approx"])

    started = {A: 2, B: 1}
    total_need = sum(need(c) for c in lsoas)
    area_rate = Decimal(3) / total_need
    rows = {r.code: r for r in found.rows}
    for code in lsoas:
        row = rows[code]
        assert row.need == _round(need(code))
        assert row.started == started.get(code, 0)
        assert row.expected == _round(need(code) * area_rate)
        assert row.gap == _round(need(code) * area_rate - started.get(code, 0))
        assert row.started_per_1000_in_need == _round(
            Decimal(started.get(code, 0)) / need(code) * 1000
        )
    assert (rows[A].referred, rows[A].started, rows[A].job_outcomes) == (3, 2, 1)
    assert (rows[B].referred, rows[B].started, rows[B].job_outcomes) == (1, 1, 0)
    assert found.area_rate_per_1000 == _round(area_rate * 1000)
    # The most under-served first: the largest gap.
    gaps = [r.gap for r in found.rows]
    assert gaps == sorted(gaps, reverse=True)


def test_published_reach_withholds_small_counts(programme: World) -> None:
    scope = make_scope(programme.hiw, Household.objects.all(), date_to=REPORT_DATE, published=True)
    found = reach.need_and_reach(scope, find_area(STOCKBRIDGE))
    rows = {r.code: r for r in found.rows}
    assert rows[A].started is None and rows[A].gap is None  # 2: withheld
    assert rows[A].need is not None  # an LSOA's need is public data: never withheld
    assert found.total_started is None
    text = reach.as_csv(found)
    assert "[c]" in text


def test_the_command_writes_the_csv_most_under_served_first(programme: World) -> None:
    out = io.StringIO()
    call_command(
        "reach",
        "--programme",
        "households-into-work",
        "--area",
        STOCKBRIDGE,
        "--to",
        "2019-03-31",
        "--top",
        "3",
        stdout=out,
    )
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 3
    assert list(rows[0]) == reach.COLUMNS
    assert [Decimal(r["gap"]) for r in rows] == sorted(
        (Decimal(r["gap"]) for r in rows), reverse=True
    )


def test_the_report_pack_has_the_neighbourhood_map_and_the_most_under_served(
    programme: World,
) -> None:
    from pypdf import PdfReader

    from pathways.reporting import formats

    knowsley = programme.knowsley.local_authority
    scope = make_scope(programme.hiw, Household.objects.all(), date_to=REPORT_DATE, area=knowsley)
    section = reach.pack_section(scope)
    assert section["map"]["svg"].count("data-code=") == 98  # Knowsley's LSOAs
    first = section["under_served"].ranked[0].row
    reader = PdfReader(io.BytesIO(formats.render(scope, "pack", "pdf")))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Neighbourhoods: need against reach" in text
    assert first.name in text


def test_a_neighbourhood_narrows_every_report_to_its_households(
    programme: World, signed_in
) -> None:
    from django.urls import reverse

    from pathways.areas.services import save_neighbourhood
    from pathways.reporting import formats

    hood = save_neighbourhood(actor=programme.programme_manager, name="Knowsley 006A", codes=[A])
    # CLI: only the households living in 006A (two started there by the report date).
    out = io.StringIO()
    call_command(
        "report",
        "performance",
        "--programme",
        "households-into-work",
        "--to",
        "2019-03-31",
        "--neighbourhood",
        hood.code,
        "--format",
        "json",
        stdout=out,
    )
    import json

    found = json.loads(out.getvalue())
    started = next(r for r in found["rows"] if r["key"] == "started")
    assert started["count"] == 2 and started["target"] is None  # a part has no targets
    scope = make_scope(
        programme.hiw, Household.objects.all(), date_to=REPORT_DATE, neighbourhood=hood
    )
    assert formats.heading(scope).endswith(
        "all local authorities, Knowsley 006A, as at 31 March 2019"
    )
    # On screen: a manager may choose it; a funder is not offered it.
    page = signed_in(programme.programme_manager).get(
        f"{reverse('reporting:table', args=['performance'])}?programme=households-into-work"
        f"&neighbourhood={hood.code}&date_to_0=31&date_to_1=3&date_to_2=2019"
    )
    assert page.status_code == 200 and "Knowsley 006A" in page.content.decode()
    funder = signed_in(programme.funder).get(
        f"{reverse('reporting:dashboard')}?programme=households-into-work"
    )
    assert 'name="neighbourhood"' not in funder.content.decode()
    with pytest.raises(CommandError, match="is not a neighbourhood"):
        call_command(
            "report",
            "performance",
            "--programme",
            "households-into-work",
            "--neighbourhood",
            "nowhere",
        )
