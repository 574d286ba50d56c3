"""Work, outcomes and their reasons, evidence and verification, the programme's outcomes list,
claims and payments due."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from pathways.accounts.stepup import needs_step_up
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.access import roles
from pathways.core.exceptions import RuleError
from pathways.core.forms import carried_out
from pathways.core.pagination import paginate
from pathways.core.roles import CASEWORK_ROLES, MANAGERS, Role
from pathways.households.permissions import get_household_for_user, get_person_for_user
from pathways.households.selectors import advocates_managed_by
from pathways.outcomes import claims, exports, forms, payments, selectors, spells, verification
from pathways.outcomes.models import EmploymentSpell, Outcome
from pathways.programmes.selectors import programmes_for


def _work_url(household: Any, person: Any) -> str:
    return reverse("outcomes:work", args=[household.pk, person.pk])


@roles(*CASEWORK_ROLES)
def work(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    """A person's spells of work and their outcomes."""
    household, person = get_person_for_user(request.user, pk, person_pk)
    return render(
        request,
        "outcomes/work.html",
        {
            "household": household,
            "person": person,
            "spells": person.employment_spells.select_related("recorded_by"),
            "outcomes": person.outcomes.all(),
        },
    )


def _form_page(
    request: HttpRequest, household: Any, person: Any, form: Any, title: str
) -> HttpResponse:
    return render(
        request,
        "households/form_page.html",
        {"household": household, "person": person, "form": form, "title": title, "button": "Save"},
    )


