"""Progress measures as outcomes: the latest reading at least the programme's
`progress_measure_min_days` after the first (two readings on one day are none); *Why?* names the
star points as the instrument does, never by their codes; and the evidence offered for an
outcome fits its kind (the star readings for a star measure, a payslip for a job)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from pathways.assessments import services as assessments
from pathways.assessments.models import Instrument
from pathways.conftest import World
from pathways.core.exceptions import RuleError
from pathways.households.models import Person
from pathways.outcomes import rules
from pathways.outcomes.engine import recompute_household
from pathways.outcomes.models import Outcome
from pathways.outcomes.spells import record_spell
from pathways.outcomes.verification import record_evidence, verify

pytestmark = pytest.mark.django_db

START = dt.date(2018, 4, 20)  # the world's households start then
M = rules.Measures()


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def read(world: World, person: Person, on: dt.date, **raised: int) -> None:
    """A reading of 2 on every point, or the score given for a point."""
    star = Instrument.objects.get(code="progress-star")
    codes = star.points.filter(kind="scale").values_list("code", flat=True)
    assessments.record_reading(
        actor=world.advocate_k,
        person=person,
        instrument=star,
        date=on,
        scores={code: (raised.get(code, 2), None) for code in codes},
    )


def found(person: Person, kind: str) -> Outcome | None:
    return Outcome.objects.filter(person=person, kind=kind).exclude(status="withdrawn").first()


def test_the_rule_needs_the_least_days_only_when_asked() -> None:
    first = rules.ReadingFacts(1, day(0), {"money": 2})
    same_day = rules.ReadingFacts(2, day(0), {"money": 4})
    report = day(100)
    assert M.progress_min_days == 28  # programmes.md's interval for outcomes, by default
    assert rules.progress_measures([first, same_day], report_date=report).quantity == 1
    assert rules.progress_measures([first, same_day], report_date=report, min_days=28) is None
    later = rules.ReadingFacts(3, day(28), {"money": 4})
    sooner = rules.ReadingFacts(4, day(27), {"money": 4})
    assert rules.progress_measures([first, later], report_date=report, min_days=28)
    assert rules.progress_measures([first, sooner], report_date=report, min_days=28) is None


def test_two_readings_on_one_day_make_no_progress_measure_outcome(world: World) -> None:
    person = world.household_k.members.get()
    read(world, person, day(3))
    read(world, person, day(3), money=4, emotional_wellbeing=3)
    assert found(person, Outcome.Kind.PROGRESS) is None
    # The programme may ask for no interval at all (programmes.md: Table 6 needs none).
    world.hiw.measures = {**world.hiw.measures, "progress_measure_min_days": 0}
    world.hiw.save()
    recompute_household(world.household_k)
    assert found(person, Outcome.Kind.PROGRESS).quantity == 2


def test_a_reading_the_least_days_after_the_first_makes_one(world: World) -> None:
    person = world.household_k.members.get()
    read(world, person, day(3))
    read(world, person, day(30), money=3)
    assert found(person, Outcome.Kind.PROGRESS) is None  # 27 days
    read(world, person, day(31), money=3)
    assert found(person, Outcome.Kind.PROGRESS).achieved_on == day(31)


def test_why_names_the_star_points_as_the_instrument_does(world: World) -> None:
    person = world.household_k.members.get()
    read(world, person, day(3))
    read(world, person, day(40), emotional_wellbeing=4, self_esteem=3)
    progress = found(person, Outcome.Kind.PROGRESS)
    assert progress.why == (
        "Higher on Feelings and mood, Confidence on 30 May 2018 than on 23 April 2018"
    )
    improvement = found(person, Outcome.Kind.SIGNIFICANT_IMPROVEMENT)
    assert "up 2 or more on Feelings and mood" in improvement.why
    for outcome in (progress, improvement):
        assert "emotional_wellbeing" not in outcome.why and "self_esteem" not in outcome.why


def _choices(client, outcome: Outcome) -> list[str]:
    page = client.get(reverse("outcomes:outcome", args=[outcome.household_id, outcome.pk]))
    return [value for value, _ in page.context["evidence_form"].fields["evidence"].choices]


def test_the_evidence_offered_fits_the_outcome(world: World, signed_in) -> None:
    person = world.household_k.members.get()
    read(world, person, day(3))
    read(world, person, day(40), money=4)
    record_spell(
        actor=world.advocate_k,
        person=person,
        start_date=day(0),
        end_date=day(40),
        hours_per_week=Decimal(20),
    )
    client = signed_in(world.advocate_k)
    progress = found(person, Outcome.Kind.PROGRESS)
    job = found(person, Outcome.Kind.JOB_OUTCOME)
    assert _choices(client, progress) == ["star_readings", "other"]
    assert "payslip" in _choices(client, job) and "star_readings" not in _choices(client, job)
    page = client.get(reverse("outcomes:outcome", args=[person.household_id, progress.pk]))
    assert "Payslip" not in page.content.decode()
    # The service has the last word, for the API too.
    with pytest.raises(RuleError) as refused:
        record_evidence(actor=world.advocate_k, outcome=progress, evidence="payslip")
    assert refused.value.problems == {
        "evidence": "Choose the evidence held: for progress measures, the star readings, agreed "
        "with the participant or other"
    }
    answer = client.post(
        f"/api/outcomes/{job.pk}/evidence/",
        {"evidence": "star_readings"},
        content_type="application/json",
    )
    assert answer.status_code == 400 and "evidence" in answer.json()
    posted = client.post(
        reverse("outcomes:evidence", args=[person.household_id, progress.pk]),
        {"evidence": "star_readings", "note": "First and latest readings"},
    )
    assert posted.status_code == 302
    progress.refresh_from_db()
    assert (progress.status, progress.evidence) == ("evidenced", "star_readings")


def test_a_verified_outcome_only_reworded_stays_verified(world: World, signed_in) -> None:
    """Outcomes found before the points were named keep their verification when the words of
    why change and nothing they rest on does; a changed record still needs verifying again."""
    person = world.household_k.members.get()
    read(world, person, day(3))
    read(world, person, day(40), emotional_wellbeing=4, self_esteem=3)
    improvement = found(person, Outcome.Kind.SIGNIFICANT_IMPROVEMENT)
    record_evidence(actor=world.advocate_k, outcome=improvement, evidence="star_readings")
    verify(actor=world.manager_k, outcome=improvement)
    words = improvement.why
    Outcome.objects.filter(pk=improvement.pk).update(
        why=words.replace("Feelings and mood", "emotional_wellbeing"), fingerprint="as before"
    )
    recompute_household(world.household_k)
    improvement.refresh_from_db()
    assert (improvement.status, improvement.why) == ("verified", words)
    read(world, person, day(50), emotional_wellbeing=5, self_esteem=3)
    improvement.refresh_from_db()
    assert improvement.status == "evidenced"
