"""An ONS postcode directory extract (ONSPD or NSPL): each postcode's LSOAs."""

from __future__ import annotations

import re
from typing import IO

from django.db import transaction

from pathways.areas.loaders.reading import (
    LSOA_CODE,
    AreaDataRefused,
    Loaded,
    csv_rows,
    first_column,
    in_chunks,
    refuse_if,
)
from pathways.areas.models import Postcode
from pathways.core.postcodes import postcode_key
from pathways.core.problems import Problem

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def load_postcodes(stream: IO[bytes], name: str) -> Loaded:
    """An ONS postcode directory extract (ONSPD or NSPL): `pcds` and `lsoa11` and/or `lsoa21`
    columns (others ignored). Terminated postcodes are kept: an old address still places a
    household."""
    problems: list[Problem] = []
    wanted: dict[str, tuple[str, str]] = {}
    columns: tuple[str, str, str] | None = None
    for item in csv_rows(stream, name):
        if isinstance(item, Problem):
            problems.append(item)
            continue
        line, cells = item
        if columns is None:
            pcds = first_column(cells, "pcds", "postcode")
            l11 = first_column(cells, "lsoa11", "lsoa11cd")
            l21 = first_column(cells, "lsoa21", "lsoa21cd")
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
    refuse_if(problems)
    loaded = Loaded(f"{name}: postcodes")
    with transaction.atomic():
        held = {
            p.key: p for keys in in_chunks(wanted) for p in Postcode.objects.filter(key__in=keys)
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
