"""Reading households: the one permission-scoped path to case data.

Everything that lists, searches, exports or opens a household or a person starts from
`households_visible_to`; nothing reads Household or Person without it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
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
from django.db.models.functions import Upper
from django.utils import timezone

from pathways.accounts.models import User
from pathways.core.postcodes import POSTCODE_PATTERN, looks_like_postcode, postcode_key
from pathways.core.roles import AGGREGATE_ROLES, Role
from pathways.households import rules
from pathways.households.models import Allocation, Household, Person

NO_CONTACT_DAYS = 30
EXIT_PLANNING_WEEKS = 8


def households_visible_to(user: Any) -> QuerySet[Household]:
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


def households_counted_for(user: Any, programme: Any) -> Counted | None:
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


def advocates_managed_by(user: Any) -> list[User]:
    """The advocates a manager may filter by: a team manager's organisation's, a programme
    manager's with cases on their programmes."""
    if user.role == Role.TEAM_MANAGER:
        return list(User.objects.filter(role=Role.ADVOCATE, organisation=user.organisation_id))
    if user.role == Role.PROGRAMME_MANAGER:
        return list(
            User.objects.filter(role=Role.ADVOCATE, caseload__programme__staff=user).distinct()
        )
    return []


def people_visible_to(user: Any) -> QuerySet[Person]:
    """The people a user may see: members of the households they may see."""
    return Person.objects.filter(household__in=households_visible_to(user))


def household_list(user: Any) -> QuerySet[Household]:
    """Households for a list page, with what each row shows fetched up front."""
    return (
        households_visible_to(user)
        .select_related("programme", "local_authority", "advocate", "organisation")
        .annotate(member_count=Count("members"))
        .order_by("reference")
    )


def household_record(user: Any, pk: int) -> Household | None:
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
    user: Any, *, advocate: User | None = None, today: dt.date | None = None
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


def caseload_summary(user: Any, *, today: dt.date | None = None) -> dict[str, int]:
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


def team_caseloads(manager: Any, *, today: dt.date | None = None) -> list[dict[str, Any]]:
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


def triage_queue(user: Any) -> QuerySet[Household]:
    """Referrals waiting for a decision and for an advocate: a manager's triage queue."""
    return (
        households_visible_to(user)
        .filter(status=Household.Status.REFERRED, advocate__isnull=True)
        .select_related("programme", "local_authority", "organisation")
        .annotate(member_count=Count("members"))
        .order_by("referral_date", "id")
    )


# --- search ------------------------------------------------------------------------------

DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d %m %Y", "%d %B %Y", "%d %b %Y")
REFERENCE_PATTERN = re.compile(r"^[A-Za-z]{2,5}-?\d+(-\d+)?$")


def parse_date(text: str) -> dt.date | None:
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


@dataclass(frozen=True)
class SearchQuery:
    kind: str  # "date", "postcode", "reference" or "name"
    text: str
    date: dt.date | None = None


def understand(query: str) -> SearchQuery | None:
    text = " ".join(query.split())
    if not text:
        return None
    born = parse_date(text)
    if born:
        return SearchQuery("date", text, born)
    if REFERENCE_PATTERN.match(text) and any(c.isdigit() for c in text):
        return SearchQuery("reference", text.upper())
    if looks_like_postcode(text):
        return SearchQuery("postcode", postcode_key(text))
    return SearchQuery("name", text)


def _starts_with(field: str, prefix: str, *, upper: bool = False) -> Q:
    """A prefix match as an index range (see rules.prefix_range)."""
    low, high = rules.prefix_range(prefix)
    if upper:
        low, high = low.upper(), high.upper() if high else None
    condition = Q(**{f"{field}__gte": low})
    return condition & Q(**{f"{field}__lt": high}) if high else condition


def search(user: Any, query: str) -> QuerySet[Household]:
    """Households the user may see that match a name, reference, postcode or date of birth.

    Each kind of query reads one index: names by prefix of the family or given name, dates of
    birth exactly, postcodes whole or by outward code, references exactly.
    """
    understood = understand(query)
    visible = households_visible_to(user)
    if understood is None:
        return visible.none()
    if understood.kind == "reference":
        # Two index lookups (household reference, person reference), not an OR across both.
        ids = set(
            visible.annotate(ref_upper=Upper("reference"))
            .filter(ref_upper=understood.text)
            .values_list("pk", flat=True)
        )
        ids |= set(
            Person.objects.filter(reference=understood.text).values_list("household_id", flat=True)
        )
        matches = visible.filter(pk__in=ids)
    elif understood.kind == "postcode":
        key = understood.text
        matches = (
            visible.filter(postcode_key=key)
            if POSTCODE_PATTERN.match(key)
            # An outward code ("L3"): the index narrows, the space keeps L36 out.
            else visible.filter(
                _starts_with("postcode_key", key.lower(), upper=True),
                postcode__startswith=f"{key} ",
            )
        )
    else:
        if understood.kind == "date":
            people = Person.objects.filter(date_of_birth=understood.date)
        else:
            words = [rules.name_key(w) for w in understood.text.split()]
            words = [w for w in words if w]
            if not words:
                return visible.none()
            if len(words) == 1:
                people = Person.objects.filter(
                    _starts_with("family_key", words[0]) | _starts_with("given_key", words[0])
                )
            else:
                first, last = words[0], words[-1]
                people = Person.objects.filter(
                    (_starts_with("given_key", first) & _starts_with("family_key", last))
                    | (_starts_with("family_key", first) & _starts_with("given_key", last))
                )
        # The matching people's households first (an index), then what the user may see.
        matches = visible.filter(pk__in=people.values("household_id"))
    return (
        matches.select_related("programme", "local_authority", "advocate")
        .prefetch_related("members")
        .order_by("reference")
    )


