"""Rules about households and people, as plain functions the forms, API and importer share:
checking a person's facts and a household's make-up (saying what is wrong and how to
fix it), a programme's eligibility rule with each reason, and the name keys and similarity used
to find the same person twice. Who takes part: `households.participation`."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pathways.households.codes import ADULT_ROLES, MemberRole, WorkStatus
from pathways.households.participation import participation_problem

ADULT_MIN_AGE = 16
OLDEST_AGE = 120

LSOA_PATTERN = re.compile(r"^[EW]01\d{6}$")


# --- names -----------------------------------------------------------------------------


def name_key(value: str) -> str:
    """'  O'Néil-Smith ' -> 'oneilsmith': case, accents, spaces and punctuation removed."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_only = decomposed.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_only.lower())


KEY_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def prefix_range(prefix: str) -> tuple[str, str | None]:
    """The keys that start with `prefix` as a range [low, high), so that a plain index answers
    a prefix search on either database: 'smi' -> ('smi', 'smj'); 'az' -> ('az', 'b').
    Keys hold only KEY_ALPHABET, which sorts the same way in every collation."""
    chars = list(prefix)
    while chars:
        position = KEY_ALPHABET.find(chars[-1])
        if 0 <= position < len(KEY_ALPHABET) - 1:
            chars[-1] = KEY_ALPHABET[position + 1]
            return prefix, "".join(chars)
        chars.pop()
    return prefix, None


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and swaps of
    two neighbouring letters ('smtih' is one step from 'smith')."""
    if a == b:
        return 0
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


def names_alike(a: str, b: str) -> bool:
    """Two name keys that are probably the same name typed twice: equal, or a typo apart
    (one slip in a short name, two in a long one), or one is the other's short form."""
    if not a or not b:
        return False
    if a == b:
        return True
    allowed = 1 if max(len(a), len(b)) <= 6 else 2
    if edit_distance(a, b) <= allowed:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 3 and longer.startswith(shorter)


def addresses_alike(a: str, b: str) -> bool:
    """First lines of an address that are probably the same: the same house number (never a
    typo: 1 and 11 are different houses) and a street name alike ('Example St', 'example street')."""
    number_a, rest_a = _house_number(a)
    number_b, rest_b = _house_number(b)
    return number_a == number_b and names_alike(rest_a, rest_b)


def _house_number(line: str) -> tuple[str, str]:
    """'12A Sample Road' -> ('12a', 'sampleroad'); a line without a number -> ('', key)."""
    match = re.match(r"^\s*(\d+\s?[A-Za-z]?)\b(.*)$", line or "")
    if not match:
        return "", name_key(line)
    return name_key(match.group(1)), name_key(match.group(2))


def dates_alike(a: dt.date | None, b: dt.date | None) -> bool:
    """Equal, or a likely slip: day and month swapped, or one digit of the day or year off."""
    if a is None or b is None:
        return False
    if a == b:
        return True
    if (a.day, a.month, a.year) == (b.month, b.day, b.year):
        return True
    same_month_year = a.month == b.month and a.year == b.year
    same_day_month = a.day == b.day and a.month == b.month
    return (same_month_year and edit_distance(f"{a.day:02d}", f"{b.day:02d}") == 1) or (
        same_day_month and edit_distance(str(a.year), str(b.year)) == 1
    )


