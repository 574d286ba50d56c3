"""The household's budget page, requests, the manager's approval queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render

from pathways.accounts.stepup import needs_step_up
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.budgets import exports, forms, ledger, receipts, rules, selectors, spend_requests
from pathways.budgets.models import Budget, Receipt, SpendRequest
from pathways.core.access import roles
from pathways.core.exceptions import RuleError
from pathways.core.forms import carried_out
from pathways.core.money import pounds
from pathways.core.pagination import paginate
from pathways.core.roles import CASEWORK_ROLES, MANAGERS
from pathways.households.permissions import get_household_for_user
from pathways.households.selectors import households_visible_to


def _budget(request: HttpRequest, pk: int) -> tuple[Any, Budget]:
    household = get_household_for_user(request.user, pk)
    budget = Budget.objects.filter(household=household).first()
    if budget is None:
        raise Http404("This household has no budget")
    return household, budget


@roles(*CASEWORK_ROLES)
def budget_page(request: HttpRequest, pk: int) -> HttpResponse:
    household, budget = _budget(request, pk)
    return render(
        request,
        "budgets/budget.html",
        {
            "household": household,
            "balance": ledger.balance(budget),
            "requests": budget.requests.select_related(
                "requested_by", "decided_by"
            ).prefetch_related("receipts")[:50],
            "entries": budget.entries.select_related("recorded_by").order_by("-date", "-id")[:200],
            "may_approve": rules.may_approve(request.user, household),
        },
    )


def _form(request: HttpRequest, household: Any, form: Any, title: str, button: str) -> HttpResponse:
    return render(
        request,
        "households/form_page.html",
        {"household": household, "form": form, "title": title, "button": button},
    )


@roles(*CASEWORK_ROLES)
def request_money(request: HttpRequest, pk: int) -> HttpResponse:
    household, _ = _budget(request, pk)
    form = forms.SpendRequestForm(request.POST or None)
    if carried_out(
        request,
        form,
        lambda data: spend_requests.request_spend(actor=request.user, household=household, **data),
    ):
        messages.success(request, "Request recorded")
        return redirect("budgets:budget", pk=household.pk)
    return _form(request, household, form, "Request money from the budget", "Request")


@roles(*CASEWORK_ROLES)
def record_refund(request: HttpRequest, pk: int) -> HttpResponse:
    household, _ = _budget(request, pk)
    form = forms.RefundForm(request.POST or None)
    if carried_out(
        request, form, lambda data: ledger.refund(actor=request.user, household=household, **data)
    ):
        messages.success(request, "Refund recorded")
        return redirect("budgets:budget", pk=household.pk)
    return _form(request, household, form, "Record a refund", "Record refund")


@roles(*MANAGERS)
def adjust(request: HttpRequest, pk: int) -> HttpResponse:
    household, _ = _budget(request, pk)
    form = forms.AdjustForm(request.POST or None)
    if carried_out(
        request, form, lambda data: ledger.adjust(actor=request.user, household=household, **data)
    ):
        messages.success(request, "Budget changed")
        return redirect("budgets:budget", pk=household.pk)
    return _form(request, household, form, "Change the budget", "Save")


def _spend_request(budget: Budget, request_pk: int) -> SpendRequest:
    spend = budget.requests.filter(pk=request_pk).first()
    if spend is None:
        raise Http404("No such request")
    return spend


@roles(*MANAGERS)
@needs_step_up
def decide(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    household, budget = _budget(request, pk)
    spend = _spend_request(budget, request_pk)
    form = forms.DecisionForm(request.POST or None)

    def apply(data: dict[str, Any]) -> Any:
        if data["decision"] == "approve":
            return spend_requests.approve(actor=request.user, request=spend)
        return spend_requests.reject(actor=request.user, request=spend, reason=data["reason"])

    if carried_out(request, form, apply):
        messages.success(
            request,
            f"Request {'approved' if form.cleaned_data['decision'] == 'approve' else 'rejected'}",
        )
        return redirect("budgets:budget", pk=household.pk)
    return _form(request, household, form, f"Decide: {spend}", "Save decision")


@roles(*CASEWORK_ROLES)
@needs_step_up
def mark_paid(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    household, budget = _budget(request, pk)
    spend = _spend_request(budget, request_pk)
    if request.method != "POST":
        raise Http404("Post to mark a request paid")
    try:
        spend_requests.pay(actor=request.user, request=spend)
    except RuleError as error:
        messages.error(request, "; ".join(error.problems.values()))
    else:
        messages.success(request, f"Paid {pounds(spend.amount_pence)}")
    return redirect("budgets:budget", pk=household.pk)


@roles(*MANAGERS)
def approvals(request: HttpRequest) -> HttpResponse:
    """Requests waiting for a manager's approval, oldest first, for households the user sees."""
    waiting = (
        SpendRequest.objects.filter(
            status=SpendRequest.Status.REQUESTED,
            budget__household__in=households_visible_to(request.user),
        )
        .select_related("budget__household", "requested_by")
        .order_by("requested_at")
    )
    page = paginate(request, waiting)
    return render(request, "budgets/approvals.html", {"page": page, "requests": page.object_list})


