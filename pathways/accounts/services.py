"""Accounts: creating and changing users, set-up links, two-factor enrolment, recovery codes."""

from __future__ import annotations

from collections.abc import Iterable
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.sessions.models import Session
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from pathways.accounts import throttle
from pathways.accounts.models import (
    Actor,
    ApiToken,
    RecoveryCode,
    RecoveryDevice,
    User,
    new_recovery_code,
)
from pathways.audit import services as audit
from pathways.audit.verbs import Verb

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
    audit.record(actor=user, verb=Verb.TWO_FACTOR_ENROLLED, target=user, target_label=user.username)
    return codes


@transaction.atomic
def issue_recovery_codes(*, user: User) -> list[str]:
    """Replace a user's recovery codes with new ones; the plain codes are shown only now."""
    RecoveryDevice.objects.filter(user=user).delete()
    device = RecoveryDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
    codes = [new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(RecoveryCode.for_code(device, code) for code in codes)
    return codes


def record_two_factor_failure(*, user: User, method: str, address: str | None) -> None:
    """A wrong code at the two-factor step: audited (never the code typed) and counted."""
    throttle.record_code_failure(user=user, address=address)
    audit.record(
        actor=user,
        verb=Verb.TWO_FACTOR_FAILED,
        target=user,
        target_label=user.username,
        data={"method": method},
    )


def record_step_up(*, user: User) -> None:
    audit.record(
        actor=user, verb=Verb.TWO_FACTOR_STEPPED_UP, target=user, target_label=user.username
    )


def recovery_device(user: User) -> RecoveryDevice | None:
    return RecoveryDevice.objects.filter(user=user, confirmed=True).first()


def current_totp_code(device: TOTPDevice) -> str:
    """The code an authenticator app would show now (for demo users and tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@transaction.atomic
def set_user_active(*, user: User, active: bool, actor: Actor) -> User:
    """Disable or re-enable an account. Disabling signs the user out everywhere at once, so
    enabling the account again later brings back no session or API token."""
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            actor=actor,
            verb=Verb.USER_ENABLED if active else Verb.USER_DISABLED,
            target=user,
            target_label=user.username,
        )
    if not active:
        end_sessions(user=user, actor=actor)
    return user


def _session_keys_of(user: User) -> list[str]:
    """The keys of the user's unexpired sessions. Sessions are rows in the database (the db
    or cached_db SESSION_ENGINE; a test holds it) whose data is encoded, so each is read; with
    a 12-hour limit on a session there are only as many as people signed in today."""
    pk = str(user.pk)
    sessions = Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500)
    return [s.session_key for s in sessions if s.get_decoded().get(SESSION_KEY) == pk]


@transaction.atomic
def end_sessions(*, user: User, actor: Actor = None) -> None:
    """Sign a user out everywhere: every browser session and every API token ends now."""
    keys = _session_keys_of(user)
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()  # the row, and with cached_db its cached copy too
    tokens, _ = ApiToken.objects.filter(user=user).delete()
    audit.record(
        actor=actor,
        verb=Verb.USER_SESSIONS_ENDED,
        target=user,
        target_label=user.username,
        data={"sessions": len(keys), "api_tokens": tokens},
    )


class SetUpTokenGenerator(PasswordResetTokenGenerator):
    """Tokens for set-up links. A link stops working once the password it sets is saved."""

    key_salt = "pathways.accounts.set-up"


set_up_tokens = SetUpTokenGenerator()

USER_FIELDS = ("first_name", "last_name", "email", "role", "organisation", "team")


def _user_snapshot(user: User) -> dict[str, Any]:
    snapshot = {field: getattr(user, field) for field in USER_FIELDS}
    snapshot["organisation"] = str(user.organisation) if user.organisation_id else None
    snapshot["team"] = str(user.team) if user.team_id else None
    snapshot["programmes"] = sorted(user.programmes.values_list("code", flat=True))
    return snapshot


def user_for_set_up_link(uidb64: str, token: str) -> User | None:
    """The user a set-up link belongs to, if the link is genuine and unused."""
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not set_up_tokens.check_token(user, token):
        return None
    return user


def set_up_path(user: User) -> str:
    """The path of a one-time link with which a user chooses their password."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:set-up", args=[uid, set_up_tokens.make_token(user)])


