"""What a report counts: one programme's households, as far as the reader may count them, up to a
report date (`--to`), optionally narrowed to a local authority, a team, an advocate or a subgroup
of participants.

Every figure of every table starts from `Scope.households`, which comes from the one
permission-scoped path (`households_counted_for`), and uses the programme's own dates (referral,
start, completion, spell, reading), never the time a record was typed in.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any

from django.db.models import (
    Case,
    CharField,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.fields import TextField
from django.db.models.functions import Cast, Concat

from pathways.households.codes import AgeBand
from pathways.households.models import Household, Person
from pathways.households.participation import participating
from pathways.programmes.models import Programme
from pathways.reporting.disclosure import DisclosureRule

NOT_KNOWN = "not_known"


class ReportError(ValueError):
    """A report asked for something that cannot be given (the message says what)."""


@dataclass(frozen=True)
class Subgroup:
    """Participants of one gender, age band or support need (distance travelled)."""

    gender: str = ""
    age_band: str = ""
    support_need: str = ""

    def __bool__(self) -> bool:
        return bool(self.gender or self.age_band or self.support_need)

    def describe(self) -> str:
        parts = [
            f"gender {self.gender}" if self.gender else "",
            f"age band {self.age_band}" if self.age_band else "",
            f"support need {self.support_need}" if self.support_need else "",
        ]
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class Scope:
    programme: Programme
    households: QuerySet[Household]
    date_to: dt.date
    date_from: dt.date
    area: Any = None  # a LocalAuthority
    team: Any = None
    advocate: Any = None
    subgroup: Subgroup = field(default_factory=Subgroup)
    published: bool = False
    neighbourhood: Any = None  # an areas.Neighbourhood: households living in its LSOAs

    @property
    def part(self) -> bool:
        """A part of the programme (an area, team, advocate or neighbourhood), which has no
        targets of its own."""
        return any(x is not None for x in (self.area, self.team, self.advocate, self.neighbourhood))

    @property
    def rule(self) -> DisclosureRule:
        return DisclosureRule.of(self.programme.disclosure or {})

    def narrowed(self, **changes: Any) -> Scope:
        return replace(self, **changes)


def make_scope(
    programme: Programme,
    households: QuerySet[Household],
    *,
    date_to: dt.date,
    date_from: dt.date | None = None,
    area: Any = None,
    team: Any = None,
    advocate: Any = None,
    subgroup: Subgroup | None = None,
    published: bool = False,
    neighbourhood: Any = None,
) -> Scope:
    date_from = date_from or programme.start_date
    if date_from > date_to:
        raise ReportError(
            f"The period starts ({date_from:%-d %B %Y}) after it ends ({date_to:%-d %B %Y})"
        )
    households = households.filter(programme=programme)
    if area is not None:
        households = households.filter(local_authority=area)
    if team is not None:
        households = households.filter(advocate__team=team)
    if advocate is not None:
        households = households.filter(advocate=advocate)
    if neighbourhood is not None:
        households = households.filter(lsoa__in=neighbourhood.lsoas.values("code"))
    return Scope(
        programme=programme,
        households=households,
        date_to=date_to,
        date_from=date_from,
        area=area,
        team=team,
        advocate=advocate,
        subgroup=subgroup or Subgroup(),
        published=published,
        neighbourhood=neighbourhood,
    )


# --- the populations every table counts --------------------------------------------------------


def started(scope: Scope) -> QuerySet[Household]:
    """Households started on or before the report date (programmes.md: "started")."""
    return scope.households.filter(start_date__isnull=False, start_date__lte=scope.date_to)


class DateNumber(Func):
    """A date as the whole number YYYYMMDD, by each database's own function (Django's
    ExtractYear on SQLite calls back into Python for every row: 11 s at 200,000 people)."""

    output_field = IntegerField()
    arity = 1

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Each % doubled twice: once for the template, once for the query's parameters.
        return self.as_sql(
            compiler,
            connection,
            template="CAST(strftime('%%%%Y%%%%m%%%%d', %(expressions)s) AS INTEGER)",
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(to_char(%(expressions)s, 'YYYYMMDD') AS INTEGER)"
        )


def _yyyymmdd(field_name: str) -> Any:
    return DateNumber(field_name)


# The age band at the household's start, from `age_band` or else the date of birth, in SQL:
# whole years are (YYYYMMDD of the start - YYYYMMDD of the birth) / 10000, truncated.
AGE_AT_START = (_yyyymmdd("household__start_date") - _yyyymmdd("date_of_birth")) / 10000


def _age_band_case() -> Case:
    bands = []
    for band in reversed(AgeBand.values):  # oldest first: the first band the age reaches
        low = int(band.rstrip("+").split("-")[0])
        bands.append(When(age_at_start__gte=low, then=Value(band)))
    return Case(
        When(~Q(age_band=""), then=F("age_band")),
        *bands,
        default=Value(NOT_KNOWN),
        output_field=CharField(),
    )


def needs_text() -> Any:
    """support_needs as text, so that a need is found by its quoted code on both databases
    (SQLite has no JSON containment): '"parent"' is not inside '"lone_parent"'."""
    return Cast("support_needs", output_field=TextField())


def participants(scope: Scope, *, subgroup: bool = True) -> QuerySet[Person]:
    """programmes.md "Participant": a member who is not a child and whose `participant` is not
    no, of a household started on or before the report date; of the scope's subgroup unless
    `subgroup` is false. Annotated with `band` (the age band at start) and `needs` (support
    needs as text) where a subgroup needs them; `with_facts` adds them to any."""
    people = Person.objects.filter(participating(), household__in=started(scope))
    group = scope.subgroup
    if not (subgroup and group):
        return people
    people = with_facts(people)
    if group.gender:
        people = people.filter(gender=group.gender)
    if group.age_band:
        people = people.filter(band=group.age_band)
    if group.support_need:
        people = people.filter(needs__contains=f'"{group.support_need}"')
    return people


def with_facts(people: QuerySet[Person]) -> QuerySet[Person]:
    """People annotated with `band` (their age band at their household's start) and `needs`."""
    return people.annotate(age_at_start=Cast(AGE_AT_START, output_field=IntegerField())).annotate(
        band=_age_band_case(), needs=needs_text()
    )


# The finest split a dashboard needs: local authority and advocate together ("CODE:advocate id").
# Every measure counts households (or people) of one household, so any coarser split is a sum.
GRID = "local_authority_and_advocate"


def group_expression(group: str | None, to_household: str) -> Any:
    """The SQL expression a report splits by: a path from the household (`group`), the grid,
    or one group, "all"."""
    if group == GRID:
        return Concat(
            F(to_household + "local_authority__code"),
            Value(":"),
            Cast(F(to_household + "advocate_id"), output_field=CharField()),
        )
    return F(to_household + group) if group else Value("all")
