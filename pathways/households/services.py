"""Writing households: referral, eligibility, consent, enrolment, records and reassignment.

Every function here is a whole change: it checks the rules, writes in one transaction,
adds to the household's timeline and to the audit log. Views, the API and commands call
these and nothing else to change a household or a person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from pathways.accounts.models import User
from pathways.areas.models import LocalAuthority
from pathways.areas.selectors import lsoas_for_postcodes
from pathways.audit import services as audit
from pathways.core.exceptions import EDIT_CONFLICT, RuleError
from pathways.core.roles import MANAGERS, Role
from pathways.households import rules, signals
from pathways.households.codes import ADULT_ROLES
from pathways.households.models import (
    Allocation,
    Consent,
    Eligibility,
    Household,
    Person,
    Referral,
    TimelineEntry,
)
from pathways.households.places import clean_address, locate
from pathways.organisations.models import Organisation
from pathways.programmes.models import Programme

HOUSEHOLD_FIELDS = (
    "address_line_1",
    "address_line_2",
    "town",
    "postcode",
    "local_authority",
    "lsoa",
    "income_band",
    "debt_band",
    "tenure",
    "landlord",
)
PERSON_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "age_band",
    "role",
    "participant",
    "gender",
    "ethnicity",
    "work_status",
    "time_since_work",
    "benefits",
    "qualification",
    "support_needs",
    "phone",
    "email",
    "joined_on",
    "left_on",
)
REFERRAL_FIELDS = (
    "source",
    "date",
    "referring_organisation",
    "referrer_name",
    "referrer_contact",
    "notes",
)


def _today() -> dt.date:
    return timezone.localdate()


def _actor(actor: Any) -> User | None:
    return actor if getattr(actor, "is_authenticated", False) else None


def _note(household: Household, kind: str, summary: str, actor: Any, on: dt.date) -> None:
    TimelineEntry.objects.create(
        household=household, on=on, kind=kind, summary=summary[:500], actor=_actor(actor)
    )


def _plain(value: Any) -> Any:
    """A value as the audit log keeps it (JSON-safe)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value)
    return value


def _snapshot(instance: Any, fields: Sequence[str]) -> dict[str, Any]:
    return {name: _plain(getattr(instance, name)) for name in fields}


def reference_prefix(programme: Programme) -> str:
    """'households-into-work' -> 'HIW'; 'win' -> 'WIN'."""
    parts = programme.code.split("-")
    return ("".join(p[0] for p in parts) if len(parts) > 1 else parts[0][:3]).upper()


def delivery_organisation(local_authority: LocalAuthority) -> Organisation | None:
    """The organisation whose advocates work with households in an authority: its council."""
    return (
        Organisation.objects.filter(
            local_authority=local_authority,
            type=Organisation.Type.LOCAL_AUTHORITY,
            is_active=True,
        )
        .order_by("id")
        .first()
    )


def _set_person_keys(person: Person) -> None:
    person.given_key = rules.name_key(person.given_name)
    person.family_key = rules.name_key(person.family_name)


def _check_members(members: Sequence[Mapping[str, Any]], today: dt.date) -> None:
    problems: dict[str, str] = {}
    for index, member in enumerate(members):
        for name, message in rules.check_person(member, today=today).items():
            problems[f"members[{index}].{name}"] = message
    whole = rules.check_household_members(members)
    if whole:
        problems["members"] = whole
    if problems:
        raise RuleError(problems)


# --- eligibility -------------------------------------------------------------------------


def facts_of(
    *,
    local_authority: LocalAuthority,
    lsoa: str,
    members: Sequence[Mapping[str, Any]],
) -> rules.HouseholdFacts:
    return rules.HouseholdFacts(
        local_authority_code=local_authority.code,
        local_authority_name=local_authority.name,
        lsoa=lsoa or "",
        members=tuple(
            rules.MemberFacts(
                name=f"{m.get('given_name', '')} {m.get('family_name', '')}".strip() or "Someone",
                role=m.get("role", ""),
                date_of_birth=m.get("date_of_birth"),
                age_band=m.get("age_band") or "",
                work_status=m.get("work_status") or "",
                benefits=tuple(m.get("benefits") or ()),
                support_needs=tuple(m.get("support_needs") or ()),
            )
            for m in members
            if not m.get("left_on")
        ),
    )


