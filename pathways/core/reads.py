"""What a request showed: the case records on its page of a list, and whether the view wrote
its own audit event. One middleware (households.read_audit) turns this into the audit event
of every read, so no page or endpoint can show personal data without leaving a trace."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import models


@dataclass
class Shown:
    """The records a request showed, by model label; and the links that place them in a
    household (so the event can go to the household's programme)."""

    records: dict[str, list[str]] = field(default_factory=dict)
    households: set[int] = field(default_factory=set)
    people: set[int] = field(default_factory=set)
    budgets: set[int] = field(default_factory=set)
    audited_by_view: bool = False


_shown: ContextVar[Shown | None] = ContextVar("pathways_shown", default=None)


@contextmanager
def collecting() -> Iterator[Shown]:
    """Collect, for the length of a request, what it shows."""
    shown = Shown()
    token = _shown.set(shown)
    try:
        yield shown
    finally:
        _shown.reset(token)


def note(objects: Iterable[models.Model]) -> None:
    """The request shows these records (a page of a list)."""
    shown = _shown.get()
    if shown is None:
        return
    for obj in objects:
        if not isinstance(obj, models.Model):
            continue
        label = obj._meta.label_lower
        shown.records.setdefault(label, []).append(str(obj.pk))
        if label == "households.household":
            shown.households.add(obj.pk)
        for name, into in (
            ("household_id", shown.households),
            ("person_id", shown.people),
            ("budget_id", shown.budgets),
        ):
            value = getattr(obj, name, None)
            if isinstance(value, int):
                into.add(value)


def note_audited() -> None:
    """The view wrote its own audit event for this request (a more particular one, such as
    household.viewed with the people it showed)."""
    shown = _shown.get()
    if shown is not None:
        shown.audited_by_view = True
