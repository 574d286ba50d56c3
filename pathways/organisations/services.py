"""Writing organisations and teams (administrators)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pathways.accounts.models import Actor
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.organisations.models import Organisation, Team


@transaction.atomic
def create_organisation(*, actor: Actor, **fields: Any) -> Organisation:
    organisation = Organisation.objects.create(**fields)
    audit.record(
        actor=actor,
        verb=Verb.ORGANISATION_CREATED,
        target=organisation,
        data={"type": organisation.type, "local_authority": organisation.local_authority_id},
    )
    return organisation


@transaction.atomic
def add_team(*, actor: Actor, organisation: Organisation, name: str) -> Team:
    team = Team.objects.create(organisation=organisation, name=name)
    audit.record(
        actor=actor, verb=Verb.TEAM_CREATED, target=team, data={"organisation": organisation.pk}
    )
    return team
