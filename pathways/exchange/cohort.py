"""The cohort the synthetic programme follows: the source documents' tables, as data.

Tables 2-5 are from the Combined Authority's March 2019 update on Households into Work
(shared/seeds/001_4545476ded0eced9.txt, section 4); the gender split from paragraph 4.2; the
headline rates from Table 1 (834 households started, 460 with an activity completed, 376 with a
significant improvement, 11% into employment). Population shares are the ONS mid-2015 totals
(excluding prisoners) of the six authorities' LSOAs in the English Indices of Deprivation 2019
population denominators (shared/data/imd2019_lcr_lsoa.csv; Open Government Licence v3.0).
Where the documents are silent (household sizes, referral routes, bands), the weights are
plausible and say so.
"""

from __future__ import annotations

AGE_BANDS = ("16-25", "26-35", "36-45", "46-55", "56-65", "66+")
AGE_RANGES = {
    "16-25": (16, 25),
    "26-35": (26, 35),
    "36-45": (36, 45),
    "46-55": (46, 55),
    "56-65": (56, 65),
    "66+": (66, 70),
}

# Table 2 - age profile of individuals (%).
AGE_PROFILE = {"16-25": 29, "26-35": 25, "36-45": 21, "46-55": 17, "56-65": 7, "66+": 0}

# Table 3 - time since last work for individuals on the programme (%).
TIME_SINCE_WORK = {
    "0-6m": 14,
    "6-12m": 7,
    "12-18m": 4,
    "18-24m": 4,
    "24-36m": 10,
    "36m+": 39,
    "never": 20,
    "unknown": 1,
}

# Table 4 - age profile of those out of work for more than 36 months / never employed (%).
AGE_OF_LONG_TERM_WORKLESS = {
    "36m+": {"16-25": 14, "26-35": 26, "36-45": 25, "46-55": 22, "56-65": 12, "66+": 0.22},
    "never": {"16-25": 47, "26-35": 23, "36-45": 17, "46-55": 10, "56-65": 3, "66+": 0},
}

# Table 5 - self-reported support needs by individuals (%), by exchange code.
SUPPORT_NEEDS = {
    "mental_health": 65,
    "parent": 30,
    "carer": 26,
    "chronic_health": 22,
    "lone_parent": 22,
    "domestic_abuse": 16,
    "homeless": 16,
    "learning_disability": 15,
    "physical_disability": 13,
    "neet": 11,
    "ex_offender": 11,
    "drug_misuse": 10,
    "problem_drinking": 6,
    "esol": 4,
    "care_leaver": 4,
    "sensory_impairment": 4,
    "community_sentence": 2,
    "teenage_parent": 1,
    "refugee": 1,
    "ex_forces": 1,
    "asylum_seeker": 1,
}

# Paragraph 4.2: 59% female, 41% male; 91% White British.
GENDER = {"female": 59, "male": 41}
ETHNICITY = {
    "white_british": 91,
    "white_other": 3,
    "mixed": 2,
    "black": 1.5,
    "asian": 1.5,
    "arab": 0.5,
    "other": 0.5,
}

# Table 1 (March 2019): shares of started households.
ACTIVITY_COMPLETED_RATE = 460 / 834
SIGNIFICANT_IMPROVEMENT_RATE = 376 / 834
JOB_OUTCOME_RATE = 0.11

# Mid-2015 population of each authority (sum over its LSOAs, IoD2019 File 6).
POPULATION = {
    "E06000006": 126_719,  # Halton
    "E08000011": 147_262,  # Knowsley
    "E08000012": 479_723,  # Liverpool
    "E08000013": 177_592,  # St Helens
    "E08000014": 273_821,  # Sefton
    "E08000015": 321_700,  # Wirral
}

# Not in the documents: plausible weights.
ADULTS_IN_HOUSEHOLD = {2: 85, 3: 12, 4: 3}
CHILDREN_IN_HOUSEHOLD = {0: 35, 1: 25, 2: 22, 3: 12, 4: 6}
REFERRAL_SOURCES = {
    "jobcentre_plus": 30,
    "childrens_centre": 18,
    "self": 12,
    "council": 12,
    "housing_provider": 12,
    "nhs": 6,
    "third_sector": 6,
    "other_agency": 4,
}
INCOME_BANDS = {"under_6k": 30, "6k_10k": 35, "10k_15k": 25, "15k_20k": 8, "20k_plus": 2}
DEBT_BANDS = {"none": 25, "under_500": 20, "500_999": 20, "1000_4999": 25, "5000_plus": 10}
TENURE = {"social_rent": 62, "private_rent": 25, "owner": 5, "temporary": 5, "other": 3}
QUALIFICATIONS = {
    "none": 30,
    "entry": 12,
    "level_1": 22,
    "level_2": 22,
    "level_3": 10,
    "level_4_plus": 4,
}


def age_given_time_since_work() -> dict[str, dict[str, float]]:
    """P(age band | time since work) for every band, so that the long-term workless follow
    Table 4 and everyone together follows Table 2: the other bands take what is left."""
    total_t = sum(TIME_SINCE_WORK.values())
    total_a = sum(AGE_PROFILE.values())
    p_t = {t: v / total_t for t, v in TIME_SINCE_WORK.items()}
    given = {
        t: {a: v / sum(row.values()) for a, v in row.items()}
        for t, row in AGE_OF_LONG_TERM_WORKLESS.items()
    }
    rest = sum(p for t, p in p_t.items() if t not in given)
    other = {}
    for band in AGE_BANDS:
        left = AGE_PROFILE[band] / total_a - sum(p_t[t] * given[t][band] for t in given)
        other[band] = max(0.0, left / rest)
    scale = sum(other.values())
    other = {band: value / scale for band, value in other.items()}
    return {t: given.get(t, other) for t in TIME_SINCE_WORK}
