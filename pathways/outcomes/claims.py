"""Claims to funders: what a period's claim would hold, and making it once.

A claim holds the verified job and sustained outcomes of the period not claimed now, at the
programme's payment to the provider for each, and a reversal for every claimed outcome since
withdrawn. Four eyes: whoever verified an outcome does not also claim the money for it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from pathways.accounts.models import Actor
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.exceptions import RuleError
from pathways.core.roles import Role
from pathways.outcomes.models import Claim, ClaimLine, Outcome
from pathways.outcomes.payments import payments_of
from pathways.outcomes.selectors import currently_claimed, with_claim_counts
from pathways.programmes.models import Programme

Kind = Outcome.Kind
CLAIMABLE = [Kind.JOB_OUTCOME, Kind.SUSTAINED_13, Kind.SUSTAINED_26]


def claimable(programme: Programme, start: dt.date, end: dt.date) -> tuple[Any, Any]:
    """What a claim for the period would hold: verified job and sustained outcomes achieved in
    it that are not claimed now (never claimed, or claimed and reversed since), and a reversal
    for every claimed outcome since withdrawn (worked out from the claim lines, not a flag)."""
    new = (
        with_claim_counts(
            Outcome.objects.filter(
                programme=programme,
                kind__in=CLAIMABLE,
                status=Outcome.Status.VERIFIED,
                achieved_on__gte=start,
                achieved_on__lte=end,
            )
        )
        .filter(claims=F("reversals"))
        .select_related("person", "household")
        .order_by("achieved_on", "pk")
    )
    reversals = (
        currently_claimed(
            Outcome.objects.filter(programme=programme, status=Outcome.Status.WITHDRAWN)
        )
        .select_related("person", "household")
        .order_by("pk")
    )
    return new, reversals


@transaction.atomic
def make_claim(
    *, actor: Actor, programme: Programme, funder: str, start: dt.date, end: dt.date
) -> Claim:
    """Claim every claimable outcome of the period, once. Two managers at once: the programme row
    is locked first, then the outcomes (so a recompute cannot change them half-way), and the
    database refuses a second claim of any outcome in the same round."""
    _check_claim(actor, programme, funder, start, end)
    Programme.objects.select_for_update().get(pk=programme.pk)
    candidates = [o.pk for group in claimable(programme, start, end) for o in group]
    list(Outcome.objects.select_for_update().filter(pk__in=candidates).values_list("pk"))
    new, reversals = (list(group) for group in claimable(programme, start, end))  # as locked
    amounts = payments_of(programme, "provider")
    if not new and not reversals:
        raise RuleError(
            {"period": "Nothing to claim: no verified outcome of this period is unclaimed"}
        )
    own = sum(1 for o in new if o.verified_by_id == actor.pk)
    if own:
        # Four eyes: whoever verifies an outcome does not also claim the money for it.
        raise RuleError(
            {
                "period": f"You verified {own} of these outcomes yourself: another programme "
                "manager must make this claim"
            }
        )
    claim = Claim.objects.create(
        programme=programme,
        funder=funder.strip(),
        period_start=start,
        period_end=end,
        made_by=actor,
    )
    lines = _lines(claim, new, reversals, amounts)
    try:
        with transaction.atomic():
            ClaimLine.objects.bulk_create(lines)
    except IntegrityError:
        raise RuleError(
            {"period": "Some of these outcomes were claimed by someone else just now: try again"}
        ) from None
    Outcome.objects.filter(pk__in=[o.pk for o in reversals]).update(reversal_due=False)
    audit.record(
        actor=actor,
        verb=Verb.CLAIM_MADE,
        target=claim,
        programme=programme,
        data={"outcomes": [o.pk for o in new], "reversals": [o.pk for o in reversals]},
    )
    return claim


def _check_claim(
    actor: Actor, programme: Programme, funder: str, start: dt.date, end: dt.date
) -> None:
    """Only the programme's managers claim, for a period that ends after it starts, from a
    named funder."""
    if (
        actor.role != Role.PROGRAMME_MANAGER
        or not actor.programmes.filter(pk=programme.pk).exists()
    ):
        raise RuleError({"programme": "Only the programme's managers can make a claim"})
    if end < start:
        raise RuleError({"end": "The end of the period must be on or after its start"})
    if not funder.strip():
        raise RuleError({"funder": "Enter the funder"})


def _lines(
    claim: Claim, new: list[Outcome], reversals: list[Outcome], amounts: dict[str, int]
) -> list[ClaimLine]:
    """A line for each outcome claimed (a new round of it) and a reversal, of what was claimed,
    for each claimed outcome since withdrawn."""
    claimed_lines = {
        (line.outcome_id, line.cycle): line.amount_pence
        for line in ClaimLine.objects.filter(outcome__in=reversals, kind=ClaimLine.Kind.CLAIM)
    }
    return [
        ClaimLine(
            claim=claim,
            outcome=o,
            cycle=o.claims + 1,
            amount_pence=amounts.get(o.kind, 0),
            verified_on=timezone.localdate(o.verified_at) if o.verified_at else None,
        )
        for o in new
    ] + [
        ClaimLine(
            claim=claim,
            outcome=o,
            kind=ClaimLine.Kind.REVERSAL,
            cycle=o.claims,
            amount_pence=-claimed_lines.get((o.pk, o.claims), 0),
        )
        for o in reversals
    ]
