"""Step-up: a fresh code from the authenticator app before a sensitive action.

Approving outcomes and claims, recording payments, bulk exports of case records and changing
two-factor settings need the user to have proved, within the last few minutes, that they still
hold their authenticator (ASVS 4.0 V4.3 / 3.7.1). Signing in counts; after that the window runs
out and the user is asked for a new code before going on. A stolen, unlocked session alone can
then neither take a bulk export nor approve money.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

STEPPED_UP_AT = "pathways.stepped_up_at"


def window_seconds() -> int:
    return settings.STEP_UP_MINUTES * 60


def stamp(request: HttpRequest) -> None:
    """The user has just given a code from their authenticator (at sign-in or a step-up)."""
    request.session[STEPPED_UP_AT] = time.time()


def is_fresh(request: HttpRequest) -> bool:
    at = request.session.get(STEPPED_UP_AT)
    return at is not None and time.time() - at <= window_seconds()


def _back_to(request: HttpRequest) -> str:
    """Where to return after the code: this page, or for a form posted from another page, that
    page (the user checks what they were doing and sends it again)."""
    if request.method == "GET":
        return request.get_full_path()
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, {request.get_host()}, request.is_secure()
    ):
        return referer
    return request.path


def ask(request: HttpRequest) -> HttpResponse:
    """Send the user for a fresh code, then back to what they were doing."""
    return redirect(f"{reverse('accounts:confirm')}?{urlencode({'next': _back_to(request)})}")


def needs_step_up(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ask for a fresh authenticator code first, unless one was given in the last few minutes.
    Nothing the request asked for is done until then."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_fresh(request):
            return ask(request)
        return view(request, *args, **kwargs)

    wrapped.pathways_step_up = True  # type: ignore[attr-defined]
    return wrapped
