"""Someone referred who may be known already: people who look alike, and open households at the
same address. Matches the user may not see are counted, never shown."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from pathways.accounts.models import User
from pathways.core.postcodes import postcode_key
from pathways.households import rules
from pathways.households.models import Household, Person
from pathways.households.selectors import households_visible_to


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
    user: User,
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
        same_address = _at_same_address(
            user, programme, key, address_line_1, exclude_household, hidden_households
        )
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


def _at_same_address(
    user: User,
    programme: Any,
    key: str,
    address_line_1: str,
    exclude_household: int | None,
    hidden_households: set[int],
) -> list[Household]:
    """Open households on the programme at the address that the user may see; those they may
    not are added to `hidden_households`."""
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
    same_address = []
    for household in at_address:
        if household.pk in may_see:
            same_address.append(household)
        else:
            hidden_households.add(household.pk)
    return same_address
