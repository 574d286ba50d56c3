"""Deny by default: every URL declares who may use it; without a rule, nobody may."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from pathways.core.access import access_of


def all_patterns(
    resolver: URLResolver | None = None, prefix: str = ""
) -> list[tuple[str, URLPattern]]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += all_patterns(entry, prefix + str(entry.pattern))
        else:
            found.append((prefix + str(entry.pattern), entry))
    return found


def sample_url(route: str) -> str:
    """A concrete URL for a route, with placeholder values for its parameters."""
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    url = re.sub(r"<int:\w+>", "1", url)
    url = re.sub(r"<(slug:)?\w+>", "x", url)
    return "/" + url.replace("^", "").replace("$", "").replace("\\Z", "")


def test_every_url_declares_its_access() -> None:
    undeclared = [route for route, pattern in all_patterns() if access_of(pattern.callback) is None]
    assert undeclared == []


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_sign_in_from_every_page(client) -> None:
    checked = 0
    for route, pattern in all_patterns():
        access = access_of(pattern.callback)
        if access.public or "format" in route:
            continue
        url = sample_url(route)
        response = client.get(url)
        checked += 1
        if route.startswith("api/"):
            # The API answers with a status, not a redirect: 401, and how to authenticate.
            assert response.status_code == 401, f"{url}: {response.status_code}"
            assert response["WWW-Authenticate"] == "Token", url
            continue
        assert response.status_code == 302, url
        assert response["Location"].startswith("/account/sign-in/"), url
    assert checked > 100


@pytest.mark.django_db
def test_a_user_with_no_role_is_refused_everywhere_but_sign_in(client, world) -> None:
    from pathways.conftest import sign_in

    sign_in(client, world.no_role)
    for route, pattern in all_patterns():
        access = access_of(pattern.callback)
        if access.public or access.before_two_factor or "format" in route:
            continue
        url = sample_url(route)
        response = client.get(url)
        assert response.status_code == 403, f"{url}: {response.status_code}"
        assert response["Cache-Control"] == "no-store", url


def test_a_view_without_a_rule_is_refused(rf, django_user_model) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from pathways.core.access import AccessMiddleware

    def undeclared(request):  # a view someone forgot to protect
        return HttpResponse("secret")

    middleware = AccessMiddleware(lambda request: HttpResponse())
    with pytest.raises(PermissionDenied):
        middleware.process_view(rf.get("/"), undeclared, (), {})
