"""The exchange format's files, column by column: what each cell must be, in words a person
can act on. Each parser takes the cell's text (never empty: empty = unknown) and returns the
value or raises ValueError with the reason."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone

from pathways.budgets.models import Category
from pathways.casework.models import Activity, OnwardReferral, ServiceType
from pathways.core.postcodes import clean_postcode
from pathways.households import codes
from pathways.outcomes.models import Evidence

Parser = Callable[[str], Any]


def one_of(values: Iterable[str]) -> Parser:
    allowed = tuple(values)

    def parse(text: str) -> str:
        if text not in allowed:
            shown = ", ".join(allowed[:12]) + (", …" if len(allowed) > 12 else "")
            raise ValueError(f"is not a known code (one of {shown})")
        return text

    return parse


def list_of(values: Iterable[str]) -> Parser:
    check = one_of(values)

    def parse(text: str) -> list[str]:
        items = [item.strip() for item in text.split(";") if item.strip()]
        for item in items:
            try:
                check(item)
            except ValueError as error:
                raise ValueError(f"{item!r} {error}") from None
        return items

    return parse


class _Today:
    """Today's date, asked of the clock at most once a second (a file has millions of dates)."""

    def __init__(self) -> None:
        self.asked, self.day = -1.0, dt.date.min

    def __call__(self) -> dt.date:
        now = time.time()
        if abs(now - self.asked) > 1.0:  # (a clock set back, as in tests, asks again)
            self.asked, self.day = now, timezone.localdate()
        return self.day


today = _Today()


def date(text: str) -> dt.date:
    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("is not a date in the form YYYY-MM-DD") from None
    if len(text) != 10:
        raise ValueError("is not a date in the form YYYY-MM-DD")
    if value > today():
        raise ValueError("is in the future")
    return value


def yes_no(text: str) -> bool:
    if text.lower() not in ("yes", "no"):
        raise ValueError("must be yes or no")
    return text.lower() == "yes"


def number(low: Decimal, high: Decimal, *, whole: bool = False) -> Parser:
    def parse(text: str) -> Decimal | int:
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise ValueError("is not a number") from None
        if not value.is_finite() or not (low <= value <= high):
            raise ValueError(f"must be between {low} and {high}")
        if whole:
            if value != value.to_integral_value():
                raise ValueError("must be a whole number")
            return int(value)
        return value

    return parse


def text(limit: int) -> Parser:
    def parse(value: str) -> str:
        if len(value) > limit:
            raise ValueError(f"is longer than {limit} characters")
        return value

    return parse


def postcode(value: str) -> str:
    try:
        return clean_postcode(value)
    except ValueError:
        raise ValueError("is not a real postcode, like L36 9GD") from None


def lsoa(value: str) -> str:
    if len(value) != 9 or value[:3] not in ("E01", "W01") or not value[3:].isdigit():
        raise ValueError("is not an LSOA code like E01006512")
    return value


@dataclass(frozen=True)
class FileSpec:
    name: str
    columns: dict[str, Parser]
    required: frozenset[str]
    extra_columns: bool = False  # star_readings.csv: one column per point code
    keys: tuple[str, ...] = field(default=())