def evaluate(
    programme: Programme,
    *,
    local_authority: LocalAuthority,
    lsoa: str,
    members: Sequence[Mapping[str, Any]],
    on: dt.date | None = None,
) -> rules.EligibilityResult:
    """The programme's eligibility rule applied to a (possibly not yet saved) household."""
    area = (
        {la.code for la in programme.local_authorities.all()},
        set(programme.lsoas or ()),
    )
    return rules.evaluate_eligibility(
        programme.eligibility,
        facts_of(local_authority=local_authority, lsoa=lsoa, members=members),
        programme_area=area,
        on=on or _today(),
    )


def _member_dicts(household: Household) -> list[dict[str, Any]]:
    return [
        {name: getattr(person, name) for name in PERSON_FIELDS}
        for person in household.members.all()
    ]


@transaction.atomic
def check_eligibility(
    *, actor: Any, household: Household, on: dt.date | None = None
) -> rules.EligibilityResult:
    """Evaluate the programme's rule now and keep the answer with its reasons. `on` is the
    day it is checked as at (the referral's date at intake; today otherwise)."""
    result = evaluate(
        household.programme,
        local_authority=household.local_authority,
        lsoa=household.lsoa,
        members=_member_dicts(household),
    )
    before = household.eligibility
    household.eligibility = result.outcome
    household.eligibility_reasons = result.as_json()
    household.eligibility_checked_at = timezone.now()
    household.save(update_fields=["eligibility", "eligibility_reasons", "eligibility_checked_at"])
    if before != result.outcome or not household.timeline.filter(kind="eligibility").exists():
        label = Eligibility(result.outcome).label.lower()
        why = "; ".join(r.text for r in result.reasons)
        _note(
            household, "eligibility", f"Eligibility checked: {label}. {why}", actor, on or _today()
        )
    audit.record(
        actor=actor,
        verb="household.eligibility_checked",
        target=household,
        programme=household.programme,
        data={"outcome": result.outcome, "before": before, "reasons": result.as_json()},
    )
    return result


def may_override_eligibility(user: Any) -> bool:
    return getattr(user, "role", None) in MANAGERS


@transaction.atomic
def override_eligibility(*, actor: Any, household: Household, decision: str, reason: str) -> None:
    """A manager's decision that stands over the rule's answer, with the reason recorded."""
    if not may_override_eligibility(actor):
        raise RuleError({"decision": "Only a team manager or programme manager can override"})
    if decision not in (Eligibility.ELIGIBLE, Eligibility.NOT_ELIGIBLE, ""):
        raise RuleError({"decision": "Choose eligible or not eligible"})
    reason = reason.strip()
    if not reason:
        raise RuleError({"reason": "Enter the reason for the decision"})
    before = household.eligibility_override
    household.eligibility_override = decision
    household.eligibility_override_reason = reason
    household.eligibility_override_by = actor
    household.eligibility_override_at = timezone.now()
    household.save()
    words = Eligibility(decision).label.lower() if decision else "removed: the rule decides"
    _note(
        household,
        "eligibility_override",
        f"Eligibility decided by {actor}: {words}. Reason: {reason}",
        actor,
        _today(),
    )
    audit.record(
        actor=actor,
        verb="household.eligibility_overridden",
        target=household,
        programme=household.programme,
        data={"before": before, "after": decision, "reason": reason},
    )


# --- referral ----------------------------------------------------------------------------


