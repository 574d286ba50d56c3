"""Setting up the authenticator app, and single-use hashed recovery codes."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.accounts.models import RecoveryCode
from pathways.accounts.services import current_totp_code
from pathways.accounts.tests.factories import PASSWORD, UserFactory
from pathways.core.roles import Role


@pytest.fixture
def new_user(db):
    return UserFactory(username="newbie", role=Role.ADVOCATE)


def test_a_new_user_sets_up_their_app_and_gets_recovery_codes(client, new_user) -> None:
    client.post("/account/sign-in/", {"username": "newbie", "password": PASSWORD})
    assert client.get(reverse("accounts:two-factor"))["Location"] == reverse(
        "accounts:two-factor-setup"
    )
    page = client.get(reverse("accounts:two-factor-setup"))
    html = page.content.decode()
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code
    assert 'id="totp-secret"' in html  # and the key, for typing in
    device = TOTPDevice.objects.get(user=new_user, confirmed=False)
    response = client.post(
        reverse("accounts:two-factor-setup"), {"code": current_totp_code(device)}
    )
    codes = response.context["codes"]
    assert len(codes) == 10
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    # Only hashes are stored.
    stored = RecoveryCode.objects.filter(device__user=new_user)
    assert stored.count() == 10
    assert not any(code.replace("-", "") in row.digest for row in stored for code in codes)


def test_a_recovery_code_signs_in_once_only(client, new_user) -> None:
    from pathways.accounts.services import confirm_totp_device, pending_totp_device

    codes = confirm_totp_device(user=new_user, device=pending_totp_device(new_user))
    client.post("/account/sign-in/", {"username": "newbie", "password": PASSWORD})
    response = client.post(reverse("accounts:two-factor-recovery"), {"code": codes[0].upper()})
    assert "You have 9 recovery codes left" in response.content.decode()
    assert client.get("/").status_code == 200

    client.post(reverse("accounts:sign-out"))
    client.post("/account/sign-in/", {"username": "newbie", "password": PASSWORD})
    response = client.post(reverse("accounts:two-factor-recovery"), {"code": codes[0]})
    assert "has been used already" in response.content.decode()
    assert client.get("/").status_code == 302


def test_a_wrong_setup_code_does_not_confirm_the_app(client, new_user) -> None:
    client.post("/account/sign-in/", {"username": "newbie", "password": PASSWORD})
    client.get(reverse("accounts:two-factor-setup"))
    device = TOTPDevice.objects.get(user=new_user)
    wrong = "000000" if current_totp_code(device) != "000000" else "111111"
    response = client.post(reverse("accounts:two-factor-setup"), {"code": wrong})
    assert "The code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
