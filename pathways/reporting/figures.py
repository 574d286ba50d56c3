"""A report table's exact figures (`Row`), its columns and its shape (`Table`), and `figures()`,
which turns them into what a reader sees — exact, or published under the programme's
disclosure control — so the screen, every file, the command line and the API show the same
numbers. And the programme's targets a table reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pathways.reporting import disclosure
from pathways.reporting.scope import Scope

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


COUNT, PERCENT, TARGET = (
    Column("count", "Number"),
    Column("percent", "%", "percent"),
    Column("target", "Target", "target"),
)


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


def _per(pence: int, n: int) -> int:
    whole, remainder = divmod(pence, n)
    return whole + (1 if 2 * remainder >= n else 0)


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


def target_value(scope: Scope, measure: str) -> int | None:
    """The programme's target; none for a part of the programme (an area, team or advocate),
    which has no target of its own."""
    if scope.part:
        return None
    target = target_for(scope, measure)
    return None if target is None else int(target["value"])
