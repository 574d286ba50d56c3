"""The caseload list and a household's record."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pathways.core.access import CASEWORK_ROLES, roles
from pathways.core.pagination import paginate
from pathways.households import selectors, services
from pathways.households.permissions import get_household_for_user


@roles(*CASEWORK_ROLES)
def household_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.household_list(request.user))
    return render(request, "households/list.html", {"page": page, "households": page.object_list})


@roles(*CASEWORK_ROLES)
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for_user(request.user, pk)
    services.record_household_viewed(actor=request.user, household=household)
    return render(request, "households/detail.html", {"household": household})
