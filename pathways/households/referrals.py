"""Referral: a new household referred, a known one referred again, and a referral closed
without a start (declined, or not contacted)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from pathways.accounts.models import Actor, User
from pathways.areas.models import LocalAuthority
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.exceptions import RuleError
from pathways.core.roles import Role
from pathways.households import rules, writing
from pathways.households.eligibility import check_eligibility
from pathways.households.models import Household, Referral
from pathways.households.places import clean_address, locate
from pathways.organisations.models import Organisation
from pathways.programmes.models import Programme

REFERRAL_FIELDS = (
    "source",
    "date",
    "referring_organisation",
    "referrer_name",
    "referrer_contact",
    "notes",
)


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


def _keeps_it(user: User | None, organisation: Organisation | None) -> User | None:
    """The advocate who records a referral for their own organisation keeps it; else nobody."""
    if (
        user is not None
        and user.role == Role.ADVOCATE
        and organisation is not None
        and user.organisation_id == organisation.pk
    ):
        return user
    return None


@transaction.atomic
def record_referral(
    *,
    actor: Actor,
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
    today = writing.today()
    fields = clean_address(dict(household))
    problems = rules.check_dates_in_order(referral.get("date"), None, today=today)
    if problems:
        raise RuleError({f"referral.{k.removeprefix('referral_')}": v for k, v in problems.items()})
    _check_members(members, today)
    local_authority: LocalAuthority = fields["local_authority"]
    organisation = delivery_organisation(local_authority)
    user = writing.actor_of(actor)
    advocate = _keeps_it(user, organisation)
    new = Household(
        programme=programme,
        reference=reference or f"new-{timezone.now().timestamp()}",
        organisation=organisation,
        advocate=advocate,
        referral_source=referral["source"],
        referral_date=referral["date"],
        **{k: v for k, v in fields.items() if k in writing.HOUSEHOLD_FIELDS},
    )
    locate(new)
    new.save()
    if not reference:
        new.reference = f"{reference_prefix(programme)}-{new.pk:06d}"
        new.save(update_fields=["reference"])
    people = writing.create_people(new, members)
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
    writing.note(
        new,
        "referral",
        f"Referred{by} ({source}), {len(people)} {'person' if len(people) == 1 else 'people'}",
        actor,
        referral["date"],
    )
    audit.record(
        actor=actor,
        verb=Verb.HOUSEHOLD_REFERRED,
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
def add_referral(*, actor: Actor, household: Household, referral: Mapping[str, Any]) -> Referral:
    """Record a referral of a household already known (linking instead of duplicating)."""
    problems = rules.check_dates_in_order(referral.get("date"), None, today=writing.today())
    if problems:
        raise RuleError({"referral.date": problems["referral_date"]})
    added = Referral.objects.create(
        household=household,
        recorded_by=writing.actor_of(actor),
        **{k: referral.get(k) or "" for k in REFERRAL_FIELDS if k != "date"},
        date=referral["date"],
    )
    writing.note(
        household,
        "referral",
        f"Referred again ({added.get_source_display()}); linked to this household rather than "
        "recorded twice",
        actor,
        added.date,
    )
    audit.record(
        actor=actor,
        verb=Verb.HOUSEHOLD_REFERRED_AGAIN,
        target=household,
        programme=household.programme,
        data={"referral": added.pk, "source": added.source},
    )
    return added


@transaction.atomic
def close_referral(
    *, actor: Actor, household: Household, outcome: str, reason: str, on: dt.date
) -> Household:
    """Decline a referral, or record that the household could not be contacted."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status != Household.Status.REFERRED:
        raise RuleError({"outcome": "Only a referral waiting for a decision can be closed"})
    if outcome not in (Household.Status.DECLINED, Household.Status.NOT_CONTACTED):
        raise RuleError({"outcome": "Choose declined or could not contact"})
    if not reason.strip():
        raise RuleError({"reason": "Enter the reason"})
    if on > writing.today():
        raise RuleError({"on": "The date must be today or in the past"})
    household.status = outcome
    household.decision_date = on
    household.decision_reason = reason.strip()
    household.updated_at = timezone.now()
    household.save()
    words = "Declined" if outcome == Household.Status.DECLINED else "Could not be contacted"
    writing.note(household, outcome, f"{words}: {reason.strip()}", actor, on)
    audit.record(
        actor=actor,
        verb=Verb(f"household.{outcome}"),
        target=household,
        programme=household.programme,
        data={"reason": reason.strip(), "on": on.isoformat()},
    )
    return household
