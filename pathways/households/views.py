"""Pages for referrals, the caseload, a household's record and the changes made to it.

Views are thin: a form checks the input, a service makes the change, a selector reads what
the page shows, always through the permission-scoped path.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pathways.core.access import roles
from pathways.core.forms import carried_out, refresh_version
from pathways.core.pagination import paginate
from pathways.core.roles import CASEWORK_ROLES, MANAGERS, Role
from pathways.households import (
    consent,
    eligibility,
    enrolment,
    forms,
    lookup,
    pages,
    read_audit,
    records,
    referrals,
    selectors,
    writing,
)
from pathways.households.handover import needs_reassigning
from pathways.households.models import Household, Person


@roles(*CASEWORK_ROLES)
def household_list(request: HttpRequest) -> HttpResponse:
    """The caseload, most urgent first: an advocate's own, or everything a manager oversees."""
    page = paginate(request, selectors.caseload(request.user))
    return render(
        request,
        "households/caseload.html",
        {
            "page": page,
            "households": page.object_list,
            "summary": selectors.caseload_summary(request.user),
        },
    )


@roles(Role.TEAM_MANAGER)
def team(request: HttpRequest) -> HttpResponse:
    """A team manager's view of each advocate's caseload."""
    rows, stranded = selectors.team_caseloads(request.user), needs_reassigning(request.user)
    return render(request, "households/team.html", {"rows": rows, "stranded": stranded})


@roles(*MANAGERS)
def triage(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.triage_queue(request.user))
    return render(request, "households/triage.html", {"page": page, "households": page.object_list})


SEARCHES = "pathways.searches"  # the session's recent searches, by an opaque key


KEPT_SEARCHES = 10


@require_http_methods(["GET", "POST"])
@roles(*CASEWORK_ROLES)
def search(request: HttpRequest) -> HttpResponse:
    """Search by name, reference, postcode or date of birth. What is typed is sent by POST and
    kept in the session under a random key, so no name or date of birth is ever in a URL (nor
    in a proxy's log or the browser's history); the results' pages are `?s=KEY&page=N`."""
    kept = request.session.get(SEARCHES, {})
    if request.method == "POST":
        form = forms.SearchForm(request.POST)
        if form.is_valid():
            key = secrets.token_urlsafe(8)
            kept = {**dict(list(kept.items())[-(KEPT_SEARCHES - 1) :]), key: form.cleaned_data["q"]}
            request.session[SEARCHES] = kept
            return redirect(f"{reverse('households:search')}?s={key}")
    elif request.GET.get("s"):
        query = kept.get(request.GET["s"])
        form = forms.SearchForm({"q": query} if query else None)
        if query is None:
            messages.info(request, "That search has expired. Search again.")
    else:
        form = forms.SearchForm()
    page = None
    if form.is_bound and form.is_valid() and request.method == "GET":
        page = paginate(request, lookup.search(request.user, form.cleaned_data["q"]))
        read_audit.record_search(
            actor=request.user, query=form.cleaned_data["q"], households=list(page.object_list)
        )
    return render(
        request,
        "households/search.html",
        {
            "form": form,
            "page": page,
            "households": page.object_list if page else [],
            "query_prefix": f"s={request.GET.get('s', '')}&" if page else "",
        },
    )


@roles(*CASEWORK_ROLES)
@require_POST
def check_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    household = pages.household_for(request, pk)
    result = eligibility.check_eligibility(actor=request.user, household=household)
    messages.success(
        request, f"Eligibility checked: {dict(forms.Eligibility.choices)[result.outcome].lower()}"
    )
    return pages.to_record(household, "eligibility")


@roles(*MANAGERS)
def override_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    household = pages.household_for(request, pk)
    form = forms.EligibilityOverrideForm(
        request.POST or None, initial={"decision": household.eligibility_override}
    )
    if carried_out(
        request,
        form,
        lambda data: eligibility.override_eligibility(
            actor=request.user,
            household=household,
            decision=data["decision"],
            reason=data["reason"],
        ),
    ):
        messages.success(request, "Your eligibility decision is recorded")
        return pages.to_record(household, "eligibility")
    return pages.form_page(request, household, form, "override")


