"""API tokens: issued to a named system for a user, kept only as a hash, expiring, listed and
revoked by administrators from the command line. The token itself is shown once, at issue."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from pathways.accounts.models import ApiToken, User
from pathways.audit import services as audit
from pathways.audit.verbs import Verb

MAX_DAYS = 366


class TokenRefused(Exception):
    """Why a token cannot be issued or revoked, in words for the person at the command line."""


def _label(token: ApiToken) -> str:
    return f"token {token.token_key} ({token.name})"


@transaction.atomic
def issue(*, user: User, name: str, days: int | None = None, actor: User | None = None) -> str:
    """A new token for `user`, working for `days` (default PATHWAYS_API_TOKEN_DAYS), scoped to
    the role the user has now. Returns the token: it cannot be shown again."""
    days = settings.API_TOKEN_DAYS if days is None else days
    problems = []
    if not user.is_active:
        problems.append(f"{user.username} is disabled")
    if not user.role:
        problems.append(f"{user.username} has no role, so a token would reach nothing")
    if not name.strip():
        problems.append("say what will use the token (--name), so it can be found and revoked")
    if not 1 <= days <= MAX_DAYS:
        problems.append(f"a token lasts from 1 to {MAX_DAYS} days, not {days}")
    if problems:
        raise TokenRefused("; ".join(problems))
    token, key = ApiToken.objects.create(
        user, dt.timedelta(days=days), name=name.strip()[:100], role=user.role
    )
    audit.record(
        actor=actor,
        verb=Verb.API_TOKEN_ISSUED,
        target=user,
        target_label=user.username,
        data={"token": token.token_key, "name": token.name, "role": token.role, "days": days},
    )
    return key


def tokens_of(user: User | None = None) -> QuerySet[ApiToken]:
    """Tokens that still work (not expired), a user's or everyone's, newest first."""
    tokens = ApiToken.objects.filter(expiry__gt=timezone.now()).select_related("user")
    if user is not None:
        tokens = tokens.filter(user=user)
    return tokens.order_by("user__username", "-created")


@transaction.atomic
def revoke(*, user: User, keys: Sequence[str] = (), actor: User | None = None) -> int:
    """Revoke a user's tokens by the start of each (as `list` shows it), or all when no key is
    given. Returns how many were revoked."""
    tokens = ApiToken.objects.filter(user=user)
    if keys:
        unknown = [key for key in keys if not tokens.filter(token_key=key[:15]).exists()]
        if unknown:
            raise TokenRefused(f"{user.username} has no token starting {', '.join(unknown)}")
        tokens = tokens.filter(token_key__in=[key[:15] for key in keys])
    revoked = list(tokens)
    for token in revoked:
        audit.record(
            actor=actor,
            verb=Verb.API_TOKEN_REVOKED,
            target=user,
            target_label=user.username,
            data={"token": token.token_key, "name": token.name},
        )
    tokens.delete()
    return len(revoked)
