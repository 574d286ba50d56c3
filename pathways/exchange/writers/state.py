"""What the writers of an import share: Pathways' lookups, read once, and what the import has
written so far (refs to ids, the households it touched, the summary)."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from pathways.accounts.models import Actor, User
from pathways.areas.models import LocalAuthority
from pathways.assessments.models import Instrument
from pathways.core.roles import Role
from pathways.exchange import schema
from pathways.exchange.bundle import Bundle
from pathways.exchange.check import Checked, context_from_database
from pathways.households.models import Household
from pathways.organisations.models import Organisation
from pathways.programmes.models import Programme


@dataclass
class Summary:
    counts: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    seconds: float = 0.0
    dry_run: bool = False
    timings: dict[str, float] = field(default_factory=dict)  # seconds a step

    def add(self, name: str, what: str, n: int = 1) -> None:
        self.counts[name][what] += n

    @property
    def rows(self) -> int:
        return sum(sum(c.values()) for c in self.counts.values())

    def lines(self) -> list[str]:
        return [
            f"{name}: {c['created']:,} created, {c['updated']:,} updated, {c['unchanged']:,} unchanged"
            for name, c in self.counts.items()
        ]


Chunk = list[tuple[int, dict]]  # (line, cells) rows of one file


def values_of(spec: schema.FileSpec, cells: dict[str, str]) -> dict[str, Any]:
    """A row's cells as the file's columns' values (None where empty)."""
    return {c: spec.columns[c](t) if t else None for c, t in cells.items() if c in spec.columns}


class ImportState:
    def __init__(
        self, bundle: Bundle, checked: Checked, actor: Actor, summary: Summary, progress: Callable
    ) -> None:
        self.bundle, self.checked, self.summary, self.progress = bundle, checked, summary, progress
        self.actor = actor if getattr(actor, "is_authenticated", False) else None
        self.actor_id = self.actor.pk if self.actor else None
        self.now = timezone.now()
        self.programmes = {p.code: p for p in Programme.objects.all()}
        self.councils = {
            o.local_authority_id: o
            for o in Organisation.objects.filter(type=Organisation.Type.LOCAL_AUTHORITY)
        }
        self.authorities = context_from_database().local_authorities
        self.authority_ids = dict(LocalAuthority.objects.values_list("code", "pk"))
        self.advocates: dict[str, int] = {}
        for pk, username, email in User.objects.filter(role=Role.ADVOCATE).values_list(
            "pk", "username", "email"
        ):
            self.advocates[username.lower()] = pk
            if email:
                self.advocates[email.lower()] = pk
        self.instruments = {i.code: i for i in Instrument.objects.prefetch_related("points")}
        self.points = {i.pk: list(i.points.all()) for i in self.instruments.values()}
        self.household_ids: dict[str, int] = {}  # ref -> id
        self.places: dict[str, str] = {}  # postcode key -> LSOA code, for the chunk in hand
        self.household_programme: dict[int, Programme] = {}
        self.person_ids: dict[str, int] = {}
        self.person_household: dict[int, int] = {}
        self.new_people: set[int] = set()  # created by this import: nothing of theirs is held
        self.touched: set[int] = set()
        # rows without a ref of their own: how many of each (file, person, key) so far
        self.seen: Counter = Counter()

    def person_id(self, ref: str) -> int:
        return self.person_ids[ref]  # the check made sure people.csv has everyone

    def households_of(self, people: set[int]) -> set[int]:
        return {self.person_household[person] for person in people}

    def touched_by_programme(self) -> dict[Programme, list[int]]:
        by_programme: dict[Programme, list[int]] = defaultdict(list)
        for pk in sorted(self.touched):
            programme = self.household_programme.get(pk)
            if programme is None:
                programme = Household.objects.select_related("programme").get(pk=pk).programme
                self.household_programme[pk] = programme
            by_programme[programme].append(pk)
        return by_programme
