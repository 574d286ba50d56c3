"""The report tables of `shared/spec/reports.md`, each aggregated in the database.

A table is built from exact figures (`Row`: counts, and the parts and wholes of its
percentages and averages), then `figures()` turns it into what a reader sees — exact, or
published under the programme's disclosure control — so the screen, every file, the command
line and the API show the same numbers.

Outcomes come from the outcomes the rules keep (`outcomes.models.Outcome`: one implementation of
each measure). Job outcomes, sustained work and completed activities hold at a report date
exactly when they were achieved on or before it, so a stored outcome achieved by `--to` is the
rule's answer for `--to`. Star readings are different: a later reading can undo an improvement,
so the readings measures ask the readings as they stood on the report date (`readings.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from pathways.budgets.models import Category, Entry
from pathways.budgets.selectors import spend_by_category, spend_totals
from pathways.casework.models import Activity
from pathways.households.codes import (
    AgeBand,
    ReferralSource,
    SupportNeed,
    TimeSinceWork,
)
from pathways.households.participation import participating
from pathways.outcomes.models import ACTIVE, Outcome
from pathways.programmes.definition import TARGET_MEASURES
from pathways.reporting import disclosure, readings
from pathways.reporting.scope import (
    NOT_KNOWN,
    Scope,
    group_expression,
    participants,
    started,
    with_facts,
)

NOT_KNOWN_LABEL = "Not known"
AGE_BANDS = [*AgeBand.values, NOT_KNOWN]
AGE_LABELS = {**dict(AgeBand.choices), NOT_KNOWN: NOT_KNOWN_LABEL}


TITLES = {
    "performance": "Targets and current position",
    "by-area": "Performance by local authority",
    "age-profile": "Age profile of participants at start",
    "time-since-work": "Time since last work",
    "long-term-by-age": "Age of the long-term workless",
    "support-needs": "Support needs reported by participants",
    "progress": "Progress measures",
    "referral-sources": "Referral routes",
    "budget": "Household Support Budget",
    "distance-travelled": "Distance travelled on the star",
}


percent = disclosure.exact_percent


@dataclass
class Row:
    """One row's exact figures. `share` is the (part, whole) of its percentage; `shares`,
    `averages` ((sum, people)), `money` ((pence, households)) and `money_per` ((pence,
    households, per): money per something counted, e.g. per job outcome) are further columns."""

    key: str
    label: str
    count: int | None = None
    share: tuple[int, int] | None = None
    target: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    shares: dict[str, tuple[int, int]] = field(default_factory=dict)
    averages: dict[str, tuple[int, int]] = field(default_factory=dict)
    money: dict[str, tuple[int, int]] = field(default_factory=dict)
    money_per: dict[str, tuple[int, int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Column:
    key: str
    heading: str
    kind: str = "count"  # count | percent | average | money | target | text


@dataclass
class Table:
    name: str
    title: str
    scope: Scope
    rows: list[Row]
    base: int
    base_label: str
    columns: list[Column]
    # Rows are parts of the base and add up to it (a person is in one row only).
    adds_up: bool = False
    notes: list[str] = field(default_factory=list)
    # Rows whose "amount" adds up to another row's (spending by category): where one alone is
    # withheld, the smallest other is withheld beside it, so that no difference gives it back.
    money_parts: list[str] = field(default_factory=list)
    # Counts that add up to an exact total published somewhere ((column, total, row keys)):
    # protected together (`disclosure.protect_parts`). A table whose rows add up to its base
    # is one such group without saying so.
    parts: list[tuple[str, int, list[str]]] = field(default_factory=list)

    def groups(self) -> list[tuple[str, int, list[str]]]:
        whole = [("count", self.base, [row.key for row in self.rows])] if self.adds_up else []
        return whole + self.parts


# --- figures as a reader sees them -------------------------------------------------------------


def _pounds(pence: int) -> str:
    return f"{Decimal(pence) / 100:.2f}"


def figures(table: Table, published: bool) -> dict[str, Any]:
    """{"rows": [...], "base": …, "total": …} as the reader sees them: exact, or published.

    Published: every count under the programme's rule (1-9 suppressed, the rest rounded);
    the total (the base) rounded on its own from the unrounded figure. A percentage is worked
    out from the published part and whole and hidden where the part is suppressed: worked out
    from the exact figures, a percentage to one decimal place would give the exact count back
    (and a suppressed cell could then be differenced out of its total, or across areas).
    An average is hidden where fewer than the rule's minimum stand behind it; money likewise,
    and otherwise published as `disclosure.money` has it; a "per" figure from published parts.
    """
    rows = [_row_figures(row, table.scope.rule, published) for row in table.rows]
    if published:
        _protect_groups(table, rows)
    if published and table.money_parts:
        _withhold_a_second_part(rows, table.money_parts)
    return {
        "rows": rows,
        "base": disclosure.count(table.base, table.scope.rule) if published else table.base,
        "published": published,
    }


def _row_figures(row: Row, rule: disclosure.DisclosureRule, published: bool) -> dict[str, Any]:
    def shown_count(value: int) -> int | None:
        return disclosure.count(value, rule) if published else value

    def shown_percent(part: int, whole: int) -> float | None:
        return disclosure.percent(part, whole, rule) if published else percent(part, whole)

    out: dict[str, Any] = {"key": row.key, "label": row.label}
    withheld: list[str] = []
    out["count"] = None if row.count is None else shown_count(row.count)
    out["percent"] = None if row.share is None else shown_percent(*row.share)
    out["target"] = row.target
    for name, value in row.counts.items():
        out[name] = shown_count(value)
    for name, (part, whole) in row.shares.items():
        out[name] = shown_percent(part, whole)
        if published and out[name] is None and part:
            withheld.append(name)
    for name, (total, people) in row.averages.items():
        if published:
            shown = disclosure.average(total, people, rule)
        else:
            shown = disclosure.exact_average(total, people)
        out[name] = None if shown is None else float(shown)
        if shown is None and people:
            withheld.append(name)
    for name, (pence, households) in row.money.items():
        money = disclosure.money(pence, households, rule) if published else pence
        out[name] = None if money is None else _pounds(money)
        if money is None:
            withheld.append(name)
    for name, (pence, households, per) in row.money_per.items():
        if published:
            money = disclosure.money_per(
                disclosure.money(pence, households, rule), disclosure.count(per, rule)
            )
        else:
            money = _per(pence, per) if per else None
        out[name] = None if money is None else _pounds(money)
        if money is None and per:
            withheld.append(name)
    if published:
        out["suppressed"] = row.count is not None and out["count"] is None
        if row.share is not None and out["percent"] is None and row.share[0]:
            withheld.append("percent")
        if withheld:
            out["withheld"] = withheld
    return out


def _protect_groups(table: Table, rows: list[dict[str, Any]]) -> None:
    """Secondary suppression of counts that add up to a total (`Table.groups`)."""
    by_key = {row.key: (row, shown) for row, shown in zip(table.rows, rows, strict=True)}
    for column, total, keys in table.groups():
        members = [by_key[key] for key in keys]
        exact = [row.count if column == "count" else row.counts[column] for row, _ in members]
        _, secondary = disclosure.protect_parts(exact, total, table.scope.rule)
        for index in secondary:
            shown = members[index][1]
            shown[column] = None
            shown["percent"] = None  # worked out from the part now withheld
            withheld = shown.setdefault("withheld", [])
            withheld.append("percent")
            if column == "count":
                shown["suppressed"] = True
            else:
                withheld.append(column)


def _withhold_a_second_part(rows: list[dict[str, Any]], keys: list[str]) -> None:
    """Secondary suppression: parts of a published total (amounts by category, adding up to
    the amount spent) where exactly one is withheld lose their smallest other non-zero amount
    too, so the total less the others gives only the sum of two."""
    parts = [row for row in rows if row["key"] in keys]
    if sum("amount" in row.get("withheld", ()) for row in parts) != 1:
        return
    shown = [row for row in parts if row.get("amount") not in (None, "0.00")]
    if shown:
        smallest = min(shown, key=lambda row: abs(Decimal(row["amount"])))
        smallest["amount"] = None
        smallest.setdefault("withheld", []).append("amount")


# --- targets ------------------------------------------------------------------------------------


def target_for(scope: Scope, measure: str) -> dict[str, Any] | None:
    """The programme's target for a measure that the report date counts towards: the first one
    due on or after it, else the last one."""
    targets = sorted(
        (t for t in scope.programme.targets or [] if t.get("measure") == measure),
        key=lambda t: str(t["by"]),
    )
    if not targets:
        return None
    on = scope.date_to.isoformat()
    return next((t for t in targets if str(t["by"]) >= on), targets[-1])


def _target_value(scope: Scope, measure: str) -> int | None:
    """The programme's target; none for a part of the programme (an area, team or advocate),
    which has no target of its own."""
    if scope.part:
        return None
    target = target_for(scope, measure)
    return None if target is None else int(target["value"])


# --- the measures, by group --------------------------------------------------------------------


def outcomes_by(scope: Scope, kinds: list[str]) -> QuerySet[Outcome]:
    """The kept outcomes of these kinds, still holding, achieved on or before the report date,
    of the scope's started households. The engine keeps outcomes of participants only and
    withdraws them when someone stops taking part, so a holding outcome is a participant's."""
    return Outcome.objects.filter(
        household__in=started(scope),
        kind__in=kinds,
        status__in=ACTIVE,
        achieved_on__lte=scope.date_to,
    )


