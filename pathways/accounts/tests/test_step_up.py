"""Step-up: approving outcomes, claims and payments, bulk exports and two-factor changes need a
code given in the last few minutes; nothing is done without it. Segregation of duties: nobody
approves their own work."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client
from django.urls import resolve, reverse

from pathways.accounts.services import current_totp_code
from pathways.accounts.stepup import STEPPED_UP_AT
from pathways.audit.models import AuditEvent
from pathways.budgets import spend_requests
from pathways.budgets.models import SpendRequest
from pathways.conftest import World, sign_in
from pathways.core.exceptions import RuleError
from pathways.outcomes.claims import make_claim
from pathways.outcomes.models import Claim, Outcome
from pathways.outcomes.tests.test_outcome_pages import START, verified


def stale(client: Client) -> Client:
    """The user signed in (and gave a code) 11 minutes ago."""
    session = client.session
    session[STEPPED_UP_AT] = time.time() - 11 * 60
    session.save()
    return client


def signed_in_long_ago(user) -> Client:
    return stale(sign_in(Client(), user))


def money_asked(world: World) -> SpendRequest:
    return spend_requests.request_spend(
        actor=world.advocate_k,
        household=world.household_k,
        category="childcare",
        amount_pence=30_000,
        supplier="Little Stars Nursery",
    )


def sensitive(world: World) -> list[tuple[str, str, str]]:
    """(who, method, url) for every action that needs a fresh code."""
    outcome = verified(world, world.household_k, world.advocate_k, world.manager_k)[0]
    claim = Claim.objects.create(
        programme=world.hiw,
        funder="DWP",
        period_start=START,
        period_end=START,
        made_by=world.programme_manager,
    )
    spend = money_asked(world)
    return [
        ("manager_k", "post", reverse("outcomes:verify", args=[world.household_k.pk, outcome.pk])),
        ("manager_k", "post", reverse("budgets:decide", args=[world.household_k.pk, spend.pk])),
        ("manager_k", "post", reverse("budgets:paid", args=[world.household_k.pk, spend.pk])),
        ("programme_manager", "get", reverse("outcomes:new-claim")),
        ("programme_manager", "post", reverse("outcomes:new-claim")),
        ("programme_manager", "post", reverse("outcomes:paid", args=[outcome.pk])),
        ("programme_manager", "get", reverse("outcomes:claim-csv", args=[claim.pk])),
        ("programme_manager", "get", reverse("outcomes:claim-xlsx", args=[claim.pk])),
        ("programme_manager", "post", reverse("exchange:download")),
        ("evaluator", "post", reverse("evaluation:extract")),
        ("manager_k", "get", reverse("spending:ledger-csv")),
        ("manager_k", "get", reverse("spending:ledger-xlsx")),
        ("advocate_k", "post", reverse("accounts:new-recovery-codes")),
        ("advocate_k", "get", reverse("accounts:two-factor-setup")),
        (
            "administrator",
            "post",
            reverse("organisations:user-reset-two-factor", args=[world.advocate_l.pk]),
        ),
        (
            "administrator",
            "post",
            reverse("organisations:user-set-up-link", args=[world.advocate_l.pk]),
        ),
    ]


def test_each_sensitive_action_asks_for_a_fresh_code_and_does_nothing_until_then(
    world: World,
) -> None:
    for who, method, url in sensitive(world):
        client = signed_in_long_ago(world.by_name(who))
        events = AuditEvent.objects.count()
        response = getattr(client, method)(url, {"programme": world.hiw.code, "funder": "DWP"})
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:confirm") + "?next="), url
        assert AuditEvent.objects.count() == events, f"{url} did something"
    assert Outcome.objects.filter(status="verified").count() == 2  # as made, no more


def test_every_step_up_view_is_on_the_list_above(world: World) -> None:
    """A view marked for step-up that the test above does not try is a gap in the proof."""
    from pathways.core.tests.test_access_rules import all_patterns

    tried = {resolve(url.split("?")[0]).func for _, _, url in sensitive(world)}
    marked = {p.callback for _, p in all_patterns() if getattr(p.callback, "pathways_step_up", 0)}
    assert marked <= tried


def test_a_fresh_code_lets_the_user_go_on_where_they_were(world: World) -> None:
    client = signed_in_long_ago(world.manager_k)
    url = reverse("spending:ledger-csv")
    asked = client.get(url)
    confirm = client.get(asked["Location"])
    assert "Confirm it is you" in confirm.content.decode()
    device = world.manager_k.totpdevice_set.get(confirmed=True)
    done = client.post(asked["Location"], {"code": current_totp_code(device), "next": url})
    assert done["Location"] == url
    assert AuditEvent.objects.filter(verb="two_factor.stepped_up", actor=world.manager_k).exists()
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert client.get(url).status_code == 200  # and not asked again within the window
    # Once the window has passed, a wrong code gets the user nowhere.
    stale(client)
    wrong = "000000" if current_totp_code(device) != "000000" else "111111"
    refused = client.post(asked["Location"], {"code": wrong, "next": url})
    assert "The code is not right" in refused.content.decode()
    assert AuditEvent.objects.filter(verb="two_factor.failed", data__method="step-up").exists()
    assert client.get(url)["Location"] == asked["Location"]


def test_a_form_posted_from_another_page_returns_there_after_the_code(world: World) -> None:
    client = signed_in_long_ago(world.programme_manager)
    home = reverse("exchange:home")
    asked = client.post(
        reverse("exchange:download"),
        {"programme": world.hiw.code},
        HTTP_REFERER=f"http://testserver{home}",
    )
    assert asked["Location"] == (
        f"{reverse('accounts:confirm')}?next=http%3A%2F%2Ftestserver%2Fexchange%2F"
    )
    other = client.post(
        reverse("exchange:download"),
        {"programme": world.hiw.code},
        HTTP_REFERER="https://evil.example/",
    )
    assert "evil" not in other["Location"]


# --- segregation of duties -------------------------------------------------------------------


@pytest.mark.django_db
def test_nobody_claims_money_for_outcomes_they_verified_themselves(world: World) -> None:
    verified(world, world.household_k, world.advocate_k, world.programme_manager)
    end = START + dt.timedelta(days=120)
    with pytest.raises(RuleError, match="You verified 2 of these outcomes yourself"):
        make_claim(
            actor=world.programme_manager, programme=world.hiw, funder="DWP", start=START, end=end
        )
    assert not Claim.objects.exists()
    other = world.programme_manager.__class__.objects.create(
        username="second-pm", role="programme_manager"
    )
    other.programmes.add(world.hiw)
    claim = make_claim(actor=other, programme=world.hiw, funder="DWP", start=START, end=end)
    assert claim.lines.count() == 2
