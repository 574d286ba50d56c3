"""GOV.UK-style error pages. A refusal (403) is audited, whichever part refused it."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from rest_framework.views import exception_handler

from pathways.audit.services import record_refusal
from pathways.core.logs import request_id_of

logger = logging.getLogger(__name__)

# When even the error page cannot be drawn (the database is down, a template is broken).
BARE_SERVER_ERROR = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Sorry, there is a problem with the service – Pathways</title></head>
<body><main><h1>Sorry, there is a problem with the service</h1><p>Try again later.</p>
<p>If you contact the service desk, give them this reference: <strong>{reference}</strong></p>
</main></body></html>"""


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    record_refusal(request, reason="role or record")
    return render(request, "site/403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token (an old page, or a forged request)."""
    record_refusal(request, reason="csrf")
    return render(request, "site/403_csrf.html", status=403)


def api_exception(exc: Exception, context: dict[str, Any]) -> Any:
    """DRF's own handling, plus an audit event for every refusal."""
    response = exception_handler(exc, context)
    request = context.get("request")
    if response is not None and response.status_code == 403 and request is not None:
        record_refusal(request, reason="api")
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "site/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The error page, with the request id as a reference the error's log line also carries."""
    reference = request_id_of(request) or "none"
    try:
        return render(request, "site/500.html", {"reference": reference}, status=500)
    except Exception:  # noqa: BLE001 - the page must be answered whatever else is broken
        logger.exception("The error page could not be drawn; a plain one was sent")
        return HttpResponse(BARE_SERVER_ERROR.format(reference=escape(reference)), status=500)