# --- a person's facts ------------------------------------------------------------------


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def check_person(facts: Mapping[str, Any], *, today: dt.date) -> dict[str, str]:
    """Problems with one person's facts, by field (empty when all is well).

    Reads: role, date_of_birth, age_band, participant, joined_on, left_on.
    """
    problems: dict[str, str] = {}
    role = facts.get("role")
    born: dt.date | None = facts.get("date_of_birth")
    if born is not None:
        if born > today:
            problems["date_of_birth"] = "Date of birth must be in the past"
        elif age_on(born, today) > OLDEST_AGE:
            problems["date_of_birth"] = f"Date of birth must be after {today.year - OLDEST_AGE}"
        elif role in ADULT_ROLES and age_on(born, today) < ADULT_MIN_AGE:
            age = age_on(born, today)
            problems["date_of_birth"] = (
                f"This person is {age}, so they cannot be an adult in the household: "
                f"adults are {ADULT_MIN_AGE} or over. Check the date of birth, or record them "
                "as a child"
            )
        elif role == MemberRole.CHILD and age_on(born, today) >= 18:
            problems["role"] = (
                f"This person is {age_on(born, today)}, so record them as an adult, not a child"
            )
    elif role in ADULT_ROLES and not facts.get("age_band"):
        problems["date_of_birth"] = "Enter the date of birth (or at least an age band) of an adult"
    if problem := participation_problem(role, facts.get("participant")):
        problems["participant"] = problem
    joined, left = facts.get("joined_on"), facts.get("left_on")
    if joined and joined > today:
        problems["joined_on"] = "The date they joined the household must be today or in the past"
    if left and left > today:
        problems["left_on"] = "The date they left the household must be today or in the past"
    if joined and left and left < joined:
        problems["left_on"] = "The date they left must be on or after the date they joined"
    if born and joined and joined < born:
        problems["joined_on"] = "The date they joined must be on or after their date of birth"
    return problems


def check_household_members(members: Iterable[Mapping[str, Any]]) -> str | None:
    """A problem with the household's make-up as a whole, or None."""
    current = [m for m in members if not m.get("left_on")]
    primaries = [m for m in current if m.get("role") == MemberRole.PRIMARY]
    if not current:
        return "Add at least one person to the household"
    if len(primaries) != 1:
        return (
            "Choose one primary householder"
            if not primaries
            else "Only one person can be the primary householder"
        )
    partners = [m for m in current if m.get("role") == MemberRole.PARTNER]
    if len(partners) > 1:
        return "Only one person can be the primary householder's partner"
    return None


def check_dates_in_order(
    referral_date: dt.date | None, start_date: dt.date | None, *, today: dt.date
) -> dict[str, str]:
    problems = {}
    if referral_date and referral_date > today:
        problems["referral_date"] = "The referral date must be today or in the past"
    if start_date and start_date > today:
        problems["start_date"] = "The start date must be today or in the past"
    elif start_date and referral_date and start_date < referral_date:
        problems["start_date"] = "The start date must be on or after the referral date"
    return problems


def support_end_date(start: dt.date, months: int) -> dt.date:
    """The last day of support: `months` calendar months after the start, less a day
    (a start on 31 January with 1 month ends on 28 or 29 February)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return dt.date(year, month, day) - dt.timedelta(days=1)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


# --- eligibility -----------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """One condition's answer: met (True), not met (False) or not known yet (None)."""

    condition: str
    met: bool | None
    text: str


@dataclass
class EligibilityResult:
    outcome: str  # "eligible", "not_eligible" or "unknown" (households.models.Eligibility)
    reasons: list[Reason] = field(default_factory=list)

    def as_json(self) -> list[dict[str, Any]]:
        return [{"condition": r.condition, "met": r.met, "text": r.text} for r in self.reasons]


@dataclass(frozen=True)
class MemberFacts:
    """What eligibility reads about one person."""

    name: str
    role: str
    date_of_birth: dt.date | None = None
    age_band: str = ""
    work_status: str = ""
    benefits: tuple[str, ...] = ()
    support_needs: tuple[str, ...] = ()

    @property
    def is_adult(self) -> bool:
        return self.role in ADULT_ROLES

    def age_at_least(self, years: int, day: dt.date) -> bool | None:
        """Whether they are `years` or older on `day`; None if nobody knows."""
        if self.date_of_birth is not None:
            return age_on(self.date_of_birth, day) >= years
        if self.age_band:
            low = int(re.match(r"\d+", self.age_band).group())  # type: ignore[union-attr]
            high = None if self.age_band.endswith("+") else int(self.age_band.split("-")[1])
            if low >= years:
                return True
            if high is not None and high < years:
                return False
            return None
        if self.role == MemberRole.CHILD:
            return years <= 0
        return None


