"""Evidence and verification: an outcome moves from achieved to evidenced (evidence seen or held)
to verified (a manager checked it, never the one who recorded the evidence or the work)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from pathways.accounts.models import Actor, User
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.exceptions import RuleError
from pathways.core.roles import Role
from pathways.households.models import TimelineEntry
from pathways.outcomes.models import EmploymentSpell, Outcome, ParticipantPayment
from pathways.outcomes.selectors import currently_claimed


def locked(outcome: Outcome) -> Outcome:
    """The outcome read again with its row locked, for a step that changes it."""
    return (
        Outcome.objects.select_for_update()
        .select_related("household__programme")
        .get(pk=outcome.pk)
    )


def outcome_note(outcome: Outcome, actor: Actor, verb: Verb, summary: str, data: dict) -> None:
    """An audit event and a timeline entry for a step of an outcome."""
    audit.record(
        actor=actor, verb=verb, target=outcome, programme=outcome.household.programme, data=data
    )
    TimelineEntry.objects.create(
        household=outcome.household,
        on=timezone.localdate(),
        kind="outcome",
        summary=summary[:500],
        actor=actor,
    )


@transaction.atomic
def record_evidence(*, actor: Actor, outcome: Outcome, evidence: str, note: str = "") -> Outcome:
    """Evidence seen or held for an outcome (a payslip, a letter…): achieved -> evidenced."""
    outcome = locked(outcome)
    if outcome.status == Outcome.Status.WITHDRAWN:
        raise RuleError({"evidence": "This outcome was withdrawn: it cannot be evidenced"})
    fits = dict(outcome.evidence_choices())
    if evidence not in fits:
        raise RuleError(
            {
                "evidence": f"Choose the evidence held: for {outcome.get_kind_display().lower()},"
                f" {' or '.join(label.lower() for label in fits.values())}"
            }
        )
    if (
        currently_claimed(Outcome.objects.filter(pk=outcome.pk)).exists()
        or ParticipantPayment.objects.filter(outcome=outcome).exists()
    ):
        raise RuleError(
            {"evidence": "This outcome has been claimed or paid: its evidence cannot change"}
        )
    outcome.evidence, outcome.evidence_note = evidence, note.strip()[:500]
    outcome.evidenced_by, outcome.evidenced_at = actor, timezone.now()
    if outcome.status == Outcome.Status.VERIFIED:
        outcome.verified_by = outcome.verified_at = None  # new evidence needs checking again
    outcome.status = Outcome.Status.EVIDENCED
    outcome.save()
    outcome_note(
        outcome,
        actor,
        Verb.OUTCOME_EVIDENCED,
        f"{outcome.get_kind_display()} evidenced: {outcome.get_evidence_display().lower()}",
        {"evidence": evidence, "note": outcome.evidence_note},
    )
    return outcome


def may_verify(user: User, outcome: Outcome) -> bool:
    """Whether `user` may verify it: the household's team manager, or a manager of its programme."""
    household = outcome.household
    if user.role == Role.TEAM_MANAGER:
        return (
            household.organisation_id is not None
            and household.organisation_id == user.organisation_id
        )
    return (
        user.role == Role.PROGRAMME_MANAGER
        and user.programmes.filter(pk=household.programme_id).exists()
    )


@transaction.atomic
def verify(*, actor: Actor, outcome: Outcome) -> Outcome:
    """A manager checked the evidence: evidenced -> verified. Never the person who recorded the
    evidence or the work it rests on."""
    outcome = locked(outcome)
    if not may_verify(actor, outcome):
        raise RuleError(
            {"outcome": "Only the household's team manager or a programme manager can verify"}
        )
    if outcome.status != Outcome.Status.EVIDENCED:
        raise RuleError(
            {
                "outcome": f"Only an evidenced outcome can be verified; this one is {outcome.get_status_display().lower()}"
            }
        )
    recorders = set(
        EmploymentSpell.objects.filter(pk__in=outcome.basis.get("spells", [])).values_list(
            "recorded_by", flat=True
        )
    )
    if actor.pk == outcome.evidenced_by_id or actor.pk in recorders:
        raise RuleError(
            {
                "outcome": "You recorded this outcome's evidence or work: another manager must verify it"
            }
        )
    outcome.status = Outcome.Status.VERIFIED
    outcome.verified_by, outcome.verified_at = actor, timezone.now()
    outcome.save(update_fields=["status", "verified_by", "verified_at"])
    outcome_note(
        outcome,
        actor,
        Verb.OUTCOME_VERIFIED,
        f"{outcome.get_kind_display()} verified by {actor}",
        {},
    )
    return outcome
