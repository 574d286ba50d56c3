"""In Chromium: an advocate records six weeks of work → a job outcome appears with why → the
evidence is recorded; the team manager verifies it; the programme manager claims it. axe-core
on every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pathways.accounts.models import User
from pathways.core.tests.browser import assert_accessible
from pathways.core.tests.test_browser_journeys import sign_in
from pathways.households.consent import record_consent
from pathways.households.enrolment import enrol
from pathways.households.models import Household
from pathways.households.tests.helpers import refer
from pathways.outcomes.models import ClaimLine, Outcome
from pathways.programmes.models import Programme
from pathways.site.demo import create_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def household() -> Any:
    create_demo(households=False)
    advocate = User.objects.get(username="advocate-knowsley")
    household = refer(advocate, Programme.objects.get(code="households-into-work"))
    # Referred four months ago, started the day after.
    started = timezone.localdate() - dt.timedelta(days=120)
    Household.objects.filter(pk=household.pk).update(referral_date=started - dt.timedelta(days=1))
    household.refresh_from_db()
    for person in household.members.all():
        record_consent(actor=advocate, person=person, given_on=started)
    return enrol(actor=advocate, household=household, start_date=started, advocate=advocate)


def sign_out(page: Any) -> None:
    page.click("button:has-text('Sign out')")
    page.wait_for_selector("h1:has-text('You have signed out')")


def fill_date(page: Any, name: str, day: dt.date) -> None:
    page.fill(f"#id_{name}_0", str(day.day))
    page.fill(f"#id_{name}_1", str(day.month))
    page.fill(f"#id_{name}_2", str(day.year))


def test_work_becomes_a_verified_claimed_job_outcome(
    household: Any, page: Any, live_server: Any
) -> None:
    base = live_server.url
    first = household.start_date + dt.timedelta(days=10)
    sign_in(page, base, "advocate-knowsley")
    page.goto(f"{base}/households/{household.pk}/")
    page.click("a:has-text('Work and outcomes')")
    assert_accessible(page)
    page.click("a:has-text('Record work')")
    assert_accessible(page)
    page.fill("#id_employer", "Knowsley Logistics")
    fill_date(page, "start_date", first)
    fill_date(page, "end_date", first + dt.timedelta(days=41))
    page.fill("#id_hours_per_week", "22.5")
    page.click("button:has-text('Save')")
    assert "Job outcome" in page.locator("#outcomes").inner_text()
    assert_accessible(page)
    page.click("#outcomes a:has-text('Why?')")
    assert "28 days in work" in page.locator("#why").inner_text()
    assert "Knowsley Logistics" in page.locator("#records").inner_text()
    assert_accessible(page)
    page.check("input[name='evidence'][value='payslip']")
    page.click("button:has-text('Record evidence')")
    assert "Evidenced" in page.locator("#outcome").inner_text()
    sign_out(page)

    sign_in(page, base, "manager-knowsley")
    page.click("a.govuk-service-navigation__link:has-text('Outcomes')")
    assert_accessible(page)
    page.click("#outcomes a:has-text('Why?')")
    page.click("button:has-text('Verify this outcome')")
    assert "Verified" in page.locator("#outcome").inner_text()
    sign_out(page)

    sign_in(page, base, "programme-manager")
    page.click("a.govuk-service-navigation__link:has-text('Claims')")
    assert_accessible(page)
    page.click("a:has-text('Build a claim')")
    page.fill("#id_funder", "DWP")
    fill_date(page, "start", household.start_date)
    fill_date(page, "end", timezone.localdate())
    page.click("button:has-text('Show what it would hold')")
    assert "1 outcome" in page.locator("#preview").inner_text()
    assert_accessible(page)
    page.click("button:has-text('Make the claim')")
    assert household.reference in page.locator("#lines").inner_text()
    assert_accessible(page)
    outcome = Outcome.objects.get(household=household, kind="job_outcome")
    assert ClaimLine.objects.filter(outcome=outcome).count() == 1
