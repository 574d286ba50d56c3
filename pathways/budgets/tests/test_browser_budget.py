"""In Chromium: an advocate asks for GBP 300 of childcare, the manager approves and marks it
paid, the balance shows GBP 700; a GBP 40 refund brings it to GBP 740. axe-core on every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from pathways.accounts.models import User
from pathways.core.tests.browser import assert_accessible
from pathways.core.tests.test_browser_journeys import sign_in
from pathways.households.consent import record_consent
from pathways.households.enrolment import enrol
from pathways.households.tests.helpers import refer
from pathways.programmes.models import Programme
from pathways.site.demo import create_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def household() -> Any:
    create_demo(households=False)
    advocate = User.objects.get(username="advocate-knowsley")
    household = refer(advocate, Programme.objects.get(code="households-into-work"))
    for person in household.members.all():
        record_consent(actor=advocate, person=person, given_on=timezone.localdate())
    return enrol(
        actor=advocate, household=household, start_date=timezone.localdate(), advocate=advocate
    )


def sign_out(page: Any) -> None:
    page.click("button:has-text('Sign out')")
    page.wait_for_selector("h1:has-text('You have signed out')")


def test_childcare_request_approved_paid_and_refunded(
    household: Any, page: Any, live_server: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "advocate-knowsley")
    page.goto(f"{base}/households/{household.pk}/")
    page.click("a:has-text('Budget')")
    assert page.locator("#available").inner_text() == "£1,000.00"
    assert_accessible(page)
    page.click("a:has-text('Request money')")
    assert_accessible(page)
    page.select_option("#id_category", "childcare")
    page.fill("#id_amount_pence", "300")
    page.fill("#id_supplier", "Demo Nursery")
    page.click("button:has-text('Request')")
    assert "Waiting for approval" in page.locator("#requests").inner_text()
    sign_out(page)

    sign_in(page, base, "manager-knowsley")
    page.click("a.govuk-service-navigation__link:has-text('Approvals')")
    assert_accessible(page)
    page.click(f"#approvals a:has-text('{household.reference}')")
    assert_accessible(page)
    page.check("input[name='decision'][value='approve']")
    page.click("button:has-text('Save decision')")
    assert "Approved" in page.locator("#requests").inner_text()
    page.click("#requests button:has-text('Mark paid')")
    assert page.locator("#available").inner_text() == "£700.00"
    assert_accessible(page)
    # The nursery refunds a day it was closed (the advocate's code was used once already this
    # half-minute, so the manager records it: two-factor codes never work twice).
    page.click("a:has-text('Record a refund')")
    page.select_option("#id_category", "childcare")
    page.fill("#id_amount_pence", "40")
    page.click("button:has-text('Record refund')")
    assert page.locator("#available").inner_text() == "£740.00"
    assert_accessible(page)
    # The manager sees it in the programme's spending, by kind of cost, and can download it.
    page.click("a.govuk-service-navigation__link:has-text('Spending')")
    assert "£260.00" in page.locator("#by-category").inner_text()
    assert_accessible(page)
    with page.expect_download() as download:
        page.click("a:has-text('CSV')")
    assert download.value.suggested_filename == "ledger-households-into-work.csv"