PERFORMANCE = [
    "started",
    "completed_activity",
    "significant_improvement",
    "job_outcome_rate",
    "job_outcomes",
    "positive_outcomes",
]


def performance_by(scope: Scope, group: str | None = None) -> dict[Any, dict[str, int]]:
    """The performance measures for each group of households (`group`: a path from the
    household, e.g. "local_authority__code", "advocate_id"; None: one group, "all")."""

    def grp(prefix: str) -> Any:
        return group_expression(group, prefix)

    homes = started(scope).values("id", grp=grp(""))
    held = (
        outcomes_by(scope, [Outcome.Kind.COMPLETED_ACTIVITY, Outcome.Kind.JOB_OUTCOME])
        .values("household_id")
        .annotate(
            activity=Count("id", filter=Q(kind=Outcome.Kind.COMPLETED_ACTIVITY)),
            jobs=Count("id", filter=Q(kind=Outcome.Kind.JOB_OUTCOME)),
        )
    )
    return readings.household_measures(scope, homes, held)


def rollup(found: dict[Any, dict[str, int]], part: int | None) -> dict[Any, dict[str, int]]:
    """Grid figures (keys "CODE:advocate id") summed by local authority (`part` 0), advocate
    (1) or into one group, "all" (None): each household is in one cell of the grid."""
    out: dict[Any, dict[str, int]] = {}
    for key, measures in found.items():
        code, _, advocate = str(key).partition(":")
        into = (
            "all"
            if part is None
            else (code if part == 0 else (int(advocate) if advocate else None))
        )
        total = out.setdefault(into, dict.fromkeys(measures, 0))
        for name, value in measures.items():
            total[name] += value
    return out


