"""An administrator unlocks an account locked by wrong passwords or codes."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from pathways.accounts.tests.factories import PASSWORD
from pathways.audit.models import AuditEvent
from pathways.conftest import World

ADDRESS = "198.51.100.7"


def lock_out(username: str) -> Client:
    client = Client()
    for _ in range(5):
        client.post(
            reverse("accounts:sign-in"),
            {"username": username, "password": "wrong password!"},
            REMOTE_ADDR=ADDRESS,
        )
    return client


def sign_in_status(client: Client, username: str) -> int:
    response = client.post(
        reverse("accounts:sign-in"),
        {"username": username, "password": PASSWORD},
        REMOTE_ADDR=ADDRESS,
    )
    return response.status_code


def test_an_administrator_sees_a_lock_and_unlocks_the_account(world: World, signed_in) -> None:
    owner = lock_out(world.advocate_k.username)
    assert sign_in_status(owner, world.advocate_k.username) == 429
    admin = signed_in(world.administrator)
    page = admin.get(reverse("organisations:user-edit", args=[world.advocate_k.pk]))
    assert 'id="locked-out"' in page.content.decode()

    response = admin.post(reverse("organisations:user-unlock", args=[world.advocate_k.pk]))
    assert response["Location"] == reverse("organisations:user-edit", args=[world.advocate_k.pk])
    assert sign_in_status(owner, world.advocate_k.username) == 302
    assert AuditEvent.objects.filter(
        verb="user.unlocked", target_id=str(world.advocate_k.pk), actor=world.administrator
    ).exists()
    page = admin.get(reverse("organisations:user-edit", args=[world.advocate_k.pk]))
    assert 'id="locked-out"' not in page.content.decode()


def test_only_administrators_can_unlock_an_account(world: World, signed_in) -> None:
    owner = lock_out(world.advocate_k.username)
    manager = signed_in(world.manager_k)
    response = manager.post(reverse("organisations:user-unlock", args=[world.advocate_k.pk]))
    assert response.status_code == 403
    assert sign_in_status(owner, world.advocate_k.username) == 429
