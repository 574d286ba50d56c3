"""What invented records are made of: names nobody has, well-formed made-up postcode districts
and streets, the kinds of activity, service, spending and employer a programme sees, and where
in each district households live (weighted by need). Shared by `generate` and the demo."""

from __future__ import annotations

import csv
import functools

from pathways.areas.loaders.shipped import SHIPPED

GIVEN = [
    "Alex",
    "Sam",
    "Jo",
    "Chris",
    "Robin",
    "Ash",
    "Morgan",
    "Casey",
    "Taylor",
    "Jamie",
    "Jordan",
    "Charlie",
    "Frankie",
    "Riley",
    "Dee",
    "Kerry",
    "Lee",
    "Billie",
    "Ellis",
    "Harper",
    "Marley",
    "Remi",
    "Sasha",
    "Toni",
    "Avery",
    "Blair",
    "Drew",
    "Eden",
    "Jess",
    "Kit",
]
FAMILY = [
    "Example",
    "Sample",
    "Placeholder",
    "Fictional",
    "Madeup",
    "Testington",
    "Demoson",
    "Notreal",
    "Invento",
    "Imaginary",
    "Pretendo",
    "Storybook",
    "Lorem",
    "Ipsum",
    "Dummy",
    "Mockett",
    "Fauxley",
    "Fakenham",
    "Nonesuch",
    "Whatnot",
]
DISTRICTS = {
    "E06000006": ("WA7", "WA8"),
    "E08000011": ("L36", "L28", "L34"),
    "E08000012": ("L4", "L8", "L24"),
    "E08000013": ("WA9", "WA10"),
    "E08000014": ("L20", "L30", "PR8"),
    "E08000015": ("CH41", "CH42", "CH46"),
}
STREETS = ("Example Street", "Sample Road", "Demo Avenue", "Pretend Lane", "Invented Close")
ACTIVITIES = {
    "course": (30, ("Food hygiene", "Maths functional skills", "First aid", "CSCS card")),
    "work_related": (10, ("CV and cover letter", "Mock interview", "Job fair")),
    "job_search": (15, ("Weekly job search", "Applications with the advocate")),
    "health": (12, ("Talking therapies", "GP appointment for sleep", "Walking group")),
    "money_advice": (12, ("Debt advice appointment", "Benefit check")),
    "housing": (6, ("Rent arrears plan", "Housing register")),
    "volunteering": (6, ("Food bank volunteering", "Charity shop")),
    "work_placement": (4, ("Two-week placement",)),
    "apprenticeship": (1, ("Apprenticeship application",)),
    "other": (4, ("Confidence course",)),
}
SERVICES = {
    "debt_advice": 20,
    "nhs_mental_health": 18,
    "counselling": 12,
    "training_provider": 14,
    "housing": 10,
    "childcare": 8,
    "jobcentre_plus": 8,
    "drug_alcohol": 4,
    "domestic_abuse": 3,
    "nhs_other": 2,
    "other": 1,
}
BUDGET_ITEMS = {
    "travel": (30, 10, 80),
    "childcare": (15, 60, 300),
    "clothing": (15, 25, 90),
    "documents_checks": (10, 11, 40),
    "training": (8, 20, 150),
    "household_goods": (8, 50, 320),
    "digital": (8, 60, 280),
    "utilities_debt": (6, 30, 200),
    "tools_equipment": (3, 20, 120),
    "health_wellbeing": (2, 10, 60),
    "other": (1, 10, 50),
}
EMPLOYERS = (
    "Example Care Homes",
    "Sample Logistics",
    "Demo Retail Park",
    "Invented Cleaning Services",
    "Pretend Cafe",
)


@functools.cache
def lsoas_by_need() -> dict[str, dict[str, float]]:
    """Per local authority, its LSOAs weighted by need (working-age population × Employment
    Domain rate), from the shipped Indices of Deprivation file: where the generated households
    live, so that the most deprived neighbourhoods are referred most, as on the real programme."""
    found: dict[str, dict[str, float]] = {}
    with (SHIPPED / "imd2019_lcr_lsoa.csv").open(newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            rate = row["derived_employment_rate_approx"]
            working = row[
                "Working age population 18-59/64: for use with Employment Deprivation Domain "
                "(excluding prisoners)"
            ]
            if rate and working:
                found.setdefault(row["Local Authority District code (2019)"], {})[
                    row["LSOA code (2011)"]
                ] = float(rate) * int(working)
    return found
