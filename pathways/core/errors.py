"""GOV.UK-style error pages. A refusal (403) is audited, whichever part refused it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework.views import exception_handler

from pathways.audit.services import record_refusal


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    record_refusal(request, reason="role or record")
    return render(request, "core/403.html", status=403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent without a valid security token (an old page, or a forged request)."""
    record_refusal(request, reason="csrf")
    return render(request, "core/403_csrf.html", status=403)


def api_exception(exc: Exception, context: dict[str, Any]) -> Any:
    """DRF's own handling, plus an audit event for every refusal."""
    response = exception_handler(exc, context)
    request = context.get("request")
    if response is not None and response.status_code == 403 and request is not None:
        record_refusal(request, reason="api")
    return response


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "core/404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "core/500.html", status=500)
