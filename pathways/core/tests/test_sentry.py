"""Errors reach Sentry (here a loopback stand-in for its ingestion API, behind the real
sentry-sdk client) with nothing personal in them."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import pytest

from pathways.core.sentry import scrub
from pathways.core.tests.test_settings import REPO, outside_env

SECRET_NOTE = "Told me about the overdose last spring"
PASSWORD = "lantern-quarry-thistle"
COOKIE = "cookie-value-9f8e7d"


@pytest.fixture
def ingestion() -> Iterator[tuple[str, list[bytes]]]:
    received: list[bytes] = []

    class Envelopes(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            encoding = self.headers.get("Content-Encoding")
            if encoding == "gzip":
                body = gzip.decompress(body)
            elif encoding == "br":
                body = brotli.decompress(body)
            received.append(body)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Envelopes)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://public@127.0.0.1:{server.server_port}/1", received
    server.shutdown()


SCRIPT = f"""
import io
from urllib.parse import urlencode
from wsgiref.util import setup_testing_defaults

import django
django.setup()
import sentry_sdk
from django.test.utils import override_settings
from pathways.wsgi import application  # the WSGI handler gunicorn calls, as Sentry sees it

body = urlencode({{"password": "{PASSWORD}", "notes": "{SECRET_NOTE}"}}).encode()
environ = {{
    "REQUEST_METHOD": "POST", "PATH_INFO": "/broken/", "QUERY_STRING": "surname=Madeup",
    "CONTENT_TYPE": "application/x-www-form-urlencoded", "CONTENT_LENGTH": str(len(body)),
    "HTTP_COOKIE": "other={COOKIE}", "wsgi.input": io.BytesIO(body),
}}
setup_testing_defaults(environ)
answer = {{}}
def start_response(status, headers, exc_info=None):
    answer.update(status=status.split()[0], headers=dict(headers))
with override_settings(ROOT_URLCONF="pathways.core.tests.test_network_and_logs"):
    b"".join(application(environ, start_response))
print(answer["status"], answer["headers"]["X-Request-ID"])
sentry_sdk.flush(10)
"""


def test_an_error_is_reported_without_the_request_or_anything_typed(
    ingestion: tuple[str, list[bytes]], tmp_path: Path
) -> None:
    dsn, received = ingestion
    env = outside_env() | {
        "DJANGO_SETTINGS_MODULE": "pathways.settings_for_tests",
        "PATHWAYS_VAR_DIR": str(tmp_path),
        "SENTRY_DSN": dsn,
        "SENTRY_ENVIRONMENT": "test",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, cwd=REPO,
        timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    status, request_id = result.stdout.split()
    assert status == "500"
    everything = b"\n".join(received).decode()
    events = [
        json.loads(line)
        for line in everything.splitlines()
        if line.startswith("{") and '"exception"' in line
    ]
    assert events, f"no error reached the stand-in: {everything[:500]}"
    [event] = events
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError" and exception["value"] == "the service broke"
    assert event["request"] == {"method": "POST", "url": "http://127.0.0.1/broken/"}  # no query
    assert event["tags"]["request_id"] == request_id
    assert event["environment"] == "test" and "user" not in event
    assert all("vars" not in f for f in exception["stacktrace"]["frames"])
    for secret in (PASSWORD, SECRET_NOTE, COOKIE, "Madeup"):
        assert secret not in everything


def test_scrub_keeps_only_what_is_allowed() -> None:
    event = {
        "event_id": "1",
        "level": "error",
        "exception": {"values": [{"type": "E", "stacktrace": {"frames": [{"vars": {"a": 1}}]}}]},
        "request": {"method": "GET", "url": "https://p.example/x?name=Smith", "data": {"n": 1},
                    "cookies": {"s": "1"}, "headers": {"Cookie": "s=1"}},
        "user": {"id": 3, "email": "kay@example.gov.uk", "ip_address": "1.2.3.4"},
        "breadcrumbs": {"values": [{"message": "SELECT name"}]},
        "extra": {"sys.argv": ["x"]},
    }  # fmt: skip
    kept = scrub(event)
    assert kept == {
        "event_id": "1",
        "level": "error",
        "exception": {"values": [{"type": "E", "stacktrace": {"frames": [{}]}}]},
        "request": {"method": "GET", "url": "https://p.example/x"},
    }