def _create_people(household: Household, members: Sequence[Mapping[str, Any]]) -> list[Person]:
    people = []
    start = household.members.count()
    for offset, member in enumerate(members, start=1):
        person = Person(
            household=household, **{k: v for k, v in member.items() if k in PERSON_FIELDS}
        )
        person.reference = f"{household.reference}-{start + offset}"
        person.benefits = list(person.benefits or [])
        person.support_needs = list(person.support_needs or [])
        _set_person_keys(person)
        person.save()
        people.append(person)
    return people


@transaction.atomic
def record_referral(
    *,
    actor: Any,
    programme: Programme,
    referral: Mapping[str, Any],
    household: Mapping[str, Any],
    members: Sequence[Mapping[str, Any]],
    sender_key: str = "",
    reference: str = "",
) -> Household:
    """A new household, referred: check everything, then create it, its people and the
    referral; evaluate eligibility; route it to the team for its local authority.

    An advocate who records a referral in their own authority keeps it on their caseload; any
    other referral waits for the delivery team (or, with none, the programme team) to triage.
    """
    today = _today()
    fields = clean_address(dict(household))
    problems = rules.check_dates_in_order(referral.get("date"), None, today=today)
    if problems:
        raise RuleError({f"referral.{k.removeprefix('referral_')}": v for k, v in problems.items()})
    _check_members(members, today)
    local_authority: LocalAuthority = fields["local_authority"]
    organisation = delivery_organisation(local_authority)
    user = _actor(actor)
    advocate = None
    if (
        user is not None
        and user.role == Role.ADVOCATE
        and organisation is not None
        and user.organisation_id == organisation.pk
    ):
        advocate = user
    new = Household(
        programme=programme,
        reference=reference or f"new-{timezone.now().timestamp()}",
        organisation=organisation,
        advocate=advocate,
        referral_source=referral["source"],
        referral_date=referral["date"],
        **{k: v for k, v in fields.items() if k in HOUSEHOLD_FIELDS},
    )
    locate(new)
    new.save()
    if not reference:
        new.reference = f"{reference_prefix(programme)}-{new.pk:06d}"
        new.save(update_fields=["reference"])
    people = _create_people(new, members)
    Referral.objects.create(
        household=new,
        recorded_by=user,
        sender_key=sender_key,
        **{k: referral.get(k) or "" for k in REFERRAL_FIELDS if k not in ("date",)},
        date=referral["date"],
    )
    source = new.get_referral_source_display()
    by = (
        f" from {referral['referring_organisation']}"
        if referral.get("referring_organisation")
        else ""
    )
    _note(
        new,
        "referral",
        f"Referred{by} ({source}), {len(people)} {'person' if len(people) == 1 else 'people'}",
        actor,
        referral["date"],
    )
    audit.record(
        actor=actor,
        verb="household.referred",
        target=new,
        programme=programme,
        data={
            "reference": new.reference,
            "source": new.referral_source,
            "people": [p.pk for p in people],
            "organisation": str(organisation) if organisation else None,
            "advocate": str(advocate) if advocate else None,
        },
    )
    check_eligibility(actor=actor, household=new, on=referral["date"])
    return new


@transaction.atomic
def add_referral(*, actor: Any, household: Household, referral: Mapping[str, Any]) -> Referral:
    """Record a referral of a household already known (linking instead of duplicating)."""
    problems = rules.check_dates_in_order(referral.get("date"), None, today=_today())
    if problems:
        raise RuleError({"referral.date": problems["referral_date"]})
    added = Referral.objects.create(
        household=household,
        recorded_by=_actor(actor),
        **{k: referral.get(k) or "" for k in REFERRAL_FIELDS if k != "date"},
        date=referral["date"],
    )
    _note(
        household,
        "referral",
        f"Referred again ({added.get_source_display()}); linked to this household rather than "
        "recorded twice",
        actor,
        added.date,
    )
    audit.record(
        actor=actor,
        verb="household.referred_again",
        target=household,
        programme=household.programme,
        data={"referral": added.pk, "source": added.source},
    )
    return added


# --- consent and enrolment -----------------------------------------------------------------