@dataclass(frozen=True)
class HouseholdFacts:
    """What eligibility reads about a household."""

    local_authority_code: str
    local_authority_name: str
    lsoa: str
    members: tuple[MemberFacts, ...]


def _count_phrase(count: int, noun: str) -> str:
    words = {0: "no", 1: "only one", 2: "two", 3: "three", 4: "four", 5: "five"}
    word = words.get(count, str(count))
    return f"{word} {noun}{'' if count == 1 else 's'}"


def _resident_in_area(facts: HouseholdFacts, programme_area: tuple[set[str], set[str]]) -> Reason:
    local_authorities, lsoas = programme_area
    name = facts.local_authority_name
    if facts.local_authority_code not in local_authorities:
        return Reason("resident_in_area", False, f"{name} is outside the programme area")
    if lsoas:
        if not facts.lsoa:
            return Reason(
                "resident_in_area",
                None,
                "The programme covers only some neighbourhoods; record the household's LSOA "
                "to check it is one of them",
            )
        if facts.lsoa not in lsoas:
            return Reason(
                "resident_in_area",
                False,
                f"The household's neighbourhood ({facts.lsoa}) is outside the programme area",
            )
        return Reason(
            "resident_in_area", True, f"The household lives in the programme area ({facts.lsoa})"
        )
    return Reason("resident_in_area", True, f"{name} is in the programme area")


def _adults_out_of_work(facts: HouseholdFacts, condition: dict, day: dt.date) -> Reason:
    need, min_age = condition.get("min_count", 2), condition.get("min_age", ADULT_MIN_AGE)
    out_of_work = unknown = 0
    for member in facts.members:
        old_enough = member.age_at_least(min_age, day)
        if old_enough is False:
            continue
        if not member.work_status or old_enough is None:
            unknown += 1 if member.is_adult or old_enough is None else 0
            continue
        if member.work_status == WorkStatus.OUT_OF_WORK:
            out_of_work += 1
    noun = f"adult ({min_age} or over)" if min_age != ADULT_MIN_AGE else "adult"
    if out_of_work >= need:
        return Reason(
            "adults_out_of_work",
            True,
            f"{_count_phrase(out_of_work, noun).capitalize().replace('Only one', 'One')} "
            f"{'is' if out_of_work == 1 else 'are'} out of work",
        )
    if out_of_work + unknown >= need:
        return Reason(
            "adults_out_of_work",
            None,
            f"{_count_phrase(out_of_work, noun).capitalize()} {'is' if out_of_work == 1 else 'are'}"
            f" known to be out of work; record whether the others work (and their ages) "
            f"to check for {need}",
        )
    return Reason(
        "adults_out_of_work",
        False,
        f"{_count_phrase(out_of_work, noun).capitalize()} {'is' if out_of_work == 1 else 'are'} "
        f"out of work; the programme needs {need} or more",
    )


def _person_reason(kind: str, member: MemberFacts, condition: dict, day: dt.date) -> Reason:
    name = member.name
    if kind == "min_age":
        years = condition.get("age", 18)
        old_enough = member.age_at_least(years, day)
        if old_enough is None:
            return Reason(kind, None, f"Record {name}'s date of birth to check they are {years}+")
        return Reason(
            kind,
            old_enough,
            f"{name} is {'' if old_enough else 'under '}{years}{' or over' if old_enough else ''}",
        )
    if kind == "not_in_full_time_work_education_training":
        if not member.work_status:
            return Reason(kind, None, f"Record whether {name} is in work, education or training")
        busy = member.work_status in (WorkStatus.FULL_TIME, WorkStatus.EDUCATION)
        status = WorkStatus(member.work_status).label.lower()
        return Reason(
            kind,
            not busy,
            f"{name} is {status}"
            if not busy
            else f"{name} is {status}, so not eligible (the programme is for people who are not)",
        )
    if kind == "claims_benefit":
        wanted = set(condition.get("benefits", []))
        claimed = wanted & set(member.benefits)
        if claimed:
            return Reason(kind, True, f"{name} claims {', '.join(sorted(claimed))}")
        if not member.benefits:
            return Reason(kind, None, f"Record which benefits {name} claims")
        return Reason(kind, False, f"{name} does not claim any of: {', '.join(sorted(wanted))}")
    raise ValueError(f"not a person condition: {kind}")


