"""A programme definition: the plain data that says what a programme is, and its validation.

Definitions arrive from TOML files (`pathways programmes load`), from the settings page and
(later) from the exchange importer. All of them go through `clean_definition`, which either
returns a normalised, JSON-safe dict or raises `DefinitionError` naming every bad field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from pathways.programmes.field_checks import FieldChecker

CODE_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LA_CODE_PATTERN = re.compile(r"^E0[6-9]\d{6}$")
LSOA_CODE_PATTERN = re.compile(r"^[EW]01\d{6}$")

UNITS = ("household", "person")

# Each eligibility condition kind and the parameters it takes (name -> checker).
ELIGIBILITY_CONDITIONS: dict[str, dict[str, str]] = {
    "resident_in_area": {},
    "adults_out_of_work": {"min_count": "positive_int", "min_age": "age"},
    "min_age": {"age": "age"},
    "lone_parent": {},
    "not_in_full_time_work_education_training": {},
    "claims_benefit": {"benefits": "benefit_list"},
}
BENEFITS = {
    "universal_credit",
    "esa",
    "jsa",
    "incapacity_benefit",
    "income_support",
    "pip",
    "dla",
    "carers_allowance",
}

# Measure thresholds (programmes.md "Measures"); every one is a programme setting.
MEASURE_DEFAULTS: dict[str, int] = {
    "significant_improvement_min_days": 28,
    "significant_improvement_total_gain": 3,
    "significant_improvement_point_gain": 2,
    "job_outcome_min_hours": 16,
    "job_outcome_min_days": 28,
    "job_outcome_max_gap_days": 7,
    "sustained_short_days": 91,
    "sustained_long_days": 182,
    "course_min_hours": 5,
    "star_reading_interval_weeks": 12,
    "progress_measure_min_days": 28,
}
MEASURE_LABELS: dict[str, str] = {
    "significant_improvement_min_days": "Days between first and latest reading for a significant improvement",
    "significant_improvement_total_gain": "Points gained in total for a significant improvement",
    "significant_improvement_point_gain": "Points gained on one star point for a significant improvement",
    "job_outcome_min_hours": "Hours a week of work for a job outcome",
    "job_outcome_min_days": "Days in work for a job outcome",
    "job_outcome_max_gap_days": "Longest gap in days that joins two spells of work",
    "sustained_short_days": "Days in work for the first sustained outcome (13 weeks)",
    "sustained_long_days": "Days in work for the second sustained outcome (26 weeks)",
    "course_min_hours": "Hours a course needs to count as a course",
    "star_reading_interval_weeks": "Weeks between star readings",
    "progress_measure_min_days": "Days between first and latest reading for a claimable progress measure",
}

# Settings that may be 0 (every other is 1 or more): a progress measure outcome may need no
# days between readings, as Table 6 does not (programmes.md).
MEASURE_MINIMUMS: dict[str, int] = {"progress_measure_min_days": 0}

TARGET_MEASURES = {
    "started": "Households started",
    "completed_activity": "Households where someone completed an agreed activity",
    "significant_improvement": "Households making a significant improvement",
    "job_outcomes": "Job outcomes",
    "job_outcome_rate": "Households moved into employment (%)",
    "positive_outcomes": "Households with a positive outcome",
    "progress_measures": "Progress measures",
    "sustained_13": "Sustained in work 13 weeks",
    "sustained_26": "Sustained in work 26 weeks",
    "work_related_activities": "Work-related activities",
    "courses_5h": "Courses (5+ hours)",
}
PERCENT_MEASURES = {"job_outcome_rate"}
PAYABLE_OUTCOMES = {"job_outcome", "sustained_13", "sustained_26"}
PAYEES = {"participant", "provider"}
DISCLOSURE_RULES = {"ons-10-5"}
# Thresholds a programme may set on its rule, with their allowed ranges.
DISCLOSURE_SETTINGS = {
    "smallest_count": (1, 100),
    "round_to": (1, 100),
    "fewest_for_average": (1, 100),
    # Published money is rounded to this many pounds (and withheld under `fewest_for_average`
    # households).
    "money_round_to": (1, 100_000),
    # The evaluation extract's k-anonymity guard: every combination of quasi-identifiers is
    # shared by at least this many people.
    "extract_k": (2, 100),
    # Published figures are as at the end of a period of this many months (1, 2, 3, 4, 6 or 12).
    "publish_every_months": (1, 12),
}
# Household Support Budget categories (budget.csv): what a programme's budget may pay for, by
# code, with the words the pages show.
BUDGET_CATEGORIES: dict[str, str] = {
    "travel": "Travel",
    "childcare": "Childcare",
    "clothing": "Clothing",
    "documents_checks": "Documents and checks",
    "training": "Training",
    "tools_equipment": "Tools and equipment",
    "household_goods": "Household goods",
    "utilities_debt": "Utilities and debt",
    "digital": "Digital",
    "health_wellbeing": "Health and wellbeing",
    "other": "Other",
}
# Requests above this need a team manager's approval, unless the programme sets its own.
APPROVAL_THRESHOLD = "250.00"

DEFINITION_FIELDS = (
    "code",
    "name",
    "description",
    "funder",
    "start_date",
    "end_date",
    "support_months",
    "budget_per_household",
    "instrument",
    "privacy_notice_version",
    "retention_years",
    "local_authorities",
    "lsoas",
    "eligibility",
    "measures",
    "targets",
    "outcome_payments",
    "disclosure",
    "budget_rules",
)  # in the order files and the API show them
TOP_LEVEL_FIELDS = set(DEFINITION_FIELDS)


class DefinitionError(ValueError):
    """A definition with one or more invalid fields; `problems` maps field path -> reason."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{field}: {reason}" for field, reason in problems))


