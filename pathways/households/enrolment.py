"""Enrolment: a referral accepted and the household started with an advocate, handed to another
advocate, and its support ended."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from pathways.accounts.models import Actor, User
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.exceptions import RuleError
from pathways.core.roles import Role
from pathways.households import rules, signals, writing
from pathways.households.consent import people_needing_consent
from pathways.households.models import Allocation, Eligibility, Household


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
def enrol(*, actor: Actor, household: Household, start_date: dt.date, advocate: User) -> Household:
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
    problems.update(
        rules.check_dates_in_order(household.referral_date, start_date, today=writing.today())
    )
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
        allocated_by=writing.actor_of(actor),
    )
    writing.records_changed(household)
    signals.household_started.send(
        sender=Household, actor=actor, household=household, on=start_date
    )
    writing.note(
        household,
        "started",
        f"Started on the programme with {advocate} as advocate; support runs to "
        f"{household.support_end_date:%-d %B %Y}",
        actor,
        start_date,
    )
    audit.record(
        actor=actor,
        verb=Verb.HOUSEHOLD_STARTED,
        target=household,
        programme=household.programme,
        data={
            "start_date": start_date.isoformat(),
            "support_end_date": household.support_end_date.isoformat(),
            "advocate": advocate.username,
        },
    )
    return household


def may_reassign(user: User, household: Household) -> bool:
    if getattr(user, "role", None) == Role.TEAM_MANAGER:
        return (
            household.organisation_id is not None
            and household.organisation_id == user.organisation_id
        )
    return getattr(user, "role", None) == Role.PROGRAMME_MANAGER


@transaction.atomic
def reassign(*, actor: Actor, household: Household, advocate: User, note: str) -> Household:
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
    household.allocated_on = writing.today()
    household.updated_at = timezone.now()
    household.save()
    Allocation.objects.create(
        household=household,
        advocate=advocate,
        previous_advocate=previous,
        allocated_on=household.allocated_on,
        allocated_by=writing.actor_of(actor),
        note=note.strip(),
    )
    writing.note(
        household,
        "reassigned",
        f"Reassigned from {previous or 'nobody'} to {advocate}"
        + (f". Note to {advocate.first_name or advocate}: {note.strip()}" if note.strip() else ""),
        actor,
        household.allocated_on,
    )
    audit.record(
        actor=actor,
        verb=Verb.HOUSEHOLD_REASSIGNED,
        target=household,
        programme=household.programme,
        data={
            "from": previous.username if previous else None,
            "to": advocate.username,
            "note": note.strip(),
        },
    )
    return household


@transaction.atomic
def end_support(
    *, actor: Actor, household: Household, end_date: dt.date, exit_reason: str
) -> Household:
    """Support ends: the household leaves the caseload, with the reason."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.status != Household.Status.STARTED:
        raise RuleError({"end_date": "Only a household on the programme can end support"})
    if end_date > writing.today():
        raise RuleError({"end_date": "The end date must be today or in the past"})
    if household.start_date and end_date < household.start_date:
        raise RuleError({"end_date": "The end date must be on or after the start date"})
    household.status = Household.Status.ENDED
    household.end_date = end_date
    household.exit_reason = exit_reason
    household.updated_at = timezone.now()
    household.save()
    writing.records_changed(household)
    writing.note(
        household,
        "ended",
        f"Support ended: {household.get_exit_reason_display().lower()}",
        actor,
        end_date,
    )
    audit.record(
        actor=actor,
        verb=Verb.HOUSEHOLD_ENDED,
        target=household,
        programme=household.programme,
        data={"end_date": end_date.isoformat(), "exit_reason": exit_reason},
    )
    return household
