"""Administrators add and change users and organisations; users set their own password."""

from __future__ import annotations

import re

from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.accounts.models import User
from pathways.accounts.tests.factories import PASSWORD, give_authenticator
from pathways.audit.models import AuditEvent
from pathways.conftest import World
from pathways.core.roles import Role
from pathways.organisations.models import Organisation, Team


def new_user_form(world: World, **changes: object) -> dict:
    team = Team.objects.create(organisation=world.knowsley, name="Advocates")
    data = {
        "username": "new.advocate",
        "first_name": "Nia",
        "last_name": "New",
        "email": "nia.new@knowsley.example",
        "role": Role.ADVOCATE,
        "organisation": world.knowsley.pk,
        "team": team.pk,
    }
    data.update(changes)
    return data


def set_up_link(response) -> str:
    return re.search(r'id="set-up-link"[^>]*>([^<]+)<', response.content.decode()).group(1)


def test_an_administrator_adds_a_user_who_then_sets_up_their_own_sign_in(
    world: World, signed_in, client
) -> None:
    admin = signed_in(world.administrator)
    response = admin.post(reverse("organisations:user-create"), new_user_form(world))
    assert response.status_code == 200
    link = set_up_link(response)
    user = User.objects.get(username="new.advocate")
    assert not user.has_usable_password()
    assert AuditEvent.objects.filter(
        verb="user.created", target_id=str(user.pk), actor=world.administrator
    ).exists()

    admin.logout()
    path = link.removeprefix("http://testserver")
    page = client.get(path)
    assert "Choose your password" in page.content.decode()
    response = client.post(path, {"new_password1": "short", "new_password2": "short"})
    assert "This password is too short" in response.content.decode()
    response = client.post(
        path, {"new_password1": "kettle orbit lantern", "new_password2": "kettle orbit lantern"}
    )
    assert response["Location"] == reverse("accounts:sign-in")
    # The link works once.
    assert client.get(path).status_code == 404
    # The new user signs in and is asked to set up two-factor.
    client.post(
        reverse("accounts:sign-in"),
        {"username": "new.advocate", "password": "kettle orbit lantern"},
    )
    assert client.get(reverse("accounts:two-factor"))["Location"] == reverse(
        "accounts:two-factor-setup"
    )


def test_a_team_of_another_organisation_is_refused(world: World, signed_in) -> None:
    other_team = Team.objects.create(organisation=world.liverpool, name="Liverpool advocates")
    response = signed_in(world.administrator).post(
        reverse("organisations:user-create"), new_user_form(world, team=other_team.pk)
    )
    assert "is a team of Liverpool Council, not of Knowsley Council" in response.content.decode()
    assert not User.objects.filter(username="new.advocate").exists()


def test_programmes_are_only_for_programme_roles(world: World, signed_in) -> None:
    response = signed_in(world.administrator).post(
        reverse("organisations:user-create"), new_user_form(world, programmes=[world.hiw.pk])
    )
    assert (
        "Only programme managers, evaluators and funders have programmes"
        in response.content.decode()
    )


def test_a_username_cannot_be_taken_twice(world: World, signed_in) -> None:
    response = signed_in(world.administrator).post(
        reverse("organisations:user-create"), new_user_form(world, username="ADVOCATE-K")
    )
    assert "There is already a user with this username" in response.content.decode()


def test_changing_a_users_role_is_audited_with_before_and_after(world: World, signed_in) -> None:
    admin = signed_in(world.administrator)
    data = new_user_form(world, role=Role.TEAM_MANAGER)
    del data["username"]
    response = admin.post(reverse("organisations:user-edit", args=[world.advocate_k.pk]), data)
    assert response.status_code == 302
    world.advocate_k.refresh_from_db()
    assert world.advocate_k.role == Role.TEAM_MANAGER
    event = AuditEvent.objects.get(verb="user.changed")
    assert event.data["changes"]["role"] == {"before": "advocate", "after": "team_manager"}


