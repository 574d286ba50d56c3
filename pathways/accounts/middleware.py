"""Ends a session 12 hours after sign-in, however active it has been."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

SIGNED_IN_AT = "pathways_signed_in_at"


class SessionLifetimeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            signed_in_at = request.session.get(SIGNED_IN_AT)
            too_old = signed_in_at is None or (
                time.time() - float(signed_in_at) > settings.SESSION_ABSOLUTE_SECONDS
            )
            if too_old:
                logout(request)
                messages.info(request, "You have been signed out. Sign in again to continue.")
                return redirect(settings.LOGIN_URL)
        return self.get_response(request)