def _performance_rows(scope: Scope, found: dict[str, int], *, targets: bool) -> list[Row]:
    begun = found["started"]

    def target(measure: str) -> int | None:
        return _target_value(scope, measure) if targets else None

    return [
        Row("started", TARGET_MEASURES["started"], begun, target=target("started")),
        Row(
            "completed_activity",
            TARGET_MEASURES["completed_activity"],
            found["completed_activity"],
            share=(found["completed_activity"], begun),
            target=target("completed_activity"),
        ),
        Row(
            "significant_improvement",
            TARGET_MEASURES["significant_improvement"],
            found["significant_improvement"],
            share=(found["significant_improvement"], begun),
            target=target("significant_improvement"),
        ),
        Row(
            "job_outcome_rate",
            "Households where someone moved into work (%)",
            found["job_households"],
            share=(found["job_households"], begun),
            target=target("job_outcome_rate"),
        ),
        Row(
            "job_outcomes",
            "Job outcomes (participants)",
            found["job_outcomes"],
            target=target("job_outcomes"),
        ),
        Row(
            "positive_outcomes",
            TARGET_MEASURES["positive_outcomes"],
            found["positive_outcomes"],
            share=(found["positive_outcomes"], begun),
            target=target("positive_outcomes"),
        ),
    ]


COUNT, PERCENT, TARGET = (
    Column("count", "Number"),
    Column("percent", "%", "percent"),
    Column("target", "Target", "target"),
)


EMPTY = dict.fromkeys(PERFORMANCE + ["job_households"], 0)


