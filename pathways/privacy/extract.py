"""The pseudonymised extract for a programme's evaluators (ICO anonymisation and
pseudonymisation guidance; UK GDPR Article 89 safeguards).

- People and households are known by keyed pseudonyms: HMAC-SHA256 under a key that stays on
  the server (PATHWAYS_PSEUDONYM_KEY, or var/pseudonym_key made once). The same person has the
  same pseudonym in every extract, so waves can be linked; without the key nobody can go from a
  pseudonym back to a record, or test a guess.
- Age bands at the start, not dates of birth; the LSOA, not the postcode or address; months
  and days since the start, not dates; codes only, never free text (no notes, titles,
  employers, reasons typed by hand), no names, references or contact details.
- Only people with an active basis for the evaluation purpose are in it.

Three CSV files in a zip: people.csv, readings.csv and outcomes.csv.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import secrets
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from pathways.assessments.models import Score
from pathways.core.env import kept_key
from pathways.core.tabular import csv_writer
from pathways.households.models import Household, Person
from pathways.outcomes.models import Outcome
from pathways.privacy.models import Purpose
from pathways.privacy.services import people_shared_for
from pathways.programmes.models import Programme

AGE_BANDS = [(16, 24), (25, 34), (35, 49), (50, 64)]

PEOPLE = [
    "person",
    "household",
    "programme",
    "local_authority",
    "lsoa",
    "role",
    "participant",
    "age_band_at_start",
    "gender",
    "ethnicity",
    "work_status",
    "time_since_work",
    "qualification",
    "benefits",
    "support_needs",
    "household_status",
    "start_month",
    "months_supported",
    "income_band",
    "debt_band",
    "tenure",
]
READINGS = ["person", "days_since_start", "point", "worker", "participant"]
OUTCOMES = ["person", "outcome", "status", "days_since_start"]


def pseudonym_key() -> bytes:
    """The key, from PATHWAYS_PSEUDONYM_KEY or made once into var/ (readable by its owner)."""
    given = os.environ.get("PATHWAYS_PSEUDONYM_KEY")
    if given:
        return given.encode()
    return kept_key(Path(settings.VAR_DIR) / "pseudonym_key", secrets.token_urlsafe(48)).encode()


def pseudonym(kind: str, pk: int, key: bytes) -> str:
    return hmac.new(key, f"{kind}:{pk}".encode(), hashlib.sha256).hexdigest()[:24]


def age_band(age: int | None) -> str:
    if age is None:
        return ""
    for low, high in AGE_BANDS:
        if low <= age <= high:
            return f"{low}-{high}"
    return "65+" if age >= 65 else "under 16"


def _months(start: Any, end: Any) -> str:
    if not (start and end):
        return ""
    return str((end.year - start.year) * 12 + end.month - start.month)


def _rows(people: QuerySet[Person], key: bytes) -> Iterable[list[Any]]:
    today = timezone.localdate()
    for person in people.select_related(
        "household__programme", "household__local_authority"
    ).order_by("household_id", "id"):
        household: Household = person.household
        start = household.start_date
        yield [
            pseudonym("person", person.pk, key),
            pseudonym("household", household.pk, key),
            household.programme.code,
            household.local_authority.code,
            household.lsoa,
            person.role,
            "yes" if person.is_participant else "no",
            age_band(person.age_on(start)) if start else (person.age_band or ""),
            person.gender,
            person.ethnicity,
            person.work_status,
            person.time_since_work,
            person.qualification,
            ";".join(person.benefits or []),
            ";".join(person.support_needs or []),
            household.status,
            f"{start:%Y-%m}" if start else "",
            _months(start, household.end_date or today) if start else "",
            household.income_band,
            household.debt_band,
            household.tenure,
        ]


def _reading_rows(people: QuerySet[Person], key: bytes) -> Iterable[list[Any]]:
    scores = (
        Score.objects.filter(reading__person__in=people, reading__superseded=False)
        .select_related("reading__person__household", "point")
        .order_by("reading__person_id", "reading__date", "point__order", "id")
    )
    for score in scores.iterator(chunk_size=5000):
        reading = score.reading
        start = reading.person.household.start_date
        yield [
            pseudonym("person", reading.person_id, key),
            (reading.date - start).days if start else "",
            score.point.code,
            "" if score.worker is None else score.worker,
            "" if score.participant is None else score.participant,
        ]


def _outcome_rows(people: QuerySet[Person], key: bytes) -> Iterable[list[Any]]:
    outcomes = (
        Outcome.objects.filter(person__in=people)
        .select_related("household")
        .order_by("person_id", "achieved_on", "id")
    )
    for outcome in outcomes.iterator(chunk_size=5000):
        start = outcome.household.start_date
        yield [
            pseudonym("person", outcome.person_id, key),
            outcome.kind,
            outcome.status,
            (outcome.achieved_on - start).days if start else "",
        ]


def _csv(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def evaluation_people(programme: Programme) -> QuerySet[Person]:
    """The programme's people with an active basis for the evaluation."""
    return people_shared_for(
        Purpose.EVALUATION, Person.objects.filter(household__programme=programme)
    ).distinct()


def write_extract(programme: Programme, out: Any, key: bytes | None = None) -> int:
    """Write the zip to `out` (a path or a binary file); the number of people in it."""
    key = key or pseudonym_key()
    people = evaluation_people(programme)
    ids = Person.objects.filter(pk__in=people.values("pk"))
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("people.csv", _csv(PEOPLE, _rows(ids, key)))
        bundle.writestr("readings.csv", _csv(READINGS, _reading_rows(ids, key)))
        bundle.writestr("outcomes.csv", _csv(OUTCOMES, _outcome_rows(ids, key)))
    return ids.count()
