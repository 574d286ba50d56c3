"""A person's action plan: goals on star points and agreed activities."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from pathways.casework import (
    action_plans,
    exit_plans,
    forms,
    onward_referrals,
    selectors,
    services,
)
from pathways.casework.models import Activity, Appointment, OnwardReferral, Service
from pathways.core.access import roles
from pathways.core.exceptions import RuleError
from pathways.core.forms import carried_out
from pathways.core.roles import CASEWORK_ROLES, MANAGERS, Role
from pathways.households.permissions import get_household_for_user, get_person_for_user
from pathways.households.selectors import households_visible_to


def _person(request: HttpRequest, pk: int, person_pk: int) -> tuple[Any, Any]:
    return get_person_for_user(request.user, pk, person_pk)


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
            "onward_referrals": person.onward_referrals.select_related("service"),
            "points": dict(action_plans.star_points(household)),
            "today": timezone.localdate(),
        },
    )


@roles(*CASEWORK_ROLES)
def add_goal(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household, person = _person(request, pk, person_pk)
    points = list(action_plans.star_points(household).items())
    form = forms.GoalForm(
        request.POST or None, points=points, initial={"agreed_date": timezone.localdate()}
    )
    if carried_out(
        request,
        form,
        lambda data: action_plans.add_goal(actor=request.user, person=person, **data),
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
    points = list(action_plans.star_points(household).items())
    form = forms.ActivityForm(
        request.POST or None,
        points=points,
        goals=person.goals.all(),
        initial={"agreed_date": timezone.localdate()},
    )
    if carried_out(
        request,
        form,
        lambda data: action_plans.add_activity(actor=request.user, person=person, **data),
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
        lambda data: action_plans.update_activity(actor=request.user, activity=activity, **data),
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


# --- the service directory and onward referrals ------------------------------------------


@roles(*CASEWORK_ROLES)
def service_directory(request: HttpRequest) -> HttpResponse:
    form = forms.DirectorySearchForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        filters = {
            "need": data["need"],
            "local_authority": data["local_authority"].pk if data["local_authority"] else None,
            "service_type": data["service_type"],
            "text": data["text"],
        }
    return render(
        request,
        "casework/directory.html",
        {
            "form": form,
            "services": selectors.directory(**filters),
            "may_edit": onward_referrals.may_keep_directory(request.user),
            "for_person": request.GET.get("for", ""),
        },
    )


@roles(*MANAGERS)
def edit_service(request: HttpRequest, service_pk: int | None = None) -> HttpResponse:
    service = Service.objects.filter(pk=service_pk).first() if service_pk else None
    if service_pk and service is None:
        raise Http404("No such service")
    initial = {}
    if service is not None:
        initial = {
            f: getattr(service, f)
            for f in (
                "organisation",
                "name",
                "service_type",
                "description",
                "needs",
                "how_to_refer",
                "contact",
            )
        }
        initial["local_authorities"] = list(service.local_authorities.all())
    form = forms.ServiceForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> Any:
        data = dict(data)
        authorities = data.pop("local_authorities")
        return onward_referrals.save_service(
            actor=request.user, service=service, fields=data, local_authorities=authorities
        )

    if carried_out(request, form, save):
        messages.success(request, "The directory is updated")
        return redirect("directory:list")
    return render(
        request,
        "casework/service_form.html",
        {"form": form, "service": service},
    )


@roles(*CASEWORK_ROLES)
def add_onward_referral(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household, person = _person(request, pk, person_pk)
    available = selectors.directory(local_authority=household.local_authority_id)
    chosen = request.GET.get("service", "")
    form = forms.OnwardReferralForm(
        request.POST or None,
        services=available,
        initial={"date": timezone.localdate(), "service": chosen if chosen.isdigit() else None},
    )
    if carried_out(
        request,
        form,
        lambda data: onward_referrals.record_onward_referral(
            actor=request.user,
            person=person,
            date=data["date"],
            service=data["service"],
            service_type=data["service_type"],
            organisation=data["organisation"],
            notes=data["notes"],
        ),
    ):
        messages.success(request, f"Referral recorded for {person}")
        return redirect(_plan_url(household, person))
    return render(
        request,
        "households/form_page.html",
        {
            "household": household,
            "person": person,
            "form": form,
            "title": "Refer to another service",
            "button": "Record referral",
        },
    )


@roles(*CASEWORK_ROLES)
def update_onward_referral(
    request: HttpRequest, pk: int, person_pk: int, referral_pk: int
) -> HttpResponse:
    household, person = _person(request, pk, person_pk)
    referral = _referral(person, referral_pk)
    form = forms.OnwardReferralStatusForm(request.POST or None, initial={"status": referral.status})
    if carried_out(
        request,
        form,
        lambda data: onward_referrals.update_onward_referral(
            actor=request.user, referral=referral, status=data["status"]
        ),
    ):
        messages.success(request, "Referral updated")
        return redirect(_plan_url(household, person))
    return render(
        request,
        "households/form_page.html",
        {
            "household": household,
            "person": person,
            "form": form,
            "title": f"Update: {referral}",
            "button": "Save",
        },
    )


def _referral(person: Any, referral_pk: int) -> OnwardReferral:
    referral = OnwardReferral.objects.filter(person=person, pk=referral_pk).first()
    if referral is None:
        raise Http404("No such referral")
    return referral


@roles(*CASEWORK_ROLES)
def referral_for_partner(
    request: HttpRequest, pk: int, person_pk: int, referral_pk: int
) -> HttpResponse:
    """The details to send the service a person is referred to, if they agreed to it."""
    household, person = _person(request, pk, person_pk)
    referral = _referral(person, referral_pk)
    context = {"household": household, "person": person, "referral": referral}
    try:
        context["details"] = onward_referrals.share_with_partner(
            actor=request.user, referral=referral
        )
    except RuleError as refused:
        context["refused"] = refused.problems["partner"]
    return render(request, "casework/referral_for_partner.html", context)


# --- appointments and the diary ----------------------------------------------------------


@roles(*CASEWORK_ROLES)
def book_appointment(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for_user(request.user, pk)
    form = forms.AppointmentForm(request.POST or None)

    def book(data: dict[str, Any]) -> Any:
        starts_at = timezone.make_aware(dt.datetime.combine(data["date"], data["time"]))
        return services.book_appointment(
            actor=request.user,
            household=household,
            starts_at=starts_at,
            method=data["method"],
            place=data["place"],
            purpose=data["purpose"],
        )

    if carried_out(request, form, book):
        messages.success(request, "Appointment booked")
        return redirect(reverse("household_record:detail", args=[household.pk]) + "#appointments")
    return render(
        request,
        "households/form_page.html",
        {"household": household, "form": form, "title": "Book an appointment", "button": "Book"},
    )


@roles(*CASEWORK_ROLES)
def record_attendance(request: HttpRequest, pk: int, appointment_pk: int) -> HttpResponse:
    household = get_household_for_user(request.user, pk)
    appointment = household.appointments.filter(pk=appointment_pk).first()
    if appointment is None:
        raise Http404("No such appointment")
    form = forms.AttendanceForm(request.POST or None)
    if carried_out(
        request,
        form,
        lambda data: services.record_attendance(
            actor=request.user,
            appointment=appointment,
            attendance=data["attendance"],
            notes=data["notes"],
        ),
    ):
        messages.success(request, "Attendance recorded")
        return redirect(reverse("household_record:detail", args=[household.pk]) + "#appointments")
    return render(
        request,
        "households/form_page.html",
        {
            "household": household,
            "form": form,
            "title": f"Attendance: {appointment}",
            "button": "Save",
        },
    )


@roles(Role.ADVOCATE)
def diary(request: HttpRequest) -> HttpResponse:
    """The advocate's appointments: those waiting for attendance, then the next four weeks."""
    now = timezone.now()
    mine = Appointment.objects.filter(
        advocate=request.user, household__in=households_visible_to(request.user)
    ).select_related("household")
    return render(
        request,
        "casework/diary.html",
        {
            "waiting": mine.filter(starts_at__lt=now, attendance="").order_by("starts_at")[:50],
            "upcoming": mine.filter(starts_at__gte=now, starts_at__lt=now + dt.timedelta(weeks=4))
            .exclude(attendance="cancelled")
            .order_by("starts_at")[:100],
        },
    )


