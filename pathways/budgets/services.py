"""Spending the Household Support Budget without ever overspending or losing a penny.

Every change locks the household's Budget row first (SELECT … FOR UPDATE on PostgreSQL; on
SQLite every transaction takes the write lock up front: settings' "IMMEDIATE"), then reads the
balance from the entries, then writes new entries. Two spends at once therefore queue, and the
second sees the first. Money is whole pence (int) throughout; never a float.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils import timezone

from pathways.audit import services as audit
from pathways.budgets.models import Budget, Category, Entry, Receipt, SpendRequest
from pathways.core.exceptions import RuleError
from pathways.core.money import parse_pounds, pounds
from pathways.core.roles import Role
from pathways.households.models import Household, TimelineEntry

# Requests above the programme's threshold need a team manager's approval before the money is
# committed; this is the default when a programme sets none.
APPROVAL_THRESHOLD_PENCE = 25_000


@dataclass(frozen=True)
class SpendingRules:
    approval_threshold: int
    categories: tuple[str, ...]
    category_caps: dict[str, int]
    item_cap: int | None

    @property
    def category_labels(self) -> list[str]:
        return [Category(code).label for code in self.categories]

    @property
    def cap_labels(self) -> list[tuple[str, int]]:
        return [(Category(code).label, cap) for code, cap in self.category_caps.items()]


def rules_of(programme: Any) -> SpendingRules:
    """The programme's spending rules (programme data), in pence."""
    raw = programme.budget_rules or {}
    threshold = raw.get("approval_threshold")
    return SpendingRules(
        approval_threshold=parse_pounds(threshold) if threshold else APPROVAL_THRESHOLD_PENCE,
        categories=tuple(raw.get("categories") or Category.values),
        category_caps={k: parse_pounds(v) for k, v in (raw.get("category_caps") or {}).items()},
        item_cap=parse_pounds(raw["item_cap"]) if raw.get("item_cap") else None,
    )


@dataclass(frozen=True)
class Balance:
    allocated: int
    committed: int
    spent: int
    available: int


def balance(budget: Budget) -> Balance:
    """The balance, worked out from the entries in one query."""
    totals = budget.entries.aggregate(
        allocated=Sum(
            "amount_pence", filter=Q(kind__in=[Entry.Kind.ALLOCATION, Entry.Kind.ADJUSTMENT])
        ),
        commitments=Sum(
            "amount_pence", filter=Q(kind__in=[Entry.Kind.COMMITMENT, Entry.Kind.RELEASE])
        ),
        spending=Sum("amount_pence", filter=Q(kind__in=[Entry.Kind.SPEND, Entry.Kind.REFUND])),
        available=Sum("amount_pence"),
    )
    return Balance(
        allocated=totals["allocated"] or 0,
        committed=-(totals["commitments"] or 0),
        spent=-(totals["spending"] or 0),
        available=totals["available"] or 0,
    )


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _lock(household: Household) -> Budget:
    budget = Budget.objects.select_for_update().filter(household=household).first()
    if budget is None:
        raise RuleError({"amount": "This household has no budget"})
    return budget


def _entry(budget: Budget, actor: Any, kind: str, amount: int, on: dt.date, **fields: Any) -> Entry:
    entry = Entry.objects.create(
        budget=budget, kind=kind, amount_pence=amount, date=on, recorded_by=_user(actor), **fields
    )
    household = budget.household
    audit.record(
        actor=actor,
        verb=f"budget.{kind}",
        target=entry,
        programme=household.programme,
        data={
            "household": household.pk,
            "amount_pence": amount,
            **{k: str(v) for k, v in fields.items() if k != "request"},
        },
    )
    return entry


def _note(household: Household, actor: Any, on: dt.date, summary: str) -> None:
    TimelineEntry.objects.create(
        household=household, on=on, kind="budget", summary=summary, actor=_user(actor)
    )


def _check_request(category: str, amount: int) -> None:
    problems = {}
    if category not in Category.values:
        problems["category"] = "Choose what the money is for"
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        problems["amount"] = "Enter an amount more than £0.00"
    if problems:
        raise RuleError(problems)


def _commit(budget: Budget, actor: Any, request: SpendRequest, on: dt.date) -> None:
    available = balance(budget).available
    if request.amount_pence > available:
        raise RuleError(
            {
                "amount": f"Only {pounds(available)} of the budget is available, not {pounds(request.amount_pence)}"
            }
        )
    _entry(
        budget,
        actor,
        Entry.Kind.COMMITMENT,
        -request.amount_pence,
        on,
        category=request.category,
        supplier=request.supplier,
        description=request.description,
        request=request,
    )


