"""The programme's payments for outcomes: its rates (to the provider, which claims them from the
funder, and to the participant), and paying participants for their verified outcomes: which are
due, recording one (once only), and those paid that no longer hold."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from pathways.accounts.models import Actor
from pathways.audit.verbs import Verb
from pathways.core.exceptions import RuleError
from pathways.core.money import parse_pounds, pounds
from pathways.outcomes.models import Outcome, ParticipantPayment
from pathways.outcomes.verification import locked, outcome_note
from pathways.programmes.models import Programme


def payments_of(programme: Programme, payee: str) -> dict[str, int]:
    """{outcome kind: pence} of the programme's outcome payments to `payee`."""
    return {
        p["outcome"]: parse_pounds(p["amount"])
        for p in programme.outcome_payments or []
        if p.get("payee") == payee
    }


def payments_due(programme: Programme) -> Any:
    """Verified outcomes with a payment to the participant that has not been paid."""
    kinds = payments_of(programme, "participant")
    return (
        Outcome.objects.filter(programme=programme, kind__in=kinds, status=Outcome.Status.VERIFIED)
        .filter(participant_payment__isnull=True)
        .select_related("person", "household")
        .order_by("achieved_on", "pk")
    )


def paid_then_withdrawn(programme: Programme) -> Any:
    """Outcomes paid to the participant that no longer hold: for the programme team to review."""
    return (
        Outcome.objects.filter(
            programme=programme,
            status=Outcome.Status.WITHDRAWN,
            participant_payment__isnull=False,
        )
        .select_related("person", "household", "participant_payment")
        .order_by("pk")
    )


@transaction.atomic
def record_payment(*, actor: Actor, outcome: Outcome, paid_on: dt.date) -> ParticipantPayment:
    """The participant was paid for this outcome: once only."""
    outcome = locked(outcome)
    amount = payments_of(outcome.household.programme, "participant").get(outcome.kind)
    if amount is None:
        raise RuleError({"outcome": "This programme makes no payment for this outcome"})
    if outcome.status != Outcome.Status.VERIFIED:
        raise RuleError({"outcome": "Only a verified outcome can be paid"})
    if ParticipantPayment.objects.filter(outcome=outcome).exists():
        raise RuleError({"outcome": "This payment has been recorded already"})
    payment = ParticipantPayment.objects.create(
        outcome=outcome, amount_pence=amount, paid_on=paid_on, paid_by=actor
    )
    outcome_note(
        outcome,
        actor,
        Verb.OUTCOME_PARTICIPANT_PAID,
        f"{pounds(amount)} paid to {outcome.person} for {outcome.get_kind_display().lower()}",
        {"amount_pence": amount},
    )
    return payment
