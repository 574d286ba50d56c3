"""Reading households: the one permission-scoped path to case data.

Everything that lists, searches, exports or opens a household or a person starts from
`households_visible_to`; nothing reads Household or Person without it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone

from pathways.accounts.models import User
from pathways.core.roles import AGGREGATE_ROLES, Role
from pathways.households.models import Allocation, Household, Person

NO_CONTACT_DAYS = 30
EXIT_PLANNING_WEEKS = 8


def households_visible_to(user: User) -> QuerySet[Household]:
    """The households a user may see; none unless their role grants some (deny by default).

    Advocates and team managers see only households of their own organisation: an advocate
    moved to another council keeps none of the old council's caseload (it waits, still
    assigned, on the old team manager's page for reassigning)."""
    households = Household.objects.all()
    if not (user.is_authenticated and user.is_active):
        return households.none()
    if user.role == Role.ADVOCATE and user.organisation_id:
        return households.filter(advocate=user, organisation_id=user.organisation_id)
    if user.role == Role.TEAM_MANAGER and user.organisation_id:
        return households.filter(organisation_id=user.organisation_id)
    if user.role == Role.PROGRAMME_MANAGER:
        return households.filter(programme__in=user.programmes.all())
    return households.none()


@dataclass(frozen=True)
class Counted:
    """The households a user's reports count (aggregated only, never listed), and whether every
    figure they see must be published under the programme's disclosure control."""

    households: QuerySet[Household]
    published_only: bool


def households_counted_for(user: User, programme: Any) -> Counted | None:
    """What one programme's reports may count for this user, or None (deny by default).

    Programme managers count their programmes; team managers their organisation's households
    in it; evaluators and funders of the programme see only published figures over all of it.
    Advocates use their caseload, not reports.
    """
    households = Household.objects.filter(programme=programme)
    if not (user.is_authenticated and user.is_active):
        return None
    runs_it = user.programmes.filter(pk=programme.pk).exists()
    if user.role == Role.PROGRAMME_MANAGER and runs_it:
        return Counted(households, published_only=False)
    if user.role == Role.TEAM_MANAGER and user.organisation_id:
        return Counted(
            households.filter(organisation_id=user.organisation_id), published_only=False
        )
    if user.role in AGGREGATE_ROLES and runs_it:
        return Counted(households, published_only=True)
    return None


def advocates_managed_by(user: User) -> list[User]:
    """The advocates a manager may filter by: a team manager's organisation's, a programme
    manager's with cases on their programmes."""
    if user.role == Role.TEAM_MANAGER:
        return list(User.objects.filter(role=Role.ADVOCATE, organisation=user.organisation_id))
    if user.role == Role.PROGRAMME_MANAGER:
        return list(
            User.objects.filter(role=Role.ADVOCATE, caseload__programme__staff=user).distinct()
        )
    return []


def people_visible_to(user: User) -> QuerySet[Person]:
    """The people a user may see: members of the households they may see."""
    return Person.objects.filter(household__in=households_visible_to(user))


def household_list(user: User) -> QuerySet[Household]:
    """Households for a list page, with what each row shows fetched up front."""
    return (
        households_visible_to(user)
        .select_related("programme", "local_authority", "advocate", "organisation")
        .annotate(member_count=Count("members"))
        .order_by("reference")
    )


def household_record(user: User, pk: int) -> Household | None:
    """One household with everything its page shows, or None if the user may not see it."""
    return (
        households_visible_to(user)
        .select_related(
            "programme",
            "local_authority",
            "advocate",
            "organisation",
            "eligibility_override_by",
            "budget",
        )
        .prefetch_related(
            Prefetch("members", queryset=Person.objects.prefetch_related("consents")),
            "referrals",
            Prefetch(
                "allocations",
                queryset=Allocation.objects.select_related("advocate", "allocated_by"),
            ),
        )
        .filter(pk=pk)
        .first()
    )


# --- the caseload ------------------------------------------------------------------------

# Urgency, most urgent first: not contacted 1, no contact 2, assessment due 3, ending 4,
# overdue actions 5, referral to decide 6; nothing due:
NOTHING_DUE = 9


