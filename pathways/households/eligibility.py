"""Eligibility: the programme's rule applied to a household, and a manager's decision over it."""

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
from pathways.core.roles import MANAGERS
from pathways.households import rules, writing
from pathways.households.models import Eligibility, Household
from pathways.programmes.models import Programme


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
        on=on or writing.today(),
    )


@transaction.atomic
def check_eligibility(
    *, actor: Actor, household: Household, on: dt.date | None = None
) -> rules.EligibilityResult:
    """Evaluate the programme's rule now and keep the answer with its reasons. `on` is the
    day it is checked as at (the referral's date at intake; today otherwise)."""
    result = evaluate(
        household.programme,
        local_authority=household.local_authority,
        lsoa=household.lsoa,
        members=writing.member_dicts(household),
    )
    before = household.eligibility
    household.eligibility = result.outcome
    household.eligibility_reasons = result.as_json()
    household.eligibility_checked_at = timezone.now()
    household.save(update_fields=["eligibility", "eligibility_reasons", "eligibility_checked_at"])
    if before != result.outcome or not household.timeline.filter(kind="eligibility").exists():
        label = Eligibility(result.outcome).label.lower()
        why = "; ".join(r.text for r in result.reasons)
        writing.note(
            household,
            "eligibility",
            f"Eligibility checked: {label}. {why}",
            actor,
            on or writing.today(),
        )
    audit.record(
        actor=actor,
        verb=Verb.HOUSEHOLD_ELIGIBILITY_CHECKED,
        target=household,
        programme=household.programme,
        data={"outcome": result.outcome, "before": before, "reasons": result.as_json()},
    )
    return result


def may_override_eligibility(user: User) -> bool:
    return getattr(user, "role", None) in MANAGERS


@transaction.atomic
def override_eligibility(*, actor: Actor, household: Household, decision: str, reason: str) -> None:
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
    writing.note(
        household,
        "eligibility_override",
        f"Eligibility decided by {actor}: {words}. Reason: {reason}",
        actor,
        writing.today(),
    )
    audit.record(
        actor=actor,
        verb=Verb.HOUSEHOLD_ELIGIBILITY_OVERRIDDEN,
        target=household,
        programme=household.programme,
        data={"before": before, "after": decision, "reason": reason},
    )
