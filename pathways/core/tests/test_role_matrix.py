"""Each role sees exactly what it should: role x page/endpoint, outsiders refused, nothing leaked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pathways.accounts import tokens
from pathways.audit.models import AuditEvent
from pathways.conftest import World
from pathways.exchange.models import ImportRun

ROLES = [
    "advocate_k",
    "manager_k",
    "advocate_l",
    "manager_l",
    "programme_manager",
    "win_manager",
    "evaluator",
    "funder",
    "administrator",
]
CASEWORK = {
    "advocate_k",
    "manager_k",
    "advocate_l",
    "manager_l",
    "programme_manager",
    "win_manager",
}
PMS = {"programme_manager", "win_manager"}
REPORT_READERS = {"manager_k", "manager_l", "evaluator", "funder"} | PMS


def expect(allowed: set[str], *, hidden: set[str] = frozenset(), ok: int = 200) -> dict[str, int]:
    """Status per role: `ok` for allowed, 404 for roles that may use the page but not this record."""
    return {role: ok if role in allowed else 404 if role in hidden else 403 for role in ROLES}


def pages(world: World) -> list[tuple[str, dict[str, int]]]:
    k, hiw = world.household_k.pk, world.hiw.code
    person = world.household_k.members.get().pk
    knowsley_household_readers = {"advocate_k", "manager_k", "programme_manager"}
    run = ImportRun.objects.create(
        started_by=world.programme_manager, original_name="a.zip", stored_as="a.zip", size=1
    )
    return [
        (reverse("site:start"), expect(set(ROLES))),
        (reverse("households:list"), expect(CASEWORK)),
        (
            reverse("household_record:detail", args=[k]),
            expect(knowsley_household_readers, hidden=CASEWORK - knowsley_household_readers),
        ),
        (reverse("households:refer"), expect(CASEWORK)),
        (reverse("directory:list"), expect(CASEWORK)),
        (reverse("casework:diary"), expect({"advocate_k", "advocate_l"})),
        (reverse("approvals:list"), expect({"manager_k", "manager_l"} | PMS)),
        (
            reverse("budgets:budget", args=[k]),
            expect(knowsley_household_readers, hidden=CASEWORK - knowsley_household_readers),
        ),
        (
            reverse("budgets:request", args=[k]),
            expect(knowsley_household_readers, hidden=CASEWORK - knowsley_household_readers),
        ),
        *(
            (
                reverse(name, args=[k]),
                expect(knowsley_household_readers, hidden=CASEWORK - knowsley_household_readers),
            )
            for name in ("budgets:ledger-csv", "budgets:ledger-xlsx")
        ),
        *(
            (reverse(name), expect({"manager_k", "manager_l"} | PMS))
            for name in ("spending:summary", "spending:ledger-csv", "spending:ledger-xlsx")
        ),
        (
            reverse("budgets:adjust", args=[k]),
            expect({"manager_k", "programme_manager"}, hidden={"manager_l", "win_manager"}),
        ),
        (reverse("directory:add"), expect({"manager_k", "manager_l"} | PMS)),
        (reverse("households:search"), expect(CASEWORK)),
        (reverse("households:team"), expect({"manager_k", "manager_l"})),
        (reverse("households:triage"), expect({"manager_k", "manager_l"} | PMS)),
        *(
            (
                reverse(name, args=[k]),
                expect(knowsley_household_readers, hidden=CASEWORK - knowsley_household_readers),
            )
            for name in (
                "casework:book-appointment",
                "casework:exit-plan",
                "households:edit",
                "households:enrol",
                "households:close",
                "households:end",
                "household_record:add-contact",
                "households:add-person",
            )
        ),
        *(
            (
                reverse(name, args=[k, person]),
                expect(knowsley_household_readers, hidden=CASEWORK - knowsley_household_readers),
            )
            for name in (
                "households:edit-person",
                "households:consent",
                "assessments:readings",
                "assessments:add-reading",
                "casework:plan",
                "casework:add-goal",
                "casework:add-activity",
                "casework:add-referral",
                "outcomes:work",
                "outcomes:add-spell",
            )
        ),
        (
            reverse("households:override", args=[k]),
            expect({"manager_k", "programme_manager"}, hidden={"manager_l", "win_manager"}),
        ),
        (
            reverse("households:reassign", args=[k]),
            expect({"manager_k", "programme_manager"}, hidden={"manager_l", "win_manager"}),
        ),
        (
            f"/api/people/{person}/",
            expect(knowsley_household_readers, hidden=CASEWORK - knowsley_household_readers),
        ),
        ("/api/people/", expect(CASEWORK)),
        ("/api/referrals/", expect(CASEWORK)),
        ("/api/readings/", expect(CASEWORK)),
        ("/api/activities/", expect(CASEWORK)),
        ("/api/onward-referrals/", expect(CASEWORK)),
        ("/api/contacts/", expect(CASEWORK)),
        ("/api/budgets/", expect(CASEWORK)),
        ("/api/spend-requests/", expect(CASEWORK)),
        ("/api/outcomes/", expect(CASEWORK)),
        ("/api/employment-spells/", expect(CASEWORK)),
        (reverse("outcomes:list"), expect(CASEWORK)),
        *(
            (reverse(name), expect(PMS))
            for name in ("outcomes:claims", "outcomes:new-claim", "outcomes:payments")
        ),
        (reverse("programmes:list"), expect(PMS)),
        (reverse("assessments:instruments"), expect(PMS)),
        (
            reverse("programmes:detail", args=[hiw]),
            expect({"programme_manager"}, hidden={"win_manager"}),
        ),
        (
            reverse("programmes:edit", args=[hiw]),
            expect({"programme_manager"}, hidden={"win_manager"}),
        ),
        (reverse("audit:search"), expect(PMS | {"administrator"})),
        (reverse("exchange:home"), expect({"manager_k", "manager_l"} | PMS)),
        (reverse("exchange:download"), expect({"manager_k", "manager_l"} | PMS)),
        (reverse("exchange:upload"), expect(PMS)),
        *(
            (reverse(name, args=[run.pk]), expect({"programme_manager"}, hidden={"win_manager"}))
            for name in ("exchange:import", "exchange:import-progress")
        ),
        *(
            (url, expect(REPORT_READERS))
            for url in (
                reverse("reporting:dashboard"),
                reverse("reporting:table", args=["age-profile"]),
                reverse("reporting:download", args=["age-profile", "csv"]),
                reverse("reporting:trend-csv"),
            )
        ),
        *(
            (
                f"{url}?programme={hiw}",
                expect(REPORT_READERS - PMS | {"programme_manager"}, hidden={"win_manager"}),
            )
            for url in (
                reverse("reporting:dashboard"),
                reverse("reporting:table", args=["by-area"]),
                reverse("reporting:download", args=["pack", "xlsx"]),
            )
        ),
        *(
            (url, expect(REPORT_READERS))
            for url in (
                reverse("areas:explore"),
                reverse("area_reports:reach"),
                reverse("area_reports:profile", args=["E08000011"]),
                reverse("areas:neighbourhoods"),
            )
        ),
        (reverse("area_reports:new-neighbourhood"), expect({"manager_k", "manager_l"} | PMS)),
        # No area data in this world: readers are told their request cannot be answered (400),
        # everyone else is refused.
        (
            f"{reverse('areas:hotspots-csv')}?area=E08000011&indicator=imd_rank",
            expect(REPORT_READERS, ok=400),
        ),
        (
            f"{reverse('area_reports:reach')}?programme={hiw}",
            expect(REPORT_READERS - PMS | {"programme_manager"}, hidden={"win_manager"}),
        ),
        (
            reverse("privacy:person", args=[k, person]),
            expect(knowsley_household_readers, hidden=CASEWORK - knowsley_household_readers),
        ),
        (reverse("evaluation:extract"), expect({"evaluator"} | PMS)),
        (reverse("accounts:confirm"), expect(set(ROLES))),
        (reverse("organisations:users"), expect({"administrator"})),
        (reverse("organisations:list"), expect({"administrator"})),
        (reverse("organisations:create"), expect({"administrator"})),
        (reverse("organisations:detail", args=[world.knowsley.pk]), expect({"administrator"})),
        (reverse("organisations:user-create"), expect({"administrator"})),
        (reverse("organisations:user-edit", args=[world.advocate_k.pk]), expect({"administrator"})),
        (reverse("accounts:account"), expect(set(ROLES))),
        (reverse("accounts:change-password"), expect(set(ROLES))),
        ("/api/households/", expect(CASEWORK)),
        (
            f"/api/households/{k}/",
            expect(knowsley_household_readers, hidden=CASEWORK - knowsley_household_readers),
        ),
        ("/api/programmes/", expect(set(ROLES) - {"administrator"})),
        ("/api/audit-events/", expect(PMS | {"administrator"})),
        (
            f"/api/reports/age-profile/?programme={hiw}",
            expect(REPORT_READERS - {"win_manager"}, hidden={"win_manager"}),
        ),
        ("/api/me/", expect(set(ROLES))),
        ("/api/schema/", expect(set(ROLES))),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_the_pages_it_should(world: World, signed_in, role: str) -> None:
    client = signed_in(world.by_name(role))
    wrong = []
    for url, statuses in pages(world):
        response = client.get(url)
        if response.status_code != statuses[role]:
            wrong.append(f"{url}: expected {statuses[role]}, got {response.status_code}")
        if response.get("Cache-Control") != "no-store":  # nothing kept by a shared computer
            wrong.append(f"{url}: Cache-Control is {response.get('Cache-Control')!r}")
    assert wrong == []


def test_refused_household_page_records_no_view_and_shows_no_names(world: World, signed_in) -> None:
    person = world.household_k.members.get()
    person.family_name = "Unmistakablename"  # not a name Faker gives anyone else in the world
    person.save()
    client = signed_in(world.advocate_l)
    before = AuditEvent.objects.filter(verb="household.viewed").count()
    for url in (
        reverse("household_record:detail", args=[world.household_k.pk]),
        f"/api/households/{world.household_k.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert person.family_name not in response.content.decode()
    assert AuditEvent.objects.filter(verb="household.viewed").count() == before


def test_the_public_self_referral_page_needs_no_sign_in(world: World, client) -> None:
    assert client.get(reverse("self-referral:form", args=[world.hiw.code])).status_code == 200
    assert client.get(reverse("self-referral:form", args=["no-such-programme"])).status_code == 404


VISIBLE = {
    "advocate_k": {"household_k"},
    "manager_k": {"household_k", "household_k2", "household_win"},
    "advocate_l": {"household_l"},
    "manager_l": {"household_l"},
    "programme_manager": {"household_k", "household_k2", "household_l"},
    "win_manager": {"household_win"},
}


@pytest.mark.parametrize("role", sorted(VISIBLE))
def test_lists_show_exactly_the_permitted_households(world: World, signed_in, role: str) -> None:
    client = signed_in(world.by_name(role))
    expected_ids = {world.by_name(name).pk for name in VISIBLE[role]}
    api_ids = {row["id"] for row in client.get("/api/households/").json()["results"]}
    page = client.get(reverse("households:list"))
    page_ids = {household.pk for household in page.context["households"]}
    assert api_ids == expected_ids
    assert page_ids == expected_ids


def test_anonymous_api_caller_is_refused(world: World, client) -> None:
    response = client.get("/api/households/")
    assert response.status_code == 401


def test_token_holder_reaches_the_api_with_their_own_scope(world: World, client) -> None:
    token = tokens.issue(user=world.advocate_l, name="partner system")
    response = client.get("/api/households/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {world.household_l.pk}


def test_signed_in_session_without_two_factor_cannot_use_the_api(world: World, client) -> None:
    client.force_login(world.programme_manager)
    assert client.get("/api/households/").status_code in (401, 403)
