"""Asking to spend the budget, and a manager's decision: approve, reject, then pay.

Up to the programme's threshold a request is committed at once; above it the money waits for a
manager. Each step locks the household's budget first (see `budgets.ledger`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from pathways.accounts.models import Actor
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.budgets.ledger import add_entry, add_note, balance, check_rules, lock
from pathways.budgets.models import Budget, Entry, SpendRequest
from pathways.budgets.rules import check_request, may_approve
from pathways.core.exceptions import RuleError
from pathways.core.money import pounds
from pathways.households.models import Household
from pathways.programmes.spending_rules import rules_of


def _commit(budget: Budget, actor: Actor, request: SpendRequest, on: dt.date) -> None:
    available = balance(budget).available
    if request.amount_pence > available:
        raise RuleError(
            {
                "amount": f"Only {pounds(available)} of the budget is available, not {pounds(request.amount_pence)}"
            }
        )
    add_entry(
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


@transaction.atomic
def request_spend(
    *,
    actor: Actor,
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
    check_request(category, amount_pence)
    rules = rules_of(household.programme)
    budget = lock(household)
    check_rules(rules, budget, category, amount_pence)
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
    add_note(
        household,
        actor,
        on,
        f"Budget request: {pounds(amount_pence)} for {request.get_category_display().lower()}",
    )
    audit.record(
        actor=actor,
        verb=Verb.BUDGET_REQUESTED,
        target=request,
        programme=household.programme,
        data={"amount_pence": amount_pence, "category": category},
    )
    return request


@transaction.atomic
def approve(*, actor: Actor, request: SpendRequest, on: dt.date | None = None) -> SpendRequest:
    """A manager approves: the money is committed, if it is there."""
    on = on or timezone.localdate()
    budget = lock(request.budget.household)
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
    add_note(
        household,
        actor,
        on,
        f"Budget request of {pounds(request.amount_pence)} approved by {actor}",
    )
    return request


@transaction.atomic
def reject(*, actor: Actor, request: SpendRequest, reason: str) -> SpendRequest:
    """A manager turns a request down, with the reason."""
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
    add_note(
        household,
        actor,
        timezone.localdate(),
        f"Budget request of {pounds(request.amount_pence)} rejected: {reason.strip()}",
    )
    audit.record(
        actor=actor,
        verb=Verb.BUDGET_REJECTED,
        target=request,
        programme=household.programme,
        data={"reason": reason.strip()},
    )
    return request


@transaction.atomic
def pay(*, actor: Actor, request: SpendRequest, on: dt.date | None = None) -> SpendRequest:
    """The approved money is paid: the commitment is released and the spend recorded."""
    on = on or timezone.localdate()
    budget = lock(request.budget.household)
    request = SpendRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != SpendRequest.Status.APPROVED:
        raise RuleError({"request": "Only an approved request can be paid"})
    fields = {
        "category": request.category,
        "supplier": request.supplier,
        "description": request.description,
        "request": request,
    }
    add_entry(budget, actor, Entry.Kind.RELEASE, request.amount_pence, on, **fields)
    add_entry(budget, actor, Entry.Kind.SPEND, -request.amount_pence, on, **fields)
    request.status = SpendRequest.Status.PAID
    request.save(update_fields=["status"])
    add_note(
        budget.household,
        actor,
        on,
        f"Paid {pounds(request.amount_pence)} for {request.get_category_display().lower()}",
    )
    return request
