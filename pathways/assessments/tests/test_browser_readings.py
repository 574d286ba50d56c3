"""In Chromium: a reading typed from the keyboard (a digit moves to the next point), the
readings table, and an activity on the action plan, with axe-core on every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from pathways.accounts.models import User
from pathways.assessments.models import Reading
from pathways.core.demo import create_demo
from pathways.core.tests.browser import assert_accessible
from pathways.core.tests.test_browser_journeys import sign_in
from pathways.households import services
from pathways.households.tests.helpers import refer
from pathways.programmes.models import Programme

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def started_household() -> Any:
    create_demo(households=False)
    advocate = User.objects.get(username="advocate-knowsley")
    household = refer(advocate, Programme.objects.get(code="households-into-work"))
    for person in household.members.all():
        services.record_consent(actor=advocate, person=person, given_on=timezone.localdate())
    services.enrol(
        actor=advocate, household=household, start_date=timezone.localdate(), advocate=advocate
    )
    return household


def test_a_reading_by_keyboard_and_an_activity(
    started_household: Any, page: Any, live_server: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "advocate-knowsley")
    page.goto(f"{base}/households/{started_household.pk}/")
    page.click("a:has-text('Readings') >> nth=0")
    assert_accessible(page)
    page.click("a:has-text('Record a reading')")
    assert_accessible(page)
    page.focus("#id_worker_stability")
    page.keyboard.type("23432345")  # one digit per point: each moves focus to the next point
    page.click("button:has-text('Record reading')")
    assert "reading recorded" in page.locator(".govuk-notification-banner").inner_text()
    reading = Reading.objects.get()
    scores = [s.value for s in reading.scores.order_by("point__order")]
    assert scores == [2, 3, 4, 3, 2, 3, 4, 5]
    assert_accessible(page)

    page.goto(f"{base}/households/{started_household.pk}/")
    page.click("a:has-text('Action plan') >> nth=0")
    assert_accessible(page)
    page.click("a:has-text('Add an activity')")
    assert_accessible(page)
    page.select_option("#id_activity_type", "money_advice")
    page.fill("#id_title", "Debt advice at the library")
    page.select_option("#id_star_point", "money")
    page.click("button:has-text('Add activity')")
    assert "Debt advice at the library" in page.locator("#activities").inner_text()
    assert_accessible(page)