def performance(scope: Scope, found: dict[str, int] | None = None) -> Table:
    """Table 1. `found`: the measures already counted (the dashboard counts once for all)."""
    if found is None:
        found = performance_by(scope).get("all") or EMPTY
    return Table(
        "performance",
        TITLES["performance"],
        scope,
        _performance_rows(scope, found, targets=True),
        base=found["started"],
        base_label="households started",
        columns=[COUNT, Column("percent", "% of households started", "percent"), TARGET],
        notes=[
            "A household counts once in each measure, however many of its members qualify; "
            "job outcomes count participants. The moved-into-work row's number is households "
            "with a job outcome; its percentage is the rate the target is set in.",
        ],
    )


def by_area(scope: Scope, found: dict[Any, dict[str, int]] | None = None) -> Table:
    from pathways.areas.models import LocalAuthority

    if found is None:
        found = performance_by(scope, "local_authority__code")
    areas = LocalAuthority.objects.filter(
        Q(programmes=scope.programme) | Q(code__in=list(found))
    ).distinct()
    if scope.area is not None:
        areas = areas.filter(pk=scope.area.pk)
    rows: list[Row] = []
    for area in areas.order_by("name"):
        for row in _performance_rows(scope, found.get(area.code, EMPTY), targets=False):
            row.key = f"{area.code}:{row.key}"
            row.label = f"{area.name}: {row.label}"
            rows.append(row)
    # Each measure's areas add up to the programme's figure (Table 1): protected together.
    parts = []
    for measure in PERFORMANCE:
        members = [row for row in rows if row.key.endswith(f":{measure}")]
        parts.append(("count", sum(row.count or 0 for row in members), [r.key for r in members]))
    return Table(
        "by-area",
        TITLES["by-area"],
        scope,
        rows,
        base=sum(f["started"] for f in found.values()),
        base_label="households started",
        columns=[COUNT, Column("percent", "% of households started", "percent")],
        parts=parts,
    )


def _participant_base(scope: Scope) -> int:
    return participants(scope, subgroup=False).count()


def age_profile(scope: Scope) -> Table:
    people = with_facts(participants(scope, subgroup=False))
    counts = dict(people.order_by().values_list("band").annotate(n=Count("id")))
    base = sum(counts.values())
    rows = [
        Row(band, AGE_LABELS[band], counts.get(band, 0), share=(counts.get(band, 0), base))
        for band in AGE_BANDS
    ]
    return Table(
        "age-profile",
        TITLES["age-profile"],
        scope,
        rows,
        base=base,
        base_label="participants started",
        columns=[COUNT, PERCENT],
        adds_up=True,
        notes=["Age on the household's start date, or the age band recorded."],
    )


def _time_since_work_counts(people: QuerySet) -> dict[str, int]:
    counts: dict[str, int] = {}
    for code, n in people.order_by().values_list("time_since_work").annotate(n=Count("id")):
        key = code or TimeSinceWork.UNKNOWN
        counts[key] = counts.get(key, 0) + n
    return counts


def time_since_work(scope: Scope) -> Table:
    counts = _time_since_work_counts(participants(scope, subgroup=False))
    base = sum(counts.values())
    rows = [
        Row(code, label, counts.get(code, 0), share=(counts.get(code, 0), base))
        for code, label in TimeSinceWork.choices
    ]
    return Table(
        "time-since-work",
        TITLES["time-since-work"],
        scope,
        rows,
        base=base,
        base_label="participants started",
        columns=[COUNT, PERCENT],
        adds_up=True,
        notes=["Not recorded counts as not known."],
    )


LONG_TERM = [TimeSinceWork.OVER_36M, TimeSinceWork.NEVER]


def long_term_by_age(scope: Scope) -> Table:
    people = with_facts(participants(scope, subgroup=False)).filter(time_since_work__in=LONG_TERM)
    counts = {
        (since, band): n
        for since, band, n in people.order_by()
        .values_list("time_since_work", "band")
        .annotate(n=Count("id"))
    }
    labels = {
        TimeSinceWork.OVER_36M: "Out of work more than 3 years",
        TimeSinceWork.NEVER: "Never employed",
        "all": "Both together",
    }
    rows = []
    for group in [*LONG_TERM, "all"]:
        members = LONG_TERM if group == "all" else [group]
        whole = sum(n for (since, _), n in counts.items() if since in members)
        for band in AGE_BANDS:
            part = sum(counts.get((since, band), 0) for since in members)
            rows.append(
                Row(
                    f"{group}:{band}",
                    f"{labels[group]}: {AGE_LABELS[band]}",
                    part,
                    share=(part, whole),
                    counts={"group_total": whole},
                )
            )
    # Each group's bands add up to the group, and each band of both to its two groups' bands.
    groups = [*LONG_TERM, "all"]
    parts = [
        ("count", rows[i * len(AGE_BANDS)].counts["group_total"], [f"{g}:{b}" for b in AGE_BANDS])
        for i, g in enumerate(groups)
    ]
    parts += [
        ("count", sum(counts.get((s, b), 0) for s in LONG_TERM), [f"{s}:{b}" for s in LONG_TERM])
        for b in AGE_BANDS
    ]
    return Table(
        "long-term-by-age",
        TITLES["long-term-by-age"],
        scope,
        rows,
        base=sum(counts.values()),
        base_label="participants out of work 3+ years or never employed",
        columns=[COUNT, Column("percent", "% of the group", "percent")],
        notes=["Each group's rows add up to the group: the percentages are of the group."],
        parts=parts,
    )


