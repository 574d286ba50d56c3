"""The real servers, as a council runs them: gunicorn (`pathways web`) behind nginx with TLS,
the job worker, the scheduler and `pathways run`, on a database made empty for the purpose.

Not Django's test client: real processes, real sockets, a real browser."""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django_otp.oath import TOTP

from pathways.core.tests.browser import assert_accessible
from pathways.operations.tests.stack import (
    PROXY,
    PUBLIC,
    Stack,
    empty_database,
    free_port,
    get,
    insecure,
    outside_env,
    require_nginx,
    start_nginx,
)

PASSWORD = "harbour lantern quietly"
SILENT_SECONDS = 10


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, django_db_setup: Any) -> Iterator[Stack]:
    """Production settings on an empty database; static files collected; the web server up."""
    require_nginx()
    folder = tmp_path_factory.mktemp("deployment")
    public_port = free_port(PUBLIC)
    with empty_database(folder) as url:
        env = outside_env() | {
            "DJANGO_SETTINGS_MODULE": "pathways.settings",
            "DATABASE_URL": url,
            "PATHWAYS_VAR_DIR": str(folder / "var"),
            "PATHWAYS_STATIC_ROOT": str(folder / "static"),
            "SECRET_KEY": "a-test-deployment's-secret-key-" + "x" * 40,
            "PATHWAYS_PSEUDONYM_KEY": "a-test-deployment's-pseudonym-key",
            "PATHWAYS_BASE_URL": f"https://{PUBLIC}:{public_port}",
            "ALLOWED_HOSTS": f"{PUBLIC},127.0.0.1",
            "PATHWAYS_TRUSTED_PROXIES": PROXY,
            "PATHWAYS_LOG_FORMAT": "json",
            "PATHWAYS_WORKER_SILENT_SECONDS": str(SILENT_SECONDS),
        }
        deployment = Stack(folder=folder, env=env)
        deployment.public_port = public_port  # type: ignore[attr-defined]
        deployment.pathways("collectstatic", "--no-input", "-v", "0")
        try:
            deployment.start_web()
            yield deployment
        finally:
            for name in list(deployment.processes):
                deployment.stop(name)


def ready(stack: Stack, port: int | None = None) -> tuple[int, dict]:
    status, _, body = get(f"http://127.0.0.1:{port or stack.web_port}/readyz")
    return status, json.loads(body)


def eventually_ready(stack: Stack, port: int | None = None, seconds: float = 30) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        try:
            status, body = ready(stack, port)
        except OSError as error:  # not listening yet
            status, body = 0, {"error": str(error)}
        if status == 200 or time.monotonic() > deadline:
            assert status == 200, body
            return body
        time.sleep(0.3)


def test_readyz_says_what_is_missing_until_everything_runs(stack: Stack) -> None:
    status, body = ready(stack)
    assert status == 503 and body["checks"]["migrations"]["ok"] is False
    assert "the database has not been migrated: run pathways migrate" in body["reasons"][0]
    assert get(f"http://127.0.0.1:{stack.web_port}/healthz")[0] == 200  # alive, all the same

    stack.migrate()
    status, body = ready(stack)
    assert status == 503
    assert body["reasons"] == ["job worker: no job worker has reported: start pathways worker"]

    stack.start("worker", "worker")
    eventually_ready(stack)
    stack.stop("worker")  # a clean stop: it says so, so readiness drops at once
    status, body = ready(stack)
    assert status == 503 and body["reasons"][0].startswith("job worker: no job worker")

    stack.start("worker", "worker")
    eventually_ready(stack)
    stack.stop("worker", signal.SIGKILL)  # killed: silent, then not ready once too long
    time.sleep(SILENT_SECONDS + 2)
    status, body = ready(stack)
    assert status == 503 and "no job worker has reported for" in body["reasons"][0]


def children_of(pid: int, named: str) -> list[int]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            cmdline = (status.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        parent = re.search(r"^PPid:\s+(\d+)", text, re.M)
        if parent and int(parent.group(1)) == pid and named in cmdline:
            found.append(int(status.parent.name))
    return found


def test_pathways_run_starts_a_killed_worker_again(stack: Stack) -> None:
    stack.migrate()
    port = free_port()
    run = stack.start("run", "run", f"--port={port}", "--processes=1", "--threads=2")
    eventually_ready(stack, port)
    deadline = time.monotonic() + 20
    while not (workers := children_of(run.pid, "pathways worker")):
        assert time.monotonic() < deadline, stack.log("run")
        time.sleep(0.2)
    os.kill(workers[0], signal.SIGKILL)
    deadline = time.monotonic() + 30
    while True:
        again = children_of(run.pid, "pathways worker")
        if again and again != workers:
            break
        assert time.monotonic() < deadline, stack.log("run")
        time.sleep(0.2)
    assert "The job worker stopped (exit code -9)" in stack.log("run")
    eventually_ready(stack, port)
    stack.stop("run")
    assert children_of(run.pid, "pathways") == []


def totp_now(secret: str) -> str:
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return f"{TOTP(key).token():06d}"


def sign_in_wrongly(port: int, *, source: str, claiming: str) -> int:
    """A wrong password sent through nginx from the address `source`, claiming `claiming` in
    X-Forwarded-For; the status of the answer."""
    connection = http.client.HTTPSConnection(
        PUBLIC, port, source_address=(source, 0), context=insecure()
    )
    connection.request("GET", "/account/sign-in/", headers={"X-Forwarded-For": claiming})
    answer = connection.getresponse()
    cookie = answer.getheader("Set-Cookie").split(";")[0]
    form = answer.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    connection.request(
        "POST",
        "/account/sign-in/",
        body=f"csrfmiddlewaretoken={token}&username=kay.admin&password=not-the-password",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": cookie,
            "Origin": f"https://{PUBLIC}:{port}",
            "X-Forwarded-For": claiming,
        },
    )
    return connection.getresponse().status


