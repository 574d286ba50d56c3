"""Importing budget.csv of the exchange format: every row through the budget's own rules, all or
nothing, every problem reported at once with its line and column."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from pathways.accounts.models import Actor
from pathways.audit.models import AuditEvent
from pathways.budgets import ledger, rules
from pathways.budgets.models import Budget, Category, Entry
from pathways.core import bulk
from pathways.core.csvfiles import read_rows
from pathways.core.exceptions import RuleError
from pathways.core.money import amount_text, parse_pounds
from pathways.core.problems import ImportRefused, Problem
from pathways.households.models import Household, TimelineEntry
from pathways.programmes.spending_rules import SpendingRules, rules_of

FILE = "budget.csv"
REQUIRED = {"household_ref", "date", "category", "amount"}
OPTIONAL = {"description"}
CATEGORIES = frozenset(Category.values)
# A ledger entry's columns, in the order of the plain rows imports write (`core.bulk.insert`).
ENTRY_COLUMNS = (
    "budget_id",
    "kind",
    "amount_pence",
    "date",
    "category",
    "description",
    "source_key",
    "supplier",
    "request_id",
    "recorded_by_id",
    "created_at",
)
# An audit event's columns, in the order of the plain rows the import writes for its entries.
AUDIT_COLUMNS = (
    "at",
    "actor_id",
    "actor_label",
    "verb",
    "target_type",
    "target_id",
    "target_label",
    "programme_id",
    "data",
)


@dataclass
class Summary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    reversed: int = 0
    problems: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"{FILE}: {self.created} created, {self.updated} updated, {self.unchanged} unchanged"
        return text + (
            f", {self.reversed} reversed (no longer in the file)" if self.reversed else ""
        )


@dataclass(frozen=True, slots=True)
class BudgetRow:
    line: int
    household_ref: str
    date: dt.date
    category: str
    amount_pence: int  # positive = spend, negative = refund
    description: str
    # An exported bundle's key for the row ("entry:123": a payment recorded in Pathways; other
    # values: the key it was imported with). Empty: known by its date, category and place.
    x_ref: str = ""


def parse_row(line: int, cells: dict[str, str]) -> BudgetRow | list[Problem]:
    """One row, checked cell by cell; every problem of the row, or the row."""
    problems = []

    def fail(column: str, reason: str) -> None:
        problems.append(Problem(FILE, line, column, cells.get(column, ""), reason))

    for column in sorted(REQUIRED):
        if not cells.get(column):
            fail(column, "is required")
    try:
        on = dt.date.fromisoformat(cells["date"]) if cells.get("date") else None
    except ValueError:
        on = None
        fail("date", "is not a date in the form YYYY-MM-DD")
    category = cells.get("category", "")
    if category and category not in CATEGORIES:
        fail("category", f"is not a budget category (one of {', '.join(Category.values)})")
    amount = 0
    if cells.get("amount"):
        try:
            amount = parse_pounds(cells["amount"])
        except ValueError as error:
            fail("amount", str(error))
        else:
            if "." not in cells["amount"] or len(cells["amount"].rsplit(".", 1)[1]) != 2:
                fail("amount", "must be pounds with two decimals, like 12.50 or -40.00")
            elif amount == 0:
                fail("amount", "must not be zero (positive = spend, negative = refund)")
    if problems:
        return problems
    return BudgetRow(
        line,
        cells["household_ref"],
        on,  # type: ignore[arg-type]
        category,
        amount,
        cells.get("description", "")[:500],
        cells.get("x_ref", "")[:40],
    )


def import_budget_csv(
    stream: IO[bytes],
    *,
    programme: Any,
    actor: Actor,
    dry_run: bool = False,
    only: set[str] | None = None,
) -> Summary:
    """Import the file for one programme. Raises ImportRefused with every problem, having
    changed nothing; with `dry_run`, checks everything and changes nothing either way."""
    summary = Summary()
    rows: list[BudgetRow] = []
    for item in read_rows(stream, name=FILE, required=REQUIRED, optional=OPTIONAL):
        if isinstance(item, Problem):
            summary.problems.append(item)
            continue
        if only is not None and item[1].get("household_ref") not in only:
            continue  # another programme's household, in a bundle of several
        parsed = parse_row(*item)
        if isinstance(parsed, list):
            summary.problems.extend(parsed)
        else:
            rows.append(parsed)
    if summary.problems and not rows:
        raise ImportRefused(summary.problems)
    with transaction.atomic():
        _apply(rows, programme, actor, summary)
        if summary.problems:
            transaction.set_rollback(True)
            raise ImportRefused(summary.problems)
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _apply(rows: list[BudgetRow], programme: Any, actor: Actor, summary: Summary) -> None:
    references = {row.household_ref for row in rows}
    # The programme's households the file names, as light instances (a programme may have
    # 100,000: read by the programme, not by a list of references).
    households = {}
    for household in (
        Household.objects.filter(programme=programme)
        .only("pk", "reference", "programme_id")
        .iterator(chunk_size=5000)
    ):
        if household.reference in references:
            household.programme = programme
            households[household.reference] = household
    with_budget = references & set(
        Budget.objects.filter(household__programme=programme).values_list(
            "household__reference", flat=True
        )
    )
    rows = _without_payments_made_here(rows, households, programme, summary)
    # A row is known by its household, date, category and its place among such rows: the
    # second £5.00 of travel on one day is a different row from the first; or by its x_ref.
    ordered = sorted(rows, key=lambda r: (r.date, r.line))  # a refund follows its spending
    seen: Counter[tuple[str, dt.date, str]] = Counter()
    keys = []
    for row in ordered:
        if row.x_ref:
            keys.append(f"{FILE}:{row.household_ref}:x:{row.x_ref}")
            continue
        seen[(row.household_ref, row.date, row.category)] += 1
        number = seen[(row.household_ref, row.date, row.category)]
        keys.append(f"{FILE}:{row.household_ref}:{row.date}:{row.category}:{number}")
    _reverse_missing_rows(programme, households, with_budget, set(keys), actor, summary)
    fresh = _fresh(programme, with_budget)
    _apply_fresh(
        [(row, key) for row, key in zip(ordered, keys, strict=True) if row.household_ref in fresh],
        households,
        programme,
        actor,
        summary,
    )
    for row, key in zip(ordered, keys, strict=True):
        if row.household_ref in fresh:
            continue
        household = households.get(row.household_ref)
        missing = (
            f"no household with this reference on {programme.name}"
            if household is None
            else "this household has no budget (it has not started, or the programme has none)"
            if row.household_ref not in with_budget
            else None
        )
        if missing:
            summary.problems.append(
                Problem(FILE, row.line, "household_ref", row.household_ref, missing)
            )
            continue
        try:
            outcome = ledger.record_past_spending(
                actor=actor,
                household=household,
                on=row.date,
                category=row.category,
                amount_pence=row.amount_pence,
                description=row.description,
                source_key=key,
            )
        except RuleError as error:
            for column, reason in error.problems.items():
                column = column if column in REQUIRED else "amount"
                value = {"amount": amount_text(row.amount_pence)}.get(column, "")
                summary.problems.append(Problem(FILE, row.line, column, value, reason))
            continue
        setattr(summary, outcome, getattr(summary, outcome) + 1)
    # (a fresh household's lines were checked in memory against its whole ledger)
    for reference in sorted(({row.household_ref for row in rows} & with_budget) - fresh):
        for reason in ledger.check_ledger(households[reference]).values():
            summary.problems.append(Problem(FILE, 0, "household_ref", reference, reason))


def _without_payments_made_here(
    rows: list[BudgetRow], households: dict[str, Household], programme: Any, summary: Summary
) -> list[BudgetRow]:
    """Rows that name a payment or refund recorded in Pathways ("entry:123", from an export of
    this database) are that entry: unchanged if they say the same, refused if they do not (the
    ledger is changed on the budget page, never by import); the rest go on to be imported."""
    named = {
        row.line: int(row.x_ref[6:])
        for row in rows
        if row.x_ref.startswith("entry:") and row.x_ref[6:].isdigit()
    }
    if not named:
        return rows
    entries = {
        entry.pk: entry
        for entry in Entry.objects.filter(
            pk__in=named.values(),
            source_key="",
            kind__in=rules.SPENT,
            budget__household__programme=programme,
        ).select_related("budget__household")
    }
    kept = []
    for row in rows:
        entry = entries.get(named.get(row.line, 0))
        if entry is None or entry.budget.household.reference != row.household_ref:
            kept.append(row)  # another database's payment: imported as a row of its own
        elif (entry.date, entry.category, -entry.amount_pence) == (
            row.date,
            row.category,
            row.amount_pence,
        ):
            summary.unchanged += 1
        else:
            summary.problems.append(
                Problem(
                    FILE,
                    row.line,
                    "amount",
                    amount_text(row.amount_pence),
                    f"this line is ledger entry {entry.pk}, recorded in Pathways "
                    f"({amount_text(-entry.amount_pence)} of {entry.category} on {entry.date}): "
                    "record a refund or adjustment on the household's budget page instead",
                )
            )
    return kept


def _fresh(programme: Any, with_budget: set[str]) -> set[str]:
    """Households with a budget and no imported lines yet: their rows are checked in memory and
    written together (the first import of a programme); the others row by row."""
    seen = set(
        Entry.objects.filter(
            budget__household__programme=programme, source_key__startswith=f"{FILE}:"
        )
        .values_list("budget__household__reference", flat=True)
        .distinct()
    )
    return with_budget - seen


FRESH_CHUNK = 2000  # households whose new lines are written together


def _apply_fresh(
    rows: list[tuple[BudgetRow, str]],
    households: dict[str, Household],
    programme: Any,
    actor: Actor,
    summary: Summary,
) -> None:
    """The same rules as `ledger.record_past_spending`, applied to each household's rows in
    date order against its ledger as it stands; the entries written a chunk of households at a
    time (memory stays flat), and none once any row breaks a rule (then every problem is still
    found, and the caller rolls back)."""
    by_household: dict[str, list[tuple[BudgetRow, str]]] = {}
    for row, key in rows:
        by_household.setdefault(row.household_ref, []).append((row, key))
    refs = sorted(by_household)
    for first in range(0, len(refs), FRESH_CHUNK):
        chunk = refs[first : first + FRESH_CHUNK]
        _apply_fresh_chunk(
            [item for ref in chunk for item in by_household.pop(ref)],
            households,
            programme,
            actor,
            summary,
        )


def _apply_fresh_chunk(
    rows: list[tuple[BudgetRow, str]],
    households: dict[str, Household],
    programme: Any,
    actor: Actor,
    summary: Summary,
) -> None:
    if not rows:
        return
    refs = {row.household_ref for row, _ in rows}
    budgets = dict(
        Budget.objects.filter(household__in=[households[r] for r in refs]).values_list(
            "household__reference", "pk"
        )
    )
    entries = _checked_entries(rows, budgets, rules_of(programme), summary)
    if summary.problems:
        return
    _write_entries(entries, budgets, households, programme, actor)
    summary.created += len(entries)


def _checked_entries(
    rows: list[tuple[BudgetRow, str]],
    budgets: dict[str, int],
    spending_rules: SpendingRules,
    summary: Summary,
) -> list[tuple]:
    """Each row through the budget's rules in turn, against its household's ledger as the rows
    before it left it; the entries of the rows that keep to them, the problems of the rest."""
    ledgers = ledger.ledgers_of(budgets.values())
    entries: list[tuple] = []
    for row, key in rows:
        budget_id, category, amount = budgets[row.household_ref], row.category, row.amount_pence
        problems = ledgers.take(spending_rules, budget_id, category, amount)
        if problems:
            for column, reason in problems.items():
                column = column if column in REQUIRED else "amount"
                value = amount_text(amount) if column == "amount" else getattr(row, column, "")
                summary.problems.append(Problem(FILE, row.line, column, value, reason))
            continue
        entries.append(
            (
                budget_id,
                Entry.Kind.SPEND if amount > 0 else Entry.Kind.REFUND,
                -amount,
                row.date,
                category,
                row.description,
                key,
            )
        )
    return entries


def _write_entries(
    entries: list[tuple],
    budgets: dict[str, int],
    households: dict[str, Household],
    programme: Any,
    actor: Actor,
) -> None:
    """The chunk's new entries, their audit events and a line on each household's timeline."""
    # Written as plain rows (COPY on PostgreSQL), then their ids read back for the audit trail.
    user = ledger.recorder(actor)
    user_id = user.pk if user else None
    now = timezone.now()
    bulk.insert(
        Entry,
        ENTRY_COLUMNS,
        (entry + ("", None, user_id, now) for entry in entries),
    )
    # (by the chunk's budgets, not by a list of every key: that could pass PostgreSQL's limit
    # of 65,535 parameters)
    ids = dict(
        Entry.objects.filter(
            budget_id__in=set(budgets.values()), source_key__startswith=f"{FILE}:"
        ).values_list("source_key", "pk")
    )
    bulk.insert(
        AuditEvent,
        AUDIT_COLUMNS,
        (
            (
                now,
                user_id,
                user.get_username() if user else "system",
                f"budget.{kind}",
                "budgets.entry",
                str(ids[key]),
                f"{kind} {pence:+d}p on {on}",
                programme.pk,
                {"amount_pence": pence, "category": category, "source_key": key},
            )
            for _, kind, pence, on, category, _, key in entries
        ),
    )
    reference_of = {pk: ref for ref, pk in budgets.items()}
    lines = Counter(reference_of[budget_id] for budget_id, *_ in entries)
    TimelineEntry.objects.bulk_create(
        [
            TimelineEntry(
                household=households[ref],
                on=timezone.localdate(),
                kind="budget",
                summary=f"Imported {count} budget line{'s' if count != 1 else ''}",
                actor=user,
            )
            for ref, count in lines.items()
        ],
        batch_size=2000,
    )


def _reverse_missing_rows(
    programme: Any,
    households: dict[str, Household],
    with_budget: set[str],
    keys: set[str],
    actor: Actor,
    summary: Summary,
) -> None:
    """The file holds each of its households' whole imported spending: a row imported before
    and gone now (its date or category corrected, or deleted) is reversed by a new entry."""
    kept = (
        Entry.objects.filter(
            budget__household__programme=programme, source_key__startswith=f"{FILE}:"
        )
        .values("budget__household__reference", "source_key", "category")
        .annotate(total=Sum("amount_pence"))
        .order_by("source_key")
    )
    for row in kept:
        if (
            row["total"] == 0
            or row["source_key"] in keys
            or row["budget__household__reference"] not in with_budget
        ):
            continue
        try:
            ledger.record_past_spending(
                actor=actor,
                household=households[row["budget__household__reference"]],
                on=timezone.localdate(),
                category=row["category"],
                amount_pence=0,
                description="",
                source_key=row["source_key"],
                removed=True,
            )
        except RuleError as error:
            summary.problems.append(
                Problem(FILE, 0, "", row["source_key"], "; ".join(error.problems.values()))
            )
            continue
        summary.reversed += 1
