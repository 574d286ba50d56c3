"""A bounded load test on loopback: N simulated users for D seconds against the real server.

    .venv/bin/python -u benchmarks/load_test.py --prepare \\
        --database postgresql://postgres@127.0.0.1:5432/pathways_load --var-dir /tmp/loadvar
    .venv/bin/python -u benchmarks/load_test.py --prepare --database "" --var-dir /tmp/loadvar-sqlite

The second is SQLite, the embedded default (`--database` defaults to $DATABASE_URL). Without
`--prepare` it uses the database as it is (migrated, with the demo loaded).

With `--prepare` it creates the database if it is missing (`--fresh`: drops it first), migrates,
loads the shipped areas and, on a database with no users yet, the demo (`pathways demo`). Then it
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
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.cookies import CookieError, SimpleCookie
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEMO_PASSWORD = "pathways-demo-2026"  # noqa: S105 - the demo's published password
LOCKED = "database is locked"
CODE_MARGIN = 10  # seconds a code must have left when it is sent

# The demo accounts by role (README.md, "The demo").
ACCOUNTS = {
    "advocate": [
        "advocate-knowsley",
        "advocate-liverpool",
        "advocate-knowsley-2",
        "advocate-halton",
        "advocate-st-helens",
        "advocate-sefton",
        "advocate-wirral",
    ],
    "team-manager": ["manager-knowsley", "manager-liverpool"],
    "programme-manager": ["programme-manager"],
    "evaluator": ["evaluator"],
    "funder": ["funder"],
}
# Shares of the simulated users: 50 gives 30 advocates, 10 team managers, 5 programme managers,
# 2 evaluators and 3 funders (at most 5 sessions on one account).
SHARES = {
    "advocate": 0.60,
    "team-manager": 0.20,
    "programme-manager": 0.10,
    "evaluator": 0.04,
    "funder": 0.06,
}
# What each role does, by weight: one action is one page as a user sees it (a form is opened,
# filled in and sent; a redirect is followed), then think time.
ACTIONS = {
    "advocate": {
        "start": 10,
        "caseload": 15,
        "household": 25,
        "person": 15,
        "contact": 8,
        "search": 10,
        "diary": 7,
        "outcomes": 5,
    },
    "team-manager": {
        "start": 8,
        "caseload": 12,
        "team": 12,
        "triage": 10,
        "approvals": 6,
        "spending": 10,
        "dashboard": 14,
        "report": 14,
        "report-csv": 2,
        "household": 8,
        "search": 4,
    },
    "programme-manager": {
        "start": 5,
        "dashboard": 30,
        "report": 20,
        "caseload": 10,
        "triage": 10,
        "spending": 10,
        "outcomes": 5,
        "household": 5,
        "search": 5,
    },
    "evaluator": {"start": 10, "dashboard": 50, "report": 40},
    "funder": {"start": 10, "dashboard": 50, "report": 40},
}
SIMPLE_PAGES = {
    "start": "/",
    "caseload": "/households/",
    "team": "/households/team/",
    "triage": "/households/referrals/",
    "approvals": "/approvals/",
    "spending": "/spending/",
    "dashboard": "/reports/",
    "diary": "/households/diary/",
    "outcomes": "/outcomes/",
}
# Page types, by path (the first that matches); a POST is "POST <type>".
PAGE_TYPES = [
    (r"^/$", "start"),
    (r"^/account/sign-in/$", "sign-in"),
    (r"^/account/two-factor/", "two-factor"),
    (r"^/households/$", "caseload"),
    (r"^/households/team/$", "team"),
    (r"^/households/referrals/$", "triage"),
    (r"^/households/search/$", "search"),
    (r"^/households/diary/$", "diary"),
    (r"^/households/\d+/$", "household"),
    (r"^/households/\d+/contacts/add/$", "contact form"),
    (r"^/households/\d+/people/\d+/$", "person"),
    (r"^/households/\d+/people/\d+/plan/$", "person plan"),
    (r"^/households/\d+/people/\d+/readings/$", "person readings"),
    (r"^/households/\d+/people/\d+/work/$", "person work"),
    (r"^/approvals/$", "approvals"),
    (r"^/spending/$", "spending"),
    (r"^/reports/$", "reports dashboard"),
    (r"^/reports/[^/]+/download/", "report download"),
    (r"^/reports/[^/]+/$", "report table"),
    (r"^/outcomes/claims/", "claims"),
    (r"^/outcomes/", "outcomes"),
]
HOUSEHOLD_LINK = re.compile(r'href="/households/(\d+)/"')
PERSON_LINK = re.compile(r'href="/households/(\d+)/people/(\d+)/"')
REPORT_LINK = re.compile(r'href="/reports/([a-z0-9-]+)/(?:\?[^"]*)?"')
CSV_LINK = re.compile(r'href="(/reports/[a-z0-9-]+/download/csv/[^"]*)"')
NOT_REPORTS = {"pack", "trend"}
SURNAMES = ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "Wilson", "Roberts"]


def page_type(method: str, path: str) -> str:
    parts = urllib.parse.urlsplit(path)
    kind = next((name for pattern, name in PAGE_TYPES if re.match(pattern, parts.path)), "other")
    if kind == "search" and method == "GET" and "s=" in parts.query:
        kind = "search results"
    if method == "POST":
        return "POST record contact" if kind == "contact form" else f"POST {kind}"
    return kind


# --- figures --------------------------------------------------------------------------------


@dataclass
class Sample:
    phase: str  # "sign-in" or "run"
    role: str
    kind: str
    status: int  # 0: no response (a connection error or timeout)
    seconds: float


@dataclass
class Figures:
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # what went wrong, one line each
    server_errors: list[str] = field(default_factory=list)  # 5xx: method, path, status
    locked_responses: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), int(-(-share * len(ordered) // 1))))
    return ordered[rank - 1]


def table(samples: list[Sample], by: str = "kind") -> list[str]:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[getattr(sample, by)].append(sample)
    heading = "page type" if by == "kind" else by
    lines = [
        f"  {heading:<22} {'count':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'5xx':>4}"
    ]

    def row(name: str, group: list[Sample]) -> str:
        ordered = sorted(s.seconds * 1000 for s in group)
        five = sum(1 for s in group if s.status >= 500)
        return (
            f"  {name:<22} {len(group):>6} {percentile(ordered, 0.50):>7.0f} "
            f"{percentile(ordered, 0.95):>7.0f} {percentile(ordered, 0.99):>7.0f} "
            f"{(ordered[-1] if ordered else 0):>7.0f} {five:>4}"
        )

    for name in sorted(by_kind, key=lambda k: (-len(by_kind[k]), k)):
        lines.append(row(name, by_kind[name]))
    lines.append(row("all", samples))
    return lines


# --- one user's browser ---------------------------------------------------------------------


@dataclass
class Response:
    status: int
    path: str
    body: str
    location: str | None


class FormParser(HTMLParser):
    """The forms of a page: action, method, fields (name to value) and each select's options."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"action": a.get("action", ""), "method": a.get("method", "get").lower()}
                | {"fields": {}, "options": {}}
            )
        elif not self.forms:
            return
        elif tag == "input" and a.get("name"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.forms[-1]["fields"][a["name"]] = a.get("value", "")
        elif tag == "select" and a.get("name"):
            self._select = a["name"]
            self.forms[-1]["options"][self._select] = []
        elif tag == "option" and self._select and a.get("value"):
            self.forms[-1]["options"][self._select].append(a["value"])
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self.forms[-1]["fields"][self._textarea] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._textarea and self.forms:
            self.forms[-1]["fields"][self._textarea] += data


def form_with(body: str, field_name: str) -> dict | None:
    parser = FormParser()
    parser.feed(body)
    return next(
        (
            f
            for f in parser.forms
            if f["method"] == "post" and (field_name in f["fields"] or field_name in f["options"])
        ),
        None,
    )


class Browser:
    """One user's cookies and keep-alive connection; every request timed and checked."""

    def __init__(self, port: int, figures: Figures, name: str, role: str) -> None:
        self.port = port
        self.role = role
        self.figures = figures
        self.name = name
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.phase = "sign-in"

    def _send(self, method: str, path: str, fields: dict | None) -> Response:
        headers = {"User-Agent": "pathways-load-test", "Accept": "text/html"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        kind = page_type(method, path)
        began = time.perf_counter()
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.connection.request(method, path, body=body, headers=headers)
            reply = self.connection.getresponse()
            content = reply.read()
        except (OSError, http.client.HTTPException) as error:
            seconds = time.perf_counter() - began
            self.figures.add(Sample(self.phase, self.role, kind, 0, seconds))
            self.figures.error(f"{self.name}: {method} {path}: {type(error).__name__}: {error}")
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            return Response(0, path, "", None)
        seconds = time.perf_counter() - began
        self.figures.add(Sample(self.phase, self.role, kind, reply.status, seconds))
        for header in reply.msg.get_all("Set-Cookie") or []:
            self._keep_cookie(header)
        if reply.getheader("Connection", "").lower() == "close":
            self.connection.close()
            self.connection = None
        text = content.decode("utf-8", "replace")
        if LOCKED in text:
            with self.figures.lock:
                self.figures.locked_responses += 1
        if reply.status >= 500:
            with self.figures.lock:
                self.figures.server_errors.append(f"{method} {path}: {reply.status}")
        elif reply.status not in (200, 301, 302, 303):
            self.figures.error(f"{self.name}: {method} {path}: HTTP {reply.status}")
        return Response(reply.status, path, text, reply.getheader("Location"))

    def _keep_cookie(self, header: str) -> None:
        jar = SimpleCookie()
        try:
            jar.load(header)
        except CookieError:
            return
        for name, morsel in jar.items():
            if morsel["max-age"] == "0" or not morsel.value:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = morsel.value

    def get(self, path: str) -> Response:
        return self.follow(self._send("GET", path, None))

    def post(self, path: str, fields: dict, *, expect_redirect: bool = True) -> Response:
        reply = self._send("POST", path, fields)
        if expect_redirect and reply.status == 200:
            self.figures.error(f"{self.name}: POST {path}: the form came back (not accepted)")
        return self.follow(reply)

    def follow(self, reply: Response) -> Response:
        for _ in range(5):
            if reply.status not in (301, 302, 303) or not reply.location:
                return reply
            target = urllib.parse.urlsplit(reply.location)
            path = target.path + (f"?{target.query}" if target.query else "")
            reply = self._send("GET", path, None)
        return reply

    def csrf(self) -> str:
        return self.cookies.get("csrftoken", "")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


# --- two-factor codes -----------------------------------------------------------------------


class Codes:
    """The current code of a demo account's authenticator, one per 30-second step."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.account_locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self.used: dict[str, int] = {}

    def _read(self, username: str) -> tuple[str, int, int, float]:
        from django.db import connection
        from django_otp.oath import TOTP
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from pathways.accounts.services import current_totp_code

        with self.lock:
            try:
                device = TOTPDevice.objects.get(user__username=username, confirmed=True)
            finally:
                connection.close()
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        left = device.step - ((time.time() - device.t0) % device.step)
        return current_totp_code(device), totp.t(), device.last_t, left

    def sign_in(self, browser: Browser, username: str) -> bool:
        """Password, then the code; True when the start page is reached."""
        browser.get("/account/sign-in/")
        reply = browser.post(
            "/account/sign-in/",
            {
                "csrfmiddlewaretoken": browser.csrf(),
                "username": username,
                "password": DEMO_PASSWORD,
            },
        )
        if "/two-factor/verify/" not in reply.path:
            browser.figures.error(f"{browser.name}: the password was not accepted ({reply.path})")
            return False
        with self.account_locks[username]:
            tries = 0
            while tries < 2:
                code, step, last_t, left = self._read(username)
                if step <= max(last_t, self.used.get(username, -1)) or left < CODE_MARGIN:
                    # This step's code is used, or would expire before a busy server checks it
                    # (a neighbouring step's code would be accepted but move the device's drift).
                    time.sleep(left + 0.5)
                    continue
                tries += 1
                reply = browser.post(
                    "/account/two-factor/verify/",
                    {"csrfmiddlewaretoken": browser.csrf(), "code": code},
                )
                if urllib.parse.urlsplit(reply.path).path == "/" and reply.status == 200:
                    self.used[username] = step
                    return True
                browser.figures.error(
                    f"{browser.name}: the code was not accepted (HTTP {reply.status} {reply.path})"
                )
                time.sleep(left + 0.5)
        return False


# --- simulated users ------------------------------------------------------------------------


class SimulatedUser(threading.Thread):
    def __init__(self, number: int, role: str, username: str, ctx: Context) -> None:
        super().__init__(name=f"user-{number}", daemon=True)
        self.role = role
        self.username = username
        self.ctx = ctx
        self.random = random.Random(ctx.seed * 1000 + number)  # noqa: S311 - not for secrets
        self.browser = Browser(ctx.port, ctx.figures, f"user {number} ({username})", role)
        self.households: list[int] = []
        self.people: dict[int, list[int]] = {}
        self.reports: list[str] = []
        self.signed_in = False
        self.actions = Counter()

    def run(self) -> None:
        try:
            self.signed_in = self.ctx.codes.sign_in(self.browser, self.username)
        except Exception as error:  # noqa: BLE001 - reported, not raised
            self.ctx.figures.error(f"{self.browser.name}: sign-in: {type(error).__name__}: {error}")
        finally:
            self.ctx.arrived()
        if not self.signed_in:
            return
        self.ctx.start.wait()
        self.browser.phase = "run"
        weights = ACTIONS[self.role]
        names, counts = list(weights), list(weights.values())
        self.pause(0, self.ctx.think[1])  # arrive spread out, not all at once
        while time.monotonic() < self.ctx.deadline:
            action = self.random.choices(names, counts)[0]
            self.actions[action] += 1
            try:
                self.do(action)
            except Exception as error:  # noqa: BLE001 - reported, not raised
                self.ctx.figures.error(f"{self.browser.name}: {action}: {type(error).__name__}")
            self.pause(*self.ctx.think)
        self.browser.close()

    def pause(self, low: float, high: float) -> None:
        left = self.ctx.deadline - time.monotonic()
        if left > 0:
            time.sleep(min(left, self.random.uniform(low, high)))

    # what users do

    def do(self, action: str) -> None:
        if action in ("household", "person", "contact") and not self.households:
            action = "caseload"
        if action == "caseload":
            self.caseload()
        elif action in SIMPLE_PAGES:
            self.browser.get(SIMPLE_PAGES[action])
        elif action == "household":
            self.household(self.random.choice(self.households))
        elif action == "person":
            self.person()
        elif action == "contact":
            self.contact()
        elif action == "search":
            self.search()
        elif action == "report":
            self.report()
        elif action == "report-csv":
            self.report(download=True)
        else:
            raise ValueError(action)

    def caseload(self) -> None:
        reply = self.browser.get("/households/")
        found = [int(pk) for pk in HOUSEHOLD_LINK.findall(reply.body)]
        if found:
            self.households = sorted(set(found))

    def household(self, pk: int) -> None:
        reply = self.browser.get(f"/households/{pk}/")
        people = [int(p) for h, p in PERSON_LINK.findall(reply.body) if int(h) == pk]
        if people:
            self.people[pk] = sorted(set(people))

    def person(self) -> None:
        pk = self.random.choice(self.households)
        if pk not in self.people:
            self.household(pk)  # a person is reached from their household's page
            self.pause(*self.ctx.think)
        if not self.people.get(pk):
            return
        person = self.random.choice(self.people[pk])
        page = self.random.choice(["", "plan/", "readings/", "work/"])
        self.browser.get(f"/households/{pk}/people/{person}/{page}")

    def contact(self) -> None:
        pk = self.random.choice(self.households)
        path = f"/households/{pk}/contacts/add/"
        reply = self.browser.get(path)
        form = form_with(reply.body, "method")
        if form is None:
            self.ctx.figures.error(f"{self.browser.name}: no contact form on {path}")
            return
        fields = dict(form["fields"])
        fields["method"] = self.random.choice(form["options"].get("method") or ["phone"])
        fields["notes"] = "Load test: talked through the week's job search and next steps."
        self.pause(3, 8)  # filling it in
        self.browser.post(form["action"] or path, fields)

    def search(self) -> None:
        self.browser.get("/households/search/")
        self.pause(1, 3)
        query = self.random.choice(self.ctx.surnames)
        self.browser.post(
            "/households/search/", {"csrfmiddlewaretoken": self.browser.csrf(), "q": query}
        )

    def report(self, download: bool = False) -> None:
        if not self.reports:
            reply = self.browser.get("/reports/")
            self.reports = sorted(set(REPORT_LINK.findall(reply.body)) - NOT_REPORTS)
            if not self.reports:
                return
            self.pause(*self.ctx.think)
        reply = self.browser.get(f"/reports/{self.random.choice(self.reports)}/")
        if download:
            links = CSV_LINK.findall(reply.body)
            if links:
                self.pause(1, 3)
                self.browser.get(links[0].replace("&amp;", "&"))


@dataclass
class Context:
    port: int
    figures: Figures
    codes: Codes
    think: tuple[float, float]
    seed: int
    surnames: list[str]
    users: int
    start: threading.Event = field(default_factory=threading.Event)
    deadline: float = 0.0
    arrived_count: int = 0
    all_arrived: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def arrived(self) -> None:
        with self.lock:
            self.arrived_count += 1
            if self.arrived_count == self.users:
                self.all_arrived.set()


def assign(users: int) -> list[tuple[str, str]]:
    """(role, demo account) for each simulated user, by SHARES, accounts taken in turn."""
    counts = {role: int(users * share) for role, share in SHARES.items()}
    remainders = sorted(SHARES, key=lambda r: users * SHARES[r] - counts[r], reverse=True)
    for role in remainders[: users - sum(counts.values())]:
        counts[role] += 1
    plan = []
    for role, count in counts.items():
        plan.extend((role, ACCOUNTS[role][i % len(ACCOUNTS[role])]) for i in range(count))
    return plan


# --- the database and the server ------------------------------------------------------------


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
    pathways(env, "areas", "load-shipped")
    from pathways.accounts.models import User

    if User.objects.exists():
        print("  the database has users already: not loading the demo again", flush=True)
    else:
        extra = ["--generated", str(args.generated)] if args.generated is not None else []
        began = time.monotonic()
        pathways(env, "demo", *extra)
        print(f"  demo loaded in {time.monotonic() - began:.0f} s", flush=True)


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


def cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """User and system CPU seconds of a process and its threads so far (Linux); `reaped` adds
    its children that have ended (PostgreSQL's postmaster: the backends that have closed)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_cpu() -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL process on this machine, with the ended backends
    its postmaster has reaped (Linux)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            found[int(stat.parent.name)] = cpu_seconds(int(stat.parent.name), reaped=True)
    return found


def machine_times() -> tuple[float, float]:
    """(busy, total) CPU ticks of the whole machine so far (Linux /proc/stat)."""
    try:
        ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    return sum(ticks) - idle, sum(ticks)


def children(pid: int) -> list[int]:
    """A process's children and theirs (`pathways run` → web → gunicorn's processes)."""
    try:
        direct = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return [pid for child in direct for pid in (child, *children(child))]


def tracebacks(log_text: str) -> list[str]:
    """Each traceback in the server's log (chained exceptions kept together)."""
    found: list[list[str]] = []
    current: list[str] | None = None
    chained = False
    for line in log_text.splitlines():
        if line.startswith("Traceback (most recent call last)"):
            if current is None or not chained:
                current = []
                found.append(current)
            current.append(line)
            chained = False
        elif current is not None:
            current.append(line)
            if line.startswith(("The above exception", "During handling")):
                chained = True
            elif line and not line.startswith((" ", "\t")) and not chained:
                current = None  # the exception's own line ends it
    return ["\n".join(lines) for lines in found]


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


# --- main -----------------------------------------------------------------------------------


def main() -> int:
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
        help="create the database if missing, migrate, load areas and (on an empty one) the demo",
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

    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from pathways.accounts.models import User

    executor = MigrationExecutor(connection)
    unapplied = executor.migration_plan(executor.loader.graph.leaf_nodes())
    connection.close()
    if unapplied:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in unapplied[:5])
        print(f"The database is not migrated ({names}, …): run with --prepare.", file=sys.stderr)
        return 2
    plan = assign(args.users)
    missing = sorted({u for _, u in plan} - set(User.objects.values_list("username", flat=True)))
    if missing:
        print(f"No demo users {', '.join(missing)}: run with --prepare.", file=sys.stderr)
        return 2
    try:
        from pathways.exchange.invented import FAMILY

        surnames = list(FAMILY) or SURNAMES
    except ImportError:
        surnames = SURNAMES
    described = database_description(args)

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
        surnames=surnames,
        users=len(plan),
    )
    workers = "no job worker" if args.no_worker else "its job worker"
    print(
        f"Load test: {len(plan)} users for {args.duration:.0f} s on {described}\n"
        f"Server: `pathways run` (gunicorn, 2 processes x {args.threads} threads, {workers}) on "
        f"127.0.0.1:{port}; log {log_path}\n"
        f"Think time {args.think_min:g}-{args.think_max:g} s; machine: {os.cpu_count()} cores; "
        f"Python {sys.version.split()[0]}; load average before the start "
        f"{os.getloadavg()[0]:.2f} (other work on the machine skews the figures)",
        flush=True,
    )
    roles = Counter(role for role, _ in plan)
    print("Users: " + ", ".join(f"{n} {role}" for role, n in roles.items()), flush=True)

    with open(log_path, "w") as log:
        server = start_server(args, env, port, log)
        try:
            users = [
                SimulatedUser(i + 1, role, name, context) for i, (role, name) in enumerate(plan)
            ]
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
            watched = [server.pid, *children(server.pid)]
            cpu_before = sum(cpu_seconds(pid) for pid in watched)
            own_before = time.process_time()
            machine_before = machine_times()
            postgres_before = postgres_cpu()
            run_began = time.monotonic()
            context.deadline = run_began + args.duration
            context.start.set()
            for user in users:
                user.join()
            run_seconds = time.monotonic() - run_began
            cpu_used = sum(cpu_seconds(pid) for pid in watched) - cpu_before
            own_used = time.process_time() - own_before
            machine_after = machine_times()
            postgres_after = postgres_cpu()
            postgres_used = sum(
                t - postgres_before.get(pid, 0.0) for pid, t in postgres_after.items()
            )
            busy = (machine_after[0] - machine_before[0]) / max(
                1, machine_after[1] - machine_before[1]
            )
        finally:
            stop_server(server)
    log_bytes = log_path.read_bytes()
    log_text = log_bytes.decode(errors="replace")
    if not signed_in:
        for line in figures.server_errors[:10] + figures.errors[:20]:
            print(f"  {line}")
        for text in tracebacks(log_text)[:1]:
            print("\n".join("    " + line for line in text.splitlines()[-30:]))
        return 2

    run = [s for s in figures.samples if s.phase == "run"]
    sign_in = [s for s in figures.samples if s.phase == "sign-in"]
    five = sum(1 for s in figures.samples if s.status >= 500)
    locked_lines = sum(1 for line in log_text.splitlines() if LOCKED in line)
    found = tracebacks(log_text)

    print()
    print(f"Signing in ({len(sign_in)} requests, before the timed run):")
    print("\n".join(table(sign_in)))
    print()
    cores = os.cpu_count() or 1
    other = busy * cores * run_seconds - cpu_used - own_used - postgres_used
    print(
        f"The run: {run_seconds:.0f} s, {len(run)} requests ({len(run) / run_seconds:.1f} a second)"
    )
    print(
        f"CPU (% of one core): server {cpu_used / run_seconds * 100:.0f} (gunicorn, worker and scheduler), "
        f"PostgreSQL {postgres_used / run_seconds * 100:.0f}, this script "
        f"{own_used / run_seconds * 100:.0f}, everything else {max(0, other) / run_seconds * 100:.0f}; "
        f"the machine busy {busy * 100:.0f}% of its {cores} cores"
    )
    print("\n".join(table(run)))
    print()
    print("The run by role:")
    print("\n".join(table(run, by="role")[:-1]))
    actions = Counter()
    for user in users:
        actions.update(user.actions)
    print()
    print("Actions: " + ", ".join(f"{name} {n}" for name, n in actions.most_common()))
    print()
    print(
        f"Requests in all: {len(figures.samples)} ({len(sign_in)} signing in, {len(run)} in the run)"
    )
    print(f"5xx responses: {five}")
    for line in figures.server_errors[:20]:
        print(f"  {line}")
    print(
        f"'{LOCKED}': {figures.locked_responses} responses, {locked_lines} lines of the server log"
    )
    print(f"Other errors: {len(figures.errors)}")
    for line, n in Counter(figures.errors).most_common(20):
        print(f"  {n} x {line}")
    print(f"Tracebacks in the server log: {len(found)}")
    for text, n in Counter(t.splitlines()[-1] for t in found).most_common(10):
        print(f"  {n} x {text}")
    if found:
        print("The first traceback:")
        print("\n".join("    " + line for line in found[0].splitlines()[-40:]))
    failed = bool(five or figures.locked_responses or locked_lines)
    print(
        f"Exit status {int(failed)}: "
        + ("5xx or 'database is locked' seen" if failed else "no 5xx, no 'database is locked'")
    )
    return int(failed)


if __name__ == "__main__":
    sys.exit(main())