@pytest.mark.browser
def test_the_first_administrator_signs_in_through_the_proxy(stack: Stack, chromium: Any) -> None:
    stack.migrate()
    port = stack.public_port  # type: ignore[attr-defined]
    start_nginx(stack, listen_port=port)
    out = stack.pathways(
        "users", "add", "kay.admin", "--role=administrator", "--organisation=Knowsley Council",
        "--organisation-type=local_authority", "--first-name=Kay", "--last-name=Admin",
        "--email=kay.admin@knowsley.example",
    ).stdout  # fmt: skip
    link = re.search(rf"https://{re.escape(PUBLIC)}:{port}/account/set-up/\S+", out).group(0)

    context = chromium.new_context(ignore_https_errors=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    response = page.goto(link)
    assert response.status == 200 and response.request.redirected_from is None
    assert response.headers["strict-transport-security"].startswith("max-age=31536000")
    assert_accessible(page)
    page.fill("#id_new_password1", PASSWORD)
    page.fill("#id_new_password2", PASSWORD)
    page.get_by_role("button", name="Save password").click()
    page.fill("#id_username", "kay.admin")
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="Continue").click()
    secret = page.locator("#totp-secret").inner_text()
    page.fill("#id_code", totp_now(secret))
    page.get_by_role("button", name="Continue").click()
    page.get_by_role("link", name="I have saved my codes").click()
    page.goto(f"https://{PUBLIC}:{port}/organisations/users/")
    assert page.locator("h1").inner_text().strip() == "Users"
    assert_accessible(page)

    cookies = {cookie["name"]: cookie for cookie in context.cookies()}
    assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"]
    assert cookies["csrftoken"]["secure"]
    stylesheet = page.locator("link[rel=stylesheet]").get_attribute("href")
    assert re.fullmatch(r"/static/pathways\.[0-9a-f]{12}\.css", stylesheet)
    status, headers, _ = get(f"https://{PUBLIC}:{port}{stylesheet}", **{"Accept-Encoding": "gzip"})
    assert status == 200 and "immutable" in headers["Cache-Control"]
    assert headers["Content-Encoding"] == "gzip"
    context.close()

    # A client that claims another address, from an address of its own: the audit log keeps the
    # address nginx saw, never the claim and never the proxy's.
    assert sign_in_wrongly(port, source="127.0.0.5", claiming="6.6.6.6") == 200  # the form again
    addresses = stack.pathways(
        "shell", "-v", "0", "-c",
        "from pathways.audit.models import AuditEvent as E; "
        "print(list(E.objects.filter(verb__in=['user.signed_in', 'user.sign_in_failed'])"
        ".order_by('id').values_list('verb', 'ip_address')))",
    ).stdout  # fmt: skip
    assert addresses.strip() == (
        "[('user.signed_in', '127.0.0.1'), ('user.sign_in_failed', '127.0.0.5')]"
    )

    # The web server's log: one JSON object a line, an access line with nginx's request id
    # for each request, and never the password typed.
    lines = [json.loads(line) for line in stack.log("web").splitlines() if line.strip()]
    access = [line for line in lines if line["logger"] == "pathways.access"]
    signed_in = [line for line in access if line["path"] == "/account/sign-in/"]
    assert {line["client"] for line in signed_in} == {"127.0.0.1", "127.0.0.5"}
    assert all(re.fullmatch(r"[0-9a-f]{32}", line["request_id"]) for line in access)
    assert PASSWORD not in stack.log("web") and "not-the-password" not in stack.log("web")
    assert re.search(r"/account/set-up/\[hidden\]/\[hidden\]/", stack.log("web"))


def test_a_reload_for_new_code_drops_no_request(stack: Stack) -> None:
    """The upgrade's restart step (`systemctl reload pathways-web`: SIGHUP to gunicorn) while
    requests keep arriving: every one is answered, by old processes or new ones."""
    stack.migrate()
    url = f"http://127.0.0.1:{stack.web_port}/healthz"  # plain http: exempt from the redirect
    assert get(url)[0] == 200
    os.kill(stack.processes["web"].pid, signal.SIGHUP)
    statuses = []
    deadline = time.monotonic() + 6
    while time.monotonic() < deadline:
        statuses.append(get(url)[0])
    assert statuses and set(statuses) == {200}
    assert "Hang up: Master" in stack.log("web")
