"""Where a household lives: its postcode checked, and the postcode key and LSOA that follow
from it. Every path that sets or changes a postcode (the referral and edit pages, the API, the
importer) puts the household in place through `locate`, so the area reports keep counting it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from pathways.accounts.models import Actor
from pathways.areas.selectors import lsoas_for_postcodes
from pathways.audit import services as audit
from pathways.audit.verbs import Verb
from pathways.core.exceptions import RuleError
from pathways.core.postcodes import clean_postcode, postcode_key
from pathways.households import rules
from pathways.households.models import Household


def clean_address(fields: dict[str, Any]) -> dict[str, Any]:
    """The postcode and LSOA among `fields` checked and formatted, or RuleError naming each
    problem. One that was not sent stays unsent: a partial change must not blank it."""
    problems = {}
    if "postcode" in fields:
        try:
            fields["postcode"] = clean_postcode(fields["postcode"] or "")
        except ValueError as error:
            problems["postcode"] = str(error)
    if "lsoa" in fields:
        fields["lsoa"] = lsoa = (fields["lsoa"] or "").strip().upper()
        if lsoa and not rules.LSOA_PATTERN.match(lsoa):
            problems["lsoa"] = "Enter an LSOA code like E01006512, or leave it empty"
    if problems:
        raise RuleError(problems)
    return fields


def place_in_lsoa(
    household: Household, *, moved: bool = False, places: Mapping[str, str] | None = None
) -> None:
    """Put the household in the LSOA its postcode lies in (the loaded postcode directory), if
    no LSOA was given; after a move (`moved`: the postcode changed, the LSOA was not given),
    in the new one, or in none if the directory does not know the new postcode — the old LSOA
    is no longer where the household lives. `places`: postcode keys already looked up."""
    if household.lsoa and not moved:
        return
    key = household.postcode_key
    if places is None:
        places = lsoas_for_postcodes([key]) if key else {}
    household.lsoa = places.get(key, "" if moved else household.lsoa)


def locate(
    household: Household,
    *,
    lsoa_given: bool = False,
    places: Mapping[str, str] | None = None,
) -> None:
    """The postcode key and LSOA that follow from the household's postcode, as it now stands.
    A new household keeps the LSOA it was given (or is placed by postcode); a household whose
    postcode changed is placed again by the new one, unless a new LSOA was given with it."""
    key = postcode_key(household.postcode)
    moved = household.pk is not None and key != household.postcode_key and not lsoa_given
    household.postcode_key = key
    place_in_lsoa(household, moved=moved, places=places)


@transaction.atomic
def place_unplaced_households(*, actor: Actor = None) -> int:
    """Every household with no LSOA whose postcode the postcode directory now knows, placed
    (after loading a directory). Returns how many; audited as one event."""
    unplaced = Household.objects.filter(lsoa="").exclude(postcode_key="")
    placed = 0
    keys = list(unplaced.values_list("postcode_key", flat=True).distinct())
    for start in range(0, len(keys), 2000):
        places = lsoas_for_postcodes(keys[start : start + 2000])
        for key, code in places.items():
            placed += unplaced.filter(postcode_key=key).update(lsoa=code)
    if placed:
        audit.record(
            actor=actor,
            verb=Verb.HOUSEHOLD_PLACED,
            data={"households": placed},
            target_label=f"{placed} households placed in their LSOA by postcode",
        )
    return placed