def people_needing_consent(household: Household) -> list[Person]:
    """Adult participants still in the household without a recorded consent."""
    return [
        person
        for person in household.members.prefetch_related("consents")
        if person.left_on is None
        and person.is_participant
        and person.role in ADULT_ROLES
        and not person.consents.all()
    ]


@transaction.atomic
def record_consent(*, actor: Any, person: Person, given_on: dt.date) -> Consent:
    """Record that a person consented to the programme's current privacy notice."""
    today = _today()
    if given_on > today:
        raise RuleError({"given_on": "The date of consent must be today or in the past"})
    if person.date_of_birth and given_on < person.date_of_birth:
        raise RuleError({"given_on": "The date of consent must be after their date of birth"})
    household = person.household
    consent = Consent.objects.create(
        person=person,
        given_on=given_on,
        notice_version=household.programme.privacy_notice_version,
        recorded_by=_actor(actor),
    )
    _note(
        household,
        "consent",
        f"{person} consented to the privacy notice (version {consent.notice_version})",
        actor,
        given_on,
    )
    audit.record(
        actor=actor,
        verb="person.consent_recorded",
        target=person,
        programme=household.programme,
        data={"given_on": given_on.isoformat(), "notice_version": consent.notice_version},
    )
    signals.consent_recorded.send(sender=Consent, actor=actor, person=person, given_on=given_on)
    return consent


def advocates_for(household: Household) -> Any:
    """Active advocates in the household's local authority who may take it on."""
    return User.objects.filter(
        role=Role.ADVOCATE,
        is_active=True,
        organisation__local_authority=household.local_authority,
        organisation__is_active=True,
    ).order_by("first_name", "last_name", "username")


def _check_advocate(household: Household, advocate: User) -> None:
    if not advocates_for(household).filter(pk=advocate.pk).exists():
        raise RuleError(
            {
                "advocate": f"{advocate} is not an advocate in {household.local_authority.name}: "
                "choose an advocate who works there"
            }
        )


@transaction.atomic
def enrol(*, actor: Any, household: Household, start_date: dt.date, advocate: User) -> Household:
    """Accept a referral: the household starts, with an advocate and a support end date."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    problems: dict[str, str] = {}
    if household.status != Household.Status.REFERRED:
        raise RuleError(
            {
                "household": f"This household is {household.get_status_display().lower()}, so it cannot start"
            }
        )
    if household.effective_eligibility != Eligibility.ELIGIBLE:
        problems["household"] = (
            "The household is not eligible"
            if household.effective_eligibility == Eligibility.NOT_ELIGIBLE
            else "Eligibility is not yet known: complete the household's details and check again"
        ) + ", so it cannot start unless a manager overrides the decision"
    missing = people_needing_consent(household)
    if missing:
        names = ", ".join(str(p) for p in missing)
        problems["consent"] = f"Record consent to the privacy notice for {names} before the start"
    problems.update(rules.check_dates_in_order(household.referral_date, start_date, today=_today()))
    if problems:
        raise RuleError(problems)
    _check_advocate(household, advocate)
    household.status = Household.Status.STARTED
    household.start_date = start_date
    household.support_end_date = rules.support_end_date(
        start_date, household.programme.support_months
    )
    household.advocate = advocate
    household.organisation = advocate.organisation
    # The advocate has the household from its start (a start entered late is not "new").
    household.allocated_on = start_date
    household.updated_at = timezone.now()
    household.save()
    Allocation.objects.create(
        household=household,
        advocate=advocate,
        allocated_on=household.allocated_on,
        allocated_by=_actor(actor),
    )
    records_changed(household)
    signals.household_started.send(
        sender=Household, actor=actor, household=household, on=start_date
    )
    _note(
        household,
        "started",
        f"Started on the programme with {advocate} as advocate; support runs to "
        f"{household.support_end_date:%-d %B %Y}",
        actor,
        start_date,
    )
    audit.record(
        actor=actor,
        verb="household.started",
        target=household,
        programme=household.programme,
        data={
            "start_date": start_date.isoformat(),
            "support_end_date": household.support_end_date.isoformat(),
            "advocate": advocate.username,
        },
    )
    return household


@transaction.atomic
def close_referral(
    *, actor: Any, household: Household, outcome: str, reason: str, on: dt.date
) -> Household:
    """Decline a referral, or record that the household could not be contacted."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status != Household.Status.REFERRED:
        raise RuleError({"outcome": "Only a referral waiting for a decision can be closed"})
    if outcome not in (Household.Status.DECLINED, Household.Status.NOT_CONTACTED):
        raise RuleError({"outcome": "Choose declined or could not contact"})
    if not reason.strip():
        raise RuleError({"reason": "Enter the reason"})
    if on > _today():
        raise RuleError({"on": "The date must be today or in the past"})
    household.status = outcome
    household.decision_date = on
    household.decision_reason = reason.strip()
    household.updated_at = timezone.now()
    household.save()
    words = "Declined" if outcome == Household.Status.DECLINED else "Could not be contacted"
    _note(household, outcome, f"{words}: {reason.strip()}", actor, on)
    audit.record(
        actor=actor,
        verb=f"household.{outcome}",
        target=household,
        programme=household.programme,
        data={"reason": reason.strip(), "on": on.isoformat()},
    )
    return household


