"""Outcomes follow the records: found with their reasons, withdrawn when they no longer hold
(flagged when claimed), evidenced and verified by someone else, claimed once."""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from pathways.assessments import services as assessments
from pathways.assessments.models import Instrument
from pathways.audit.models import AuditEvent
from pathways.casework import action_plans
from pathways.conftest import World, load_programmes
from pathways.core.exceptions import RuleError
from pathways.households.models import Household, TimelineEntry
from pathways.households.tests.factories import HouseholdFactory, PersonFactory
from pathways.outcomes.batches import recompute_programme
from pathways.outcomes.claims import make_claim
from pathways.outcomes.engine import COPY_FROM, recompute_household, recompute_once_at_the_end
from pathways.outcomes.models import Claim, ClaimLine, EmploymentSpell, Outcome
from pathways.outcomes.payments import paid_then_withdrawn, record_payment
from pathways.outcomes.spells import change_hours, correct_spell, record_spell
from pathways.outcomes.verification import record_evidence, verify

START = dt.date(2018, 4, 20)  # the world's households start then


def day(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def work(world: World, household: Household | None = None, *, first=0, last=40, hours="20"):
    household = household or world.household_k
    person = household.members.get()
    return record_spell(
        actor=world.advocate_k,
        person=person,
        employer="Acme Ltd",
        start_date=day(first),
        end_date=day(last) if last is not None else None,
        hours_per_week=Decimal(hours),
        evidence="payslip",
    )


def outcome(household: Household, kind: str) -> Outcome:
    return Outcome.objects.get(household=household, kind=kind)


@pytest.mark.django_db
def test_a_spell_of_work_makes_a_job_outcome_that_names_its_spell(world: World) -> None:
    spell = work(world)
    found = outcome(world.household_k, "job_outcome")
    assert (found.status, found.achieved_on) == ("achieved", day(27))
    assert found.basis == {"spells": [spell.pk]}
    assert "28 days in work of 16+ hours a week" in found.why
    assert not Outcome.objects.filter(kind="sustained_13").exists()  # 41 days only
    assert TimelineEntry.objects.filter(
        household=world.household_k, summary="Job outcome achieved"
    ).exists()
    assert AuditEvent.objects.filter(verb="outcome.achieved", target_id=str(found.pk)).exists()


@pytest.mark.django_db
def test_correcting_a_spell_withdraws_an_unclaimed_outcome_with_the_reason(world: World) -> None:
    spell = work(world)
    correct_spell(actor=world.advocate_k, spell=spell, end_date=day(20))
    found = outcome(world.household_k, "job_outcome")
    assert found.status == "withdrawn" and not found.reversal_due
    assert "no longer make 28 days in work" in found.withdrawn_reason
    # Corrected back: reinstated.
    correct_spell(actor=world.advocate_k, spell=spell, end_date=day(40))
    assert outcome(world.household_k, "job_outcome").status == "achieved"


@pytest.mark.django_db
def test_a_change_of_hours_is_a_new_spell_and_short_hours_do_not_count(world: World) -> None:
    spell = work(world, first=0, last=None, hours="20")
    change_hours(
        actor=world.advocate_k, spell=spell, from_date=day(10), hours_per_week=Decimal("12")
    )
    spells = list(EmploymentSpell.objects.order_by("start_date"))
    assert [(s.start_date, s.end_date, s.hours_per_week) for s in spells] == [
        (day(0), day(9), Decimal("20")),
        (day(10), None, Decimal("12")),
    ]
    assert not Outcome.objects.filter(kind="job_outcome", status="achieved").exists()


def verified_job_outcome(world: World) -> Outcome:
    work(world)
    found = outcome(world.household_k, "job_outcome")
    record_evidence(actor=world.advocate_k, outcome=found, evidence="payslip")
    return verify(actor=world.manager_k, outcome=found)


@pytest.mark.django_db
def test_nobody_verifies_their_own_evidence_or_work(world: World) -> None:
    work(world)
    found = outcome(world.household_k, "job_outcome")
    record_evidence(actor=world.manager_k, outcome=found, evidence="employer_letter")
    with pytest.raises(RuleError, match="another manager must verify"):
        verify(actor=world.manager_k, outcome=found)
    with pytest.raises(RuleError, match="Only the household's team manager"):
        verify(actor=world.manager_l, outcome=found)
    verified = verify(actor=world.programme_manager, outcome=found)
    assert verified.status == "verified" and verified.verified_by == world.programme_manager


@pytest.mark.django_db
def test_correcting_a_claimed_outcome_flags_it_for_a_reversal_in_the_next_claim(
    world: World,
) -> None:
    found = verified_job_outcome(world)
    claim = make_claim(
        actor=world.programme_manager,
        programme=world.hiw,
        funder="DWP",
        start=day(0),
        end=day(60),
    )
    assert [line.outcome for line in claim.lines.all()] == [found]
    with pytest.raises(RuleError, match="Nothing to claim"):
        make_claim(
            actor=world.programme_manager,
            programme=world.hiw,
            funder="DWP",
            start=day(0),
            end=day(60),
        )
    spell = EmploymentSpell.objects.get()
    correct_spell(actor=world.advocate_k, spell=spell, end_date=day(10))
    found.refresh_from_db()
    assert found.status == "withdrawn" and found.reversal_due
    later = make_claim(
        actor=world.programme_manager, programme=world.hiw, funder="DWP", start=day(61), end=day(90)
    )
    assert [(line.kind, line.outcome_id) for line in later.lines.all()] == [("reversal", found.pk)]
    found.refresh_from_db()
    assert not found.reversal_due


@pytest.mark.django_db(transaction=True)
def test_two_managers_claiming_at_once_never_claim_an_outcome_twice() -> None:
    from pathways.accounts.tests.factories import UserFactory
    from pathways.budgets.allocation import allocate  # noqa: F401  (the world's import path)
    from pathways.core.roles import Role
    from pathways.organisations.tests.factories import council_for

    programmes = load_programmes()
    hiw = programmes["households-into-work"]
    knowsley = council_for("E08000011")
    advocate = UserFactory(role=Role.ADVOCATE, organisation=knowsley)
    manager = UserFactory(role=Role.TEAM_MANAGER, organisation=knowsley)
    managers = [UserFactory(role=Role.PROGRAMME_MANAGER, programmes=[hiw]) for _ in range(4)]
    for _ in range(3):
        household = HouseholdFactory(programme=hiw, organisation=knowsley, advocate=advocate)
        person = PersonFactory(household=household)
        record_spell(
            actor=advocate,
            person=person,
            start_date=day(0),
            end_date=day(40),
            hours_per_week=Decimal(30),
        )
    for found in Outcome.objects.filter(kind="job_outcome"):
        record_evidence(actor=advocate, outcome=found, evidence="payslip")
        verify(actor=manager, outcome=found)

    barrier = threading.Barrier(len(managers))
    made: list[Claim] = []
    refused: list[str] = []

    def claim(user) -> None:
        try:
            barrier.wait()
            made.append(
                make_claim(actor=user, programme=hiw, funder="DWP", start=day(0), end=day(60))
            )
        except RuleError as error:
            refused.append(str(error.problems))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(user,)) for user in managers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(made) == 1 and len(refused) == len(managers) - 1
    assert ClaimLine.objects.count() == 3
    assert ClaimLine.objects.values("outcome").distinct().count() == 3


