"""Every read of case records leaves an audit event: each page and endpoint a caseworker can
open, lists included (with the ids they showed), through one middleware."""

from __future__ import annotations

import pytest
from django.urls import resolve, reverse

from pathways.audit.models import AuditEvent
from pathways.conftest import World
from pathways.core.access import access_of
from pathways.core.roles import CASEWORK_ROLES
from pathways.core.tests.test_access_rules import all_patterns
from pathways.core.tests.test_outsider_matrix import everything, record_urls
from pathways.core.tests.test_role_matrix import CASEWORK, pages

pytestmark = pytest.mark.django_db


def events_of(user) -> int:  # type: ignore[no-untyped-def]
    return AuditEvent.objects.filter(actor=user).count()


def record_pages(world: World) -> list[str]:
    """Every page and endpoint that names one of a Knowsley household's records, one record
    of every kind made (the outsider matrix's walk, here tried by the household's own)."""
    return record_urls(everything(world), world.household_k.budget.pk)


def test_every_page_and_endpoint_a_caseworker_reads_is_audited(world: World, signed_in) -> None:
    unaudited = []
    for url, statuses in pages(world):
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


def test_every_page_and_endpoint_of_one_record_is_audited_when_read(
    world: World, signed_in
) -> None:
    """Read by the household's advocate, or where advocates may not, its team manager."""
    unaudited, read = [], 0
    for url in record_pages(world):
        for user in (world.advocate_k, world.manager_k):
            client = signed_in(user)
            before = events_of(user)
            status = client.get(url).status_code
            if status == 200:
                read += 1
                if events_of(user) == before:
                    unaudited.append(f"{url} as {user.username}")
                break
            # A form that only takes a post (405, or 404 "post to …"), or not theirs (403).
            assert status in (403, 404, 405), (url, status)
    assert unaudited == []
    assert read > 30  # the walk reads the pages, not only refusals


def test_the_walk_above_covers_every_case_data_view(world: World) -> None:
    """A page or endpoint that caseworkers can open and the walk does not try is a gap."""
    urls = [url for url, _ in pages(world)] + record_pages(world)
    walked = {resolve(url.split("?")[0]).func for url in urls}
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
# accident. They show no case record.
NOT_WALKED = {
    # Signing in, and one's own account.
    "account/sign-out/",
    "account/two-factor/",
    "account/two-factor/verify/",
    "account/two-factor/recovery/",
    "account/two-factor/set-up/",
    "account/recovery-codes/",
    # The API's description.
    "api/docs/",
    # Need against reach as figures by area, after disclosure control: no one's record.
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
