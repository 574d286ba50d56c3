"""The referral page: who referred, where the household lives, who is in it; people and
households already known shown first, to link to instead of recording twice."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from pathways.core.access import roles
from pathways.core.exceptions import RuleError
from pathways.core.forms import apply_problems
from pathways.core.roles import CASEWORK_ROLES, Role
from pathways.households import pages, referral_forms, referrals, selectors
from pathways.households.duplicates import DuplicateCheck, find_duplicates
from pathways.households.models import Household
from pathways.programmes.selectors import programmes_for


@roles(*CASEWORK_ROLES)
def refer(request: HttpRequest) -> HttpResponse:
    """Record a referral: who referred, where the household lives, who is in it. Before
    creating anyone, show people and households already known and offer to link instead."""
    programmes = programmes_for(request.user)
    if request.user.role == Role.PROGRAMME_MANAGER:
        programmes = request.user.programmes.order_by("name")
    data = request.POST if request.method == "POST" else None
    form = referral_forms.ReferralForm(
        data, programmes=programmes, initial={"date": timezone.localdate()}
    )
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
    members = referral_forms.MemberFormSet(data, prefix="form")
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
        decision_form = referral_forms.DuplicateDecisionForm(
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
        done = _record(request, form, people, programme, choice, linkable)
        if done is not None:
            return done
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


def _unjudged_form(data: Any, programmes: Any) -> referral_forms.ReferralForm:
    form = referral_forms.ReferralForm(data, programmes=programmes)
    form._errors = ErrorDict()
    return form


def _unjudged_members(data: Any) -> Any:
    formset = referral_forms.MemberFormSet(data, prefix="form")
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


def _record(
    request: HttpRequest,
    form: referral_forms.ReferralForm,
    people: list[dict[str, Any]],
    programme: Any,
    choice: str,
    linkable: list[Household],
) -> HttpResponse | None:
    """Add the referral to the household chosen, or record a new one; None (with the problems
    on the form) if the rules refuse it."""
    try:
        if choice != "new":
            household = next(h for h in linkable if str(h.pk) == choice)
            referrals.add_referral(
                actor=request.user, household=household, referral=form.referral()
            )
            messages.success(request, f"The referral was added to household {household.reference}")
            return pages.to_record(household)
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
            return pages.to_record(household, "eligibility")
        messages.success(
            request,
            f"Referral {household.reference} recorded. It has gone to "
            f"{household.organisation or 'the programme team'} to decide.",
        )
        return redirect("households:list")
    return None
