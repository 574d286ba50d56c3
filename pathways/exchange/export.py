"""Exporting a programme as an exchange bundle: every record of the households a user may see.

`export_bundle(out, programme=…, households=…)` writes the format's seven files to a folder or,
when `out` ends in .zip, to a zip of them. It reads the database a file at a time in chunks
(memory stays flat as the programme grows) and writes what the importer reads, so exporting and
importing the export into an empty database gives the same records, outcomes and reports.

What the format cannot carry is left out: names, phone numbers and addresses unless `names` is
asked for (then in the extra columns of `schema.EXTRAS`), contacts and case notes, spend requests
and commitments not yet paid, claims and evidence. Star readings are the current readings (a
corrected reading's original stays behind); a household's spending is one row a day and kind of
cost (its spends less its refunds), so re-importing an export changes nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from pathways.assessments.models import Instrument, Reading, Score
from pathways.budgets.models import Entry
from pathways.casework.models import Activity, OnwardReferral
from pathways.core.money import amount_text
from pathways.exchange import schema
from pathways.households.models import Consent, Household, Person
from pathways.outcomes.models import EmploymentSpell
from pathways.programmes.models import Programme

CHUNK = 5000


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, list):
        return ";".join(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _hours(value: Any) -> str:
    """Hours without trailing zeros: 37.50 -> 37.5, 16.00 -> 16."""
    return "" if value is None else f"{value.normalize():f}"


class _Files:
    """The bundle's CSV writers, to a folder or into a zip."""

    def __init__(self, stack: ExitStack, out: Path) -> None:
        self.stack, self.out = stack, out
        self.zip = (
            stack.enter_context(zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED))
            if out.suffix == ".zip"
            else None
        )
        if self.zip is None:
            out.mkdir(parents=True, exist_ok=True)
        self.rows: dict[str, int] = {}

    def write(self, name: str, header: list[str], rows: Iterable[list[Any]]) -> None:
        handle: IO[str]
        if self.zip is not None:
            handle = io.TextIOWrapper(
                self.zip.open(name, "w", force_zip64=True), encoding="utf-8", newline=""
            )
        else:
            handle = (self.out / name).open("w", encoding="utf-8", newline="")
        count = 0
        with handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            for row in rows:
                writer.writerow([_cell(v) for v in row])
                count += 1
        self.rows[name] = count


def export_bundle(
    out: Path,
    *,
    programme: Programme,
    households: QuerySet[Household],
    names: bool = False,
) -> dict[str, int]:
    """Write the bundle of these households (already scoped to what the user may see) of the
    programme; returns the rows written to each file."""
    out = Path(out)
    households = households.filter(programme=programme)
    people = Person.objects.filter(household__in=households)
    refs = _Refs(households, people)
    with ExitStack() as stack:
        files = _Files(stack, out)
        extra = names
        files.write(
            "households.csv",
            schema.HEADERS["households.csv"][: None if extra else -1],
            _households(programme, households, extra),
        )
        files.write(
            "people.csv",
            schema.HEADERS["people.csv"][: None if extra else -2],
            _people(people, refs, extra),
        )
        instrument = Instrument.objects.filter(code=programme.instrument).first()
        points = list(instrument.points.values_list("code", flat=True)) if instrument else []
        files.write(
            "star_readings.csv",
            ["person_ref", "date", "instrument", *points],
            _readings(people, refs, instrument, points),
        )
        files.write("activities.csv", schema.HEADERS["activities.csv"], _activities(people, refs))
        files.write("employment.csv", schema.HEADERS["employment.csv"], _spells(people, refs))
        files.write("budget.csv", schema.HEADERS["budget.csv"], _budget(households, refs))
        files.write(
            "referrals_out.csv", schema.HEADERS["referrals_out.csv"], _referrals(people, refs)
        )
    return files.rows


class _Refs:
    """Household and person refs by id, for the rows that name them."""

    def __init__(self, households: QuerySet[Household], people: QuerySet[Person]) -> None:
        self.households = dict(households.values_list("pk", "reference"))
        self.people = dict(people.values_list("pk", "reference"))


def _households(programme: Programme, households: QuerySet[Household], names: bool) -> Iterator:
    rows = households.order_by("reference").values_list(
        "reference",
        "local_authority__code",
        "lsoa",
        "postcode",
        "referral_source",
        "referral_date",
        "start_date",
        "end_date",
        "exit_reason",
        "advocate__username",
        "income_band",
        "debt_band",
        "tenure",
        "address_line_1",
    )
    for row in rows.iterator(chunk_size=CHUNK):
        ref, authority, *rest, address = row
        yield [ref, programme.code, authority, *rest, *([address] if names else [])]