# --- exit plan ----------------------------------------------------------------------------


@roles(*CASEWORK_ROLES)
def exit_plan(request: HttpRequest, pk: int) -> HttpResponse:
    household = get_household_for_user(request.user, pk)
    form = forms.ExitStepForm(
        request.POST or None, initial={"due_date": household.support_end_date}
    )
    if carried_out(
        request,
        form,
        lambda data: exit_plans.add_exit_step(actor=request.user, household=household, **data),
    ):
        messages.success(request, "Step added to the exit plan")
        return redirect("casework:exit-plan", pk=household.pk)
    return render(
        request,
        "casework/exit_plan.html",
        {
            "household": household,
            "steps": household.exit_steps.all(),
            "form": form,
            "today": timezone.localdate(),
        },
    )


@roles(*CASEWORK_ROLES)
def exit_step_done(request: HttpRequest, pk: int, step_pk: int) -> HttpResponse:
    household = get_household_for_user(request.user, pk)
    step = household.exit_steps.filter(pk=step_pk).first()
    if step is None:
        raise Http404("No such step")
    form = forms.ExitStepDoneForm(request.POST or None, initial={"done_date": timezone.localdate()})
    if carried_out(
        request,
        form,
        lambda data: exit_plans.complete_exit_step(actor=request.user, step=step, **data),
    ):
        messages.success(request, "Step done")
        return redirect("casework:exit-plan", pk=household.pk)
    return render(
        request,
        "households/form_page.html",
        {"household": household, "form": form, "title": f"Done: {step}", "button": "Save"},
    )
