"""API authentication: a token (a partner's system), or a browser session that finished
two-factor sign-in."""

from __future__ import annotations

from typing import Any

from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication

from pathways.accounts.models import ApiToken


class ApiTokenAuthentication(TokenAuthentication):
    """knox's hashed, expiring tokens, refused once the user no longer holds the role the
    token was issued for: a token never carries more than its user was given."""

    def validate_user(self, auth_token: ApiToken) -> tuple[Any, ApiToken]:
        user, token = super().validate_user(auth_token)
        if token.role != user.role:
            raise exceptions.AuthenticationFailed(
                "This token was issued for another role than its user now has: "
                "ask an administrator for a new one."
            )
        return user, token


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
