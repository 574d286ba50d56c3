"""Consent to the privacy notice brings the lawful bases the notice states."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.dispatch import receiver

from pathways.accounts.models import Actor
from pathways.households.models import Person
from pathways.households.signals import consent_recorded
from pathways.privacy.services import record_notice_bases


@receiver(consent_recorded)
def bases_after_consent(
    sender: Any, actor: Actor, person: Person, given_on: dt.date, **kwargs: Any
) -> None:
    record_notice_bases(actor=actor, person=person, given_on=given_on)
