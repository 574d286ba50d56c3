"""Loading area data: the English Indices of Deprivation, LSOA boundaries, the LSOA → ward
lookup, any indicator keyed by LSOA code, and an ONS postcode directory extract.

Every loader reads the whole file first and either refuses it, naming each bad line, or writes
it in one transaction. Loading the same file twice changes nothing: each loader compares what
the file says with what is held and writes only the differences (`Loaded` says how many).
The official files load as they are published (their column names, other columns ignored), so
any region of England loads the same way as the Liverpool City Region files shipped in
`pathways/areas/data/`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any

from django.db import transaction

from pathways.areas.models import (
    Indicator,
    IndicatorValue,
    LocalAuthority,
    Lsoa,
    Postcode,
    Ward,
)
from pathways.core import bulk
from pathways.core.csvfiles import MAX_FIELD, _why
from pathways.core.postcodes import postcode_key
from pathways.core.problems import Problem

LSOA_CODE = re.compile(r"^[EW]01\d{6}$")
WARD_CODE = re.compile(r"^[EW]05\d{6}$")
LA_CODE = re.compile(r"^[EW]0[6-9]\d{6}$")
# LSOAs in England in the Indices of Deprivation 2019: ranks run from 1 to this.
IOD2019_LSOAS = 32_844
IOD2019_DATE = dt.date(2019, 9, 26)  # published
MAX_PROBLEMS = 50


class AreaDataRefused(Exception):
    """Every problem found; nothing was loaded."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s); nothing was loaded")


@dataclass
class Loaded:
    """What a load changed, by kind of record: {"LSOAs": (created, updated, unchanged)}."""

    what: str
    counts: dict[str, list[int]] = field(default_factory=dict)

    def count(self, kind: str, *, created: int = 0, updated: int = 0, unchanged: int = 0) -> None:
        held = self.counts.setdefault(kind, [0, 0, 0])
        held[0] += created
        held[1] += updated
        held[2] += unchanged

    @property
    def changed(self) -> bool:
        return any(created or updated for created, updated, _ in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{kind}: {created:,} new, {updated:,} changed, {unchanged:,} unchanged"
            for kind, (created, updated, unchanged) in self.counts.items()
        ]


# --- reading ------------------------------------------------------------------------------------


def _rows(stream: IO[bytes], name: str) -> Iterator[tuple[int, dict[str, str]] | Problem]:
    """A CSV file's rows as (line, {lower-case column: text}); other columns are kept (the
    official files have many we do not read). A file that is not CSV is one Problem."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")
    reader = csv.reader(text, strict=True)
    try:
        header = next(reader, None)
        if not header or not any(cell.strip() for cell in header):
            yield Problem(name, 1, "", "", "the file is empty: it needs a header row")
            return
        columns = [" ".join(cell.split()).lower() for cell in header]
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(columns):
                yield Problem(
                    name,
                    reader.line_num,
                    "",
                    "",
                    f"has {len(cells)} cells but the header has {len(columns)} columns",
                )
                continue
            if any(len(cell) > MAX_FIELD for cell in cells):
                yield Problem(name, reader.line_num, "", "", "has a cell that is far too long")
                continue
            if any("\x00" in cell for cell in cells):
                yield Problem(name, reader.line_num, "", "", "has a NUL character in a cell")
                continue
            yield reader.line_num, dict(zip(columns, (c.strip() for c in cells), strict=True))
    except (UnicodeDecodeError, ValueError, csv.Error) as error:
        yield Problem(name, max(reader.line_num, 1), "", "", _why(error))


def _column(columns: Iterable[str], *candidates: str) -> str | None:
    """The first of `candidates` (lower case) among a file's columns."""
    present = set(columns)
    return next((c for c in candidates if c in present), None)


