"""The budget over the API: same rules, same scope."""

from __future__ import annotations

import pytest

from pathways.conftest import World

pytestmark = pytest.mark.django_db


def post(client, url, body=None):  # type: ignore[no-untyped-def]
    return client.post(url, body or {}, content_type="application/json")


def test_request_decide_pay_and_read_the_ledger(world: World, signed_in) -> None:
    household = world.household_k
    advocate = signed_in(world.advocate_k)
    bad = post(
        advocate,
        "/api/spend-requests/",
        {"household": household.pk, "category": "childcare", "amount": "3.005"},
    )
    assert bad.status_code == 400 and "amount" in bad.json()
    made = post(
        advocate,
        "/api/spend-requests/",
        {"household": household.pk, "category": "childcare", "amount": "300.00"},
    )
    assert made.status_code == 201 and made.json()["status"] == "requested"
    spend = made.json()["id"]
    assert (
        post(advocate, f"/api/spend-requests/{spend}/decide/", {"decision": "approve"}).status_code
        == 400
    )
    manager = signed_in(world.manager_k)
    assert (
        post(manager, f"/api/spend-requests/{spend}/decide/", {"decision": "approve"}).json()[
            "status"
        ]
        == "approved"
    )
    assert post(manager, f"/api/spend-requests/{spend}/pay/").json()["status"] == "paid"
    budget = manager.get("/api/budgets/").json()["results"]
    mine = next(b for b in budget if b["household"] == household.pk)
    assert mine["balance"] == {
        "allocated": "1000.00",
        "committed": "0.00",
        "spent": "300.00",
        "available": "700.00",
    }
    ledger = manager.get(f"/api/budgets/{mine['id']}/ledger/").json()["results"]
    assert [(e["kind"], e["amount"]) for e in ledger] == [
        ("allocation", "1000.00"),
        ("commitment", "-300.00"),
        ("release", "300.00"),
        ("spend", "-300.00"),
    ]


def test_another_authority_cannot_read_or_spend_over_the_api(world: World, signed_in) -> None:
    outsider = signed_in(world.advocate_l)
    assert world.household_k.pk not in [
        b["household"] for b in outsider.get("/api/budgets/").json()["results"]
    ]
    refused = post(
        outsider,
        "/api/spend-requests/",
        {"household": world.household_k.pk, "category": "travel", "amount": "10"},
    )
    assert refused.status_code == 400 and "household" in refused.json()
