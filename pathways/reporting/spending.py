"""The Household Support Budget as a report: the board's budget table, and spending by outcome
(the programme spending page), from the ledger."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from pathways.budgets.models import Category, Entry
from pathways.budgets.selectors import average_pence, spend_by_category, spend_totals
from pathways.outcomes.models import Outcome
from pathways.reporting.figures import TITLES, Column, Row, Table
from pathways.reporting.performance import outcomes_by
from pathways.reporting.scope import Scope


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


def spend_by_outcome(entries: QuerySet[Entry]) -> list[dict[str, Any]]:
    """Spending per household, for households where someone has a job outcome (not withdrawn)
    and those where nobody has, yet: for the value-for-money work."""
    with_job = Outcome.objects.filter(
        kind=Outcome.Kind.JOB_OUTCOME,
        status__in=[Outcome.Status.ACHIEVED, Outcome.Status.EVIDENCED, Outcome.Status.VERIFIED],
    ).values("household_id")
    reached = Q(budget__household__in=with_job)
    rows = []
    for label, condition in (("With a job outcome", reached), ("No job outcome yet", ~reached)):
        row = spend_totals(entries.filter(condition))
        row["label"] = label
        row["average"] = average_pence(row["net_spent"], row["households"])
        rows.append(row)
    return rows
