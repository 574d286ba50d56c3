from __future__ import annotations

import datetime as dt

import factory

from pathways.core.postcodes import postcode_key
from pathways.households import rules
from pathways.households.models import Household, Person


class HouseholdFactory(factory.django.DjangoModelFactory):
    """A household on the programme (started), unless told otherwise."""

    class Meta:
        model = Household

    reference = factory.Sequence(lambda n: f"HH-{n:04d}")
    status = Household.Status.STARTED
    local_authority = factory.LazyAttribute(lambda h: h.organisation.local_authority)
    referral_date = dt.date(2018, 4, 1)
    start_date = dt.date(2018, 4, 20)
    allocated_on = factory.LazyAttribute(lambda h: h.start_date)
    # As casework.due_dates keeps it: no reading yet, so due from the start.
    reading_due_on = factory.LazyAttribute(
        lambda h: h.start_date if h.status == Household.Status.STARTED else None
    )
    postcode = "L36 9GD"
    postcode_key = factory.LazyAttribute(lambda h: postcode_key(h.postcode))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    # Everyone has a reference (the services and the importer give one).
    reference = factory.Sequence(lambda n: f"P-{n + 1:06d}")
    given_name = factory.Faker("first_name")
    family_name = factory.Faker("last_name")
    given_key = factory.LazyAttribute(lambda p: rules.name_key(p.given_name))
    family_key = factory.LazyAttribute(lambda p: rules.name_key(p.family_name))
    date_of_birth = dt.date(1985, 6, 1)
    role = Person.Role.PRIMARY
    work_status = "out_of_work"