def _unknown_fields(check: FieldChecker, data: dict, allowed: Iterable[str], prefix: str) -> None:
    for key in data:
        if key not in allowed:
            check.fail(f"{prefix}{key}", "is not a field a programme definition has")


def _clean_eligibility(check: FieldChecker, raw: Any) -> dict:
    if not isinstance(raw, dict):
        check.fail("eligibility", "must be a table with a unit and its conditions")
        return {}
    _unknown_fields(check, raw, {"unit", "conditions"}, "eligibility.")
    unit = raw.get("unit", "household")
    if unit not in UNITS:
        check.fail("eligibility.unit", f"must be household or person, not {unit!r}")
    conditions = []
    for index, condition in enumerate(
        check.listing(raw.get("conditions"), "eligibility.conditions")
    ):
        path = f"eligibility.conditions[{index}]"
        if not isinstance(condition, dict):
            check.fail(path, "must be a table with a kind")
            continue
        kind = condition.get("kind")
        if kind not in ELIGIBILITY_CONDITIONS:
            known = ", ".join(sorted(ELIGIBILITY_CONDITIONS))
            check.fail(f"{path}.kind", f"unknown condition {kind!r}; known conditions: {known}")
            continue
        params = ELIGIBILITY_CONDITIONS[kind]
        cleaned: dict[str, Any] = {"kind": kind}
        for key, value in condition.items():
            if key == "kind":
                continue
            if key not in params:
                check.fail(f"{path}.{key}", f"is not a setting of the {kind} condition")
            elif params[key] == "positive_int":
                cleaned[key] = check.integer(value, f"{path}.{key}", minimum=1, maximum=20)
            elif params[key] == "age":
                cleaned[key] = check.integer(value, f"{path}.{key}", minimum=0, maximum=120)
            elif params[key] == "benefit_list":
                items = check.listing(value, f"{path}.{key}")
                for item in items:
                    if item not in BENEFITS:
                        check.fail(f"{path}.{key}", f"unknown benefit {item!r}")
                cleaned[key] = list(items)
        conditions.append(cleaned)
    if not conditions:
        check.fail("eligibility.conditions", "needs at least one condition")
    return {"unit": unit, "conditions": conditions}


def _clean_measures(check: FieldChecker, raw: Any) -> dict[str, int]:
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        check.fail("measures", "must be a table of measure settings")
        return dict(MEASURE_DEFAULTS)
    _unknown_fields(check, raw, MEASURE_DEFAULTS, "measures.")
    measures = {}
    for key, default in MEASURE_DEFAULTS.items():
        least = MEASURE_MINIMUMS.get(key, 1)
        value = check.integer(raw.get(key, default), f"measures.{key}", minimum=least, maximum=3650)
        measures[key] = default if value is None else value
    if measures["sustained_long_days"] <= measures["sustained_short_days"]:
        check.fail("measures.sustained_long_days", "must be longer than sustained_short_days")
    return measures