USED = [Entry.Kind.COMMITMENT, Entry.Kind.RELEASE, Entry.Kind.SPEND, Entry.Kind.REFUND]
SPENT = [Entry.Kind.SPEND, Entry.Kind.REFUND]


def spend_problems(
    rules: SpendingRules, category: str, amount: int, *, used: int, available: int | None
) -> dict[str, str]:
    """What is wrong with spending `amount` on `category`, given what the household has used of
    that category (committed or spent) and, if it matters, what is available: an eligible cost,
    within the per-item cap, within the category's cap, never more than is available."""
    label = Category(category).label
    if category not in rules.categories:
        return {"category": f"{label} is not a cost this programme's budget pays for"}
    if rules.item_cap is not None and amount > rules.item_cap:
        return {"amount": f"One item can be at most {pounds(rules.item_cap)} on this programme"}
    cap = rules.category_caps.get(category)
    if cap is not None and used + amount > cap:
        return {
            "amount": f"{label} is capped at {pounds(cap)} a household; {pounds(max(0, cap - used))} is left"
        }
    if available is not None and amount > available:
        return {
            "amount": f"Only {pounds(available)} of the budget is available, not {pounds(amount)}"
        }
    return {}


def refund_problems(category: str, amount: int, *, spent: int) -> dict[str, str]:
    """A refund is never more than has been spent on that kind of cost."""
    if amount > spent:
        return {
            "amount": f"A refund cannot be more than has been spent on {Category(category).label.lower()} ({pounds(spent)})"
        }
    return {}


def _category_total(budget: Budget, category: str, kinds: list[str]) -> int:
    return -(
        budget.entries.filter(category=category, kind__in=kinds).aggregate(
            total=Sum("amount_pence")
        )["total"]
        or 0
    )


def _check_rules(
    rules: SpendingRules, budget: Budget, category: str, amount: int, available: int | None = None
) -> None:
    used = _category_total(budget, category, USED) if rules.category_caps.get(category) else 0
    problems = spend_problems(rules, category, amount, used=used, available=available)
    if problems:
        raise RuleError(problems)


def _check_refund(budget: Budget, category: str, amount: int) -> None:
    problems = refund_problems(category, amount, spent=_category_total(budget, category, SPENT))
    if problems:
        raise RuleError(problems)


@transaction.atomic
def request_spend(
    *,
    actor: Any,
    household: Household,
    category: str,
    amount_pence: int,
    supplier: str = "",
    description: str = "",
    on: dt.date | None = None,
) -> SpendRequest:
    """Ask to spend. Up to the threshold the money is committed at once; above it the request
    waits for a team manager."""
    on = on or timezone.localdate()
    _check_request(category, amount_pence)
    rules = rules_of(household.programme)
    budget = _lock(household)
    _check_rules(rules, budget, category, amount_pence)
    request = SpendRequest.objects.create(
        budget=budget,
        category=category,
        amount_pence=amount_pence,
        supplier=supplier.strip(),
        description=description.strip(),
        requested_by=actor,
    )
    if amount_pence <= rules.approval_threshold:
        _commit(budget, actor, request, on)
        request.status = SpendRequest.Status.APPROVED
        request.decision_reason = f"Up to {pounds(rules.approval_threshold)}: no approval needed"
        request.save(update_fields=["status", "decision_reason"])
    _note(
        household,
        actor,
        on,
        f"Budget request: {pounds(amount_pence)} for {request.get_category_display().lower()}",
    )
    audit.record(
        actor=actor,
        verb="budget.requested",
        target=request,
        programme=household.programme,
        data={"amount_pence": amount_pence, "category": category},
    )
    return request


def may_approve(user: Any, household: Household) -> bool:
    role = getattr(user, "role", None)
    if role == Role.TEAM_MANAGER:
        return (
            household.organisation_id is not None
            and household.organisation_id == user.organisation_id
        )
    return role == Role.PROGRAMME_MANAGER and household.programme in user.programmes.all()


@transaction.atomic
def approve(*, actor: Any, request: SpendRequest, on: dt.date | None = None) -> SpendRequest:
    """A manager approves: the money is committed, if it is there."""
    on = on or timezone.localdate()
    budget = _lock(request.budget.household)
    request = SpendRequest.objects.select_for_update().get(pk=request.pk)
    household = budget.household
    if not may_approve(actor, household):
        raise RuleError(
            {"request": "Only the household's team manager or a programme manager can approve"}
        )
    if request.requested_by_id == actor.pk:
        raise RuleError({"request": "You cannot approve your own request: ask another manager"})
    if request.status != SpendRequest.Status.REQUESTED:
        raise RuleError(
            {"request": f"This request is {request.get_status_display().lower()} already"}
        )
    _commit(budget, actor, request, on)
    request.status = SpendRequest.Status.APPROVED
    request.decided_by, request.decided_at = actor, timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at"])
    _note(
        household,
        actor,
        on,
        f"Budget request of {pounds(request.amount_pence)} approved by {actor}",
    )
    return request


