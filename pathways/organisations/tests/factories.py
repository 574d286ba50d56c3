from __future__ import annotations

import factory

from pathways.areas.models import LocalAuthority
from pathways.organisations.models import Organisation, Team


def council_for(code: str) -> Organisation:
    la = LocalAuthority.objects.get(code=code)
    return Organisation.objects.get_or_create(
        name=f"{la.name} Council",
        defaults={"type": Organisation.Type.LOCAL_AUTHORITY, "local_authority": la},
    )[0]


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    type = Organisation.Type.THIRD_SECTOR


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Team {n}")
