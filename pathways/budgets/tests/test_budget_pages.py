"""The budget through its pages: request, approval, payment, refund, as users do it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pathways.budgets.models import Entry, SpendRequest
from pathways.conftest import World

pytestmark = pytest.mark.django_db


def test_request_approve_pay_and_refund_through_the_pages(world: World, signed_in) -> None:
    household = world.household_k
    advocate = signed_in(world.advocate_k)
    bad = advocate.post(
        reverse("budgets:request", args=[household.pk]),
        {"category": "childcare", "amount_pence": "12.345"},
    )
    assert "Enter the amount in pounds and pence" in bad.content.decode()
    assert (
        advocate.post(
            reverse("budgets:request", args=[household.pk]),
            {"category": "childcare", "amount_pence": "£300"},
        ).status_code
        == 302
    )
    spend = SpendRequest.objects.get()
    assert spend.status == "requested" and spend.amount_pence == 30_000

    manager = signed_in(world.manager_k)
    assert spend in manager.get(reverse("approvals:list")).context["requests"]
    decided = manager.post(
        reverse("budgets:decide", args=[household.pk, spend.pk]), {"decision": "approve"}
    )
    assert decided.status_code == 302
    advocate = signed_in(world.advocate_k)
    assert advocate.post(reverse("budgets:paid", args=[household.pk, spend.pk])).status_code == 302
    page = advocate.get(reverse("budgets:budget", args=[household.pk]))
    assert page.context["balance"].available == 70_000
    assert "£700.00" in page.content.decode()
    advocate.post(
        reverse("budgets:refund", args=[household.pk]),
        {"category": "childcare", "amount_pence": "40"},
    )
    assert (
        advocate.get(reverse("budgets:budget", args=[household.pk])).context["balance"].available
        == 74_000
    )
    assert (
        Entry.objects.filter(budget__household=household).count() == 5
    )  # allocation, commit, release, spend, refund


def test_another_authority_cannot_see_or_spend_the_budget(world: World, signed_in) -> None:
    household = world.household_k
    outsider = signed_in(world.manager_l)
    assert outsider.get(reverse("budgets:budget", args=[household.pk])).status_code == 404
    assert (
        outsider.post(
            reverse("budgets:request", args=[household.pk]),
            {"category": "travel", "amount_pence": "10"},
        ).status_code
        == 404
    )
    assert not SpendRequest.objects.exists()
