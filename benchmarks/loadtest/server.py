"""The database and the server under test: the environment, creating and preparing the
database (`pathways migrate`, `collectstatic`, `areas load-shipped`,
`demo`), and starting and stopping
`pathways run` on a free loopback port."""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def environment(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    if args.database:
        env["DATABASE_URL"] = args.database
    env["PATHWAYS_SECURE"] = "false"
    env["PATHWAYS_VAR_DIR"] = str(args.var_dir)
    env["DJANGO_SETTINGS_MODULE"] = "pathways.settings"
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def pathways(env: dict[str, str], *command: str) -> None:
    print(f"  pathways {' '.join(command)}", flush=True)
    done = subprocess.run(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "pathways", *command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-6000:], sep="\n", file=sys.stderr)
        raise SystemExit(f"`pathways {' '.join(command)}` failed ({done.returncode})")


def create_database(args: argparse.Namespace) -> None:
    if args.database:
        import psycopg

        name = urllib.parse.urlsplit(args.database).path.lstrip("/")
        server = args.database.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(server, autocommit=True) as connection:
            if args.fresh:
                print(f"  dropping database {name}", flush=True)
                connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [name]
            ).fetchone()
            if not exists:
                print(f"  creating database {name}", flush=True)
                connection.execute(f'CREATE DATABASE "{name}"')
    else:
        args.var_dir.mkdir(parents=True, exist_ok=True)
        if args.fresh:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{args.var_dir / 'pathways.sqlite3'}{suffix}").unlink(missing_ok=True)


def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    pathways(env, "migrate", "--no-input", "-v", "0")
    pathways(env, "collectstatic", "--no-input", "-v", "0")  # `pathways run` serves only then
    pathways(env, "areas", "load-shipped")
    from pathways.accounts.models import User

    if User.objects.exists():
        print("  the database has users already: not loading the demo again", flush=True)
    else:
        extra = ["--generated", str(args.generated)] if args.generated is not None else []
        began = time.monotonic()
        pathways(env, "demo", *extra)
        print(f"  demo loaded in {time.monotonic() - began:.0f} s", flush=True)


def configure(args: argparse.Namespace) -> dict[str, str]:
    """The server's environment, returned; this process set up the same way (Django, to read
    the demo users' codes); with --prepare, the database created and prepared first."""
    env = environment(args)
    os.environ.update({k: env[k] for k in ("PATHWAYS_SECURE", "PATHWAYS_VAR_DIR")})
    os.environ["DJANGO_SETTINGS_MODULE"] = "pathways.settings"
    os.environ.pop("DATABASE_URL", None)
    if args.database:
        os.environ["DATABASE_URL"] = args.database
    import django

    if args.prepare:
        print("Preparing the database", flush=True)
        create_database(args)
    django.setup()
    if args.prepare:
        prepare(args, env)
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(args: argparse.Namespace, env: dict[str, str], port: int, log) -> subprocess.Popen:
    command = [sys.executable, "-m", "pathways", "run", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--threads", str(args.threads)]
    if args.no_worker:
        command.append("--no-worker")
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    began = time.monotonic()
    while time.monotonic() - began < 60:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped at start ({server.returncode}); see {log.name}")
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/healthz")
            if probe.getresponse().status == 200:
                probe.close()
                return server
        except OSError:
            pass  # not listening yet: ask again shortly
        time.sleep(0.3)
    stop_server(server)
    raise SystemExit(f"The server did not answer /healthz within 60 s; see {log.name}")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM (`pathways run` then stops its worker); the process group if it lingers."""
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)  # the group this script started
            server.wait(timeout=10)


def database_description(args: argparse.Namespace) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            version = f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            version = f"SQLite {cursor.fetchone()[0]} (WAL)"
    connection.close()
    where = args.database or str(args.var_dir / "pathways.sqlite3")
    return f"{version} at {where}"


def unready(plan: list[tuple[str, str]]) -> str | None:
    """Why the database cannot take the run (not migrated, demo users missing), or None."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from pathways.accounts.models import User

    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    connection.close()
    if unapplied:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in unapplied[:5])
        return f"The database is not migrated ({names}, …): run with --prepare."
    missing = sorted({u for _, u in plan} - set(User.objects.values_list("username", flat=True)))
    if missing:
        return f"No demo users {', '.join(missing)}: run with --prepare."
    return None