@roles(*CASEWORK_ROLES)
def add_receipt(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    household, budget = _budget(request, pk)
    spend = _spend_request(budget, request_pk)
    form = forms.ReceiptForm(request.POST or None, request.FILES or None)
    if carried_out(
        request,
        form,
        lambda data: receipts.add_receipt(
            actor=request.user, request=spend, upload=data["receipt"]
        ),
    ):
        messages.success(request, "Receipt kept")
        return redirect("budgets:budget", pk=household.pk)
    return render(
        request,
        "budgets/receipt_form.html",
        {"household": household, "form": form, "spend": spend},
    )


@roles(*CASEWORK_ROLES)
def download_receipt(request: HttpRequest, pk: int, receipt_pk: int) -> FileResponse:
    """A receipt, only to users who may see the household (404 to anyone else)."""
    household, budget = _budget(request, pk)
    receipt = Receipt.objects.filter(pk=receipt_pk, request__budget=budget).first()
    if receipt is None:
        raise Http404("No such receipt")
    audit.record(
        actor=request.user,
        verb=Verb.BUDGET_RECEIPT_VIEWED,
        target=receipt,
        programme=household.programme,
        data={"request": receipt.request_id},
    )
    response = FileResponse(
        receipt.file.open("rb"),
        content_type=receipt.content_type,
        as_attachment=True,
        filename=receipt.original_name,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- the programme's ledger for finance (its spending page: reporting.views.spending) -------


def _totals(balance: dict[str, Any]) -> dict[str, int]:
    return {
        name: balance[name] for name in ("allocated", "committed", "spent", "refunded", "available")
    }


def _download(
    request: HttpRequest, entries: Any, programme: Any, name: str, kind: str, scope: dict
) -> HttpResponse:
    audit.record(
        actor=request.user,
        verb=Verb.BUDGET_LEDGER_EXPORTED,
        target=programme,
        programme=programme,
        data={"format": kind, **scope},
    )
    rows = exports.ledger_rows(entries)
    if kind == "csv":
        response: HttpResponse = StreamingHttpResponse(
            exports.csv_lines(rows), content_type="text/csv; charset=utf-8"
        )
    else:
        totals = _totals(selectors.spend_totals(entries))
        response = HttpResponse(
            exports.xlsx_bytes(rows, totals),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


def _programme_ledger(request: HttpRequest, kind: str) -> HttpResponse:
    form, spend = forms.spend_filter_for(request)
    if spend is None:
        return render(request, "budgets/spending.html", {"form": form}, status=400)
    entries = selectors.entries_visible_to(request.user, spend)
    scope = {
        "from": str(spend.date_from or ""),
        "to": str(spend.date_to or ""),
        "local_authority": spend.local_authority.code if spend.local_authority else "",
    }
    return _download(
        request, entries, spend.programme, f"ledger-{spend.programme.code}", kind, scope
    )


@roles(*MANAGERS)
@needs_step_up
def ledger_csv(request: HttpRequest) -> HttpResponse:
    return _programme_ledger(request, "csv")


@roles(*MANAGERS)
@needs_step_up
def ledger_xlsx(request: HttpRequest) -> HttpResponse:
    return _programme_ledger(request, "xlsx")


def _household_ledger(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    household, budget = _budget(request, pk)
    return _download(
        request,
        budget.entries.all(),
        household.programme,
        f"ledger-{household.reference}",
        kind,
        {"household": household.pk},
    )


@roles(*CASEWORK_ROLES)
def household_ledger_csv(request: HttpRequest, pk: int) -> HttpResponse:
    return _household_ledger(request, pk, "csv")


@roles(*CASEWORK_ROLES)
def household_ledger_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _household_ledger(request, pk, "xlsx")
