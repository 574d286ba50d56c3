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

import datetime as dt
import io
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from django.db.models import Min, QuerySet, Sum
from django.utils import timezone

from pathways.assessments.models import Instrument, Reading, Score
from pathways.budgets.models import Entry
from pathways.casework.models import Activity, OnwardReferral
from pathways.core.money import amount_text
from pathways.core.tabular import csv_writer
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


def x_ref(reference: str, pk: int) -> str:
    """The `x_ref` of a row with no ref of its own (an activity, a spell, an onward referral):
    how the importer finds its record again when the bundle comes back.

    Imported rows are known by the key they were given ("ref:2019-03-01:1": their person's date
    and kind and place when first imported, kept even if the date is corrected since), or by the
    x_ref they came with; rows made in Pathways by their id ("id:123"), which means something
    only to the database the bundle came from.
    """
    if not reference:
        return f"id:{pk}"
    if reference.startswith("x:"):
        return reference[2:]
    return f"ref:{reference}"


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
            writer = csv_writer(handle, lineterminator="\n")
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
        for name, rows in (
            ("activities.csv", _activities(people, refs)),
            ("employment.csv", _spells(people, refs)),
            ("budget.csv", _budget(households, refs)),
            ("referrals_out.csv", _referrals(people, refs)),
        ):
            files.write(name, [*schema.HEADERS[name], "x_ref"], rows)
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
        "pk", "reference", "household_id", *schema.PERSON_FACTS, "given_name", "family_name"
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
            "pk",
            "reference",
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
    for pk, reference, person_id, kind, title, hours, *rest in rows.iterator(chunk_size=CHUNK):
        yield [refs.people[person_id], kind, title, _hours(hours), *rest, x_ref(reference, pk)]


def _spells(people: QuerySet[Person], refs: _Refs) -> Iterator:
    rows = (
        EmploymentSpell.objects.filter(person__in=people)
        .order_by("person_id", "start_date", "id")
        .values_list(
            "pk",
            "reference",
            "person_id",
            "start_date",
            "end_date",
            "hours_per_week",
            "employer",
            "self_employed",
            "evidence",
        )
    )
    for pk, reference, person_id, start, end, hours, *rest in rows.iterator(chunk_size=CHUNK):
        yield [refs.people[person_id], start, end, _hours(hours), *rest, x_ref(reference, pk)]


def _budget(households: QuerySet[Household], refs: _Refs) -> Iterator:
    """A household's spending as budget.csv rows that import back as the same entries: each
    imported row as its net (its spends, refunds and corrections), and each payment or refund
    recorded in Pathways as itself, named by its entry ("entry:123")."""
    imported = (
        Entry.objects.filter(
            budget__household__in=households,
            kind__in=[Entry.Kind.SPEND, Entry.Kind.REFUND],
        )
        .exclude(source_key="")
        .values("budget__household_id", "source_key", "category")
        .annotate(total=Sum("amount_pence"), first=Min("date"))
        .exclude(total=0)
        .order_by("budget__household_id")
    )
    made_here = (
        Entry.objects.filter(
            budget__household__in=households,
            kind__in=[Entry.Kind.SPEND, Entry.Kind.REFUND],
            source_key="",
        )
        .order_by("budget__household_id", "date", "id")
        .values_list(
            "pk", "budget__household_id", "date", "category", "amount_pence", "description"
        )
    )
    rows: dict[int, list[tuple]] = defaultdict(list)
    for row in imported.iterator(chunk_size=CHUNK):
        key = row["source_key"]
        if ":x:" in key:
            day, place, x = row["first"], 0, key.split(":x:", 1)[1]
        else:  # budget.csv:REF:DATE:CATEGORY:N
            _, day_text, _, number = key.rsplit(":", 3)
            day, place, x = dt.date.fromisoformat(day_text), int(number), ""
        rows[row["budget__household_id"]].append(
            (day, place, row["category"], -row["total"], "", x)
        )
    for pk, household, day, category, amount, description in made_here.iterator(chunk_size=CHUNK):
        rows[household].append((day, 0, category, -amount, description, f"entry:{pk}"))
    for household in sorted(rows, key=refs.households.__getitem__):
        # By day, a day's spends before its refunds (a refund never precedes what it returns),
        # then each imported line in its place.
        lines = sorted(rows[household], key=lambda r: (r[0], r[3] < 0, r[1], r[2], r[5]))
        for day, _, category, amount, description, x in lines:
            yield [refs.households[household], day, category, amount_text(amount), description, x]


def _referrals(people: QuerySet[Person], refs: _Refs) -> Iterator:
    rows = (
        OnwardReferral.objects.filter(person__in=people)
        .order_by("person_id", "date", "id")
        .values_list(
            "pk", "reference", "person_id", "date", "service_type", "organisation", "status"
        )
    )
    for pk, reference, person_id, *rest in rows.iterator(chunk_size=CHUNK):
        yield [refs.people[person_id], *rest, x_ref(reference, pk)]


def export_name(programme: Programme) -> str:
    return f"{programme.code}-{timezone.localdate():%Y-%m-%d}.zip"
