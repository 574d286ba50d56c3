"""The simulated users: one thread each, signed in once, then doing what its role does with
think time between pages until the deadline."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from loadtest.browser import Browser, form_with
from loadtest.figures import Figures
from loadtest.scenario import (
    ACTIONS,
    CSV_LINK,
    HOUSEHOLD_LINK,
    NOT_REPORTS,
    PERSON_LINK,
    REPORT_LINK,
    SIMPLE_PAGES,
)
from loadtest.signin import Codes


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
