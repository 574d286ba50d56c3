"""The pseudonymised extract for a programme's evaluators (ICO anonymisation and
pseudonymisation guidance; UK GDPR Article 89 safeguards). See docs/evaluation.md.

- People, households, advocates and local authorities are known by keyed pseudonyms, narrowed
  to the evaluator's project (`privacy/pseudonyms.py`): stable across one project's extracts,
  different between projects.
- Everyone referred is in it, started or not (the comparison pool), with an active basis for
  the evaluation or, for those never started, no evaluation record at all (extract_rows.py).
- The quasi-identifiers (area, dates, age band, gender, ethnicity) pass a k-anonymity guard
  (`privacy/anonymity.py`, its rules in `privacy/coarsening.py`; k from the programme's
  `disclosure.extract_k`, 5 by default): coarsened, then withheld, then dropped, until every
  combination is shared by at least k people.
- Codes only, never free text; age bands at the start, not dates of birth; the LSOA or the
  local authority, not the postcode; dates as months, quarters or years; days since the start.

Five files in a zip: people.csv, readings.csv, outcomes.csv, employment.csv and
data_dictionary.csv (every column of every file, and the coarsening applied).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from pathways.core.tabular import csv_writer
from pathways.households.models import Household, Person
from pathways.privacy.anonymity import WITHHELD, Guarded, k_anonymise
from pathways.privacy.coarsening import STEPS, WITHHOLD, period_ladder
from pathways.privacy.pseudonyms import project_key, project_name, pseudonym, pseudonym_key
from pathways.programmes.models import Programme
from pathways.reporting import extract_rows as read
from pathways.reporting.extract_dictionary import (
    DICTIONARY,
    EMPLOYMENT_COLUMNS,
    OUTCOMES_COLUMNS,
    PEOPLE_COLUMNS,
    READINGS_COLUMNS,
    dictionary_rows,
    summary,
)

DEFAULT_K = 5
PEOPLE = list(PEOPLE_COLUMNS)
READINGS = list(READINGS_COLUMNS)
OUTCOMES = list(OUTCOMES_COLUMNS)
EMPLOYMENT = list(EMPLOYMENT_COLUMNS)


def extract_k(programme: Programme) -> int:
    """The programme's k (`disclosure.extract_k` in its definition), 5 by default."""
    return int((programme.disclosure or {}).get("extract_k", DEFAULT_K))


def quasi_identifiers(fact: dict[str, Any]) -> dict[str, tuple[str, ...]]:
    """A person's quasi-identifiers as the guard's ladders."""
    start = fact["household__start_date"]
    decided = None if start else fact["household__decision_date"]
    return {
        "area": (fact["household__lsoa"] or "", fact["household__local_authority__code"]),
        "referred": period_ladder(fact["household__referral_date"] or start),
        "started": period_ladder(start),
        "not_started_on": period_ladder(decided),
        "age_band_at_start": (fact["band"],),
        "gender": (fact["gender"] or "",),
        "ethnicity": (fact["ethnicity"] or "",),
    }


def _not_started_reason(status: str, start: dt.date | None) -> str:
    if start:
        return ""
    return "waiting" if status == Household.Status.REFERRED else status


def _participant(fact: dict[str, Any]) -> str:
    # Person.is_participant on plain values: adults unless marked no, children only if yes.
    person = Person(role=fact["role"], participant=fact["participant"])
    return "yes" if person.is_participant else "no"


@dataclass(frozen=True)
class Keys:
    key: bytes

    def of(self, kind: str, pk: int | None) -> str:
        return "" if pk is None else pseudonym(kind, pk, self.key)


