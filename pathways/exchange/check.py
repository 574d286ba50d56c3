"""Checking a bundle before anything is written: every file, every row, every cell, and the
references between files. Streams each file once, keeping only the references (household and
person refs), so memory stays small however long the files are.

Every problem is collected (up to MAX_PROBLEMS, then counted) with its file, line, column, value
and a plain-English reason, so the sender can fix them all at once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pathways.accounts.models import User
from pathways.areas.models import LocalAuthority
from pathways.assessments.models import InstrumentPoint
from pathways.budgets.imports import parse_row
from pathways.core.csvfiles import read_rows
from pathways.core.problems import Problem
from pathways.core.roles import Role
from pathways.exchange.bundle import Bundle
from pathways.exchange.schema import FILES, REQUIRED_FILES, FileSpec
from pathways.households.participation import participation_problem
from pathways.programmes.models import Programme

MAX_PROBLEMS = 1000
PROGRESS_EVERY = 5000


@dataclass
class Context:
    """What the bundle may refer to that is already in Pathways."""

    programmes: set[str]
    local_authorities: dict[str, str]  # code or lower-case name -> code
    advocates: set[str]  # login names and e-mail addresses, lower-case
    instruments: dict[str, dict[str, tuple[int, int]]]  # code -> point -> (low, high)
    existing_households: set[tuple[str, str]] = field(default_factory=set)  # (programme, ref)
    existing_people: set[str] = field(default_factory=set)
    # The programmes this user may import into (a programme manager's own); None: any.
    managed: set[str] | None = None


@dataclass
class Checked:
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0
    rows: Counter = field(default_factory=Counter)
    households: dict[str, str] = field(default_factory=dict)  # ref -> programme code
    people: dict[str, str] = field(default_factory=dict)  # person ref -> household ref
    readings: set[tuple] = field(default_factory=set)  # (person ref, date, instrument)

    def fail(self, problem: Problem) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)
        else:
            self.more_problems += 1

    @property
    def ok(self) -> bool:
        return not self.problems


def parse(
    spec: FileSpec, line: int, cells: dict[str, str], checked: Checked
) -> dict[str, Any] | None:
    """A row's cells parsed by their columns' rules; None (with its problems) if any is bad."""
    values: dict[str, Any] = {}
    good = True
    for column in spec.required:
        if not cells.get(column):
            checked.fail(Problem(spec.name, line, column, "", "is required"))
            good = False
    for column, text in cells.items():
        parser = spec.columns.get(column)
        if parser is None or not text:
            continue
        try:
            values[column] = parser(text)
        except ValueError as error:
            checked.fail(Problem(spec.name, line, column, text, str(error)))
            good = False
    return values if good else None


def check_bundle(
    bundle: Bundle, context: Context, progress: Callable[[str, str, int], None] | None = None
) -> Checked:
    """Every problem of the bundle (none: it may be imported). `progress(stage, file, rows)` is
    told how far it has got, every few thousand rows."""
    checked = Checked()
    names = bundle.names()
    for required in REQUIRED_FILES:
        if required not in names:
            checked.fail(Problem(required, 0, "", "", "is missing: every bundle needs it"))
    known = {spec.name for spec in FILES}
    for name in sorted(names - known):
        checked.fail(Problem(name, 0, "", "", "is not a file of the exchange format"))
    if not checked.ok:
        return checked
    for spec in FILES:
        if spec.name not in names:
            continue
        optional = set(spec.columns) - spec.required
        if spec.extra_columns:
            optional |= {p for points in context.instruments.values() for p in points}
        with bundle.open(spec.name) as stream:
            for item in read_rows(
                stream, name=spec.name, required=set(spec.required), optional=optional
            ):
                if isinstance(item, Problem):
                    checked.fail(item)
                    continue
                line, cells = item
                checked.rows[spec.name] += 1
                if progress and checked.rows[spec.name] % PROGRESS_EVERY == 0:
                    progress("Checking", spec.name, checked.rows[spec.name])
                values = parse(spec, line, cells, checked)
                if values is not None:
                    ROW_RULES[spec.name](line, values, cells, context, checked)
                else:
                    _known_despite_problems(spec.name, cells, checked)
    # What only the check needs is let go (the import that follows keeps `households`).
    checked.people.clear()
    checked.readings.clear()
    return checked


# --- the rules between cells and between files ------------------------------------------------


def _known_despite_problems(name: str, cells: dict, checked: Checked) -> None:
    """A household or person whose row has a bad value is still in the file: rows that refer
    to it are not reported as referring to nothing (one problem, not a cascade of them)."""
    if name == "households.csv" and cells.get("household_ref"):
        checked.households.setdefault(cells["household_ref"], cells.get("programme", ""))
    elif name == "people.csv" and cells.get("person_ref"):
        checked.people.setdefault(cells["person_ref"], cells.get("household_ref", ""))


def _households(line: int, v: dict, cells: dict, context: Context, checked: Checked) -> None:
    name = "households.csv"
    ref = v["household_ref"]
    if ref in checked.households:
        checked.fail(Problem(name, line, "household_ref", ref, "appears twice in households.csv"))
    checked.households[ref] = v["programme"]
    if v["programme"] not in context.programmes:
        checked.fail(
            Problem(name, line, "programme", v["programme"], "is not a programme in Pathways")
        )
    elif context.managed is not None and v["programme"] not in context.managed:
        checked.fail(
            Problem(
                name,
                line,
                "programme",
                v["programme"],
                "is not a programme you manage: you may import only into "
                + (", ".join(sorted(context.managed)) or "none"),
            )
        )
    la = v["local_authority"]
    if la not in context.local_authorities and la.lower() not in context.local_authorities:
        checked.fail(
            Problem(
                name,
                line,
                "local_authority",
                la,
                "is not a local authority Pathways knows (use its ONS code, like E08000012, or its name)",
            )
        )
    referral, start, end = v.get("referral_date"), v.get("start_date"), v.get("end_date")
    if referral and start and start < referral:
        checked.fail(
            Problem(name, line, "start_date", cells["start_date"], "is before the referral date")
        )
    if end and not start:
        checked.fail(
            Problem(
                name,
                line,
                "end_date",
                cells["end_date"],
                "needs a start date: support cannot end before it starts",
            )
        )
    if end and start and end < start:
        checked.fail(Problem(name, line, "end_date", cells["end_date"], "is before the start date"))
    if v.get("exit_reason") and not end:
        checked.fail(Problem(name, line, "exit_reason", cells["exit_reason"], "needs an end date"))
    advocate = v.get("advocate")
    if advocate and advocate.lower() not in context.advocates:
        checked.fail(
            Problem(
                name,
                line,
                "advocate",
                advocate,
                "is not the login name or e-mail of an advocate in Pathways",
            )
        )


def _people(line: int, v: dict, cells: dict, context: Context, checked: Checked) -> None:
    name = "people.csv"
    ref, household = v["person_ref"], v["household_ref"]
    if ref in checked.people:
        checked.fail(Problem(name, line, "person_ref", ref, "appears twice in people.csv"))
    checked.people[ref] = household
    if household not in checked.households:
        checked.fail(
            Problem(name, line, "household_ref", household, "is not a household in households.csv")
        )
    if v["role"] != "child" and not (v.get("date_of_birth") or v.get("age_band")):
        checked.fail(
            Problem(
                name, line, "date_of_birth", "", "an adult needs a date of birth or an age band"
            )
        )
    if problem := participation_problem(v["role"], v.get("participant")):
        checked.fail(Problem(name, line, "participant", cells.get("participant", ""), problem))


def _person_ref(name: str, line: int, v: dict, checked: Checked, context: Context) -> None:
    ref = v["person_ref"]
    if ref not in checked.people and ref not in context.existing_people:
        checked.fail(Problem(name, line, "person_ref", ref, "is not a person in people.csv"))


def _readings(line: int, v: dict, cells: dict, context: Context, checked: Checked) -> None:
    name = "star_readings.csv"
    _person_ref(name, line, v, checked, context)
    code = v.get("instrument") or "progress-star"
    key = (v["person_ref"], v["date"], code)
    if key in checked.readings:
        checked.fail(
            Problem(
                name,
                line,
                "date",
                cells["date"],
                f"{v['person_ref']} has another {code} reading on this date",
            )
        )
    checked.readings.add(key)
    points = context.instruments.get(code)
    if points is None:
        checked.fail(Problem(name, line, "instrument", code, "is not an instrument in Pathways"))
        return
    for point, (low, high) in points.items():
        text = cells.get(point, "")
        if not text:
            checked.fail(
                Problem(name, line, point, "", f"is required: every point of {code} is scored")
            )
            continue
        try:
            value = int(text)
        except ValueError:
            checked.fail(
                Problem(name, line, point, text, f"must be a whole number from {low} to {high}")
            )
            continue
        if not low <= value <= high:
            checked.fail(
                Problem(name, line, point, text, f"must be from {low} to {high} on {code}")
            )
    for column, text in cells.items():
        if (
            text
            and column not in points
            and column not in ("person_ref", "date", "instrument")
            and not column.startswith("x_")
        ):
            checked.fail(Problem(name, line, column, text, f"is not a point of {code}"))


def _activities(line: int, v: dict, cells: dict, context: Context, checked: Checked) -> None:
    name = "activities.csv"
    _person_ref(name, line, v, checked, context)
    if v.get("completed_date") and v["completed_date"] < v["agreed_date"]:
        checked.fail(
            Problem(
                name, line, "completed_date", cells["completed_date"], "is before the agreed date"
            )
        )
    point = v.get("star_point")
    if point and not any(point in points for points in context.instruments.values()):
        checked.fail(Problem(name, line, "star_point", point, "is not a point of any instrument"))


def _employment(line: int, v: dict, cells: dict, context: Context, checked: Checked) -> None:
    name = "employment.csv"
    _person_ref(name, line, v, checked, context)
    if v.get("end_date") and v["end_date"] < v["start_date"]:
        checked.fail(Problem(name, line, "end_date", cells["end_date"], "is before the start date"))


def _budget(line: int, v: dict, cells: dict, context: Context, checked: Checked) -> None:
    ref = v["household_ref"]
    if ref not in checked.households and (None, ref) not in context.existing_households:
        checked.fail(
            Problem(
                "budget.csv", line, "household_ref", ref, "is not a household in households.csv"
            )
        )
    parsed = parse_row(line, cells)
    if isinstance(parsed, list):
        for problem in parsed:
            checked.fail(problem)


def _referrals(line: int, v: dict, cells: dict, context: Context, checked: Checked) -> None:
    _person_ref("referrals_out.csv", line, v, checked, context)


ROW_RULES = {
    "households.csv": _households,
    "people.csv": _people,
    "star_readings.csv": _readings,
    "activities.csv": _activities,
    "employment.csv": _employment,
    "budget.csv": _budget,
    "referrals_out.csv": _referrals,
}


def context_from_database() -> Context:
    """What Pathways holds now that a bundle may refer to."""
    authorities: dict[str, str] = {}
    for code, name in LocalAuthority.objects.values_list("code", "name"):
        authorities[code] = code
        authorities[name.lower()] = code
    advocates = set()
    for username, email in User.objects.filter(role=Role.ADVOCATE, is_active=True).values_list(
        "username", "email"
    ):
        advocates.add(username.lower())
        if email:
            advocates.add(email.lower())
    instruments: dict[str, dict[str, tuple[int, int]]] = {}
    for code, point, low, high in InstrumentPoint.objects.values_list(
        "instrument__code", "code", "scale_min", "scale_max"
    ):
        instruments.setdefault(code, {})[point] = (low, high)
    return Context(
        programmes=set(Programme.objects.values_list("code", flat=True)),
        local_authorities=authorities,
        advocates=advocates,
        instruments=instruments,
    )