def support_needs(scope: Scope) -> Table:
    people = with_facts(participants(scope, subgroup=False))
    aggregates = {
        code: Count("id", filter=Q(needs__contains=f'"{code}"')) for code in SupportNeed.values
    }
    aggregates["base"] = Count("id")
    found = people.order_by().aggregate(**aggregates)
    base = found.pop("base")
    rows = [
        Row(code, label, found[code], share=(found[code], base))
        for code, label in SupportNeed.choices
    ]
    return Table(
        "support-needs",
        TITLES["support-needs"],
        scope,
        rows,
        base=base,
        base_label="participants started",
        columns=[COUNT, PERCENT],
        notes=["A person can report several needs, so the rows add up to more than the base."],
    )


def _completed_activities(scope: Scope) -> QuerySet[Activity]:
    """Activities of participants (programmes.md), completed on or before the report date."""
    return Activity.objects.filter(
        participating("person__"),
        person__household__in=started(scope),
        status=Activity.Status.COMPLETED,
        completed_date__isnull=False,
        completed_date__lte=scope.date_to,
    )


def progress_figures(scope: Scope) -> dict[str, int]:
    measures = scope.programme.measures or {}
    min_hours = Decimal(str(measures.get("course_min_hours", 5)))
    activities = _completed_activities(scope).aggregate(
        work=Count("id", filter=Q(activity_type=Activity.Type.WORK_RELATED)),
        courses=Count("id", filter=Q(activity_type=Activity.Type.COURSE, hours__gte=min_hours)),
    )
    improved = readings.improvement_by_group(scope).get("all", {})
    return {
        "progress_measures": improved.get("progress_measures", 0),
        "job_outcomes": outcomes_by(scope, [Outcome.Kind.JOB_OUTCOME]).count(),
        "work_related_activities": activities["work"],
        "courses_5h": activities["courses"],
    }


def progress(scope: Scope) -> Table:
    found = progress_figures(scope)
    labels = {
        "progress_measures": "Progress measures (star points moved up)",
        "job_outcomes": "Job outcomes",
        "work_related_activities": "Work-related activities completed",
        "courses_5h": "Courses of 5 hours or more completed",
    }
    rows = [
        Row(key, label, found[key], target=_target_value(scope, key))
        for key, label in labels.items()
    ]
    return Table(
        "progress",
        TITLES["progress"],
        scope,
        rows,
        base=_participant_base(scope),
        base_label="participants started",
        columns=[COUNT, TARGET],
        notes=[
            "One progress measure per participant per star point whose latest reading is above "
            "their first. Activities of participants, completed by the report date."
        ],
    )


def distance_travelled(scope: Scope) -> Table:
    found = readings.distance_travelled(scope)
    people = found["people"]
    rows = []
    for point in found["points"]:
        figures_ = found["by_point"].get(
            point.pk, {"people": 0, "first_sum": 0, "latest_sum": 0, "moved_up": 0, "steps": {}}
        )
        n = figures_["people"]
        steps = range(point.scale_min, point.scale_max + 1)
        rows.append(
            Row(
                point.code,
                point.name,
                figures_["moved_up"],
                share=(figures_["moved_up"], n),
                shares={f"step_{s}": (figures_["steps"].get(s, 0), n) for s in steps},
                averages={
                    "first_average": (figures_["first_sum"], n),
                    "latest_average": (figures_["latest_sum"], n),
                },
            )
        )
    rows.append(
        Row(
            "any_point",
            "Moved up on at least one point",
            found["moved_up_anywhere"],
            share=(found["moved_up_anywhere"], people),
        )
    )
    steps = sorted({s for p in found["points"] for s in range(p.scale_min, p.scale_max + 1)})
    subgroup = scope.subgroup.describe()
    return Table(
        "distance-travelled",
        TITLES["distance-travelled"] + (f" ({subgroup})" if subgroup else ""),
        scope,
        rows,
        base=people,
        base_label="participants with two or more readings",
        columns=[
            Column("count", "Moved up"),
            Column("percent", "% moved up", "percent"),
            Column("first_average", "Average first score", "average"),
            Column("latest_average", "Average latest score", "average"),
            *[Column(f"step_{s}", f"% at step {s} first", "percent") for s in steps],
        ],
        notes=[
            "First reading: the earliest; latest: the last on or before the report date. The "
            "step columns are the need profile: where people were at their first reading."
        ],
    )


