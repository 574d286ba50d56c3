"""The age band at the household's start: the one rule the board's age table and the
evaluation extract share (programmes.md: the age on the household's start date, or the age band
recorded where there is no date of birth).

In SQL, so that a table or an extract over 200,000 people is one aggregate query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Cast

from pathways.households.codes import AgeBand
from pathways.households.models import Person

NOT_KNOWN = "not_known"


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


def age_on(day: Any) -> Any:
    """Whole years a Person has on `day` (a field path or expression), in SQL: (YYYYMMDD of the
    day - YYYYMMDD of the birth) / 10000, truncated."""
    return (DateNumber(day) - DateNumber("date_of_birth")) / 10000


AGE_AT_START = age_on("household__start_date")


def age_band_case() -> Case:
    """The band: the one recorded, else the first band the age at start reaches, else not known
    (needs `age_at_start` annotated: see `with_age_band`)."""
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


def with_age_band(people: QuerySet[Person], *, at: Any = None) -> QuerySet[Person]:
    """People annotated with `band`: their age band at their household's start (or on the day
    `at` gives instead, for people who never started)."""
    age = AGE_AT_START if at is None else age_on(at)
    return people.annotate(age_at_start=Cast(age, output_field=IntegerField())).annotate(
        band=age_band_case()
    )
