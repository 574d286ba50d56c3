"""Health check, security headers, no caching of signed-in pages, error pages."""

from __future__ import annotations

from django.urls import reverse

from pathways.conftest import World


def test_healthz_answers_without_signing_in(db, client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_every_page_carries_the_security_headers(world: World, signed_in) -> None:
    response = signed_in(world.advocate_k).get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "no-store"


def test_pages_have_no_inline_script(world: World, signed_in) -> None:
    html = signed_in(world.advocate_k).get("/").content.decode()
    assert "<script>" not in html
    assert 'src="/static/pathways/js-enabled.js"' in html


def test_the_start_page_names_the_user_and_offers_their_navigation(world: World, signed_in) -> None:
    html = signed_in(world.programme_manager).get("/").content.decode()
    assert "Your programmes" in html
    for label in ("Households", "Programmes", "Audit log"):
        assert f">{label}</a>" in html
    assert "Households into Work" in html


def test_a_missing_page_is_a_govuk_404(world: World, signed_in) -> None:
    response = signed_in(world.advocate_k).get("/households/999999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_the_household_list_does_not_query_per_row(
    world: World, signed_in, django_assert_max_num_queries
) -> None:
    from pathways.households.tests.factories import HouseholdFactory, PersonFactory

    for _ in range(30):
        PersonFactory(
            household=HouseholdFactory(
                programme=world.hiw, organisation=world.knowsley, advocate=world.advocate_k
            )
        )
    client = signed_in(world.advocate_k)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("households:list"))
    assert response.context["page"].paginator.count == 31
    assert len(response.context["households"]) == 25  # paginated


def test_the_api_schema_and_docs_are_served(world: World, signed_in) -> None:
    client = signed_in(world.advocate_k)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/households/" in schema.content.decode()
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()


def test_pages_the_api_errors_and_static_files_turn_off_unused_browser_features(
    world: World, signed_in, client
) -> None:
    advocate = signed_in(world.advocate_k)
    responses = {
        "page": advocate.get("/"),
        "api": advocate.get("/api/me/"),
        "missing page": advocate.get("/households/999999/"),
        "sign-in page": client.get(reverse("accounts:sign-in")),
        "static file": client.get("/static/pathways/js-enabled.js"),
    }
    assert responses["api"].status_code == 200
    assert responses["missing page"].status_code == 404
    for name, response in responses.items():
        policy = response.get("Permissions-Policy", "")
        features = dict(item.split("=", 1) for item in policy.split(", ") if item)
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert features.get(feature) == "()", (name, feature)
        assert features.get("interest-cohort") == "()", name