@transaction.atomic
def reject(*, actor: Any, request: SpendRequest, reason: str) -> SpendRequest:
    request = SpendRequest.objects.select_for_update().get(pk=request.pk)
    household = request.budget.household
    if not may_approve(actor, household):
        raise RuleError(
            {"request": "Only the household's team manager or a programme manager can reject"}
        )
    if request.status != SpendRequest.Status.REQUESTED:
        raise RuleError(
            {"request": f"This request is {request.get_status_display().lower()} already"}
        )
    if not reason.strip():
        raise RuleError({"reason": "Enter the reason"})
    request.status = SpendRequest.Status.REJECTED
    request.decided_by, request.decided_at, request.decision_reason = (
        actor,
        timezone.now(),
        reason.strip(),
    )
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
    _note(
        household,
        actor,
        timezone.localdate(),
        f"Budget request of {pounds(request.amount_pence)} rejected: {reason.strip()}",
    )
    audit.record(
        actor=actor,
        verb="budget.rejected",
        target=request,
        programme=household.programme,
        data={"reason": reason.strip()},
    )
    return request


@transaction.atomic
def pay(*, actor: Any, request: SpendRequest, on: dt.date | None = None) -> SpendRequest:
    """The approved money is paid: the commitment is released and the spend recorded."""
    on = on or timezone.localdate()
    budget = _lock(request.budget.household)
    request = SpendRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != SpendRequest.Status.APPROVED:
        raise RuleError({"request": "Only an approved request can be paid"})
    fields = {
        "category": request.category,
        "supplier": request.supplier,
        "description": request.description,
        "request": request,
    }
    _entry(budget, actor, Entry.Kind.RELEASE, request.amount_pence, on, **fields)
    _entry(budget, actor, Entry.Kind.SPEND, -request.amount_pence, on, **fields)
    request.status = SpendRequest.Status.PAID
    request.save(update_fields=["status"])
    _note(
        budget.household,
        actor,
        on,
        f"Paid {pounds(request.amount_pence)} for {request.get_category_display().lower()}",
    )
    return request


@transaction.atomic
def refund(
    *,
    actor: Any,
    household: Household,
    amount_pence: int,
    category: str,
    description: str = "",
    on: dt.date | None = None,
) -> Entry:
    """Money coming back (a refund from a supplier): never more than has been spent on that
    kind of cost (so a refund cannot make room under a category's cap)."""
    on = on or timezone.localdate()
    _check_request(category, amount_pence)
    budget = _lock(household)
    _check_refund(budget, category, amount_pence)
    entry = _entry(
        budget,
        actor,
        Entry.Kind.REFUND,
        amount_pence,
        on,
        category=category,
        description=description.strip(),
    )
    _note(
        household,
        actor,
        on,
        f"Refund of {pounds(amount_pence)} ({Category(category).label.lower()})",
    )
    return entry


@transaction.atomic
def adjust(
    *, actor: Any, household: Household, amount_pence: int, reason: str, on: dt.date | None = None
) -> Entry:
    """A manager tops the budget up or reduces it, with a reason; never below what is committed
    and spent."""
    on = on or timezone.localdate()
    if not may_approve(actor, household):
        raise RuleError(
            {
                "amount": "Only the household's team manager or a programme manager can change the budget"
            }
        )
    if not isinstance(amount_pence, int) or amount_pence == 0:
        raise RuleError({"amount": "Enter the change, like 100.00 or -50.00"})
    if not reason.strip():
        raise RuleError({"reason": "Enter the reason for the change"})
    budget = _lock(household)
    available = balance(budget).available
    if available + amount_pence < 0:
        raise RuleError(
            {
                "amount": f"The budget can be reduced by at most {pounds(available)} (what is not committed or spent)"
            }
        )
    entry = _entry(
        budget, actor, Entry.Kind.ADJUSTMENT, amount_pence, on, description=reason.strip()
    )
    _note(
        household,
        actor,
        on,
        f"Budget {'increased' if amount_pence > 0 else 'reduced'} by {pounds(abs(amount_pence))}: {reason.strip()}",
    )
    return entry


# --- spending recorded elsewhere (budget.csv of the exchange format) --------------------------


