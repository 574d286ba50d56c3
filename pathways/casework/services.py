"""Writing casework records. Contacts now; the casework issue adds the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from pathways.audit import services as audit
from pathways.casework.models import (
    Activity,
    Appointment,
    Contact,
    ExitStep,
    Goal,
    OnwardReferral,
    Service,
    ServiceType,
)
from pathways.core.exceptions import RuleError
from pathways.households.models import Household, Person, TimelineEntry
from pathways.households.services import records_changed
from pathways.privacy.models import Purpose
from pathways.privacy.services import people_shared_for


@transaction.atomic
def record_contact(
    *,
    actor: Any,
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
        verb="contact.created",
        target=contact,
        programme=household.programme,
        data={"household": household.pk, "date": date.isoformat(), "method": method},
    )
    return contact


def star_points(household: Household) -> dict[str, str]:
    from pathways.assessments.models import InstrumentPoint

    return dict(
        InstrumentPoint.objects.filter(instrument__code=household.programme.instrument).values_list(
            "code", "name"
        )
    )


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def add_goal(
    *, actor: Any, person: Person, description: str, star_point: str = "", agreed_date: dt.date
) -> Goal:
    household = person.household
    problems = {}
    if not description.strip():
        problems["description"] = "Describe the goal"
    if star_point and star_point not in star_points(household):
        problems["star_point"] = f"{star_point!r} is not a point of the programme's star"
    if agreed_date > timezone.localdate():
        problems["agreed_date"] = "The date agreed must be today or in the past"
    if problems:
        raise RuleError(problems)
    goal = Goal.objects.create(
        person=person,
        description=description.strip(),
        star_point=star_point,
        agreed_date=agreed_date,
        recorded_by=_user(actor),
    )
    TimelineEntry.objects.create(
        household=household,
        on=agreed_date,
        kind="goal",
        summary=f"Goal for {person}: {goal}",
        actor=_user(actor),
    )
    audit.record(
        actor=actor,
        verb="goal.created",
        target=goal,
        programme=household.programme,
        data={"person": person.pk},
    )
    return goal


def check_activity(facts: dict[str, Any], *, today: dt.date) -> dict[str, str]:
    """Problems with an activity's facts (shared by the form, the API and the importer)."""
    problems: dict[str, str] = {}
    agreed, due, completed = (
        facts.get("agreed_date"),
        facts.get("due_date"),
        facts.get("completed_date"),
    )
    if facts.get("activity_type") not in Activity.Type.values:
        problems["activity_type"] = "Choose the kind of activity"
    if agreed and agreed > today:
        problems["agreed_date"] = "The date agreed must be today or in the past"
    if due and agreed and due < agreed:
        problems["due_date"] = "The date it is due must be on or after the date agreed"
    if completed and completed > today:
        problems["completed_date"] = "The date completed must be today or in the past"
    elif completed and agreed and completed < agreed:
        problems["completed_date"] = "The date completed must be on or after the date agreed"
    hours = facts.get("hours")
    if hours is not None and (hours < 0 or hours > 2000):
        problems["hours"] = "Enter the hours as a number from 0 to 2000"
    if facts.get("status") == Activity.Status.COMPLETED and not completed:
        problems["completed_date"] = "Enter the date it was completed"
    return problems


@transaction.atomic
def add_activity(*, actor: Any, person: Person, **facts: Any) -> Activity:
    """An agreed activity on a person's action plan."""
    household = person.household
    facts = {k: v for k, v in facts.items() if v not in ("", None) or k == "hours"}
    if facts.get("completed_date"):
        facts["status"] = Activity.Status.COMPLETED
    problems = check_activity(facts, today=timezone.localdate())
    point = facts.get("star_point", "")
    if point and point not in star_points(household):
        problems["star_point"] = f"{point!r} is not a point of the programme's star"
    goal = facts.get("goal")
    if goal is not None and goal.person_id != person.pk:
        problems["goal"] = "Choose one of this person's goals"
    if problems:
        raise RuleError(problems)
    activity = Activity.objects.create(person=person, recorded_by=_user(actor), **facts)
    records_changed(household)
    TimelineEntry.objects.create(
        household=household,
        on=activity.agreed_date,
        kind="activity",
        summary=f"Activity agreed with {person}: {activity}",
        actor=_user(actor),
    )
    audit.record(
        actor=actor,
        verb="activity.created",
        target=activity,
        programme=household.programme,
        data={"person": person.pk},
    )
    return activity