@pytest.mark.django_db
def test_amending_a_reading_withdraws_a_significant_improvement(world: World) -> None:
    person = world.household_k.members.get()
    star = Instrument.objects.get(code="progress-star")
    points = list(star.points.values_list("code", flat=True))
    assessments.record_reading(
        actor=world.advocate_k,
        person=person,
        instrument=star,
        date=day(1),
        scores=dict.fromkeys(points, (2, None)),
    )
    later = assessments.record_reading(
        actor=world.advocate_k,
        person=person,
        instrument=star,
        date=day(60),
        scores={p: (3 if i < 3 else 2, None) for i, p in enumerate(points)},
    )
    found = outcome(world.household_k, "significant_improvement")
    assert found.basis["readings"][1] == later.pk
    assert outcome(world.household_k, "progress").quantity == 3
    assessments.amend_reading(
        actor=world.advocate_k,
        reading=later,
        scores=dict.fromkeys(points, (2, None)),
        reason="Typed in the wrong column",
    )
    assert outcome(world.household_k, "significant_improvement").status == "withdrawn"
    assert outcome(world.household_k, "progress").status == "withdrawn"


@pytest.mark.django_db
def test_completing_an_activity_is_an_outcome_that_names_it(world: World) -> None:
    person = world.household_k.members.get()
    activity = action_plans.add_activity(
        actor=world.advocate_k,
        person=person,
        activity_type="course",
        title="Food hygiene",
        hours=Decimal(6),
        agreed_date=day(5),
    )
    assert not Outcome.objects.exists()
    action_plans.update_activity(
        actor=world.advocate_k, activity=activity, status="completed", completed_date=day(12)
    )
    found = outcome(world.household_k, "completed_activity")
    assert (found.achieved_on, found.basis) == (day(12), {"activities": [activity.pk]})


