"""The ledger: allocation, requests, approval, payment, refunds, adjustments; never overspent,
even when people spend at the same moment; never edited; never a float."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import (
    IntegrityError,
    InternalError,
    OperationalError,
    ProgrammingError,
    connection,
    connections,
    transaction,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from pathways.accounts.tests.factories import UserFactory
from pathways.budgets import allocation, ledger, spend_requests
from pathways.budgets.models import Budget, Entry, LedgerIsAppendOnly, SpendRequest
from pathways.conftest import World, load_programmes
from pathways.core.exceptions import RuleError
from pathways.core.money import parse_pounds
from pathways.core.roles import Role
from pathways.households.tests.factories import HouseholdFactory
from pathways.organisations.tests.factories import council_for

DAY = dt.date(2026, 6, 1)


def budget_for(world: World) -> Budget:
    allocation.allocate(actor=world.advocate_k, household=world.household_k, on=DAY)
    return world.household_k.budget


@pytest.mark.django_db
def test_a_started_household_gets_the_programmes_budget_once(world: World) -> None:
    budget = budget_for(world)
    allocation.allocate(actor=world.advocate_k, household=world.household_k, on=DAY)
    assert ledger.balance(budget) == ledger.Balance(
        allocated=100_000, committed=0, spent=0, available=100_000
    )
    assert (
        allocation.allocate(actor=world.advocate_k, household=world.household_win, on=DAY) is None
    )  # WIN has none


@pytest.mark.django_db
def test_request_approve_pay_refund(world: World) -> None:
    budget = budget_for(world)
    small = spend_requests.request_spend(
        actor=world.advocate_k, household=world.household_k, category="travel", amount_pence=1_250
    )
    assert small.status == SpendRequest.Status.APPROVED  # under the threshold: committed at once
    big = spend_requests.request_spend(
        actor=world.advocate_k,
        household=world.household_k,
        category="childcare",
        amount_pence=30_000,
    )
    assert big.status == SpendRequest.Status.REQUESTED
    assert ledger.balance(budget).available == 100_000 - 1_250
    with pytest.raises(RuleError, match="Only the household's team manager"):
        spend_requests.approve(actor=world.advocate_k, request=big)  # an advocate cannot approve
    spend_requests.approve(actor=world.manager_k, request=big)
    spend_requests.pay(actor=world.advocate_k, request=big)
    spend_requests.pay(actor=world.advocate_k, request=small)
    assert ledger.balance(budget) == ledger.Balance(
        allocated=100_000, committed=0, spent=31_250, available=68_750
    )
    ledger.refund(
        actor=world.advocate_k,
        household=world.household_k,
        amount_pence=4_000,
        category="childcare",
    )
    assert ledger.balance(budget).available == 72_750
    with pytest.raises(RuleError, match="cannot be more than has been spent"):
        ledger.refund(
            actor=world.advocate_k,
            household=world.household_k,
            amount_pence=999_999,
            category="other",
        )


@pytest.mark.django_db
def test_a_manager_cannot_approve_their_own_request(world: World) -> None:
    budget_for(world)
    own = spend_requests.request_spend(
        actor=world.manager_k, household=world.household_k, category="clothing", amount_pence=26_000
    )
    with pytest.raises(RuleError, match="cannot approve your own request"):
        spend_requests.approve(actor=world.manager_k, request=own)
    other_manager = UserFactory(role=Role.TEAM_MANAGER, organisation=world.knowsley)
    assert (
        spend_requests.approve(actor=other_manager, request=own).status
        == SpendRequest.Status.APPROVED
    )
    with pytest.raises(RuleError, match="Only the household's team manager"):
        spend_requests.approve(actor=world.manager_l, request=own)


@pytest.mark.django_db
def test_adjustments_need_a_reason_and_cannot_take_away_committed_money(world: World) -> None:
    budget = budget_for(world)
    spend_requests.request_spend(
        actor=world.advocate_k, household=world.household_k, category="travel", amount_pence=20_000
    )
    with pytest.raises(RuleError, match="reason"):
        ledger.adjust(
            actor=world.manager_k, household=world.household_k, amount_pence=10_000, reason=""
        )
    with pytest.raises(RuleError, match="at most £800.00"):
        ledger.adjust(
            actor=world.manager_k,
            household=world.household_k,
            amount_pence=-90_000,
            reason="Programme cut",
        )
    ledger.adjust(
        actor=world.manager_k,
        household=world.household_k,
        amount_pence=25_000,
        reason="Exceptional childcare costs",
    )
    assert ledger.balance(budget).allocated == 125_000


@pytest.mark.django_db
def test_the_ledger_cannot_be_edited_or_deleted(world: World) -> None:
    entry = budget_for(world).entries.get()
    entry.amount_pence = 1
    with pytest.raises(LedgerIsAppendOnly):
        entry.save()
    with pytest.raises(LedgerIsAppendOnly):
        entry.delete()
    with pytest.raises(LedgerIsAppendOnly):
        Entry.objects.filter(pk=entry.pk).update(amount_pence=1)
    with pytest.raises(LedgerIsAppendOnly):
        Entry.objects.all().delete()
    # And the database itself refuses, whatever reaches the table.
    refused = (IntegrityError, InternalError, OperationalError, ProgrammingError)
    with pytest.raises(refused), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE budgets_entry SET amount_pence = 1")
    assert Entry.objects.get(pk=entry.pk).amount_pence == 100_000


@pytest.mark.parametrize(
    ("text", "pence"), [("300", 30_000), ("£1,000.00", 100_000), ("40.5", 4_050), ("0.01", 1)]
)
def test_pounds_are_read_exactly(text: str, pence: int) -> None:
    assert parse_pounds(text) == pence


@pytest.mark.parametrize("text", ["12.345", "lots", "NaN", "1e9999"])
def test_an_amount_that_is_not_pounds_and_pence_is_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_pounds(text)


class LedgerProperty(HypothesisTestCase):
    """Random sequences of spends and refunds agree, to the penny, with a reference in ints."""

    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.tuples(st.sampled_from(["spend", "refund"]), st.integers(1, 40_000)), max_size=12
        )
    )
    def test_the_balance_is_the_reference_sum(self, steps: list[tuple[str, int]]) -> None:
        programmes = load_programmes()
        knowsley = council_for("E08000011")
        advocate = UserFactory(role=Role.ADVOCATE, organisation=knowsley)
        household = HouseholdFactory(
            programme=programmes["households-into-work"], organisation=knowsley, advocate=advocate
        )
        budget = allocation.allocate(actor=advocate, household=household, on=DAY)
        available, spent = 100_000, 0
        for kind, amount in steps:
            if kind == "spend":
                try:
                    request = spend_requests.request_spend(
                        actor=advocate,
                        household=household,
                        category="travel",
                        amount_pence=min(amount, 25_000),
                    )
                    spend_requests.pay(actor=advocate, request=request)
                except RuleError:
                    assert min(amount, 25_000) > available
                    continue
                available -= min(amount, 25_000)
                spent += min(amount, 25_000)
            else:
                try:
                    ledger.refund(
                        actor=advocate, household=household, amount_pence=amount, category="travel"
                    )
                except RuleError:
                    assert amount > spent
                    continue
                available += amount
                spent -= amount
            balance = ledger.balance(budget)
            assert (balance.available, balance.spent) == (available, spent)
            assert all(
                type(value) is int
                for value in (balance.available, balance.spent, balance.allocated)
            )
            assert available >= 0


@pytest.mark.django_db(transaction=True)
def test_ten_spends_at_once_never_overspend(world: World) -> None:
    """Ten managers approve ten GBP 300 requests against GBP 1,000 at the same moment:
    exactly three succeed, and the ledger adds up."""
    budget = budget_for(world)
    requests = [
        spend_requests.request_spend(
            actor=world.advocate_k,
            household=world.household_k,
            category="childcare",
            amount_pence=30_000,
        )
        for _ in range(10)
    ]
    managers = [UserFactory(role=Role.TEAM_MANAGER, organisation=world.knowsley) for _ in range(10)]
    start = threading.Barrier(10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(request: SpendRequest, manager) -> None:  # type: ignore[no-untyped-def]
        try:
            start.wait()
            spend_requests.approve(actor=manager, request=request)
            result = "approved"
        except RuleError:
            result = "refused"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=approve, args=pair) for pair in zip(requests, managers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["approved"] * 3 + ["refused"] * 7
    assert ledger.balance(budget) == ledger.Balance(
        allocated=100_000, committed=90_000, spent=0, available=10_000
    )
    assert budget.entries.filter(kind=Entry.Kind.COMMITMENT).count() == 3


@pytest.mark.django_db(transaction=True)
def test_small_spends_at_once_never_overspend(world: World) -> None:
    """Under the approval threshold the money is committed on request: twelve GBP 200
    requests at once against GBP 1,000 leave exactly five committed."""
    budget = budget_for(world)
    start = threading.Barrier(12)
    outcomes: list[str] = []
    lock = threading.Lock()

    def spend() -> None:
        try:
            start.wait()
            spend_requests.request_spend(
                actor=world.advocate_k,
                household=world.household_k,
                category="travel",
                amount_pence=20_000,
            )
            result = "committed"
        except RuleError:
            result = "refused"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=spend) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("committed") == 5
    assert ledger.balance(budget).available == 0


@pytest.mark.django_db
def test_the_programmes_spending_rules_apply(world: World) -> None:
    import copy

    from pathways.programmes import services as programmes
    from pathways.programmes.definition import DefinitionError

    budget_for(world)
    definition = copy.deepcopy(world.hiw.definition())
    definition["budget_rules"] = {
        "approval_threshold": "100.00",
        "categories": ["travel", "childcare"],
        "category_caps": {"travel": "150.00"},
        "item_cap": "400.00",
    }
    programmes.save_definition(
        definition=definition,
        actor=world.programme_manager,
        programme=world.hiw,
        reason="Tighter rules",
    )
    world.household_k.programme.refresh_from_db()
    household = world.household_k
    with pytest.raises(RuleError, match="not a cost this programme's budget pays for"):
        spend_requests.request_spend(
            actor=world.advocate_k, household=household, category="digital", amount_pence=1_000
        )
    with pytest.raises(RuleError, match="at most £400.00"):
        spend_requests.request_spend(
            actor=world.advocate_k, household=household, category="childcare", amount_pence=40_001
        )
    waits = spend_requests.request_spend(
        actor=world.advocate_k, household=household, category="childcare", amount_pence=10_001
    )
    assert waits.status == SpendRequest.Status.REQUESTED  # above the programme's £100 threshold
    spend_requests.request_spend(
        actor=world.advocate_k, household=household, category="travel", amount_pence=10_000
    )
    with pytest.raises(RuleError, match="capped at £150.00 a household; £50.00 is left"):
        spend_requests.request_spend(
            actor=world.advocate_k, household=household, category="travel", amount_pence=6_000
        )
    bad = copy.deepcopy(definition)
    bad["budget_rules"] = {"approval_threshold": 250.0, "categories": ["yachts"]}
    with pytest.raises(DefinitionError) as refused:
        programmes.save_definition(
            definition=bad, actor=world.programme_manager, programme=world.hiw
        )
    fields = [field for field, _ in refused.value.problems]
    assert "budget_rules.approval_threshold" in fields and "budget_rules.categories" in fields