@roles(*CASEWORK_ROLES)
def record_consent(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household = pages.household_for(request, pk)
    person = _member(household, person_pk)
    form = forms.ConsentForm(request.POST or None, initial={"given_on": timezone.localdate()})
    if carried_out(
        request,
        form,
        lambda data: consent.record_consent(
            actor=request.user, person=person, given_on=data["given_on"]
        ),
    ):
        messages.success(request, f"Consent recorded for {person}")
        return pages.to_record(household, "people")
    return pages.form_page(request, household, form, "consent", person=person)


@roles(*CASEWORK_ROLES)
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    household = pages.household_for(request, pk)
    advocates = enrolment.advocates_for(household)
    if request.user.role == Role.ADVOCATE:
        advocates = advocates.filter(pk=request.user.pk)
    form = forms.EnrolForm(
        request.POST or None,
        advocates=advocates,
        initial={
            "start_date": timezone.localdate(),
            "advocate": household.advocate_id
            or (request.user.pk if request.user.role == Role.ADVOCATE else None),
        },
    )
    if carried_out(
        request,
        form,
        lambda data: enrolment.enrol(
            actor=request.user,
            household=household,
            start_date=data["start_date"],
            advocate=data["advocate"],
        ),
    ):
        messages.success(request, f"Household {household.reference} has started on the programme")
        return (
            redirect("households:list")
            if request.user.role == Role.ADVOCATE
            else pages.to_record(household)
        )
    return pages.form_page(
        request,
        household,
        form,
        "enrol",
        needing_consent=consent.people_needing_consent(household),
    )


@roles(*CASEWORK_ROLES)
def close_referral(request: HttpRequest, pk: int) -> HttpResponse:
    household = pages.household_for(request, pk)
    form = forms.CloseReferralForm(request.POST or None, initial={"on": timezone.localdate()})
    if carried_out(
        request,
        form,
        lambda data: referrals.close_referral(actor=request.user, household=household, **data),
    ):
        messages.success(request, f"Referral {household.reference} closed")
        return pages.to_record(household)
    return pages.form_page(request, household, form, "close")


@roles(*CASEWORK_ROLES)
def end_support(request: HttpRequest, pk: int) -> HttpResponse:
    household = pages.household_for(request, pk)
    form = forms.EndSupportForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if carried_out(
        request,
        form,
        lambda data: enrolment.end_support(actor=request.user, household=household, **data),
    ):
        messages.success(request, f"Support for household {household.reference} has ended")
        return pages.to_record(household)
    return pages.form_page(request, household, form, "end")


@roles(*MANAGERS)
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    household = pages.household_for(request, pk)
    if not enrolment.may_reassign(request.user, household):
        raise PermissionDenied(
            "Only the household's team manager or a programme manager can reassign it"
        )
    advocates = enrolment.advocates_for(household).exclude(pk=household.advocate_id)
    form = forms.ReassignForm(request.POST or None, advocates=advocates)
    if carried_out(
        request,
        form,
        lambda data: enrolment.reassign(actor=request.user, household=household, **data),
    ):
        messages.success(
            request,
            f"Household {household.reference} is now with {form.cleaned_data['advocate']}",
        )
        return pages.to_record(household)
    return pages.form_page(request, household, form, "reassign")


@roles(*CASEWORK_ROLES)
def edit_household(request: HttpRequest, pk: int) -> HttpResponse:
    household = pages.household_for(request, pk)
    form = forms.HouseholdForm(
        request.POST or None, instance=None, initial=_household_initial(household)
    )
    if carried_out(
        request,
        form,
        lambda data: records.update_household(
            actor=request.user, household=household, changes=data, version=data["version"]
        ),
    ):
        messages.success(request, "Household details saved")
        return pages.to_record(household)
    refresh_version(form, household)
    return pages.form_page(request, household, form, "household")


def _household_initial(household: Household) -> dict[str, Any]:
    initial = {name: getattr(household, name) for name in writing.HOUSEHOLD_FIELDS}
    return {**initial, "version": household.version}


def _member(household: Household, person_pk: int) -> Person:
    person = next((p for p in household.members.all() if p.pk == person_pk), None)
    if person is None:
        raise Http404("No such person in this household")
    return person


@roles(*CASEWORK_ROLES)
def add_member(request: HttpRequest, pk: int) -> HttpResponse:
    household = pages.household_for(request, pk)
    form = forms.PersonForm(request.POST or None)
    if carried_out(
        request,
        form,
        lambda data: records.add_member(actor=request.user, household=household, member=data),
    ):
        messages.success(
            request, f"{form.cleaned_data['given_name']} {form.cleaned_data['family_name']} added"
        )
        return pages.to_record(household, "people")
    return pages.form_page(request, household, form, "add_person", person=None)


@roles(*CASEWORK_ROLES)
def edit_member(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household = pages.household_for(request, pk)
    person = _member(household, person_pk)
    if request.method == "GET":
        read_audit.record_person_viewed(actor=request.user, person=person)
    form = forms.PersonForm(request.POST or None, initial=forms.PersonForm.initial_for(person))
    if carried_out(
        request,
        form,
        lambda data: records.update_member(
            actor=request.user, person=person, changes=data, version=data["version"]
        ),
    ):
        messages.success(request, f"{person}'s details saved")
        return pages.to_record(household, "people")
    refresh_version(form, person)
    return pages.form_page(request, household, form, "edit_person", person=person)