@pytest.mark.django_db
def test_a_change_recomputes_only_that_household(world: World) -> None:
    work(world)  # warm
    spell = EmploymentSpell.objects.get()

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            recompute_household(world.household_k)
        return len(captured)

    few = queries()
    for _ in range(5):
        other = HouseholdFactory(programme=world.hiw, organisation=world.knowsley)
        person = PersonFactory(household=other)
        record_spell(
            actor=world.advocate_k, person=person, start_date=day(0), hours_per_week=Decimal(20)
        )
    assert queries() == few
    before = {o.pk: o.changed_at for o in Outcome.objects.exclude(household=world.household_k)}
    correct_spell(actor=world.advocate_k, spell=spell, end_date=day(20))
    after = {o.pk: o.changed_at for o in Outcome.objects.exclude(household=world.household_k)}
    assert before == after


@pytest.mark.django_db
def test_many_changes_in_one_go_recompute_each_household_once_at_the_end(world: World) -> None:
    """The demo builds a household's whole story, then works out its outcomes once: the same
    outcomes as after each change, and nothing half-done if building fails."""
    with recompute_once_at_the_end():
        spell = work(world, first=0, last=40)
        correct_spell(actor=world.advocate_k, spell=spell, end_date=day(120))
        assert not Outcome.objects.exists()  # not yet: the story is still being told
    once = outcome(world.household_k, "job_outcome")
    assert recompute_household(world.household_k).unchanged >= 1
    assert outcome(world.household_k, "job_outcome").fingerprint == once.fingerprint

    with pytest.raises(ValueError, match="building failed"), recompute_once_at_the_end():
        correct_spell(actor=world.advocate_k, spell=spell, end_date=day(10))
        raise ValueError("building failed")
    spell.refresh_from_db()
    assert spell.end_date == day(120)  # the change went with the failure
    assert outcome(world.household_k, "job_outcome").fingerprint == once.fingerprint
    # Outside, each change recomputes at once again.
    correct_spell(actor=world.advocate_k, spell=spell, end_date=day(10))
    assert outcome(world.household_k, "job_outcome").status == Outcome.Status.WITHDRAWN


@pytest.mark.django_db
def test_the_command_recomputes_a_programme(world: World, capsys) -> None:
    work(world)
    Outcome.objects.all().delete()
    call_command("outcomes", "recompute", "--programme", world.hiw.code)
    assert "1 created" in capsys.readouterr().out
    assert outcome(world.household_k, "job_outcome").status == "achieved"


