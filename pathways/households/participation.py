"""Who takes part in the programme: the one definition every path shares.

programmes.md ("Precise rules"): a participant is a household member who is not a child and
whose `participant` is not `no`. A member whose role is `child` never takes part, whatever
they are marked (a young child cannot); a 16- or 17-year-old who takes part is recorded as an
`adult` member (adults are 16+). Empty means the default: adults yes, children no.

`takes_part` answers for one member's facts; `participating()` is the same rule as a filter
for querysets (of people, or of rows that lead to a person through `prefix`). The member form,
the API, the household services, the importer, the outcome engine, the reports and the data
extract all ask these two, so a member counts in one place exactly when they count in all.

(A module of its own beside `rules.py`, which is at the house's 500-line limit.)
"""

from __future__ import annotations

from django.db.models import Q

from pathways.households.codes import ADULT_ROLES, MemberRole

CHILD_CANNOT_TAKE_PART = (
    "A child cannot take part in the programme: mark them as not taking part (no) or leave it "
    "empty. Someone aged 16 or over who takes part is recorded as an adult"
)


def takes_part(role: str, participant: bool | None) -> bool:
    """Whether a member takes part: an adult not marked no. A child never does."""
    return role in ADULT_ROLES and participant is not False


def participating(prefix: str = "") -> Q:
    """`takes_part` as a filter: `Person.objects.filter(participating())`, or
    `Activity.objects.filter(participating("person__"))`."""
    return Q(**{f"{prefix}role__in": ADULT_ROLES}) & ~Q(**{f"{prefix}participant": False})


def participation_problem(role: str | None, participant: bool | None) -> str | None:
    """What is wrong with a member's `participant` for their role, or None: a child marked
    as taking part is refused, never stored (it would be asked for consent and due readings,
    yet never count)."""
    if role == MemberRole.CHILD and participant is True:
        return CHILD_CANNOT_TAKE_PART
    return None