def _whole(text: str, low: int, high: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise ValueError("is not a whole number") from None
    if not low <= value <= high:
        raise ValueError(f"is not between {low:,} and {high:,}")
    return value


def _number(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError("is not a number") from None
    if not value.is_finite() or abs(value) >= 10**10:
        raise ValueError("is not a number we can hold")
    return value.quantize(Decimal("0.0001"))


def _code(text: str, pattern: re.Pattern[str], what: str) -> str:
    code = text.strip().upper()
    if not pattern.match(code):
        raise ValueError(f"is not {what}")
    return code


def lsoa_code(text: str) -> str:
    return _code(text, LSOA_CODE, "an LSOA code, like E01006412")


def _in_chunks(keys: Iterable[Any], size: int = 2000) -> Iterator[list[Any]]:
    """Keys a few thousand at a time, for `__in` lookups (SQLite allows 32,766 parameters)."""
    batch: list[Any] = []
    for key in keys:
        batch.append(key)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _refuse_if(problems: list[Problem]) -> None:
    if problems:
        raise AreaDataRefused(problems[:MAX_PROBLEMS])


# --- the Indices of Deprivation 2019 ------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    code: str
    name: str
    kind: str
    columns: tuple[str, ...]  # the official column name first, then the shipped file's
    ranked_by: str = ""


def _domain(code: str, name: str, label: str, *scores: Measure) -> list[Measure]:
    return [
        Measure(
            f"{code}_rank",
            f"{name}: national rank",
            Indicator.Kind.RANK,
            (f"{label} rank (where 1 is most deprived)",),
        ),
        Measure(
            f"{code}_decile",
            f"{name}: national decile",
            Indicator.Kind.DECILE,
            (f"{label} decile (where 1 is most deprived 10% of lsoas)",),
        ),
        *scores,
    ]


def _transformed(code: str, name: str, label: str) -> Measure:
    return Measure(
        f"{code}_score_transformed",
        f"{name}: score, exponentially transformed",
        Indicator.Kind.SCORE,
        (f"{label} score - exponentially transformed",),
        ranked_by=f"{code}_rank",
    )


# (code, name, the official files' column label, the transformed score's label or "").
DOMAINS = [
    ("imd", "Index of Multiple Deprivation", "index of multiple deprivation (imd)", ""),
    ("income", "Income deprivation", "income", "income"),
    ("employment", "Employment deprivation", "employment", "employment"),
    (
        "education",
        "Education, skills and training deprivation",
        "education, skills and training",
        "education",
    ),
    ("health", "Health deprivation and disability", "health deprivation and disability", "health"),
    ("crime", "Crime", "crime", "crime"),
    (
        "barriers",
        "Barriers to housing and services",
        "barriers to housing and services",
        "barriers",
    ),
    (
        "living_environment",
        "Living environment deprivation",
        "living environment",
        "living environment",
    ),
    (
        "idaci",
        "Income deprivation affecting children",
        "income deprivation affecting children index (idaci)",
        "",
    ),
    (
        "idaopi",
        "Income deprivation affecting older people",
        "income deprivation affecting older people (idaopi)",
        "",
    ),
]
IOD2019: list[Measure] = [
    *(
        measure
        for code, name, label, transformed in DOMAINS
        for measure in _domain(
            code, name, label, *([_transformed(code, name, transformed)] if transformed else [])
        )
    ),
    Measure(
        "imd_score",
        "Index of Multiple Deprivation: score",
        Indicator.Kind.SCORE,
        ("index of multiple deprivation (imd) score", "derived_imd_score"),
        ranked_by="imd_rank",
    ),
    Measure(
        "income_rate",
        "Income deprivation: rate (share of people)",
        Indicator.Kind.RATE,
        ("income score (rate)", "derived_income_rate_approx"),
        ranked_by="income_rank",
    ),
    Measure(
        "employment_rate",
        "Employment deprivation: rate (share of working-age people)",
        Indicator.Kind.RATE,
        ("employment score (rate)", "derived_employment_rate_approx"),
        ranked_by="employment_rank",
    ),
    Measure(
        "employment_numerator",
        "Employment deprivation: people (rounded to 5)",
        Indicator.Kind.COUNT,
        ("employment domain numerator", "employment domain numerator (file 8, rounded to 5)"),
    ),
    Measure(
        "income_numerator",
        "Income deprivation: people (rounded to 5)",
        Indicator.Kind.COUNT,
        ("income domain numerator", "income domain numerator (file 8, rounded to 5)"),
    ),
]
IOD2019_SOURCE = "English Indices of Deprivation 2019 (MHCLG)"
OGL = "Contains public sector information licensed under the Open Government Licence v3.0."

DENOMINATORS = {
    "population": "total population: mid 2015 (excluding prisoners)",
    "children": "dependent children aged 0-15: mid 2015 (excluding prisoners)",
    "aged_16_59": "population aged 16-59: mid 2015 (excluding prisoners)",
    "older": "older population aged 60 and over: mid 2015 (excluding prisoners)",
    "working_age": "working age population 18-59/64: for use with employment deprivation domain "
    "(excluding prisoners)",
}
IMD_IDENTITY = {
    "code": "lsoa code (2011)",
    "name": "lsoa name (2011)",
    "la_code": "local authority district code (2019)",
    "la_name": "local authority district name (2019)",
}


def _check_measure(measure: Measure, text: str) -> Decimal:
    if measure.kind == Indicator.Kind.RANK:
        return Decimal(_whole(text, 1, IOD2019_LSOAS))
    if measure.kind == Indicator.Kind.DECILE:
        return Decimal(_whole(text, 1, 10))
    value = _number(text)
    if value < 0 or (measure.kind == Indicator.Kind.RATE and value > 1):
        raise ValueError(
            "is not a rate between 0 and 1" if measure.kind == "rate" else "is below 0"
        )
    return value


@dataclass
class _LsoaRow:
    code: str
    name: str
    la_code: str
    la_name: str
    denominators: dict[str, int | None]
    values: dict[str, Decimal]


def read_imd(stream: IO[bytes], name: str) -> tuple[list[_LsoaRow], list[Measure]]:
    """The rows of an IoD2019 file (any of the official files 1-10 by LSOA, or the shipped
    merge of them), checked; the measures the file has. Raises AreaDataRefused."""
    problems: list[Problem] = []
    rows: list[_LsoaRow] = []
    measures: list[Measure] = []
    columns: dict[str, str] = {}
    seen: dict[str, int] = {}
    for item in _rows(stream, name):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        line, cells = item
        if not columns:
            missing = [c for c in IMD_IDENTITY.values() if c not in cells]
            if missing:
                raise AreaDataRefused(
                    [Problem(name, 1, c, "", f"the {c!r} column is missing") for c in missing]
                )
            for measure in IOD2019:
                found = _column(cells, *measure.columns)
                if found:
                    columns[measure.code] = found
                    measures.append(measure)
            if not measures:
                raise AreaDataRefused(
                    [Problem(name, 1, "", "", "has no column of the Indices of Deprivation 2019")]
                )
        try:
            code = lsoa_code(cells[IMD_IDENTITY["code"]])
        except ValueError as error:
            problems.append(
                Problem(name, line, IMD_IDENTITY["code"], cells[IMD_IDENTITY["code"]], str(error))
            )
            continue
        if code in seen:
            problems.append(
                Problem(
                    name,
                    line,
                    IMD_IDENTITY["code"],
                    code,
                    f"appears twice (also line {seen[code]})",
                )
            )
            continue
        seen[code] = line
        row = _LsoaRow(
            code, cells[IMD_IDENTITY["name"]], "", cells[IMD_IDENTITY["la_name"]], {}, {}
        )
        try:
            row.la_code = _code(
                cells[IMD_IDENTITY["la_code"]], LA_CODE, "a local authority code, like E08000011"
            )
        except ValueError as error:
            problems.append(
                Problem(
                    name, line, IMD_IDENTITY["la_code"], cells[IMD_IDENTITY["la_code"]], str(error)
                )
            )
        if not row.name:
            problems.append(Problem(name, line, IMD_IDENTITY["name"], "", "is required"))
        for measure in measures:
            column = columns[measure.code]
            text = cells[column]
            if not text:
                continue  # not published for this LSOA (a suppressed numerator)
            try:
                row.values[measure.code] = _check_measure(measure, text)
            except ValueError as error:
                problems.append(Problem(name, line, column, text, str(error)))
        for attribute, column in DENOMINATORS.items():
            text = cells.get(column, "")
            try:
                row.denominators[attribute] = _whole(text, 0, 10**7) if text else None
            except ValueError as error:
                problems.append(Problem(name, line, column, text, str(error)))
        rows.append(row)
    if not rows and not problems:
        problems.append(Problem(name, 0, "", "", "has no LSOAs"))
    _refuse_if(problems)
    return rows, measures


def _indicators(measures: list[Measure]) -> dict[str, Indicator]:
    """The IoD2019 indicators, made or brought up to date (their definitions, not values)."""
    held = {i.code: i for i in Indicator.objects.filter(code__in=[m.code for m in measures])}
    for measure in measures:
        wanted = {
            "name": measure.name,
            "kind": measure.kind,
            "out_of": IOD2019_LSOAS
            if measure.kind == Indicator.Kind.RANK
            else (10 if measure.kind == Indicator.Kind.DECILE else None),
            "source": IOD2019_SOURCE,
            "attribution": OGL,
        }
        indicator = held.get(measure.code)
        if indicator is None:
            held[measure.code] = Indicator.objects.create(code=measure.code, **wanted)
        elif any(getattr(indicator, k) != v for k, v in wanted.items()):
            for k, v in wanted.items():
                setattr(indicator, k, v)
            indicator.save()
    for measure in measures:
        if measure.ranked_by and measure.ranked_by in held:
            indicator = held[measure.code]
            if indicator.ranked_by_id != held[measure.ranked_by].pk:
                indicator.ranked_by = held[measure.ranked_by]
                indicator.save(update_fields=["ranked_by"])
    return held


def _local_authorities(pairs: dict[str, str], loaded: Loaded) -> dict[str, LocalAuthority]:
    held = {la.code: la for la in LocalAuthority.objects.filter(code__in=list(pairs))}
    for code, name in pairs.items():
        if code not in held:
            held[code] = LocalAuthority.objects.create(code=code, name=name)
            loaded.count("local authorities", created=1)
    return held


def _lsoas(wanted: dict[str, dict[str, Any]], vintage: str, loaded: Loaded) -> dict[str, Lsoa]:
    """LSOAs by code with these fields (created or updated; others left as they are)."""
    held = {
        lsoa.code: lsoa
        for codes in _in_chunks(wanted)
        for lsoa in Lsoa.objects.filter(code__in=codes)
    }
    new, changed, fields = [], [], set()
    for code, values in wanted.items():
        lsoa = held.get(code)
        if lsoa is None:
            new.append(Lsoa(code=code, vintage=vintage, **values))
            continue
        differs = {k for k, v in values.items() if getattr(lsoa, k) != v}
        if differs:
            for k in differs:
                setattr(lsoa, k, values[k])
            fields |= differs
            changed.append(lsoa)
    Lsoa.objects.bulk_create(new, batch_size=500)
    if changed:
        Lsoa.objects.bulk_update(changed, sorted(fields), batch_size=500)
    loaded.count(
        "LSOAs",
        created=len(new),
        updated=len(changed),
        unchanged=len(wanted) - len(new) - len(changed),
    )
    for codes in _in_chunks(lsoa.code for lsoa in new):
        held.update({lsoa.code: lsoa for lsoa in Lsoa.objects.filter(code__in=codes)})
    return held


def _values(values: dict[tuple[int, int], Decimal], date: dt.date, loaded: Loaded) -> None:
    """Indicator values {(indicator id, LSOA id): value} on `date`, written where they differ."""
    indicator_ids = {i for i, _ in values}
    held = {
        (i, lsoa): (pk, value)
        for pk, i, lsoa, value in IndicatorValue.objects.filter(
            indicator_id__in=indicator_ids, date=date
        ).values_list("pk", "indicator_id", "lsoa_id", "value")
    }
    new, changed = [], []
    for key, value in values.items():
        if key not in held:
            new.append((key[0], key[1], date, value))
        elif held[key][1] != value:
            changed.append(IndicatorValue(pk=held[key][0], value=value))
    # Tens of thousands of rows for a region's indices: COPY / executemany, not bulk_create.
    bulk.insert(IndicatorValue, ("indicator_id", "lsoa_id", "date", "value"), new)
    IndicatorValue.objects.bulk_update(changed, ["value"], batch_size=2000)
    loaded.count(
        "indicator values",
        created=len(new),
        updated=len(changed),
        unchanged=len(values) - len(new) - len(changed),
    )


def load_imd(stream: IO[bytes], name: str) -> Loaded:
    """An IoD2019 file: its LSOAs (with their local authority and population denominators) and
    every rank, decile, score and rate it has, dated the day the indices were published."""
    rows, measures = read_imd(stream, name)
    loaded = Loaded(f"{name}: the Indices of Deprivation 2019")
    with transaction.atomic():
        authorities = _local_authorities({r.la_code: r.la_name for r in rows}, loaded)
        lsoas = _lsoas(
            {
                r.code: {
                    "name": r.name,
                    "local_authority_id": authorities[r.la_code].pk,
                    **{k: v for k, v in r.denominators.items() if v is not None},
                }
                for r in rows
            },
            Lsoa.Vintage.V2011,
            loaded,
        )
        indicators = _indicators(measures)
        _values(
            {
                (indicators[code].pk, lsoas[r.code].pk): value
                for r in rows
                for code, value in r.values.items()
            },
            IOD2019_DATE,
            loaded,
        )
    return loaded


# --- the LSOA → ward → local authority lookup ---------------------------------------------------

_VINTAGED = re.compile(r"^(lsoa|wd|lad)(\d\d)(cd|nm)$")


def _vintaged_columns(columns: Iterable[str]) -> dict[str, tuple[str, str]]:
    """{"lsoa": (column of codes, year)} for ONS lookup columns like LSOA11CD, WD19NM."""
    found: dict[str, tuple[str, str]] = {}
    for column in columns:
        match = _VINTAGED.match(column)
        if match and match.group(3) == "cd":
            found.setdefault(match.group(1), (column, "20" + match.group(2)))
    return found


def load_lookup(stream: IO[bytes], name: str) -> Loaded:
    """An ONS LSOA → ward → local authority lookup (columns like LSOA11CD, LSOA11NM, WD19CD,
    WD19NM, LAD19CD, LAD19NM): the wards, and each LSOA's ward and local authority."""
    problems: list[Problem] = []
    rows: list[tuple[int, dict[str, str]]] = []
    found: dict[str, tuple[str, str]] = {}
    for item in _rows(stream, name):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        if not found:
            found = _vintaged_columns(item[1])
            missing = [kind.upper() for kind in ("lsoa", "wd", "lad") if kind not in found]
            if missing:
                raise AreaDataRefused(
                    [
                        Problem(name, 1, "", "", f"has no {m}..CD column (like {m}11CD)")
                        for m in missing
                    ]
                )
        rows.append(item)
    lsoa_col, lsoa_year = found.get("lsoa", ("", ""))
    ward_col, ward_year = found.get("wd", ("", ""))
    la_col, _ = found.get("lad", ("", ""))
    if lsoa_year not in Lsoa.Vintage.values and found:
        problems.append(Problem(name, 1, lsoa_col, "", "is not of 2011 or 2021 LSOAs"))
    wards: dict[str, tuple[str, str]] = {}
    lsoas: dict[str, tuple[str, str, str]] = {}
    authorities: dict[str, str] = {}
    for line, cells in rows:
        checks: list[tuple[str, re.Pattern[str], str]] = [
            (lsoa_col, LSOA_CODE, "an LSOA code, like E01006412"),
            (ward_col, WARD_CODE, "a ward code, like E05010946"),
            (la_col, LA_CODE, "a local authority code, like E08000011"),
        ]
        codes = []
        for column, pattern, what in checks:
            try:
                codes.append(_code(cells[column], pattern, what))
            except ValueError as error:
                problems.append(Problem(name, line, column, cells[column], str(error)))
        if len(codes) < 3:
            continue
        lsoa, ward, la = codes
        if lsoa in lsoas:
            problems.append(Problem(name, line, lsoa_col, lsoa, "appears twice"))
            continue
        names = {c: cells.get(c[:-2] + "nm", "") for c in (lsoa_col, ward_col, la_col)}
        if ward in wards and wards[ward][1] != la:
            problems.append(
                Problem(name, line, ward_col, ward, f"is also in {wards[ward][1]} on another line")
            )
            continue
        wards[ward] = (names[ward_col] or ward, la)
        authorities.setdefault(la, names[la_col] or la)
        lsoas[lsoa] = (names[lsoa_col], ward, la)
    if not lsoas and not problems:
        problems.append(Problem(name, 0, "", "", "has no LSOAs"))
    _refuse_if(problems)
    loaded = Loaded(f"{name}: LSOAs in wards ({ward_year})")
    with transaction.atomic():
        held_las = _local_authorities(authorities, loaded)
        held_wards = {w.code: w for w in Ward.objects.filter(code__in=list(wards))}
        new, changed = [], []
        for code, (ward_name, la) in wards.items():
            wanted = {
                "name": ward_name,
                "local_authority_id": held_las[la].pk,
                "vintage": ward_year,
            }
            ward = held_wards.get(code)
            if ward is None:
                new.append(Ward(code=code, **wanted))
            elif any(getattr(ward, k) != v for k, v in wanted.items()):
                for k, v in wanted.items():
                    setattr(ward, k, v)
                changed.append(ward)
        Ward.objects.bulk_create(new)
        Ward.objects.bulk_update(changed, ["name", "local_authority_id", "vintage"])
        loaded.count(
            "wards",
            created=len(new),
            updated=len(changed),
            unchanged=len(wards) - len(new) - len(changed),
        )
        held_wards = {w.code: w.pk for w in Ward.objects.filter(code__in=list(wards))}
        _lsoas(
            {
                code: {
                    **({"name": lsoa_name} if lsoa_name else {}),
                    "ward_id": held_wards[ward],
                    "local_authority_id": held_las[la].pk,
                }
                for code, (lsoa_name, ward, la) in lsoas.items()
            },
            lsoa_year,
            loaded,
        )
    return loaded


# --- boundaries -----------------------------------------------------------------------------------

GEOMETRIES = {"Polygon", "MultiPolygon"}
MAX_BOUNDARY_BYTES = 200 * 1024 * 1024


def _ring_ok(ring: Any) -> bool:
    return (
        isinstance(ring, list)
        and len(ring) >= 4
        and all(
            isinstance(p, list)
            and len(p) >= 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in p[:2])
            and -180 <= p[0] <= 180
            and -90 <= p[1] <= 90
            for p in ring
        )
    )


def _geometry_problem(geometry: Any) -> str:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if not isinstance(kind, str) or kind not in GEOMETRIES:
        return "has no Polygon or MultiPolygon geometry"
    polygons = (
        [geometry.get("coordinates")]
        if geometry["type"] == "Polygon"
        else geometry.get("coordinates")
    )
    if not isinstance(polygons, list) or not polygons:
        return "has no coordinates"
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon or not all(map(_ring_ok, polygon)):
            return "has coordinates that are not longitude and latitude rings (is it WGS84?)"
    return ""


def load_boundaries(stream: IO[bytes], name: str) -> Loaded:
    """A GeoJSON FeatureCollection of LSOA boundaries in longitude and latitude (WGS84), each
    feature's LSOA code in a property like LSOA11CD or LSOA21CD. The LSOAs must be known (load
    the indices or the lookup first); a feature of another LSOA is refused."""
    raw = stream.read(MAX_BOUNDARY_BYTES + 1)
    if len(raw) > MAX_BOUNDARY_BYTES:
        raise AreaDataRefused([Problem(name, 0, "", "", "is larger than 200 MB")])
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as error:
        raise AreaDataRefused([Problem(name, 0, "", "", f"is not GeoJSON ({error})")]) from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list) or not features:
        raise AreaDataRefused([Problem(name, 0, "", "", "is not a GeoJSON FeatureCollection")])
    problems: list[Problem] = []
    wanted: dict[str, Any] = {}
    for number, feature in enumerate(features, start=1):
        where = f"feature {number}"
        properties = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(properties, dict):
            properties = {}
        properties = {str(k).lower(): v for k, v in properties.items()}
        key = _column(properties, "lsoa11cd", "lsoa21cd", "lsoa_code", "code")
        if key is None:
            problems.append(Problem(name, 0, where, "", "has no LSOA11CD or LSOA21CD property"))
            continue
        try:
            code = lsoa_code(str(properties[key]))
        except ValueError as error:
            problems.append(Problem(name, 0, where, str(properties[key]), str(error)))
            continue
        why = _geometry_problem(feature.get("geometry"))
        if why:
            problems.append(Problem(name, 0, where, code, why))
            continue
        if code in wanted:
            problems.append(Problem(name, 0, where, code, "appears twice"))
            continue
        wanted[code] = feature["geometry"]
    known = {
        code
        for codes in _in_chunks(wanted)
        for code in Lsoa.objects.filter(code__in=codes).values_list("code", flat=True)
    }
    problems += [
        Problem(
            name, 0, "", code, "is not an LSOA Pathways knows: load the indices or the lookup first"
        )
        for code in wanted
        if code not in known
    ]
    _refuse_if(problems)
    loaded = Loaded(f"{name}: LSOA boundaries")
    with transaction.atomic():
        _lsoas({code: {"boundary": geometry} for code, geometry in wanted.items()}, "", loaded)
    return loaded