@transaction.atomic
def end_support(
    *, actor: Any, household: Household, end_date: dt.date, exit_reason: str
) -> Household:
    """Support ends: the household leaves the caseload, with the reason."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status != Household.Status.STARTED:
        raise RuleError({"end_date": "Only a household on the programme can end support"})
    if end_date > _today():
        raise RuleError({"end_date": "The end date must be today or in the past"})
    if household.start_date and end_date < household.start_date:
        raise RuleError({"end_date": "The end date must be on or after the start date"})
    household.status = Household.Status.ENDED
    household.end_date = end_date
    household.exit_reason = exit_reason
    household.updated_at = timezone.now()
    household.save()
    records_changed(household)
    _note(
        household,
        "ended",
        f"Support ended: {household.get_exit_reason_display().lower()}",
        actor,
        end_date,
    )
    audit.record(
        actor=actor,
        verb="household.ended",
        target=household,
        programme=household.programme,
        data={"end_date": end_date.isoformat(), "exit_reason": exit_reason},
    )
    return household


# --- records --------------------------------------------------------------------------------


def _describe(changes: dict[str, Any], labels: Mapping[str, str]) -> str:
    return ", ".join(labels.get(name, name.replace("_", " ")) for name in changes)


@transaction.atomic
def place_unplaced_households(*, actor: Any = None) -> int:
    """Every household with no LSOA whose postcode the postcode directory now knows, placed
    (after loading a directory). Returns how many; audited as one event."""
    unplaced = Household.objects.filter(lsoa="").exclude(postcode_key="")
    placed = 0
    keys = list(unplaced.values_list("postcode_key", flat=True).distinct())
    for start in range(0, len(keys), 2000):
        places = lsoas_for_postcodes(keys[start : start + 2000])
        for key, code in places.items():
            placed += unplaced.filter(postcode_key=key).update(lsoa=code)
    if placed:
        audit.record(
            actor=actor,
            verb="household.placed",
            data={"households": placed},
            target_label=f"{placed} households placed in their LSOA by postcode",
        )
    return placed


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
    actor: Any,
    household: Household,
    changes: Mapping[str, Any],
    version: int | None = None,
) -> Household:
    """Change the household's own facts (address, bands, tenure…); re-check eligibility if
    where it lives changed. `version` is the one the user's form was opened at."""
    _lock_for_edit(household, version, changes)
    fields = clean_address(dict(changes))
    before = _snapshot(household, HOUSEHOLD_FIELDS)
    # The form sends the LSOA back as it was: only a different one counts as given.
    lsoa_given = "lsoa" in fields and (fields["lsoa"] or "") != household.lsoa
    for name, value in fields.items():
        if name in HOUSEHOLD_FIELDS:
            setattr(household, name, value)
    locate(household, lsoa_given=lsoa_given)
    after = _snapshot(household, HOUSEHOLD_FIELDS)
    diff = audit.changes(before, after)
    if not diff:
        return household
    household.updated_at = timezone.now()
    household.version += 1
    household.save()
    labels = {f.name: str(f.verbose_name) for f in Household._meta.fields}
    _note(
        household,
        "household_changed",
        f"Household details changed: {_describe(diff, labels)}",
        actor,
        _today(),
    )
    audit.record(
        actor=actor,
        verb="household.changed",
        target=household,
        programme=household.programme,
        data={"changes": diff},
    )
    if {"local_authority", "lsoa"} & set(diff) and household.status == Household.Status.REFERRED:
        check_eligibility(actor=actor, household=household)
    return household


