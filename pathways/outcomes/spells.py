"""Recording spells of work: a new spell, a correction, a change of hours. Each is audited, told
on the household's timeline, and followed by a recompute of the household's outcomes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from pathways.accounts.models import Actor
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.exceptions import RuleError
from pathways.households.models import Person, TimelineEntry
from pathways.outcomes.engine import recompute_household
from pathways.outcomes.models import EmploymentSpell, Evidence

SPELL_FIELDS = (
    "employer",
    "job_title",
    "start_date",
    "end_date",
    "hours_per_week",
    "self_employed",
    "evidence",
)


def _check_spell(data: dict[str, Any], person: Person) -> None:
    problems = {}
    today = timezone.localdate()
    start, end, hours = data.get("start_date"), data.get("end_date"), data.get("hours_per_week")
    if start is None:
        problems["start_date"] = "Enter the first day of work"
    elif start > today:
        problems["start_date"] = "The first day of work cannot be in the future"
    if end is not None:
        if end > today:
            problems["end_date"] = (
                "The last day of work cannot be in the future: leave it empty while they are in work"
            )
        elif start is not None and end < start:
            problems["end_date"] = "The last day of work must be on or after the first"
    if hours is None:
        problems["hours_per_week"] = "Enter the hours a week"
    elif not isinstance(hours, Decimal) or not (Decimal(0) < hours <= 168):
        problems["hours_per_week"] = "Enter the hours a week, more than 0 and at most 168"
    if data.get("evidence") and data["evidence"] not in Evidence.values:
        problems["evidence"] = "Choose the evidence held"
    if problems:
        raise RuleError(problems)


def _spell_event(
    actor: Actor, spell: EmploymentSpell, verb: Verb, data: dict, summary: str
) -> None:
    household = spell.person.household
    audit.record(actor=actor, verb=verb, target=spell, programme=household.programme, data=data)
    TimelineEntry.objects.create(
        household=household,
        on=timezone.localdate(),
        kind="work",
        summary=summary[:500],
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )


@transaction.atomic
def record_spell(
    *, actor: Actor, person: Person, recompute: bool = True, **data: Any
) -> EmploymentSpell:
    """A spell of paid work (or self-employment); outcomes of the household are recomputed."""
    _check_spell(data, person)
    spell = EmploymentSpell.objects.create(
        person=person,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        **{name: data[name] for name in SPELL_FIELDS if name in data},
    )
    _spell_event(
        actor,
        spell,
        Verb.WORK_SPELL_RECORDED,
        {name: str(getattr(spell, name)) for name in SPELL_FIELDS},
        f"Work recorded for {person}: {spell}",
    )
    if recompute:
        recompute_household(person.household)
    return spell


@transaction.atomic
def correct_spell(
    *, actor: Actor, spell: EmploymentSpell, recompute: bool = True, **data: Any
) -> EmploymentSpell:
    """Correct a spell (a wrong date or hours); what changed is audited and outcomes follow."""
    spell = EmploymentSpell.objects.select_for_update().get(pk=spell.pk)
    merged = {name: data.get(name, getattr(spell, name)) for name in SPELL_FIELDS}
    _check_spell(merged, spell.person)
    before = {name: str(getattr(spell, name)) for name in SPELL_FIELDS}
    for name, value in merged.items():
        setattr(spell, name, value)
    spell.updated_at = timezone.now()
    spell.save()
    after = {name: str(getattr(spell, name)) for name in SPELL_FIELDS}
    changed = audit.changes(before, after)
    if changed:
        _spell_event(
            actor,
            spell,
            Verb.WORK_SPELL_CORRECTED,
            {"changes": changed},
            f"Work of {spell.person} corrected: {', '.join(k.replace('_', ' ') for k in changed)}",
        )
    if recompute:
        recompute_household(spell.person.household)
    return spell


@transaction.atomic
def change_hours(
    *, actor: Actor, spell: EmploymentSpell, from_date: dt.date, hours_per_week: Decimal
) -> EmploymentSpell:
    """Hours change from a date: the spell ends the day before and a new one begins."""
    spell = EmploymentSpell.objects.select_for_update().get(pk=spell.pk)
    if from_date is None or from_date <= spell.start_date:
        raise RuleError({"from_date": "The change must be after the spell's first day"})
    if spell.end_date is not None and from_date > spell.end_date:
        raise RuleError({"from_date": "The change must be on or before the spell's last day"})
    new = {name: getattr(spell, name) for name in SPELL_FIELDS}
    new.update(start_date=from_date, hours_per_week=hours_per_week)
    _check_spell(new, spell.person)
    # Both writes first, then one recompute: the work never looks interrupted.
    correct_spell(
        actor=actor, spell=spell, end_date=from_date - dt.timedelta(days=1), recompute=False
    )
    later = record_spell(actor=actor, person=spell.person, recompute=False, **new)
    recompute_household(spell.person.household)
    return later