def with_flags(households: QuerySet[Household], today: dt.date) -> QuerySet[Household]:
    """Annotate each household with what needs doing (`urgency`, lower is more urgent) and
    the date it has been waiting since (`waiting_since`), from plain columns the services keep
    (last contact, next reading due, first action due), so it costs nothing per row."""
    started = Q(status=Household.Status.STARTED)
    not_contacted = started & (
        Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=F("allocated_on"))
    )
    no_recent = started & Q(last_contact_on__lt=today - dt.timedelta(days=NO_CONTACT_DAYS))
    due = started & Q(reading_due_on__lte=today)
    ending = started & Q(support_end_date__lte=today + dt.timedelta(weeks=EXIT_PLANNING_WEEKS))
    late = started & Q(action_due_on__lt=today)
    return households.annotate(
        is_not_contacted=Case(When(not_contacted, then=Value(True)), default=Value(False)),
        is_no_recent_contact=Case(
            When(not_contacted, then=Value(False)),
            When(no_recent, then=Value(True)),
            default=Value(False),
        ),
        is_assessment_due=Case(When(due, then=Value(True)), default=Value(False)),
        is_ending_soon=Case(When(ending, then=Value(True)), default=Value(False)),
        is_overdue=Case(When(late, then=Value(True)), default=Value(False)),
        is_referral=Case(
            When(status=Household.Status.REFERRED, then=Value(True)), default=Value(False)
        ),
        urgency=Case(
            When(not_contacted, then=Value(1)),
            When(no_recent, then=Value(2)),
            When(due, then=Value(3)),
            When(ending, then=Value(4)),
            When(late, then=Value(5)),
            When(status=Household.Status.REFERRED, then=Value(6)),
            default=Value(NOTHING_DUE),
            output_field=IntegerField(),
        ),
        waiting_since=Case(
            When(not_contacted, then=F("allocated_on")),
            When(no_recent, then=F("last_contact_on")),
            When(due, then=F("reading_due_on")),
            When(ending, then=F("support_end_date")),
            When(late, then=F("action_due_on")),
            default=F("referral_date"),
        ),
    )


def _member_count() -> Subquery:
    """How many people a household has, as a subquery (no GROUP BY over the whole list)."""
    return Subquery(
        Person.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(n=Count("id"))
        .values("n")[:1],
        output_field=IntegerField(),
    )


def caseload(
    user: User, *, advocate: User | None = None, today: dt.date | None = None
) -> QuerySet[Household]:
    """Open households (referred or on the programme) with their flags, most urgent first.

    An advocate's own by default; a manager may ask for one advocate's.
    """
    today = today or timezone.localdate()
    households = households_visible_to(user).filter(
        status__in=[Household.Status.REFERRED, Household.Status.STARTED]
    )
    if advocate is not None:
        households = households.filter(advocate=advocate)
    primaries = Person.objects.filter(role="primary", left_on__isnull=True)
    return (
        with_flags(households, today)
        .select_related("programme", "local_authority", "advocate")
        .prefetch_related(Prefetch("members", queryset=primaries, to_attr="primaries"))
        .annotate(member_count=_member_count())
        .order_by("urgency", F("waiting_since").asc(nulls_last=True), "reference")
    )


def caseload_summary(user: User, *, today: dt.date | None = None) -> dict[str, int]:
    """How many of the user's open households carry each flag (one query)."""
    today = today or timezone.localdate()
    households = with_flags(
        households_visible_to(user).filter(
            status__in=[Household.Status.REFERRED, Household.Status.STARTED]
        ),
        today,
    )
    return households.aggregate(
        open=Count("id"),
        not_contacted=Count("id", filter=Q(urgency=1)),
        no_recent_contact=Count("id", filter=Q(is_no_recent_contact=True)),
        assessment_due=Count("id", filter=Q(is_assessment_due=True)),
        ending_soon=Count("id", filter=Q(is_ending_soon=True)),
        overdue=Count("id", filter=Q(is_overdue=True)),
        referrals=Count("id", filter=Q(is_referral=True)),
    )


def team_caseloads(manager: User, *, today: dt.date | None = None) -> list[dict[str, Any]]:
    """For a team manager: each advocate of their organisation with caseload size and flag
    counts, in two queries whatever the number of advocates or households."""
    today = today or timezone.localdate()
    advocates = list(
        User.objects.filter(
            organisation_id=manager.organisation_id, role=Role.ADVOCATE, is_active=True
        ).order_by("first_name", "last_name", "username")
    )
    counts = {
        row["advocate_id"]: row
        for row in with_flags(
            households_visible_to(manager).filter(
                status__in=[Household.Status.REFERRED, Household.Status.STARTED],
                advocate__isnull=False,
            ),
            today,
        )
        .values("advocate_id")
        .annotate(
            open=Count("id"),
            started=Count("id", filter=Q(status=Household.Status.STARTED)),
            not_contacted=Count("id", filter=Q(urgency=1)),
            no_recent_contact=Count("id", filter=Q(is_no_recent_contact=True)),
            assessment_due=Count("id", filter=Q(is_assessment_due=True)),
            ending_soon=Count("id", filter=Q(is_ending_soon=True)),
            overdue=Count("id", filter=Q(is_overdue=True)),
            referrals=Count("id", filter=Q(is_referral=True)),
        )
        .order_by()
    }
    empty = {
        "assessment_due": 0,
        "overdue": 0,
        "open": 0,
        "started": 0,
        "not_contacted": 0,
        "no_recent_contact": 0,
        "ending_soon": 0,
        "referrals": 0,
    }
    return [{"advocate": a, **{k: counts.get(a.pk, empty)[k] for k in empty}} for a in advocates]


def triage_queue(user: User) -> QuerySet[Household]:
    """Referrals waiting for a decision and for an advocate: a manager's triage queue."""
    return (
        households_visible_to(user)
        .filter(status=Household.Status.REFERRED, advocate__isnull=True)
        .select_related("programme", "local_authority", "organisation")
        .annotate(member_count=Count("members"))
        .order_by("referral_date", "id")
    )
