"""The code lists of the exchange format (../shared/spec/exchange-format.md), with labels.

One place for every code a household or person record may hold, so that forms, the API and
(later) the importer accept exactly the same values and say the same thing about a bad one.
"""

from __future__ import annotations

from django.db import models


class ReferralSource(models.TextChoices):
    JOBCENTRE_PLUS = "jobcentre_plus", "Jobcentre Plus"
    SELF = "self", "Self-referral"
    COUNCIL = "council", "Council"
    CHILDRENS_CENTRE = "childrens_centre", "Children's centre"
    HOUSING_PROVIDER = "housing_provider", "Housing provider"
    NHS = "nhs", "NHS"
    THIRD_SECTOR = "third_sector", "Third sector organisation"
    OTHER_AGENCY = "other_agency", "Other agency"


class ExitReason(models.TextChoices):
    COMPLETED = "completed", "Completed support"
    JOB = "job", "Moved into work"
    MOVED_AWAY = "moved_away", "Moved away"
    DISENGAGED = "disengaged", "Stopped taking part"
    TRANSFERRED = "transferred", "Transferred to other provision"
    OTHER = "other", "Other reason"


class IncomeBand(models.TextChoices):
    UNDER_6K = "under_6k", "Under £6,000 a year"
    FROM_6K = "6k_10k", "£6,000 to £9,999"
    FROM_10K = "10k_15k", "£10,000 to £14,999"
    FROM_15K = "15k_20k", "£15,000 to £19,999"
    OVER_20K = "20k_plus", "£20,000 or more"


class DebtBand(models.TextChoices):
    NONE = "none", "No debt"
    UNDER_500 = "under_500", "Under £500"
    FROM_500 = "500_999", "£500 to £999"
    FROM_1000 = "1000_4999", "£1,000 to £4,999"
    OVER_5000 = "5000_plus", "£5,000 or more"


class Tenure(models.TextChoices):
    SOCIAL_RENT = "social_rent", "Social rent"
    PRIVATE_RENT = "private_rent", "Private rent"
    OWNER = "owner", "Owner occupier"
    TEMPORARY = "temporary", "Temporary accommodation"
    OTHER = "other", "Other"


class MemberRole(models.TextChoices):
    PRIMARY = "primary", "Primary householder"
    PARTNER = "partner", "Partner"
    ADULT = "adult", "Other adult"
    CHILD = "child", "Child"


ADULT_ROLES = (MemberRole.PRIMARY, MemberRole.PARTNER, MemberRole.ADULT)


class AgeBand(models.TextChoices):
    AGE_16_25 = "16-25", "16 to 25"
    AGE_26_35 = "26-35", "26 to 35"
    AGE_36_45 = "36-45", "36 to 45"
    AGE_46_55 = "46-55", "46 to 55"
    AGE_56_65 = "56-65", "56 to 65"
    AGE_66_PLUS = "66+", "66 or over"


class Gender(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    NOT_STATED = "not_stated", "Prefer not to say"


class Ethnicity(models.TextChoices):
    WHITE_BRITISH = "white_british", "White British"
    WHITE_OTHER = "white_other", "White, other"
    MIXED = "mixed", "Mixed or multiple ethnic groups"
    ASIAN = "asian", "Asian or Asian British"
    BLACK = "black", "Black, Black British, Caribbean or African"
    ARAB = "arab", "Arab"
    OTHER = "other", "Other ethnic group"
    NOT_STATED = "not_stated", "Prefer not to say"


class WorkStatus(models.TextChoices):
    """What eligibility needs to know about work (not in the exchange format's people.csv,
    which records time since last work; kept beside it)."""

    OUT_OF_WORK = "out_of_work", "Out of work"
    PART_TIME = "part_time", "In paid work under 16 hours a week"
    FULL_TIME = "full_time", "In paid work 16 hours a week or more"
    EDUCATION = "education", "In full-time education or training"


class TimeSinceWork(models.TextChoices):
    UNDER_6M = "0-6m", "Less than 6 months"
    FROM_6M = "6-12m", "6 to 12 months"
    FROM_12M = "12-18m", "12 to 18 months"
    FROM_18M = "18-24m", "18 months to 2 years"
    FROM_24M = "24-36m", "2 to 3 years"
    OVER_36M = "36m+", "More than 3 years"
    NEVER = "never", "Never worked"
    UNKNOWN = "unknown", "Not known"


class Benefit(models.TextChoices):
    UNIVERSAL_CREDIT = "universal_credit", "Universal Credit"
    ESA = "esa", "Employment and Support Allowance"
    JSA = "jsa", "Jobseeker's Allowance"
    INCAPACITY_BENEFIT = "incapacity_benefit", "Incapacity Benefit"
    INCOME_SUPPORT = "income_support", "Income Support"
    PIP = "pip", "Personal Independence Payment"
    DLA = "dla", "Disability Living Allowance"
    CARERS_ALLOWANCE = "carers_allowance", "Carer's Allowance"
    NONE = "none", "None"


class Qualification(models.TextChoices):
    NONE = "none", "No qualifications"
    ENTRY = "entry", "Entry level"
    LEVEL_1 = "level_1", "Level 1 (for example, GCSE grades 3 to 1)"
    LEVEL_2 = "level_2", "Level 2 (for example, GCSE grades 9 to 4)"
    LEVEL_3 = "level_3", "Level 3 (for example, A level)"
    LEVEL_4_PLUS = "level_4_plus", "Level 4 or above (for example, a degree)"


class SupportNeed(models.TextChoices):
    MENTAL_HEALTH = "mental_health", "Mental health"
    PARENT = "parent", "Parent"
    CARER = "carer", "Carer"
    CHRONIC_HEALTH = "chronic_health", "Long-term health condition"
    LONE_PARENT = "lone_parent", "Lone parent"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse"
    HOMELESS = "homeless", "Homeless"
    LEARNING_DISABILITY = "learning_disability", "Learning disability"
    PHYSICAL_DISABILITY = "physical_disability", "Physical disability"
    NEET = "neet", "Not in education, employment or training (NEET)"
    EX_OFFENDER = "ex_offender", "Ex-offender"
    DRUG_MISUSE = "drug_misuse", "Drug misuse"
    PROBLEM_DRINKING = "problem_drinking", "Problem drinking"
    ESOL = "esol", "English is not their first language"
    CARE_LEAVER = "care_leaver", "Care leaver"
    SENSORY_IMPAIRMENT = "sensory_impairment", "Sensory impairment"
    COMMUNITY_SENTENCE = "community_sentence", "Community sentence"
    TEENAGE_PARENT = "teenage_parent", "Teenage parent"
    REFUGEE = "refugee", "Refugee"
    EX_FORCES = "ex_forces", "Ex-forces"
    ASYLUM_SEEKER = "asylum_seeker", "Asylum seeker"
