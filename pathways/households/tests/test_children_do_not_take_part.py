"""The data migration for the one definition of a participant: children stored as taking part
(as the member form and the importer used to allow) are marked as not taking part; nobody else
changes."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps

from pathways.conftest import World
from pathways.households.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("pathways.households.migrations.0008_children_do_not_take_part")


def test_children_marked_as_taking_part_are_marked_as_not(world: World) -> None:
    household = world.household_k
    child_yes = PersonFactory(household=household, role="child", participant=True)
    child_blank = PersonFactory(household=household, role="child", participant=None)
    adult_yes = PersonFactory(household=household, role="adult", participant=True)
    adult_no = PersonFactory(household=household, role="adult", participant=False)
    assert child_yes.is_participant is False  # the rule already leaves them out
    migration.children_do_not_take_part(apps, None)
    stored = {p.pk: p.participant for p in household.members.all()}
    assert stored[child_yes.pk] is False
    assert stored[child_blank.pk] is None
    assert stored[adult_yes.pk] is True
    assert stored[adult_no.pk] is False
