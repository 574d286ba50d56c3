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

The same figures by ward (`wards`) are sums of the LSOAs' exact counts and needs.

Every sum (the area's totals, a ward's counts) is added up from the exact counts and only then
put under the disclosure rule in published mode — never a sum of published cells, which would
count a withheld cell as 0. Each LSOA's counts are published on their own; the area's rate is
worked out from its one published total started (over all its LSOAs, so no second total over
nearly the same LSOAs can be differenced against it), and each gap from that rate and the
LSOA's published count, as in the tables. An LSOA's need is public data, never suppressed.

`under_served` is the league table: only rows whose gap the reader may see, the largest first,
tied gaps sharing a rank; where nothing can be ranked it says why.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q

from pathways.areas import maps
from pathways.areas.hotspots import Area, latest_date
from pathways.areas.models import Indicator, IndicatorValue, Lsoa
from pathways.core.tabular import csv_writer
from pathways.outcomes.models import Outcome
from pathways.reporting import disclosure
from pathways.reporting.performance import outcomes_by
from pathways.reporting.scope import Scope

NEED_RATE = "employment_rate"
PLACES = Decimal("0.1")
COUNTS = ("referred", "started", "job_outcomes")
DERIVED = ("started_per_1000_in_need", "expected", "gap")  # from the published counts
WITHHELD = disclosure.SUPPRESSED


@dataclass(frozen=True)
class LsoaReach:
    """One LSOA's need and reach (or, in `NeedAndReach.wards`, one ward's)."""

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
    total_started: int | None  # all the area's LSOAs: the exact sum, then published
    area_rate_per_1000: Decimal | None
    total_referred: int | None = None
    total_job_outcomes: int | None = None
    wards: tuple[LsoaReach, ...] = ()  # only where the area spans more than one ward


