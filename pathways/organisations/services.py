"""Writing organisations and teams (administrators)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pathways.audit import services as audit
from pathways.organisations.models import Organisation, Team


@transaction.atomic
def create_organisation(*, actor: Any, **fields: Any) -> Organisation:
    organisation = Organisation.objects.create(**fields)
    audit.record(
        actor=actor,
        verb="organisation.created",
        target=organisation,
        data={"type": organisation.type, "local_authority": organisation.local_authority_id},
    )
    return organisation


@transaction.atomic
def add_team(*, actor: Any, organisation: Organisation, name: str) -> Team:
    team = Team.objects.create(organisation=organisation, name=name)
    audit.record(
        actor=actor, verb="team.created", target=team, data={"organisation": organisation.pk}
    )
    return team
