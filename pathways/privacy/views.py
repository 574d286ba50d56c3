"""A person's data protection record: the basis for each purpose, consent and sharing
agreements, and their withdrawal; and the subject access export."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.access import roles
from pathways.core.forms import carried_out
from pathways.core.roles import CASEWORK_ROLES, MANAGERS
from pathways.households.permissions import get_person_for_user
from pathways.households.read_audit import record_person_viewed
from pathways.privacy import services, subject_access
from pathways.privacy.forms import RecordForm, SubjectAccessForm, WithdrawForm


def _page(
    request: HttpRequest,
    pk: int,
    person_pk: int,
    form: RecordForm,
    request_form: SubjectAccessForm | None = None,
) -> HttpResponse:
    household, person = get_person_for_user(request.user, pk, person_pk)
    records = person.processing_records.select_related("recorded_by", "withdrawn_by").order_by(
        "purpose", "-recorded_at"
    )
    return render(
        request,
        "privacy/person.html",
        {
            "household": household,
            "person": person,
            "records": records,
            "form": form,
            "withdraw_form": WithdrawForm(),
            "may_answer_requests": request.user.role in MANAGERS,
            "requests": person.subject_access_requests.all(),
            "request_form": request_form or SubjectAccessForm(),
        },
    )


@require_http_methods(["GET", "POST"])
@roles(*CASEWORK_ROLES)
def person_record(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household, person = get_person_for_user(request.user, pk, person_pk)
    if request.method == "GET":
        record_person_viewed(actor=request.user, person=person)
    form = RecordForm(request.POST or None)
    if carried_out(
        request, form, lambda data: services.record(actor=request.user, person=person, **data)
    ):
        messages.success(request, "Recorded")
        return redirect("privacy:person", pk=household.pk, person_pk=person.pk)
    return _page(request, pk, person_pk, form)


@require_POST
@roles(*CASEWORK_ROLES)
def withdraw(request: HttpRequest, pk: int, person_pk: int, record_pk: int) -> HttpResponse:
    household, person = get_person_for_user(request.user, pk, person_pk)
    record = get_object_or_404(person.processing_records, pk=record_pk)
    form = WithdrawForm(request.POST)
    if carried_out(
        request,
        form,
        lambda data: services.withdraw(actor=request.user, record=record, reason=data["reason"]),
    ):
        messages.success(request, f"Withdrawn: {record.get_purpose_display().lower()}")
    else:
        messages.error(request, "; ".join(e for errors in form.errors.values() for e in errors))
    return redirect("privacy:person", pk=household.pk, person_pk=person.pk)


@require_POST
@roles(*MANAGERS)
def subject_access_request(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household, person = get_person_for_user(request.user, pk, person_pk)
    form = SubjectAccessForm(request.POST)
    if carried_out(
        request,
        form,
        lambda data: services.record_subject_access(actor=request.user, person=person, **data),
    ):
        made = person.subject_access_requests.first()
        messages.success(request, f"Request recorded: the answer is due by {made.due_on:%-d %B %Y}")
        return redirect("privacy:person", pk=household.pk, person_pk=person.pk)
    return _page(request, pk, person_pk, RecordForm(), request_form=form)


@require_POST
@roles(*MANAGERS)
def subject_access_export(
    request: HttpRequest, pk: int, person_pk: int, request_pk: int, form: str
) -> HttpResponse:
    """Everything held about the person, as JSON or PDF (posted, audited)."""
    household, person = get_person_for_user(request.user, pk, person_pk)
    asked = get_object_or_404(person.subject_access_requests, pk=request_pk)
    if form not in ("json", "pdf"):
        raise Http404("JSON or PDF")
    export = subject_access.everything_about(person)
    asked.exported_at = timezone.now()
    asked.save(update_fields=["exported_at"])
    audit.record(
        actor=request.user,
        verb=Verb.PERSON_SUBJECT_ACCESS_EXPORTED,
        target=person,
        programme=household.programme,
        data={"format": form, "request": asked.pk},
    )
    name = f"subject-access-{household.reference}-{person.pk}.{form}"
    if form == "json":
        response = HttpResponse(
            json.dumps(export, indent=2, ensure_ascii=False),
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(
            subject_access.as_pdf(export, asked), content_type="application/pdf"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