HOUSEHOLDS = FileSpec(
    "households.csv",
    {
        "household_ref": text(60),
        "programme": text(60),
        "local_authority": text(100),
        "lsoa": lsoa,
        "postcode": postcode,
        "referral_source": one_of(codes.ReferralSource.values),
        "referral_date": date,
        "start_date": date,
        "end_date": date,
        "exit_reason": one_of(codes.ExitReason.values),
        "advocate": text(254),
        "income_band": one_of(codes.IncomeBand.values),
        "debt_band": one_of(codes.DebtBand.values),
        "tenure": one_of(codes.Tenure.values),
    },
    frozenset({"household_ref", "programme", "local_authority"}),
)
PEOPLE = FileSpec(
    "people.csv",
    {
        "person_ref": text(60),
        "household_ref": text(60),
        "role": one_of(codes.MemberRole.values),
        "date_of_birth": date,
        "age_band": one_of(codes.AgeBand.values),
        "gender": one_of(codes.Gender.values),
        "ethnicity": one_of(codes.Ethnicity.values),
        "participant": yes_no,
        "time_since_work": one_of(codes.TimeSinceWork.values),
        "benefits": list_of(codes.Benefit.values),
        "qualification": one_of(codes.Qualification.values),
        "support_needs": list_of(codes.SupportNeed.values),
        "consent_date": date,
    },
    frozenset({"person_ref", "household_ref", "role"}),
)
STAR_READINGS = FileSpec(
    "star_readings.csv",
    {"person_ref": text(60), "date": date, "instrument": text(60)},
    frozenset({"person_ref", "date"}),
    extra_columns=True,
)
ACTIVITIES = FileSpec(
    "activities.csv",
    {
        "person_ref": text(60),
        "activity_type": one_of(Activity.Type.values),
        "title": text(200),
        "hours": number(Decimal(0), Decimal(10_000)),
        "agreed_date": date,
        "completed_date": date,
        "status": one_of(Activity.Status.values),
        "star_point": text(60),
    },
    frozenset({"person_ref", "activity_type", "agreed_date"}),
)
EMPLOYMENT = FileSpec(
    "employment.csv",
    {
        "person_ref": text(60),
        "start_date": date,
        "end_date": date,
        "hours_per_week": number(Decimal("0.01"), Decimal(168)),
        "employer": text(200),
        "self_employed": yes_no,
        "evidence": one_of(Evidence.values),
    },
    frozenset({"person_ref", "start_date", "hours_per_week"}),
)
BUDGET = FileSpec(
    "budget.csv",
    {
        "household_ref": text(60),
        "date": date,
        "category": one_of(Category.values),
        "amount": text(20),
        "description": text(500),
    },
    frozenset({"household_ref", "date", "category", "amount"}),
)
REFERRALS_OUT = FileSpec(
    "referrals_out.csv",
    {
        "person_ref": text(60),
        "date": date,
        "service": one_of(ServiceType.values),
        "organisation": text(200),
        "status": one_of(OnwardReferral.Status.values),
    },
    frozenset({"person_ref", "date", "service"}),
)
FILES = (HOUSEHOLDS, PEOPLE, STAR_READINGS, ACTIVITIES, EMPLOYMENT, BUDGET, REFERRALS_OUT)
REQUIRED_FILES = ("households.csv", "people.csv")


# The extra columns Pathways itself reads and writes (any other x_ column is accepted and
# ignored). They carry what the format leaves out but a programme moving in needs:
#   households.csv  x_address_line_1  the first line of the address (the postcode is a column)
#   people.csv      x_given_name      the person's given name
#   people.csv      x_family_name     the person's family name
# A new person imported without names is shown as "Person <person_ref>". Exports carry them only
# when asked to (names and addresses are not needed for an extract, so they are left out unless
# the bundle is to move the programme).
EXTRAS = {
    "households.csv": ["x_address_line_1"],
    "people.csv": ["x_given_name", "x_family_name"],
}

# people.csv's columns that are a Person's fields of the same name, in the file's order.
PERSON_FACTS = (
    "role",
    "date_of_birth",
    "age_band",
    "gender",
    "ethnicity",
    "participant",
    "time_since_work",
    "benefits",
    "qualification",
    "support_needs",
)

# The columns of each file, in the order Pathways writes them (generated and exported bundles).
HEADERS: dict[str, list[str]] = {
    "households.csv": [
        "household_ref",
        "programme",
        "local_authority",
        "lsoa",
        "postcode",
        "referral_source",
        "referral_date",
        "start_date",
        "end_date",
        "exit_reason",
        "advocate",
        "income_band",
        "debt_band",
        "tenure",
        "x_address_line_1",
    ],
    "people.csv": [
        "person_ref",
        "household_ref",
        "role",
        "date_of_birth",
        "age_band",
        "gender",
        "ethnicity",
        "participant",
        "time_since_work",
        "benefits",
        "qualification",
        "support_needs",
        "consent_date",
        "x_given_name",
        "x_family_name",
    ],
    "star_readings.csv": [
        "person_ref",
        "date",
        "instrument",
        "stability",
        "money",
        "physical_health",
        "emotional_wellbeing",
        "family",
        "self_esteem",
        "skills",
        "work",
    ],
    "activities.csv": [
        "person_ref",
        "activity_type",
        "title",
        "hours",
        "agreed_date",
        "completed_date",
        "status",
        "star_point",
    ],
    "employment.csv": [
        "person_ref",
        "start_date",
        "end_date",
        "hours_per_week",
        "employer",
        "self_employed",
        "evidence",
    ],
    "budget.csv": ["household_ref", "date", "category", "amount", "description"],
    "referrals_out.csv": ["person_ref", "date", "service", "organisation", "status"],
}
