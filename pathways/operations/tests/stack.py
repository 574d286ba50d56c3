"""A deployment on loopback, for the tests that use the real servers: an empty database of the
suite's kind (a new SQLite file, or a new PostgreSQL database), collected static files,
`pathways web` (gunicorn) and the other processes started as a council would start them, and
Debian's nginx in front with TLS from a throwaway certificate, configured from the shipped
example (deploy/nginx/pathways.conf)."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[3]
NGINX = Path(os.environ.get("PATHWAYS_NGINX", "/usr/sbin/nginx"))
SITE_EXAMPLE = REPO / "deploy" / "nginx" / "pathways.conf"
# nginx listens here; it calls gunicorn from PROXY, the only address Pathways trusts; the
# browser's connections come from 127.0.0.1, so the three can be told apart.
PUBLIC, PROXY = "127.0.0.2", "127.0.0.3"


def require_nginx() -> None:
    if NGINX.exists():
        return
    message = f"The real-server tests need nginx at {NGINX} (install Debian's nginx-light)"
    if os.environ.get("PATHWAYS_REQUIRE_BROWSER") or os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def outside_env() -> dict[str, str]:
    """This environment without what the test run set for itself (its settings, database)."""
    dropped = {"DATABASE_URL", "DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}
    return {
        k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("PATHWAYS_")
    }


@contextlib.contextmanager
def empty_database(folder: Path) -> Iterator[str]:
    """The URL of a new, empty database of the kind the suite runs on."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{folder / 'pathways.sqlite3'}"
        return
    import psycopg

    name = f"pathways_stack_{os.getpid()}"
    server = {
        "host": settings["HOST"],
        "port": settings["PORT"] or 5432,
        "user": settings["USER"],
        "password": settings["PASSWORD"] or None,
    }
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    try:
        yield f"postgresql://{settings['USER']}{password}@{server['host']}:{server['port']}/{name}"
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Stack:
    folder: Path
    env: dict[str, str]
    web_port: int = field(default_factory=free_port)
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    migrated: bool = False

    def pathways(self, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess:
        """Run a `pathways` command as the operator would, with the deployment's settings."""
        result = subprocess.run(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "pathways", *args],
            env=self.env | env,
            capture_output=True,
            text=True,
            timeout=300,
            cwd=self.folder,
            check=False,
        )
        if check:
            assert result.returncode == 0, f"pathways {' '.join(args)}:\n{result.stderr}"
        return result

    def start(self, name: str, *args: str, **env: str) -> subprocess.Popen:
        log = (self.folder / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
            [sys.executable, "-m", "pathways", *args],
            env=self.env | env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.folder,
            start_new_session=True,  # so that stopping it stops its children
        )
        self.processes[name] = process
        return process

    def stop(self, name: str, sig: int = signal.SIGTERM) -> None:
        process = self.processes.pop(name, None)
        if process is None or process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def log(self, name: str) -> str:
        return (self.folder / f"{name}.log").read_text(errors="replace")

    def migrate(self) -> None:
        if not self.migrated:
            self.pathways("migrate", "--no-input", "-v", "0")
            self.migrated = True

    def start_web(self) -> None:
        self.start("web", "web", f"--port={self.web_port}", "--processes=2", "--threads=4")
        wait_for(f"http://127.0.0.1:{self.web_port}/healthz", self, "web")


def wait_for(url: str, stack: Stack, name: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if stack.processes[name].poll() is not None:
            raise AssertionError(f"{name} stopped:\n{stack.log(name)}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(url, timeout=2, context=insecure())  # noqa: S310 - loopback
            return
        time.sleep(0.2)
    raise AssertionError(f"{url} did not answer:\n{stack.log(name)}")


def insecure() -> ssl.SSLContext:
    """TLS that accepts the throwaway certificate."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def get(url: str, **headers: str) -> tuple[int, Any, bytes]:
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    try:
        with urllib.request.urlopen(request, timeout=10, context=insecure()) as response:  # noqa: S310
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def nginx_site(*, listen_port: int, upstream: str, certificate: Path, key: Path) -> str:
    """The shipped example, with this machine's addresses; fails if the example has changed
    so that a replacement no longer applies (the example and the test must move together)."""
    site = SITE_EXAMPLE.read_text()
    replacements = [
        (r"server 127\.0\.0\.1:8000;", f"server {upstream};"),
        (r"listen 443 ssl http2;", f"listen {PUBLIC}:{listen_port} ssl http2;"),
        (r"\n\s*listen \[::\]:443 ssl http2;", ""),
        (r"/etc/ssl/pathways/fullchain\.pem", str(certificate)),
        (r"/etc/ssl/pathways/privkey\.pem", str(key)),
        (r"server_name pathways\.example\.gov\.uk;", f"server_name {PUBLIC};"),
    ]
    for pattern, replacement in replacements:
        site, count = re.subn(pattern, replacement, site)
        assert count >= 1, f"deploy/nginx/pathways.conf no longer has {pattern!r}"
    # The plain-http server that redirects to https is left out: port 80 is not ours here.
    site = re.sub(r"server \{\s*listen 80;.*?\n\}\n", "", site, flags=re.S)
    return site


def start_nginx(stack: Stack, *, listen_port: int) -> subprocess.Popen:
    folder = stack.folder / "nginx"
    folder.mkdir()
    certificate, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(  # noqa: S603
        [shutil.which("openssl") or "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
         "-days", "1", "-subj", f"/CN={PUBLIC}", "-keyout", str(key), "-out", str(certificate)],
        check=True, capture_output=True,
    )  # fmt: skip
    site = folder / "site.conf"
    site.write_text(
        nginx_site(
            listen_port=listen_port,
            upstream=f"127.0.0.1:{stack.web_port}",
            certificate=certificate,
            key=key,
        )
    )
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(
        f"""{user}
daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 128; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    proxy_bind {PROXY};
    include {site};
}}
"""
    )
    process = subprocess.Popen(  # noqa: S603
        [str(NGINX), "-p", str(folder), "-c", str(folder / "nginx.conf")],
        stdout=(folder / "out.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack.processes["nginx"] = process
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(
                (folder / "out.log").read_text() + (folder / "error.log").read_text()
            )
        with contextlib.suppress(OSError), socket.create_connection((PUBLIC, listen_port), 1):
            return process
        time.sleep(0.1)
    raise AssertionError("nginx did not start")
