"""The Household Support Budget as a report: the board's budget table, from the ledger."""

from __future__ import annotations

from pathways.budgets.models import Category, Entry
from pathways.budgets.selectors import spend_by_category, spend_totals
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