# --- any indicator keyed by LSOA -------------------------------------------------------------------

LSOA_COLUMNS = ("lsoa11cd", "lsoa21cd", "lsoa code (2011)", "lsoa code", "lsoa_code", "lsoa")


def load_indicator(
    stream: IO[bytes],
    name: str,
    *,
    indicator: str,
    date: dt.date,
    kind: str = Indicator.Kind.COUNT,
    column: str = "value",
    title: str = "",
) -> Loaded:
    """A CSV of values keyed by LSOA code (a column like LSOA11CD or "lsoa code") with a value
    column (`column`, "value" by default), as the indicator `indicator` on `date`: claimant
    counts, a survey's rates. Every LSOA must be known."""
    if kind not in Indicator.Kind.values:
        raise AreaDataRefused(
            [
                Problem(
                    name,
                    0,
                    "",
                    kind,
                    f"is not a kind of indicator ({', '.join(Indicator.Kind.values)})",
                )
            ]
        )
    if not re.match(r"^[a-z0-9][a-z0-9_-]*$", indicator):
        raise AreaDataRefused(
            [Problem(name, 0, "", indicator, "is not an indicator name: use letters, digits and _")]
        )
    problems: list[Problem] = []
    values: dict[str, Decimal] = {}
    code_column = value_column = ""
    measure = Measure(indicator, title or indicator, kind, ())
    for item in _rows(stream, name):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        line, cells = item
        if not code_column:
            code_column = _column(cells, *LSOA_COLUMNS) or ""
            value_column = column.lower() if column.lower() in cells else ""
            missing = ([] if code_column else ["an LSOA code column (like LSOA11CD)"]) + (
                [] if value_column else [f"the {column!r} column"]
            )
            if missing:
                raise AreaDataRefused([Problem(name, 1, "", "", f"has no {m}") for m in missing])
        try:
            code = lsoa_code(cells[code_column])
        except ValueError as error:
            problems.append(Problem(name, line, code_column, cells[code_column], str(error)))
            continue
        text = cells[value_column]
        if not text:
            continue
        try:
            if code in values:
                raise ValueError("is the second value for its LSOA")
            values[code] = (
                _check_measure(measure, text)
                if kind in (Indicator.Kind.RANK, Indicator.Kind.DECILE, Indicator.Kind.RATE)
                else _number(text)
            )
        except ValueError as error:
            problems.append(Problem(name, line, value_column, text, str(error)))
    lsoas = {
        code: pk
        for codes in _in_chunks(values)
        for code, pk in Lsoa.objects.filter(code__in=codes).values_list("code", "pk")
    }
    problems += [
        Problem(name, 0, code_column, code, "is not an LSOA Pathways knows")
        for code in values
        if code not in lsoas
    ]
    if not values and not problems:
        problems.append(Problem(name, 0, "", "", "has no values"))
    _refuse_if(problems)
    loaded = Loaded(f"{name}: {indicator} on {date:%-d %B %Y}")
    with transaction.atomic():
        held, created = Indicator.objects.get_or_create(
            code=indicator, defaults={"name": title or indicator, "kind": kind}
        )
        loaded.count("indicators", created=int(created), unchanged=int(not created))
        if not created and held.kind != kind:
            raise AreaDataRefused(
                [Problem(name, 0, "", kind, f"{indicator} is a {held.kind}, not a {kind}")]
            )
        _values({(held.pk, lsoas[code]): value for code, value in values.items()}, date, loaded)
    return loaded


