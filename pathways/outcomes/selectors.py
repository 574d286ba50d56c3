"""Reading outcomes and claims: for a user, only through the households they may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q, QuerySet

from pathways.accounts.models import User
from pathways.assessments.models import Reading
from pathways.casework.models import Activity
from pathways.core.roles import Role
from pathways.households.selectors import households_visible_to
from pathways.outcomes.models import Claim, ClaimLine, EmploymentSpell, Outcome


def outcomes_visible_to(user: User) -> QuerySet[Outcome]:
    return Outcome.objects.filter(household__in=households_visible_to(user))


def claims_visible_to(user: User) -> QuerySet[Claim]:
    """Claims are the programme team's: a programme manager sees their programmes' claims."""
    if not (user.is_authenticated and user.role == Role.PROGRAMME_MANAGER):
        return Claim.objects.none()
    return Claim.objects.filter(programme__staff=user)


def why(outcome: Outcome) -> list[dict[str, Any]]:
    """The records an outcome rests on, each as {"kind", "date", "text", "record"}, in date order."""
    basis = outcome.basis or {}
    rows: list[dict[str, Any]] = []
    for spell in EmploymentSpell.objects.filter(
        pk__in=basis.get("spells", []), person=outcome.person
    ):
        rows.append(
            {"kind": "Spell of work", "date": spell.start_date, "text": str(spell), "record": spell}
        )
    for reading in Reading.objects.filter(
        pk__in=basis.get("readings", []), person=outcome.person
    ).prefetch_related("scores__point"):
        scores = ", ".join(f"{s.point.code} {s.value}" for s in reading.scores.all())
        rows.append(
            {"kind": "Star reading", "date": reading.date, "text": scores, "record": reading}
        )
    for activity in Activity.objects.filter(
        pk__in=basis.get("activities", []), person=outcome.person
    ):
        rows.append(
            {
                "kind": "Activity completed",
                "date": activity.completed_date,
                "text": f"{activity.get_activity_type_display()}: {activity.title}".rstrip(": "),
                "record": activity,
            }
        )
    return sorted(rows, key=lambda row: (row["date"] or outcome.achieved_on, row["kind"]))


def with_claim_counts(outcomes: Any) -> Any:
    """These outcomes, each with its number of claim lines (`claims`) and reversals."""
    return outcomes.annotate(
        claims=Count("claim_lines", filter=Q(claim_lines__kind=ClaimLine.Kind.CLAIM)),
        reversals=Count("claim_lines", filter=Q(claim_lines__kind=ClaimLine.Kind.REVERSAL)),
    )


def currently_claimed(outcomes: Any) -> Any:
    """Of these outcomes, those in a claim that has not been reversed."""
    return with_claim_counts(outcomes).filter(claims__gt=F("reversals"))
