"""Administrators' pages: users and organisations (no case data)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from pathways.accounts.models import Role, User
from pathways.accounts.services import set_user_active
from pathways.core.access import roles
from pathways.core.pagination import paginate
from pathways.organisations import selectors


@roles(Role.ADMINISTRATOR)
def users(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.user_list())
    return render(request, "organisations/users.html", {"page": page, "users": page.object_list})


@require_POST
@roles(Role.ADMINISTRATOR)
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    account = get_object_or_404(User, pk=pk)
    if account == request.user:
        messages.error(request, "You cannot disable your own account.")
        return redirect("organisations:users")
    active = request.POST.get("active") == "yes"
    set_user_active(user=account, active=active, actor=request.user)
    messages.success(request, f"{account.username} is now {'enabled' if active else 'disabled'}.")
    return redirect("organisations:users")


@roles(Role.ADMINISTRATOR)
def organisation_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.organisation_list())
    return render(
        request, "organisations/list.html", {"page": page, "organisations": page.object_list}
    )