@transaction.atomic
def add_member(*, actor: Any, household: Household, member: Mapping[str, Any]) -> Person:
    """A person joins the household."""
    today = _today()
    member = dict(member)
    if not member.get("joined_on") and household.status == Household.Status.STARTED:
        member["joined_on"] = today
    existing = _member_dicts(household)
    problems = dict(rules.check_person(member, today=today).items())
    whole = rules.check_household_members([*existing, member])
    if whole:
        problems["role"] = whole
    if problems:
        raise RuleError(problems)
    (person,) = _create_people(household, [member])
    records_changed(household)
    joined = f" on {person.joined_on:%-d %B %Y}" if person.joined_on else ""
    _note(
        household,
        "member_joined",
        f"{person} joined the household{joined}",
        actor,
        person.joined_on or today,
    )
    audit.record(
        actor=actor,
        verb="person.created",
        target=person,
        programme=household.programme,
        data={"household": household.pk, "fields": _snapshot(person, PERSON_FIELDS)},
    )
    if household.status == Household.Status.REFERRED:
        check_eligibility(actor=actor, household=household)
    return person


@transaction.atomic
def update_member(
    *, actor: Any, person: Person, changes: Mapping[str, Any], version: int | None = None
) -> Person:
    """Change a person's facts; a left-on date records them leaving the household. `version`
    is the one the user's form was opened at."""
    _lock_for_edit(person, version, changes)
    today = _today()
    household = person.household
    before = _snapshot(person, PERSON_FIELDS)
    proposed = {name: getattr(person, name) for name in PERSON_FIELDS}
    proposed.update({k: v for k, v in changes.items() if k in PERSON_FIELDS})
    problems = dict(rules.check_person(proposed, today=today))
    others = [
        m
        for p, m in zip(household.members.all(), _member_dicts(household), strict=True)
        if p.pk != person.pk
    ]
    whole = rules.check_household_members([*others, proposed])
    if whole:
        problems["role"] = whole
    if problems:
        raise RuleError(problems)
    for name, value in proposed.items():
        setattr(person, name, value)
    _set_person_keys(person)
    after = _snapshot(person, PERSON_FIELDS)
    diff = audit.changes(before, after)
    if not diff:
        return person
    person.updated_at = timezone.now()
    person.version += 1
    person.save()
    records_changed(household)
    if "left_on" in diff and person.left_on:
        _note(
            household,
            "member_left",
            f"{person} left the household on {person.left_on:%-d %B %Y}",
            actor,
            person.left_on,
        )
    labels = {f.name: str(f.verbose_name) for f in Person._meta.fields}
    rest = {k: v for k, v in diff.items() if k != "left_on" or not person.left_on}
    if rest:
        _note(
            household,
            "member_changed",
            f"{person}'s details changed: {_describe(rest, labels)}",
            actor,
            today,
        )
    audit.record(
        actor=actor,
        verb="person.changed",
        target=person,
        programme=household.programme,
        data={"household": household.pk, "changes": diff},
    )
    if household.status == Household.Status.REFERRED:
        check_eligibility(actor=actor, household=household)
    return person


