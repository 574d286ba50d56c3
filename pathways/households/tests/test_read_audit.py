"""Every read of case records leaves an audit event: each page and endpoint a caseworker can
open, lists included (with the ids they showed), through one middleware."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from pathways.accounts.tests.test_step_up_api import evidenced
from pathways.audit.models import AuditEvent
from pathways.casework import services as casework
from pathways.conftest import World
from pathways.core.access import CASEWORK_ROLES, access_of
from pathways.core.tests.test_access_rules import all_patterns
from pathways.core.tests.test_role_matrix import CASEWORK, pages
from pathways.outcomes.models import EmploymentSpell
from pathways.outcomes.tests.test_outcome_pages import START

pytestmark = pytest.mark.django_db


def events_of(user) -> int:  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(actor=user).count()


def one_record_pages(world: World) -> list[tuple[str, dict[str, int]]]:
    """Pages of one record in a household, beyond the role matrix's: what the advocate reads."""
    k, person = world.household_k.pk, world.household_k.members.get()
    outcome = evidenced(world)
    spell = EmploymentSpell.objects.get(person=person)
    activity = casework.add_activity(
        actor=world.advocate_k,
        person=person,
        activity_type="course",
        title="Food hygiene",
        agreed_date=START,
    )
    as_advocate = {role: 200 if role == "advocate_k" else 0 for role in CASEWORK}
    return [
        (reverse(name, args=args), as_advocate)
        for name, args in (
            ("outcomes:outcome", [k, outcome.pk]),
            ("outcomes:evidence", [k, outcome.pk]),
            ("outcomes:correct-spell", [k, person.pk, spell.pk]),
            ("outcomes:change-hours", [k, person.pk, spell.pk]),
            ("casework:update-activity", [k, person.pk, activity.pk]),
        )
    ]


def test_every_page_and_endpoint_a_caseworker_reads_is_audited(world: World, signed_in) -> None:
    unaudited = []
    for url, statuses in pages(world) + one_record_pages(world):
        reader = next((role for role in sorted(CASEWORK) if statuses[role] == 200), None)
        if reader is None or resolve(url.split("?")[0]).namespace == "accounts":
            continue
        user = world.by_name(reader)
        client = signed_in(user)
        before = events_of(user)
        assert client.get(url).status_code == 200, url
        if events_of(user) == before:
            unaudited.append(f"{url} as {reader}")
    assert unaudited == []


def test_the_walk_above_covers_every_case_data_view(world: World) -> None:
    """A page or endpoint that caseworkers can open and the walk does not try is a gap."""
    walked = {resolve(url.split("?")[0]).func for url, _ in pages(world) + one_record_pages(world)}
    walked_views = {getattr(view, "cls", view) for view in walked}
    missing = []
    for route, pattern in all_patterns():
        access = access_of(pattern.callback)
        if access is None or access.public or not access.roles & CASEWORK_ROLES:
            continue
        view = getattr(pattern.callback, "cls", pattern.callback)
        actions = getattr(pattern.callback, "actions", None)
        if actions is not None and "get" not in actions or "(?P<format>" in route:
            continue
        if pattern.callback not in walked and view not in walked_views and route not in NOT_WALKED:
            missing.append(route)
    assert missing == [], missing


# Left out of the walk on purpose, each for its reason, so a new page is not left out by
# accident: signing in and one's own account show no case record; the rest are pages of one
# record of a household (the household in their address, as on the pages walked) or a
# download, each read audited through the same middleware.
NOT_WALKED = {
    # Signing in and one's own account: no case record.
    "account/sign-out/",
    "account/two-factor/",
    "account/two-factor/verify/",
    "account/two-factor/recovery/",
    "account/two-factor/set-up/",
    "account/recovery-codes/",
    "api/docs/",
    # One record of a household, reached from the pages walked; or a form that only posts.
    "households/<int:pk>/eligibility/",
    "households/<int:pk>/people/<int:person_pk>/readings/<int:reading_pk>/correct/",
    "households/<int:pk>/exit/<int:step_pk>/",
    "households/<int:pk>/appointments/<int:appointment_pk>/",
    "households/<int:pk>/people/<int:person_pk>/referrals/<int:referral_pk>/",
    "households/<int:pk>/people/<int:person_pk>/referrals/<int:referral_pk>/for-the-partner/",
    "households/<int:pk>/budget/refund/",
    "households/<int:pk>/budget/requests/<int:request_pk>/decide/",
    "households/<int:pk>/budget/requests/<int:request_pk>/paid/",
    "households/<int:pk>/budget/requests/<int:request_pk>/receipt/",
    "households/<int:pk>/budget/receipts/<int:receipt_pk>/",
    "households/<int:pk>/people/<int:person_pk>/data-protection/<int:record_pk>/withdraw/",
    "households/<int:pk>/people/<int:person_pk>/data-protection/subject-access/",
    "households/<int:pk>/people/<int:person_pk>/data-protection/subject-access/<int:request_pk>/<slug:form>/",
    "households/<int:pk>/outcomes/<int:outcome_pk>/verify/",
    "outcomes/claims/<int:claim_pk>/",
    "outcomes/claims/<int:claim_pk>/claim.csv",
    "outcomes/claims/<int:claim_pk>/claim.xlsx",
    "outcomes/payments/<int:outcome_pk>/paid/",
    "areas/reach/download/csv/",
}


def test_a_list_records_the_ids_it_showed_under_their_programme(world: World, signed_in) -> None:
    manager = world.manager_k
    client = signed_in(manager)
    for url, label in (
        ("/api/people/", "households.person"),
        ("/api/contacts/", "casework.contact"),
        (reverse("households:list"), "households.household"),
    ):
        rows = client.get(url)
        assert rows.status_code == 200
        event = AuditEvent.objects.filter(actor=manager, verb="records.read").latest("id")
        assert event.target_label == url
        if url.startswith("/api/"):
            ids = sorted(str(row["id"]) for row in rows.json()["results"])
            assert sorted(event.data["shown"].get(label, [])) == ids, url
    households = AuditEvent.objects.filter(actor=manager, verb="records.read", programme=world.hiw)
    shown = {pk for event in households for pk in event.data["households"]}
    assert {world.household_k.pk, world.household_k2.pk} <= shown
    win = AuditEvent.objects.filter(actor=manager, verb="records.read", programme=world.win)
    assert {pk for event in win for pk in event.data["households"]} == {world.household_win.pk}


def test_a_page_of_one_household_goes_to_its_programme(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    url = reverse("budgets:budget", args=[world.household_k.pk])
    assert client.get(url).status_code == 200
    event = AuditEvent.objects.get(actor=world.advocate_k, verb="records.read")
    assert event.programme == world.hiw
    assert event.data["households"] == [world.household_k.pk]
    assert event.data["view"] == "budgets:budget"


def test_refused_and_failed_reads_and_report_readers_record_no_read(
    world: World, signed_in
) -> None:
    client = signed_in(world.advocate_l)
    assert client.get(reverse("budgets:budget", args=[world.household_k.pk])).status_code == 404
    funder = signed_in(world.funder)
    assert funder.get(reverse("reporting:dashboard")).status_code == 200
    assert not AuditEvent.objects.filter(verb="records.read").exists()
