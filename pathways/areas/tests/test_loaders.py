"""Loading area data: the shipped Liverpool City Region files (real open data), and files that
are wrong in the ways real files are wrong."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pathways.areas.loaders.boundaries import load_boundaries
from pathways.areas.loaders.imd import load_imd
from pathways.areas.loaders.indicators import load_indicator
from pathways.areas.loaders.lookup import load_lookup
from pathways.areas.loaders.postcodes import load_postcodes
from pathways.areas.loaders.reading import AreaDataRefused, Loaded
from pathways.areas.loaders.shipped import SHIPPED, load_shipped
from pathways.areas.models import Indicator, IndicatorValue, LocalAuthority, Lsoa, Postcode, Ward
from pathways.audit.models import AuditEvent

DATA = SHIPPED
FIXTURES = Path(__file__).parent / "fixtures"


def value(code: str, indicator: str) -> Decimal:
    return IndicatorValue.objects.get(lsoa__code=code, indicator__code=indicator).value


def snapshot() -> dict[str, object]:
    return {
        "lsoas": sorted(
            Lsoa.objects.values_list(
                "code",
                "name",
                "vintage",
                "local_authority__code",
                "ward__code",
                "population",
                "working_age",
            )
        ),
        "wards": sorted(Ward.objects.values_list("code", "name", "local_authority__code")),
        "values": sorted(
            IndicatorValue.objects.values_list("indicator__code", "lsoa__code", "date", "value")
        ),
        "boundaries": Lsoa.objects.exclude(boundary=None).count(),
    }


@pytest.fixture
def shipped(db: object) -> list[Loaded]:
    return load_shipped()


def test_the_shipped_region_has_its_989_lsoas_in_six_authorities(shipped: object) -> None:
    by_authority = {
        la.code: la.lsoas.count()
        for la in LocalAuthority.objects.filter(lsoas__isnull=False).distinct()
    }
    assert by_authority == {
        "E06000006": 79,
        "E08000011": 98,
        "E08000012": 298,
        "E08000013": 119,
        "E08000014": 189,
        "E08000015": 206,
    }
    assert Ward.objects.count() == 126
    assert Lsoa.objects.filter(boundary=None).count() == 0
    assert set(Lsoa.objects.values_list("vintage", flat=True)) == {"2011"}


def test_the_most_deprived_lsoa_in_the_region_is_liverpool_019c_ranked_10th(
    shipped: object,
) -> None:
    ranks = IndicatorValue.objects.filter(indicator__code="imd_rank").order_by("value")
    first = ranks.select_related("lsoa").first()
    assert (first.lsoa.code, first.lsoa.name, first.value) == ("E01006547", "Liverpool 019C", 10)
    assert first.lsoa.local_authority.name == "Liverpool"


def test_values_are_the_files_own(shipped: object) -> None:
    # The first row of the shipped file, Knowsley 006A, read independently.
    with (DATA / "imd2019_lcr_lsoa.csv").open(newline="", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f) if r["LSOA code (2011)"] == "E01006412")
    lsoa = Lsoa.objects.get(code="E01006412")
    assert lsoa.name == "Knowsley 006A"
    assert lsoa.population == int(row["Total population: mid 2015 (excluding prisoners)"])
    assert lsoa.ward.name == "Stockbridge"
    assert value("E01006412", "employment_rank") == int(
        row["Employment Rank (where 1 is most deprived)"]
    )
    assert value("E01006412", "employment_rate") == Decimal(row["derived_employment_rate_approx"])
    assert value("E01006412", "imd_score") == Decimal(row["derived_imd_score"])
    employment_rate = Indicator.objects.get(code="employment_rate")
    assert employment_rate.kind == Indicator.Kind.RATE
    assert employment_rate.ranked_by.code == "employment_rank"


def test_a_suppressed_value_is_left_out_not_made_zero(shipped: object) -> None:
    # One LSOA's employment numerator is suppressed in the official file (blank).
    with (DATA / "imd2019_lcr_lsoa.csv").open(newline="", encoding="utf-8") as f:
        blank = [
            r["LSOA code (2011)"]
            for r in csv.DictReader(f)
            if not r["derived_employment_rate_approx"]
        ]
    assert len(blank) == 1
    assert not IndicatorValue.objects.filter(
        lsoa__code=blank[0], indicator__code="employment_rate"
    ).exists()


def test_loading_twice_changes_nothing(shipped: list[Loaded]) -> None:
    before = snapshot()
    again = load_shipped()
    assert snapshot() == before
    assert not any(loaded.changed for loaded in again)
    assert all(
        created == 0 and updated == 0
        for done in again
        for created, updated, _ in done.counts.values()
    )
    assert shipped[0].changed


def _imd_with(change: dict[str, str], at_row: int = 3) -> bytes:
    """The shipped IMD file with some cells of one row (the row after the header = 1) changed."""
    text = (DATA / "imd2019_lcr_lsoa.csv").read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    header = rows[0]
    for column, new in change.items():
        rows[at_row][header.index(column)] = new
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("column", "bad", "reason"),
    [
        ("LSOA code (2011)", "E0100641", "is not an LSOA code"),
        (
            "Index of Multiple Deprivation (IMD) Rank (where 1 is most deprived)",
            "0",
            "is not between 1 and 32,844",
        ),
        ("Employment Rank (where 1 is most deprived)", "40000", "is not between 1 and 32,844"),
        (
            "Employment Decile (where 1 is most deprived 10% of LSOAs)",
            "eleven",
            "is not a whole number",
        ),
        ("derived_employment_rate_approx", "1.7", "is not a rate between 0 and 1"),
    ],
)
def test_a_bad_code_or_rank_is_refused_with_its_line(column: str, bad: str, reason: str) -> None:
    with pytest.raises(AreaDataRefused) as refused:
        load_imd(io.BytesIO(_imd_with({column: bad})), "imd.csv")
    [problem] = refused.value.problems
    # The header is line 1; the changed row is the third data row, line 4 of the file.
    assert problem.line == 4
    assert reason in problem.reason
    assert str(problem).startswith("imd.csv, line 4, column ")
    assert not Lsoa.objects.exists() and not IndicatorValue.objects.exists()


@pytest.mark.django_db
def test_a_refused_file_changes_nothing_already_loaded(shipped: object) -> None:
    before = snapshot()
    changed = _imd_with(
        {"Employment Rank (where 1 is most deprived)": "1", "LSOA code (2011)": "bad"}
    )
    with pytest.raises(AreaDataRefused):
        load_imd(io.BytesIO(changed), "imd.csv")
    assert snapshot() == before


@pytest.mark.django_db
def test_a_corrected_file_updates_only_what_changed(shipped: object) -> None:
    code = "E01006412"
    changed = _imd_with({"Employment Rank (where 1 is most deprived)": "300"}, at_row=1)
    loaded = load_imd(io.BytesIO(changed), "imd.csv")
    assert value(code, "employment_rank") == 300
    assert loaded.counts["indicator values"][:2] == [0, 1]
    assert loaded.counts["LSOAs"][:2] == [0, 0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\xff\xfe not text", "not UTF-8"),
        (b"a,b\n1,2\n", "column is missing"),
        (
            b"LSOA code (2011),LSOA name (2011),Local Authority District code (2019),"
            b"Local Authority District name (2019)\nE01006412,Knowsley 006A,E08000011,Knowsley\n",
            "no column of the Indices",
        ),
    ],
)
def test_files_that_are_not_the_indices_are_refused(content: bytes, reason: str) -> None:
    with pytest.raises(AreaDataRefused) as refused:
        load_imd(io.BytesIO(content), "imd.csv")
    assert reason in " ".join(str(p) for p in refused.value.problems)


@pytest.mark.django_db
def test_the_lookup_refuses_a_ward_in_two_authorities() -> None:
    content = (
        b"LSOA11CD,LSOA11NM,WD19CD,WD19NM,LAD19CD,LAD19NM\n"
        b"E01006412,Knowsley 006A,E05010946,Stockbridge,E08000011,Knowsley\n"
        b"E01006413,Knowsley 006B,E05010946,Stockbridge,E08000012,Liverpool\n"
    )
    with pytest.raises(AreaDataRefused) as refused:
        load_lookup(io.BytesIO(content), "lookup.csv")
    [problem] = refused.value.problems
    assert problem.line == 3 and "also in E08000011" in problem.reason


@pytest.mark.django_db
def test_2021_lsoas_load_from_a_2021_lookup_and_keep_their_vintage() -> None:
    content = (
        b"LSOA21CD,LSOA21NM,WD22CD,WD22NM,LAD22CD,LAD22NM\n"
        b"E01035041,Liverpool 060F,E05015297,Speke,E08000012,Liverpool\n"
    )
    load_lookup(io.BytesIO(content), "lookup21.csv")
    lsoa = Lsoa.objects.get(code="E01035041")
    assert (lsoa.vintage, lsoa.ward.vintage, lsoa.local_authority.name) == (
        "2021",
        "2022",
        "Liverpool",
    )


@pytest.mark.django_db
def test_boundaries_of_unknown_lsoas_or_without_lon_lat_are_refused(shipped: object) -> None:
    square = [[[-2.9, 53.4], [-2.8, 53.4], [-2.8, 53.5], [-2.9, 53.4]]]
    features = [
        {
            "type": "Feature",
            "properties": {"LSOA11CD": "E01099999"},
            "geometry": {"type": "Polygon", "coordinates": square},
        },
        {
            "type": "Feature",
            "properties": {"LSOA11CD": "E01006412"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[345000, 390000], [1, 2], [3, 4], [345000, 390000]]],
            },
        },
        {
            "type": "Feature",
            "properties": {"name": "x"},
            "geometry": {"type": "Polygon", "coordinates": square},
        },
    ]
    content = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    before = snapshot()
    with pytest.raises(AreaDataRefused) as refused:
        load_boundaries(io.BytesIO(content), "b.geojson")
    said = [str(p) for p in refused.value.problems]
    assert any("feature 2" in s and "longitude and latitude" in s for s in said)
    assert any("feature 3" in s and "LSOA11CD" in s for s in said)
    assert any("E01099999" in s and "not an LSOA Pathways knows" in s for s in said)
    assert snapshot() == before


@pytest.mark.django_db
def test_any_indicator_by_lsoa_loads_with_a_date_and_is_refused_by_line(shipped: object) -> None:
    good = b"LSOA11CD,value\nE01006412,35\nE01006413,20\n"
    loaded = load_indicator(
        io.BytesIO(good), "claimants.csv", indicator="claimants", date=dt.date(2024, 5, 1)
    )
    assert loaded.counts["indicator values"][0] == 2
    assert value("E01006412", "claimants") == 35
    bad = b"LSOA11CD,value\nE01006412,35\nE0100641X,20\nE01006414,lots\n"
    with pytest.raises(AreaDataRefused) as refused:
        load_indicator(io.BytesIO(bad), "c.csv", indicator="claimants", date=dt.date(2024, 6, 1))
    assert [(p.line, p.column) for p in refused.value.problems] == [(3, "lsoa11cd"), (4, "value")]
    assert not IndicatorValue.objects.filter(indicator__code="claimants", date__month=6).exists()


@pytest.mark.django_db
def test_the_postcode_directory_extract_loads_and_scotland_is_passed_over() -> None:
    loaded = load_postcodes((FIXTURES / "postcodes.csv").open("rb"), "postcodes.csv")
    assert loaded.changed
    assert Postcode.objects.get(key="L369GD").lsoa11.startswith("E01")
    again = load_postcodes((FIXTURES / "postcodes.csv").open("rb"), "postcodes.csv")
    assert not again.changed


@pytest.mark.django_db
def test_the_command_loads_reports_and_audits_and_refuses_with_lines(tmp_path: Path) -> None:
    out = io.StringIO()
    call_command("areas", "load-shipped", stdout=out)
    assert "989 new" in out.getvalue()
    assert AuditEvent.objects.filter(verb="areas.loaded").count() == 1
    out = io.StringIO()
    call_command("areas", "load-shipped", stdout=out)
    assert "0 new, 0 changed, 989 unchanged" in out.getvalue()
    assert AuditEvent.objects.filter(verb="areas.loaded").count() == 1  # nothing changed
    bad = tmp_path / "imd.csv"
    bad.write_bytes(_imd_with({"LSOA code (2011)": "nonsense"}))
    with pytest.raises(
        CommandError, match=r"imd.csv, line 4, column lsoa code \(2011\): 'nonsense'"
    ):
        call_command("areas", "load-imd", str(bad))
    with pytest.raises(CommandError, match="is not a file"):
        call_command("areas", "load-imd", str(tmp_path / "missing.csv"))
    with pytest.raises(CommandError, match="is not a date"):
        call_command("areas", "load-indicator", str(bad), "--name", "x", "--date", "May")
