"""Navigation by role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from pathways.accounts.models import Role

NAVIGATION: dict[str, list[tuple[str, str]]] = {
    Role.ADVOCATE: [("Home", "core:start"), ("Caseload", "households:list")],
    Role.TEAM_MANAGER: [("Home", "core:start"), ("Households", "households:list")],
    Role.PROGRAMME_MANAGER: [
        ("Home", "core:start"),
        ("Households", "households:list"),
        ("Programmes", "programmes:list"),
        ("Audit log", "audit:search"),
    ],
    Role.EVALUATOR: [("Home", "core:start")],
    Role.FUNDER: [("Home", "core:start")],
    Role.ADMINISTRATOR: [
        ("Home", "core:start"),
        ("Users", "organisations:users"),
        ("Organisations", "organisations:list"),
        ("Audit log", "audit:search"),
    ],
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_verified():
        return {"nav_items": []}
    items = []
    for label, name in NAVIGATION.get(user.role, []):
        url = reverse(name)
        active = request.path == url if url == "/" else request.path.startswith(url)
        items.append({"label": label, "url": url, "active": active})
    return {"nav_items": items}
