"""In Chromium: a programme manager opens the reports dashboard, filters to Knowsley and downloads
the report pack; a funder sees only published figures and cannot reach a case page. axe-core on
the dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from pathways.accounts.models import User
from pathways.core.tests.browser import assert_accessible, page_text
from pathways.core.tests.test_browser_journeys import sign_in
from pathways.households.models import Household
from pathways.households.tests.factories import HouseholdFactory, PersonFactory
from pathways.organisations.tests.factories import council_for
from pathways.programmes.models import Programme
from pathways.site.demo import create_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

KNOWSLEY, LIVERPOOL = "E08000011", "E08000012"


@pytest.fixture
def programme() -> Programme:
    """The demo's people, and 37 started households: 23 in Knowsley, 14 in Liverpool."""
    create_demo(households=False)
    hiw = Programme.objects.get(code="households-into-work")
    for code, username, n in (
        (KNOWSLEY, "advocate-knowsley", 23),
        (LIVERPOOL, "advocate-liverpool", 14),
    ):
        advocate = User.objects.get(username=username)
        for i in range(n):
            household = HouseholdFactory(
                programme=hiw,
                organisation=council_for(code),
                advocate=advocate,
                referral_date=dt.date(2025, 5, 1),
                start_date=dt.date(2025, 6, 1) + dt.timedelta(days=i),
            )
            PersonFactory(household=household)
    return hiw


def test_a_programme_manager_filters_to_knowsley_and_downloads_the_pack(
    programme: Programme, page: Any, live_server: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "programme-manager")
    page.click("nav a:has-text('Reports')")
    page.wait_for_selector("h1:has-text('Reports')")
    assert "OFFICIAL-SENSITIVE — exact figures, not for publication" in page_text(page)
    started = page.locator("#targets ~ table tr:has-text('Households started') td").first
    assert started.inner_text() == "37"
    assert_accessible(page)

    page.select_option("#id_local_authority", KNOWSLEY)
    page.click("button:has-text('Show figures')")
    page.wait_for_selector("strong:has-text('Households into Work')")
    assert "Households into Work: Knowsley" in page.inner_text("main")
    assert page.locator("#areas ~ div table th[scope=col]").all_inner_texts()[1:] == ["Knowsley"]

    with page.expect_download() as download_info:
        page.click("a:has-text('The report pack as PDF')")
    download = download_info.value
    assert download.suggested_filename.startswith(f"households-into-work-pack-{KNOWSLEY}-")
    from pypdf import PdfReader

    text = PdfReader(download.path()).pages[0].extract_text()
    assert "Households into Work: Knowsley" in text


def test_a_funder_sees_only_published_figures_and_no_case_page(
    programme: Programme, page: Any, live_server: Any
) -> None:
    base = live_server.url
    sign_in(page, base, "funder")
    page.click("nav a:has-text('Reports')")
    page.wait_for_selector("h1:has-text('Reports')")
    main = page.inner_text("main")
    assert "Published figures." in main and "Exact figures" not in main
    started = page.locator("#targets ~ table tr:has-text('Households started') td").first
    assert started.inner_text() == "35"  # 37, rounded to the nearest 5
    assert page.locator("#id_advocate").count() == 0
    assert page.locator("#advocates").count() == 0
    assert_accessible(page)

    household = Household.objects.filter(programme=programme).first()
    response = page.goto(f"{base}/households/{household.pk}/")
    assert response.status == 403
    assert household.reference not in page_text(page)
