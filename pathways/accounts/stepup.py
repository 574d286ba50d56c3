"""Step-up: a fresh code from the authenticator app before a sensitive action.

Approving outcomes and claims, recording payments, bulk exports of case records and changing
two-factor settings need the user to have proved, within the last few minutes, that they still
hold their authenticator (ASVS 4.0 V4.3 / 3.7.1). Signing in counts; after that the window runs
out and the user is asked for a new code before going on. A stolen, unlocked session alone can
then neither take a bulk export nor approve money.

One decorator, `needs_step_up`, guards a page view and an API action alike. The API takes the
same fresh session, or a current code from the user's authenticator app in the
`X-Pathways-OTP` header; a request with only an API token must send that header, so a token
on its own never performs a step-up action.
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
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from pathways.accounts import services, throttle
from pathways.core.network import client_address

STEPPED_UP_AT = "pathways.stepped_up_at"
CODE_HEADER = "X-Pathways-OTP"


def window_seconds() -> int:
    return settings.STEP_UP_MINUTES * 60


def stamp(request: HttpRequest) -> None:
    """The user has just given a code from their authenticator (at sign-in or a step-up)."""
    request.session[STEPPED_UP_AT] = time.time()


def is_fresh(request: HttpRequest) -> bool:
    """Whether this browser session gave an authenticator code within the window. A request
    authenticated by an API token has no such session, whatever cookie came with it."""
    if getattr(request, "auth", None) is not None:
        return False
    at = request.session.get(STEPPED_UP_AT)
    return at is not None and time.time() - at <= window_seconds()


def code_in_header_is_right(request: Request) -> bool:
    """Whether the request carries a current code from its user's authenticator app (each
    code works once; wrong ones count towards the same wait as at the two-factor page)."""
    code = request.headers.get(CODE_HEADER, "").strip()
    device = services.confirmed_totp_device(request.user) if code else None
    if device is None:
        return False
    address = client_address(request)
    if throttle.codes_refused(user=request.user, address=address):
        return False
    allowed, _ = device.verify_is_allowed()
    if allowed and device.verify_token(code):
        services.record_step_up(user=request.user)
        return True
    services.record_two_factor_failure(
        user=request.user, method=f"{CODE_HEADER} header", address=address
    )
    return False


def _api_refusal() -> Response:
    return Response(
        {
            "detail": (
                "This action needs a fresh code from your authenticator app: send the code "
                f"your app shows now in the {CODE_HEADER} header."
            ),
            "code": "step_up_required",
        },
        status=status.HTTP_403_FORBIDDEN,
    )


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


def needs_step_up(view: Callable[..., Any]) -> Callable[..., Any]:
    """Ask for a fresh authenticator code first, unless one was given in the last few minutes.
    Nothing the request asked for is done until then. On a page view the user is sent for the
    code; on an API action (a method of a DRF view) the answer is 403 `step_up_required`."""

    @wraps(view)
    def wrapped(first: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(first, HttpRequest):
            return view(first, *args, **kwargs) if is_fresh(first) else ask(first)
        request = args[0]
        if not isinstance(request, Request):
            raise TypeError("needs_step_up decorates a view function or an API view's method")
        if is_fresh(request) or code_in_header_is_right(request):
            return view(first, *args, **kwargs)
        return _api_refusal()

    wrapped.pathways_step_up = True  # type: ignore[attr-defined]
    return wrapped
