"""Finding a household: by a person's name, a reference, a postcode or a date of birth, among
the households the user may see."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.db.models.functions import Upper

from pathways.accounts.models import User
from pathways.core.postcodes import POSTCODE_PATTERN, looks_like_postcode, postcode_key
from pathways.households import rules
from pathways.households.models import Household, Person
from pathways.households.selectors import households_visible_to

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


def search(user: User, query: str) -> QuerySet[Household]:
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
