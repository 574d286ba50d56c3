"""Who may reach which page or endpoint: deny by default.

Every view declares its access with one of the decorators below (or, for an API view,
an `access` class attribute). AccessMiddleware refuses any view that declares nothing, so a
new page is closed until someone decides who may use it; tests walk the URL patterns to prove
that each one declares its access.

Two tiers decide which *records* a user may see once they reach a page (see selectors in
each app, which all start from households.selectors.households_visible_to):
- "all on my programmes / organisation": programme managers (their programmes) and team
  managers (their organisation's cases);
- "my own caseload": advocates (households they are the advocate of).
Evaluators, funders and administrators see no identifiable case record at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from rest_framework.permissions import BasePermission

from pathways.core.roles import ALL_ROLES

ViewFunc = TypeVar("ViewFunc", bound=Callable[..., Any])


@dataclass(frozen=True)
class Access:
    """A view's access rule: public, or signed in with one of `roles`."""

    public: bool = False
    roles: frozenset[str] = frozenset()
    # Pages a signed-in user needs before finishing two-factor sign-in (set up, verify, sign out).
    before_two_factor: bool = False


def _declare(access: Access) -> Callable[[ViewFunc], ViewFunc]:
    def decorate(view: ViewFunc) -> ViewFunc:
        view.pathways_access = access  # type: ignore[attr-defined]
        return view

    return decorate


def public(view: ViewFunc) -> ViewFunc:
    """Anyone may use this view, signed in or not."""
    return _declare(Access(public=True))(view)


def roles(*allowed: str) -> Callable[[ViewFunc], ViewFunc]:
    """Only signed-in users (two-factor verified) with one of these roles."""
    return _declare(Access(roles=frozenset(allowed)))


def any_role(view: ViewFunc) -> ViewFunc:
    """Any signed-in, verified user with a role."""
    return _declare(Access(roles=ALL_ROLES))(view)


def before_two_factor(view: ViewFunc) -> ViewFunc:
    """A signed-in user who has not yet finished two-factor sign-in."""
    return _declare(Access(roles=ALL_ROLES, before_two_factor=True))(view)


def access_of(view_func: Callable[..., Any]) -> Access | None:
    """The access a view declares (a function view, a class view or a DRF view), if any."""
    access = getattr(view_func, "pathways_access", None)
    if access is None:
        cls = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
        access = getattr(cls, "pathways_access", None) or getattr(cls, "access", None)
    return access


def is_api_view(view_func: Callable[..., Any]) -> bool:
    return getattr(view_func, "cls", None) is not None


def is_verified(user: AbstractBaseUser) -> bool:
    """Whether a user finished two-factor sign-in in this session. Only a session's user can
    have: one authenticated by an API token never did (and has no `is_verified`)."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def user_may(user: AbstractBaseUser, access: Access) -> bool:
    """Whether a user's role is one the access rule allows."""
    return bool(user.is_authenticated and user.is_active and user.role in access.roles)


class AccessMiddleware:
    """Apply each view's declared access; refuse views that declare none."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        access = access_of(view_func)
        if access is None:
            raise PermissionDenied("This page has no access rule, so nobody may use it.")
        if access.public:
            return None
        if is_api_view(view_func):
            return None  # DRF authenticates tokens itself; RolePermission applies the rule.
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), settings.LOGIN_URL)
        if not is_verified(user) and not access.before_two_factor:
            return redirect("accounts:two-factor")
        if not user_may(user, access):
            raise PermissionDenied("Your role does not give you access to this page.")
        return None


class RolePermission(BasePermission):
    """DRF's side of the same rule: the view's `access` must allow the user's role."""

    message = "Your role does not give you access to this endpoint."

    def has_permission(self, request: Any, view: Any) -> bool:
        access: Access | None = getattr(view, "access", None)
        if access is None:
            return False
        if access.public:
            return True
        return user_may(request.user, access)


def roles_access(allowed: Iterable[str]) -> Access:
    """An Access for API views: `access = roles_access([Role.ADVOCATE, …])`."""
    return Access(roles=frozenset(allowed))
