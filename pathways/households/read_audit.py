"""Every read of case records is audited, pages and API alike, lists included.

One middleware does it for every view, so a new page cannot forget: when a caseworker's GET
succeeds, one event says which page or endpoint it was, the records in its address (the
household, person, outcome …) and the ids on the page of a list (noted by core.pagination).
The event goes to each programme the households belong to, so the programme manager who
oversees them can find it. A view that wrote its own, more particular read event (such as
household.viewed with the people it showed) is not recorded twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse

from pathways.accounts.models import Actor
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core import reads
from pathways.core.access import access_of
from pathways.core.roles import CASEWORK_ROLES
from pathways.households.lookup import understand
from pathways.households.models import Household, Person

# Pages of one's own account and the API's description show no case record.
NOT_CASE_DATA = {"accounts", "me", "schema", "docs"}


def _should_record(request: HttpRequest, response: HttpResponse, shown: reads.Shown) -> bool:
    view = getattr(request, "pathways_view", None)
    access = access_of(view) if view is not None else None
    match = request.resolver_match
    user = getattr(request, "user", None)
    return bool(
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not shown.audited_by_view
        and access is not None
        and not access.public
        and not access.before_two_factor
        and user is not None
        and user.is_authenticated
        and user.role in CASEWORK_ROLES
        and match is not None
        and not (set(match.namespaces) | {match.url_name}) & NOT_CASE_DATA
    )


def households_by_programme(
    households: set[int], people: set[int], budgets: set[int]
) -> dict[Any, set[int]]:
    """The households the records belong to, by programme (one query)."""
    if not (households or people or budgets):
        return {}
    found = Household.objects.filter(
        Q(pk__in=households) | Q(members__in=people) | Q(budget__in=budgets)
    ).select_related("programme")
    by_programme: dict[Any, set[int]] = {}
    for household in found.distinct():
        by_programme.setdefault(household.programme, set()).add(household.pk)
    return by_programme


def record_read(request: HttpRequest, shown: reads.Shown) -> None:
    match = request.resolver_match
    name = ":".join([*match.namespaces, match.url_name or ""])
    in_address = {key: str(value) for key, value in match.kwargs.items()}
    if match.route.startswith("households/<int:pk>/"):
        shown.households.add(int(match.kwargs["pk"]))
    by_programme = households_by_programme(shown.households, shown.people, shown.budgets)
    data = {"view": name, "in_address": in_address, "shown": shown.records}
    for programme, households in by_programme.items() or {None: []}.items():
        audit.record(
            actor=request.user,
            verb=Verb.RECORDS_READ,
            programme=programme,
            target_label=request.path[:200],
            data=data | {"households": sorted(households)},
        )


class ReadAuditMiddleware:
    """Audit each successful read of case records (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with reads.collecting() as shown:
            response = self.get_response(request)
            if _should_record(request, response, shown):
                record_read(request, shown)
        return response

    def process_view(self, request: HttpRequest, view_func: Any, *args: Any) -> None:
        request.pathways_view = view_func  # type: ignore[attr-defined]


def record_household_viewed(*, actor: Actor, household: Household) -> None:
    """Audit that a user opened a household's record (and so its people's)."""
    audit.record(
        actor=actor,
        verb=Verb.HOUSEHOLD_VIEWED,
        target=household,
        programme=household.programme,
        data={"people": [person.pk for person in household.members.all()]},
    )


def record_person_viewed(*, actor: Actor, person: Person) -> None:
    """Audit that a user opened one person's full record (the page to change it)."""
    audit.record(
        actor=actor,
        verb=Verb.PERSON_VIEWED,
        target=person,
        programme=person.household.programme,
        data={"household": person.household_id},
    )


def record_search(*, actor: Actor, query: str, households: Sequence[Household]) -> None:
    """Audit a search and the households it showed (their people's names and dates of birth),
    once for each programme they belong to. The audit keeps what kind of search it was, not
    what was typed: a name or date of birth is personal data, and the log holds metadata."""
    understood = understand(query)
    kind = understood.kind if understood else "unknown"
    by_programme: dict[int, list[Household]] = {}
    for household in households:
        by_programme.setdefault(household.programme_id, []).append(household)
    for shown in by_programme.values():
        audit.record(
            actor=actor,
            verb=Verb.HOUSEHOLD_SEARCHED,
            programme=shown[0].programme,
            data={"by": kind, "households": [h.pk for h in shown]},
            target_label=f"search by {kind}",
        )