def may_reassign(user: Any, household: Household) -> bool:
    if getattr(user, "role", None) == Role.TEAM_MANAGER:
        return (
            household.organisation_id is not None
            and household.organisation_id == user.organisation_id
        )
    return getattr(user, "role", None) == Role.PROGRAMME_MANAGER


@transaction.atomic
def reassign(*, actor: Any, household: Household, advocate: User, note: str) -> Household:
    """A manager gives the household to another advocate, with a note to them. The new
    advocate sees it from now on; the old one no longer does."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if not may_reassign(actor, household):
        raise RuleError(
            {"advocate": "Only the household's team manager or a programme manager can reassign it"}
        )
    if not household.is_open:
        raise RuleError(
            {"advocate": "Only a referral or a household on the programme can be reassigned"}
        )
    if advocate.pk == household.advocate_id:
        raise RuleError({"advocate": f"{advocate} is already the advocate"})
    _check_advocate(household, advocate)
    previous = household.advocate
    household.advocate = advocate
    household.organisation = advocate.organisation
    household.allocated_on = _today()
    household.updated_at = timezone.now()
    household.save()
    Allocation.objects.create(
        household=household,
        advocate=advocate,
        previous_advocate=previous,
        allocated_on=household.allocated_on,
        allocated_by=_actor(actor),
        note=note.strip(),
    )
    _note(
        household,
        "reassigned",
        f"Reassigned from {previous or 'nobody'} to {advocate}"
        + (f". Note to {advocate.first_name or advocate}: {note.strip()}" if note.strip() else ""),
        actor,
        household.allocated_on,
    )
    audit.record(
        actor=actor,
        verb="household.reassigned",
        target=household,
        programme=household.programme,
        data={
            "from": previous.username if previous else None,
            "to": advocate.username,
            "note": note.strip(),
        },
    )
    return household


def records_changed(household: Household) -> None:
    """After a change to what the caseload and the measures read: the apps that follow the
    records are told (casework works out the due dates again, outcomes recompute)."""
    signals.records_changed.send(sender=Household, household=household)


def record_person_viewed(*, actor: Any, person: Person) -> None:
    """Audit that a user opened one person's full record (the page to change it)."""
    audit.record(
        actor=actor,
        verb="person.viewed",
        target=person,
        programme=person.household.programme,
        data={"household": person.household_id},
    )


def record_search(*, actor: Any, query: str, households: Sequence[Household]) -> None:
    """Audit a search and the households it showed (their people's names and dates of birth),
    once for each programme they belong to. The audit keeps what kind of search it was, not
    what was typed: a name or date of birth is personal data, and the log holds metadata."""
    from pathways.households.selectors import understand

    understood = understand(query)
    kind = understood.kind if understood else "unknown"
    by_programme: dict[int, list[Household]] = {}
    for household in households:
        by_programme.setdefault(household.programme_id, []).append(household)
    for shown in by_programme.values():
        audit.record(
            actor=actor,
            verb="household.searched",
            programme=shown[0].programme,
            data={"by": kind, "households": [h.pk for h in shown]},
            target_label=f"search by {kind}",
        )


def record_household_viewed(*, actor: Any, household: Household) -> None:
    """Audit that a user opened a household's record (and so its people's)."""
    audit.record(
        actor=actor,
        verb="household.viewed",
        target=household,
        programme=household.programme,
        data={"people": [person.pk for person in household.members.all()]},
    )


@transaction.atomic
def create_household(*, actor: Any, members: list[dict[str, Any]], **fields: Any) -> Household:
    """Create a household with its members as they stand (tests and fixtures; the demo and
    importer call the referral and enrolment functions instead)."""
    household = Household(**fields)
    locate(household)
    household.save()
    _create_people(household, members)
    audit.record(
        actor=actor,
        verb="household.created",
        target=household,
        programme=household.programme,
        data={"members": len(members), "reference": household.reference},
    )
    return household
