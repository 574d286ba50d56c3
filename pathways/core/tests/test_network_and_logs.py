"""Behind reverse proxies: whose address counts, the request id, the log lines, the error page."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from django.test import Client, RequestFactory
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from hypothesis import given
from hypothesis import strategies as st

from pathways.accounts import tokens
from pathways.accounts.tests.factories import PASSWORD
from pathways.audit.models import AuditEvent
from pathways.conftest import World, sign_in
from pathways.core.access import public
from pathways.core.logs import (
    ACCESS_LOGGER,
    JsonFormatter,
    RequestContextFilter,
    TextFormatter,
)
from pathways.core.network import client_address
from pathways.urls import urlpatterns as pathways_urls

PROXY = "10.0.0.5"


def request_from(peer: str, forwarded_for: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_connection_is_the_client(settings) -> None:
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from("192.0.2.10", "198.51.100.1")) == "192.0.2.10"


def test_a_trusted_proxy_vouches_for_the_address_it_was_called_from(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request_from(PROXY, "203.0.113.9")) == "203.0.113.9"
    # What the client wrote itself (to the left) is ignored.
    assert client_address(request_from(PROXY, "127.0.0.1, 8.8.8.8, 203.0.113.9")) == "203.0.113.9"
    # Through a load balancer and the machine's own nginx, both trusted.
    assert client_address(request_from(PROXY, "203.0.113.9, 10.1.2.3")) == "203.0.113.9"
    assert client_address(request_from(PROXY, "[2001:db8::7]:5123")) == "2001:db8::7"
    # A proxy's own request (a health check), or a header no proxy would write.
    assert client_address(request_from(PROXY)) == PROXY
    assert client_address(request_from(PROXY, "10.1.2.3")) == "10.1.2.3"
    assert client_address(request_from(PROXY, "203.0.113.9, garbage")) == PROXY


def test_a_header_from_anyone_else_is_ignored(settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    assert client_address(request_from("192.0.2.10", "203.0.113.9")) == "192.0.2.10"


addresses = st.ip_addresses(v=4).map(str)


@given(spoofed=st.lists(st.one_of(addresses, st.text(max_size=12)), max_size=4), real=addresses)
def test_whatever_a_client_sends_it_is_known_by_the_address_the_proxy_saw(
    spoofed: list[str], real: str
) -> None:
    """Hypothesis: a client writes anything into X-Forwarded-For; the trusted proxy appends
    the address it saw; that address (or, if it is a proxy's own, the proxy) is the answer."""
    from django.test import override_settings

    with override_settings(TRUSTED_PROXIES=["10.0.0.0/8"]):
        header = ", ".join([*spoofed, real]) if spoofed else real
        answer = client_address(request_from(PROXY, header))
    if not real.startswith("10."):
        assert answer == real
        return
    # The proxy saw another of our proxies (10.x), whose own entry is believed in turn; but
    # nothing to the left of the first entry that is not one of ours can be the answer.
    # The hops as written in the header (empty ones are no hop; a comma in the text splits).
    hops = [hop.strip() for hop in header.split(",") if hop.strip()][:-1]
    outside = [i for i, hop in enumerate(hops) if not hop.startswith("10.")]
    if outside:
        k = outside[-1]
        ignored = set(hops[:k]) - set(hops[k:]) - {real, PROXY}
        assert answer not in ignored, (hops, real, answer)


def test_the_audit_log_keeps_the_clients_address_not_the_proxys(
    world: World, settings, client: Client
) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    sign_in(client, world.advocate_k)
    client.get(
        f"/households/{world.household_k.pk}/",
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.99, 203.0.113.44",
    )
    viewed = AuditEvent.objects.filter(verb="household.viewed").latest("id")
    assert viewed.ip_address == "203.0.113.44"


def test_every_response_has_a_request_id_and_a_trusted_proxys_is_kept(
    settings, client: Client
) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1/32"]
    own = client.get("/healthz")["X-Request-ID"]
    assert len(own) == 32 and own != client.get("/healthz")["X-Request-ID"]
    given_id = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    kept = client.get("/healthz", REMOTE_ADDR="127.0.0.1", HTTP_X_REQUEST_ID=given_id)
    assert kept["X-Request-ID"] == given_id
    ignored = client.get("/healthz", REMOTE_ADDR="192.0.2.1", HTTP_X_REQUEST_ID=given_id)
    assert ignored["X-Request-ID"] != given_id
    forged = client.get("/healthz", REMOTE_ADDR="127.0.0.1", HTTP_X_REQUEST_ID="<script>")
    assert forged["X-Request-ID"] != "<script>"


@pytest.fixture
def json_log() -> Iterator[io.StringIO]:
    """Everything logged at DEBUG, formatted as in production with PATHWAYS_LOG_FORMAT=json."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_json_logs_are_one_object_a_line_with_an_access_line_per_request(
    world: World, json_log: io.StringIO
) -> None:
    note = "Told me about the rent arrears and her son's probation officer"
    adviser = sign_in(Client(), world.advocate_k)
    today = timezone.localdate()
    url = reverse("household_record:add-contact", args=[world.household_k.pk])
    form = {"date_0": today.day, "date_1": today.month, "date_2": today.year, "notes": note}
    response = adviser.post(url, {**form, "method": "home_visit"})
    assert response.status_code == 302
    Client().post("/account/sign-in/", {"username": "advocate-k", "password": PASSWORD})

    lines = [json.loads(line) for line in json_log.getvalue().splitlines()]  # each one parses
    access = [line for line in lines if line["logger"] == ACCESS_LOGGER]
    [posted] = [line for line in access if line["path"] == url]
    assert posted["method"] == "POST" and posted["status"] == 302
    assert posted["request_id"] == response["X-Request-ID"]
    assert posted["user_id"] == world.advocate_k.pk
    assert {"time", "level", "message", "duration_ms", "client"} <= set(posted)
    assert any(line["path"] == "/account/sign-in/" for line in access)
    text = json_log.getvalue()
    assert PASSWORD not in text and "arrears" not in text and "probation" not in text


def test_text_logs_carry_time_level_logger_and_request_id() -> None:
    record = logging.LogRecord("pathways.x", logging.WARNING, "", 0, "Something %s", ("odd",), None)
    record.request_id, record.user_id = "abc123", 7
    line = TextFormatter().format(record)
    assert line.endswith("WARNING pathways.x [request abc123, user 7] Something odd")
    assert line[:4].isdigit()  # the date and time first


def test_a_set_up_links_token_is_not_logged(db, json_log: io.StringIO) -> None:
    Client().get("/account/set-up/MTI/c0ffee-0123456789abcdef/")
    [line] = [
        json.loads(line)
        for line in json_log.getvalue().splitlines()
        if json.loads(line)["logger"] == ACCESS_LOGGER
    ]
    assert line["path"] == "/account/set-up/[hidden]/[hidden]/"


@public
@csrf_exempt  # so that a form can be posted to it in test_sentry.py
def broken_view(request):
    raise RuntimeError("the service broke")


urlpatterns = [path("broken/", broken_view), *pathways_urls]
handler500 = "pathways.site.errors.server_error"


@pytest.mark.urls(__name__)
def test_the_error_page_gives_the_reference_its_log_line_carries(db, json_log: io.StringIO) -> None:
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    reference = response["X-Request-ID"]
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html and reference in html
    [error] = [
        json.loads(line)
        for line in json_log.getvalue().splitlines()
        if json.loads(line)["level"] == "ERROR"
    ]
    assert error["request_id"] == reference
    assert "RuntimeError: the service broke" in error["exception"]


def test_the_api_docs_open_with_a_token(world: World) -> None:
    token = tokens.issue(user=world.programme_manager, name="docs")
    response = Client().get("/api/docs/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert "swagger" in response.content.decode().lower()
