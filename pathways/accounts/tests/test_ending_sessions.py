"""Disabling a user signs them out everywhere at once: enabling them again brings back no
session and no API token."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from pathways.accounts import tokens
from pathways.accounts.models import ApiToken, User
from pathways.audit.models import AuditEvent
from pathways.conftest import World, sign_in

pytestmark = pytest.mark.django_db


def on_the_users_page(world: World) -> Callable[[User, bool], None]:
    admin = sign_in(Client(), world.administrator)

    def set_active(user: User, active: bool) -> None:
        url = reverse("organisations:user-set-active", args=[user.pk])
        assert admin.post(url, {"active": "yes" if active else "no"}).status_code == 302

    return set_active


def with_the_users_command(world: World) -> Callable[[User, bool], None]:
    def set_active(user: User, active: bool) -> None:
        call_command("users", "enable" if active else "disable", user.username)

    return set_active


def still_signed_in(client: Client) -> bool:
    return client.get(reverse("households:list")).status_code == 200


@pytest.mark.parametrize("how", [on_the_users_page, with_the_users_command])
def test_a_user_disabled_and_enabled_again_is_signed_out_and_their_api_token_ended(
    world: World, how: Callable[[World], Callable[[User, bool], None]]
) -> None:
    set_active = how(world)
    advocate, bystander = sign_in(Client(), world.advocate_k), sign_in(Client(), world.manager_k)
    token = tokens.issue(user=world.advocate_k, name="partner system")
    assert still_signed_in(advocate) and still_signed_in(bystander)

    set_active(world.advocate_k, False)
    set_active(world.advocate_k, True)

    page = advocate.get(reverse("households:list"))
    assert page.status_code == 302
    assert page["Location"].startswith(reverse("accounts:sign-in"))
    assert advocate.get("/api/households/").status_code in (401, 403)
    api = Client().get("/api/households/", HTTP_AUTHORIZATION=f"Token {token}")
    assert api.status_code == 401
    assert not ApiToken.objects.filter(user=world.advocate_k).exists()
    assert still_signed_in(bystander)
    ended = AuditEvent.objects.get(verb="user.sessions_ended", target_id=str(world.advocate_k.pk))
    assert ended.data == {"sessions": 1, "api_tokens": 1}


def test_the_users_command_names_a_user_it_does_not_know_and_changes_nothing(
    world: World,
) -> None:
    with pytest.raises(CommandError, match="There is no user called 'nobody'"):
        call_command("users", "disable", "nobody")
    assert not User.objects.filter(is_active=False).exists()


def test_sessions_are_kept_where_they_can_be_ended() -> None:
    """Ending a user's sessions deletes their rows: a cookie-only session could not be ended."""
    assert settings.SESSION_ENGINE in (
        "django.contrib.sessions.backends.db",
        "django.contrib.sessions.backends.cached_db",
    )
