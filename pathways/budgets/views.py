"""The household's budget page, requests, the manager's approval queue."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from pathways.accounts.models import Role
from pathways.audit import services as audit
from pathways.budgets import forms, services
from pathways.budgets.models import Budget, Receipt, SpendRequest
from pathways.core.access import CASEWORK_ROLES, roles
from pathways.core.pagination import paginate
from pathways.households.forms import carried_out
from pathways.households.permissions import get_household_for_user
from pathways.households.rules import RuleError
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
            "balance": services.balance(budget),
            "requests": budget.requests.select_related(
                "requested_by", "decided_by"
            ).prefetch_related("receipts")[:50],
            "entries": budget.entries.select_related("recorded_by").order_by("-date", "-id")[:200],
            "may_approve": services.may_approve(request.user, household),
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
        lambda data: services.request_spend(actor=request.user, household=household, **data),
    ):
        messages.success(request, "Request recorded")
        return redirect("budgets:budget", pk=household.pk)
    return _form(request, household, form, "Request money from the budget", "Request")


@roles(*CASEWORK_ROLES)
def record_refund(request: HttpRequest, pk: int) -> HttpResponse:
    household, _ = _budget(request, pk)
    form = forms.RefundForm(request.POST or None)
    if carried_out(
        request, form, lambda data: services.refund(actor=request.user, household=household, **data)
    ):
        messages.success(request, "Refund recorded")
        return redirect("budgets:budget", pk=household.pk)
    return _form(request, household, form, "Record a refund", "Record refund")


@roles(Role.TEAM_MANAGER, Role.PROGRAMME_MANAGER)
def adjust(request: HttpRequest, pk: int) -> HttpResponse:
    household, _ = _budget(request, pk)
    form = forms.AdjustForm(request.POST or None)
    if carried_out(
        request, form, lambda data: services.adjust(actor=request.user, household=household, **data)
    ):
        messages.success(request, "Budget changed")
        return redirect("budgets:budget", pk=household.pk)
    return _form(request, household, form, "Change the budget", "Save")


def _spend_request(budget: Budget, request_pk: int) -> SpendRequest:
    spend = budget.requests.filter(pk=request_pk).first()
    if spend is None:
        raise Http404("No such request")
    return spend


@roles(Role.TEAM_MANAGER, Role.PROGRAMME_MANAGER)
def decide(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    household, budget = _budget(request, pk)
    spend = _spend_request(budget, request_pk)
    form = forms.DecisionForm(request.POST or None)

    def apply(data: dict[str, Any]) -> Any:
        if data["decision"] == "approve":
            return services.approve(actor=request.user, request=spend)
        return services.reject(actor=request.user, request=spend, reason=data["reason"])

    if carried_out(request, form, apply):
        messages.success(
            request,
            f"Request {'approved' if form.cleaned_data['decision'] == 'approve' else 'rejected'}",
        )
        return redirect("budgets:budget", pk=household.pk)
    return _form(request, household, form, f"Decide: {spend}", "Save decision")


@roles(*CASEWORK_ROLES)
def mark_paid(request: HttpRequest, pk: int, request_pk: int) -> HttpResponse:
    household, budget = _budget(request, pk)
    spend = _spend_request(budget, request_pk)
    if request.method != "POST":
        raise Http404("Post to mark a request paid")
    try:
        services.pay(actor=request.user, request=spend)
    except RuleError as error:
        messages.error(request, "; ".join(error.problems.values()))
    else:
        messages.success(request, f"Paid {services.pounds(spend.amount_pence)}")
    return redirect("budgets:budget", pk=household.pk)


@roles(Role.TEAM_MANAGER, Role.PROGRAMME_MANAGER)
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
        lambda data: services.add_receipt(
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
        verb="budget.receipt_viewed",
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
