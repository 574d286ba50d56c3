"""In Chromium: a team manager opens a person's data protection page, records their explicit
consent to share with partners, withdraws it, records a subject access request and downloads
everything held; the evaluator confirms it is them and downloads the extract. axe-core on every
page."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from pathways.accounts.models import User
from pathways.accounts.services import current_totp_code
from pathways.accounts.stepup import STEPPED_UP_AT
from pathways.core.tests.browser import assert_accessible
from pathways.core.tests.test_browser_journeys import sign_in
from pathways.households.consent import record_consent
from pathways.households.tests.helpers import refer
from pathways.privacy.models import ProcessingRecord
from pathways.programmes.models import Programme
from pathways.site.demo import create_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def person() -> Any:
    create_demo(households=False)
    advocate = User.objects.get(username="advocate-knowsley")
    household = refer(advocate, Programme.objects.get(code="households-into-work"))
    person = household.members.first()
    record_consent(
        actor=advocate, person=person, given_on=timezone.localdate() - dt.timedelta(days=3)
    )
    return person


def test_a_manager_records_sharing_withdraws_it_and_answers_a_subject_access_request(
    person: Any, page: Any, live_server: Any
) -> None:
    base = live_server.url
    household = person.household
    sign_in(page, base, "manager-knowsley")
    page.goto(f"{base}/households/{household.pk}/")
    page.click("a:has-text('Data protection')")
    page.wait_for_selector("h1:has-text('Data protection')")
    assert "Public task (Article 6(1)(e))" in page.locator("#records").inner_text()
    assert_accessible(page)

    page.check("input[name='purpose'][value='partner']")
    page.select_option("#id_lawful_basis", "consent")
    page.select_option("#id_special_condition", "explicit_consent")
    today = timezone.localdate()
    page.fill("#id_given_on_0", str(today.day))
    page.fill("#id_given_on_1", str(today.month))
    page.fill("#id_given_on_2", str(today.year))
    page.click("button:text-is('Record')")
    assert "Sharing with partner organisations" in page.locator("#records").inner_text()
    record = ProcessingRecord.objects.get(person=person, purpose="partner")
    page.fill(f"#reason-{record.pk}", "Withdrew consent by phone")
    page.click(f"#records form[action$='/{record.pk}/withdraw/'] button")
    page.wait_for_selector("text=Withdrawn: sharing with partner organisations")
    assert "Withdrew consent by phone" in page.locator("#records").inner_text()
    assert_accessible(page)

    page.fill("#id_received_on_0", str(today.day))
    page.fill("#id_received_on_1", str(today.month))
    page.fill("#id_received_on_2", str(today.year))
    page.click("button:has-text('Record the request')")
    page.wait_for_selector("text=the answer is due by")
    assert_accessible(page)
    with page.expect_download() as download:
        page.click("button:has-text('Download everything (JSON)')")
    data = json.loads(Path(download.value.path()).read_text())
    assert data["person"]["name"] == str(person)
    assert data["sections"]["privacy.processingrecord"]["records"]


def test_an_evaluator_confirms_it_is_them_and_downloads_the_extract(
    person: Any, page: Any, live_server: Any
) -> None:
    base = live_server.url
    evaluator = User.objects.get(username="evaluator")
    sign_in(page, base, "evaluator")
    # Long after signing in, the extract asks for a fresh code first.
    for session in Session.objects.all():
        data = session.get_decoded()
        if data.get("_auth_user_id") == str(evaluator.pk):
            data[STEPPED_UP_AT] = 0
            session.session_data = Session.objects.encode(data)
            session.save()
    page.click("a.govuk-service-navigation__link:has-text('Evaluation extract')")
    page.wait_for_selector("h1:has-text('Confirm it is you')")
    assert_accessible(page)
    device = evaluator.totpdevice_set.get(confirmed=True)
    # The sign-in's code was used in this same 30-second step; a real step-up comes minutes
    # later, with the next code. Let the device take a new one now.
    device.last_t = -1
    device.save(update_fields=["last_t"])
    page.fill("#id_code", current_totp_code(device))
    page.click("button:has-text('Continue')")
    page.wait_for_selector("h1:has-text('Evaluation extract')")
    assert_accessible(page)
    page.fill("#id_project", "hiw-impact-2026")
    with page.expect_download() as download:
        page.click("button:has-text('Download the extract')")
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as bundle:
        assert set(bundle.namelist()) == {
            "people.csv",
            "readings.csv",
            "outcomes.csv",
            "employment.csv",
            "data_dictionary.csv",
        }
        assert person.family_name not in bundle.read("people.csv").decode()
