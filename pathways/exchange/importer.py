"""Importing a bundle: checked whole first (nothing written if anything is wrong), then written
in one transaction, file by file, a chunk of rows at a time.

Idempotent on the refs: a row that matches what is held changes nothing; a changed row updates
the record it refers to (and the change is audited); rows without a ref of their own (readings,
activities, spells, budget lines, onward referrals) are known by their person, date and kind and
their place among such rows. The summary says, file by file, what was created, updated and
unchanged.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from pathways.accounts.models import User
from pathways.areas.selectors import lsoas_for_postcodes
from pathways.assessments.models import Instrument, Reading, Score
from pathways.audit import services as audit
from pathways.budgets.imports import ENTRY_COLUMNS
from pathways.budgets.models import Budget, Entry
from pathways.casework.due_dates import refresh_due_dates
from pathways.casework.models import Activity, OnwardReferral
from pathways.core import bulk
from pathways.core.csvfiles import read_rows
from pathways.core.problems import ImportRefused, Problem
from pathways.core.roles import Role
from pathways.exchange import schema
from pathways.exchange.bundle import Bundle
from pathways.exchange.check import Checked, check_bundle, context_from_database
from pathways.households import rules
from pathways.households.models import Consent, Household, Person, TimelineEntry
from pathways.households.places import locate
from pathways.organisations.models import Organisation
from pathways.outcomes.models import EmploymentSpell
from pathways.privacy.models import ProcessingRecord
from pathways.privacy.services import NOTICE_BASES
from pathways.programmes.models import Programme

CHUNK = 2000
# A household's fields and the households.csv columns they come from, where the names differ.
HOUSEHOLD_COLUMNS = {
    "local_authority_id": "local_authority",
    "advocate_id": "advocate",
    "address_line_1": "x_address_line_1",
}


@dataclass
class Summary:
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    seconds: float = 0.0
    dry_run: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # seconds a step

    def add(self, name: str, what: str, n: int = 1) -> None:
        self.counts[name][what] += n

    @property
    def rows(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{name}: {c['created']:,} created, {c['updated']:,} updated, {c['unchanged']:,} unchanged"
            for name, c in self.counts.items()
        ]


def import_bundle(
    path: Path,
    *,
    actor: Any = None,
    dry_run: bool = False,
    progress: Callable[[str, str, int], None] | None = None,
    programmes: set[str] | None = None,
) -> Summary:
    """Check the bundle; if anything is wrong raise ImportRefused with every problem, having
    written nothing; otherwise write it all (or, with `dry_run`, nothing) and say what changed.

    `progress(stage, file, rows)` hears how far it has got; `programmes`, when given, are the
    only programme codes the bundle may write to (a programme manager's own).
    """
    began = time.perf_counter()
    told = progress or (lambda stage, name, rows: None)
    bundle = Bundle(path)
    try:
        checking = time.perf_counter()
        context = context_from_database()
        context.managed = programmes
        checked = check_bundle(bundle, context, told)
        checking = time.perf_counter() - checking
        if checked.problems:
            if checked.more_problems:
                checked.problems.append(
                    Problem("", 0, "", "", f"and {checked.more_problems:,} more problems")
                )
            raise ImportRefused(checked.problems)
        summary = Summary(dry_run=dry_run)
        summary.timings["check"] = checking
        with transaction.atomic():
            writer = _Writer(bundle, checked, actor, summary, told)
            writer.run()
            if dry_run:
                transaction.set_rollback(True)
        if not dry_run:
            # Outcomes are worked out from what was imported once it is in (on PostgreSQL in
            # two processes); like the nightly recompute, they follow the records.
            outcomes_began = time.perf_counter()
            from pathways.outcomes.batches import recompute_many

            for programme, ids in writer.touched_by_programme().items():
                told("Working out outcomes", "", len(ids))
                recompute_many(programme, ids)
            summary.timings["outcomes"] = time.perf_counter() - outcomes_began
    finally:
        bundle.close()
    summary.seconds = time.perf_counter() - began
    return summary


def _chunks(
    bundle: Bundle, spec: schema.FileSpec, optional: set[str]
) -> Iterator[list[tuple[int, dict]]]:
    chunk: list[tuple[int, dict]] = []
    with bundle.open(spec.name) as stream:
        for item in read_rows(
            stream, name=spec.name, required=set(spec.required), optional=optional
        ):
            if isinstance(item, Problem):  # checked already: cannot happen on the second read
                raise ImportRefused([item])
            line, cells = item
            chunk.append((line, cells))
            if len(chunk) == CHUNK:
                yield chunk
                chunk = []
    if chunk:
        yield chunk


def _values(spec: schema.FileSpec, cells: dict[str, str]) -> dict[str, Any]:
    return {c: spec.columns[c](t) if t else None for c, t in cells.items() if c in spec.columns}


class _Writer:
    def __init__(
        self, bundle: Bundle, checked: Checked, actor: Any, summary: Summary, progress: Callable
    ) -> None:
        self.bundle, self.checked, self.summary, self.progress = bundle, checked, summary, progress
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.actor_id = self.actor.pk if self.actor else None
        self.now = timezone.now()
        self.programmes = {p.code: p for p in Programme.objects.all()}
        self.councils = {
            o.local_authority_id: o
            for o in Organisation.objects.filter(type=Organisation.Type.LOCAL_AUTHORITY)
        }
        from pathways.areas.models import LocalAuthority

        self.authorities = context_from_database().local_authorities
        self.authority_ids = dict(LocalAuthority.objects.values_list("code", "pk"))
        self.advocates: dict[str, int] = {}
        for pk, username, email in User.objects.filter(role=Role.ADVOCATE).values_list(
            "pk", "username", "email"
        ):
            self.advocates[username.lower()] = pk
            if email:
                self.advocates[email.lower()] = pk
        self.instruments = {i.code: i for i in Instrument.objects.prefetch_related("points")}
        self.points = {i.pk: list(i.points.all()) for i in self.instruments.values()}
        self.household_ids: dict[str, int] = {}  # ref -> id
        self.places: dict[str, str] = {}  # postcode key -> LSOA code, for the chunk in hand
        self.household_programme: dict[int, Programme] = {}
        self.person_ids: dict[str, int] = {}
        self.person_household: dict[int, int] = {}
        self.new_people: set[int] = set()  # created by this import: nothing of theirs is held
        self.touched: set[int] = set()
        # rows without a ref of their own: how many of each (file, person, key) so far
        self._seen: Counter = Counter()

    def run(self) -> None:
        names = self.bundle.names()
        for spec, write in (
            (schema.HOUSEHOLDS, self.households),
            (schema.PEOPLE, self.people),
            (schema.STAR_READINGS, self.readings),
            (schema.ACTIVITIES, self.activities),
            (schema.EMPLOYMENT, self.employment),
            (schema.REFERRALS_OUT, self.referrals),
        ):
            if spec.name in names:
                began = time.perf_counter()
                optional = set(spec.columns) | {
                    p.code for i in self.instruments.values() for p in i.points.all()
                }
                done = 0
                for chunk in _chunks(self.bundle, spec, optional):
                    write(chunk)
                    done += len(chunk)
                    self.progress("Importing", spec.name, done)
                self.summary.timings[spec.name] = time.perf_counter() - began
        began = time.perf_counter()
        if schema.BUDGET.name in names:
            self.progress("Importing", schema.BUDGET.name, 0)
            self.budget()
        self.summary.timings["budget.csv"] = time.perf_counter() - began
        began = time.perf_counter()
        self.analyse()
        self.summary.timings["statistics"] = time.perf_counter() - began
        began = time.perf_counter()
        self.after()
        self.summary.timings["due dates"] = time.perf_counter() - began
        audit.record(
            actor=self.actor,
            verb="exchange.imported",
            data={name: dict(c) for name, c in self.summary.counts.items()},
            target_label=self.bundle.path.name,
        )

    # --- households -------------------------------------------------------------------------

    def households(self, chunk: list[tuple[int, dict]]) -> None:
        by_programme: dict[str, list[tuple[int, dict, dict]]] = defaultdict(list)
        for line, cells in chunk:
            values = _values(schema.HOUSEHOLDS, cells)
            by_programme[values["programme"]].append((line, cells, values))
        # Where the chunk's postcodes lie, looked up once (households.csv's postcode is there
        # only to place the household in its LSOA).
        self.places = lsoas_for_postcodes(
            rules.postcode_key(cells.get("postcode", "")) for _line, cells in chunk
        )
        for code, rows in by_programme.items():
            programme = self.programmes[code]
            existing = {
                h.reference: h
                for h in Household.objects.filter(
                    programme=programme, reference__in=[v["household_ref"] for _, _, v in rows]
                )
            }
            new = []
            starting: list[Household] = []  # held households this bundle starts
            for _line, cells, v in rows:
                fields = self._household_fields(programme, cells, v)
                household = existing.get(v["household_ref"])
                if household is None:
                    household = Household(
                        programme=programme, reference=v["household_ref"], **fields
                    )
                    self._status(household, programme)
                    new.append(household)
                    continue
                # Only the columns the bundle has: a missing column changes nothing.
                fields = {
                    name: value
                    for name, value in fields.items()
                    if HOUSEHOLD_COLUMNS.get(name, name) in cells
                }
                changed = {
                    name: {"before": str(getattr(household, name)), "after": str(value)}
                    for name, value in fields.items()
                    if getattr(household, name) != value
                }
                self.household_ids[household.reference] = household.pk
                self.household_programme[household.pk] = programme
                if not changed:
                    self.summary.add("households.csv", "unchanged")
                    continue
                for name, value in fields.items():
                    setattr(household, name, value)
                self._status(household, programme, set(changed))
                household.updated_at = self.now
                household.save()
                audit.record(
                    actor=self.actor,
                    verb="household.imported_change",
                    target=household,
                    programme=programme,
                    data={"changes": changed},
                )
                self.touched.add(household.pk)
                self.summary.add("households.csv", "updated")
                if "start_date" in changed and household.start_date:
                    starting.append(household)
            # A household the bundle starts gets its budget, as one started on the pages does.
            has_budget = set(
                Budget.objects.filter(household__in=starting).values_list("household_id", flat=True)
            )
            self._allocate(programme, [h for h in starting if h.pk not in has_budget])
            bulk.insert_objects(Household, new)
            self._ids_of_new(programme, new)
            self._allocate(programme, [h for h in new if h.start_date])
            bulk.insert(
                TimelineEntry,
                ("household_id", "on", "at", "kind", "summary", "actor_id"),
                (
                    (
                        h.pk,
                        h.referral_date or self.now.date(),
                        self.now,
                        "import",
                        "Imported from an exchange bundle",
                        self.actor_id,
                    )
                    for h in new
                ),
            )
            self.summary.add("households.csv", "created", len(new))

    def _household_fields(self, programme: Programme, cells: dict, v: dict) -> dict[str, Any]:
        la = (
            self.authorities.get(v["local_authority"])
            or self.authorities[v["local_authority"].lower()]
        )
        return {
            "local_authority_id": self.authority_ids[la],
            "lsoa": v.get("lsoa") or "",
            "postcode": v.get("postcode") or "",
            "referral_source": v.get("referral_source") or "",
            "referral_date": v.get("referral_date"),
            "start_date": v.get("start_date"),
            "end_date": v.get("end_date"),
            "exit_reason": v.get("exit_reason") or "",
            "advocate_id": self.advocates.get((v.get("advocate") or "").lower()),
            "income_band": v.get("income_band") or "",
            "debt_band": v.get("debt_band") or "",
            "tenure": v.get("tenure") or "",
            # Only a bundle that carries addresses changes them (an extract without names and
            # addresses leaves them as they are).
            **(
                {"address_line_1": cells["x_address_line_1"][:200]}
                if "x_address_line_1" in cells
                else {}
            ),
        }

    def _status(
        self, household: Household, programme: Programme, changed: set[str] | None = None
    ) -> None:
        """What follows from a household's row: its council, postcode key and stage. For a held
        household (`changed`: the fields the row changed) only what those changes touch, so a
        new tenure leaves a declined household declined and its team where it is."""
        if changed is None or "local_authority_id" in changed:
            council = self.councils.get(household.local_authority_id)
            household.organisation_id = council.pk if council else None
        locate(household, lsoa_given=changed is not None and "lsoa" in changed, places=self.places)
        if changed is not None and not {"start_date", "end_date"} & changed:
            return
        if household.end_date:
            household.status = Household.Status.ENDED
        elif household.start_date:
            household.status = Household.Status.STARTED
        else:
            household.status = Household.Status.REFERRED
        if household.start_date:
            household.eligibility = "eligible"
            household.allocated_on = household.allocated_on or household.start_date
            household.support_end_date = rules.support_end_date(
                household.start_date, programme.support_months
            )

    def _ids_of_new(self, programme: Programme, new: list[Household]) -> None:
        ids = dict(
            Household.objects.filter(
                programme=programme, reference__in=[h.reference for h in new]
            ).values_list("reference", "pk")
        )
        for household in new:
            household.pk = ids[household.reference]
            self.household_ids[household.reference] = household.pk
            self.household_programme[household.pk] = programme
            self.touched.add(household.pk)

    def _allocate(self, programme: Programme, started: list[Household]) -> None:
        amount = programme.budget_per_household_pence
        if amount <= 0 or not started:
            return
        bulk.insert(Budget, ("household_id", "created_at"), ((h.pk, self.now) for h in started))
        budgets = dict(
            Budget.objects.filter(household__in=[h.pk for h in started]).values_list(
                "household_id", "pk"
            )
        )
        bulk.insert(
            Entry,
            ENTRY_COLUMNS,
            (
                (
                    budgets[h.pk],
                    Entry.Kind.ALLOCATION,
                    amount,
                    h.start_date,
                    "",
                    "Household Support Budget",
                    "",
                    "",
                    None,
                    self.actor_id,
                    self.now,
                )
                for h in started
            ),
        )

    # --- people ------------------------------------------------------------------------------

    def people(self, chunk: list[tuple[int, dict]]) -> None:
        rows = [(cells, _values(schema.PEOPLE, cells)) for _, cells in chunk]
        household_ids = {self.household_ids[v["household_ref"]] for _, v in rows}
        existing = {
            (p.household_id, p.reference): p
            for p in Person.objects.filter(household_id__in=household_ids)
        }
        new, consents = [], []
        for cells, v in rows:
            household_id = self.household_ids[v["household_ref"]]
            fields = {
                "role": v["role"],
                "date_of_birth": v.get("date_of_birth"),
                "age_band": v.get("age_band") or "",
                "gender": v.get("gender") or "",
                "ethnicity": v.get("ethnicity") or "",
                "participant": v.get("participant"),
                "time_since_work": v.get("time_since_work") or "",
                "benefits": v.get("benefits") or [],
                "qualification": v.get("qualification") or "",
                "support_needs": v.get("support_needs") or [],
            }
            person = existing.get((household_id, v["person_ref"]))
            if person is None:
                given = (cells.get("x_given_name") or "Person")[:100]
                family = (cells.get("x_family_name") or v["person_ref"])[:100]
                new.append(
                    (
                        {
                            "household_id": household_id,
                            "reference": v["person_ref"],
                            "given_name": given,
                            "family_name": family,
                            "given_key": rules.name_key(given),
                            "family_key": rules.name_key(family),
                            **fields,
                        },
                        v.get("consent_date"),
                    )
                )
                continue
            self.person_ids[v["person_ref"]] = person.pk
            self.person_household[person.pk] = household_id
            fields = {name: value for name, value in fields.items() if name in cells}
            changed = {
                name: {"before": str(getattr(person, name)), "after": str(value)}
                for name, value in fields.items()
                if getattr(person, name) != value
            }
            if not changed:
                self.summary.add("people.csv", "unchanged")
                continue
            for name, value in fields.items():
                setattr(person, name, value)
            person.updated_at = self.now
            person.save()
            audit.record(
                actor=self.actor,
                verb="person.imported_change",
                target=person,
                programme=self.household_programme[household_id],
                data={"changes": changed},
            )
            self.touched.add(household_id)
            self.summary.add("people.csv", "updated")
        defaults = {
            f.attname: f.get_default() for f in Person._meta.concrete_fields if not f.primary_key
        }
        defaults.update(created_at=self.now, updated_at=self.now)
        columns = list(defaults)
        bulk.insert(
            Person,
            columns,
            (tuple({**defaults, **values}[c] for c in columns) for values, _ in new),
        )
        ids = {
            (household_id, reference): pk
            for pk, household_id, reference in Person.objects.filter(
                household_id__in={values["household_id"] for values, _ in new}
            ).values_list("pk", "household_id", "reference")
        }
        for values, consent in new:
            household_id = values["household_id"]
            pk = ids[(household_id, values["reference"])]
            self.person_ids[values["reference"]] = pk
            self.person_household[pk] = household_id
            self.new_people.add(pk)
            self.touched.add(household_id)
            if consent:
                programme = self.household_programme[household_id]
                consents.append(
                    (pk, consent, programme.privacy_notice_version, self.actor_id, self.now)
                )
        bulk.insert(
            Consent,
            ("person_id", "given_on", "notice_version", "recorded_by_id", "recorded_at"),
            consents,
        )
        # Consent to the notice brings the bases the notice states (privacy.services).
        bulk.insert(
            ProcessingRecord,
            (
                "person_id",
                "purpose",
                "lawful_basis",
                "special_condition",
                "given_on",
                "notice_version",
                "recorded_by_id",
                "recorded_at",
                "withdrawal_reason",
            ),
            [
                (pk, purpose, basis, condition, given_on, version, actor, at, "")
                for pk, given_on, version, actor, at in consents
                for purpose, (basis, condition) in NOTICE_BASES.items()
            ],
        )
        self.summary.add("people.csv", "created", len(new))

    # --- rows known by person, date and kind ---------------------------------------------------

    def _person_id(self, ref: str) -> int:
        return self.person_ids[ref]  # the check made sure people.csv has everyone

    def readings(self, chunk: list[tuple[int, dict]]) -> None:
        rows = []
        for _, cells in chunk:
            instrument = self.instruments[cells.get("instrument") or "progress-star"]
            person = self._person_id(cells["person_ref"])
            day = dt.date.fromisoformat(cells["date"])
            scores = {p.code: int(cells[p.code]) for p in self.points[instrument.pk]}
            rows.append((person, day, instrument, scores))
        existing = defaultdict(dict)
        for reading in Reading.objects.filter(
            person_id__in={r[0] for r in rows} - self.new_people, superseded=False
        ).prefetch_related("scores__point"):
            existing[(reading.person_id, reading.date, reading.instrument_id)] = {
                s.point.code: s.value for s in reading.scores.all()
            }
        new = []
        for person, day, instrument, scores in rows:
            held = existing.get((person, day, instrument.pk))
            if held is None:
                new.append((person, day, instrument, scores))
            elif held == scores:
                self.summary.add("star_readings.csv", "unchanged")
            else:
                self._amend(person, day, instrument, scores)
        bulk.insert(
            Reading,
            (
                "person_id",
                "instrument_id",
                "date",
                "present",
                "notes",
                "amendment_reason",
                "superseded",
                "recorded_by_id",
                "recorded_at",
            ),
            (
                (person, instrument.pk, day, "", "", "", False, self.actor_id, self.now)
                for person, day, instrument, _ in new
            ),
        )
        ids = {
            (person_id, instrument_id, date): pk
            for pk, person_id, instrument_id, date in Reading.objects.filter(
                person_id__in={person for person, _, _, _ in new}, superseded=False
            ).values_list("pk", "person_id", "instrument_id", "date")
        }
        bulk.insert(
            Score,
            ("reading_id", "point_id", "worker", "participant"),
            (
                (ids[(person, instrument.pk, day)], point.pk, scores[point.code], None)
                for person, day, instrument, scores in new
                for point in self.points[instrument.pk]
            ),
        )
        self.touched.update(self._households_of({r[0] for r in rows}))
        self.summary.add("star_readings.csv", "created", len(new))

    def _amend(self, person: int, day: dt.date, instrument: Instrument, scores: dict) -> None:
        from pathways.assessments import services as assessments

        reading = Reading.objects.get(
            person_id=person, date=day, instrument=instrument, superseded=False
        )
        assessments.amend_reading(
            actor=self.actor,
            reading=reading,
            scores={code: (value, None) for code, value in scores.items()},
            reason="Changed in an imported bundle",
        )
        self.summary.add("star_readings.csv", "updated")

    def _households_of(self, people: set[int]) -> set[int]:
        return {self.person_household[person] for person in people}

    def _keyed(
        self,
        name: str,
        model: Any,
        chunk: list[tuple[int, dict]],
        key_of: Callable[[dict], tuple],
        build: Callable[[int, dict, str], dict[str, Any]],
        fields: tuple[str, ...],
    ) -> None:
        """Rows without a ref: known by (person, key) and their place among equal keys, or by
        the row's `x_ref` when it has one (an exported bundle's: see `export.x_ref`)."""
        spec = next(s for s in schema.FILES if s.name == name)
        rows = []
        named: dict[int, int] = {}  # rows naming a record of this database: row -> pk
        for _, cells in chunk:
            v = _values(spec, cells)
            person = self._person_id(v["person_ref"])
            x_ref = cells.get("x_ref", "")
            if x_ref.startswith("ref:"):  # the key an earlier import gave it
                reference = x_ref[4:][:60]
            elif x_ref:
                reference = f"x:{x_ref}"[:60]
                if x_ref.startswith("id:") and x_ref[3:].isdigit():
                    named[len(rows)] = int(x_ref[3:])
            else:
                key = key_of(v)
                self._seen[(name, person, key)] += 1
                reference = f"{':'.join(str(k) for k in key)}:{self._seen[(name, person, key)]}"
                reference = reference[:60]
            rows.append((person, reference, v))
        held = model.objects.filter(person_id__in={r[0] for r in rows} - self.new_people)
        existing = {(obj.person_id, obj.reference): obj for obj in held.exclude(reference="")}
        # A record made in Pathways (no reference) is matched by its id, for its own person only.
        made_here = {obj.pk: obj for obj in held.filter(reference="", pk__in=list(named.values()))}
        for index, pk in named.items():
            person, reference, v = rows[index]
            obj = made_here.get(pk)
            if obj is not None and obj.person_id == person:
                existing[(person, reference)] = obj
        new = []
        for person, reference, v in rows:
            obj = existing.get((person, reference))
            values = build(person, v, reference)
            if obj is None:
                new.append(values)
                continue
            changed = {
                f: {"before": str(getattr(obj, f)), "after": str(values[f])}
                for f in fields
                if getattr(obj, f) != values[f]
            }
            if not changed:
                self.summary.add(name, "unchanged")
                continue
            for f in fields:
                setattr(obj, f, values[f])
            obj.save()
            audit.record(
                actor=self.actor,
                verb=f"{model._meta.model_name}.imported_change",
                target=obj,
                data={"changes": changed},
            )
            self.summary.add(name, "updated")
        # New rows as plain values over the model's defaults (no model instances: hundreds of
        # thousands of them at a programme's first import).
        defaults = {
            f.attname: f.get_default() for f in model._meta.concrete_fields if not f.primary_key
        }
        columns = list(defaults)
        bulk.insert(
            model, columns, (tuple({**defaults, **values}[c] for c in columns) for values in new)
        )
        self.touched.update(self._households_of({r[0] for r in rows}))
        self.summary.add(name, "created", len(new))

    def activities(self, chunk: list[tuple[int, dict]]) -> None:
        def build(person: int, v: dict, reference: str) -> dict[str, Any]:
            completed = v.get("completed_date")
            return {
                "person_id": person,
                "reference": reference,
                "activity_type": v["activity_type"],
                "title": v.get("title") or "",
                "hours": v.get("hours"),
                "agreed_date": v["agreed_date"],
                "completed_date": completed,
                "status": Activity.Status.COMPLETED
                if completed
                else (v.get("status") or Activity.Status.AGREED),
                "star_point": v.get("star_point") or "",
                "recorded_by_id": self.actor_id,
            }

        self._keyed(
            "activities.csv",
            Activity,
            chunk,
            lambda v: (v["agreed_date"], v["activity_type"]),
            build,
            (
                "activity_type",
                "agreed_date",
                "title",
                "hours",
                "completed_date",
                "status",
                "star_point",
            ),
        )

    def employment(self, chunk: list[tuple[int, dict]]) -> None:
        def build(person: int, v: dict, reference: str) -> dict[str, Any]:
            return {
                "person_id": person,
                "reference": reference,
                "start_date": v["start_date"],
                "end_date": v.get("end_date"),
                "hours_per_week": v["hours_per_week"],
                "employer": v.get("employer") or "",
                "self_employed": bool(v.get("self_employed")),
                "evidence": v.get("evidence") or "",
                "recorded_by_id": self.actor_id,
            }

        self._keyed(
            "employment.csv",
            EmploymentSpell,
            chunk,
            lambda v: (v["start_date"],),
            build,
            ("start_date", "end_date", "hours_per_week", "employer", "self_employed", "evidence"),
        )

    def referrals(self, chunk: list[tuple[int, dict]]) -> None:
        def build(person: int, v: dict, reference: str) -> dict[str, Any]:
            return {
                "person_id": person,
                "reference": reference,
                "date": v["date"],
                "service_type": v["service"],
                "organisation": v.get("organisation") or "",
                "status": v.get("status") or OnwardReferral.Status.MADE,
                "recorded_by_id": self.actor_id,
            }

        self._keyed(
            "referrals_out.csv",
            OnwardReferral,
            chunk,
            lambda v: (v["date"], v["service"]),
            build,
            ("date", "service_type", "organisation", "status"),
        )

    # --- the budget -----------------------------------------------------------------------------

    def budget(self) -> None:
        from pathways.budgets.imports import import_budget_csv

        by_programme: dict[str, list[str]] = defaultdict(list)
        for ref, code in self.checked.households.items():
            by_programme[code].append(ref)
        for code in by_programme:
            with self.bundle.open(schema.BUDGET.name) as stream:
                result = import_budget_csv(
                    stream,
                    programme=self.programmes[code],
                    actor=self.actor,
                    only=set(by_programme[code]),
                )
            for what in ("created", "updated", "unchanged"):
                self.summary.add("budget.csv", what, getattr(result, what))

    # --- after every file -----------------------------------------------------------------------

    ANALYSE_FROM = 50_000  # rows written, from which PostgreSQL's planner is told of them

    def analyse(self) -> None:
        """After a large import, PostgreSQL's statistics of the tables still describe them as
        they were (perhaps empty), and its plans for the due dates and outcomes that follow
        would be chosen for that: ANALYZE them (it sees this transaction's own rows)."""
        if (
            connection.vendor != "postgresql"
            or self.summary.rows < self.ANALYSE_FROM
            or self.summary.dry_run  # nothing will be kept
        ):
            return
        with connection.cursor() as cursor:
            for model in (
                Household,
                Person,
                Consent,
                ProcessingRecord,
                TimelineEntry,
                Reading,
                Score,
                Activity,
                EmploymentSpell,
                OnwardReferral,
                Budget,
                Entry,
            ):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")

    def after(self) -> None:
        """Due dates of every household the bundle touched (casework's rule, in batches)."""
        refresh_due_dates(sorted(self.touched))

    def touched_by_programme(self) -> dict[Programme, list[int]]:
        by_programme: dict[Programme, list[int]] = defaultdict(list)
        for pk in sorted(self.touched):
            programme = self.household_programme.get(pk)
            if programme is None:
                programme = Household.objects.select_related("programme").get(pk=pk).programme
                self.household_programme[pk] = programme
            by_programme[programme].append(pk)
        return by_programme
