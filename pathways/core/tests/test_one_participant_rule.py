"""One definition of a participant (households.participation): the member form, the API, the
importer, the outcome engine and the reports answer "does this member take part?" as the rule
does, for every kind of member. A child never takes part, whatever they are marked; the form,
the API and the importer refuse a child marked as taking part instead of storing it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from pathways.casework.due_dates import refresh_household_due_dates
from pathways.casework.models import Activity
from pathways.conftest import World
from pathways.core.problems import ImportRefused
from pathways.exchange.importer import import_bundle
from pathways.households.models import Household, Person
from pathways.households.participation import CHILD_CANNOT_TAKE_PART, takes_part
from pathways.households.tests.factories import PersonFactory
from pathways.outcomes.engine import recompute_household
from pathways.outcomes.models import Outcome
from pathways.reporting.progress import _completed_activities
from pathways.reporting.scope import make_scope, participants

pytestmark = pytest.mark.django_db


def _years_ago(years: int) -> dt.date:
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


# (role, years old, participant as recorded, whether programmes.md says they take part)
KINDS = {
    "primary": ("primary", 40, None, True),
    "partner": ("partner", 38, None, True),
    "adult": ("adult", 22, None, True),
    "adult aged 17": ("adult", 17, None, True),
    "adult marked yes": ("adult", 30, True, True),
    "adult marked no": ("adult", 30, False, False),
    "child marked yes": ("child", 9, True, False),
    "child marked no": ("child", 9, False, False),
    "child left blank": ("child", 9, None, False),
    "child aged 17 left blank": ("child", 17, None, False),
}
YES_NO = {True: "yes", False: "no", None: ""}


@pytest.fixture(params=list(KINDS))
def kind(request: Any) -> tuple[str, dt.date, bool | None, bool]:
    role, years, participant, expected = KINDS[request.param]
    return role, _years_ago(years), participant, expected


def _household_without_participants(world: World, role: str) -> Household:
    """household_k, its one member marked as not taking part (and made an adult if the member
    under test is to be the primary householder), so that whether its star reading falls due
    says whether the member under test takes part."""
    household = world.household_k
    household.members.update(role="adult" if role == "primary" else "primary", participant=False)
    refresh_household_due_dates(household)
    household.refresh_from_db()
    assert household.reading_due_on is None
    return household


def _reading_falls_due(household: Household) -> bool:
    household.refresh_from_db()
    return household.reading_due_on is not None


def test_the_rule_is_the_one_programmes_md_states(kind) -> None:
    role, _, participant, expected = kind
    assert takes_part(role, participant) is expected


def test_the_member_form_agrees_with_the_rule(world: World, signed_in, kind) -> None:
    role, born, participant, _ = kind
    household = _household_without_participants(world, role)
    response = signed_in(world.advocate_k).post(
        reverse("households:add-person", args=[household.pk]),
        {
            "given_name": "Robin",
            "family_name": "Tester",
            "role": role,
            "date_of_birth_0": born.day,
            "date_of_birth_1": born.month,
            "date_of_birth_2": born.year,
            "participant": YES_NO[participant],
            "work_status": "out_of_work",
        },
    )
    if role == "child" and participant:
        # Refused in the GOV.UK error summary, linked to the field; nothing is stored.
        page = response.content.decode()
        assert response.status_code == 200
        assert "govuk-error-summary" in page and 'href="#id_participant"' in page
        assert CHILD_CANNOT_TAKE_PART.replace("'", "&#x27;") in page
        assert not household.members.filter(given_name="Robin").exists()
    else:
        assert response.status_code == 302
    assert _reading_falls_due(household) is takes_part(role, participant)


def test_the_api_agrees_with_the_rule(world: World, signed_in, kind) -> None:
    role, born, participant, _ = kind
    household = _household_without_participants(world, role)
    response = signed_in(world.advocate_k).post(
        "/api/people/",
        {
            "household": household.pk,
            "given_name": "Robin",
            "family_name": "Tester",
            "role": role,
            "date_of_birth": born.isoformat(),
            "participant": participant,
            "work_status": "out_of_work",
        },
        content_type="application/json",
    )
    if role == "child" and participant:
        assert response.status_code == 400
        assert response.json() == {"participant": [CHILD_CANNOT_TAKE_PART]}
        assert not household.members.filter(given_name="Robin").exists()
    else:
        assert response.status_code == 201, response.content
    assert _reading_falls_due(household) is takes_part(role, participant)


def _bundle(folder: Path, role: str, born: dt.date, participant: bool | None) -> Path:
    """A household started in 2018 whose primary householder does not take part (unless the
    member under test is the primary), and the member under test on line 3 (or 2)."""
    folder.mkdir()
    (folder / "households.csv").write_text(
        "household_ref,programme,local_authority,referral_date,start_date\n"
        "H1,households-into-work,E08000011,2018-04-01,2018-04-20\n"
    )
    people = ["person_ref,household_ref,role,date_of_birth,participant"]
    if role != "primary":
        people.append("P0,H1,primary,1980-01-01,no")
    people.append(f"P1,H1,{role},{born.isoformat()},{YES_NO[participant]}")
    (folder / "people.csv").write_text("\n".join(people) + "\n")
    return folder


def test_the_importer_agrees_with_the_rule(world: World, tmp_path: Path, kind) -> None:
    role, born, participant, _ = kind
    folder = _bundle(tmp_path / "bundle", role, born, participant)
    if role == "child" and participant:
        with pytest.raises(ImportRefused) as refused:
            import_bundle(folder)
        assert [str(p) for p in refused.value.problems] == [
            f"people.csv, line 3, column participant: 'yes': {CHILD_CANNOT_TAKE_PART}"
        ]
        assert not Person.objects.filter(reference="P1").exists()
        return
    import_bundle(folder)
    household = Household.objects.get(reference="H1")
    assert _reading_falls_due(household) is takes_part(role, participant)


def _member_with_a_completed_activity(
    world: World, role: str, born: dt.date, participant: bool | None
) -> Person:
    """The member as stored (even as a child marked yes, as older records may be), with an
    agreed activity completed in 2018."""
    person = PersonFactory(
        household=world.household_k, role=role, date_of_birth=born, participant=participant
    )
    Activity.objects.create(
        person=person,
        activity_type=Activity.Type.COURSE,
        title="Confidence course",
        status=Activity.Status.COMPLETED,
        agreed_date=dt.date(2018, 5, 1),
        completed_date=dt.date(2018, 6, 1),
    )
    return person


def test_the_outcome_engine_agrees_with_the_rule(world: World, kind) -> None:
    role, born, participant, _ = kind
    person = _member_with_a_completed_activity(world, role, born, participant)
    recompute_household(world.household_k)
    found = Outcome.objects.filter(person=person, kind=Outcome.Kind.COMPLETED_ACTIVITY).exists()
    assert found is takes_part(role, participant)


def test_the_reports_agree_with_the_rule(world: World, kind) -> None:
    role, born, participant, _ = kind
    person = _member_with_a_completed_activity(world, role, born, participant)
    scope = make_scope(world.hiw, Household.objects.all(), date_to=dt.date(2019, 3, 31))
    assert participants(scope).filter(pk=person.pk).exists() is takes_part(role, participant)
    counted = _completed_activities(scope).filter(person=person).exists()
    assert counted is takes_part(role, participant)
