"""Where need is greatest: the LSOAs of an area ranked by an indicator, with thresholds, and the
share of an area's LSOAs among the most deprived nationally.

An area is a local authority, a ward, a neighbourhood or a single LSOA, named by its code
(`find_area`). Rankings are worked out in the database, most deprived first: ranks and deciles
ascending (1 is the most deprived), scores, rates and counts descending; ties by LSOA code.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import F, OuterRef, QuerySet, Subquery

from pathways.areas.models import (
    Indicator,
    IndicatorValue,
    LocalAuthority,
    Lsoa,
    Neighbourhood,
    Ward,
)
from pathways.core.tabular import csv_writer


class AreaError(ValueError):
    """An area, indicator or threshold that cannot be used (the message says why)."""


@dataclass(frozen=True)
class Area:
    kind: str  # "local authority", "ward", "neighbourhood", "LSOA"
    code: str
    name: str
    lsoas: QuerySet[Lsoa]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


def find_area(code: str) -> Area:
    """The area a code names: an ONS local authority (E08000011), ward (E05…) or LSOA (E01…)
    code, or a neighbourhood's code."""
    text = code.strip()
    upper = text.upper()
    la = LocalAuthority.objects.filter(code=upper).first()
    if la is not None:
        return Area("local authority", la.code, la.name, Lsoa.objects.filter(local_authority=la))
    ward = Ward.objects.filter(code=upper).first()
    if ward is not None:
        return Area("ward", ward.code, ward.name, Lsoa.objects.filter(ward=ward))
    lsoa = Lsoa.objects.filter(code=upper).first()
    if lsoa is not None:
        return Area("LSOA", lsoa.code, lsoa.name, Lsoa.objects.filter(pk=lsoa.pk))
    hood = Neighbourhood.objects.filter(code=text.lower()).first()
    if hood is not None:
        return Area("neighbourhood", hood.code, hood.name, hood.lsoas.all())
    raise AreaError(
        f"{code!r} is not an area Pathways knows: give a local authority, ward or LSOA code "
        "(E08000011, E05010946, E01006412) or a neighbourhood's code"
    )


def find_indicator(code: str) -> Indicator:
    indicator = Indicator.objects.filter(code=code.strip().lower()).first()
    if indicator is None:
        known = ", ".join(Indicator.objects.order_by("code").values_list("code", flat=True))
        raise AreaError(f"{code!r} is not an indicator. Known: {known or 'none (load some)'}")
    return indicator


def latest_date(indicator: Indicator, on_or_before: dt.date | None = None) -> dt.date:
    values = IndicatorValue.objects.filter(indicator=indicator)
    if on_or_before is not None:
        values = values.filter(date__lte=on_or_before)
    found = values.order_by("-date").values_list("date", flat=True).first()
    if found is None:
        raise AreaError(
            f"{indicator.code} has no values"
            + (f" on or before {on_or_before}" if on_or_before else "")
        )
    return found


@dataclass(frozen=True)
class Hotspot:
    rank: int  # in the list, 1 = most deprived
    code: str
    name: str
    ward: str
    local_authority: str
    value: Decimal
    national_rank: int | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "code": self.code,
            "name": self.name,
            "ward": self.ward,
            "local_authority": self.local_authority,
            "value": self.value,
            "national_rank": self.national_rank,
        }


@dataclass(frozen=True)
class Ranking:
    area: Area
    indicator: Indicator
    date: dt.date
    hotspots: list[Hotspot]
    lsoas_with_a_value: int


def _national_rank(indicator: Indicator, date: dt.date) -> Any:
    """The SQL for each value's national rank: the value itself for a rank, else the value of
    the indicator's `ranked_by` rank on the latest date up to `date`."""
    if indicator.kind == Indicator.Kind.RANK:
        return F("value")
    if indicator.ranked_by is None:
        return None
    return Subquery(
        IndicatorValue.objects.filter(
            indicator=indicator.ranked_by, lsoa=OuterRef("lsoa"), date__lte=date
        )
        .order_by("-date")
        .values("value")[:1]
    )


