"""What the simulated users are and do: the demo accounts by role, each role's share of the
users and what each does by weight, and the page type of each request (for the figures)."""

from __future__ import annotations

import re
import urllib.parse

DEMO_PASSWORD = "pathways-demo-2026"  # noqa: S105 - the demo's published password

# The demo accounts by role (README.md, "The demo").
ACCOUNTS = {
    "advocate": [
        "advocate-knowsley",
        "advocate-liverpool",
        "advocate-knowsley-2",
        "advocate-halton",
        "advocate-st-helens",
        "advocate-sefton",
        "advocate-wirral",
    ],
    "team-manager": ["manager-knowsley", "manager-liverpool"],
    "programme-manager": ["programme-manager"],
    "evaluator": ["evaluator"],
    "funder": ["funder"],
}
# Shares of the simulated users: 50 gives 30 advocates, 10 team managers, 5 programme managers,
# 2 evaluators and 3 funders (at most 5 sessions on one account).
SHARES = {
    "advocate": 0.60,
    "team-manager": 0.20,
    "programme-manager": 0.10,
    "evaluator": 0.04,
    "funder": 0.06,
}
# What each role does, by weight: one action is one page as a user sees it (a form is opened,
# filled in and sent; a redirect is followed), then think time.
ACTIONS = {
    "advocate": {
        "start": 10,
        "caseload": 15,
        "household": 25,
        "person": 15,
        "contact": 8,
        "search": 10,
        "diary": 7,
        "outcomes": 5,
    },
    "team-manager": {
        "start": 8,
        "caseload": 12,
        "team": 12,
        "triage": 10,
        "approvals": 6,
        "spending": 10,
        "dashboard": 14,
        "report": 14,
        "report-csv": 2,
        "household": 8,
        "search": 4,
    },
    "programme-manager": {
        "start": 5,
        "dashboard": 30,
        "report": 20,
        "caseload": 10,
        "triage": 10,
        "spending": 10,
        "outcomes": 5,
        "household": 5,
        "search": 5,
    },
    "evaluator": {"start": 10, "dashboard": 50, "report": 40},
    "funder": {"start": 10, "dashboard": 50, "report": 40},
}
SIMPLE_PAGES = {
    "start": "/",
    "caseload": "/households/",
    "team": "/households/team/",
    "triage": "/households/referrals/",
    "approvals": "/approvals/",
    "spending": "/spending/",
    "dashboard": "/reports/",
    "diary": "/households/diary/",
    "outcomes": "/outcomes/",
}
# Page types, by path (the first that matches); a POST is "POST <type>".
PAGE_TYPES = [
    (r"^/$", "start"),
    (r"^/account/sign-in/$", "sign-in"),
    (r"^/account/two-factor/", "two-factor"),
    (r"^/households/$", "caseload"),
    (r"^/households/team/$", "team"),
    (r"^/households/referrals/$", "triage"),
    (r"^/households/search/$", "search"),
    (r"^/households/diary/$", "diary"),
    (r"^/households/\d+/$", "household"),
    (r"^/households/\d+/contacts/add/$", "contact form"),
    (r"^/households/\d+/people/\d+/$", "person"),
    (r"^/households/\d+/people/\d+/plan/$", "person plan"),
    (r"^/households/\d+/people/\d+/readings/$", "person readings"),
    (r"^/households/\d+/people/\d+/work/$", "person work"),
    (r"^/approvals/$", "approvals"),
    (r"^/spending/$", "spending"),
    (r"^/reports/$", "reports dashboard"),
    (r"^/reports/[^/]+/download/", "report download"),
    (r"^/reports/[^/]+/$", "report table"),
    (r"^/outcomes/claims/", "claims"),
    (r"^/outcomes/", "outcomes"),
]
HOUSEHOLD_LINK = re.compile(r'href="/households/(\d+)/"')
PERSON_LINK = re.compile(r'href="/households/(\d+)/people/(\d+)/"')
REPORT_LINK = re.compile(r'href="/reports/([a-z0-9-]+)/(?:\?[^"]*)?"')
CSV_LINK = re.compile(r'href="(/reports/[a-z0-9-]+/download/csv/[^"]*)"')
NOT_REPORTS = {"pack", "trend"}
SURNAMES = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Roberts"]


def page_type(method: str, path: str) -> str:
    parts = urllib.parse.urlsplit(path)
    kind = next((name for pattern, name in PAGE_TYPES if re.match(pattern, parts.path)), "other")
    if kind == "search" and method == "GET" and "s=" in parts.query:
        kind = "search results"
    if method == "POST":
        return "POST record contact" if kind == "contact form" else f"POST {kind}"
    return kind


def assign(users: int) -> list[tuple[str, str]]:
    """(role, demo account) for each simulated user, by SHARES, accounts taken in turn."""
    counts = {role: int(users * share) for role, share in SHARES.items()}
    remainders = sorted(SHARES, key=lambda r: users * SHARES[r] - counts[r], reverse=True)
    for role in remainders[: users - sum(counts.values())]:
        counts[role] += 1
    plan = []
    for role, count in counts.items():
        plan.extend((role, ACCOUNTS[role][i % len(ACCOUNTS[role])]) for i in range(count))
    return plan


def surnames() -> list[str]:
    """What advocates search for: the invented family names of the demo's synthetic households."""
    try:
        from pathways.exchange.invented import FAMILY

        return list(FAMILY) or SURNAMES
    except ImportError:
        return SURNAMES
