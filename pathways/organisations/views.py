"""Administrators' pages: users, organisations and teams (no case data)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from pathways.accounts import services as accounts
from pathways.accounts import throttle
from pathways.accounts.models import User
from pathways.accounts.stepup import needs_step_up
from pathways.core.access import roles
from pathways.core.pagination import paginate
from pathways.core.roles import Role
from pathways.organisations import selectors, services
from pathways.organisations.forms import OrganisationForm, TeamForm, UserForm
from pathways.organisations.models import Organisation

administrators = roles(Role.ADMINISTRATOR)


@administrators
def users(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.user_list())
    return render(request, "organisations/users.html", {"page": page, "users": page.object_list})


def _set_up_link_page(
    request: HttpRequest, account: User, path: str, created: bool
) -> HttpResponse:
    context = {
        "account": account,
        "link": request.build_absolute_uri(path),
        "created": created,
        "days": settings.SET_UP_LINK_DAYS,
    }
    return render(request, "organisations/set_up_link.html", context)


@require_http_methods(["GET", "POST"])
@administrators
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserForm(request.POST or None)
    if form.is_valid():
        data = dict(form.cleaned_data)
        account = accounts.create_user(actor=request.user, **data)
        return _set_up_link_page(request, account, accounts.set_up_path(account), created=True)
    return render(request, "organisations/user_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@administrators
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    form = UserForm(request.POST or None, user=account, initial=UserForm.initial_for(account))
    if request.method == "POST" and form.is_valid():
        try:
            accounts.update_user(actor=request.user, user=account, **form.cleaned_data)
        except accounts.AccountRefused as refusal:
            for field, problem in refusal.problems.items():
                form.add_error(field, problem)
        else:
            messages.success(request, f"{account.username} has been updated.")
            return redirect("organisations:users")
    context = {"form": form, "account": account, "locked": throttle.is_locked_out(account)}
    return render(request, "organisations/user_form.html", context)


@require_POST
@administrators
def user_unlock(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    accounts.unlock(actor=request.user, user=account)
    messages.success(request, f"{account.username} can sign in again.")
    return redirect("organisations:user-edit", pk=account.pk)


@require_POST
@administrators
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    if account == request.user:
        messages.error(request, "You cannot disable your own account.")
        return redirect("organisations:users")
    active = request.POST.get("active") == "yes"
    accounts.set_user_active(user=account, active=active, actor=request.user)
    messages.success(request, f"{account.username} is now {'enabled' if active else 'disabled'}.")
    return redirect("organisations:users")


@require_POST
@administrators
@needs_step_up
def user_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    accounts.reset_two_factor(actor=request.user, user=account)
    messages.success(
        request, f"{account.username} will set up two-factor sign-in again when they next sign in."
    )
    return redirect("organisations:user-edit", pk=account.pk)


@require_POST
@administrators
@needs_step_up
def user_set_up_link(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    path = accounts.issue_set_up_link(actor=request.user, user=account)
    return _set_up_link_page(request, account, path, created=False)


@administrators
def organisation_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.organisation_list())
    return render(
        request, "organisations/list.html", {"page": page, "organisations": page.object_list}
    )


@require_http_methods(["GET", "POST"])
@administrators
def organisation_create(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if form.is_valid():
        organisation = services.create_organisation(actor=request.user, **form.cleaned_data)
        messages.success(request, f"{organisation} has been added.")
        return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/organisation_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@administrators
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(Organisation.objects.select_related("local_authority"), pk=pk)
    form = TeamForm(request.POST or None, organisation=organisation)
    if form.is_valid():
        team = services.add_team(
            actor=request.user, organisation=organisation, name=form.cleaned_data["name"]
        )
        messages.success(request, f"{team.name} has been added.")
        return redirect("organisations:detail", pk=organisation.pk)
    context = {
        "organisation": organisation,
        "teams": organisation.teams.order_by("name"),
        "members": organisation.users.order_by("username"),
        "form": form,
    }
    return render(request, "organisations/detail.html", context)
