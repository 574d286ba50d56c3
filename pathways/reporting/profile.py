"""Who the participants are: their age at the start, time since work, the long-term workless by
age, support needs, and the referral routes and how many of each started."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce

from pathways.households.codes import AgeBand, ReferralSource, SupportNeed, TimeSinceWork
from pathways.reporting.figures import COUNT, PERCENT, TITLES, Column, Row, Table
from pathways.reporting.scope import NOT_KNOWN, Scope, participants, with_facts

NOT_KNOWN_LABEL = "Not known"
AGE_BANDS = [*AgeBand.values, NOT_KNOWN]
AGE_LABELS = {**dict(AgeBand.choices), NOT_KNOWN: NOT_KNOWN_LABEL}


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
