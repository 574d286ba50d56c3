"""Building referrals in tests the way the pages and services do."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from pathways.areas.models import LocalAuthority
from pathways.households.models import Household
from pathways.households.referrals import record_referral

KNOWSLEY = "E08000011"


def member(
    given: str, family: str, role: str, born: str, work: str = "out_of_work"
) -> dict[str, Any]:
    return {
        "given_name": given,
        "family_name": family,
        "role": role,
        "date_of_birth": dt.date.fromisoformat(born),
        "work_status": work,
    }


def couple(family: str = "Example") -> list[dict[str, Any]]:
    return [
        member("Alex", family, "primary", "1984-03-02"),
        member("Sam", family, "partner", "1986-07-19"),
    ]


def refer(
    actor: Any,
    programme: Any,
    *,
    la: str = KNOWSLEY,
    members: list | None = None,
    postcode: str = "L36 9GD",
    **household: Any,
) -> Household:
    return record_referral(
        actor=actor,
        programme=programme,
        referral={
            "source": "jobcentre_plus",
            "date": timezone.localdate() - dt.timedelta(days=5),
            "referring_organisation": "Huyton Jobcentre",
        },
        household={
            "address_line_1": household.pop("address_line_1", "1 Example Street"),
            "postcode": postcode,
            "local_authority": LocalAuthority.objects.get(code=la),
            **household,
        },
        members=members if members is not None else couple(),
    )


def referral_form(**overrides: Any) -> dict[str, str]:
    """The referral page's fields for two adults out of work in Knowsley."""
    today = timezone.localdate() - dt.timedelta(days=2)
    data = {
        "source": "jobcentre_plus",
        "date_0": str(today.day),
        "date_1": str(today.month),
        "date_2": str(today.year),
        "referring_organisation": "Huyton Jobcentre",
        "address_line_1": "7 Sample Road",
        "town": "Huyton",
        "postcode": "l36 9gd",
        "local_authority": str(LocalAuthority.objects.get(code=KNOWSLEY).pk),
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "10",
        "form-0-given_name": "Robin",
        "form-0-family_name": "Placeholder",
        "form-0-role": "primary",
        "form-0-date_of_birth_0": "15",
        "form-0-date_of_birth_1": "1",
        "form-0-date_of_birth_2": "1990",
        "form-0-work_status": "out_of_work",
        "form-1-given_name": "Ash",
        "form-1-family_name": "Placeholder",
        "form-1-role": "partner",
        "form-1-date_of_birth_0": "30",
        "form-1-date_of_birth_1": "9",
        "form-1-date_of_birth_2": "1991",
        "form-1-work_status": "out_of_work",
    }
    data.update(overrides)
    return data
