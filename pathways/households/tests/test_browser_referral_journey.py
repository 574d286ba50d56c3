"""An advocate's day in headless Chromium: a referral, its eligibility, consent, the start,
the caseload, a change to a member and the timeline. Every page is checked with axe-core."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pathways.accounts.models import User
from pathways.casework import services as casework
from pathways.core.tests.browser import assert_accessible
from pathways.core.tests.test_browser_journeys import sign_in
from pathways.households.models import Household
from pathways.households.tests.helpers import refer
from pathways.programmes.models import Programme
from pathways.site.demo import create_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def advocate_with_a_caseload() -> User:
    """The demo's users; advocate-knowsley already has a household they saw yesterday."""
    create_demo(households=False)
    advocate = User.objects.get(username="advocate-knowsley")
    programme = Programme.objects.get(code="households-into-work")
    earlier = refer(advocate, programme, postcode="L36 7XY")
    from pathways.households.consent import record_consent
    from pathways.households.enrolment import enrol

    for person in earlier.members.all():
        record_consent(
            actor=advocate, person=person, given_on=timezone.localdate() - dt.timedelta(days=3)
        )
    enrol(
        actor=advocate,
        household=earlier,
        start_date=timezone.localdate() - dt.timedelta(days=3),
        advocate=advocate,
    )
    casework.record_contact(
        actor=advocate,
        household=earlier,
        date=timezone.localdate() - dt.timedelta(days=1),
        method="home_visit",
    )
    return advocate


def fill_date(page: Any, prefix: str, day: dt.date) -> None:
    page.fill(f"#{prefix}_0", str(day.day))
    page.fill(f"#{prefix}_1", str(day.month))
    page.fill(f"#{prefix}_2", str(day.year))


def test_an_advocate_takes_a_referral_to_a_start_and_edits_a_member(
    advocate_with_a_caseload: User, page: Any, live_server: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "advocate-knowsley")
    page.click("a:has-text('Record a referral')")
    assert_accessible(page)

    # The referral: who sent it, where the household lives, who lives there.
    page.select_option("#id_programme", label="Households into Work")
    page.select_option("#id_source", "jobcentre_plus")
    fill_date(page, "id_date", timezone.localdate() - dt.timedelta(days=1))
    page.fill("#id_referring_organisation", "Huyton Jobcentre")
    page.fill("#id_address_line_1", "21 Invented Close")
    page.fill("#id_postcode", "l36 4qz")
    page.select_option("#id_local_authority", label="Knowsley")
    page.fill("#id_form-0-given_name", "Riley")
    page.fill("#id_form-0-family_name", "Storybook")
    page.select_option("#id_form-0-role", "primary")
    fill_date(page, "id_form-0-date_of_birth", dt.date(1988, 12, 5))
    page.select_option("#id_form-0-work_status", "out_of_work")
    page.fill("#id_form-1-given_name", "Drew")
    page.fill("#id_form-1-family_name", "Storybook")
    page.select_option("#id_form-1-role", "partner")
    fill_date(page, "id_form-1-date_of_birth", dt.date(1990, 4, 17))
    page.select_option("#id_form-1-work_status", "out_of_work")
    page.click("button:has-text('Record referral')")

    # The eligibility result, with its reasons.
    page.wait_for_url(f"{base}/households/*/#eligibility")
    assert "Eligible" in page.locator("#eligibility").inner_text()
    reasons = page.locator("#eligibility-reasons").inner_text()
    assert "Knowsley is in the programme area" in reasons
    assert "Two adults are out of work" in reasons
    assert_accessible(page)
    household = Household.objects.get(address_line_1="21 Invented Close")

    # Starting before consent is refused, with the reason on the page.
    page.click("a:has-text('Start on the programme')")
    assert_accessible(page)
    page.click("button:has-text('Start')")
    assert (
        "Record consent to the privacy notice for Riley Storybook, Drew Storybook"
        in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)
    page.click("a:has-text('Cancel')")

    for name in ("Riley Storybook", "Drew Storybook"):
        page.click(f"a:has-text('Record consent for {name}')")
        assert_accessible(page)
        page.check("#id_confirmed")
        page.click("button:has-text('Record consent')")
        assert (
            f"Consent recorded for {name}"
            in page.locator(".govuk-notification-banner").inner_text()
        )

    page.click("a:has-text('Start on the programme')")
    page.click("button:has-text('Start')")

    # On the caseload, at the top, as not yet contacted.
    page.wait_for_url(f"{base}/households/")
    first_row = page.locator("#caseload tbody tr").first
    assert household.reference in first_row.inner_text()
    assert "Not yet contacted" in first_row.inner_text()
    assert_accessible(page)

    # Edit a member.
    page.click(f"#caseload a:has-text('{household.reference}')")
    page.click("a:has-text('Drew Storybook')")
    assert_accessible(page)
    page.check("input[name='support_needs'][value='carer']")
    page.select_option("#id_qualification", "level_3")
    fill_date(page, "id_date_of_birth", dt.date(2030, 1, 1))
    page.click("button:has-text('Save')")
    assert "Date of birth must be in the past" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    fill_date(page, "id_date_of_birth", dt.date(1990, 4, 17))
    page.click("button:has-text('Save')")
    page.wait_for_url(f"{base}/households/{household.pk}/#people")

    # The timeline shows each step.
    timeline = page.locator("#timeline + ol").inner_text()
    for step in (
        "Referred from Huyton Jobcentre (Jobcentre Plus), 2 people",
        "Eligibility checked: eligible",
        "Riley Storybook consented to the privacy notice (version 2018-02)",
        "Drew Storybook consented to the privacy notice",
        "Started on the programme with Kay Advocate as advocate",
        "Drew Storybook's details changed",
    ):
        assert step in timeline, step
    assert_accessible(page)