@transaction.atomic
def update_activity(
    *, actor: Any, activity: Activity, status: str, completed_date: dt.date | None = None
) -> Activity:
    """Move an activity on: in progress, completed (with its date) or dropped."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if status not in Activity.Status.values:
        raise RuleError({"status": "Choose a status"})
    facts = {
        "activity_type": activity.activity_type,
        "agreed_date": activity.agreed_date,
        "due_date": activity.due_date,
        "status": status,
        "completed_date": completed_date if status == Activity.Status.COMPLETED else None,
        "hours": activity.hours,
    }
    problems = check_activity(facts, today=timezone.localdate())
    if problems:
        raise RuleError(problems)
    before = {"status": activity.status, "completed_date": str(activity.completed_date or "")}
    activity.status = status
    activity.completed_date = facts["completed_date"]
    activity.save(update_fields=["status", "completed_date"])
    household = activity.person.household
    records_changed(household)
    if status == Activity.Status.COMPLETED:
        TimelineEntry.objects.create(
            household=household,
            on=completed_date,
            kind="activity_completed",
            summary=f"{activity.person} completed: {activity}",
            actor=_user(actor),
        )
    audit.record(
        actor=actor,
        verb="activity.changed",
        target=activity,
        programme=household.programme,
        data={
            "before": before,
            "after": {"status": status, "completed_date": str(activity.completed_date or "")},
        },
    )
    return activity


# --- the service directory and onward referrals ------------------------------------------


def may_keep_directory(user: Any) -> bool:
    return getattr(user, "role", None) in ("team_manager", "programme_manager")


@transaction.atomic
def save_service(
    *, actor: Any, service: Service | None, fields: dict[str, Any], local_authorities: Any
) -> Service:
    """Add or change a directory entry (managers only)."""
    if not may_keep_directory(actor):
        raise RuleError(
            {"organisation": "Only a team manager or programme manager can change the directory"}
        )
    problems = {}
    if not (fields.get("organisation") or "").strip():
        problems["organisation"] = "Enter the organisation's name"
    if not (fields.get("name") or "").strip():
        problems["name"] = "Enter the service's name"
    if fields.get("service_type") not in ServiceType.values:
        problems["service_type"] = "Choose the kind of service"
    if not local_authorities:
        problems["local_authorities"] = "Choose at least one local authority it covers"
    if problems:
        raise RuleError(problems)
    created = service is None
    service = service or Service()
    for name, value in fields.items():
        setattr(service, name, value)
    service.updated_by = _user(actor)
    service.updated_at = timezone.now()
    service.save()
    service.local_authorities.set(local_authorities)
    audit.record(
        actor=actor,
        verb="service.created" if created else "service.changed",
        target=service,
        data={k: (v if not hasattr(v, "pk") else str(v)) for k, v in fields.items()},
    )
    return service


@transaction.atomic
def record_onward_referral(
    *,
    actor: Any,
    person: Person,
    date: dt.date,
    service_type: str = "",
    service: Service | None = None,
    organisation: str = "",
    notes: str = "",
) -> OnwardReferral:
    """Refer a person on: to a service in the directory, or to any organisation by type."""
    household = person.household
    if service is not None:
        service_type = service.service_type
        organisation = organisation or service.organisation
    problems = {}
    if service_type not in ServiceType.values:
        problems["service_type"] = "Choose the kind of service"
    if date > timezone.localdate():
        problems["date"] = "The date of the referral must be today or in the past"
    if problems:
        raise RuleError(problems)
    referral = OnwardReferral.objects.create(
        person=person,
        date=date,
        service_type=service_type,
        service=service,
        organisation=organisation.strip(),
        notes=notes.strip(),
        recorded_by=_user(actor),
    )
    where = f" to {referral.organisation}" if referral.organisation else ""
    TimelineEntry.objects.create(
        household=household,
        on=date,
        kind="onward_referral",
        summary=f"{person} referred{where} ({referral.get_service_type_display()})",
        actor=_user(actor),
    )
    audit.record(
        actor=actor,
        verb="onward_referral.created",
        target=referral,
        programme=household.programme,
        data={
            "person": person.pk,
            "service_type": service_type,
            "service": service.pk if service else None,
        },
    )
    return referral


@transaction.atomic
def update_onward_referral(*, actor: Any, referral: OnwardReferral, status: str) -> OnwardReferral:
    if status not in OnwardReferral.Status.values:
        raise RuleError({"status": "Choose a status"})
    before = referral.status
    referral.status = status
    referral.save(update_fields=["status"])
    household = referral.person.household
    TimelineEntry.objects.create(
        household=household,
        on=timezone.localdate(),
        kind="onward_referral",
        summary=f"Referral of {referral.person} to {referral.organisation or referral.get_service_type_display()}: {referral.get_status_display().lower()}",
        actor=_user(actor),
    )
    audit.record(
        actor=actor,
        verb="onward_referral.changed",
        target=referral,
        programme=household.programme,
        data={"before": before, "after": status},
    )
    return referral


def share_with_partner(*, actor: Any, referral: OnwardReferral) -> dict[str, Any]:
    """What the partner needs to take a referral on: the person's name, date of birth and
    contact details, and the household's address (the page adds the referral and who sends it).

    Given only while the person's agreement to sharing with partners is active (recorded on
    their data protection page); each time it is given is audited, naming the fields, never
    their values."""
    person = referral.person
    if not people_shared_for(Purpose.PARTNER, Person.objects.filter(pk=person.pk)).exists():
        raise RuleError(
            {
                "partner": f"{person} has not agreed to their details being shared with partner "
                "organisations, so Pathways will not give them out. Record their agreement on "
                "their data protection page first."
            }
        )
    household = person.household
    details = {
        "name": str(person),
        "date_of_birth": person.date_of_birth,
        "phone": person.phone,
        "email": person.email,
        "address": [
            line
            for line in (
                household.address_line_1,
                household.address_line_2,
                household.town,
                household.postcode,
            )
            if line
        ],
    }
    audit.record(
        actor=actor,
        verb="onward_referral.shared",
        target=person,  # so the person's subject access answer names the recipient
        programme=household.programme,
        data={
            "referral": referral.pk,
            "organisation": referral.organisation,
            "fields": [name for name, value in details.items() if value],
        },
    )
    return details


# --- appointments ---------------------------------------------------------------------------


@transaction.atomic
def book_appointment(
    *,
    actor: Any,
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
        verb="appointment.created",
        target=appointment,
        programme=household.programme,
        data={"household": household.pk, "starts_at": starts_at.isoformat()},
    )
    return appointment


@transaction.atomic
def record_attendance(
    *, actor: Any, appointment: Appointment, attendance: str, notes: str = ""
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
        verb="appointment.attendance",
        target=appointment,
        programme=household.programme,
        data={"attendance": attendance},
    )
    return appointment


def did_not_attend_rate(household: Household) -> float | None:
    """Share of the household's kept-or-missed appointments that were missed (None if none)."""
    from django.db.models import Count, Q

    counts = household.appointments.aggregate(
        missed=Count("id", filter=Q(attendance=Appointment.Attendance.DID_NOT_ATTEND)),
        kept=Count("id", filter=Q(attendance=Appointment.Attendance.ATTENDED)),
    )
    total = counts["missed"] + counts["kept"]
    return counts["missed"] / total if total else None