@transaction.atomic
def record_past_spending(
    *,
    actor: Any,
    household: Household,
    on: dt.date,
    category: str,
    amount_pence: int,
    description: str,
    source_key: str,
    removed: bool = False,
) -> str:
    """A spend (positive) or refund (negative) already made, from an imported file, through
    the same rules as the pages: an eligible cost within the caps, never more than is
    available, a refund never more than was spent. The approval threshold does not apply: the
    money was approved and paid where it was recorded.

    Idempotent on `source_key`: the same row again changes nothing ("unchanged"); a changed
    amount adds an entry for the difference ("updated"); the ledger is never edited.
    """
    if not isinstance(amount_pence, int) or isinstance(amount_pence, bool):
        raise RuleError({"amount": "Enter an amount of money"})
    if amount_pence == 0 and not removed:
        raise RuleError({"amount": "Enter an amount that is not zero"})
    if category not in Category.values:
        raise RuleError({"category": "Choose what the money is for"})
    budget = _lock(household)
    recorded = budget.entries.filter(source_key=source_key).aggregate(total=Sum("amount_pence"))
    # Entries are signed by their effect on the money available: a spend is negative.
    before = -(recorded["total"] or 0)
    change = amount_pence - before
    if change == 0:
        return "unchanged"
    now = balance(budget)
    if removed:
        # Undoing an earlier entry exactly; the importer checks the household's ledger as a
        # whole once every row is in (see `check_ledger`).
        kind = Entry.Kind.SPEND if change > 0 else Entry.Kind.REFUND
    elif change > 0:
        _check_rules(rules_of(household.programme), budget, category, change, now.available)
        kind = Entry.Kind.SPEND
    else:
        _check_refund(budget, category, -change)
        kind = Entry.Kind.REFUND
    note = (
        f"Reversal: the imported row of {pounds(before)} is no longer in the file"
        if removed
        else description.strip()
        if not before
        else f"Correction of an imported row: {pounds(before)} is now {pounds(amount_pence)}"
    )
    _entry(
        budget,
        actor,
        kind,
        -change,
        on,
        category=category,
        description=note[:500],
        source_key=source_key,
    )
    _note(
        household,
        actor,
        on,
        f"Imported {'spending' if kind == Entry.Kind.SPEND else 'refund'} of {pounds(abs(change))} ({Category(category).label.lower()})",
    )
    return "reversed" if removed else "created" if not before else "updated"


def check_ledger(household: Household) -> dict[str, str]:
    """What is wrong with a household's ledger as a whole, if anything: more spent than
    available, or more refunded than spent on some kind of cost."""
    budget = household.budget
    problems = {}
    if balance(budget).available < 0:
        problems["amount"] = "The budget would be overspent"
    negative = (
        budget.entries.filter(kind__in=[Entry.Kind.SPEND, Entry.Kind.REFUND])
        .values("category")
        .annotate(total=Sum("amount_pence"))
        .filter(total__gt=0)
    )
    for row in negative:
        problems["category"] = (
            f"More would be refunded than spent on {Category(row['category']).label.lower()}"
        )
    return problems


# --- receipts ---------------------------------------------------------------------------------

# What each allowed kind of file starts with: a file must be what its name says it is.
RECEIPT_KINDS = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


@transaction.atomic
def add_receipt(*, actor: Any, request: SpendRequest, upload: Any) -> Receipt:
    """Keep a receipt for a request, if it is a PDF, JPEG or PNG that is what it says it is."""
    import uuid
    from pathlib import PurePath

    from django.conf import settings
    from django.core.files.base import ContentFile

    name = PurePath(upload.name or "").name
    extension = PurePath(name).suffix.lower()
    if extension not in RECEIPT_KINDS:
        raise RuleError({"receipt": "The receipt must be a PDF, JPG or PNG file"})
    if upload.size > settings.RECEIPT_MAX_BYTES:
        raise RuleError({"receipt": "The receipt must be smaller than 5 MB"})
    content = upload.read()
    content_type, signatures = RECEIPT_KINDS[extension]
    if not any(content.startswith(signature) for signature in signatures):
        raise RuleError(
            {
                "receipt": f"The file is not a real {extension.lstrip('.').upper()}: check it and try again"
            }
        )
    receipt = Receipt(
        request=request,
        original_name=name[:200],
        content_type=content_type,
        size=len(content),
        uploaded_by=_user(actor),
    )
    receipt.file.save(f"{uuid.uuid4().hex}{extension}", ContentFile(content), save=False)
    receipt.save()
    household = request.budget.household
    audit.record(
        actor=actor,
        verb="budget.receipt_added",
        target=receipt,
        programme=household.programme,
        data={"request": request.pk, "name": receipt.original_name, "size": receipt.size},
    )
    return receipt
