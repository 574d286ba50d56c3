"""Logs an operator can use: time, level, logger, request id and user id on every line, one
access line per request, plain text by default or one JSON object a line
(PATHWAYS_LOG_FORMAT=json) for a log collector.

What a line may carry is decided here, not by whoever logs: the request id, the user's id (never
their name), the method, the path without its query string, the status and the time taken.
Nothing from a form or a record is added, so a posted password or case note cannot reach a log.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject, empty

from pathways.core.network import client_address, is_trusted_proxy

current_request: ContextVar[HttpRequest | None] = ContextVar("current_request", default=None)

REQUEST_ID_HEADER = "X-Request-ID"
# A request id a trusted proxy may hand on (nginx's $request_id is 32 hex digits).
GIVEN_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
ACCESS_LOGGER = "pathways.access"
access_log = logging.getLogger(ACCESS_LOGGER)

# Attributes every LogRecord has; anything else on a record was passed as `extra`.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
ACCESS_FIELDS = ("method", "path", "status", "duration_ms", "client")
# Parts of a path that are credentials (a set-up link's token): logged as [hidden].
SECRET_URL_PARTS = ("uidb64", "token")


def request_id_of(request: HttpRequest | None) -> str | None:
    return getattr(request, "request_id", None)


def user_id_of(request: HttpRequest | None) -> int | None:
    """The signed-in user's id, if the request has already looked them up (never looks)."""
    user = getattr(request, "user", None)
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):
        return None
    return user.pk if getattr(user, "is_authenticated", False) else None


class RequestContextFilter(logging.Filter):
    """Stamps each record with the current request's id and user id (or None)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # Django logs a 4xx/5xx response after the middleware has finished, naming the request.
        request = current_request.get() or getattr(record, "request", None)
        if not hasattr(record, "request_id"):
            record.request_id = request_id_of(request)
        if not hasattr(record, "user_id"):
            record.user_id = user_id_of(request)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, request_id,
    user_id, the access fields where given, and the exception's traceback where there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "user_id": getattr(record, "user_id", None),
        }
        for field in ACCESS_FIELDS:
            if hasattr(record, field):
                line[field] = getattr(record, field)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


class TextFormatter(logging.Formatter):
    """`2026-12-04 23:10:01,123 INFO pathways.access [request 3f2a…] message`."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(context)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        request_id = getattr(record, "request_id", None)
        user_id = getattr(record, "user_id", None)
        parts = [f"request {request_id}" if request_id else "no request"]
        if user_id is not None:
            parts.append(f"user {user_id}")
        record.context = ", ".join(parts)
        return super().format(record)


def logging_config(*, level: str, format: str) -> dict[str, Any]:
    """Django's LOGGING for the chosen level and format ("text" or "json")."""
    formatter = (
        "pathways.core.logs.JsonFormatter"
        if format == "json"
        else ("pathways.core.logs.TextFormatter")
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": "pathways.core.logs.RequestContextFilter"}},
        "formatters": {"pathways": {"()": formatter}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["request"],
                "formatter": "pathways",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Our own access line replaces these; Django's would repeat each 4xx/5xx.
            "django.server": {"level": "WARNING"},
            "django.request": {"level": "ERROR"},
            "gunicorn.access": {"level": "WARNING"},
            "axes": {"level": "WARNING"},
            # weasyprint narrates every PDF's layout at INFO and warns on each that Debian 12's
            # HarfBuzz is older than it likes (it falls back to fontTools, which narrates too).
            "fontTools": {"level": "WARNING"},
            "weasyprint": {"level": "ERROR"},
        },
    }


def _request_id(request: HttpRequest) -> str:
    """The id a trusted proxy gave the request (so its log and ours agree), else a new one."""
    given = request.META.get("HTTP_X_REQUEST_ID", "")
    if (
        given
        and GIVEN_REQUEST_ID.match(given)
        and is_trusted_proxy(request.META.get("REMOTE_ADDR"))
    ):
        return given
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """First in the chain: gives the request its id (also sent back as X-Request-ID), makes it
    the logging context, and writes one access line when the response is ready."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = _request_id(request)  # type: ignore[attr-defined]
        token = current_request.set(request)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id  # type: ignore[attr-defined]
            self._access_line(request, response.status_code, started)
            return response
        finally:
            current_request.reset(token)

    @staticmethod
    def _access_line(request: HttpRequest, status: int, started: float) -> None:
        duration = round((time.perf_counter() - started) * 1000, 1)
        path = request.path  # never the query string
        match = getattr(request, "resolver_match", None)
        for part in SECRET_URL_PARTS:
            value = match.kwargs.get(part) if match is not None else None
            if value:
                path = path.replace(str(value), "[hidden]")
        fields = {
            "method": request.method,
            "path": path,
            "status": status,
            "duration_ms": duration,
            "client": client_address(request),
        }
        access_log.info("%s %s %s %sms", request.method, path, status, duration, extra=fields)
