"""Accounts: two-factor enrolment, recovery codes, enabling and disabling users."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.accounts.models import RecoveryCode, RecoveryDevice, User, new_recovery_code
from pathways.audit import services as audit

RECOVERY_CODE_COUNT = 10


def pending_totp_device(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being set up for a user (made on first call)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


@transaction.atomic
def confirm_totp_device(*, user: User, device: TOTPDevice) -> list[str]:
    """Confirm a newly set-up authenticator and issue fresh recovery codes (returned once)."""
    TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = issue_recovery_codes(user=user)
    audit.record(actor=user, verb="two_factor.enrolled", target=user, target_label=user.username)
    return codes


@transaction.atomic
def issue_recovery_codes(*, user: User) -> list[str]:
    """Replace a user's recovery codes with new ones; the plain codes are shown only now."""
    RecoveryDevice.objects.filter(user=user).delete()
    device = RecoveryDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode.for_code(device, code) for code in codes)
    return codes


def recovery_device(user: User) -> RecoveryDevice | None:
    return RecoveryDevice.objects.filter(user=user, confirmed=True).first()


def current_totp_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show now (for demo users and tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@transaction.atomic
def set_user_active(*, user: User, active: bool, actor: Any) -> User:
    """Disable or re-enable an account; a disabled user's sessions stop at their next request."""
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            verb="user.enabled" if active else "user.disabled",
            target=user,
            target_label=user.username,
        )
    return user
