"""End to end in headless Chromium: every role signs in with two-factor and reaches its start
page; the journeys work by keyboard alone; every page visited passes axe-core (WCAG 2.2 AA)."""

from __future__ import annotations

from typing import Any

import pytest

from pathways.accounts.models import User
from pathways.accounts.services import confirmed_totp_device, current_totp_code
from pathways.core.tests.browser import assert_accessible, page_text, tab_to
from pathways.households.selectors import caseload
from pathways.site.demo import DEMO_PASSWORD, DEMO_USERS, create_demo

# Transactional: the live server's thread must see the demo's committed data. The flush after
# each test empties every table; the demo puts back the six LAs it needs.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

START_HEADINGS = {
    "advocate": "Your caseload",
    "team_manager": "Knowsley Council",
    "programme_manager": "Your programmes",
    "evaluator": "Evaluation",
    "funder": "Programmes you fund",
    "administrator": "Administration",
}


@pytest.fixture
def demo() -> None:
    """The demo's households, every stage in every authority (journeys through a real
    caseload): sixty of them rather than 150, and not the synthetic programme's 600, which
    these journeys do not visit."""
    create_demo(generated=0, made=60)


@pytest.fixture
def demo_people() -> None:
    """The demo's organisations, users and programmes, without households (quicker)."""
    create_demo(households=False)


def code_for(username: str) -> str:
    return current_totp_code(confirmed_totp_device(User.objects.get(username=username)))


def sign_in(page: Any, base: str, username: str, check: bool = False) -> None:
    page.goto(f"{base}/")
    assert page.url.startswith(f"{base}/account/sign-in/")
    if check:
        assert_accessible(page)
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button:has-text('Continue')")
    page.wait_for_url(f"{base}/account/two-factor/verify/*")
    if check:
        assert_accessible(page)
    page.fill("#id_code", code_for(username))
    page.click("button:has-text('Continue')")
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize(
    "username", [u.username for u in DEMO_USERS if u.username != "manager-liverpool"]
)
def test_each_role_signs_in_with_two_factor_to_its_start_page(
    demo_people, page, live_server, username: str
) -> None:
    sign_in(page, live_server.url, username, check=username == "advocate-knowsley")
    role = User.objects.get(username=username).role
    assert page.locator("h1").inner_text() == START_HEADINGS[role]
    assert_accessible(page)


def test_an_advocate_works_through_their_caseload_by_keyboard_alone(
    demo, page, live_server
) -> None:
    base = live_server.url
    page.goto(f"{base}/")
    tab_to(page, "#id_username")
    page.keyboard.type("advocate-knowsley")
    page.keyboard.press("Tab")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/account/two-factor/verify/*")
    tab_to(page, "#id_code")
    page.keyboard.type(code_for("advocate-knowsley"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    tab_to(page, "a.govuk-service-navigation__link[href='/households/']")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/households/")
    assert_accessible(page)
    first = caseload(User.objects.get(username="advocate-knowsley")).first()
    tab_to(page, "#caseload a[href^='/households/']", text=first.reference)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/households/*/")
    assert f"Household {first.reference}" in page.locator("h1").inner_text()
    assert str(first.members.first()) in page_text(page)
    assert_accessible(page)


def test_a_wrong_code_shows_an_accessible_error(demo_people, page, live_server) -> None:
    base = live_server.url
    page.goto(f"{base}/account/sign-in/")
    page.click("button:has-text('Continue')")  # nothing filled in
    assert "Enter your username" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)


def test_a_programme_manager_reviews_settings_and_the_audit_log(
    demo_people, page, live_server
) -> None:
    base = live_server.url
    sign_in(page, base, "programme-manager")
    page.click("a.govuk-service-navigation__link:has-text('Programmes')")
    page.click("a:has-text('Households into Work')")
    assert_accessible(page)
    page.click("a:has-text('Change settings')")
    assert_accessible(page)
    page.fill("#id_support_months", "")
    page.fill("#id_reason", "")
    page.click("button:has-text('Save settings')")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the reason for the change" in summary
    assert_accessible(page)
    page.click("a.govuk-service-navigation__link:has-text('Audit log')")
    assert page.locator("#audit-events").is_visible()
    assert_accessible(page)


def test_an_administrator_sees_users_and_organisations(demo_people, page, live_server) -> None:
    base = live_server.url
    sign_in(page, base, "administrator")
    page.click("a.govuk-service-navigation__link:has-text('Users')")
    assert "advocate-knowsley" in page_text(page)
    assert_accessible(page)
    page.click("a:has-text('Add a user')")
    assert_accessible(page)
    page.click("button:has-text('Add user')")  # nothing filled in
    assert "Enter a username" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.click("a.govuk-service-navigation__link:has-text('Organisations')")
    assert "Knowsley Council" in page_text(page)
    assert_accessible(page)


def test_signing_in_and_opening_a_household_work_without_javascript(
    demo, chromium, live_server
) -> None:
    context = chromium.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, live_server.url, "advocate-knowsley")
        page.click("a.govuk-service-navigation__link:has-text('Caseload')")
        # The most urgent household: on the first page of a caseload of many.
        household = caseload(User.objects.get(username="advocate-knowsley")).first()
        page.click(f"#caseload a:has-text('{household.reference}')")
        page.wait_for_url(f"**/households/{household.pk}/")
        assert str(household.members.first()) in page.locator("main").inner_text()
        page.click("button:has-text('Sign out')")
        assert page.locator("h1").inner_text() == "You have signed out"
    finally:
        context.close()


def test_the_accessibility_check_does_catch_violations(page) -> None:
    page.set_content("<html><body><main><input type='text'></main></body></html>")
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page)