def _round(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def _rates(area: Area) -> tuple[Any, dict[str, Decimal]]:
    """The date and the LSOAs' employment rates; without them loaded there is no need to set
    against, but the reach still counts."""
    rate = Indicator.objects.filter(code=NEED_RATE).first()
    on = latest_date(rate) if rate and rate.values.exists() else None
    if on is None:
        return None, {}
    found = IndicatorValue.objects.filter(
        indicator=rate, date=on, lsoa__in=area.lsoas.values("pk")
    ).values_list("lsoa__code", "value")
    return on, dict(found)


def _exact_counts(scope: Scope, codes: list[str]) -> dict[str, dict[str, int]]:
    """{LSOA code: exact referred, started and job outcome counts} of the scope's households."""
    jobs = outcomes_by(scope, [Outcome.Kind.JOB_OUTCOME]).values("household_id")
    found = (
        scope.households.filter(lsoa__in=codes)
        .order_by()
        .values("lsoa")
        .annotate(
            referred=Count(
                "id", filter=Q(referral_date__isnull=False, referral_date__lte=scope.date_to)
            ),
            started=Count("id", filter=Q(start_date__isnull=False, start_date__lte=scope.date_to)),
            job_outcomes=Count("id", filter=Q(id__in=jobs)),
        )
    )
    return {row["lsoa"]: {name: row[name] for name in COUNTS} for row in found}


def _unit(
    code: str,
    name: str,
    ward: str,
    la: str,
    working_age: int | None,
    rate: Decimal | None,
    exact: dict[str, int],
) -> dict[str, Any]:
    """A row before publication: its need (where known) and its exact counts."""
    need = Decimal(working_age) * rate if working_age is not None and rate is not None else None
    return {
        "code": code,
        "name": name,
        "ward": ward,
        "local_authority": la,
        "working_age": working_age,
        "employment_rate": rate,
        "need": need,
        **{name: exact.get(name, 0) for name in COUNTS},
    }


def _by_ward(units: list[dict[str, Any]], ward_codes: Sequence[str]) -> list[dict[str, Any]]:
    """The LSOAs' units added up by ward (exact counts; need over the LSOAs with one), by code;
    LSOAs with no ward are left out."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for unit, ward_code in zip(units, ward_codes, strict=True):
        if ward_code:
            grouped.setdefault(ward_code, []).append(unit)
    summed = []
    for ward_code, members in sorted(grouped.items()):
        with_need = [u for u in members if u["need"] is not None]
        summed.append(
            {
                "code": ward_code,
                "name": members[0]["ward"],
                "ward": "",
                "local_authority": members[0]["local_authority"],
                "working_age": sum(u["working_age"] for u in with_need) if with_need else None,
                "employment_rate": None,
                "need": sum((u["need"] for u in with_need), Decimal(0)) if with_need else None,
                **{name: sum(u[name] for u in members) for name in COUNTS},
            }
        )
    return summed


def _published_row(
    unit: dict[str, Any], area_rate: Decimal | None, shown: Callable[[int], int | None]
) -> LsoaReach:
    """A row as the reader may see it: its counts published one by one, and its rate and gap
    worked out from its published started count."""
    counts = {name: shown(unit[name]) for name in COUNTS}
    need, began = unit["need"], counts["started"]
    expected = need * area_rate if need and area_rate is not None else None
    return LsoaReach(
        **{**unit, **counts, "need": _round(need) if need is not None else None},
        started_per_1000_in_need=(
            _round(Decimal(began) / need * 1000) if need and began is not None else None
        ),
        expected=_round(expected) if expected is not None else None,
        gap=_round(expected - began) if expected is not None and began is not None else None,
    )


def _most_under_served_first(rows: list[LsoaReach]) -> list[LsoaReach]:
    return sorted(rows, key=lambda r: (r.gap is None, -(r.gap or 0), r.code))


def need_and_reach(scope: Scope, area: Area) -> NeedAndReach:
    """Need and reach of every LSOA of `area` (and of its wards), as the scope's reader may see
    them: exact, or published from exact figures (sums before protection)."""
    lsoas = list(
        area.lsoas.order_by("code").values_list(
            "code", "name", "ward__code", "ward__name", "local_authority__name", "working_age"
        )
    )
    on, rates = _rates(area)
    counted = _exact_counts(scope, [code for code, *_ in lsoas])
    units = [
        _unit(code, name, ward or "", la, working_age, rates.get(code), counted.get(code, {}))
        for code, name, _ward_code, ward, la, working_age in lsoas
    ]

    def shown(n: int) -> int | None:
        return disclosure.count(n, scope.rule) if scope.published else n

    totals = {name: shown(sum(u[name] for u in units)) for name in COUNTS}
    with_need = [u for u in units if u["need"]]  # exact here; shown to one place
    total_need = sum((u["need"] for u in with_need), Decimal(0))
    # Exact: the started of the LSOAs with a need. Published: the area's one published total.
    rate_started = totals["started"] if scope.published else sum(u["started"] for u in with_need)
    area_rate = (
        Decimal(rate_started) / total_need if total_need and rate_started is not None else None
    )
    wards = _by_ward(units, [ward_code or "" for _c, _n, ward_code, *_ in lsoas])

    def published(found: list[dict[str, Any]]) -> list[LsoaReach]:
        return _most_under_served_first([_published_row(u, area_rate, shown) for u in found])

    return NeedAndReach(
        area=area,
        scope=scope,
        rate_date=on,
        rows=published(units),
        total_need=_round(total_need),
        total_started=totals["started"],
        area_rate_per_1000=_round(area_rate * 1000) if area_rate is not None else None,
        total_referred=totals["referred"],
        total_job_outcomes=totals["job_outcomes"],
        wards=tuple(published(wards)) if len(wards) > 1 else (),
    )


@dataclass(frozen=True)
class Ranked:
    rank: int  # 1 = the largest gap; tied gaps share a rank
    tied: bool
    row: LsoaReach


@dataclass(frozen=True)
class UnderServed:
    """A league table of gaps: only those the reader may see."""

    ranked: list[Ranked]
    left_out: int  # rows whose gap the reader may not see (withheld or no need)
    reason: str  # why nothing could be ranked; "" where something was


def under_served(
    found: NeedAndReach, rows: Sequence[LsoaReach], top: int | None = None
) -> UnderServed:
    """`rows` (the LSOAs or the wards of `found`) with a gap the reader may see, the largest
    first, tied gaps sharing a rank (listed by code); never a row whose gap is withheld, so a
    published list is never padded out with them, nor ordered by code where nothing ranks."""
    seen = [r for r in rows if r.gap is not None]
    ordered = sorted(seen, key=lambda r: (-(r.gap or 0), r.code))
    first: dict[Decimal | None, int] = {}  # a gap's rank: the place of its first row
    times: dict[Decimal | None, int] = {}
    for place, row in enumerate(ordered, start=1):
        first.setdefault(row.gap, place)
        times[row.gap] = times.get(row.gap, 0) + 1
    ranked = [Ranked(first[r.gap], times[r.gap] > 1, r) for r in ordered[:top]]
    return UnderServed(ranked, len(rows) - len(seen), "" if ranked else _why_not(found, rows))


def _why_not(found: NeedAndReach, rows: Sequence[LsoaReach]) -> str:
    if not rows:
        return "There is nothing here to rank."
    if found.rate_date is None or not found.total_need:
        return "No employment rates are loaded for this area, so there is no need to rank against."
    if found.area_rate_per_1000 is None:
        return (
            f"Too few households have started in {found.area.name} to publish its rate "
            f"(fewer than {found.scope.rule.smallest}), so no gap can be worked out without "
            "showing small numbers."
        )
    return (
        "Too few households in each of these areas to rank them without showing small numbers; "
        "see the ward and local authority figures."
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
            [WITHHELD if _withheld(found, c, values) else _cell(values[c]) for c in COLUMNS]
        )
    return out.getvalue()


def _withheld(found: NeedAndReach, column: str, values: dict[str, Any]) -> bool:
    """A published count that is withheld, or a rate or gap that is because its count (or the
    area's rate) is; not a need, which is public, nor a rate where there is no need."""
    if not found.scope.published or values[column] is not None:
        return False
    return column in COUNTS or (column in DERIVED and values["need"] is not None)


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
    counted by LSOA, never a mark per person; an LSOA whose figure is withheld is hatched and
    labelled [c] (its title and the table beside the map say so)."""
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
            note=WITHHELD if _withheld(found, measure, asdict(row)) else "",
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
    return {
        "found": found,
        "under_served": under_served(found, found.rows, top),
        "map": reach_map(found, map_id="pack-map"),
    }