# --- duplicates --------------------------------------------------------------------------


@dataclass(frozen=True)
class PossibleDuplicate:
    """A person already known who may be someone being referred."""

    entered: str  # the name as typed in the referral
    person: Person | None  # None when the user may not see the household
    household: Household | None
    why: str


@dataclass(frozen=True)
class DuplicateCheck:
    people: list[PossibleDuplicate]
    households: list[Household]  # open households at the same address on the programme
    hidden: int  # matches on households the user may not see

    @property
    def found(self) -> bool:
        return bool(self.people or self.households or self.hidden)


def _date_variants(born: dt.date) -> list[dt.date]:
    variants = [born]
    with contextlib.suppress(ValueError):
        variants.append(dt.date(born.year, born.day, born.month))
    return variants


def find_duplicates(
    user: Any,
    *,
    programme: Any,
    members: list[dict[str, Any]],
    postcode: str,
    address_line_1: str = "",
    exclude_household: int | None = None,
) -> DuplicateCheck:
    """People already known (anywhere) who look like the people being referred, and open
    households on the programme at the same address.

    Tolerant of case, spacing, accents and common typos in names and dates of birth. Matches
    on households the user may not see are counted, never shown.
    """
    key = postcode_key(postcode)
    visible_ids = set()
    candidates_filter = Q()
    wanted = []
    for member in members:
        given, family = (
            rules.name_key(member.get("given_name", "")),
            rules.name_key(member.get("family_name", "")),
        )
        if not (given or family):
            continue
        born = member.get("date_of_birth")
        wanted.append((member, given, family, born))
        if born:
            candidates_filter |= Q(date_of_birth__in=_date_variants(born))
        if family:
            candidates_filter |= Q(family_key=family)
        if key and family:
            candidates_filter |= Q(household__postcode_key=key, family_key__startswith=family[:3])
    found: list[PossibleDuplicate] = []
    hidden_households: set[int] = set()
    if wanted:
        candidates = (
            Person.objects.filter(candidates_filter)
            .exclude(household_id=exclude_household)
            .select_related("household", "household__programme", "household__local_authority")
            .order_by("id")[:500]
        )
        candidates = list(candidates)
        visible_ids = set(
            households_visible_to(user)
            .filter(pk__in={c.household_id for c in candidates})
            .values_list("pk", flat=True)
        )
        for member, given, family, born in wanted:
            for person in candidates:
                why = _why_alike(person, given, family, born, key)
                if not why:
                    continue
                entered = f"{member.get('given_name', '')} {member.get('family_name', '')}".strip()
                if person.household_id in visible_ids:
                    found.append(PossibleDuplicate(entered, person, person.household, why))
                else:
                    hidden_households.add(person.household_id)
    same_address: list[Household] = []
    if key:
        at_address = Household.objects.filter(
            programme=programme,
            postcode_key=key,
            status__in=[Household.Status.REFERRED, Household.Status.STARTED],
        ).exclude(pk=exclude_household)
        at_address = [
            household
            for household in at_address.select_related("local_authority")[:50]
            if not address_line_1 or rules.addresses_alike(address_line_1, household.address_line_1)
        ]
        may_see = set(
            households_visible_to(user)
            .filter(pk__in=[h.pk for h in at_address])
            .values_list("pk", flat=True)
        )
        for household in at_address:
            if household.pk in may_see:
                same_address.append(household)
            else:
                hidden_households.add(household.pk)
    return DuplicateCheck(people=found, households=same_address, hidden=len(hidden_households))


def _why_alike(person: Person, given: str, family: str, born: dt.date | None, key: str) -> str:
    names = rules.names_alike(given, person.given_key) and rules.names_alike(
        family, person.family_key
    )
    if not names:
        return ""
    exact_names = given == person.given_key and family == person.family_key
    name_words = "Same name" if exact_names else "Similar name"
    if born and person.date_of_birth:
        if born == person.date_of_birth:
            where = "" if person.household.postcode_key == key else ", different postcode"
            return f"{name_words}, same date of birth{where}"
        if rules.dates_alike(born, person.date_of_birth):
            return f"{name_words}, similar date of birth"
        return ""
    if key and person.household.postcode_key == key:
        return f"{name_words}, same postcode"
    return ""
