from __future__ import annotations

import datetime as dt

import factory

from pathways.households.models import Household, Person


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    reference = factory.Sequence(lambda n: f"HH-{n:04d}")
    local_authority = factory.LazyAttribute(lambda h: h.organisation.local_authority)
    referral_date = dt.date(2018, 4, 1)
    start_date = dt.date(2018, 4, 20)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    date_of_birth = dt.date(1985, 6, 1)
    role = Person.Role.PRIMARY