@transaction.atomic
def create_user(
    *, actor: Actor, username: str, programmes: Iterable[Any] = (), **fields: Any
) -> User:
    """Create an account with no usable password; the user sets one through a set-up link."""
    user = User(username=username, **fields)
    user.set_unusable_password()
    user.save()
    user.programmes.set(programmes)
    audit.record(
        actor=actor,
        verb=Verb.USER_CREATED,
        target=user,
        target_label=user.username,
        data={"after": _user_snapshot(user)},
    )
    return user


class AccountRefused(Exception):
    """A change to an account that is not allowed: {field: why}."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(problems.values()))
        self.problems = problems


# What decides the records an account reaches: nobody changes these on their own account.
ACCESS_FIELDS = {"role": "role", "organisation": "organisation", "team": "team"}


def _refuse_own_access_change(
    *, actor: Actor, user: User, programmes: Iterable[Any], fields: dict[str, Any]
) -> None:
    """An administrator cannot widen their own access (give themselves a casework role, move
    organisation, take on programmes): another administrator has to make that change, so no
    one person can open case records to themselves."""
    if actor is None or actor.pk != user.pk:
        return
    changed = [
        name for name in ACCESS_FIELDS if name in fields and fields[name] != getattr(user, name)
    ]
    wanted = {getattr(p, "pk", p) for p in programmes}
    if wanted != set(user.programmes.values_list("pk", flat=True)):
        changed.append("programmes")
    if changed:
        raise AccountRefused(
            {
                name: f"You cannot change your own {name}: ask another administrator to do it"
                for name in changed
            }
        )


@transaction.atomic
def update_user(*, actor: Actor, user: User, programmes: Iterable[Any], **fields: Any) -> User:
    """Change an account's details, role, organisation or programmes (audited before/after).
    Nobody changes what their own account may reach (`AccountRefused`)."""
    programmes = list(programmes)
    _refuse_own_access_change(actor=actor, user=user, programmes=programmes, fields=fields)
    before = _user_snapshot(user)
    for field, value in fields.items():
        setattr(user, field, value)
    user.save()
    user.programmes.set(programmes)
    after = _user_snapshot(user)
    if before != after:
        audit.record(
            actor=actor,
            verb=Verb.USER_CHANGED,
            target=user,
            target_label=user.username,
            data={"changes": audit.changes(before, after)},
        )
    return user


@transaction.atomic
def reset_two_factor(*, actor: Actor, user: User) -> None:
    """Remove a user's authenticator and recovery codes; they set up again at next sign-in."""
    TOTPDevice.objects.filter(user=user).delete()
    RecoveryDevice.objects.filter(user=user).delete()
    throttle.forget_code_failures(user)
    audit.record(actor=actor, verb=Verb.TWO_FACTOR_RESET, target=user, target_label=user.username)


@transaction.atomic
def issue_set_up_link(*, actor: Actor, user: User) -> str:
    """Make the current password unusable and return a new set-up link (a forgotten password)."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    audit.record(
        actor=actor, verb=Verb.USER_SET_UP_LINK_ISSUED, target=user, target_label=user.username
    )
    return set_up_path(user)


@transaction.atomic
def set_password(*, user: User, password: str, verb: Verb = Verb.USER_PASSWORD_SET) -> User:
    """Save a new password (already validated) and audit it. Any lock on the account goes:
    the owner has just proved themselves (a set-up link from an administrator, or the old
    password)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=user, verb=verb, target=user, target_label=user.username)
    throttle.clear_lockouts(user)
    return user


@transaction.atomic
def unlock(*, actor: Actor, user: User) -> None:
    """An administrator lifts the locks on an account (wrong passwords or codes), from every
    address."""
    throttle.clear_lockouts(user)
    audit.record(actor=actor, verb=Verb.USER_UNLOCKED, target=user, target_label=user.username)