def may_read_note(user: Any, contact: Contact) -> bool:
    """A sensitive note is for the household's advocate, whoever wrote it, and managers."""
    if not contact.sensitive:
        return True
    return (
        getattr(user, "role", None) in ("team_manager", "programme_manager")
        or contact.recorded_by_id == getattr(user, "pk", None)
        or contact.household.advocate_id == getattr(user, "pk", None)
    )


# --- exit ---------------------------------------------------------------------------------


@transaction.atomic
def add_exit_step(
    *,
    actor: Any,
    household: Household,
    description: str,
    due_date: dt.date,
    onward_provision: str = "",
) -> ExitStep:
    """A phase of the household's exit: fewer visits, a hand-over, onward provision."""
    problems = {}
    if household.status != Household.Status.STARTED:
        problems["description"] = "Only a household on the programme has an exit plan"
    if not description.strip():
        problems["description"] = "Describe the step"
    if household.start_date and due_date < household.start_date:
        problems["due_date"] = "The step must be due on or after the start"
    if problems:
        raise RuleError(problems)
    step = ExitStep.objects.create(
        household=household,
        description=description.strip(),
        onward_provision=onward_provision.strip(),
        due_date=due_date,
        recorded_by=_user(actor),
    )
    TimelineEntry.objects.create(
        household=household,
        on=timezone.localdate(),
        kind="exit_plan",
        summary=f"Exit plan: {step} by {due_date:%-d %B %Y}",
        actor=_user(actor),
    )
    audit.record(
        actor=actor,
        verb="exit_step.created",
        target=step,
        programme=household.programme,
        data={"due_date": due_date.isoformat()},
    )
    return step


@transaction.atomic
def complete_exit_step(*, actor: Any, step: ExitStep, done_date: dt.date) -> ExitStep:
    if done_date > timezone.localdate():
        raise RuleError({"done_date": "The date must be today or in the past"})
    step.done_date = done_date
    step.save(update_fields=["done_date"])
    TimelineEntry.objects.create(
        household=step.household,
        on=done_date,
        kind="exit_plan",
        summary=f"Exit plan step done: {step}",
        actor=_user(actor),
    )
    audit.record(
        actor=actor,
        verb="exit_step.done",
        target=step,
        programme=step.household.programme,
        data={"done_date": done_date.isoformat()},
    )
    return step
