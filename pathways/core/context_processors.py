"""Navigation by role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from pathways.core.access import is_verified
from pathways.core.roles import Role

NAVIGATION: dict[str, list[tuple[str, str]]] = {
    Role.ADVOCATE: [
        ("Home", "site:start"),
        ("Caseload", "households:list"),
        ("Diary", "casework:diary"),
        ("Outcomes", "outcomes:list"),
        ("New referral", "households:refer"),
        ("Search", "households:search"),
        ("Services", "directory:list"),
    ],
    Role.TEAM_MANAGER: [
        ("Home", "site:start"),
        ("Households", "households:list"),
        ("Team", "households:team"),
        ("Referrals", "households:triage"),
        ("Approvals", "approvals:list"),
        ("Spending", "spending:summary"),
        ("Outcomes", "outcomes:list"),
        ("Data exchange", "exchange:home"),
        ("Reports", "reporting:dashboard"),
        ("Areas", "areas:explore"),
        ("New referral", "households:refer"),
        ("Search", "households:search"),
        ("Services", "directory:list"),
    ],
    Role.PROGRAMME_MANAGER: [
        ("Home", "site:start"),
        ("Households", "households:list"),
        ("Referrals", "households:triage"),
        ("Approvals", "approvals:list"),
        ("Spending", "spending:summary"),
        ("Outcomes", "outcomes:list"),
        ("Claims", "outcomes:claims"),
        ("Reports", "reporting:dashboard"),
        ("Areas", "areas:explore"),
        ("Data exchange", "exchange:home"),
        ("Search", "households:search"),
        ("Programmes", "programmes:list"),
        ("Instruments", "assessments:instruments"),
        ("Audit log", "audit:search"),
    ],
    Role.EVALUATOR: [
        ("Home", "site:start"),
        ("Reports", "reporting:dashboard"),
        ("Areas", "areas:explore"),
        ("Evaluation extract", "evaluation:extract"),
    ],
    Role.FUNDER: [
        ("Home", "site:start"),
        ("Reports", "reporting:dashboard"),
        ("Areas", "areas:explore"),
    ],
    Role.ADMINISTRATOR: [
        ("Home", "site:start"),
        ("Users", "organisations:users"),
        ("Organisations", "organisations:list"),
        ("Audit log", "audit:search"),
    ],
}


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not is_verified(user):
        return {"nav_items": []}
    links = [(label, reverse(name)) for label, name in NAVIGATION.get(user.role, [])]
    # The most specific link that holds the page is the active one.
    holding = [
        url
        for _, url in links
        if request.path == url or (url != "/" and request.path.startswith(url))
    ]
    current = max(holding, key=len, default=None)
    return {
        "nav_items": [
            {"label": label, "url": url, "active": url == current} for label, url in links
        ]
    }
