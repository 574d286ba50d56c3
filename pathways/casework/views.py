"""A person's action plan: goals on star points and agreed activities."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from pathways.casework import forms, services
from pathways.casework.models import Activity
from pathways.core.access import CASEWORK_ROLES, roles
from pathways.households.forms import carried_out
from pathways.households.permissions import get_household_for_user


def _person(request: HttpRequest, pk: int, person_pk: int) -> tuple[Any, Any]:
    household = get_household_for_user(request.user, pk)
    person = household.members.filter(pk=person_pk).first()
    if person is None:
        raise Http404("No such person in this household")
    return household, person


def _plan_url(household: Any, person: Any) -> str:
    return reverse("casework:plan", args=[household.pk, person.pk])


@roles(*CASEWORK_ROLES)
def plan(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household, person = _person(request, pk, person_pk)
    return render(
        request,
        "casework/plan.html",
        {
            "household": household,
            "person": person,
            "goals": person.goals.all(),
            "activities": person.activities.select_related("goal").order_by(
                "status", "due_date", "id"
            ),
            "points": dict(services.star_points(household)),
            "today": timezone.localdate(),
        },
    )


@roles(*CASEWORK_ROLES)
def add_goal(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household, person = _person(request, pk, person_pk)
    points = list(services.star_points(household).items())
    form = forms.GoalForm(
        request.POST or None, points=points, initial={"agreed_date": timezone.localdate()}
    )
    if carried_out(
        request,
        form,
        lambda data: services.add_goal(actor=request.user, person=person, **data),
    ):
        messages.success(request, "Goal added")
        return redirect(_plan_url(household, person))
    return render(
        request,
        "households/form_page.html",
        {
            "household": household,
            "person": person,
            "form": form,
            "title": "Add a goal",
            "button": "Add goal",
        },
    )


@roles(*CASEWORK_ROLES)
def add_activity(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household, person = _person(request, pk, person_pk)
    points = list(services.star_points(household).items())
    form = forms.ActivityForm(
        request.POST or None,
        points=points,
        goals=person.goals.all(),
        initial={"agreed_date": timezone.localdate()},
    )
    if carried_out(
        request,
        form,
        lambda data: services.add_activity(actor=request.user, person=person, **data),
    ):
        messages.success(request, "Activity added")
        return redirect(_plan_url(household, person))
    return render(
        request,
        "households/form_page.html",
        {
            "household": household,
            "person": person,
            "form": form,
            "title": "Add an activity",
            "button": "Add activity",
        },
    )


@roles(*CASEWORK_ROLES)
def update_activity(
    request: HttpRequest, pk: int, person_pk: int, activity_pk: int
) -> HttpResponse:
    household, person = _person(request, pk, person_pk)
    activity = Activity.objects.filter(person=person, pk=activity_pk).first()
    if activity is None:
        raise Http404("No such activity")
    form = forms.ActivityStatusForm(
        request.POST or None,
        initial={
            "status": activity.status,
            "completed_date": activity.completed_date or timezone.localdate(),
        },
    )
    if carried_out(
        request,
        form,
        lambda data: services.update_activity(actor=request.user, activity=activity, **data),
    ):
        messages.success(
            request, f"{activity}: {Activity.Status(form.cleaned_data['status']).label.lower()}"
        )
        return redirect(_plan_url(household, person))
    return render(
        request,
        "households/form_page.html",
        {
            "household": household,
            "person": person,
            "form": form,
            "title": f"Update: {activity}",
            "button": "Save",
        },
    )
