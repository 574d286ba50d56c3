"""In Chromium: a reading typed from the keyboard (a digit moves to the next point), the
readings table, and an activity on the action plan, with axe-core on every page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from pathways.accounts.models import User
from pathways.assessments import services as assessments
from pathways.assessments.models import Instrument, Reading
from pathways.core.tests.browser import assert_accessible
from pathways.core.tests.test_browser_journeys import sign_in
from pathways.households.consent import record_consent
from pathways.households.enrolment import enrol
from pathways.households.tests.helpers import refer
from pathways.privacy import services as privacy
from pathways.programmes.models import Programme
from pathways.site.demo import create_demo
from pathways.site.demo_services import create_demo_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def started_household() -> Any:
    create_demo(households=False)
    advocate = User.objects.get(username="advocate-knowsley")
    household = refer(advocate, Programme.objects.get(code="households-into-work"))
    for person in household.members.all():
        record_consent(actor=advocate, person=person, given_on=timezone.localdate())
    start = timezone.localdate() - dt.timedelta(days=3)
    enrol(actor=advocate, household=household, start_date=start, advocate=advocate)
    star = Instrument.objects.get(code="progress-star")
    assessments.record_reading(  # the first reading, at the start: every point at 1
        actor=advocate,
        person=household.members.get(role="primary"),
        instrument=star,
        date=start,
        scores={point.code: (1, None) for point in star.points.all()},
    )
    create_demo_services()
    return household


def test_an_advocates_casework_from_reading_to_referral(
    started_household: Any, page: Any, live_server: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "advocate-knowsley")
    page.goto(f"{base}/households/{started_household.pk}/")
    assert_accessible(page)

    # A star reading, by keyboard: each digit moves to the next point.
    page.click("a:has-text('Readings') >> nth=0")
    assert_accessible(page)
    page.click("a:has-text('Record a reading')")
    assert_accessible(page)
    page.focus("#id_worker_stability")
    page.keyboard.type("23432345")
    page.click("button:has-text('Record reading')")
    assert "reading recorded" in page.locator(".govuk-notification-banner").inner_text()
    reading = Reading.objects.order_by("id").last()
    assert [s.value for s in reading.scores.order_by("point__order")] == [2, 3, 4, 3, 2, 3, 4, 5]
    # The chart: first and latest, with the words.
    chart = page.locator("svg.pathways-star")
    assert chart.locator("[data-reading='First']").count() == 1
    assert chart.locator("[data-reading='Latest']").count() == 1
    assert "up 2 on money" in page.locator("#chart-summary").inner_text()
    assert_accessible(page)

    # A goal and an activity on the money point, then completed.
    page.goto(f"{base}/households/{started_household.pk}/")
    page.click("a:has-text('Action plan') >> nth=0")
    assert_accessible(page)
    page.click("a:has-text('Add a goal')")
    page.fill("#id_description", "Get on top of the rent arrears")
    page.select_option("#id_star_point", "money")
    page.click("button:has-text('Add goal')")
    page.click("a:has-text('Add an activity')")
    assert_accessible(page)
    page.select_option("#id_activity_type", "money_advice")
    page.fill("#id_title", "Debt advice at the library")
    page.select_option("#id_goal", label="Get on top of the rent arrears")
    page.select_option("#id_star_point", "money")
    page.click("button:has-text('Add activity')")
    assert "Debt advice at the library" in page.locator("#activities").inner_text()
    page.click("#activities a:has-text('Update')")
    page.select_option("#id_status", "completed")
    page.click("button:has-text('Save')")
    assert "Completed" in page.locator("#activities").inner_text()
    assert_accessible(page)

    # A referral to a debt-advice service found in the directory.
    page.click("a.govuk-service-navigation__link:has-text('Services')")
    page.select_option("#id_service_type", "debt_advice")
    page.click("button:has-text('Search')")
    assert "Debt clinic" in page.locator("#services").inner_text()
    assert_accessible(page)
    page.goto(f"{base}/households/{started_household.pk}/")
    page.click("a:has-text('Action plan') >> nth=0")
    page.click("a:has-text('Refer to another service')")
    page.select_option("#id_service", label="Debt clinic (Demo Money Advice)")
    page.click("button:has-text('Record referral')")
    assert "Demo Money Advice" in page.locator("#onward-referrals").inner_text()
    # The details for the service: withheld until the person agrees to partner sharing.
    page.click("#onward-referrals a:has-text('Details for the service')")
    assert "has not agreed" in page.locator("#refused").inner_text()
    assert_accessible(page)
    privacy.record(
        actor=User.objects.get(username="advocate-knowsley"),
        person=started_household.members.get(role="primary"),
        purpose="partner",
        lawful_basis="consent",
        special_condition="explicit_consent",
        given_on=timezone.localdate(),
    )
    page.reload()
    assert "Debt clinic" in page.locator("#partner-details").inner_text()
    assert_accessible(page)
    page.click("a.govuk-back-link")

    # A contact, then the timeline tells it all.
    page.goto(f"{base}/households/{started_household.pk}/")
    page.click("a:has-text('Record a contact')")
    page.select_option("#id_method", "home_visit")
    page.fill("#id_notes", "Talked through the debt advice appointment")
    page.click("button:has-text('Record contact')")
    page.wait_for_url(f"{base}/households/{started_household.pk}/#contacts")
    timeline = page.locator("#timeline + ol").inner_text()
    for step in (
        "Progress Star reading for",
        "Goal for",
        "Activity agreed with",
        "completed: Debt advice at the library",
        "referred to Demo Money Advice (Debt advice)",
        "Home visit",
    ):
        assert step in timeline, step
    assert_accessible(page)
