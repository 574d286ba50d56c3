"""Subject access: one action exports everything held about a person (JSON and a readable
PDF), the due date is the ICO's, and no kind of record about a person can be forgotten."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from pathways.audit.models import AuditEvent
from pathways.conftest import World
from pathways.core.tests.test_field_level import SECRETS, plant_personal_data
from pathways.households.consent import record_consent
from pathways.outcomes.tests.test_outcome_pages import verified
from pathways.privacy import services
from pathways.privacy.subject_access import EXCLUDED, EXPORTED, bank_holidays, due_date

D = dt.date


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 3, 10), D(2026, 4, 10)),  # the corresponding date, a Friday
        (D(2026, 3, 31), D(2026, 4, 30)),  # no 31 April: the last day of the month
        (D(2026, 1, 31), D(2026, 3, 2)),  # 28 February is a Saturday: the next working day
        (D(2026, 3, 6), D(2026, 4, 7)),  # 6 April 2026 is Easter Monday
        (D(2026, 11, 28), D(2026, 12, 29)),  # 28 December 2026 is Boxing Day's substitute
        (D(2027, 11, 25), D(2027, 12, 29)),  # Christmas on a Saturday: 27 and 28 are off
        (D(2028, 2, 29), D(2028, 3, 29)),
    ],
)
def test_the_answer_is_due_a_calendar_month_later_on_a_working_day(received, due) -> None:
    assert due_date(received) == due


def test_an_extension_is_two_further_months() -> None:
    assert due_date(D(2026, 1, 31), months=3) == D(2026, 4, 30)


def test_bank_holidays_are_englands_and_wales() -> None:
    assert bank_holidays(2026) == {
        D(2026, 1, 1), D(2026, 4, 3), D(2026, 4, 6), D(2026, 5, 4),
        D(2026, 5, 25), D(2026, 8, 31), D(2026, 12, 25), D(2026, 12, 28),
    }  # fmt: skip
    assert bank_holidays(2027) == {
        D(2027, 1, 1), D(2027, 3, 26), D(2027, 3, 29), D(2027, 5, 3),
        D(2027, 5, 31), D(2027, 8, 30), D(2027, 12, 27), D(2027, 12, 28),
    }  # fmt: skip


def linked_models() -> set[str]:
    """Every model holding rows about a person or their household: linked to either, or to
    such a model, by a foreign key, at any depth."""
    found = {"households.person", "households.household"}
    grew = True
    while grew:
        grew = False
        for model in apps.get_models():
            label = model._meta.label_lower
            if label in found:
                continue
            for field in model._meta.concrete_fields:
                target = field.related_model
                if field.is_relation and target and target._meta.label_lower in found:
                    found.add(label)
                    grew = True
                    break
    return found


def test_every_model_about_a_person_is_exported_or_deliberately_left_out() -> None:
    linked = linked_models()
    assert linked - set(EXPORTED) - set(EXCLUDED) == set()
    assert set(EXPORTED) & set(EXCLUDED) == set()
    assert (set(EXPORTED) | set(EXCLUDED)) - linked == set()  # no stale names


@pytest.mark.django_db
def test_one_action_exports_everything_held_about_the_person(world: World, signed_in) -> None:
    plant_personal_data(world)
    verified(world, world.household_k, world.advocate_k, world.manager_k)
    person = world.household_k.members.get()
    record_consent(actor=world.advocate_k, person=person, given_on=D(2026, 1, 5))
    other = world.household_l.members.get()
    # A name found nowhere else (a factory's name may be a word the export has, like "May").
    other.family_name = "Quillfeather"
    other.save()
    client = signed_in(world.manager_k)
    url = reverse("privacy:person", args=[world.household_k.pk, person.pk])
    today = timezone.localdate()
    made = client.post(
        reverse("privacy:subject-access", args=[world.household_k.pk, person.pk]),
        {"received_on_0": today.day, "received_on_1": today.month, "received_on_2": today.year},
        follow=True,
    )
    asked = person.subject_access_requests.get()
    assert asked.due_on == due_date(today)
    assert f"answer is due by {asked.due_on:%-d %B %Y}" in made.content.decode()
    page = made.content.decode()
    assert page.count('id="subject-access"') == 1  # once, in the page's content
    title = page[page.index("<title>") : page.index("</title>")]
    assert "<form" not in title and "Data protection" in title

    def export(form: str) -> bytes:
        return client.post(
            reverse(
                "privacy:subject-access-export",
                args=[world.household_k.pk, person.pk, asked.pk, form],
            )
        ).content

    data = json.loads(export("json"))
    sections = data["sections"]
    assert set(sections) == set(EXPORTED)
    for label in (
        "households.person",
        "households.household",
        "households.consent",
        "privacy.processingrecord",
        "casework.contact",
        "outcomes.employmentspell",
        "outcomes.outcome",
        "budgets.entry",
        "privacy.subjectaccessrequest",
    ):
        assert sections[label]["records"], label
    text = json.dumps(data)
    for secret in SECRETS.values():
        assert secret in text
    assert other.family_name not in text  # another household's person
    assert any(
        event["what"] == "household.changed" or event["what"] for event in data["access_log"]
    )
    pdf = PdfReader(io.BytesIO(export("pdf")))
    words = "".join(page.extract_text() for page in pdf.pages)
    assert SECRETS["family name"] in words and "Your star readings" in words
    assert SECRETS["note"] in words.replace("\n", "")
    assert (
        AuditEvent.objects.filter(
            verb="person.subject_access_exported", actor=world.manager_k
        ).count()
        == 2
    )
    # Only managers answer requests; another council's manager cannot reach the person.
    assert (
        signed_in(world.advocate_k)
        .post(
            reverse(
                "privacy:subject-access-export",
                args=[world.household_k.pk, person.pk, asked.pk, "json"],
            )
        )
        .status_code
        == 403
    )
    assert signed_in(world.manager_l).get(url).status_code == 404


@pytest.mark.django_db
def test_a_request_dated_in_the_future_is_refused(world: World) -> None:
    from pathways.core.exceptions import RuleError

    with pytest.raises(RuleError, match="today or in the past"):
        services.record_subject_access(
            actor=world.manager_k,
            person=world.household_k.members.get(),
            received_on=timezone.localdate() + dt.timedelta(days=1),
        )