def _people(people: QuerySet[Person], refs: _Refs, names: bool) -> Iterator:
    # The latest consent of each person (its date is what the format carries).
    consents = dict(
        Consent.objects.filter(person__in=people)
        .order_by("person_id", "given_on", "id")
        .values_list("person_id", "given_on")
    )
    rows = people.order_by("household__reference", "reference").values_list(
        "pk",
        "reference",
        "household_id",
        "role",
        "date_of_birth",
        "age_band",
        "gender",
        "ethnicity",
        "participant",
        "time_since_work",
        "benefits",
        "qualification",
        "support_needs",
        "given_name",
        "family_name",
    )
    for pk, ref, household, *facts, given, family in rows.iterator(chunk_size=CHUNK):
        yield [
            ref,
            refs.households[household],
            *facts,
            consents.get(pk),
            *([given, family] if names else []),
        ]


def _readings(
    people: QuerySet[Person], refs: _Refs, instrument: Instrument | None, points: list[str]
) -> Iterator:
    if instrument is None:
        return
    readings = (
        Reading.objects.filter(person__in=people, instrument=instrument, superseded=False)
        .order_by("person_id", "date", "id")
        .values_list("pk", "person_id", "date")
    )
    chunk: list[tuple[int, int, Any]] = []

    def rows_of(chunk: list[tuple[int, int, Any]]) -> Iterator[list[Any]]:
        scores: dict[int, dict[str, int]] = {pk: {} for pk, _, _ in chunk}
        for reading_id, point, worker, said in Score.objects.filter(
            reading_id__in=list(scores)
        ).values_list("reading_id", "point__code", "worker", "participant"):
            value = worker if worker is not None else said
            if value is not None:
                scores[reading_id][point] = value
        for pk, person_id, date in chunk:
            yield [
                refs.people[person_id],
                date,
                instrument.code,
                *(scores[pk].get(point) for point in points),
            ]

    for reading in readings.iterator(chunk_size=CHUNK):
        chunk.append(reading)
        if len(chunk) == CHUNK:
            yield from rows_of(chunk)
            chunk = []
    yield from rows_of(chunk)


def _activities(people: QuerySet[Person], refs: _Refs) -> Iterator:
    rows = (
        Activity.objects.filter(person__in=people)
        .order_by("person_id", "agreed_date", "id")
        .values_list(
            "person_id",
            "activity_type",
            "title",
            "hours",
            "agreed_date",
            "completed_date",
            "status",
            "star_point",
        )
    )
    for person_id, kind, title, hours, *rest in rows.iterator(chunk_size=CHUNK):
        yield [refs.people[person_id], kind, title, _hours(hours), *rest]


def _spells(people: QuerySet[Person], refs: _Refs) -> Iterator:
    rows = (
        EmploymentSpell.objects.filter(person__in=people)
        .order_by("person_id", "start_date", "id")
        .values_list(
            "person_id",
            "start_date",
            "end_date",
            "hours_per_week",
            "employer",
            "self_employed",
            "evidence",
        )
    )
    for person_id, start, end, hours, *rest in rows.iterator(chunk_size=CHUNK):
        yield [refs.people[person_id], start, end, _hours(hours), *rest]


def _budget(households: QuerySet[Household], refs: _Refs) -> Iterator:
    """A household's spending: one row a day and kind of cost, spends less refunds (a spend is
    positive, a refund negative); days where they cancel out are left out."""
    rows = (
        Entry.objects.filter(
            budget__household__in=households, kind__in=[Entry.Kind.SPEND, Entry.Kind.REFUND]
        )
        .values("budget__household_id", "date", "category")
        .annotate(total=Sum("amount_pence"))
        .filter(~Q(total=0))
        .order_by("budget__household_id", "date", "category")
    )
    for row in rows.iterator(chunk_size=CHUNK):
        yield [
            refs.households[row["budget__household_id"]],
            row["date"],
            row["category"],
            amount_text(-row["total"]),
            "",
        ]


def _referrals(people: QuerySet[Person], refs: _Refs) -> Iterator:
    rows = (
        OnwardReferral.objects.filter(person__in=people)
        .order_by("person_id", "date", "id")
        .values_list("person_id", "date", "service_type", "organisation", "status")
    )
    for person_id, *rest in rows.iterator(chunk_size=CHUNK):
        yield [refs.people[person_id], *rest]


def export_name(programme: Programme) -> str:
    return f"{programme.code}-{timezone.localdate():%Y-%m-%d}.zip"
