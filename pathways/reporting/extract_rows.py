"""What the evaluation extract reads: who is in it, each person's facts and support received,
and their readings, outcomes and employment spells. A fixed number of aggregate queries,
whatever the size of the programme (no query per household or person)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from pathways.assessments.models import Score
from pathways.budgets.models import Category, Entry
from pathways.budgets.selectors import SPENDING
from pathways.casework.models import Activity, Contact
from pathways.households.age_bands import with_age_band
from pathways.households.codes import MemberRole
from pathways.households.models import Household, Person
from pathways.outcomes.models import EmploymentSpell, Outcome
from pathways.privacy.models import ProcessingRecord, Purpose
from pathways.privacy.services import people_shared_for
from pathways.programmes.models import Programme

NOT_STARTED = (Household.Status.REFERRED, Household.Status.DECLINED, Household.Status.NOT_CONTACTED)
SPEND_CATEGORIES = list(Category.values)

FACTS = (
    "pk",
    "household_id",
    "household__local_authority_id",
    "household__local_authority__code",
    "household__lsoa",
    "household__advocate_id",
    "role",
    "participant",
    "date_of_birth",
    "band",
    "gender",
    "ethnicity",
    "work_status",
    "time_since_work",
    "qualification",
    "benefits",
    "support_needs",
    "household__status",
    "household__referral_source",
    "household__referral_date",
    "household__start_date",
    "household__end_date",
    "household__decision_date",
    "household__exit_reason",
    "household__income_band",
    "household__debt_band",
    "household__tenure",
)


def evaluation_people(programme: Programme) -> QuerySet[Person]:
    """Who is in the extract: the programme's people with an active basis for the evaluation,
    and the comparison pool: the adults of households referred but never started who have no
    evaluation record at all. The evaluation's basis is public task and research (Article
    6(1)(e), DPA 2018 Sch. 1 para 4), not consent, so it reaches people who never consented;
    anyone whose evaluation basis was withdrawn (an objection) is left out."""
    on_programme = Person.objects.filter(household__programme=programme)
    shared = people_shared_for(Purpose.EVALUATION, on_programme)
    recorded = ProcessingRecord.objects.filter(purpose=Purpose.EVALUATION).values("person_id")
    pool = (
        on_programme.filter(household__start_date__isnull=True, household__status__in=NOT_STARTED)
        .exclude(role=MemberRole.CHILD)
        .exclude(pk__in=recorded)
    )
    return Person.objects.filter(Q(pk__in=shared.values("pk")) | Q(pk__in=pool.values("pk")))


def facts(people: QuerySet[Person]) -> list[dict[str, Any]]:
    """Each person's codes, dates and age band, one query. The band is the board's rule (age at
    the household's start), and for the comparison pool, who never started, age at referral."""
    banded = with_age_band(
        people, at=Coalesce(F("household__start_date"), F("household__referral_date"))
    )
    return list(banded.order_by("household_id", "pk").values(*FACTS))


def _by(rows: Any, key: str) -> dict[Any, dict[str, Any]]:
    return {row[key]: row for row in rows}


def support(people: QuerySet[Person]) -> dict[str, dict[Any, Any]]:
    """Support received, aggregated in the database: contacts with each household; each
    person's activities agreed and completed and the hours of those completed; each
    household's net spend by category (spends less refunds, in pence) from its ledger."""
    households = people.values("household_id")
    contacts = dict(
        Contact.objects.filter(household_id__in=households)
        .order_by()
        .values("household_id")
        .annotate(n=Count("id"))
        .values_list("household_id", "n")
    )
    activities = _by(
        Activity.objects.filter(person__in=people)
        .order_by()
        .values("person_id")
        .annotate(
            agreed=Count("id"),
            completed=Count("id", filter=Q(status=Activity.Status.COMPLETED)),
            hours=Sum("hours", filter=Q(status=Activity.Status.COMPLETED)),
        ),
        "person_id",
    )
    spend: dict[int, dict[str, int]] = defaultdict(dict)
    for household, category, total in (
        Entry.objects.filter(budget__household_id__in=households, kind__in=SPENDING)
        .order_by()
        .values("budget__household_id", "category")
        .annotate(total=Sum("amount_pence"))
        .values_list("budget__household_id", "category", "total")
    ):
        # Ledger amounts are signed by their effect on the money available: spent is negative.
        spend[household][category or Category.OTHER] = -total
    return {"contacts": contacts, "activities": activities, "spend": spend}


def support_columns(fact: dict[str, Any], held: dict[str, dict[Any, Any]]) -> list[Any]:
    """contacts, activities agreed, completed, hours, net spend per category and in all."""
    done = held["activities"].get(fact["pk"], {})
    hours = done.get("hours")
    spend = held["spend"].get(fact["household_id"], {})
    by_category = [spend.get(code, 0) for code in SPEND_CATEGORIES]
    return [
        held["contacts"].get(fact["household_id"], 0),
        done.get("agreed", 0),
        done.get("completed", 0),
        "0.0" if hours is None else str(Decimal(hours).quantize(Decimal("0.1"))),
        *by_category,
        sum(by_category),
    ]


def scores(ids: QuerySet[Person]) -> list[tuple[Any, ...]]:
    """Every current reading's scores: person, reading date, point, worker's, participant's."""
    return list(
        Score.objects.filter(reading__person__in=ids, reading__superseded=False)
        .order_by("reading__person_id", "reading__date", "point__order", "id")
        .values_list("reading__person_id", "reading__date", "point__code", "worker", "participant")
    )


def both_scores(worker: int | None, participant: int | None) -> tuple[Any, Any, str]:
    """The advocate's and the participant's score, and whether they agreed. A reading is agreed
    by the two together; only a score that differs is kept beside the other (programmes.md), so
    an empty one is the other's, agreed."""
    advocate = worker if worker is not None else participant
    own = participant if participant is not None else worker
    agreed = "yes" if advocate == own else "no"
    return ("" if advocate is None else advocate, "" if own is None else own, agreed)


def outcomes(ids: QuerySet[Person]) -> list[tuple[Any, ...]]:
    return list(
        Outcome.objects.filter(person__in=ids)
        .order_by("person_id", "achieved_on", "id")
        .values_list("person_id", "kind", "status", "achieved_on")
    )


def spells(ids: QuerySet[Person]) -> list[tuple[Any, ...]]:
    return list(
        EmploymentSpell.objects.filter(person__in=ids)
        .order_by("person_id", "start_date", "id")
        .values_list("person_id", "start_date", "end_date", "hours_per_week", "self_employed")
    )


def days_since(start: dt.date | None, day: dt.date | None) -> Any:
    return (day - start).days if start and day else ""


def months_between(start: dt.date | None, end: dt.date | None) -> Any:
    if not (start and end):
        return ""
    return (end.year - start.year) * 12 + end.month - start.month
