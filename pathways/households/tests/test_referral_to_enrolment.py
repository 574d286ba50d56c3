"""From a referral to a household on an advocate's caseload: the pages and the rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pathways.audit.models import AuditEvent
from pathways.casework import services as casework
from pathways.conftest import World
from pathways.core.exceptions import RuleError
from pathways.households import rules
from pathways.households.consent import record_consent
from pathways.households.eligibility import override_eligibility
from pathways.households.enrolment import enrol
from pathways.households.models import Consent, Household, Person, Referral
from pathways.households.records import update_member
from pathways.households.tests.helpers import member, refer, referral_form

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return Household.objects.count(), Person.objects.count(), Referral.objects.count()


def test_an_advocate_records_a_referral_and_sees_the_eligibility_result(
    world: World, signed_in
) -> None:
    client = signed_in(world.advocate_k)
    response = client.post(reverse("households:refer"), referral_form(programme=str(world.hiw.pk)))
    assert response.status_code == 302
    household = Household.objects.get(referrals__referring_organisation="Huyton Jobcentre")
    assert response["Location"].endswith(f"/households/{household.pk}/#eligibility")
    assert household.status == Household.Status.REFERRED
    assert household.advocate == world.advocate_k  # recorded in their own authority
    assert household.postcode == "L36 9GD"
    assert household.reference.startswith("HIW-")
    page = client.get(reverse("household_record:detail", args=[household.pk])).content.decode()
    assert "Eligible" in page
    assert "Knowsley is in the programme area" in page
    assert "Two adults are out of work" in page
    assert [e.kind for e in household.timeline.order_by("id")] == ["referral", "eligibility"]


def test_a_referral_from_outside_the_area_says_why_and_goes_to_the_programme_team(
    world: World, signed_in
) -> None:
    from pathways.areas.models import LocalAuthority

    client = signed_in(world.advocate_k)
    warrington = LocalAuthority.objects.get(code="E06000007")
    response = client.post(
        reverse("households:refer"),
        referral_form(
            programme=str(world.hiw.pk), local_authority=str(warrington.pk), postcode="WA1 2AB"
        ),
    )
    assert response.status_code == 302
    household = Household.objects.get(local_authority=warrington)
    assert household.eligibility == "not_eligible"
    assert household.advocate is None and household.organisation is None
    assert "Warrington is outside the programme area" in [
        r["text"] for r in household.eligibility_reasons
    ]
    # The advocate no longer sees it; the programme manager's triage queue has it.
    assert client.get(reverse("household_record:detail", args=[household.pk])).status_code == 404
    pm = signed_in(world.programme_manager)
    assert household in pm.get(reverse("households:triage")).context["households"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "form-0-date_of_birth_2",
            str(timezone.localdate().year + 1),
            "Date of birth must be in the past",
        ),
        (
            "form-1-date_of_birth_2",
            str(timezone.localdate().year - 4),
            "cannot be an adult in the household",
        ),
        ("postcode", "NOT A POSTCODE", "Enter a real postcode, like L36 9GD"),
        ("source", "carrier_pigeon", "Select a valid choice"),
        ("form-0-role", "king", "Select a valid choice"),
        ("form-0-date_of_birth_1", "13", "Date of birth must be a real date"),
        ("date_2", str(timezone.localdate().year + 1), "must be today or in the past"),
    ],
)
def test_bad_input_is_refused_on_the_field_and_nothing_is_saved(
    world: World, signed_in, field, value, message
) -> None:
    client = signed_in(world.advocate_k)
    before, audit_before = counts(), AuditEvent.objects.count()
    response = client.post(
        reverse("households:refer"), referral_form(programme=str(world.hiw.pk), **{field: value})
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert counts() == before
    assert AuditEvent.objects.count() == audit_before


def test_a_household_needs_one_primary_householder(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    before = counts()
    response = client.post(
        reverse("households:refer"),
        referral_form(programme=str(world.hiw.pk), **{"form-1-role": "primary"}),
    )
    assert "Only one person can be the primary householder" in response.content.decode()
    assert counts() == before


def test_the_services_refuse_bad_facts_too_and_save_nothing(world: World) -> None:
    before = counts()
    toddler_adult = member(
        "Tiny", "Example", "adult", (timezone.localdate() - dt.timedelta(days=4 * 365)).isoformat()
    )
    with pytest.raises(RuleError) as refused:
        refer(
            world.advocate_k,
            world.hiw,
            members=[member("Alex", "Example", "primary", "1984-03-02"), toddler_adult],
        )
    assert "members[1].date_of_birth" in refused.value.problems
    with pytest.raises(RuleError) as refused:
        refer(world.advocate_k, world.hiw, postcode="ZZ99 ZZZ9")
    assert refused.value.problems == {"postcode": "Enter a real postcode, like L36 9GD"}
    assert counts() == before


def test_adding_a_person_row_keeps_what_was_typed_without_errors(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    response = client.post(
        reverse("households:refer"), referral_form(programme=str(world.hiw.pk), add_person="1")
    )
    html = response.content.decode()
    assert "There is a problem" not in html
    assert "Person 3" in html
    assert 'value="Robin"' in html
    assert counts()[0] == Household.objects.count()


def test_no_start_without_consent_then_start_puts_it_on_the_caseload(
    world: World, signed_in
) -> None:
    casework.record_contact(
        actor=world.advocate_k,
        household=world.household_k,
        date=timezone.localdate(),
        method="phone",
    )
    household = refer(world.advocate_k, world.hiw)
    client = signed_in(world.advocate_k)
    start = timezone.localdate()
    form = {
        "start_date_0": start.day,
        "start_date_1": start.month,
        "start_date_2": start.year,
        "advocate": world.advocate_k.pk,
    }
    response = client.post(reverse("households:enrol", args=[household.pk]), form)
    assert (
        "Record consent to the privacy notice for Alex Example, Sam Example before the start"
        in response.content.decode()
    )
    household.refresh_from_db()
    assert household.status == Household.Status.REFERRED

    for person in household.members.all():
        consent = {
            "given_on_0": start.day,
            "given_on_1": start.month,
            "given_on_2": start.year,
            "confirmed": "on",
        }
        assert (
            client.post(
                reverse("households:consent", args=[household.pk, person.pk]), consent
            ).status_code
            == 302
        )
    consent = Consent.objects.filter(person__household=household).first()
    assert (consent.notice_version, consent.recorded_by) == ("2018-02", world.advocate_k)

    response = client.post(reverse("households:enrol", args=[household.pk]), form)
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.status == Household.Status.STARTED
    assert household.support_end_date == rules.support_end_date(start, 12)
    caseload = client.get(reverse("households:list")).context["households"]
    assert caseload[0] == household and caseload[0].is_not_contacted


def test_an_advocate_cannot_give_a_household_to_an_advocate_elsewhere(world: World) -> None:
    household = refer(world.manager_k, world.hiw)
    for person in household.members.all():
        record_consent(actor=world.manager_k, person=person, given_on=timezone.localdate())
    with pytest.raises(RuleError) as refused:
        enrol(
            actor=world.manager_k,
            household=household,
            start_date=timezone.localdate(),
            advocate=world.advocate_l,
        )
    assert "is not an advocate in Knowsley" in refused.value.problems["advocate"]


def test_a_manager_overrides_eligibility_with_a_reason_and_an_advocate_cannot(
    world: World, signed_in
) -> None:
    household = refer(
        world.advocate_k,
        world.hiw,
        members=[
            member("Jo", "Sample", "primary", "1979-11-23"),
            member("Chris", "Sample", "adult", "2001-05-04", "full_time"),
        ],
    )
    assert household.eligibility == "not_eligible"
    assert (
        signed_in(world.advocate_k)
        .get(reverse("households:override", args=[household.pk]))
        .status_code
        == 403
    )
    with pytest.raises(RuleError):
        override_eligibility(
            actor=world.advocate_k, household=household, decision="eligible", reason="x"
        )

    manager = signed_in(world.manager_k)
    refused = manager.post(
        reverse("households:override", args=[household.pk]), {"decision": "eligible", "reason": ""}
    )
    assert "Enter the reason for the decision" in refused.content.decode()
    response = manager.post(
        reverse("households:override", args=[household.pk]),
        {"decision": "eligible", "reason": "Chris's zero-hours contract gives no work most weeks"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.effective_eligibility == "eligible"
    assert household.eligibility == "not_eligible"  # the rule's own answer is kept
    assert household.eligibility_override_by == world.manager_k
    event = AuditEvent.objects.get(
        verb="household.eligibility_overridden", target_id=str(household.pk)
    )
    assert event.data["reason"].startswith("Chris's zero-hours")
    # Now it can start.
    for person in household.members.all():
        record_consent(actor=world.advocate_k, person=person, given_on=timezone.localdate())
    enrol(
        actor=world.advocate_k,
        household=household,
        start_date=timezone.localdate(),
        advocate=world.advocate_k,
    )


def test_not_eligible_households_cannot_start(world: World) -> None:
    household = refer(
        world.advocate_k, world.hiw, members=[member("Jo", "Sample", "primary", "1979-11-23")]
    )
    for person in household.members.all():
        record_consent(actor=world.advocate_k, person=person, given_on=timezone.localdate())
    with pytest.raises(RuleError) as refused:
        enrol(
            actor=world.advocate_k,
            household=household,
            start_date=timezone.localdate(),
            advocate=world.advocate_k,
        )
    assert "not eligible" in refused.value.problems["household"]


def test_declining_a_referral_records_the_reason(world: World, signed_in) -> None:
    household = refer(world.advocate_k, world.hiw)
    today = timezone.localdate()
    client = signed_in(world.advocate_k)
    response = client.post(
        reverse("households:close", args=[household.pk]),
        {
            "outcome": "not_contacted",
            "on_0": today.day,
            "on_1": today.month,
            "on_2": today.year,
            "reason": "Three calls, no answer",
        },
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert (household.status, household.decision_reason) == (
        "not_contacted",
        "Three calls, no answer",
    )
    assert household.timeline.filter(kind="not_contacted").exists()


def test_editing_a_member_is_validated_audited_and_on_the_timeline(world: World, signed_in) -> None:
    household = refer(world.advocate_k, world.hiw)
    person = household.members.get(given_name="Sam")
    client = signed_in(world.advocate_k)
    url = reverse("households:edit-person", args=[household.pk, person.pk])
    form = {
        "given_name": "Sam",
        "family_name": "Example",
        "role": "partner",
        "date_of_birth_0": "19",
        "date_of_birth_1": "7",
        "date_of_birth_2": "1986",
        "work_status": "out_of_work",
        "benefits": ["universal_credit"],
        "support_needs": ["mental_health", "carer"],
        "qualification": "level_2",
        "time_since_work": "36m+",
    }
    bad = client.post(url, {**form, "date_of_birth_2": str(timezone.localdate().year + 2)})
    assert "Date of birth must be in the past" in bad.content.decode()
    assert client.post(url, form).status_code == 302
    person.refresh_from_db()
    assert person.support_needs == ["mental_health", "carer"] and person.qualification == "level_2"
    entry = household.timeline.get(kind="member_changed")
    assert "Sam Example's details changed" in entry.summary
    assert AuditEvent.objects.filter(verb="person.changed", target_id=str(person.pk)).exists()


def test_a_member_leaving_is_recorded_with_the_date(world: World) -> None:
    household = refer(world.advocate_k, world.hiw)
    person = household.members.get(given_name="Sam")
    left = timezone.localdate() - dt.timedelta(days=1)
    update_member(actor=world.advocate_k, person=person, changes={"left_on": left})
    assert household.timeline.filter(kind="member_left").exists()
    # The household's eligibility is checked again: one adult left out of work.
    household.refresh_from_db()
    assert household.eligibility == "not_eligible"


def test_reassignment_moves_the_case_and_the_permissions_with_it(world: World, signed_in) -> None:
    household = world.household_k
    other = world.household_k2.advocate  # another Knowsley advocate
    manager = signed_in(world.manager_k)
    response = manager.post(
        reverse("households:reassign", args=[household.pk]),
        {"advocate": other.pk, "note": "Alex prefers texts before a visit"},
    )
    assert response.status_code == 302
    household.refresh_from_db()
    assert household.advocate == other
    assert AuditEvent.objects.filter(
        verb="household.reassigned", target_id=str(household.pk)
    ).exists()
    old = signed_in(world.advocate_k)
    assert old.get(reverse("household_record:detail", args=[household.pk])).status_code == 404
    new = signed_in(other)
    page = new.get(reverse("household_record:detail", args=[household.pk])).content.decode()
    assert "Alex prefers texts before a visit" in page
    caseload = new.get(reverse("households:list")).context["households"]
    assert household in caseload and next(h for h in caseload if h == household).is_not_contacted


def test_a_manager_of_another_authority_cannot_reassign(world: World, signed_in) -> None:
    client = signed_in(world.manager_l)
    url = reverse("households:reassign", args=[world.household_k.pk])
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"advocate": world.advocate_l.pk, "note": "mine now"}).status_code == 404
    )
    world.household_k.refresh_from_db()
    assert world.household_k.advocate == world.advocate_k
