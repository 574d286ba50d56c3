"""Retention (UK GDPR Article 5(1)(e), storage limitation): when a household has been gone from
its programme for the programme's retention period, its identifying data is removed.

Anonymised, not deleted: the household and its people stay as rows (with their codes, bands,
dates of the programme's own events, readings' scores, outcomes and money), so every report,
claim and target already made still adds up. What goes: names, dates of birth (the age band at
the start is kept), contact details, addresses and postcodes (the LSOA is kept), every piece of
free text, and receipt files. A tombstone and an audit event say it was done, when and under
which rule, never what was removed. Running it again changes nothing.

SCRUBBED names, for each model holding data about a person, the fields cleared; KEPT names the
text fields left, and why. A test fails if a text field of such a model is in neither.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from pathways.accounts.models import Actor
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.households.codes import AgeBand
from pathways.households.models import Household, Person
from pathways.privacy.models import RetentionTombstone
from pathways.privacy.subject_access import EXPORTED
from pathways.programmes.models import Programme

GONE = {
    Household.Status.ENDED: "end_date",
    Household.Status.DECLINED: "decision_date",
    Household.Status.NOT_CONTACTED: "decision_date",
}

SCRUBBED: dict[str, tuple[str, ...]] = {
    "households.person": (
        "given_name",
        "family_name",
        "given_key",
        "family_key",
        "date_of_birth",
        "phone",
        "email",
    ),
    "households.household": (
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "postcode_key",
        "landlord",
        "eligibility_reasons",
        "eligibility_override_reason",
        "decision_reason",
    ),
    "households.referral": ("referrer_name", "referrer_contact", "notes", "sender_key"),
    "households.allocation": ("note",),
    "households.timelineentry": ("summary",),
    "privacy.processingrecord": ("withdrawal_reason",),
    "casework.contact": ("notes",),
    "casework.appointment": ("place", "purpose"),
    "casework.goal": ("description",),
    "casework.activity": ("title",),
    "casework.onwardreferral": ("notes",),
    "casework.exitstep": ("description", "onward_provision"),
    "assessments.reading": ("present", "notes", "amendment_reason"),
    "budgets.spendrequest": ("supplier", "description", "decision_reason"),
    "budgets.receipt": ("file", "original_name"),
    "outcomes.employmentspell": ("employer", "job_title"),
    "outcomes.outcome": ("evidence_note", "withdrawn_reason"),
}

CODES = "a code from a fixed list"
KEPT: dict[str, dict[str, str]] = {
    "households.person": {
        "reference": "the programme's own reference, which names no one",
        "age_band": CODES,
        "role": CODES,
        "gender": CODES,
        "ethnicity": CODES,
        "work_status": CODES,
        "time_since_work": CODES,
        "qualification": CODES,
        "benefits": "codes",
        "support_needs": "codes",
    },
    "households.household": {
        "reference": "the programme's own reference, which names no one",
        "status": CODES,
        "lsoa": "a neighbourhood of about 1,500 people, for reports by area",
        "referral_source": CODES,
        "eligibility": CODES,
        "eligibility_override": CODES,
        "exit_reason": CODES,
        "income_band": CODES,
        "debt_band": CODES,
        "tenure": CODES,
    },
    "households.referral": {
        "source": CODES,
        "referring_organisation": "an organisation's name, not a person's",
    },
    "households.consent": {"notice_version": "the privacy notice's version"},
    "households.timelineentry": {"kind": CODES},
    "privacy.processingrecord": {
        "purpose": CODES,
        "lawful_basis": CODES,
        "special_condition": CODES,
        "notice_version": "the privacy notice's version",
    },
    "casework.contact": {"method": CODES},
    "casework.appointment": {"method": CODES, "attendance": CODES},
    "casework.goal": {"star_point": CODES},
    "casework.activity": {
        "activity_type": CODES,
        "star_point": CODES,
        "owner": CODES,
        "reference": "an import key, which names no one",
        "status": CODES,
    },
    "casework.onwardreferral": {
        "service_type": CODES,
        "organisation": "the partner organisation's name, not a person's",
        "status": CODES,
        "reference": "an import key, which names no one",
    },
    "budgets.entry": {
        "kind": CODES,
        "category": CODES,
        "source_key": "an import key, which names no one",
        "supplier": "the ledger is append-only (a database trigger refuses changes): "
        "kept as the financial record, under the finance retention rule",
        "description": "the ledger is append-only: kept as the financial record",
    },
    "budgets.spendrequest": {"category": CODES, "status": CODES},
    "budgets.receipt": {"content_type": "the kind of file, such as application/pdf"},
    "outcomes.employmentspell": {
        "evidence": CODES,
        "reference": "an import key, which names no one",
    },
    "outcomes.outcome": {
        "kind": CODES,
        "status": CODES,
        "why": "worked out by the outcome rules: dates and counts, no free text",
        "basis": "the ids of the records an outcome rests on",
        "detail": "worked out by the outcome rules: dates and counts",
        "fingerprint": "a hash of the facts, for the recompute",
        "evidence": CODES,
    },
    "outcomes.claimline": {"kind": CODES},
}

REMOVED_NAME = "Removed"


@dataclass
class Applied:
    households: list[int] = field(default_factory=list)
    fields_cleared: int = 0
    files_deleted: int = 0


def cutoff(today: dt.date, years: int) -> dt.date:
    """The same day `years` earlier (28 February for 29 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def due(today: dt.date | None = None) -> QuerySet[Household]:
    """Households gone for longer than their programme's retention period, not yet done."""
    today = today or timezone.localdate()
    condition = Q()
    for programme in Programme.objects.all():
        before = cutoff(today, programme.retention_years)
        gone = Q()
        for status, date_field in GONE.items():
            gone |= Q(status=status, **{f"{date_field}__lte": before})
        condition |= Q(programme=programme) & gone
    if not condition:
        return Household.objects.none()
    return Household.objects.filter(condition, anonymised_at__isnull=True).order_by("pk")


def _age_band(person: Person, household: Household) -> str:
    if person.age_band or person.date_of_birth is None:
        return person.age_band
    age = person.age_on(household.start_date or household.referral_date or timezone.localdate())
    if age is None or age < 16:
        return ""
    for band in AgeBand.values:
        low, _, high = band.partition("-")
        if band.endswith("+") and age >= int(band[:-1]):
            return band
        if high and int(low) <= age <= int(high):
            return band
    return ""


def _rows_of(label: str, household: Household) -> QuerySet:
    """Every row of `label` belonging to the household (each member's and the household's)."""
    model = apps.get_model(label)
    rows = model.objects.none()
    for person in household.members.all():
        rows = rows | EXPORTED[label][1](person)
    if not household.members.exists():
        return model.objects.none()
    return model.objects.filter(pk__in=rows.values("pk"))


def _blank(model: Any, name: str) -> Any:
    db_field = model._meta.get_field(name)
    if db_field.get_internal_type() == "JSONField":
        return []
    if db_field.null:
        return None
    return ""


@transaction.atomic
def anonymise(household: Household, *, actor: Actor = None) -> RetentionTombstone | None:
    """Remove the household's identifying data; None if it was done already."""
    locked = Household.objects.select_for_update().get(pk=household.pk)
    if locked.anonymised_at is not None:
        return None
    left_on = getattr(locked, GONE[locked.status])
    for person in locked.members.all():
        band = _age_band(person, locked)
        if band != person.age_band:
            Person.objects.filter(pk=person.pk).update(age_band=band)
    cleared = files = 0
    for label, names in SCRUBBED.items():
        model = apps.get_model(label)
        rows = _rows_of(label, locked)
        if label == "budgets.receipt":
            for receipt in rows:
                if receipt.file:
                    receipt.file.delete(save=False)
                    files += 1
        blanks = {name: _blank(model, name) for name in names}
        if label == "households.person":
            blanks["given_name"] = REMOVED_NAME
        cleared += rows.update(**blanks) * len(names)
    now = timezone.now()
    Household.objects.filter(pk=locked.pk).update(anonymised_at=now)
    tombstone = RetentionTombstone.objects.create(
        household=locked,
        programme=locked.programme,
        left_on=left_on,
        retention_years=locked.programme.retention_years,
        anonymised_at=now,
        people=locked.members.count(),
        fields_cleared=cleared,
        files_deleted=files,
    )
    audit.record(
        actor=actor,
        verb=Verb.HOUSEHOLD_ANONYMISED,
        target=locked,
        programme=locked.programme,
        target_label=locked.reference,
        data={
            "left_on": left_on.isoformat(),
            "retention_years": tombstone.retention_years,
            "people": tombstone.people,
            "files_deleted": files,
        },
    )
    return tombstone


def apply(today: dt.date | None = None, *, actor: Actor = None) -> Applied:
    """Anonymise every household due, each in its own transaction (so a failure part-way
    keeps what was finished, and a second run carries on)."""
    applied = Applied()
    for household in due(today).iterator():
        tombstone = anonymise(household, actor=actor)
        if tombstone is not None:
            applied.households.append(household.pk)
            applied.fields_cleared += tombstone.fields_cleared
            applied.files_deleted += tombstone.files_deleted
    return applied