# --- postcodes ------------------------------------------------------------------------------------

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def load_postcodes(stream: IO[bytes], name: str) -> Loaded:
    """An ONS postcode directory extract (ONSPD or NSPL): `pcds` and `lsoa11` and/or `lsoa21`
    columns (others ignored). Terminated postcodes are kept: an old address still places a
    household."""
    problems: list[Problem] = []
    wanted: dict[str, tuple[str, str]] = {}
    columns: tuple[str, str, str] | None = None
    for item in _rows(stream, name):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        line, cells = item
        if columns is None:
            pcds = _column(cells, "pcds", "postcode")
            l11 = _column(cells, "lsoa11", "lsoa11cd")
            l21 = _column(cells, "lsoa21", "lsoa21cd")
            if not pcds or not (l11 or l21):
                raise AreaDataRefused(
                    [Problem(name, 1, "", "", "needs a pcds column and an lsoa11 or lsoa21 column")]
                )
            columns = (pcds, l11 or "", l21 or "")
        pcds, l11, l21 = columns
        text = cells[pcds].upper()
        if not POSTCODE.match(text):
            problems.append(
                Problem(name, line, pcds, cells[pcds], "is not a postcode, like L36 9GD")
            )
            continue
        codes = []
        for column in (l11, l21):
            value = cells.get(column, "") if column else ""
            # ONSPD fills Scotland and Northern Ireland with their own areas: only English and
            # Welsh LSOAs are kept.
            if value and LSOA_CODE.match(value.upper()):
                codes.append(value.upper())
            elif value and not re.match(r"^[SN]\d{8}$", value.upper()):
                problems.append(Problem(name, line, column, value, "is not an LSOA code"))
                codes.append("")
            else:
                codes.append("")
        wanted[postcode_key(text)] = (codes[0], codes[1])
    if not wanted and not problems:
        problems.append(Problem(name, 0, "", "", "has no postcodes"))
    _refuse_if(problems)
    loaded = Loaded(f"{name}: postcodes")
    with transaction.atomic():
        held = {
            p.key: p for keys in _in_chunks(wanted) for p in Postcode.objects.filter(key__in=keys)
        }
        new, changed = [], []
        for key, (l11, l21) in wanted.items():
            postcode = held.get(key)
            if postcode is None:
                new.append(Postcode(key=key, lsoa11=l11, lsoa21=l21))
            elif (postcode.lsoa11, postcode.lsoa21) != (l11, l21):
                postcode.lsoa11, postcode.lsoa21 = l11, l21
                changed.append(postcode)
        Postcode.objects.bulk_create(new, batch_size=2000)
        Postcode.objects.bulk_update(changed, ["lsoa11", "lsoa21"], batch_size=2000)
        loaded.count(
            "postcodes",
            created=len(new),
            updated=len(changed),
            unchanged=len(wanted) - len(new) - len(changed),
        )
    return loaded


LOADERS: dict[str, Callable[..., Loaded]] = {
    "imd": load_imd,
    "lookup": load_lookup,
    "boundaries": load_boundaries,
    "postcodes": load_postcodes,
}


# --- the Liverpool City Region files shipped with Pathways ----------------------------------------

SHIPPED = Path(__file__).resolve().parent / "data"
SHIPPED_FILES = [
    ("imd", "imd2019_lcr_lsoa.csv"),
    ("lookup", "lcr_lsoa11_ward19_lookup.csv"),
    ("boundaries", "lcr_lsoa11_boundaries.geojson"),
]


def load_shipped() -> list[Loaded]:
    """The Liverpool City Region's 989 LSOAs, their indices, wards and boundaries (idempotent:
    a second run changes nothing)."""
    done = []
    with transaction.atomic():
        for kind, filename in SHIPPED_FILES:
            with (SHIPPED / filename).open("rb") as stream:
                done.append(LOADERS[kind](stream, filename))
    return done
