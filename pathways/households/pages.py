"""What the pages about one household share: the household the user may open, the way back
to its record, and the page each form is shown on."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from pathways.households.models import Household
from pathways.households.permissions import get_household_for_user


def household_for(request: HttpRequest, pk: int) -> Household:
    return get_household_for_user(request.user, pk)


def to_record(household: Household, anchor: str = "") -> HttpResponse:
    url = reverse("household_record:detail", args=[household.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


FORM_PAGES = {
    "override": ("Decide eligibility", "Save decision"),
    "consent": ("Record consent", "Record consent"),
    "enrol": ("Start on the programme", "Start"),
    "close": ("Close the referral", "Close referral"),
    "end": ("End support", "End support"),
    "reassign": ("Reassign the household", "Reassign"),
    "household": ("Change household details", "Save"),
    "add_person": ("Add a person to the household", "Add person"),
    "edit_person": ("Change a person's details", "Save"),
    "contact": ("Record a contact", "Record contact"),
}


TEMPLATES = {
    "override": "households/override.html",
    "consent": "households/consent.html",
    "enrol": "households/enrol.html",
}


def form_page(
    request: HttpRequest,
    household: Household,
    form: Any,
    page: str,
    **context: Any,
) -> HttpResponse:
    title, button = FORM_PAGES[page]
    return render(
        request,
        TEMPLATES.get(page, "households/form_page.html"),
        {"household": household, "form": form, "title": title, "button": button, **context},
    )
