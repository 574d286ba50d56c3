"""The service directory, and referring a person on to a service or organisation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from pathways.accounts.models import Actor, User
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.casework.models import OnwardReferral, Service, ServiceType
from pathways.core.exceptions import RuleError
from pathways.households.models import Person, TimelineEntry
from pathways.privacy.models import Purpose
from pathways.privacy.services import people_shared_for


def _user(actor: Actor) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def may_keep_directory(user: User) -> bool:
    return getattr(user, "role", None) in ("team_manager", "programme_manager")


@transaction.atomic
def save_service(
    *, actor: Actor, service: Service | None, fields: dict[str, Any], local_authorities: Any
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
        verb=Verb.SERVICE_CREATED if created else Verb.SERVICE_CHANGED,
        target=service,
        data={k: (v if not hasattr(v, "pk") else str(v)) for k, v in fields.items()},
    )
    return service


@transaction.atomic
def record_onward_referral(
    *,
    actor: Actor,
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
        verb=Verb.ONWARD_REFERRAL_CREATED,
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
def update_onward_referral(
    *, actor: Actor, referral: OnwardReferral, status: str
) -> OnwardReferral:
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
        verb=Verb.ONWARD_REFERRAL_CHANGED,
        target=referral,
        programme=household.programme,
        data={"before": before, "after": status},
    )
    return referral


def share_with_partner(*, actor: Actor, referral: OnwardReferral) -> dict[str, Any]:
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
        verb=Verb.ONWARD_REFERRAL_SHARED,
        target=person,  # so the person's subject access answer names the recipient
        programme=household.programme,
        data={
            "referral": referral.pk,
            "organisation": referral.organisation,
            "fields": [name for name, value in details.items() if value],
        },
    )
    return details
