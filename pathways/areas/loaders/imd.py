"""The English Indices of Deprivation 2019: its measures as published (files 1-10 by LSOA,
or the shipped merge of them), read and checked, and loaded as LSOAs and indicator values."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import IO

from django.db import transaction

from pathways.areas.loaders.reading import (
    LA_CODE,
    AreaDataRefused,
    Loaded,
    checked_code,
    csv_rows,
    decimal_number,
    first_column,
    lsoa_code,
    refuse_if,
    whole_number,
)
from pathways.areas.loaders.writing import write_local_authorities, write_lsoas, write_values
from pathways.areas.models import Indicator, Lsoa
from pathways.core.problems import Problem

# LSOAs in England in the Indices of Deprivation 2019: ranks run from 1 to this.
IOD2019_LSOAS = 32_844
IOD2019_DATE = dt.date(2019, 9, 26)  # published


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


def check_measure(measure: Measure, text: str) -> Decimal:
    if measure.kind == Indicator.Kind.RANK:
        return Decimal(whole_number(text, 1, IOD2019_LSOAS))
    if measure.kind == Indicator.Kind.DECILE:
        return Decimal(whole_number(text, 1, 10))
    value = decimal_number(text)
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


def _imd_columns(cells: dict[str, str], name: str) -> dict[str, str]:
    """{measure code: its column} for the measures a file's header has; refused without the
    LSOA and local authority columns or without any measure."""
    missing = [c for c in IMD_IDENTITY.values() if c not in cells]
    if missing:
        raise AreaDataRefused(
            [Problem(name, 1, c, "", f"the {c!r} column is missing") for c in missing]
        )
    columns: dict[str, str] = {}
    for measure in IOD2019:
        found = first_column(cells, *measure.columns)
        if found:
            columns[measure.code] = found
    if not columns:
        raise AreaDataRefused(
            [Problem(name, 1, "", "", "has no column of the Indices of Deprivation 2019")]
        )
    return columns


def _imd_row(
    code: str,
    cells: dict[str, str],
    columns: dict[str, str],
    where: tuple[str, int],
    problems: list[Problem],
) -> _LsoaRow:
    """One LSOA's row: its local authority, values and denominators, each checked (a problem
    is added to `problems`)."""
    name, line = where
    row = _LsoaRow(code, cells[IMD_IDENTITY["name"]], "", cells[IMD_IDENTITY["la_name"]], {}, {})
    try:
        row.la_code = checked_code(
            cells[IMD_IDENTITY["la_code"]], LA_CODE, "a local authority code, like E08000011"
        )
    except ValueError as error:
        problems.append(
            Problem(name, line, IMD_IDENTITY["la_code"], cells[IMD_IDENTITY["la_code"]], str(error))
        )
    if not row.name:
        problems.append(Problem(name, line, IMD_IDENTITY["name"], "", "is required"))
    for measure in IOD2019:
        column = columns.get(measure.code)
        text = cells[column] if column else ""
        if not text:
            continue  # not in the file, or not published for this LSOA (a suppressed numerator)
        try:
            row.values[measure.code] = check_measure(measure, text)
        except ValueError as error:
            problems.append(Problem(name, line, column, text, str(error)))
    for attribute, column in DENOMINATORS.items():
        text = cells.get(column, "")
        try:
            row.denominators[attribute] = whole_number(text, 0, 10**7) if text else None
        except ValueError as error:
            problems.append(Problem(name, line, column, text, str(error)))
    return row


def read_imd(stream: IO[bytes], name: str) -> tuple[list[_LsoaRow], list[Measure]]:
    """The rows of an IoD2019 file (any of the official files 1-10 by LSOA, or the shipped
    merge of them), checked; the measures the file has. Raises AreaDataRefused."""
    problems: list[Problem] = []
    rows: list[_LsoaRow] = []
    columns: dict[str, str] = {}
    seen: dict[str, int] = {}
    for item in csv_rows(stream, name):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        line, cells = item
        columns = columns or _imd_columns(cells, name)
        text = cells[IMD_IDENTITY["code"]]
        try:
            code = lsoa_code(text)
        except ValueError as error:
            problems.append(Problem(name, line, IMD_IDENTITY["code"], text, str(error)))
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
        rows.append(_imd_row(code, cells, columns, (name, line), problems))
    if not rows and not problems:
        problems.append(Problem(name, 0, "", "", "has no LSOAs"))
    refuse_if(problems)
    return rows, [measure for measure in IOD2019 if measure.code in columns]


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


def load_imd(stream: IO[bytes], name: str) -> Loaded:
    """An IoD2019 file: its LSOAs (with their local authority and population denominators) and
    every rank, decile, score and rate it has, dated the day the indices were published."""
    rows, measures = read_imd(stream, name)
    loaded = Loaded(f"{name}: the Indices of Deprivation 2019")
    with transaction.atomic():
        authorities = write_local_authorities({r.la_code: r.la_name for r in rows}, loaded)
        lsoas = write_lsoas(
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
        write_values(
            {
                (indicators[code].pk, lsoas[r.code].pk): value
                for r in rows
                for code, value in r.values.items()
            },
            IOD2019_DATE,
            loaded,
        )
    return loaded