def _clean_rows(
    check: FieldChecker, raw: Any, field: str, clean_row: Callable[[dict, str], dict]
) -> list[dict]:
    rows = []
    for index, row in enumerate(check.listing(raw, field)):
        path = f"{field}[{index}]"
        if not isinstance(row, dict):
            check.fail(path, "must be a table")
            continue
        rows.append(clean_row(row, path))
    return rows


def _clean_disclosure(check: FieldChecker, value: Any) -> dict:
    """Disclosure control for published figures: the ONS 10-5 rule by default; a programme may
    tighten or loosen its thresholds (DISCLOSURE_SETTINGS)."""
    disclosure = value or {"rule": "ons-10-5"}
    if not isinstance(disclosure, dict) or disclosure.get("rule") not in DISCLOSURE_RULES:
        check.fail("disclosure.rule", f"must be one of {', '.join(sorted(DISCLOSURE_RULES))}")
        return {"rule": "ons-10-5"}
    _unknown_fields(check, disclosure, {"rule", *DISCLOSURE_SETTINGS}, "disclosure.")
    cleaned = {"rule": disclosure["rule"]}
    for name, (low, high) in DISCLOSURE_SETTINGS.items():
        if name in disclosure:
            number = check.integer(
                disclosure[name], f"disclosure.{name}", minimum=low, maximum=high
            )
            if number is not None:
                cleaned[name] = number
    every = cleaned.get("publish_every_months", 1)
    if 12 % every:
        check.fail(
            "disclosure.publish_every_months",
            f"must divide the year into whole periods (1, 2, 3, 4, 6 or 12), not {every}",
        )
    return cleaned


