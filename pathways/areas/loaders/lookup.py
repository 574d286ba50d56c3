"""The ONS LSOA → ward → local authority lookup: the wards, and each LSOA's ward and local
authority."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction

from pathways.areas.loaders.reading import (
    LA_CODE,
    LSOA_CODE,
    WARD_CODE,
    AreaDataRefused,
    Loaded,
    checked_code,
    csv_rows,
    refuse_if,
)
from pathways.areas.loaders.writing import write_local_authorities, write_lsoas
from pathways.areas.models import LocalAuthority, Lsoa, Ward
from pathways.core.problems import Problem

_VINTAGED = re.compile(r"^(lsoa|wd|lad)(\d\d)(cd|nm)$")


def _vintaged_columns(columns: Iterable[str]) -> dict[str, tuple[str, str]]:
    """{"lsoa": (column of codes, year)} for ONS lookup columns like LSOA11CD, WD19NM."""
    found: dict[str, tuple[str, str]] = {}
    for column in columns:
        match = _VINTAGED.match(column)
        if match and match.group(3) == "cd":
            found.setdefault(match.group(1), (column, "20" + match.group(2)))
    return found


@dataclass
class _Lookup:
    """What a lookup file says, checked: {code: (name, local authority)} of wards,
    {code: (name, ward, local authority)} of LSOAs, {code: name} of local authorities."""

    lsoa_year: str
    ward_year: str
    wards: dict[str, tuple[str, str]] = field(default_factory=dict)
    lsoas: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    authorities: dict[str, str] = field(default_factory=dict)


def _lookup_rows(
    stream: IO[bytes], name: str, problems: list[Problem]
) -> tuple[list[tuple[int, dict[str, str]]], dict[str, tuple[str, str]]]:
    """A lookup file's rows and its LSOA, ward and local authority columns (with their years);
    refused without one of them."""
    rows: list[tuple[int, dict[str, str]]] = []
    found: dict[str, tuple[str, str]] = {}
    for item in csv_rows(stream, name):
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
    return rows, found


def _read_lookup(stream: IO[bytes], name: str) -> _Lookup:
    """A lookup file, checked (raises AreaDataRefused)."""
    problems: list[Problem] = []
    rows, found = _lookup_rows(stream, name, problems)
    lsoa_col, lsoa_year = found.get("lsoa", ("", ""))
    ward_col, ward_year = found.get("wd", ("", ""))
    la_col, _ = found.get("lad", ("", ""))
    if lsoa_year not in Lsoa.Vintage.values and found:
        problems.append(Problem(name, 1, lsoa_col, "", "is not of 2011 or 2021 LSOAs"))
    lookup = _Lookup(lsoa_year, ward_year)
    wards, lsoas = lookup.wards, lookup.lsoas
    checks: list[tuple[str, re.Pattern[str], str]] = [
        (lsoa_col, LSOA_CODE, "an LSOA code, like E01006412"),
        (ward_col, WARD_CODE, "a ward code, like E05010946"),
        (la_col, LA_CODE, "a local authority code, like E08000011"),
    ]
    for line, cells in rows:
        codes = []
        for column, pattern, what in checks:
            try:
                codes.append(checked_code(cells[column], pattern, what))
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
        lookup.authorities.setdefault(la, names[la_col] or la)
        lsoas[lsoa] = (names[lsoa_col], ward, la)
    if not lsoas and not problems:
        problems.append(Problem(name, 0, "", "", "has no LSOAs"))
    refuse_if(problems)
    return lookup


def _write_wards(
    lookup: _Lookup, held_las: dict[str, LocalAuthority], loaded: Loaded
) -> dict[str, int]:
    """The lookup's wards, made or brought up to date: {code: id}."""
    held_wards = {w.code: w for w in Ward.objects.filter(code__in=list(lookup.wards))}
    new, changed = [], []
    for code, (ward_name, la) in lookup.wards.items():
        wanted = {
            "name": ward_name,
            "local_authority_id": held_las[la].pk,
            "vintage": lookup.ward_year,
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
        unchanged=len(lookup.wards) - len(new) - len(changed),
    )
    return {w.code: w.pk for w in Ward.objects.filter(code__in=list(lookup.wards))}


def load_lookup(stream: IO[bytes], name: str) -> Loaded:
    """An ONS LSOA → ward → local authority lookup (columns like LSOA11CD, LSOA11NM, WD19CD,
    WD19NM, LAD19CD, LAD19NM): the wards, and each LSOA's ward and local authority."""
    lookup = _read_lookup(stream, name)
    loaded = Loaded(f"{name}: LSOAs in wards ({lookup.ward_year})")
    with transaction.atomic():
        held_las = write_local_authorities(lookup.authorities, loaded)
        held_wards = _write_wards(lookup, held_las, loaded)
        write_lsoas(
            {
                code: {
                    **({"name": lsoa_name} if lsoa_name else {}),
                    "ward_id": held_wards[ward],
                    "local_authority_id": held_las[la].pk,
                }
                for code, (lsoa_name, ward, la) in lookup.lsoas.items()
            },
            lookup.lsoa_year,
            loaded,
        )
    return loaded