def rank_lsoas(
    area: Area,
    indicator: Indicator,
    *,
    top: int | None = 10,
    date: dt.date | None = None,
    at_least: Decimal | None = None,
    at_most: Decimal | None = None,
    most_deprived_percent: Decimal | None = None,
) -> Ranking:
    """The area's LSOAs by `indicator` on its latest date up to `date`, most deprived first:
    the first `top` (None: all) of those with a value, at least / at most a threshold, or among
    the most deprived `most_deprived_percent`% nationally (by the national rank)."""
    if top is not None and top < 1:
        raise AreaError("--top must be 1 or more")
    on = latest_date(indicator, date)
    values = IndicatorValue.objects.filter(
        indicator=indicator, date=on, lsoa__in=area.lsoas.values("pk")
    )
    counted = values.count()
    if at_least is not None:
        values = values.filter(value__gte=at_least)
    if at_most is not None:
        values = values.filter(value__lte=at_most)
    national = _national_rank(indicator, on)
    if national is not None:
        values = values.annotate(national=national)
    if most_deprived_percent is not None:
        if not 0 < most_deprived_percent <= 100:
            raise AreaError("the most deprived share must be a percentage above 0, up to 100")
        if national is None:
            raise AreaError(f"{indicator.code} has no national rank to compare with")
        out_of = (
            indicator if indicator.kind == Indicator.Kind.RANK else indicator.ranked_by
        ).out_of
        if not out_of:
            raise AreaError(f"{indicator.code}: how many areas its rank is out of is not known")
        values = values.filter(national__lte=math.floor(out_of * most_deprived_percent / 100))
    order = ("value", "lsoa__code") if indicator.low_is_deprived else ("-value", "lsoa__code")
    rows = values.order_by(*order).values_list(
        "lsoa__code",
        "lsoa__name",
        "lsoa__ward__name",
        "lsoa__local_authority__name",
        "value",
        *(["national"] if national is not None else []),
    )
    if top is not None:
        rows = rows[:top]
    hotspots = [
        Hotspot(
            rank=number,
            code=row[0],
            name=row[1],
            ward=row[2] or "",
            local_authority=row[3],
            value=_tidy(row[4], indicator),
            national_rank=int(row[5]) if len(row) > 5 and row[5] is not None else None,
        )
        for number, row in enumerate(rows, start=1)
    ]
    return Ranking(area, indicator, on, hotspots, counted)


def _tidy(value: Decimal, indicator: Indicator) -> Decimal:
    """Whole numbers for ranks, deciles and counts; others as held, without trailing zeros."""
    if (
        indicator.kind in (Indicator.Kind.RANK, Indicator.Kind.DECILE)
        or value == value.to_integral()
    ):
        return value.quantize(Decimal(1))
    return value.normalize()


def share_most_deprived(
    area: Area, percent: Decimal = Decimal(10), indicator_code: str = "imd_rank"
) -> Decimal | None:
    """The share of the area's LSOAs (with a rank) in the most deprived `percent`% nationally,
    to three places: Liverpool's in the most deprived 10% by the IMD is 0.487."""
    indicator = find_indicator(indicator_code)
    if indicator.kind != Indicator.Kind.RANK or not indicator.out_of:
        raise AreaError(f"{indicator.code} is not a national rank")
    on = latest_date(indicator)
    values = IndicatorValue.objects.filter(
        indicator=indicator, date=on, lsoa__in=area.lsoas.values("pk")
    )
    total = values.count()
    if not total:
        return None
    within = values.filter(value__lte=math.floor(indicator.out_of * percent / 100)).count()
    return (Decimal(within) / Decimal(total)).quantize(Decimal("0.001"))


# --- as files -------------------------------------------------------------------------------------

COLUMNS = ["rank", "code", "name", "ward", "local_authority", "value", "national_rank"]


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral() else float(value)
    return value


def as_json(ranking: Ranking) -> str:
    import json

    return json.dumps(
        {
            "area": {
                "kind": ranking.area.kind,
                "code": ranking.area.code,
                "name": ranking.area.name,
            },
            "indicator": {
                "code": ranking.indicator.code,
                "name": ranking.indicator.name,
                "kind": ranking.indicator.kind,
            },
            "date": ranking.date.isoformat(),
            "lsoas_with_a_value": ranking.lsoas_with_a_value,
            "lsoas": [
                {k: _plain(v) for k, v in spot.as_dict().items()} for spot in ranking.hotspots
            ],
        },
        indent=2,
    )


def as_csv(ranking: Ranking) -> str:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for spot in ranking.hotspots:
        row = spot.as_dict()
        writer.writerow(["" if row[c] is None else _plain(row[c]) for c in COLUMNS])
    return out.getvalue()


def as_text(ranking: Ranking) -> str:
    title = (
        f"{ranking.indicator.name}: the LSOAs of {ranking.area} most deprived first "
        f"({len(ranking.hotspots)} of {ranking.lsoas_with_a_value}; values of {ranking.date:%-d %B %Y})"
    )
    rows = [["#", "LSOA", "Name", "Ward", "Local authority", "Value", "National rank"]]
    for spot in ranking.hotspots:
        rows.append(
            [
                str(spot.rank),
                spot.code,
                spot.name,
                spot.ward,
                spot.local_authority,
                str(_plain(spot.value)),
                "" if spot.national_rank is None else f"{spot.national_rank:,}",
            ]
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    return "\n".join([title, "", *lines]) + "\n"


FORMATS = {"json": as_json, "csv": as_csv, "text": as_text}
