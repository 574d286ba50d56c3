"""A user's own account: change password, new recovery codes."""

from __future__ import annotations

from django.urls import reverse

from pathways.accounts.models import RecoveryCode
from pathways.accounts.tests.factories import PASSWORD
from pathways.audit.models import AuditEvent
from pathways.conftest import World


def test_a_user_changes_their_password_and_stays_signed_in(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    response = client.post(
        reverse("accounts:change-password"),
        {
            "old_password": PASSWORD,
            "new_password1": "kettle orbit lantern",
            "new_password2": "kettle orbit lantern",
        },
    )
    assert response["Location"] == reverse("accounts:account")
    world.advocate_k.refresh_from_db()
    assert world.advocate_k.check_password("kettle orbit lantern")
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(verb="user.password_changed", actor=world.advocate_k).exists()


def test_a_wrong_old_password_changes_nothing(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    response = client.post(
        reverse("accounts:change-password"),
        {
            "old_password": "not it at all",
            "new_password1": "kettle orbit lantern",
            "new_password2": "kettle orbit lantern",
        },
    )
    assert "Your old password was entered incorrectly" in response.content.decode()
    world.advocate_k.refresh_from_db()
    assert world.advocate_k.check_password(PASSWORD)


def test_new_recovery_codes_replace_the_old_ones(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    first = client.post(reverse("accounts:new-recovery-codes")).context["codes"]
    second = client.post(reverse("accounts:new-recovery-codes")).context["codes"]
    assert set(first).isdisjoint(second)
    assert RecoveryCode.objects.filter(device__user=world.advocate_k).count() == 10
    page = client.get(reverse("accounts:account"))
    assert 'id="recovery-remaining">10<' in page.content.decode()
