"""A bounded load test on loopback: N simulated users for D seconds against the real server.

    .venv/bin/python -u benchmarks/load_test.py --prepare \\
        --database postgresql://postgres@127.0.0.1:5432/pathways_load --var-dir /tmp/loadvar
    .venv/bin/python -u benchmarks/load_test.py --prepare --database "" --var-dir /tmp/loadvar-sqlite

The second is SQLite, the embedded default (`--database` defaults to $DATABASE_URL). Without
`--prepare` it uses the database as it is (migrated, with the demo loaded).

With `--prepare` it creates the database if it is missing (`--fresh`: drops it first), migrates,
collects the static files (into --var-dir), loads the shipped areas and, on a database with no users yet, the demo (`pathways demo`). Then it
starts the production server (`pathways run`: gunicorn, its job worker and the scheduler) on a free loopback
port, signs each simulated user in through the real pages (password, then the demo account's
authenticator code), runs them all for the given time, stops the server and prints what it saw:
requests by page type with p50/p95/p99/max latency, 5xx responses, responses and server-log
lines saying "database is locked", and every other error. It exits 1 if there was any 5xx or
"database is locked", 2 if it could not run. A script that prints figures (docs/benchmarks.md),
not a CI gate. Standard library only, plus Django (in the venv) to read the demo users' codes.

Each simulated user is a thread with its own cookies and keep-alive connection, signed in once
as one of the demo accounts (several share an account, each with its own session), and does what
its role does, with think time between pages: advocates open the start page, their caseload, a
household, its people, record a contact (a real POST with the CSRF token) and search; team
managers their households, team, referrals, approvals, spending and reports; the programme
manager the dashboard and report tables, households, triage and spending; the evaluator and the
funder the dashboard and report tables.

Two-factor codes: django-otp accepts a device's code once per 30-second step (`last_t`), and
accepting a neighbouring step's code would move the device's stored drift; so the users sharing
an account sign in one per step, each with the code of the current step. Signing in 50 users on
the 12 demo accounts takes 2 to 3 minutes; the timed run starts when all are signed in.

The parts, by concern, are in benchmarks/loadtest/; this file reads the options and runs them.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from pathlib import Path

from loadtest.figures import Figures
from loadtest.machine import Meter, Usage
from loadtest.report import print_figures, print_no_sign_in, print_problems
from loadtest.scenario import assign, surnames
from loadtest.server import (
    configure,
    database_description,
    free_port,
    start_server,
    stop_server,
    unready,
)
from loadtest.signin import Codes
from loadtest.users import Context, SimulatedUser


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(
            "Bounded load test on loopback: N simulated users (threads, each signed in as a "
            "demo account) for D seconds against `pathways run` (gunicorn), which the script "
            "starts on a free port and stops. Prints requests by page type with p50/p95/p99/max "
            "latency, 5xx responses and 'database is locked'. Exit 1 if any 5xx or 'database "
            "is locked', 2 if it could not run."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("DATABASE_URL", ""),
        help="a postgresql://… URL (default: $DATABASE_URL); empty: SQLite under --var-dir",
    )
    parser.add_argument(
        "--var-dir",
        type=Path,
        default=Path("/tmp/loadvar"),  # noqa: S108 - a scratch directory for a benchmark
        help="PATHWAYS_VAR_DIR",
    )
    parser.add_argument(
        "--prepare",
        action="store_true",
        help="create the database if missing, migrate, collect the static files, load areas and (on "
        "an empty one) the demo",
    )
    parser.add_argument("--fresh", action="store_true", help="with --prepare: drop it first")
    parser.add_argument(
        "--generated",
        type=int,
        default=None,
        help="with --prepare: households for `pathways demo --generated N` (None: the demo's)",
    )
    parser.add_argument("--users", type=int, default=50, help="simulated users")
    parser.add_argument("--duration", type=float, default=180, help="seconds of the timed run")
    parser.add_argument("--think-min", type=float, default=2.0, help="seconds between pages, least")
    parser.add_argument("--think-max", type=float, default=8.0, help="seconds between pages, most")
    parser.add_argument(
        "--threads", type=int, default=8, help="gunicorn threads per process (`pathways run`)"
    )
    parser.add_argument("--no-worker", action="store_true", help="serve without the job worker")
    parser.add_argument("--seed", type=int, default=2026, help="random seed for what users do")
    parser.add_argument(
        "--server-log", type=Path, default=None, help="the server's output (default: in --var-dir)"
    )
    args = parser.parse_args()
    if args.users < 1 or args.duration <= 0 or not 0 <= args.think_min <= args.think_max:
        parser.error("--users must be 1 or more, --duration positive, think-min <= think-max")
    if args.database and not args.database.startswith(("postgres://", "postgresql://")):
        parser.error("--database takes a postgresql:// URL (leave it out for SQLite)")
    return args


def announce(
    args: argparse.Namespace, plan: list[tuple[str, str]], port: int, log_path: Path
) -> None:
    workers = "no job worker" if args.no_worker else "its job worker"
    print(
        f"Load test: {len(plan)} users for {args.duration:.0f} s on {database_description(args)}\n"
        f"Server: `pathways run` (gunicorn, 2 processes x {args.threads} threads, {workers}) on "
        f"127.0.0.1:{port}; log {log_path}\n"
        f"Think time {args.think_min:g}-{args.think_max:g} s; machine: {os.cpu_count()} cores; "
        f"Python {sys.version.split()[0]}; load average before the start "
        f"{os.getloadavg()[0]:.2f} (other work on the machine skews the figures)",
        flush=True,
    )
    roles = Counter(role for role, _ in plan)
    print("Users: " + ", ".join(f"{n} {role}" for role, n in roles.items()), flush=True)


def timed_run(
    args: argparse.Namespace, plan: list[tuple[str, str]], context: Context, server_pid: int
) -> tuple[list[SimulatedUser], Usage]:
    """Every user signed in, then all of them for the run's duration."""
    users = [SimulatedUser(i + 1, role, name, context) for i, (role, name) in enumerate(plan)]
    began = time.monotonic()
    for user in users:
        user.start()
    context.all_arrived.wait()
    signed_in = sum(1 for u in users if u.signed_in)
    print(
        f"Signed in {signed_in} of {len(users)} users in {time.monotonic() - began:.0f} s",
        flush=True,
    )
    if not signed_in:
        print("No user could sign in; see the errors below.", file=sys.stderr)
    meter = Meter(server_pid)
    context.deadline = meter.began + args.duration
    context.start.set()
    for user in users:
        user.join()
    return users, meter.stop()


def main() -> int:
    args = parse_args()
    env = configure(args)
    plan = assign(args.users)
    problem = unready(plan)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    args.var_dir.mkdir(parents=True, exist_ok=True)
    log_path = args.server_log or args.var_dir / "load_test_server.log"
    port = free_port()
    figures = Figures()
    context = Context(
        port=port,
        figures=figures,
        codes=Codes(),
        think=(args.think_min, args.think_max),
        seed=args.seed,
        surnames=surnames(),
        users=len(plan),
    )
    announce(args, plan, port, log_path)
    with open(log_path, "w") as log:
        server = start_server(args, env, port, log)
        try:
            users, usage = timed_run(args, plan, context, server.pid)
        finally:
            stop_server(server)
    log_text = log_path.read_bytes().decode(errors="replace")
    if not any(u.signed_in for u in users):
        print_no_sign_in(figures, log_text)
        return 2
    actions = Counter()
    for user in users:
        actions.update(user.actions)
    print_figures(figures, actions, usage)
    return print_problems(figures, log_text)


if __name__ == "__main__":
    sys.exit(main())
