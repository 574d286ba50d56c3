"""A household's records changed: its own facts, its people joining, changing and leaving
(each edit refused if the record was saved since the form was opened)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from pathways.accounts.models import Actor
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.exceptions import EDIT_CONFLICT, RuleError
from pathways.households import rules, writing
from pathways.households.eligibility import check_eligibility
from pathways.households.models import Household, Person
from pathways.households.places import clean_address, locate


def _describe(changes: dict[str, Any], labels: Mapping[str, str]) -> str:
    return ", ".join(labels.get(name, name.replace("_", " ")) for name in changes)


def _lock_for_edit(
    obj: Household | Person, version: int | None, changes: Mapping[str, Any]
) -> None:
    """Lock the record's row and read it afresh; refuse the edit if it was saved since the
    user's form was opened (`version` as the form had it; None for callers without one). The
    refusal names what is saved now where it differs from what the user sent."""
    type(obj).objects.select_for_update().filter(pk=obj.pk).values_list("pk").get()
    obj.refresh_from_db()
    if version is None or version == obj.version:
        return
    labels = {f.name: str(f.verbose_name) for f in type(obj)._meta.fields}
    differ = [
        f"{labels[name][:1].upper()}{labels[name][1:]}: {getattr(obj, name) or 'blank'}"
        for name, value in changes.items()
        if name in labels and name != "version" and (value or None) != (getattr(obj, name) or None)
    ]
    now = f". Saved now: {'; '.join(differ)}" if differ else ""
    raise RuleError({"version": f"{EDIT_CONFLICT}{now}. Check your changes and save again"})


@transaction.atomic
def update_household(
    *,
    actor: Actor,
    household: Household,
    changes: Mapping[str, Any],
    version: int | None = None,
) -> Household:
    """Change the household's own facts (address, bands, tenure…); re-check eligibility if
    where it lives changed. `version` is the one the user's form was opened at."""
    _lock_for_edit(household, version, changes)
    fields = clean_address(dict(changes))
    before = writing.snapshot(household, writing.HOUSEHOLD_FIELDS)
    # The form sends the LSOA back as it was: only a different one counts as given.
    lsoa_given = "lsoa" in fields and (fields["lsoa"] or "") != household.lsoa
    for name, value in fields.items():
        if name in writing.HOUSEHOLD_FIELDS:
            setattr(household, name, value)
    locate(household, lsoa_given=lsoa_given)
    after = writing.snapshot(household, writing.HOUSEHOLD_FIELDS)
    diff = audit.changes(before, after)
    if not diff:
        return household
    household.updated_at = timezone.now()
    household.version += 1
    household.save()
    labels = {f.name: str(f.verbose_name) for f in Household._meta.fields}
    writing.note(
        household,
        "household_changed",
        f"Household details changed: {_describe(diff, labels)}",
        actor,
        writing.today(),
    )
    audit.record(
        actor=actor,
        verb=Verb.HOUSEHOLD_CHANGED,
        target=household,
        programme=household.programme,
        data={"changes": diff},
    )
    if {"local_authority", "lsoa"} & set(diff) and household.status == Household.Status.REFERRED:
        check_eligibility(actor=actor, household=household)
    return household


@transaction.atomic
def add_member(*, actor: Actor, household: Household, member: Mapping[str, Any]) -> Person:
    """A person joins the household."""
    today = writing.today()
    member = dict(member)
    if not member.get("joined_on") and household.status == Household.Status.STARTED:
        member["joined_on"] = today
    existing = writing.member_dicts(household)
    problems = dict(rules.check_person(member, today=today).items())
    whole = rules.check_household_members([*existing, member])
    if whole:
        problems["role"] = whole
    if problems:
        raise RuleError(problems)
    (person,) = writing.create_people(household, [member])
    writing.records_changed(household)
    joined = f" on {person.joined_on:%-d %B %Y}" if person.joined_on else ""
    writing.note(
        household,
        "member_joined",
        f"{person} joined the household{joined}",
        actor,
        person.joined_on or today,
    )
    audit.record(
        actor=actor,
        verb=Verb.PERSON_CREATED,
        target=person,
        programme=household.programme,
        data={"household": household.pk, "fields": writing.snapshot(person, writing.PERSON_FIELDS)},
    )
    if household.status == Household.Status.REFERRED:
        check_eligibility(actor=actor, household=household)
    return person


@transaction.atomic
def update_member(
    *, actor: Actor, person: Person, changes: Mapping[str, Any], version: int | None = None
) -> Person:
    """Change a person's facts; a left-on date records them leaving the household. `version`
    is the one the user's form was opened at."""
    _lock_for_edit(person, version, changes)
    today = writing.today()
    household = person.household
    before = writing.snapshot(person, writing.PERSON_FIELDS)
    proposed = {name: getattr(person, name) for name in writing.PERSON_FIELDS}
    proposed.update({k: v for k, v in changes.items() if k in writing.PERSON_FIELDS})
    problems = dict(rules.check_person(proposed, today=today))
    others = [
        m
        for p, m in zip(household.members.all(), writing.member_dicts(household), strict=True)
        if p.pk != person.pk
    ]
    whole = rules.check_household_members([*others, proposed])
    if whole:
        problems["role"] = whole
    if problems:
        raise RuleError(problems)
    for name, value in proposed.items():
        setattr(person, name, value)
    writing.set_person_keys(person)
    after = writing.snapshot(person, writing.PERSON_FIELDS)
    diff = audit.changes(before, after)
    if not diff:
        return person
    person.updated_at = timezone.now()
    person.version += 1
    person.save()
    writing.records_changed(household)
    if "left_on" in diff and person.left_on:
        writing.note(
            household,
            "member_left",
            f"{person} left the household on {person.left_on:%-d %B %Y}",
            actor,
            person.left_on,
        )
    labels = {f.name: str(f.verbose_name) for f in Person._meta.fields}
    rest = {k: v for k, v in diff.items() if k != "left_on" or not person.left_on}
    if rest:
        writing.note(
            household,
            "member_changed",
            f"{person}'s details changed: {_describe(rest, labels)}",
            actor,
            today,
        )
    audit.record(
        actor=actor,
        verb=Verb.PERSON_CHANGED,
        target=person,
        programme=household.programme,
        data={"household": household.pk, "changes": diff},
    )
    if household.status == Household.Status.REFERRED:
        check_eligibility(actor=actor, household=household)
    return person


@transaction.atomic
def create_household(*, actor: Actor, members: list[dict[str, Any]], **fields: Any) -> Household:
    """Create a household with its members as they stand (tests and fixtures; the demo and
    importer call the referral and enrolment functions instead)."""
    household = Household(**fields)
    locate(household)
    household.save()
    writing.create_people(household, members)
    audit.record(
        actor=actor,
        verb=Verb.HOUSEHOLD_CREATED,
        target=household,
        programme=household.programme,
        data={"members": len(members), "reference": household.reference},
    )
    return household
