"""Pages for referrals, the caseload, a household's record and the changes made to it.

Views are thin: a form checks the input, a service makes the change, a selector reads what
the page shows, always through the permission-scoped path.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pathways.assessments.selectors import household_stars
from pathways.casework import services as casework
from pathways.core.access import roles
from pathways.core.exceptions import RuleError
from pathways.core.forms import apply_problems, carried_out, refresh_version
from pathways.core.pagination import paginate
from pathways.core.roles import CASEWORK_ROLES, MANAGERS, Role
from pathways.households import (
    consent,
    eligibility,
    enrolment,
    forms,
    lookup,
    read_audit,
    records,
    referrals,
    selectors,
    writing,
)
from pathways.households.duplicates import DuplicateCheck, find_duplicates
from pathways.households.handover import needs_reassigning
from pathways.households.models import Household, Person
from pathways.households.permissions import get_household_for_user
from pathways.programmes.selectors import programmes_for


def _household(request: HttpRequest, pk: int) -> Household:
    return get_household_for_user(request.user, pk)


def _to_record(household: Household, anchor: str = "") -> HttpResponse:
    url = reverse("households:detail", args=[household.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


# --- caseload, lists, search -------------------------------------------------------------


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


# --- referral ----------------------------------------------------------------------------


@roles(*CASEWORK_ROLES)
def refer(request: HttpRequest) -> HttpResponse:
    """Record a referral: who referred, where the household lives, who is in it. Before
    creating anyone, show people and households already known and offer to link instead."""
    programmes = programmes_for(request.user)
    if request.user.role == Role.PROGRAMME_MANAGER:
        programmes = request.user.programmes.order_by("name")
    data = request.POST if request.method == "POST" else None
    form = forms.ReferralForm(data, programmes=programmes, initial={"date": timezone.localdate()})
    rows = request.POST.get("form-TOTAL_FORMS", "") if data else ""
    if data and "add_person" in request.POST:
        # "Add another person" without JavaScript: the same page with one more row, and no
        # error messages yet (the user has not finished).
        copy = request.POST.copy()
        copy["form-TOTAL_FORMS"] = str(min(int(rows) + 1 if rows.isdigit() else 3, 10))
        return render(
            request,
            "households/refer.html",
            {"form": _unjudged_form(copy, programmes), "members": _unjudged_members(copy)},
        )
    members = forms.MemberFormSet(data, prefix="form")
    duplicates = None
    decision_form = None
    if data and form.is_valid() & members.is_valid():
        people = members.members()
        programme = form.cleaned_data["programme"]
        duplicates = find_duplicates(
            request.user,
            programme=programme,
            members=people,
            postcode=form.cleaned_data["postcode"],
            address_line_1=form.cleaned_data["address_line_1"],
        )
        linkable = _linkable(duplicates, programme)
        decision_form = forms.DuplicateDecisionForm(
            data if "decision" in request.POST else None, households=linkable
        )
        if duplicates.found and not decision_form.is_valid():
            return render(
                request,
                "households/refer.html",
                {
                    "form": form,
                    "members": members,
                    "duplicates": duplicates,
                    "decision_form": decision_form,
                },
            )
        choice = decision_form.cleaned_data["decision"] if duplicates.found else "new"
        try:
            if choice != "new":
                household = next(h for h in linkable if str(h.pk) == choice)
                referrals.add_referral(
                    actor=request.user, household=household, referral=form.referral()
                )
                messages.success(
                    request, f"The referral was added to household {household.reference}"
                )
                return _to_record(household)
            household = referrals.record_referral(
                actor=request.user,
                programme=programme,
                referral=form.referral(),
                household=form.household(),
                members=people,
            )
        except RuleError as error:
            apply_problems(form, error.problems)
        else:
            if selectors.households_visible_to(request.user).filter(pk=household.pk).exists():
                messages.success(request, f"Referral recorded: household {household.reference}")
                return _to_record(household, "eligibility")
            messages.success(
                request,
                f"Referral {household.reference} recorded. It has gone to "
                f"{household.organisation or 'the programme team'} to decide.",
            )
            return redirect("households:list")
    return render(
        request,
        "households/refer.html",
        {
            "form": form,
            "members": members,
            "duplicates": duplicates,
            "decision_form": decision_form,
        },
    )


def _unjudged_form(data: Any, programmes: Any) -> forms.ReferralForm:
    form = forms.ReferralForm(data, programmes=programmes)
    form._errors = ErrorDict()
    return form


def _unjudged_members(data: Any) -> Any:
    formset = forms.MemberFormSet(data, prefix="form")
    for row in formset.forms:
        row._errors = ErrorDict()
    formset._errors = []
    formset._non_form_errors = formset.error_class()
    return formset


def _linkable(duplicates: DuplicateCheck, programme: Any) -> list[Household]:
    """Open households on this programme the user may see, that the referral could join."""
    seen: dict[int, Household] = {}
    for match in duplicates.people:
        household = match.household
        if household is not None and household.programme_id == programme.pk and household.is_open:
            seen.setdefault(household.pk, household)
    for household in duplicates.households:
        seen.setdefault(household.pk, household)
    return list(seen.values())


# --- one household -----------------------------------------------------------------------


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
        "households/detail.html",
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


# Each form page: its heading and its button.
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


def _handover_note(household: Household) -> Any:
    """The manager's note to the advocate, shown until the new advocate makes contact."""
    latest = next(iter(household.allocations.all()), None)
    if latest is None or not latest.note:
        return None
    contacted = household.last_contact_on and household.last_contact_on >= latest.allocated_on
    return None if contacted else latest


