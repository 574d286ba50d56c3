"""Subject access (UK GDPR Article 15): everything Pathways holds about one person, as JSON
and as a readable PDF, and the date the answer is due, worked out as the ICO says.

EXPORTED names every model that holds data about a person or their household and how to find
the person's rows; EXCLUDED names the few that are deliberately left out, and why. A test
walks every model linked to a person or a household and fails if one is in neither, so a new
kind of record cannot be forgotten.

The household's records (its address, budget, timeline, household-wide contacts) are about
the person too, but may mention other members: whoever answers the request reads the PDF and
redacts third parties' data before sending it, as the ICO expects.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db.models import Model, Q, QuerySet
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils import timezone

from pathways.audit.models import AuditEvent
from pathways.households.models import Person

# --- the due date -----------------------------------------------------------------------------


def _easter(year: int) -> dt.date:
    """Easter Sunday (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month = (h + l_ - 7 * m + 114) // 31
    day = (h + l_ - 7 * m + 114) % 31 + 1
    return dt.date(year, month, day)


def _first_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, 1)
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _last_monday(year: int, month: int) -> dt.date:
    day = dt.date(year, month, calendar.monthrange(year, month)[1])
    return day - dt.timedelta(days=day.weekday())


@functools.cache
def bank_holidays(year: int) -> frozenset[dt.date]:
    """England and Wales bank holidays by the usual rules, with weekend substitutes. One-off
    holidays (a coronation, a jubilee) are proclaimed each time and are not here."""
    new_year = dt.date(year, 1, 1)
    while new_year.weekday() >= 5:
        new_year += dt.timedelta(days=1)
    easter = _easter(year)
    christmas, boxing = dt.date(year, 12, 25), dt.date(year, 12, 26)
    if christmas.weekday() == 5:  # Saturday: Monday and Tuesday
        christmas, boxing = dt.date(year, 12, 27), dt.date(year, 12, 28)
    elif christmas.weekday() == 6:  # Sunday: Tuesday for Christmas, Boxing Day on Monday
        christmas = dt.date(year, 12, 27)
    elif boxing.weekday() == 5:  # Boxing Day on Saturday: Monday
        boxing = dt.date(year, 12, 28)
    return frozenset(
        {
            new_year,
            easter - dt.timedelta(days=2),
            easter + dt.timedelta(days=1),
            _first_monday(year, 5),
            _last_monday(year, 5),
            _last_monday(year, 8),
            christmas,
            boxing,
        }
    )


def due_date(received: dt.date, months: int = 1) -> dt.date:
    """The ICO's time limit: the corresponding calendar date `months` later (one month, or
    three when extended for a complex request), counting from the day it was received; the
    last day of that month when it has no such date; moved to the next working day when it
    falls on a weekend or a bank holiday."""
    month_index = received.month - 1 + months
    year, month = received.year + month_index // 12, month_index % 12 + 1
    day = min(received.day, calendar.monthrange(year, month)[1])
    due = dt.date(year, month, day)
    while due.weekday() >= 5 or due in bank_holidays(due.year):
        due += dt.timedelta(days=1)
    return due


# --- what is held ------------------------------------------------------------------------------

Finder = Callable[[Person], QuerySet]


def _household(label: str) -> Finder:
    return lambda person: apps.get_model(label).objects.filter(household_id=person.household_id)


def _person(label: str, path: str = "person") -> Finder:
    return lambda person: apps.get_model(label).objects.filter(**{path: person})


def _person_or_household(label: str) -> Finder:
    return lambda person: apps.get_model(label).objects.filter(
        Q(person=person) | Q(person__isnull=True), household_id=person.household_id
    )