def test_resetting_two_factor_removes_the_authenticator(world: World, signed_in) -> None:
    give_authenticator(world.advocate_k)
    signed_in(world.administrator).post(
        reverse("organisations:user-reset-two-factor", args=[world.advocate_k.pk])
    )
    assert not TOTPDevice.objects.filter(user=world.advocate_k).exists()
    assert AuditEvent.objects.filter(
        verb="two_factor.reset", target_id=str(world.advocate_k.pk)
    ).exists()


def test_a_new_set_up_link_stops_the_old_password_at_once(world: World, signed_in, client) -> None:
    signed_in(world.administrator).post(
        reverse("organisations:user-set-up-link", args=[world.advocate_k.pk])
    )
    world.advocate_k.refresh_from_db()
    assert not world.advocate_k.check_password(PASSWORD)


def test_an_administrator_adds_an_organisation_and_a_team(world: World, signed_in) -> None:
    admin = signed_in(world.administrator)
    response = admin.post(
        reverse("organisations:create"),
        {"name": "Halton Housing", "type": "housing_provider", "local_authority": ""},
    )
    organisation = Organisation.objects.get(name="Halton Housing")
    assert response["Location"] == reverse("organisations:detail", args=[organisation.pk])
    admin.post(reverse("organisations:detail", args=[organisation.pk]), {"name": "Tenancy support"})
    assert organisation.teams.filter(name="Tenancy support").exists()
    again = admin.post(
        reverse("organisations:detail", args=[organisation.pk]), {"name": "tenancy support"}
    )
    assert "already has a team called" in again.content.decode()
    assert {"organisation.created", "team.created"} <= set(
        AuditEvent.objects.values_list("verb", flat=True)
    )


def test_only_administrators_can_add_users(world: World, signed_in) -> None:
    client = signed_in(world.programme_manager)
    response = client.post(reverse("organisations:user-create"), new_user_form(world))
    assert response.status_code == 403
    assert not User.objects.filter(username="new.advocate").exists()


def own_account_form(world: World, **changes: object) -> dict:
    admin = world.administrator
    data = {
        "first_name": "Ada",
        "last_name": admin.last_name,
        "email": admin.email,
        "role": admin.role,
        "organisation": admin.organisation_id,
        "team": "",
    }
    data.update(changes)
    return data


def test_an_administrator_cannot_give_their_own_account_case_access(
    world: World, signed_in
) -> None:
    admin = signed_in(world.administrator)
    url = reverse("organisations:user-edit", args=[world.administrator.pk])
    for change in (
        {"role": Role.PROGRAMME_MANAGER, "programmes": [world.hiw.pk]},
        {"organisation": world.knowsley.pk},
    ):
        response = admin.post(url, own_account_form(world, **change))
        assert response.status_code == 200
        assert "ask another administrator to do it" in response.content.decode()
        world.administrator.refresh_from_db()
        assert world.administrator.role == Role.ADMINISTRATOR
        assert world.administrator.organisation != world.knowsley
        assert not world.administrator.programmes.exists()
    assert admin.get("/households/").status_code == 403
    assert not AuditEvent.objects.filter(verb="user.changed").exists()
    # Their own name is theirs to change.
    assert admin.post(url, own_account_form(world)).status_code == 302
    world.administrator.refresh_from_db()
    assert world.administrator.first_name == "Ada"


def test_a_second_administrator_can_grant_an_administrator_case_access(
    world: World, signed_in
) -> None:
    second = User.objects.create(
        username="admin-2", role=Role.ADMINISTRATOR, organisation=world.administrator.organisation
    )
    url = reverse("organisations:user-edit", args=[world.administrator.pk])
    change = own_account_form(world, role=Role.PROGRAMME_MANAGER, programmes=[world.hiw.pk])
    assert signed_in(second).post(url, change).status_code == 302
    world.administrator.refresh_from_db()
    assert world.administrator.role == Role.PROGRAMME_MANAGER
    event = AuditEvent.objects.get(verb="user.changed")
    assert event.actor == second
