"""Readings on an instrument, their corrections, action plans, and the caseload flags they
raise on the day they should (time frozen)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from pathways.assessments import services
from pathways.assessments.models import Instrument, Reading
from pathways.audit.models import AuditEvent
from pathways.casework import action_plans
from pathways.casework.due_dates import refresh_household_due_dates
from pathways.casework.models import Activity
from pathways.conftest import World
from pathways.core.exceptions import RuleError
from pathways.households import selectors

pytestmark = pytest.mark.django_db

STAR = (
    "stability",
    "money",
    "physical_health",
    "emotional_wellbeing",
    "family",
    "self_esteem",
    "skills",
    "work",
)


def all_points(score: int = 3, **overrides: int) -> dict[str, tuple[int | None, int | None]]:
    scores = dict.fromkeys(STAR, (score, None))
    scores.update({code: (value, None) for code, value in overrides.items()})
    return scores


def star() -> Instrument:
    return Instrument.objects.get(code="progress-star")


def test_the_shipped_instruments_are_data(world: World) -> None:
    progress = star()
    assert [p.code for p in progress.points.all()] == list(STAR)
    assert all(len(p.steps) == 5 for p in progress.points.all())
    insight = Instrument.objects.get(code="streets-ahead-insight")
    kinds = {(p.kind, p.scale_min, p.scale_max) for p in insight.points.all()}
    assert kinds == {("scale", 0, 10), ("yes_no", 0, 1)}


@pytest.mark.parametrize(
    ("definition", "field"),
    [
        ({"code": "tiny", "name": "Tiny", "points": [{"code": "a"}] * 1}, "points"),
        (
            {
                "code": "odd",
                "name": "Odd",
                "scale_min": 2,
                "scale_max": 7,
                "points": [{"code": c} for c in "abcde"],
            },
            "points[0].scale",
        ),
        ({"code": "Bad Code", "name": "X", "points": [{"code": c} for c in "abcde"]}, "code"),
        ({"code": "twice", "name": "X", "points": [{"code": "a"}] * 5}, "points[1].code"),
    ],
)
def test_a_bad_instrument_definition_is_refused_naming_the_field(
    world: World, definition, field
) -> None:
    with pytest.raises(RuleError) as refused:
        services.save_instrument(definition=definition, actor=world.programme_manager)
    assert field in refused.value.problems


def test_a_reading_with_a_missing_point_or_a_six_is_refused(world: World) -> None:
    person = world.household_k.members.get()
    scores = all_points()
    del scores["money"]
    with pytest.raises(RuleError) as refused:
        services.record_reading(
            actor=world.advocate_k,
            person=person,
            instrument=star(),
            date=dt.date(2026, 1, 5),
            scores=scores,
        )
    assert refused.value.problems == {"money": "Score Money (from 1 to 5)"}
    with pytest.raises(RuleError) as refused:
        services.record_reading(
            actor=world.advocate_k,
            person=person,
            instrument=star(),
            date=dt.date(2026, 1, 5),
            scores=all_points(work=6),
        )
    assert refused.value.problems == {
        "work": "The worker's score for Work must be from 1 to 5, not 6"
    }
    assert not Reading.objects.exists()


def test_both_scores_are_kept_and_the_workers_is_used(world: World) -> None:
    person = world.household_k.members.get()
    scores = all_points()
    scores["money"] = (2, 4)
    reading = services.record_reading(
        actor=world.advocate_k,
        person=person,
        instrument=star(),
        date=dt.date(2026, 1, 5),
        scores=scores,
    )
    money = reading.scores.get(point__code="money")
    assert (money.worker, money.participant, money.value) == (2, 4, 2)


def test_an_amendment_keeps_the_original(world: World, signed_in) -> None:
    person = world.household_k.members.get()
    original = services.record_reading(
        actor=world.advocate_k,
        person=person,
        instrument=star(),
        date=dt.date(2026, 1, 5),
        scores=all_points(money=1),
    )
    with pytest.raises(RuleError):
        services.amend_reading(
            actor=world.advocate_k, reading=original, scores=all_points(money=2), reason=""
        )
    amended = services.amend_reading(
        actor=world.advocate_k, reading=original, scores=all_points(money=2), reason="Typed 1 for 2"
    )
    original.refresh_from_db()
    assert original.superseded and original.scores.get(point__code="money").value == 1
    assert amended.amends == original and amended.scores.get(point__code="money").value == 2
    event = AuditEvent.objects.get(verb="reading.amended")
    assert event.data["before"]["money"] == [1, None] and event.data["after"]["money"] == [2, None]
    with pytest.raises(RuleError):
        services.amend_reading(
            actor=world.advocate_k, reading=original, scores=all_points(), reason="again"
        )
    page = signed_in(world.advocate_k).get(
        reverse("assessments:readings", args=[world.household_k.pk, person.pk])
    )
    html = page.content.decode()
    assert "Corrected" in html and "Typed 1 for 2" in html


def test_the_reading_page_records_every_point(world: World, signed_in) -> None:
    person = world.household_k.members.get()
    client = signed_in(world.advocate_k)
    url = reverse("assessments:add-reading", args=[world.household_k.pk, person.pk])
    form = {
        "date_0": "5",
        "date_1": "1",
        "date_2": "2026",
        **{f"worker_{code}": "3" for code in STAR},
    }
    bad = client.post(url, {**form, "worker_money": "6", "worker_work": ""})
    html = bad.content.decode()
    assert "The worker&#x27;s score for Money must be from 1 to 5, not 6" in html
    assert "Score Work (from 1 to 5)" in html
    assert not Reading.objects.exists()
    assert client.post(url, form).status_code == 302
    assert Reading.objects.get().scores.count() == 8
    assert world.household_k.timeline.filter(kind="reading").exists()


def test_a_colleague_in_another_authority_cannot_read_or_write_readings(
    world: World, signed_in
) -> None:
    person = world.household_k.members.get()
    client = signed_in(world.advocate_l)
    for name in (
        "assessments:readings",
        "assessments:add-reading",
        "casework:plan",
        "casework:add-activity",
        "casework:add-goal",
    ):
        assert client.get(reverse(name, args=[world.household_k.pk, person.pk])).status_code == 404


def test_activities_are_validated_and_completed(world: World, signed_in) -> None:
    person = world.household_k.members.get()
    with pytest.raises(RuleError) as refused:
        action_plans.add_activity(
            actor=world.advocate_k,
            person=person,
            activity_type="course",
            agreed_date=dt.date(2026, 3, 1),
            due_date=dt.date(2026, 2, 1),
        )
    assert "due_date" in refused.value.problems
    with pytest.raises(RuleError) as refused:
        action_plans.add_activity(
            actor=world.advocate_k,
            person=person,
            activity_type="course",
            star_point="luck",
            agreed_date=dt.date(2026, 3, 1),
        )
    assert "star_point" in refused.value.problems
    activity = action_plans.add_activity(
        actor=world.advocate_k,
        person=person,
        activity_type="money_advice",
        title="Budgeting course",
        star_point="money",
        hours=6,
        agreed_date=dt.date(2026, 3, 1),
    )
    client = signed_in(world.advocate_k)
    url = reverse("casework:update-activity", args=[world.household_k.pk, person.pk, activity.pk])
    assert (
        "Enter the date it was completed"
        in client.post(url, {"status": "completed"}).content.decode()
    )
    assert (
        client.post(
            url,
            {
                "status": "completed",
                "completed_date_0": "2",
                "completed_date_1": "4",
                "completed_date_2": "2026",
            },
        ).status_code
        == 302
    )
    activity.refresh_from_db()
    assert (activity.status, activity.completed_date) == ("completed", dt.date(2026, 4, 2))
    assert world.household_k.timeline.filter(kind="activity_completed").exists()


def flags(world: World) -> tuple[bool, bool]:
    row = next(h for h in selectors.caseload(world.advocate_k) if h.pk == world.household_k.pk)
    return row.is_assessment_due, row.is_overdue


def test_assessment_due_appears_on_the_day_the_interval_ends(world: World) -> None:
    person = world.household_k.members.get()
    with time_machine.travel(dt.datetime(2026, 1, 5, 12, 0), tick=False):
        assert flags(world) == (True, False)  # no reading yet: the first is due
        services.record_reading(
            actor=world.advocate_k,
            person=person,
            instrument=star(),
            date=dt.date(2026, 1, 5),
            scores=all_points(),
        )
        assert flags(world) == (False, False)
    # 12 weeks (the programme's setting) after 5 January is 30 March: due that day.
    with time_machine.travel(dt.datetime(2026, 3, 29, 12, 0), tick=False):
        assert flags(world)[0] is False
    with time_machine.travel(dt.datetime(2026, 3, 30, 12, 0), tick=False):
        assert flags(world)[0] is True


def test_overdue_actions_appear_the_day_after_they_are_due(world: World) -> None:
    person = world.household_k.members.get()
    services.record_reading(
        actor=world.advocate_k,
        person=person,
        instrument=star(),
        date=dt.date(2026, 5, 1),
        scores=all_points(),
    )
    with time_machine.travel(dt.datetime(2026, 5, 1, 12, 0), tick=False):
        activity = action_plans.add_activity(
            actor=world.advocate_k,
            person=person,
            activity_type="job_search",
            agreed_date=dt.date(2026, 5, 1),
            due_date=dt.date(2026, 5, 10),
        )
    with time_machine.travel(dt.datetime(2026, 5, 10, 12, 0), tick=False):
        assert flags(world) == (False, False)
    with time_machine.travel(dt.datetime(2026, 5, 11, 12, 0), tick=False):
        assert flags(world) == (False, True)
        action_plans.update_activity(
            actor=world.advocate_k,
            activity=activity,
            status=Activity.Status.COMPLETED,
            completed_date=dt.date(2026, 5, 11),
        )
        assert flags(world) == (False, False)


def test_the_chart_shows_every_point_and_the_latest_values_with_a_text_alternative(
    world: World, signed_in
) -> None:
    person = world.household_k.members.get()
    services.record_reading(
        actor=world.advocate_k,
        person=person,
        instrument=star(),
        date=dt.date(2026, 3, 2),
        scores=all_points(2),
    )
    services.record_reading(
        actor=world.advocate_k,
        person=person,
        instrument=star(),
        date=dt.date(2026, 5, 25),
        scores=all_points(2, money=3),
    )
    latest = services.record_reading(
        actor=world.advocate_k,
        person=person,
        instrument=star(),
        date=dt.date(2026, 8, 17),
        scores=all_points(2, money=4, family=1),
    )
    services.amend_reading(
        actor=world.advocate_k,
        reading=latest,
        scores=all_points(2, money=5, family=1),
        reason="Money was 5",
    )
    page = signed_in(world.advocate_k).get(
        reverse("assessments:readings", args=[world.household_k.pk, person.pk])
    )
    html = page.content.decode()
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert 'role="img"' in svg and "<title" in svg and "<desc" in svg
    for point in star().points.all():  # every point, even one left at its lowest score
        assert f'data-point="{point.code}"' in svg
    corrected = {"money": 5, "family": 1}
    latest_values = ",".join(f"{code}={corrected.get(code, 2)}" for code in STAR)
    assert (
        f'data-reading="Latest" data-values="{latest_values}"' in svg
    )  # the correction, not the original
    assert 'data-reading="First"' in svg and 'data-reading="Previous"' in svg
    assert (
        "Since 2 March 2026: up 3 on money; down 1 on family and relationships; no change on 6 points."
        in html
    )


def test_changing_the_programmes_interval_moves_every_next_reading(world: World) -> None:
    from pathways.programmes import services as programmes

    person = world.household_k.members.get()
    services.record_reading(
        actor=world.advocate_k,
        person=person,
        instrument=star(),
        date=dt.date(2026, 1, 5),
        scores=all_points(),
    )
    world.household_k.refresh_from_db()
    assert world.household_k.reading_due_on == dt.date(2026, 3, 30)
    definition = copy.deepcopy(world.hiw.definition())
    definition["measures"]["star_reading_interval_weeks"] = 8
    programmes.save_definition(
        definition=definition,
        actor=world.programme_manager,
        programme=world.hiw,
        reason="Readings every 8 weeks",
    )
    world.household_k.refresh_from_db()
    assert world.household_k.reading_due_on == dt.date(2026, 3, 2)


def test_a_participant_leaving_no_longer_keeps_a_reading_due(world: World) -> None:
    from pathways.households.records import update_member
    from pathways.households.tests.factories import PersonFactory

    person = world.household_k.members.get()
    services.record_reading(
        actor=world.advocate_k,
        person=person,
        instrument=star(),
        date=dt.date(2026, 1, 5),
        scores=all_points(),
    )
    partner = PersonFactory(
        household=world.household_k, role="partner", date_of_birth=dt.date(1980, 1, 1)
    )
    refresh_household_due_dates(world.household_k)
    assert world.household_k.reading_due_on == world.household_k.start_date  # the partner has none
    update_member(actor=world.advocate_k, person=partner, changes={"left_on": dt.date(2026, 2, 1)})
    world.household_k.refresh_from_db()
    assert world.household_k.reading_due_on == dt.date(2026, 3, 30)


def test_a_busy_household_page_runs_a_bounded_number_of_queries(world: World, signed_in) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pathways.households.tests.factories import PersonFactory

    household = world.household_k
    client = signed_in(world.advocate_k)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert (
                client.get(reverse("household_record:detail", args=[household.pk])).status_code
                == 200
            )
        return len(captured)

    first = household.members.get()
    services.record_reading(
        actor=world.advocate_k,
        person=first,
        instrument=star(),
        date=dt.date(2026, 1, 1),
        scores=all_points(),
    )
    few = queries()
    people = [first] + [
        PersonFactory(household=household, role="adult", date_of_birth=dt.date(1990, 1, 1))
        for _ in range(4)
    ]
    for index in range(40):  # 40 readings across 5 members
        services.record_reading(
            actor=world.advocate_k,
            person=people[index % 5],
            instrument=star(),
            date=dt.date(2025, 1, 1) + dt.timedelta(days=7 * index),
            scores=all_points(1 + index % 5),
        )
    for index in range(100):
        action_plans.add_activity(
            actor=world.advocate_k,
            person=people[index % 5],
            activity_type="job_search",
            agreed_date=dt.date(2026, 1, 1),
        )
    many = queries()
    assert many == few, (few, many)
    html = client.get(reverse("household_record:detail", args=[household.pk])).content.decode()
    assert html.count('class="pathways-star"') == 5


def test_a_programme_manager_imports_an_instrument_and_bad_files_are_refused(
    world: World, signed_in
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = reverse("assessments:instruments")
    assert signed_in(world.manager_k).get(url).status_code == 403
    client = signed_in(world.programme_manager)
    good = "\n".join(
        ['code = "work-star"', 'name = "Work Star (licensed)"', "scale_min = 1", "scale_max = 10"]
        + [f'[[points]]\ncode = "p{n}"\nname = "Point {n}"' for n in range(6)]
    )
    response = client.post(url, {"definition": SimpleUploadedFile("star.toml", good.encode())})
    assert response.status_code == 302
    assert Instrument.objects.get(code="work-star").points.count() == 6
    not_toml = client.post(url, {"definition": SimpleUploadedFile("star.toml", b"code = = 1")})
    assert "The file is not valid TOML" in not_toml.content.decode()
    too_few = client.post(
        url,
        {
            "definition": SimpleUploadedFile(
                "x.toml", b'code = "x"\nname = "X"\n[[points]]\ncode = "a"'
            )
        },
    )
    assert "points: needs 5 to 10 points" in too_few.content.decode()