def _clean_budget_rules(check: FieldChecker, raw: Any) -> dict[str, Any]:
    """Spending rules: which categories, caps per category and per item, and the amount above
    which a team manager must approve (APPROVAL_THRESHOLD by default)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        check.fail("budget_rules", "must be a table of spending rules")
        return {}
    _unknown_fields(
        check,
        raw,
        {"approval_threshold", "categories", "category_caps", "item_cap"},
        "budget_rules.",
    )
    threshold = check.money(
        raw.get("approval_threshold", APPROVAL_THRESHOLD), "budget_rules.approval_threshold"
    )
    categories = check.listing(
        raw.get("categories", list(BUDGET_CATEGORIES)), "budget_rules.categories"
    )
    for category in categories:
        if category not in BUDGET_CATEGORIES:
            check.fail("budget_rules.categories", f"unknown category {category!r}")
    caps = raw.get("category_caps") or {}
    if not isinstance(caps, dict):
        check.fail("budget_rules.category_caps", "must be a table of category = amount")
        caps = {}
    clean_caps = {}
    for category, amount in caps.items():
        if category not in BUDGET_CATEGORIES:
            check.fail(f"budget_rules.category_caps.{category}", "is not a budget category")
        clean_caps[category] = check.money(amount, f"budget_rules.category_caps.{category}")
    item_cap = raw.get("item_cap")
    return {
        "approval_threshold": threshold or APPROVAL_THRESHOLD,
        "categories": [c for c in BUDGET_CATEGORIES if c in categories],
        "category_caps": clean_caps,
        "item_cap": check.money(item_cap, "budget_rules.item_cap")
        if item_cap not in (None, "")
        else None,
    }


def _clean_code(check: FieldChecker, data: dict) -> str:
    code = check.text(data, "code", required=True, max_length=60)
    if code and not CODE_PATTERN.match(code):
        check.fail("code", f"must be lower-case letters, digits and hyphens, not {code!r}")
    return code


def _clean_dates(check: FieldChecker, data: dict) -> tuple[str | None, str | None]:
    start = check.date(data.get("start_date"), "start_date", required=True)
    end = check.date(data.get("end_date"), "end_date", required=False)
    if start and end and end < start:
        check.fail("end_date", "must be on or after the start date")
    return start, end


def _clean_local_authorities(
    check: FieldChecker, raw: Any, known_local_authorities: set[str] | None
) -> list[str]:
    local_authorities = []
    for index, la in enumerate(check.listing(raw, "local_authorities")):
        if not isinstance(la, str) or not LA_CODE_PATTERN.match(la):
            check.fail(
                f"local_authorities[{index}]", f"must be an ONS code like E08000012, not {la!r}"
            )
        elif known_local_authorities is not None and la not in known_local_authorities:
            check.fail(
                f"local_authorities[{index}]", f"{la} is not a local authority Pathways knows"
            )
        else:
            local_authorities.append(la)
    if not local_authorities and not check.problems:
        check.fail("local_authorities", "needs at least one local authority")
    return local_authorities


def _clean_lsoas(check: FieldChecker, raw: Any) -> list[str]:
    lsoas = []
    for index, lsoa in enumerate(check.listing(raw, "lsoas")):
        if not isinstance(lsoa, str) or not LSOA_CODE_PATTERN.match(lsoa):
            check.fail(f"lsoas[{index}]", f"must be an LSOA code like E01006512, not {lsoa!r}")
        else:
            lsoas.append(lsoa)
    return lsoas


def _clean_target(check: FieldChecker, row: dict, path: str) -> dict:
    _unknown_fields(check, row, {"measure", "value", "by", "label"}, f"{path}.")
    measure = row.get("measure")
    if measure not in TARGET_MEASURES:
        check.fail(f"{path}.measure", f"unknown measure {measure!r}")
    maximum = 100 if measure in PERCENT_MEASURES else 1_000_000
    return {
        "measure": measure,
        "value": check.integer(row.get("value"), f"{path}.value", minimum=0, maximum=maximum),
        "by": check.date(row.get("by"), f"{path}.by", required=True),
        "label": check.text(row, "label", required=False),
    }


def _clean_payment(check: FieldChecker, row: dict, path: str) -> dict:
    _unknown_fields(check, row, {"outcome", "amount", "payee"}, f"{path}.")
    outcome, payee = row.get("outcome"), row.get("payee", "participant")
    if outcome not in PAYABLE_OUTCOMES:
        check.fail(f"{path}.outcome", f"must be one of {', '.join(sorted(PAYABLE_OUTCOMES))}")
    if payee not in PAYEES:
        check.fail(f"{path}.payee", "must be participant or provider")
    return {
        "outcome": outcome,
        "amount": check.money(row.get("amount"), f"{path}.amount"),
        "payee": payee,
    }


def clean_definition(data: Any, *, known_local_authorities: set[str] | None = None) -> dict:
    """Validate a programme definition; return it normalised or raise DefinitionError.

    Every problem is named, in the order of the checks: the fields, the code, the dates, the
    areas, disclosure, the spending rules, then the rest in the order of DEFINITION_FIELDS.
    """
    check = FieldChecker()
    if not isinstance(data, dict):
        raise DefinitionError([("definition", "must be a table of fields")])
    _unknown_fields(check, data, TOP_LEVEL_FIELDS, "")
    code = _clean_code(check, data)
    start, end = _clean_dates(check, data)
    local_authorities = _clean_local_authorities(
        check, data.get("local_authorities"), known_local_authorities
    )
    lsoas = _clean_lsoas(check, data.get("lsoas"))
    disclosure = _clean_disclosure(check, data.get("disclosure"))
    budget_rules = _clean_budget_rules(check, data.get("budget_rules"))
    cleaned = {
        "code": code,
        "name": check.text(data, "name", required=True),
        "description": check.text(data, "description", required=False, max_length=2000),
        "funder": check.text(data, "funder", required=False),
        "start_date": start,
        "end_date": end,
        "support_months": check.integer(
            data.get("support_months", 12), "support_months", minimum=1, maximum=60
        ),
        "budget_per_household": check.money(
            data.get("budget_per_household", "0.00"), "budget_per_household"
        ),
        "instrument": check.text(data, "instrument", required=False, max_length=60)
        or "progress-star",
        "privacy_notice_version": check.text(
            data, "privacy_notice_version", required=False, max_length=40
        )
        or "1",
        "retention_years": check.integer(
            data.get("retention_years", 6), "retention_years", minimum=1, maximum=100
        ),
        "local_authorities": local_authorities,
        "lsoas": lsoas,
        "eligibility": _clean_eligibility(check, data.get("eligibility")),
        "measures": _clean_measures(check, data.get("measures")),
        "targets": _clean_rows(
            check, data.get("targets"), "targets", partial(_clean_target, check)
        ),
        "outcome_payments": _clean_rows(
            check, data.get("outcome_payments"), "outcome_payments", partial(_clean_payment, check)
        ),
        "disclosure": disclosure,
        "budget_rules": budget_rules,
    }
    if check.problems:
        raise DefinitionError(check.problems)
    return cleaned