@pytest.mark.django_db
def test_a_whole_programme_recompute_finds_what_each_household_recompute_finds(
    world: World,
) -> None:
    """Eighty households in two batches (PostgreSQL writes them by COPY) against one at a time."""
    people = []
    for n in range(80):
        household = HouseholdFactory(programme=world.hiw, organisation=world.knowsley)
        people.append(PersonFactory(household=household))
        EmploymentSpell.objects.create(
            person=people[-1], start_date=day(n), end_date=day(n + 30 + 2 * n), hours_per_week=20
        )
    households = [p.household for p in people]

    def snapshot() -> set[tuple]:
        return {
            (o.person_id, o.kind, o.achieved_on, o.status, str(o.basis), o.fingerprint)
            for o in Outcome.objects.all()
        }

    Outcome.objects.all().delete()
    result = recompute_programme(world.hiw, batch=42)
    assert result.created >= 2 * COPY_FROM  # enough to take the bulk path
    everything = snapshot()
    assert AuditEvent.objects.filter(verb="outcome.recomputed").count() == 2  # one a batch
    Outcome.objects.all().delete()
    for household in households:
        recompute_household(household)
    assert snapshot() == everything
    again = recompute_programme(world.hiw)
    assert (again.created, again.updated, again.withdrawn) == (0, 0, 0)


@pytest.mark.django_db
def test_a_paid_outcome_is_paid_once_locked_and_listed_for_review_if_withdrawn(
    world: World,
) -> None:
    household = world.household_win  # WIN pays participants at 13 and 26 weeks
    record_spell(
        actor=world.advocate_k,
        person=household.members.get(),
        start_date=day(0),
        end_date=day(100),
        hours_per_week=Decimal(30),
    )
    found = outcome(household, "sustained_13")
    record_evidence(actor=world.advocate_k, outcome=found, evidence="payslip")
    verify(actor=world.manager_k, outcome=found)
    record_payment(actor=world.win_manager, outcome=found, paid_on=day(101))
    with pytest.raises(RuleError, match="recorded already"):
        record_payment(actor=world.win_manager, outcome=found, paid_on=day(102))
    with pytest.raises(RuleError, match="claimed or paid"):  # locked
        record_evidence(actor=world.advocate_k, outcome=found, evidence="hmrc")
    correct_spell(actor=world.advocate_k, spell=EmploymentSpell.objects.get(), end_date=day(60))
    found.refresh_from_db()
    assert found.status == "withdrawn"
    assert list(paid_then_withdrawn(world.win)) == [found]  # for the team to review


@pytest.mark.django_db(transaction=True)
def test_new_measures_recompute_the_programme_in_the_background() -> None:
    from django_tasks_db.models import DBTaskResult

    from pathways.accounts.tests.factories import UserFactory
    from pathways.core.roles import Role
    from pathways.organisations.tests.factories import council_for
    from pathways.outcomes.tasks import recompute_programme_outcomes
    from pathways.programmes import services as programmes

    hiw = load_programmes()["households-into-work"]
    knowsley = council_for("E08000011")
    advocate = UserFactory(role=Role.ADVOCATE, organisation=knowsley)
    household = HouseholdFactory(programme=hiw, organisation=knowsley, advocate=advocate)
    record_spell(
        actor=advocate,
        person=PersonFactory(household=household),
        start_date=day(0),
        end_date=day(34),  # 35 days in work
        hours_per_week=Decimal(20),
    )
    assert outcome(household, "job_outcome").status == "achieved"
    definition = hiw.definition()
    definition["measures"]["job_outcome_min_days"] = 42
    programmes.save_definition(definition=definition, actor=None, reason="Six weeks now")
    queued = DBTaskResult.objects.get(task_path__endswith="recompute_programme_outcomes")
    assert queued.args_kwargs["args"] == [hiw.pk]
    recompute_programme_outcomes.call(hiw.pk)  # what the worker does with it
    assert outcome(household, "job_outcome").status == "withdrawn"