EXPORTED: dict[str, tuple[str, Finder]] = {
    "households.person": ("About you", lambda p: Person.objects.filter(pk=p.pk)),
    "households.household": (
        "Your household",
        lambda p: apps.get_model("households.Household").objects.filter(pk=p.household_id),
    ),
    "households.referral": ("How you were referred", _household("households.Referral")),
    "households.consent": ("Your consent to the privacy notice", _person("households.Consent")),
    "households.allocation": ("Your advocates", _household("households.Allocation")),
    "households.timelineentry": (
        "Your household's timeline",
        _household("households.TimelineEntry"),
    ),
    "privacy.processingrecord": (
        "Why we hold and share your data",
        _person("privacy.ProcessingRecord"),
    ),
    "privacy.subjectaccessrequest": (
        "Your requests for your data",
        _person("privacy.SubjectAccessRequest"),
    ),
    "casework.contact": ("Contacts and notes", _person_or_household("casework.Contact")),
    "casework.appointment": ("Appointments", _person_or_household("casework.Appointment")),
    "casework.goal": ("Your goals", _person("casework.Goal")),
    "casework.activity": ("Your activities", _person("casework.Activity")),
    "casework.onwardreferral": ("Referrals to other services", _person("casework.OnwardReferral")),
    "casework.exitstep": ("Plans for the end of support", _household("casework.ExitStep")),
    "assessments.reading": ("Your star readings", _person("assessments.Reading")),
    "assessments.score": (
        "Scores in your star readings",
        _person("assessments.Score", "reading__person"),
    ),
    "budgets.budget": ("Your household budget", _household("budgets.Budget")),
    "budgets.entry": (
        "Money in and out of the budget",
        lambda p: apps.get_model("budgets.Entry").objects.filter(
            budget__household_id=p.household_id
        ),
    ),
    "budgets.spendrequest": (
        "Requests for money",
        lambda p: apps.get_model("budgets.SpendRequest").objects.filter(
            budget__household_id=p.household_id
        ),
    ),
    "budgets.receipt": (
        "Receipts kept (the files can be sent on request)",
        lambda p: apps.get_model("budgets.Receipt").objects.filter(
            request__budget__household_id=p.household_id
        ),
    ),
    "outcomes.employmentspell": ("Your work", _person("outcomes.EmploymentSpell")),
    "outcomes.outcome": ("Your outcomes", _person("outcomes.Outcome")),
    "outcomes.claimline": (
        "Claims to the funder about your outcomes",
        _person("outcomes.ClaimLine", "outcome__person"),
    ),
    "outcomes.participantpayment": (
        "Payments to you",
        _person("outcomes.ParticipantPayment", "outcome__person"),
    ),
    "privacy.retentiontombstone": (
        "Data removed at the end of the retention period",
        _household("privacy.RetentionTombstone"),
    ),
}

EXCLUDED: dict[str, str] = {
    "outcomes.readingspan": "worked out from the star readings exported above (a cache)",
    "outcomes.pointchange": "worked out from the star readings exported above (a cache)",
}


def _value(obj: Model, field: Any) -> Any:
    value = getattr(obj, field.name)
    if value is None or isinstance(value, (bool, int, float, str, list, dict)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or ""
    return str(value)


def _rows(queryset: QuerySet) -> list[dict[str, Any]]:
    fields = list(queryset.model._meta.concrete_fields)
    return [{f.name: _value(obj, f) for f in fields} for obj in queryset.order_by("pk")]


def _access_log(person: Person) -> list[dict[str, Any]]:
    """Who opened, changed or exported the person's or household's record (UK GDPR Art. 15
    recipients): the audit log's events about them, without other people's details."""
    events = AuditEvent.objects.filter(
        Q(target_type="households.person", target_id=str(person.pk))
        | Q(target_type="households.household", target_id=str(person.household_id))
    ).order_by("at", "id")
    return [
        {
            "at": e.at.isoformat(),
            "who": e.actor_label,
            # A partner their details were sent to is a recipient the person is owed the name of.
            "what": f"{e.verb} (to {e.data['organisation']})"
            if e.data.get("organisation")
            else e.verb,
        }
        for e in events
    ]


def everything_about(person: Person) -> dict[str, Any]:
    """The whole export: each section's records, and the access log."""
    sections = {
        label: {"title": title, "records": _rows(find(person))}
        for label, (title, find) in EXPORTED.items()
    }
    return {
        "made_at": timezone.now().isoformat(),
        "person": {"id": person.pk, "name": str(person)},
        "sections": sections,
        "access_log": _access_log(person),
        "left_out": EXCLUDED,
    }


def as_pdf(export: dict[str, Any], request: Any) -> bytes:
    from weasyprint import HTML

    sections = [
        {
            "title": section["title"],
            "records": [list(record.items()) for record in section["records"]],
        }
        for section in export["sections"].values()
    ]
    html = render_to_string(
        "privacy/subject_access.html",
        {"export": export, "sections": sections, "request": request},
    )
    return HTML(string=html).write_pdf()
