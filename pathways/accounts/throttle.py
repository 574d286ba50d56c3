"""Slowing down guessing: of passwords from one address, and of two-factor codes.

django-axes locks an account after five wrong passwords, but only from the address they came
from (settings.AXES_LOCKOUT_PARAMETERS): a stranger elsewhere cannot lock the owner out. What
axes cannot also say, with a limit of its own, is "too many wrong passwords from this address,
whatever the usernames" (password spraying, ASVS 2.2.1), so that is counted here, as are wrong
two-factor codes (authenticator and recovery codes) per account and per address.

The counts are rows in the database, not a cache: every web process and machine shares them.
A refused attempt is not counted, so a limit ends when its window has passed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from axes.models import AccessAttempt
from axes.utils import reset as reset_axes
from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from pathways.accounts.models import FailedAttempt, User
from pathways.audit import services as audit
from pathways.audit.verbs import Verb

Kind = FailedAttempt.Kind


def _since(minutes: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(minutes=minutes)


def _failures(kind: str, minutes: int, **who: Any) -> int:
    return FailedAttempt.objects.filter(kind=kind, at__gte=_since(minutes), **who).count()


@transaction.atomic
def _record(
    kind: str, *, user: User | None, address: str | None, by_user: bool, verb: Verb
) -> None:
    """Keep one failure (forgetting those too old to count); audited once, by the failure
    that reaches the limit of the account (`by_user`) or of the address."""
    attempts, minutes = _limit(kind, by_user=by_user)
    FailedAttempt.objects.filter(kind=kind, at__lt=_since(minutes)).delete()
    FailedAttempt.objects.create(kind=kind, user=user, ip_address=address)
    who = {"user": user} if by_user else {"ip_address": address}
    if _failures(kind, minutes, **who) == attempts:
        audit.record(
            actor=None,
            verb=verb,
            target=user if by_user else None,
            target_label=user.username if by_user and user else (address or ""),
            data={"attempts": attempts, "minutes": minutes},
        )


def _limit(kind: str, *, by_user: bool) -> tuple[int, int]:
    """How many failures, in how many minutes, before attempts are refused."""
    if kind == Kind.SIGN_IN:
        return settings.SIGN_IN_ADDRESS_ATTEMPTS, settings.SIGN_IN_ADDRESS_MINUTES
    attempts = settings.CODE_ATTEMPTS if by_user else settings.CODE_ADDRESS_ATTEMPTS
    return attempts, settings.CODE_WAIT_MINUTES


def address_is_throttled(address: str | None) -> bool:
    """Whether sign-ins from this address are refused for now (too many wrong passwords)."""
    attempts, minutes = _limit(Kind.SIGN_IN, by_user=False)
    return bool(address) and _failures(Kind.SIGN_IN, minutes, ip_address=address) >= attempts


def record_sign_in_failure(*, address: str | None, user: User | None) -> None:
    """A wrong password from `address` (naming `user`, if a real account)."""
    if address:
        _record(
            Kind.SIGN_IN,
            user=user,
            address=address,
            by_user=False,
            verb=Verb.SIGN_IN_ADDRESS_THROTTLED,
        )


def codes_refused(*, user: User, address: str | None) -> bool:
    """Whether two-factor codes from this user, or from this address, are refused for now."""
    attempts, minutes = _limit(Kind.CODE, by_user=True)
    if _failures(Kind.CODE, minutes, user=user) >= attempts:
        return True
    attempts, minutes = _limit(Kind.CODE, by_user=False)
    return bool(address) and _failures(Kind.CODE, minutes, ip_address=address) >= attempts


def record_code_failure(*, user: User, address: str | None) -> None:
    """A wrong two-factor code (authenticator, recovery or step-up)."""
    _record(Kind.CODE, user=user, address=address, by_user=True, verb=Verb.TWO_FACTOR_THROTTLED)


def forget_code_failures(user: User) -> None:
    """The user gave a right code: their wrong ones no longer count against them."""
    FailedAttempt.objects.filter(kind=Kind.CODE, user=user).delete()


def is_locked_out(user: User) -> bool:
    """Whether the user cannot sign in just now: locked by wrong passwords from some address,
    or made to wait after wrong codes."""
    locked = (  # axes adds up an address's rows (one per browser) as it decides
        AccessAttempt.objects.filter(
            username=user.username, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
        )
        .values("ip_address")
        .annotate(failures=Sum("failures_since_start"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .exists()
    )
    attempts, minutes = _limit(Kind.CODE, by_user=True)
    return locked or _failures(Kind.CODE, minutes, user=user) >= attempts


def clear_lockouts(user: User) -> int:
    """Lift every lock on the account (from any address) and forget its wrong codes."""
    cleared = reset_axes(username=user.username)
    deleted, _ = FailedAttempt.objects.filter(kind=Kind.CODE, user=user).delete()
    return cleared + deleted