@pytest.mark.django_db
def test_a_reversed_outcome_that_holds_again_is_claimed_again(world: World) -> None:
    found = verified_job_outcome(world)
    spell = EmploymentSpell.objects.get()

    def claim(first: int, last: int) -> list[tuple[str, int, int]]:
        made = make_claim(
            actor=world.programme_manager,
            programme=world.hiw,
            funder="DWP",
            start=day(first),
            end=day(last),
        )
        return [(line.kind, line.cycle, line.outcome_id) for line in made.lines.all()]

    assert claim(0, 60) == [("claim", 1, found.pk)]
    correct_spell(actor=world.advocate_k, spell=spell, end_date=day(10))
    assert claim(61, 90) == [("reversal", 1, found.pk)]
    correct_spell(actor=world.advocate_k, spell=spell, end_date=day(40))
    found.refresh_from_db()
    assert found.status == "evidenced"  # the evidence stands; it needs verifying again
    verify(actor=world.manager_k, outcome=found)
    assert claim(0, 90) == [("claim", 2, found.pk)]


@pytest.mark.django_db
def test_a_change_of_hours_does_not_interrupt_a_verified_outcome(world: World) -> None:
    found = verified_job_outcome(world)  # 20 hours a week, days 0 to 40
    spell = EmploymentSpell.objects.get()
    change_hours(actor=world.advocate_k, spell=spell, from_date=day(20), hours_per_week=Decimal(30))
    found.refresh_from_db()
    # It now rests on both spells, so it needs verifying again, but it was never withdrawn.
    assert (found.status, len(found.basis["spells"]), found.achieved_on) == (
        "evidenced",
        2,
        day(27),
    )
    assert not AuditEvent.objects.filter(verb="outcome.withdrawn").exists()


@pytest.mark.django_db(transaction=True)
def test_each_programme_is_queued_for_a_recompute_once_a_day() -> None:
    from django_tasks_db.models import DBTaskResult

    from pathways.outcomes.tasks import queue_daily_recomputes

    programmes = load_programmes()
    assert queue_daily_recomputes(dt.date(2026, 12, 1)) == len(programmes)
    assert queue_daily_recomputes(dt.date(2026, 12, 1)) == 0  # called again in the night
    assert queue_daily_recomputes(dt.date(2026, 12, 2)) == len(programmes)
    assert DBTaskResult.objects.count() == 2 * len(programmes)


@pytest.mark.django_db(transaction=True)
def test_two_worker_processes_find_what_one_finds() -> None:
    """The command in a process of its own (as cron or an operator runs it), with two workers."""
    import os
    import subprocess
    import sys

    from pathways.core.tests.test_jobs import database_url
    from pathways.organisations.tests.factories import council_for

    if connection.vendor != "postgresql":
        pytest.skip("worker processes are PostgreSQL's (SQLite writers queue one at a time)")
    hiw = load_programmes()["households-into-work"]
    knowsley = council_for("E08000011")
    for n in range(30):
        household = HouseholdFactory(programme=hiw, organisation=knowsley)
        EmploymentSpell.objects.create(
            person=PersonFactory(household=household),
            start_date=day(n),
            end_date=day(40 + 3 * n),
            hours_per_week=20,
        )
    one = recompute_programme(hiw, batch=7, workers=1)
    found = set(Outcome.objects.values_list("person_id", "kind", "achieved_on", "fingerprint"))
    Outcome.objects.all().delete()
    command = [sys.executable, "-m", "pathways", "outcomes", "recompute"]
    run = subprocess.run(  # noqa: S603 - our own interpreter and command
        [*command, "--programme", hiw.code, "--batch", "7", "--workers", "2"],
        env=os.environ | {"DATABASE_URL": database_url()},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert f"{one.created} created" in run.stdout and "(2 processes)" in run.stdout
    assert (
        set(Outcome.objects.values_list("person_id", "kind", "achieved_on", "fingerprint")) == found
    )
