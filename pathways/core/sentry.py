"""Error reporting to Sentry (or a Sentry-compatible service such as GlitchTip), only when
SENTRY_DSN is set, and with nothing personal in what is sent.

The SDK is told to collect no personal data, no local variables and no request bodies; and
`scrub` keeps only an allow-list of an event's parts besides: the exception and its stack, the
log message, the request's method and path (no query string, headers, cookies or body), the
user's id, the request id (the reference on the error page) and the release. Breadcrumbs are
dropped: they would carry SQL and log lines.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import sentry_sdk
from django.core.exceptions import ImproperlyConfigured
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.utils import BadDsn

from pathways.core.logs import current_request, request_id_of, user_id_of

KEPT = ("event_id", "timestamp", "platform", "level", "logger", "transaction", "server_name",
        "release", "environment", "exception", "logentry", "message", "fingerprint", "sdk",
        "modules", "contexts", "tags")  # fmt: skip


def _frames_without_variables(exception: dict[str, Any]) -> dict[str, Any]:
    for value in exception.get("values") or []:
        for frame in (value.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)
    return exception


def scrub(event: dict[str, Any], hint: dict[str, Any] | None = None) -> dict[str, Any]:
    """The event with only the allow-listed parts (Sentry's before_send)."""
    kept = {key: event[key] for key in KEPT if key in event}
    if "exception" in kept:
        kept["exception"] = _frames_without_variables(kept["exception"])
    request = event.get("request") or {}
    if request.get("url"):  # set by the WSGI handler: the method and the address, no query
        kept["request"] = {
            "method": request.get("method"),
            "url": urlsplit(request["url"])._replace(query="", fragment="").geturl(),
        }
    current = current_request.get()
    user_id = user_id_of(current)
    if user_id is not None:
        kept["user"] = {"id": str(user_id)}
    request_id = request_id_of(current)
    if request_id:
        kept["tags"] = dict(kept.get("tags") or {}) | {"request_id": request_id}
    return kept


def set_up(dsn: str, *, environment: str, release: str) -> None:
    """Start reporting errors to `dsn`; a DSN that is not one stops Pathways, naming it."""
    try:
        sentry_sdk.init(
            dsn=dsn,
            environment=environment,
            release=release,
            integrations=[DjangoIntegration()],
            send_default_pii=False,
            include_local_variables=False,
            max_request_body_size="never",
            max_breadcrumbs=0,
            traces_sample_rate=0,
            before_send=scrub,
            before_breadcrumb=lambda crumb, hint: None,
        )
    except BadDsn as error:
        raise ImproperlyConfigured(f"SENTRY_DSN is not a Sentry DSN: {error}") from None
