"""Writing what an area data file says, where it differs from what is held: local
authorities, LSOAs and indicator values (a second load of the same file changes nothing)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from pathways.areas.loaders.reading import Loaded, in_chunks
from pathways.areas.models import IndicatorValue, LocalAuthority, Lsoa
from pathways.core import bulk


def write_local_authorities(pairs: dict[str, str], loaded: Loaded) -> dict[str, LocalAuthority]:
    held = {la.code: la for la in LocalAuthority.objects.filter(code__in=list(pairs))}
    for code, name in pairs.items():
        if code not in held:
            held[code] = LocalAuthority.objects.create(code=code, name=name)
            loaded.count("local authorities", created=1)
    return held


def write_lsoas(wanted: dict[str, dict[str, Any]], vintage: str, loaded: Loaded) -> dict[str, Lsoa]:
    """LSOAs by code with these fields (created or updated; others left as they are)."""
    held = {
        lsoa.code: lsoa
        for codes in in_chunks(wanted)
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
    for codes in in_chunks(lsoa.code for lsoa in new):
        held.update({lsoa.code: lsoa for lsoa in Lsoa.objects.filter(code__in=codes)})
    return held


def write_values(values: dict[tuple[int, int], Decimal], date: dt.date, loaded: Loaded) -> None:
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
