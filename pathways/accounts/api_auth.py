"""API authentication: tokens, or a browser session that finished two-factor sign-in."""

from __future__ import annotations

from typing import Any

from rest_framework.authentication import SessionAuthentication


class VerifiedSessionAuthentication(SessionAuthentication):
    """Session authentication that ignores sessions which have not passed two-factor."""

    def authenticate(self, request: Any) -> Any:
        result = super().authenticate(request)
        if result is None:
            return None
        user = request._request.user
        if not user.is_verified():
            return None
        return result
