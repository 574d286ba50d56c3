"""A household's record, the page that brings together what every app keeps about it (its
people, timeline, contacts, appointments, star readings and outcomes), and recording a
contact from it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from pathways.assessments.selectors import household_stars
from pathways.casework import services as casework
from pathways.core.access import roles
from pathways.core.forms import carried_out
from pathways.core.roles import CASEWORK_ROLES
from pathways.households import (
    consent,
    eligibility,
    enrolment,
    pages,
    read_audit,
    selectors,
)
from pathways.households.models import Household
from pathways.site.household_forms import ContactForm


@roles(*CASEWORK_ROLES)
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = selectors.household_record(request.user, pk)
    if household is None:
        raise Http404("No such household")
    read_audit.record_household_viewed(actor=request.user, household=household)
    members = list(household.members.all())
    current = [m for m in members if m.left_on is None]
    needing_consent = {p.pk for p in consent.people_needing_consent(household)}
    return render(
        request,
        "site/households/detail.html",
        {
            "household": household,
            "members": current,
            "former_members": [m for m in members if m.left_on is not None],
            "needing_consent": needing_consent,
            "timeline": household.timeline.select_related("actor")[:100],
            "contacts": [
                (contact, casework.may_read_note(request.user, contact))
                for contact in household.contacts.select_related("person", "recorded_by")[:10]
            ],
            "appointments": household.appointments.filter(
                Q(attendance="") | Q(starts_at__gte=timezone.now() - dt.timedelta(days=30))
            ).order_by("starts_at")[:20],
            "did_not_attend_rate": casework.did_not_attend_rate(household),
            "handover": _handover_note(household),
            "stars": household_stars(household, current),
            "outcomes": household.outcomes.select_related("person").order_by("person_id", "kind"),
            "may_override": eligibility.may_override_eligibility(request.user),
            "may_reassign": enrolment.may_reassign(request.user, household),
            "today": timezone.localdate(),
            "now": timezone.now(),
        },
    )


def _handover_note(household: Household) -> Any:
    """The manager's note to the advocate, shown until the new advocate makes contact."""
    latest = next(iter(household.allocations.all()), None)
    if latest is None or not latest.note:
        return None
    contacted = household.last_contact_on and household.last_contact_on >= latest.allocated_on
    return None if contacted else latest


@roles(*CASEWORK_ROLES)
def record_contact(request: HttpRequest, pk: int) -> HttpResponse:
    household = pages.household_for(request, pk)
    form = ContactForm(request.POST or None, initial={"date": timezone.localdate()})
    if carried_out(
        request,
        form,
        lambda data: casework.record_contact(actor=request.user, household=household, **data),
    ):
        messages.success(request, "Contact recorded")
        return pages.to_record(household, "contacts")
    return pages.form_page(request, household, form, "contact")