def _lone_parent(facts: HouseholdFacts, member: MemberFacts | None) -> Reason:
    adults = [m for m in facts.members if m.is_adult]
    children = [m for m in facts.members if not m.is_adult]
    said = member is not None and "lone_parent" in member.support_needs
    if said or (len(adults) == 1 and children):
        who = member.name if member else "The household"
        return Reason("lone_parent", True, f"{who} is a lone parent")
    if len(adults) > 1:
        return Reason(
            "lone_parent", False, f"There are {len(adults)} adults in the household, not one parent"
        )
    return Reason("lone_parent", False, "There are no children in the household")


def _combine(answers: Iterable[bool | None]) -> bool | None:
    """All met -> True; any failed -> False; otherwise not known yet (None)."""
    answers = list(answers)
    if any(a is False for a in answers):
        return False
    return True if all(answers) else None


PERSON_CONDITIONS = {"min_age", "not_in_full_time_work_education_training", "claims_benefit"}


def evaluate_eligibility(
    rule: Mapping[str, Any],
    facts: HouseholdFacts,
    *,
    programme_area: tuple[set[str], set[str]],
    on: dt.date,
) -> EligibilityResult:
    """Apply a programme's eligibility rule (programme data) to a household's facts.

    Household rules must meet every condition. Person rules ("unit": "person") need at least
    one adult who meets every person condition; the reasons name who does and who does not.
    """
    person_rule = rule.get("unit") == "person"
    person_kinds = PERSON_CONDITIONS | ({"lone_parent"} if person_rule else set())
    conditions = list(rule.get("conditions", []))
    reasons: list[Reason] = []
    for condition in conditions:
        kind = condition["kind"]
        if kind in person_kinds:
            continue
        if kind == "resident_in_area":
            reasons.append(_resident_in_area(facts, programme_area))
        elif kind == "adults_out_of_work":
            reasons.append(_adults_out_of_work(facts, condition, on))
        elif kind == "lone_parent":
            reasons.append(_lone_parent(facts, None))
    outcome = _combine(r.met for r in reasons)

    person_conditions = [c for c in conditions if c["kind"] in person_kinds]
    if person_conditions:
        adults = [m for m in facts.members if m.is_adult]
        answers_by_adult = [
            [
                _lone_parent(facts, member)
                if c["kind"] == "lone_parent"
                else _person_reason(c["kind"], member, c, on)
                for c in person_conditions
            ]
            for member in adults
        ]
        outcomes = [_combine(r.met for r in answers) for answers in answers_by_adult]
        if not adults:
            reasons.append(Reason("person", False, "There is no adult in the household"))
            person_outcome: bool | None = False
        elif True in outcomes:
            person_outcome = True
            reasons.extend(outcomes_reasons(answers_by_adult, outcomes, want=True))
        elif None in outcomes:
            person_outcome = None
            reasons.extend(outcomes_reasons(answers_by_adult, outcomes, want=None))
        else:
            person_outcome = False
            reasons.extend(r for answers in answers_by_adult for r in answers if r.met is False)
        outcome = _combine([outcome, person_outcome])

    labels = {True: "eligible", False: "not_eligible", None: "unknown"}
    return EligibilityResult(outcome=labels[outcome], reasons=reasons)


def outcomes_reasons(
    answers_by_adult: list[list[Reason]], outcomes: list[bool | None], *, want: bool | None
) -> list[Reason]:
    """The reasons of the adults whose overall answer is `want`."""
    return [
        reason
        for answers, outcome in zip(answers_by_adult, outcomes, strict=True)
        if outcome is want
        for reason in answers
    ]
