"""/readyz: for load balancers and monitoring, whether this machine should be given traffic."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from pathways.core.access import public
from pathways.operations import health


@public
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    """200 when every check passes, else 503 with each failing check's reason."""
    checks = health.readiness()
    ready = all(check.ok for check in checks)
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {check.name: {"ok": check.ok, "detail": check.detail} for check in checks},
        "reasons": [f"{check.name}: {check.detail}" for check in checks if not check.ok],
    }
    response = JsonResponse(body, status=200 if ready else 503)
    # Not ready is an answer, not an error: not logged as one (monitors ask every few seconds).
    response._has_been_logged = True  # type: ignore[attr-defined]
    return response
