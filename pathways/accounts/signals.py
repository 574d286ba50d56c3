"""Stamp the sign-in time (for the 12-hour limit) and audit sign-in and sign-out."""

from __future__ import annotations

import time
from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from pathways.accounts.middleware import SIGNED_IN_AT
from pathways.audit import services as audit


@receiver(user_logged_in)
def stamp_sign_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SIGNED_IN_AT] = time.time()
    audit.record(actor=user, verb="user.signed_in", target=user, target_label=user.username)


@receiver(user_logged_out)
def audit_sign_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record(actor=user, verb="user.signed_out", target=user, target_label=user.username)