def _form_page(
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


@roles(*CASEWORK_ROLES)
@require_POST
def check_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
    result = eligibility.check_eligibility(actor=request.user, household=household)
    messages.success(
        request, f"Eligibility checked: {dict(forms.Eligibility.choices)[result.outcome].lower()}"
    )
    return _to_record(household, "eligibility")


@roles(*MANAGERS)
def override_eligibility(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
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
        return _to_record(household, "eligibility")
    return _form_page(request, household, form, "override")


@roles(*CASEWORK_ROLES)
def record_consent(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household = _household(request, pk)
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
        return _to_record(household, "people")
    return _form_page(request, household, form, "consent", person=person)


@roles(*CASEWORK_ROLES)
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
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
            else _to_record(household)
        )
    return _form_page(
        request,
        household,
        form,
        "enrol",
        needing_consent=consent.people_needing_consent(household),
    )


@roles(*CASEWORK_ROLES)
def close_referral(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
    form = forms.CloseReferralForm(request.POST or None, initial={"on": timezone.localdate()})
    if carried_out(
        request,
        form,
        lambda data: referrals.close_referral(actor=request.user, household=household, **data),
    ):
        messages.success(request, f"Referral {household.reference} closed")
        return _to_record(household)
    return _form_page(request, household, form, "close")


@roles(*CASEWORK_ROLES)
def end_support(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
    form = forms.EndSupportForm(request.POST or None, initial={"end_date": timezone.localdate()})
    if carried_out(
        request,
        form,
        lambda data: enrolment.end_support(actor=request.user, household=household, **data),
    ):
        messages.success(request, f"Support for household {household.reference} has ended")
        return _to_record(household)
    return _form_page(request, household, form, "end")


@roles(*MANAGERS)
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
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
        return _to_record(household)
    return _form_page(request, household, form, "reassign")


@roles(*CASEWORK_ROLES)
def edit_household(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
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
        return _to_record(household)
    refresh_version(form, household)
    return _form_page(request, household, form, "household")


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
    household = _household(request, pk)
    form = forms.PersonForm(request.POST or None)
    if carried_out(
        request,
        form,
        lambda data: records.add_member(actor=request.user, household=household, member=data),
    ):
        messages.success(
            request, f"{form.cleaned_data['given_name']} {form.cleaned_data['family_name']} added"
        )
        return _to_record(household, "people")
    return _form_page(request, household, form, "add_person", person=None)


@roles(*CASEWORK_ROLES)
def edit_member(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household = _household(request, pk)
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
        return _to_record(household, "people")
    refresh_version(form, person)
    return _form_page(request, household, form, "edit_person", person=person)


@roles(*CASEWORK_ROLES)
def record_contact(request: HttpRequest, pk: int) -> HttpResponse:
    household = _household(request, pk)
    form = forms.ContactForm(request.POST or None, initial={"date": timezone.localdate()})
    if carried_out(
        request,
        form,
        lambda data: casework.record_contact(actor=request.user, household=household, **data),
    ):
        messages.success(request, "Contact recorded")
        return _to_record(household, "contacts")
    return _form_page(request, household, form, "contact")
