"""Any indicator keyed by LSOA (claimant counts, a survey's rates), from a CSV file."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import IO

from django.db import transaction

from pathways.areas.loaders.imd import Measure, check_measure
from pathways.areas.loaders.reading import (
    AreaDataRefused,
    Loaded,
    csv_rows,
    decimal_number,
    first_column,
    in_chunks,
    lsoa_code,
    refuse_if,
)
from pathways.areas.loaders.writing import write_values
from pathways.areas.models import Indicator, Lsoa
from pathways.core.problems import Problem

LSOA_COLUMNS = ("lsoa11cd", "lsoa21cd", "lsoa code (2011)", "lsoa code", "lsoa_code", "lsoa")


def _refuse_indicator(name: str, indicator: str, kind: str) -> None:
    """Refused: an unknown kind of indicator, or a name that is not one."""
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


def _read_values(
    stream: IO[bytes], name: str, measure: Measure, column: str, problems: list[Problem]
) -> tuple[dict[str, Decimal], str]:
    """{LSOA code: value} from the file, each checked (a problem is added to `problems`), and
    the column the LSOA codes are in."""
    values: dict[str, Decimal] = {}
    code_column = value_column = ""
    for item in csv_rows(stream, name):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        line, cells = item
        if not code_column:
            code_column = first_column(cells, *LSOA_COLUMNS) or ""
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
                check_measure(measure, text)
                if measure.kind in (Indicator.Kind.RANK, Indicator.Kind.DECILE, Indicator.Kind.RATE)
                else decimal_number(text)
            )
        except ValueError as error:
            problems.append(Problem(name, line, value_column, text, str(error)))
    return values, code_column


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
    _refuse_indicator(name, indicator, kind)
    problems: list[Problem] = []
    measure = Measure(indicator, title or indicator, kind, ())
    values, code_column = _read_values(stream, name, measure, column, problems)
    lsoas = {
        code: pk
        for codes in in_chunks(values)
        for code, pk in Lsoa.objects.filter(code__in=codes).values_list("code", "pk")
    }
    problems += [
        Problem(name, 0, code_column, code, "is not an LSOA Pathways knows")
        for code in values
        if code not in lsoas
    ]
    if not values and not problems:
        problems.append(Problem(name, 0, "", "", "has no values"))
    refuse_if(problems)
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
        write_values(
            {(held.pk, lsoas[code]): value for code, value in values.items()}, date, loaded
        )
    return loaded
