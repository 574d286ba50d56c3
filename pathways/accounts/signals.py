"""Stamp the sign-in time (for the 12-hour limit) and audit sign-in, sign-out and the
security events around them: failed sign-ins and lockouts. Only metadata is written, never a
password; a username typed at a failed sign-in is kept only when it names a real account (a
password typed into the username box must not end up in the log)."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from pathways.accounts import throttle
from pathways.accounts.middleware import SIGNED_IN_AT
from pathways.accounts.models import User
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.network import client_address


@receiver(user_logged_in)
def stamp_sign_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()
    audit.record(actor=user, verb=Verb.USER_SIGNED_IN, target=user, target_label=user.username)


@receiver(user_logged_out)
def audit_sign_out(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, verb=Verb.USER_SIGNED_OUT, target=user, target_label=user.username)


def _account(username: Any) -> Any:
    if not isinstance(username, str) or not username:
        return None
    return get_user_model().objects.filter(username=username).first()


@receiver(user_login_failed)
def audit_failed_sign_in(
    sender: Any, credentials: dict, request: Any = None, **kwargs: Any
) -> None:
    account = _account(credentials.get("username"))
    audit.record(
        actor=None,
        verb=Verb.USER_SIGN_IN_FAILED,
        target=account,
        target_label=account.username if account else "(no such account)",
    )
    if request is not None:  # counted against the address, whatever the username
        throttle.record_sign_in_failure(address=client_address(request), user=account)


@receiver(user_locked_out)
def audit_lockout(sender: Any, request: Any = None, username: Any = None, **kwargs: Any) -> None:
    account = _account(username)
    audit.record(
        actor=None,
        verb=Verb.USER_LOCKED_OUT,
        target=account,
        target_label=account.username if account else "(no such account)",
    )
