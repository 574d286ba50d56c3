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
    CharField,
    F,
    QuerySet,
    Value,
)
from django.db.models.fields import TextField
from django.db.models.functions import Cast, Concat

from pathways.accounts.models import User

# The age band at start is the households app's rule, shared with the evaluation extract;
# NOT_KNOWN and AGE_AT_START stay importable from here for the tables.
from pathways.households.age_bands import AGE_AT_START as AGE_AT_START
from pathways.households.age_bands import NOT_KNOWN as NOT_KNOWN
from pathways.households.age_bands import with_age_band
from pathways.households.models import Household, Person
from pathways.households.participation import participating
from pathways.programmes.models import Programme
from pathways.reporting.disclosure import DisclosureRule, publication_date


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
    advocate: User = None
    subgroup: Subgroup = field(default_factory=Subgroup)
    published: bool = False
    neighbourhood: Any = None  # an areas.Neighbourhood: households living in its LSOAs
    asked_to: dt.date | None = None  # the date asked for, where published figures moved it

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
    advocate: User = None,
    subgroup: Subgroup | None = None,
    published: bool = False,
    neighbourhood: Any = None,
) -> Scope:
    asked_to = None
    if published:  # as at the end of a publication period (disclosure.publication_date)
        shown_to = publication_date(date_to, DisclosureRule.of(programme.disclosure or {}))
        if shown_to != date_to:
            asked_to, date_to = date_to, shown_to
            if date_from is not None and date_from > date_to:
                raise ReportError(
                    f"Published figures are as at the end of a month, and the period from "
                    f"{date_from:%-d %B %Y} to {asked_to:%-d %B %Y} holds no month end"
                )
    if date_from is None:  # the programme's start (or the month end, if that came first)
        date_from = programme.start_date if asked_to is None else min(programme.start_date, date_to)
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
        asked_to=asked_to,
    )


# --- the populations every table counts --------------------------------------------------------


def started(scope: Scope) -> QuerySet[Household]:
    """Households started on or before the report date (programmes.md: "started")."""
    return scope.households.filter(start_date__isnull=False, start_date__lte=scope.date_to)


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
    return with_age_band(people).annotate(needs=needs_text())


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
