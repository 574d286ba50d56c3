"""Work, outcomes, evidence, verification, the outcomes list, claims and payments through the
pages and the API, as users do it; other teams refused."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pathways.conftest import World
from pathways.outcomes.claims import CLAIMABLE, make_claim
from pathways.outcomes.models import Claim, ClaimLine, EmploymentSpell, Outcome, ParticipantPayment
from pathways.outcomes.spells import record_spell
from pathways.outcomes.verification import record_evidence, verify

pytestmark = pytest.mark.django_db

START = dt.date(2018, 4, 20)


def dmy(prefix: str, day: dt.date) -> dict[str, str]:
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def spell_form(first: dt.date, last: dt.date | None, hours: str = "20") -> dict[str, str]:
    data = {"employer": "Acme Ltd", "hours_per_week": hours, "evidence": "payslip"}
    data |= dmy("start_date", first)
    if last:
        data |= dmy("end_date", last)
    return data


def test_an_advocate_records_work_and_sees_the_outcome_and_why(world: World, signed_in) -> None:
    household = world.household_k
    person = household.members.get()
    advocate = signed_in(world.advocate_k)
    add = reverse("outcomes:add-spell", args=[household.pk, person.pk])
    bad = advocate.post(add, spell_form(START + dt.timedelta(days=40), START, hours="200"))
    html = bad.content.decode()
    assert "The last day of work must be on or after the first" in html
    assert "Enter the hours a week, at most 168" in html or "more than 0 and at most 168" in html
    assert not EmploymentSpell.objects.exists()

    assert advocate.post(add, spell_form(START, START + dt.timedelta(days=40))).status_code == 302
    found = Outcome.objects.get(kind="job_outcome")
    work = advocate.get(reverse("outcomes:work", args=[household.pk, person.pk])).content.decode()
    assert "Job outcome" in work and "Acme Ltd" in work
    assert (
        "Job outcome"
        in advocate.get(reverse("household_record:detail", args=[household.pk])).content.decode()
    )

    why = advocate.get(reverse("outcomes:outcome", args=[household.pk, found.pk]))
    records = why.context["records"]
    assert [row["record"] for row in records] == [EmploymentSpell.objects.get()]
    assert "28 days in work" in why.content.decode()

    advocate.post(
        reverse("outcomes:evidence", args=[household.pk, found.pk]),
        {"evidence": "payslip", "note": "Four weekly payslips seen"},
    )
    assert Outcome.objects.get().status == "evidenced"
    # An advocate cannot verify at all; the team manager can.
    assert (
        advocate.post(reverse("outcomes:verify", args=[household.pk, found.pk])).status_code == 403
    )
    manager = signed_in(world.manager_k)
    manager.post(reverse("outcomes:verify", args=[household.pk, found.pk]))
    assert Outcome.objects.get(pk=found.pk).status == "verified"


def test_another_authority_cannot_see_or_change_work_or_outcomes(world: World, signed_in) -> None:
    household = world.household_k
    person = household.members.get()
    record_spell(
        actor=world.advocate_k,
        person=person,
        start_date=START,
        end_date=START + dt.timedelta(days=40),
        hours_per_week=Decimal(20),
    )
    found = Outcome.objects.get(kind="job_outcome")
    for outsider in (world.advocate_l, world.manager_l):
        client = signed_in(outsider)
        assert (
            client.get(reverse("outcomes:work", args=[household.pk, person.pk])).status_code == 404
        )
        assert (
            client.get(reverse("outcomes:outcome", args=[household.pk, found.pk])).status_code
            == 404
        )
        assert (
            client.post(
                reverse("outcomes:evidence", args=[household.pk, found.pk]), {"evidence": "hmrc"}
            ).status_code
            == 404
        )
        assert client.get(f"/api/outcomes/{found.pk}/").status_code == 404
        assert (
            client.post(f"/api/outcomes/{found.pk}/evidence/", {"evidence": "hmrc"}).status_code
            == 404
        )
        listed = client.get(reverse("outcomes:list")).context["outcomes"]
        assert found not in list(listed)
    manager_l = signed_in(world.manager_l)
    assert (
        manager_l.post(reverse("outcomes:verify", args=[household.pk, found.pk])).status_code == 404
    )
    assert Outcome.objects.get(pk=found.pk).status == "achieved"


def test_the_outcomes_list_filters_by_type_status_area_and_advocate(
    world: World, signed_in
) -> None:
    for household, advocate in (
        (world.household_k, world.advocate_k),
        (world.household_l, world.advocate_l),
    ):
        record_spell(
            actor=advocate,
            person=household.members.get(),
            start_date=START,
            end_date=START + dt.timedelta(days=100),
            hours_per_week=Decimal(30),
        )
    client = signed_in(world.programme_manager)
    url = reverse("outcomes:list")

    def ids(**query: str) -> set[int]:
        page = client.get(url, {"programme": world.hiw.code, **query})
        return {o.pk for o in page.context["outcomes"]}

    everything = set(Outcome.objects.values_list("pk", flat=True))
    assert ids() == everything
    assert ids(kind="sustained_13") == set(
        Outcome.objects.filter(kind="sustained_13").values_list("pk", flat=True)
    )
    assert ids(local_authority="E08000012") == set(
        Outcome.objects.filter(household=world.household_l).values_list("pk", flat=True)
    )
    assert ids(advocate=str(world.advocate_k.pk)) == set(
        Outcome.objects.filter(household=world.household_k).values_list("pk", flat=True)
    )
    assert ids(status="verified") == set()
    assert ids(**dmy("date_from", START + dt.timedelta(days=91))) == set(
        Outcome.objects.filter(achieved_on__gte=START + dt.timedelta(days=91)).values_list(
            "pk", flat=True
        )
    )
    # A team manager sees only their own authority's outcomes.
    page = signed_in(world.manager_l).get(url)
    assert {o.household_id for o in page.context["outcomes"]} == {world.household_l.pk}


def verified(world: World, household, advocate, manager, days: int = 100) -> list[Outcome]:
    record_spell(
        actor=advocate,
        person=household.members.get(),
        start_date=START,
        end_date=START + dt.timedelta(days=days),
        hours_per_week=Decimal(30),
    )
    outcomes = list(Outcome.objects.filter(household=household, kind__in=CLAIMABLE))
    for outcome in outcomes:
        record_evidence(actor=advocate, outcome=outcome, evidence="payslip")
        verify(actor=manager, outcome=outcome)
    return outcomes


def dwp_claim(world: World) -> Claim:
    """The programme manager's claim to DWP of the first 120 days' verified outcomes."""
    return make_claim(
        actor=world.programme_manager,
        programme=world.hiw,
        funder="DWP",
        start=START,
        end=START + dt.timedelta(days=120),
    )


def test_a_programme_manager_builds_a_claim_and_downloads_it(world: World, signed_in) -> None:
    outcomes = verified(world, world.household_k, world.advocate_k, world.manager_k)
    assert {o.kind for o in outcomes} == {"job_outcome", "sustained_13"}
    client = signed_in(world.programme_manager)
    period = (
        {"programme": world.hiw.code, "funder": "DWP"}
        | dmy("start", START)
        | dmy("end", START + dt.timedelta(days=120))
    )
    preview = client.post(reverse("outcomes:new-claim"), period | {"preview": ""})
    assert len(preview.context["preview"]["new"]) == 2
    assert not ClaimLine.objects.exists()
    made = client.post(reverse("outcomes:new-claim"), period | {"make": ""})
    assert made.status_code == 302
    assert ClaimLine.objects.count() == 2
    claim = ClaimLine.objects.first().claim
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    client.get(reverse("outcomes:claim-csv", args=[claim.pk])).streaming_content
                ).decode()
            )
        )
    )
    assert {(r["outcome"], r["household_ref"], r["amount"]) for r in rows} == {
        ("job_outcome", world.household_k.reference, "0.00"),
        ("sustained_13", world.household_k.reference, "0.00"),
    }
    book = load_workbook(
        io.BytesIO(client.get(reverse("outcomes:claim-xlsx", args=[claim.pk])).content)
    )
    assert book["Claim"].max_row == 3
    again = client.post(reverse("outcomes:new-claim"), period | {"make": ""})
    assert "Nothing to claim" in again.content.decode()
    # Another programme's manager cannot see it.
    assert (
        signed_in(world.win_manager).get(reverse("outcomes:claim", args=[claim.pk])).status_code
        == 404
    )


def test_payments_due_to_participants_are_paid_once(world: World, signed_in) -> None:
    household = world.household_win  # WIN pays £500 at 13 weeks and £750 at 26
    record_spell(
        actor=world.advocate_k,
        person=household.members.get(),
        start_date=START,
        end_date=START + dt.timedelta(days=100),
        hours_per_week=Decimal(30),
    )
    outcome = Outcome.objects.get(household=household, kind="sustained_13")
    record_evidence(actor=world.advocate_k, outcome=outcome, evidence="payslip")
    verify(actor=world.manager_k, outcome=outcome)
    client = signed_in(world.win_manager)
    page = client.get(reverse("outcomes:payments"))
    assert [(o.pk, amount) for o, amount in page.context["due"]] == [(outcome.pk, 50_000)]
    paid = dmy("paid_on", dt.date(2018, 8, 1))
    client.post(reverse("outcomes:paid", args=[outcome.pk]), paid)
    assert ParticipantPayment.objects.get().amount_pence == 50_000
    assert client.get(reverse("outcomes:payments")).context["due"] == []
    client.post(reverse("outcomes:paid", args=[outcome.pk]), paid)
    assert ParticipantPayment.objects.count() == 1
    # The Households into Work manager cannot pay a WIN participant.
    assert (
        signed_in(world.programme_manager)
        .post(reverse("outcomes:paid", args=[outcome.pk]), paid)
        .status_code
        == 404
    )


def test_work_and_outcomes_over_the_api(world: World, signed_in) -> None:
    person = world.household_k.members.get()
    client = signed_in(world.advocate_k)
    bad = client.post(
        "/api/employment-spells/",
        {
            "person": person.pk,
            "start_date": "2018-05-01",
            "end_date": "2018-04-01",
            "hours_per_week": "20",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "end_date" in bad.json()
    made = client.post(
        "/api/employment-spells/",
        {
            "person": person.pk,
            "start_date": "2018-05-01",
            "end_date": "2018-06-30",
            "hours_per_week": "20",
        },
        content_type="application/json",
    )
    assert made.status_code == 201
    outcomes = client.get("/api/outcomes/", {"kind": "job_outcome"}).json()["results"]
    assert [o["basis"] for o in outcomes] == [{"spells": [made.json()["id"]]}]
    evidenced = client.post(
        f"/api/outcomes/{outcomes[0]['id']}/evidence/",
        {"evidence": "hmrc"},
        content_type="application/json",
    )
    assert evidenced.json()["status"] == "evidenced"
    # Correcting the spell over the API withdraws the outcome.
    client.patch(
        f"/api/employment-spells/{made.json()['id']}/",
        {"end_date": "2018-05-10"},
        content_type="application/json",
    )
    assert client.get(f"/api/outcomes/{outcomes[0]['id']}/").json()["status"] == "withdrawn"
    outsider = signed_in(world.advocate_l)
    assert outsider.get("/api/employment-spells/").json()["results"] == []
    assert (
        outsider.post(
            "/api/employment-spells/",
            {"person": person.pk, "start_date": "2018-05-01", "hours_per_week": "20"},
            content_type="application/json",
        ).status_code
        == 400
    )
    assert EmploymentSpell.objects.count() == 1


def test_the_outcomes_list_and_work_page_run_the_same_queries_as_they_grow(
    world: World, signed_in
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pathways.households.tests.factories import HouseholdFactory, PersonFactory

    client = signed_in(world.programme_manager)
    person = world.household_k.members.get()

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    def add_work(n: int) -> None:
        for i in range(n):
            household = HouseholdFactory(programme=world.hiw, organisation=world.knowsley)
            record_spell(
                actor=world.advocate_k,
                person=PersonFactory(household=household),
                start_date=START,
                end_date=START + dt.timedelta(days=100),
                hours_per_week=Decimal(30),
            )
            record_spell(
                actor=world.advocate_k,
                person=person,
                start_date=START + dt.timedelta(days=200 + 40 * i),
                end_date=START + dt.timedelta(days=230 + 40 * i),
                hours_per_week=Decimal(30),
            )

    list_url = reverse("outcomes:list")
    work_url = reverse("outcomes:work", args=[world.household_k.pk, person.pk])
    add_work(1)
    few = (count(list_url), count(work_url))
    add_work(8)
    assert (count(list_url), count(work_url)) == few
