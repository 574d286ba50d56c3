"""The evaluation extract's columns and its data dictionary (data_dictionary.csv in the zip):
what every column of every file means, and the coarsening this extract applied."""

from __future__ import annotations

from pathways.budgets.models import Category
from pathways.privacy.anonymity import WITHHELD, Guarded
from pathways.privacy.coarsening import DATES, QUASI_IDENTIFIERS

DATE_FORMS = ("month (YYYY-MM)", "quarter (YYYY-Qn)", "year (YYYY)")

SPEND = [f"spend_{code}_pence" for code in Category.values]

_PERIOD = "the {what}, as a period: month, quarter or year as the coarsening column says"
PEOPLE_COLUMNS: dict[str, str] = {
    "person": "the person's pseudonym (keyed to this project: the same in every extract of it)",
    "household": "the household's pseudonym",
    "advocate": "the advocate's pseudonym (empty: no advocate yet)",
    "local_authority": "the local authority's pseudonym (withheld where the area is)",
    "programme": "the programme's code",
    "area": "where the household lives: the LSOA code, or the local authority's ONS code",
    "referred": _PERIOD.format(what="household's referral date"),
    "started": _PERIOD.format(what="household's start date (empty: never started)"),
    "not_started_on": _PERIOD.format(
        what="date it was declined or could not be contacted (empty: started, or waiting)"
    ),
    "not_started_reason": "why a referred household did not start: declined, not_contacted, "
    "or waiting (still referred); empty if it started",
    "age_band_at_start": "the board's age band (16-25 … 66+) at the household's start, or the "
    "band recorded; at referral for people who never started; not_known",
    "gender": "gender code",
    "ethnicity": "ethnicity code",
    "role": "role in the household (primary, partner, adult, child)",
    "participant": "yes if taking part (adults unless marked no; children only if marked yes)",
    "work_status": "work status code at the start",
    "time_since_work": "time since last in work code",
    "qualification": "highest qualification code",
    "benefits": "benefit codes, separated by ;",
    "support_needs": "support need codes, separated by ;",
    "household_status": "referred, started, declined, not_contacted or ended",
    "referral_route": "where the referral came from (referral source code)",
    "exit_reason": "why support ended (exit reason code); empty if it has not",
    "months_supported": "whole calendar months from the start to the end (or to the extract)",
    "income_band": "household income band code",
    "debt_band": "household debt band code",
    "tenure": "housing tenure code",
    "contacts": "contacts recorded with the household (any member or the whole household)",
    "activities_agreed": "activities agreed on the person's action plan",
    "activities_completed": "of those, completed",
    "activity_hours": "hours of the completed activities (one decimal place)",
    **{
        f"spend_{code}_pence": f"the household's net Household Support Budget spend on "
        f"{label.lower()} (spends less refunds), in pence"
        for code, label in Category.choices
    },
    "spend_total_pence": "the household's net spend in all, in pence",
}
READINGS_COLUMNS = {
    "person": "the person's pseudonym",
    "days_since_start": "days from the household's start to the reading",
    "point": "the instrument point's code",
    "advocate_score": "the advocate's (worker's) score, used for analysis",
    "participant_score": "the participant's own score",
    "agreed": "yes where the two scores are the same: a reading is agreed together and only a "
    "score that differs is kept beside the other",
}
OUTCOMES_COLUMNS = {
    "person": "the person's pseudonym",
    "outcome": "outcome code (job_outcome, sustained_13, …)",
    "status": "achieved, evidenced, verified, claimed, withdrawn…",
    "days_since_start": "days from the household's start to the day the rule was met",
}
EMPLOYMENT_COLUMNS = {
    "person": "the person's pseudonym",
    "start": "the spell's first day, as a period at the same level as people.csv's dates",
    "end": "the spell's last day, likewise (empty: still in work)",
    "hours_per_week": "contracted or usual hours a week",
    "self_employed": "yes or no",
}
FILES = {
    "people.csv": PEOPLE_COLUMNS,
    "readings.csv": READINGS_COLUMNS,
    "outcomes.csv": OUTCOMES_COLUMNS,
    "employment.csv": EMPLOYMENT_COLUMNS,
}
DICTIONARY = ["file", "column", "meaning", "coarsening"]


def date_form(guard: Guarded) -> str:
    return DATE_FORMS[min(guard.rungs.get("started", 0), len(DATE_FORMS) - 1)]


def _coarsening(column: str, guard: Guarded) -> str:
    if column == "area":
        level = "local authority" if guard.rungs.get("area", 0) else "LSOA"
        said = f"quasi-identifier: {level}"
    elif column in DATES or column in ("start", "end"):
        said = f"quasi-identifier: {date_form(guard)}" if column in DATES else date_form(guard)
    elif column in QUASI_IDENTIFIERS:
        said = "quasi-identifier"
    else:
        return ""
    if guard.withheld.get(column):
        said += f"; '{WITHHELD}' for {guard.withheld[column]} people"
    return said


def summary(guard: Guarded) -> list[str]:
    """What the guard did, in sentences: for the dictionary and the page."""
    said = [
        f"Every combination of area, dates (referred, started, not started), age band, gender "
        f"and ethnicity is shared by at least {guard.k} people (k = {guard.k}).",
        "Coarsened for everyone: " + (", ".join(guard.steps) if guard.steps else "nothing") + ".",
    ]
    said += [
        f"{name.replace('_', ' ').capitalize()} withheld for {count} people in smaller groups."
        for name, count in guard.withheld.items()
    ]
    said.append(
        f"{guard.dropped} people left out of every file: with every quasi-identifier withheld "
        f"they would still be fewer than {guard.k}."
    )
    return said


def dictionary_rows(guard: Guarded) -> list[list[str]]:
    """data_dictionary.csv: the extract's method, then each file's every column."""
    rows = [["all files", "", sentence, ""] for sentence in summary(guard)]
    rows.append(
        [
            "all files",
            "",
            "Method: k-anonymity over the quasi-identifiers, against singling out (ICO, "
            "Anonymisation, pseudonymisation and privacy enhancing technologies guidance, "
            "2025: identifiability, the motivated intruder test, generalisation); keyed "
            "pseudonyms (HMAC-SHA256, a key kept on the server, narrowed to the project); codes "
            "only, no free text; dates as periods, and days or months since the start.",
            "",
        ]
    )
    for name, columns in FILES.items():
        rows += [
            [name, column, meaning, _coarsening(column, guard)]
            for column, meaning in columns.items()
        ]
    rows += [["data_dictionary.csv", column, "this file's columns", ""] for column in DICTIONARY]
    return rows