def _person_row(
    fact: dict[str, Any], shown: dict[str, str], held: dict, keys: Keys, programme: str
) -> list[Any]:
    start = fact["household__start_date"]
    area_withheld = shown["area"] == WITHHELD
    return [
        keys.of("person", fact["pk"]),
        keys.of("household", fact["household_id"]),
        keys.of("advocate", fact["household__advocate_id"]),
        WITHHELD
        if area_withheld
        else keys.of("local_authority", fact["household__local_authority_id"]),
        programme,
        shown["area"],
        shown["referred"],
        shown["started"],
        shown["not_started_on"],
        _not_started_reason(fact["household__status"], start),
        shown["age_band_at_start"],
        shown["gender"],
        shown["ethnicity"],
        fact["role"],
        _participant(fact),
        fact["work_status"],
        fact["time_since_work"],
        fact["qualification"],
        ";".join(fact["benefits"] or []),
        ";".join(fact["support_needs"] or []),
        fact["household__status"],
        fact["household__referral_source"],
        fact["household__exit_reason"],
        read.months_between(start, fact["household__end_date"] or timezone.localdate())
        if start
        else "",
        fact["household__income_band"],
        fact["household__debt_band"],
        fact["household__tenure"],
        *read.support_columns(fact, held),
    ]


@dataclass
class Extract:
    """The files of one extract, and what its guard did."""

    files: dict[str, bytes]
    guard: Guarded
    project: str

    @property
    def people(self) -> int:
        return len(self.guard.kept)

    def summary(self) -> list[str]:
        return summary(self.guard)

    def described(self) -> dict[str, Any]:
        """What the audit log keeps of it: counts and codes, never a pseudonym."""
        guard = self.guard
        return {
            "people": self.people,
            "project": self.project,
            "k": guard.k,
            "coarsened": guard.steps,
            "withheld": guard.withheld,
            "dropped": guard.dropped,
        }


def _csv(header: list[str], rows: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv_writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode()


def _period(day: dt.date | None, rung: int, withheld: bool) -> str:
    if day is None:
        return ""
    return WITHHELD if withheld else period_ladder(day)[rung]


def _activity_files(
    ids: Any, starts: dict[int, dt.date | None], dated: dict[int, bool], guard: Guarded, keys: Keys
) -> dict[str, bytes]:
    """readings.csv, outcomes.csv and employment.csv for the people kept."""
    rung = min(guard.rungs.get("started", 0), 2)
    readings = [
        [
            keys.of("person", person),
            read.days_since(starts[person], day),
            point,
            *read.both_scores(worker, own),
        ]
        for person, day, point, worker, own in read.scores(ids)
        if person in starts
    ]
    outcomes = [
        [keys.of("person", person), kind, status, read.days_since(starts[person], day)]
        for person, kind, status, day in read.outcomes(ids)
        if person in starts
    ]
    employment = [
        [
            keys.of("person", person),
            _period(began, rung, not dated[person]),
            _period(ended, rung, not dated[person]),
            hours,
            "yes" if self_employed else "no",
        ]
        for person, began, ended, hours, self_employed in read.spells(ids)
        if person in starts
    ]
    return {
        "readings.csv": _csv(READINGS, readings),
        "outcomes.csv": _csv(OUTCOMES, outcomes),
        "employment.csv": _csv(EMPLOYMENT, employment),
    }


def build_extract(programme: Programme, *, project: str, key: bytes | None = None) -> Extract:
    """The extract of the programme for one evaluation project."""
    project = project_name(project)
    keys = Keys(project_key(key or pseudonym_key(), project))
    ids = Person.objects.filter(pk__in=read.evaluation_people(programme).values("pk"))
    facts = read.facts(ids)
    guard = k_anonymise(
        [quasi_identifiers(fact) for fact in facts],
        k=extract_k(programme),
        steps=STEPS,
        withhold=WITHHOLD,
    )
    held = read.support(ids)
    kept = [(facts[i], shown) for i, shown in guard.kept]
    people = [_person_row(fact, shown, held, keys, programme.code) for fact, shown in kept]
    starts = {fact["pk"]: fact["household__start_date"] for fact, _ in kept}
    dated = {fact["pk"]: shown["started"] != WITHHELD for fact, shown in kept}
    files = {
        "people.csv": _csv(PEOPLE, people),
        **_activity_files(ids, starts, dated, guard, keys),
        "data_dictionary.csv": _csv(DICTIONARY, dictionary_rows(guard)),
    }
    return Extract(files=files, guard=guard, project=project)


def write_extract(
    programme: Programme, out: Any, *, project: str, key: bytes | None = None
) -> Extract:
    """Write the zip to `out` (a path or a binary file); the extract written."""
    made = build_extract(programme, project=project, key=key)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in made.files.items():
            bundle.writestr(name, data)
    return made
