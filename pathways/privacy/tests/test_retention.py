"""Retention: a household gone longer than its programme's retention period loses its
identifying data (files too), keeps its figures, leaves an audited tombstone; running it again
changes nothing; and no text field about a person is left unconsidered."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.utils import timezone

from pathways.audit.models import AuditEvent
from pathways.budgets import receipts, spend_requests
from pathways.budgets.models import Entry, Receipt
from pathways.casework.models import Contact
from pathways.conftest import World
from pathways.core.tests.test_field_level import BORN_SHOWN, SECRETS, plant_personal_data
from pathways.households.models import Household, Person
from pathways.outcomes.models import Outcome
from pathways.outcomes.tests.test_outcome_pages import verified
from pathways.privacy import retention
from pathways.privacy.models import RetentionTombstone
from pathways.privacy.subject_access import EXCLUDED, EXPORTED, everything_about

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def end(household: Household, on: dt.date) -> None:
    Household.objects.filter(pk=household.pk).update(status="ended", end_date=on)
    household.refresh_from_db()


def test_a_household_past_its_retention_period_is_anonymised_once(world: World) -> None:
    plant_personal_data(world)
    household = world.household_k
    verified(world, household, world.advocate_k, world.manager_k)
    request = spend_requests.request_spend(
        actor=world.advocate_k, household=household, category="clothing", amount_pence=4_500
    )
    receipts.add_receipt(
        actor=world.advocate_k, request=request, upload=SimpleUploadedFile("shoes.pdf", PDF)
    )
    receipt_file = Path(Receipt.objects.get().file.path)
    assert receipt_file.exists()
    today = timezone.localdate()
    end(household, retention.cutoff(today, 6) - dt.timedelta(days=1))  # 6 years and a day
    end(world.household_l, retention.cutoff(today, 6) + dt.timedelta(days=1))  # not yet
    person = household.members.get()
    outcomes_before = list(
        Outcome.objects.filter(household=household).values_list("kind", "status")
    )
    ledger_before = list(Entry.objects.values_list("pk", "amount_pence"))

    assert list(retention.due(today)) == [household]
    applied = retention.apply(today)
    assert applied.households == [household.pk] and applied.files_deleted == 1

    # Nothing identifying is left anywhere in what is held about them.
    held = json.dumps(everything_about(Person.objects.get(pk=person.pk)))
    assert [s for s in (*SECRETS.values(), *BORN_SHOWN) if s in held] == []
    person.refresh_from_db()
    assert (person.given_name, person.family_name, person.date_of_birth) == ("Removed", "", None)
    assert person.age_band  # the age band at the start stays for the reports
    household.refresh_from_db()
    assert household.postcode == "" and household.lsoa == world.household_k.lsoa
    assert household.anonymised_at is not None
    assert not receipt_file.exists()
    assert Contact.objects.get(household=household).notes == ""
    # The figures stay: outcomes, money.
    assert list(Outcome.objects.filter(household=household).values_list("kind", "status")) == (
        outcomes_before
    )
    assert list(Entry.objects.values_list("pk", "amount_pence")) == ledger_before
    tombstone = RetentionTombstone.objects.get()
    assert (tombstone.household, tombstone.retention_years, tombstone.people) == (household, 6, 1)
    event = AuditEvent.objects.get(verb="household.anonymised")
    assert event.data["retention_years"] == 6 and SECRETS["family name"] not in str(event.data)

    # Not yet due, and running again, change nothing.
    assert Person.objects.get(household=world.household_l).given_name != "Removed"
    assert retention.apply(today).households == []
    assert AuditEvent.objects.filter(verb="household.anonymised").count() == 1
    assert RetentionTombstone.objects.count() == 1


def test_each_programme_keeps_records_for_its_own_period(world: World) -> None:
    today = timezone.localdate()
    world.hiw.retention_years = 2
    world.hiw.save()
    end(world.household_k, retention.cutoff(today, 3))
    end(world.household_win, retention.cutoff(today, 3))  # WIN keeps 6 years
    Household.objects.filter(pk=world.household_k2.pk).update(
        status="declined", decision_date=retention.cutoff(today, 3)
    )
    assert set(retention.due(today)) == {world.household_k, world.household_k2}


def test_the_command_lists_and_applies(world: World, capsys) -> None:
    today = timezone.localdate()
    end(world.household_k, retention.cutoff(today, 7))
    call_command("retention", "due")
    assert f"{world.household_k.reference} (households-into-work)" in capsys.readouterr().out
    call_command("retention", "apply")
    assert "Anonymised 1 household(s)" in capsys.readouterr().out
    call_command("retention", "apply")
    assert "Anonymised 0 household(s)" in capsys.readouterr().out
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="is not a date"):
        call_command("retention", "apply", today="last tuesday")


TEXT = (models.CharField, models.TextField, models.JSONField, models.FileField)


def test_every_text_field_about_a_person_is_scrubbed_or_kept_for_a_reason() -> None:
    unconsidered = []
    for label in [*EXPORTED, *EXCLUDED]:
        model = apps.get_model(label)
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT) and field.name != "date_of_birth":
                continue
            scrubbed = field.name in retention.SCRUBBED.get(label, ())
            kept = field.name in retention.KEPT.get(label, {})
            if scrubbed == kept:  # neither, or both
                unconsidered.append(f"{label}.{field.name}")
    assert unconsidered == []
