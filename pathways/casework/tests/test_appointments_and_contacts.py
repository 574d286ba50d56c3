"""Appointments, attendance, the did-not-attend rate, the diary, and sensitive notes."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from pathways.casework import services
from pathways.casework.models import Appointment, Contact
from pathways.conftest import World
from pathways.core.exceptions import RuleError
from pathways.households.enrolment import end_support, reassign

pytestmark = pytest.mark.django_db


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_appointments_attendance_and_the_did_not_attend_rate(world: World, signed_in) -> None:
    household = world.household_k
    client = signed_in(world.advocate_k)
    with time_machine.travel(dt.datetime(2026, 6, 1, 9, 0), tick=False):
        response = client.post(
            reverse("casework:book-appointment", args=[household.pk]),
            {
                "date_0": "3",
                "date_1": "6",
                "date_2": "2026",
                "time": "14:30",
                "method": "home_visit",
                "purpose": "First star reading",
            },
        )
        assert response.status_code == 302
        booked = Appointment.objects.get()
        assert timezone.localtime(booked.starts_at).hour == 14
        assert booked in client.get(reverse("casework:diary")).context["upcoming"]
        with pytest.raises(RuleError):  # not yet happened
            services.record_attendance(
                actor=world.advocate_k, appointment=booked, attendance="attended"
            )
        missed = services.book_appointment(
            actor=world.advocate_k,
            household=household,
            starts_at=at(dt.date(2026, 5, 20)),
            method="office",
        )
    with time_machine.travel(dt.datetime(2026, 6, 4, 9, 0), tick=False):
        client = signed_in(world.advocate_k)  # days later: a new session
        assert booked in client.get(reverse("casework:diary")).context["waiting"]
        url = reverse("casework:attendance", args=[household.pk, booked.pk])
        assert client.post(url, {"attendance": "attended", "notes": "Went well"}).status_code == 302
        services.record_attendance(
            actor=world.advocate_k, appointment=missed, attendance="did_not_attend"
        )
    booked.refresh_from_db()
    assert booked.contact.date == dt.date(2026, 6, 3)  # an attended appointment is a contact
    household.refresh_from_db()
    assert household.last_contact_on == dt.date(2026, 6, 3)
    assert services.did_not_attend_rate(household) == 0.5
    page = signed_in(world.advocate_k).get(reverse("household_record:detail", args=[household.pk]))
    page = page.content.decode()
    assert "Did not attend: 50% of appointments kept or missed." in page


def test_a_sensitive_note_is_hidden_from_a_colleague_advocate(world: World, signed_in) -> None:
    household = world.household_k
    colleague = world.household_k2.advocate  # another Knowsley advocate
    services.record_contact(
        actor=world.advocate_k,
        household=household,
        date=timezone.localdate(),
        method="phone",
        notes="Disclosed domestic abuse",
        sensitive=True,
    )
    services.record_contact(
        actor=world.advocate_k,
        household=household,
        date=timezone.localdate(),
        method="phone",
        notes="Talked about the bus pass",
    )
    # The colleague cannot open the household at all.
    assert (
        signed_in(colleague)
        .get(reverse("household_record:detail", args=[household.pk]))
        .status_code
        == 404
    )
    # The household's advocate and the team manager read it.
    for user in (world.advocate_k, world.manager_k):
        assert (
            "Disclosed domestic abuse"
            in signed_in(user)
            .get(reverse("household_record:detail", args=[household.pk]))
            .content.decode()
        )
    # Handed to the colleague: they are now its advocate, and may read it; someone else who
    # took over a note's household for a day and handed it back may not.
    reassign(actor=world.manager_k, household=household, advocate=colleague, note="Cover")
    contact = Contact.objects.get(sensitive=True)
    assert services.may_read_note(colleague, contact)
    reassign(actor=world.manager_k, household=household, advocate=world.advocate_k, note="Back")
    contact.household.refresh_from_db()
    assert not services.may_read_note(colleague, Contact.objects.get(sensitive=True))
    assert services.may_read_note(colleague, Contact.objects.get(sensitive=False))


def test_an_exit_plan_in_phases_then_follow_up_after_support_ends(world: World, signed_in) -> None:
    household = world.household_k
    client = signed_in(world.advocate_k)
    url = reverse("casework:exit-plan", args=[household.pk])
    refused = client.post(
        url, {"description": "", "due_date_0": "1", "due_date_1": "1", "due_date_2": "2017"}
    )
    assert "Describe the step" in refused.content.decode()
    today = timezone.localdate()
    added = client.post(
        url,
        {
            "description": "Visits every fortnight",
            "onward_provision": "Jobcentre work coach",
            "due_date_0": today.day,
            "due_date_1": today.month,
            "due_date_2": today.year,
        },
    )
    assert added.status_code == 302
    step = household.exit_steps.get()
    done = reverse("casework:exit-step-done", args=[household.pk, step.pk])
    assert (
        client.post(
            done, {"done_date_0": today.day, "done_date_1": today.month, "done_date_2": today.year}
        ).status_code
        == 302
    )
    end_support(
        actor=world.advocate_k,
        household=household,
        end_date=today - dt.timedelta(days=10),
        exit_reason="job",
    )
    household.refresh_from_db()
    services.record_contact(actor=world.advocate_k, household=household, date=today, method="phone")
    assert household.timeline.filter(
        kind="follow_up", summary__startswith="Follow-up after support ended"
    ).exists()
    assert list(household.timeline.filter(kind="exit_plan").values_list("summary", flat=True))[
        0
    ].startswith("Exit plan step done")
