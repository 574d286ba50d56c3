"""Need against reach: for every LSOA of an area, how many people the Indices of Deprivation say
are shut out of work, against how many households the programme has reached there.

For each LSOA:
- **need** = working-age population (IoD2019 file 6: men 18-64, women 18-59) × the Employment
  Domain rate (the share of them involuntarily out of work) — people;
- **reach**: households of the programme living there (by their LSOA) referred, started and with
  a job outcome, up to the report date, counted in the database from the scope's households
  (the one permission-scoped path);
- **started per 1,000 in need** = started ÷ need × 1,000;
- **expected** = need × the area's own rate (all started ÷ all need over the LSOAs with a need),
  what the LSOA would have at the area's average reach;
- **gap** = expected − started: positive where fewer households have started than the area's
  average would give (under-served), negative where more have.

The most under-served come first (largest gap; ties by code). In published mode every count is
under the programme's disclosure rule and the rates and gaps are worked out from the published
counts, as in the tables; an LSOA's need is public data, never suppressed.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q

from pathways.areas.hotspots import Area, latest_date
from pathways.areas.models import Indicator, IndicatorValue
from pathways.core.tabular import csv_writer
from pathways.outcomes.models import Outcome
from pathways.reporting import disclosure
from pathways.reporting.scope import Scope
from pathways.reporting.tables import outcomes_by

NEED_RATE = "employment_rate"
PLACES = Decimal("0.1")


@dataclass(frozen=True)
class LsoaReach:
    code: str
    name: str
    ward: str
    local_authority: str
    working_age: int | None
    employment_rate: Decimal | None
    need: Decimal | None
    referred: int | None
    started: int | None
    job_outcomes: int | None  # households with a job outcome
    started_per_1000_in_need: Decimal | None
    expected: Decimal | None
    gap: Decimal | None


@dataclass(frozen=True)
class NeedAndReach:
    area: Area
    scope: Scope
    rate_date: Any
    rows: list[LsoaReach]
    total_need: Decimal
    total_started: int | None
    area_rate_per_1000: Decimal | None


def _round(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def need_and_reach(scope: Scope, area: Area) -> NeedAndReach:
    lsoas = list(
        area.lsoas.order_by("code").values_list(
            "pk", "code", "name", "ward__name", "local_authority__name", "working_age"
        )
    )
    # Without the employment rates loaded there is no need to set against, but the reach
    # still counts.
    rate = Indicator.objects.filter(code=NEED_RATE).first()
    on = latest_date(rate) if rate and rate.values.exists() else None
    rates = (
        dict(
            IndicatorValue.objects.filter(
                indicator=rate, date=on, lsoa__in=area.lsoas.values("pk")
            ).values_list("lsoa__code", "value")
        )
        if on
        else {}
    )
    jobs = outcomes_by(scope, [Outcome.Kind.JOB_OUTCOME]).values("household_id")
    counted = {
        row["lsoa"]: row
        for row in scope.households.filter(lsoa__in=[code for _, code, *_ in lsoas])
        .order_by()
        .values("lsoa")
        .annotate(
            referred=Count(
                "id", filter=Q(referral_date__isnull=False, referral_date__lte=scope.date_to)
            ),
            started=Count("id", filter=Q(start_date__isnull=False, start_date__lte=scope.date_to)),
            job_outcomes=Count("id", filter=Q(id__in=jobs)),
        )
    }

    def shown(n: int) -> int | None:
        return disclosure.count(n, scope.rule) if scope.published else n

    draft = []
    for _pk, code, name, ward, la, working_age in lsoas:
        found = counted.get(code, {})
        need = (
            Decimal(working_age) * rates[code]
            if working_age is not None and code in rates
            else None
        )
        draft.append(
            {
                "code": code,
                "name": name,
                "ward": ward or "",
                "local_authority": la,
                "working_age": working_age,
                "employment_rate": rates.get(code),
                "need": need,
                "referred": shown(found.get("referred", 0)),
                "started": shown(found.get("started", 0)),
                "job_outcomes": shown(found.get("job_outcomes", 0)),
            }
        )
    with_need = [d for d in draft if d["need"]]  # exact here; shown to one place
    total_need = sum((d["need"] for d in with_need), Decimal(0))
    started = [d["started"] for d in with_need]
    total_started = None if any(s is None for s in started) else sum(started)
    area_rate = (
        Decimal(total_started) / total_need if total_need and total_started is not None else None
    )
    rows = []
    for d in draft:
        need, began = d["need"], d["started"]
        expected = need * area_rate if need and area_rate is not None else None
        rows.append(
            LsoaReach(
                **{**d, "need": _round(need) if need is not None else None},
                started_per_1000_in_need=(
                    _round(Decimal(began) / need * 1000) if need and began is not None else None
                ),
                expected=_round(expected) if expected is not None else None,
                gap=_round(expected - began)
                if expected is not None and began is not None
                else None,
            )
        )
    rows.sort(key=lambda r: (r.gap is None, -(r.gap or 0), r.code))
    return NeedAndReach(
        area=area,
        scope=scope,
        rate_date=on,
        rows=rows,
        total_need=_round(total_need),
        total_started=total_started,
        area_rate_per_1000=_round(area_rate * 1000) if area_rate is not None else None,
    )


COLUMNS = [
    "code",
    "name",
    "ward",
    "local_authority",
    "working_age",
    "employment_rate",
    "need",
    "referred",
    "started",
    "job_outcomes",
    "started_per_1000_in_need",
    "expected",
    "gap",
]


def as_csv(found: NeedAndReach, top: int | None = None) -> str:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in found.rows[:top]:
        values = asdict(row)
        writer.writerow(
            ["[c]" if _withheld(found, c, values) else _cell(values[c]) for c in COLUMNS]
        )
    return out.getvalue()


def _withheld(found: NeedAndReach, column: str, values: dict[str, Any]) -> bool:
    return (
        found.scope.published
        and column in ("referred", "started", "job_outcomes")
        and values[column] is None
    )


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


# What a reach map may show: (field of LsoaReach, what it is, darker is more of it).
MAP_MEASURES = {
    "started_per_1000_in_need": "households started per 1,000 in need",
    "gap": "the gap: households short of the area's own rate",
    "need": "people in need (working age, out of work)",
    "referred": "households referred",
    "started": "households started",
    "job_outcomes": "households with a job outcome",
}


def reach_map(
    found: NeedAndReach,
    href: Any = None,
    map_id: str = "reach-map",
    measure: str = "started_per_1000_in_need",
) -> dict[str, Any]:
    """The choropleth of one reach measure (MAP_MEASURES) over the area's LSOAs: households
    counted by LSOA, never a mark per person; withheld counts show as no value."""
    from pathways.areas import maps

    if measure not in MAP_MEASURES:
        raise ValueError(f"{measure!r} is not a reach measure")

    boundaries = dict(found.area.lsoas.values_list("code", "boundary"))
    shapes = [
        maps.Shape(
            row.code,
            row.name,
            boundaries.get(row.code),
            None if getattr(row, measure) is None else Decimal(getattr(row, measure)),
            href(row.code) if href else "",
        )
        for row in found.rows
    ]
    label = MAP_MEASURES[measure]
    return maps.choropleth(
        shapes,
        title=f"{label[0].upper()}{label[1:]}, {found.area.name}",
        measure=label,
        darker="more",
        high_is_dark=True,
        map_id=map_id,
    )


def programme_area(scope: Scope) -> Area:
    """The LSOAs a report covers: its local authority's, else those of the programme's."""
    from pathways.areas.models import Lsoa

    if scope.area is not None:
        return Area(
            "local authority",
            scope.area.code,
            scope.area.name,
            Lsoa.objects.filter(local_authority=scope.area),
        )
    return Area(
        "programme",
        scope.programme.code,
        scope.programme.name,
        Lsoa.objects.filter(local_authority__in=scope.programme.local_authorities.all()),
    )


def pack_section(scope: Scope, top: int = 10) -> dict[str, Any] | None:
    """The report pack's neighbourhood page: the reach map and the most under-served LSOAs; None
    where no LSOA boundaries are loaded for the area."""
    area = programme_area(scope)
    if not area.lsoas.exclude(boundary=None).exists():
        return None
    found = need_and_reach(scope, area)
    return {"found": found, "rows": found.rows[:top], "map": reach_map(found, map_id="pack-map")}
