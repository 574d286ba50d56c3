"""Recording and correcting a person's readings on the programme's instrument."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from pathways.assessments import selectors, services
from pathways.assessments.forms import ReadingForm
from pathways.assessments.forms_import import InstrumentImportForm
from pathways.assessments.models import Instrument, Reading
from pathways.core.access import roles
from pathways.core.exceptions import RuleError
from pathways.core.roles import CASEWORK_ROLES, Role
from pathways.households.permissions import get_person_for_user
from pathways.households.read_audit import record_person_viewed


def _person(request: HttpRequest, pk: int, person_pk: int) -> tuple[Any, Any]:
    return get_person_for_user(request.user, pk, person_pk)


def _instrument(household):  # type: ignore[no-untyped-def]
    instrument = selectors.instrument_for(household.programme)
    if instrument is None:
        raise Http404("The programme's instrument is not set up")
    return instrument


@roles(*CASEWORK_ROLES)
def person_readings(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household, person = _person(request, pk, person_pk)
    record_person_viewed(actor=request.user, person=person)
    readings = selectors.readings_of(person)
    instrument = _instrument(household)
    return render(
        request,
        "assessments/readings.html",
        {
            "household": household,
            "person": person,
            "readings": readings,
            "instrument": instrument,
            "chart": selectors.chart_for(person, instrument, readings),
        },
    )


@roles(*CASEWORK_ROLES)
def add_reading(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household, person = _person(request, pk, person_pk)
    instrument = _instrument(household)
    form = ReadingForm(
        request.POST or None, instrument=instrument, initial={"date": timezone.localdate()}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_reading(
                actor=request.user,
                person=person,
                instrument=instrument,
                date=form.cleaned_data["date"],
                scores=form.scores(),
                present=form.cleaned_data["present"],
            )
        except RuleError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, f"{instrument.name} reading recorded for {person}")
            return redirect(reverse("assessments:readings", args=[household.pk, person.pk]))
    return render(
        request,
        "assessments/reading_form.html",
        {
            "household": household,
            "person": person,
            "form": form,
            "instrument": instrument,
            "amending": None,
        },
    )


@roles(*CASEWORK_ROLES)
def amend_reading(request: HttpRequest, pk: int, person_pk: int, reading_pk: int) -> HttpResponse:
    household, person = _person(request, pk, person_pk)
    reading = (
        Reading.objects.filter(person=person, pk=reading_pk)
        .prefetch_related("scores__point")
        .first()
    )
    if reading is None:
        raise Http404("No such reading")
    instrument = reading.instrument
    initial = {"date": reading.date, "present": reading.present}
    for score in reading.scores.all():
        initial[f"worker_{score.point.code}"] = score.worker
        initial[f"participant_{score.point.code}"] = score.participant
    form = ReadingForm(request.POST or None, instrument=instrument, initial=initial, amending=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.amend_reading(
                actor=request.user,
                reading=reading,
                scores=form.scores(),
                reason=form.cleaned_data["reason"],
                date=form.cleaned_data["date"],
            )
        except RuleError as error:
            form.add_problems(error.problems)
        else:
            messages.success(request, "The reading is corrected; the original is kept")
            return redirect(reverse("assessments:readings", args=[household.pk, person.pk]))
    return render(
        request,
        "assessments/reading_form.html",
        {
            "household": household,
            "person": person,
            "form": form,
            "instrument": instrument,
            "amending": reading,
        },
    )


@roles(Role.PROGRAMME_MANAGER)
def instruments(request: HttpRequest) -> HttpResponse:
    """The instruments, and importing another (a licensed organisation's official star)."""
    form = InstrumentImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            instrument = services.save_instrument(
                definition=form.cleaned_data["definition"], actor=request.user
            )
        except RuleError as error:
            for field, message in error.problems.items():
                form.add_error("definition", f"{field}: {message}")
        else:
            messages.success(request, f"{instrument.name} is saved (version {instrument.version})")
            return redirect("assessments:instruments")
    return render(
        request,
        "assessments/instruments.html",
        {"form": form, "instruments": Instrument.objects.prefetch_related("points")},
    )