@roles(*CASEWORK_ROLES)
def add_spell(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    household, person = get_person_for_user(request.user, pk, person_pk)
    form = forms.SpellForm(request.POST or None)
    if carried_out(
        request, form, lambda data: spells.record_spell(actor=request.user, person=person, **data)
    ):
        messages.success(request, "Work recorded")
        return redirect(_work_url(household, person))
    return _form_page(request, household, person, form, "Record work")


def _spell(person: Any, spell_pk: int) -> EmploymentSpell:
    spell = person.employment_spells.filter(pk=spell_pk).first()
    if spell is None:
        raise Http404("No such spell of work")
    return spell


@roles(*CASEWORK_ROLES)
def correct_spell(request: HttpRequest, pk: int, person_pk: int, spell_pk: int) -> HttpResponse:
    household, person = get_person_for_user(request.user, pk, person_pk)
    spell = _spell(person, spell_pk)
    initial = {name: getattr(spell, name) for name in spells.SPELL_FIELDS}
    form = forms.SpellForm(request.POST or None, initial=initial)
    if carried_out(
        request, form, lambda data: spells.correct_spell(actor=request.user, spell=spell, **data)
    ):
        messages.success(request, "Work corrected; outcomes worked out again")
        return redirect(_work_url(household, person))
    return _form_page(request, household, person, form, "Correct this spell of work")


@roles(*CASEWORK_ROLES)
def change_hours(request: HttpRequest, pk: int, person_pk: int, spell_pk: int) -> HttpResponse:
    household, person = get_person_for_user(request.user, pk, person_pk)
    spell = _spell(person, spell_pk)
    form = forms.HoursForm(request.POST or None)
    if carried_out(
        request, form, lambda data: spells.change_hours(actor=request.user, spell=spell, **data)
    ):
        messages.success(request, "Hours changed")
        return redirect(_work_url(household, person))
    return _form_page(request, household, person, form, f"Change of hours: {spell}")


def _outcome(request: HttpRequest, pk: int, outcome_pk: int) -> tuple[Any, Outcome]:
    household = get_household_for_user(request.user, pk)
    outcome = (
        household.outcomes.select_related("person", "evidenced_by", "verified_by")
        .filter(pk=outcome_pk)
        .first()
    )
    if outcome is None:
        raise Http404("No such outcome")
    return household, outcome


@roles(*CASEWORK_ROLES)
def outcome_detail(request: HttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    """The outcome and why: the rule's words and every record it rests on."""
    household, outcome = _outcome(request, pk, outcome_pk)
    audit.record(
        actor=request.user,
        verb=Verb.OUTCOME_VIEWED,
        target=outcome,
        programme=household.programme,
    )
    return render(
        request,
        "outcomes/outcome.html",
        {
            "household": household,
            "outcome": outcome,
            "records": selectors.why(outcome),
            "evidence_form": forms.EvidenceForm(outcome=outcome),
            "may_verify": verification.may_verify(request.user, outcome)
            and outcome.status == Outcome.Status.EVIDENCED,
            "claim_lines": outcome.claim_lines.select_related("claim"),
        },
    )


@roles(*CASEWORK_ROLES)
def record_evidence(request: HttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    household, outcome = _outcome(request, pk, outcome_pk)
    form = forms.EvidenceForm(request.POST or None, outcome=outcome)
    if carried_out(
        request,
        form,
        lambda data: verification.record_evidence(actor=request.user, outcome=outcome, **data),
    ):
        messages.success(request, "Evidence recorded")
        return redirect("outcomes:outcome", pk=household.pk, outcome_pk=outcome.pk)
    return render(
        request,
        "households/form_page.html",
        {"household": household, "form": form, "title": f"Evidence: {outcome}", "button": "Save"},
    )


@roles(*MANAGERS)
@needs_step_up
def verify(request: HttpRequest, pk: int, outcome_pk: int) -> HttpResponse:
    household, outcome = _outcome(request, pk, outcome_pk)
    if request.method != "POST":
        raise Http404("Post to verify an outcome")
    try:
        verification.verify(actor=request.user, outcome=outcome)
    except RuleError as error:
        messages.error(request, "; ".join(error.problems.values()))
    else:
        messages.success(request, "Outcome verified")
    return redirect("outcomes:outcome", pk=household.pk, outcome_pk=outcome.pk)


# --- the programme's outcomes ---------------------------------------------------------------------


@roles(*CASEWORK_ROLES)
def outcome_list(request: HttpRequest) -> HttpResponse:
    """Every outcome the user may see, filtered by type, status, area, advocate and period."""
    programmes = list(programmes_for(request.user))
    if not programmes:
        raise Http404("You do not work on a programme")
    data = request.GET if "programme" in request.GET else {"programme": programmes[0].code}
    form = forms.OutcomeFilterForm(
        data, programmes=programmes, advocates=advocates_managed_by(request.user)
    )
    outcomes = Outcome.objects.none()
    if form.is_valid():
        filters = form.cleaned_data
        outcomes = selectors.outcomes_visible_to(request.user).filter(
            programme=form.programmes[filters["programme"]]
        )
        for name, lookup in (
            ("kind", "kind"),
            ("status", "status"),
            ("local_authority", "household__local_authority__code"),
            ("advocate", "household__advocate_id"),
            ("date_from", "achieved_on__gte"),
            ("date_to", "achieved_on__lte"),
        ):
            if filters.get(name):
                outcomes = outcomes.filter(**{lookup: filters[name]})
        outcomes = outcomes.select_related(
            "person", "household__local_authority", "household__advocate"
        ).order_by("-achieved_on", "pk")
    page = paginate(request, outcomes)
    return render(
        request,
        "outcomes/list.html",
        {
            "form": form,
            "page": page,
            "outcomes": page.object_list,
            "query": request.GET.urlencode(),
        },
    )


# --- claims and payments --------------------------------------------------------------------------


def _managed(request: HttpRequest) -> list[Any]:
    return list(programmes_for(request.user))


@roles(Role.PROGRAMME_MANAGER)
def claim_list(request: HttpRequest) -> HttpResponse:
    made = selectors.claims_visible_to(request.user).select_related("programme", "made_by")
    page = paginate(request, made)
    return render(request, "outcomes/claims.html", {"page": page, "claims": page.object_list})


@roles(Role.PROGRAMME_MANAGER)
@needs_step_up
def new_claim(request: HttpRequest) -> HttpResponse:
    """Choose the funder and period, see what the claim would hold, then make it."""
    programmes = _managed(request)
    data = request.POST or (request.GET if "programme" in request.GET else None)
    initial = {"funder": programmes[0].funder} if programmes else {}
    form = forms.ClaimForm(data, programmes=programmes, initial=initial)
    preview = None
    if data is not None and form.is_valid():
        filters = form.cleaned_data
        made: list[Any] = []
        if (
            request.method == "POST"
            and "make" in request.POST
            and carried_out(
                request, form, lambda d: made.append(claims.make_claim(actor=request.user, **d))
            )
        ):
            messages.success(request, "Claim made")
            return redirect("outcomes:claim", claim_pk=made[0].pk)
        new, reversals = claims.claimable(filters["programme"], filters["start"], filters["end"])
        amounts = payments.payments_of(filters["programme"], "provider")
        preview = {
            "new": [(o, amounts.get(o.kind, 0)) for o in new],
            "reversals": list(reversals),
        }
    return render(request, "outcomes/new_claim.html", {"form": form, "preview": preview})


def _claim(request: HttpRequest, claim_pk: int) -> Any:
    claim = (
        selectors.claims_visible_to(request.user)
        .select_related("programme", "made_by")
        .filter(pk=claim_pk)
        .first()
    )
    if claim is None:
        raise Http404("No such claim")
    return claim


@roles(Role.PROGRAMME_MANAGER)
def claim_detail(request: HttpRequest, claim_pk: int) -> HttpResponse:
    claim = _claim(request, claim_pk)
    lines = claim.lines.select_related("outcome__person", "outcome__household")
    withheld = claim.lines.count() - exports.shareable_lines(claim).count()
    return render(
        request,
        "outcomes/claim.html",
        {
            "claim": claim,
            "lines": lines,
            "total": sum(line.amount_pence for line in lines),
            "withheld": withheld,
        },
    )


def _claim_download(request: HttpRequest, claim_pk: int, kind: str) -> HttpResponse:
    claim = _claim(request, claim_pk)
    audit.record(
        actor=request.user,
        verb=Verb.CLAIM_EXPORTED,
        target=claim,
        programme=claim.programme,
        data={"format": kind},
    )
    rows = exports.claim_rows(claim)
    if kind == "csv":
        response: HttpResponse = StreamingHttpResponse(
            exports.csv_lines(exports.CLAIM_COLUMNS, rows), content_type="text/csv; charset=utf-8"
        )
    else:
        response = HttpResponse(
            exports.xlsx_bytes("Claim", exports.CLAIM_COLUMNS, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="claim-{claim.pk}.{kind}"'
    return response


@roles(Role.PROGRAMME_MANAGER)
@needs_step_up
def claim_csv(request: HttpRequest, claim_pk: int) -> HttpResponse:
    return _claim_download(request, claim_pk, "csv")


@roles(Role.PROGRAMME_MANAGER)
@needs_step_up
def claim_xlsx(request: HttpRequest, claim_pk: int) -> HttpResponse:
    return _claim_download(request, claim_pk, "xlsx")


@roles(Role.PROGRAMME_MANAGER)
def payment_list(request: HttpRequest) -> HttpResponse:
    """Payments due to participants for verified outcomes (WIN: £500 at 13 weeks, £750 at 26)."""
    due, review = [], []
    for programme in _managed(request):
        amounts = payments.payments_of(programme, "participant")
        due += [(outcome, amounts[outcome.kind]) for outcome in payments.payments_due(programme)]
        review += list(payments.paid_then_withdrawn(programme))
    return render(
        request,
        "outcomes/payments.html",
        {
            "due": due,
            "review": review,
            "form": forms.PaidForm(initial={"paid_on": timezone.localdate()}),
        },
    )


@roles(Role.PROGRAMME_MANAGER)
@needs_step_up
def record_payment(request: HttpRequest, outcome_pk: int) -> HttpResponse:
    outcome = selectors.outcomes_visible_to(request.user).filter(pk=outcome_pk).first()
    if outcome is None or request.method != "POST":
        raise Http404("No such payment due")
    form = forms.PaidForm(request.POST)
    if carried_out(
        request,
        form,
        lambda data: payments.record_payment(actor=request.user, outcome=outcome, **data),
    ):
        messages.success(request, "Payment recorded")
    else:
        messages.error(
            request, "; ".join(str(e) for errors in form.errors.values() for e in errors)
        )
    return redirect("outcomes:payments")
