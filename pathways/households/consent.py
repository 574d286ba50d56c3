"""Consent to the programme's privacy notice, which every adult participant gives before the
start."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from pathways.accounts.models import Actor
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.exceptions import RuleError
from pathways.households import signals, writing
from pathways.households.codes import ADULT_ROLES
from pathways.households.models import Consent, Household, Person


def people_needing_consent(household: Household) -> list[Person]:
    """Adult participants still in the household without a recorded consent."""
    return [
        person
        for person in household.members.prefetch_related("consents")
        if person.left_on is None
        and person.is_participant
        and person.role in ADULT_ROLES
        and not person.consents.all()
    ]


@transaction.atomic
def record_consent(*, actor: Actor, person: Person, given_on: dt.date) -> Consent:
    """Record that a person consented to the programme's current privacy notice."""
    today = writing.today()
    if given_on > today:
        raise RuleError({"given_on": "The date of consent must be today or in the past"})
    if person.date_of_birth and given_on < person.date_of_birth:
        raise RuleError({"given_on": "The date of consent must be after their date of birth"})
    household = person.household
    consent = Consent.objects.create(
        person=person,
        given_on=given_on,
        notice_version=household.programme.privacy_notice_version,
        recorded_by=writing.actor_of(actor),
    )
    writing.note(
        household,
        "consent",
        f"{person} consented to the privacy notice (version {consent.notice_version})",
        actor,
        given_on,
    )
    audit.record(
        actor=actor,
        verb=Verb.PERSON_CONSENT_RECORDED,
        target=person,
        programme=household.programme,
        data={"given_on": given_on.isoformat(), "notice_version": consent.notice_version},
    )
    signals.consent_recorded.send(sender=Consent, actor=actor, person=person, given_on=given_on)
    return consent