def referral_sources(scope: Scope) -> Table:
    referred_by = Coalesce("referral_date", "start_date")
    households = scope.households.annotate(referred_on=referred_by).filter(
        referred_on__lte=scope.date_to
    )
    begun = Q(start_date__isnull=False, start_date__lte=scope.date_to)
    counts = {
        (source or NOT_KNOWN): (referred, begun_n)
        for source, referred, begun_n in households.order_by()
        .values_list("referral_source")
        .annotate(referred=Count("id"), begun=Count("id", filter=begun))
    }
    labels = {**dict(ReferralSource.choices), NOT_KNOWN: NOT_KNOWN_LABEL}
    rows = []
    for code, label in labels.items():
        referred, begun_n = counts.get(code, (0, 0))
        rows.append(
            Row(code, label, referred, share=(begun_n, referred), counts={"started": begun_n})
        )
    return Table(
        "referral-sources",
        TITLES["referral-sources"],
        scope,
        rows,
        base=sum(r for r, _ in counts.values()),
        base_label="households referred",
        columns=[
            Column("count", "Referred"),
            Column("started", "Started"),
            Column("percent", "% started (conversion)", "percent"),
        ],
        adds_up=True,
        # The started column adds up to the households started of Table 1.
        parts=[("started", sum(b for _, b in counts.values()), [row.key for row in rows])],
    )


def budget(scope: Scope) -> Table:
    entries = Entry.objects.filter(budget__household__in=scope.households, date__lte=scope.date_to)
    totals = spend_totals(entries)
    households = totals["households"]
    rows = [
        Row(
            key,
            label,
            households,
            money={"amount": (value, households)},
        )
        for key, label, value in (
            ("allocated", "Allocated", totals["allocated"]),
            ("spent", "Spent (after refunds)", totals["net_spent"]),
            ("committed", "Committed, not yet spent", totals["committed"]),
            ("left", "Left to spend", totals["available"]),
        )
    ]
    labels = dict(Category.choices)
    for row in spend_by_category(entries):
        per_category = row["households"]
        rows.append(
            Row(
                f"category:{row['category']}",
                f"Spent on {labels.get(row['category'], 'other').lower()}",
                per_category,
                money={"amount": (row["net_spent"], per_category)},
            )
        )
    jobs = outcomes_by(scope, [Outcome.Kind.JOB_OUTCOME]).count()
    rows.append(
        Row(
            "per_job_outcome",
            "Spent per job outcome",
            jobs,
            money_per={"amount": (totals["net_spent"], households, jobs)},
        )
    )
    return Table(
        "budget",
        TITLES["budget"],
        scope,
        rows,
        base=households,
        base_label="households with a budget",
        columns=[Column("count", "Households or outcomes"), Column("amount", "£", "money")],
        notes=["Money in pounds; spending is net of refunds, by the entries' own dates."],
        money_parts=[row.key for row in rows if row.key.startswith("category:")],
    )


def _per(pence: int, n: int) -> int:
    whole, remainder = divmod(pence, n)
    return whole + (1 if 2 * remainder >= n else 0)


TABLES: dict[str, Callable[[Scope], Table]] = {
    "performance": performance,
    "age-profile": age_profile,
    "time-since-work": time_since_work,
    "long-term-by-age": long_term_by_age,
    "support-needs": support_needs,
    "progress": progress,
    "distance-travelled": distance_travelled,
    "referral-sources": referral_sources,
    "by-area": by_area,
    "budget": budget,
}


def build(name: str, scope: Scope) -> Table:
    return TABLES[name](scope)
