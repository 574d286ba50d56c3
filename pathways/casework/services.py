"""Writing casework records: contacts with a household and appointments in its advocate's diary.

The action plan is in `action_plans`, the directory and onward referrals in `onward_referrals`,
the exit plan in `exit_plans`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from pathways.accounts.models import Actor, User
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.casework.models import Appointment, Contact
from pathways.core.exceptions import RuleError
from pathways.households.models import Household, Person, TimelineEntry


@transaction.atomic
def record_contact(
    *,
    actor: Actor,
    household: Household,
    date: dt.date,
    method: str,
    notes: str = "",
    person: Person | None = None,
    sensitive: bool = False,
) -> Contact:
    """A contact with the household; keeps the household's last-contact date for the caseload."""
    if date > timezone.localdate():
        raise RuleError({"date": "The date of the contact must be today or in the past"})
    if household.referral_date and date < household.referral_date:
        raise RuleError({"date": "The date of the contact must be on or after the referral"})
    if person is not None and person.household_id != household.pk:
        raise RuleError({"person": "Choose someone in this household"})
    if method not in Contact.Method.values:
        raise RuleError({"method": "Choose how you were in contact"})
    user = actor if getattr(actor, "is_authenticated", False) else None
    contact = Contact.objects.create(
        household=household,
        person=person,
        date=date,
        method=method,
        notes=notes.strip(),
        sensitive=sensitive,
        recorded_by=user,
    )
    household.last_contact_on = household.contacts.aggregate(last=Max("date"))["last"]
    household.save(update_fields=["last_contact_on"])
    who = f" with {person}" if person else ""
    after_exit = household.end_date is not None and date > household.end_date
    TimelineEntry.objects.create(
        household=household,
        on=date,
        kind="follow_up" if after_exit else "contact",
        summary=("Follow-up after support ended: " if after_exit else "")
        + f"{contact.get_method_display()}{who}",
        actor=user,
    )
    audit.record(
        actor=actor,
        verb=Verb.CONTACT_CREATED,
        target=contact,
        programme=household.programme,
        data={"household": household.pk, "date": date.isoformat(), "method": method},
    )
    return contact


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def book_appointment(
    *,
    actor: Actor,
    household: Household,
    starts_at: dt.datetime,
    method: str,
    place: str = "",
    purpose: str = "",
    person: Person | None = None,
) -> Appointment:
    """An appointment in the household's advocate's diary."""
    problems = {}
    if household.advocate_id is None:
        problems["starts_at"] = "The household has no advocate to meet it yet"
    if method not in Contact.Method.values:
        problems["method"] = "Choose how you will meet"
    if person is not None and person.household_id != household.pk:
        problems["person"] = "Choose someone in this household"
    if problems:
        raise RuleError(problems)
    appointment = Appointment.objects.create(
        household=household,
        person=person,
        advocate=household.advocate,
        starts_at=starts_at,
        method=method,
        place=place.strip(),
        purpose=purpose.strip(),
    )
    audit.record(
        actor=actor,
        verb=Verb.APPOINTMENT_CREATED,
        target=appointment,
        programme=household.programme,
        data={"household": household.pk, "starts_at": starts_at.isoformat()},
    )
    return appointment


@transaction.atomic
def record_attendance(
    *, actor: Actor, appointment: Appointment, attendance: str, notes: str = ""
) -> Appointment:
    """Attended, did not attend or cancelled. An attended appointment is a contact."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if attendance not in Appointment.Attendance.values:
        raise RuleError({"attendance": "Choose whether they attended"})
    day = timezone.localtime(appointment.starts_at).date()
    if attendance != Appointment.Attendance.CANCELLED and day > timezone.localdate():
        raise RuleError(
            {"attendance": "You can record attendance only once the appointment has happened"}
        )
    if appointment.attendance:
        raise RuleError({"attendance": "Attendance is already recorded for this appointment"})
    household = appointment.household
    appointment.attendance = attendance
    if attendance == Appointment.Attendance.ATTENDED:
        appointment.contact = record_contact(
            actor=actor,
            household=household,
            date=day,
            method=appointment.method,
            notes=notes,
            person=appointment.person,
        )
    else:
        words = (
            "Did not attend" if attendance == Appointment.Attendance.DID_NOT_ATTEND else "Cancelled"
        )
        TimelineEntry.objects.create(
            household=household,
            on=day,
            kind="appointment",
            summary=f"{words}: {appointment.get_method_display().lower()}"
            + (f" ({appointment.purpose})" if appointment.purpose else ""),
            actor=_user(actor),
        )
    appointment.save(update_fields=["attendance", "contact"])
    audit.record(
        actor=actor,
        verb=Verb.APPOINTMENT_ATTENDANCE,
        target=appointment,
        programme=household.programme,
        data={"attendance": attendance},
    )
    return appointment


def did_not_attend_rate(household: Household) -> float | None:
    """Share of the household's kept-or-missed appointments that were missed (None if none)."""
    counts = household.appointments.aggregate(
        missed=Count("id", filter=Q(attendance=Appointment.Attendance.DID_NOT_ATTEND)),
        kept=Count("id", filter=Q(attendance=Appointment.Attendance.ATTENDED)),
    )
    total = counts["missed"] + counts["kept"]
    return counts["missed"] / total if total else None


def may_read_note(user: User, contact: Contact) -> bool:
    """A sensitive note is for the household's advocate, whoever wrote it, and managers."""
    if not contact.sensitive:
        return True
    return (
        getattr(user, "role", None) in ("team_manager", "programme_manager")
        or contact.recorded_by_id == getattr(user, "pk", None)
        or contact.household.advocate_id == getattr(user, "pk", None)
    )
