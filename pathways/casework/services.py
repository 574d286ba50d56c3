"""Writing casework records. Contacts now; the casework issue adds the rest."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from pathways.audit import services as audit
from pathways.casework.models import Contact
from pathways.households.models import Household, Person, TimelineEntry
from pathways.households.rules import RuleError


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
    TimelineEntry.objects.create(
        household=household,
        on=date,
        kind="contact",
        summary=f"{contact.get_method_display()}{who}",
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
