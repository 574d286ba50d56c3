"""Each eligibility reason, spelled out, from the programme's rule (programme data)."""

from __future__ import annotations

import datetime as dt

import pytest

from pathways.households.rules import HouseholdFacts, MemberFacts, evaluate_eligibility

TODAY = dt.date(2026, 11, 23)
LCR = {"E06000006", "E08000011", "E08000012", "E08000013", "E08000014", "E08000015"}
HIW_RULE = {
    "unit": "household",
    "conditions": [
        {"kind": "resident_in_area"},
        {"kind": "adults_out_of_work", "min_count": 2, "min_age": 16},
    ],
}
WIN_RULE = {
    "unit": "person",
    "conditions": [
        {"kind": "resident_in_area"},
        {"kind": "min_age", "age": 18},
        {"kind": "not_in_full_time_work_education_training"},
    ],
}
SAP_RULE = {"unit": "person", "conditions": [{"kind": "resident_in_area"}, {"kind": "lone_parent"}]}


def adult(
    name: str, work: str = "out_of_work", born: dt.date | None = dt.date(1985, 1, 1), **kw
) -> MemberFacts:
    return MemberFacts(
        name=name, role=kw.pop("role", "adult"), date_of_birth=born, work_status=work, **kw
    )


def child(name: str = "Kid", born: dt.date = dt.date(2018, 5, 5)) -> MemberFacts:
    return MemberFacts(name=name, role="child", date_of_birth=born)


def household(
    *members: MemberFacts, la: str = "E08000011", name: str = "Knowsley", lsoa: str = ""
) -> HouseholdFacts:
    return HouseholdFacts(
        local_authority_code=la, local_authority_name=name, lsoa=lsoa, members=members
    )


def evaluate(rule, facts, lsoas=frozenset()):
    return evaluate_eligibility(rule, facts, programme_area=(LCR, set(lsoas)), on=TODAY)


def texts(result) -> list[str]:
    return [reason.text for reason in result.reasons]


def test_two_adults_out_of_work_in_the_area_are_eligible() -> None:
    result = evaluate(
        HIW_RULE, household(adult("Alex", role="primary"), adult("Sam", role="partner"))
    )
    assert result.outcome == "eligible"
    assert texts(result) == ["Knowsley is in the programme area", "Two adults are out of work"]


def test_only_one_adult_out_of_work_is_not_eligible_and_says_so() -> None:
    result = evaluate(
        HIW_RULE, household(adult("Alex", role="primary"), adult("Sam", "full_time"), child())
    )
    assert result.outcome == "not_eligible"
    assert "Only one adult is out of work; the programme needs 2 or more" in texts(result)


def test_a_household_outside_the_area_is_not_eligible_and_names_the_place() -> None:
    facts = household(
        adult("Alex", role="primary"), adult("Sam"), la="E06000007", name="Warrington"
    )
    result = evaluate(HIW_RULE, facts)
    assert result.outcome == "not_eligible"
    assert "Warrington is outside the programme area" in texts(result)


def test_a_sixteen_year_old_counts_as_an_adult_and_a_fifteen_year_old_does_not() -> None:
    sixteen = adult("Teen", born=dt.date(2010, 11, 23))
    fifteen = adult("Younger", born=dt.date(2010, 11, 24))
    assert (
        evaluate(HIW_RULE, household(adult("Alex", role="primary"), sixteen)).outcome == "eligible"
    )
    result = evaluate(HIW_RULE, household(adult("Alex", role="primary"), fifteen))
    assert result.outcome == "not_eligible"


def test_missing_facts_give_cannot_tell_yet_with_what_to_record() -> None:
    result = evaluate(HIW_RULE, household(adult("Alex", role="primary"), adult("Sam", work="")))
    assert result.outcome == "unknown"
    assert any("record whether the others work" in text for text in texts(result))


def test_a_programme_limited_to_some_neighbourhoods_checks_the_lsoa() -> None:
    facts = household(adult("Alex", role="primary"), adult("Sam"), lsoa="E01006512")
    assert evaluate(HIW_RULE, facts, lsoas={"E01006512"}).outcome == "eligible"
    outside = evaluate(HIW_RULE, facts, lsoas={"E01000001"})
    assert outside.outcome == "not_eligible"
    assert "The household's neighbourhood (E01006512) is outside the programme area" in texts(
        outside
    )
    no_lsoa = household(adult("Alex", role="primary"), adult("Sam"))
    assert evaluate(HIW_RULE, no_lsoa, lsoas={"E01006512"}).outcome == "unknown"


def test_a_person_programme_needs_one_adult_meeting_every_condition() -> None:
    result = evaluate(
        WIN_RULE, household(adult("Alex", "full_time", role="primary"), adult("Sam", "part_time"))
    )
    assert result.outcome == "eligible"
    assert "Sam is 18 or over" in texts(result)
    assert "Sam is in paid work under 16 hours a week" in texts(result)


def test_a_person_programme_refuses_when_every_adult_fails_and_says_why_for_each() -> None:
    result = evaluate(
        WIN_RULE,
        household(
            adult("Alex", "full_time", role="primary"),
            adult("Sam", "education", born=dt.date(2009, 1, 1)),
        ),
    )
    assert result.outcome == "not_eligible"
    assert any(text.startswith("Alex is in paid work 16 hours") for text in texts(result))
    assert "Sam is under 18" in texts(result)


def test_lone_parent_programme() -> None:
    lone = household(adult("Alex", role="primary"), child())
    assert evaluate(SAP_RULE, lone).outcome == "eligible"
    couple = evaluate(SAP_RULE, household(adult("Alex", role="primary"), adult("Sam"), child()))
    assert couple.outcome == "not_eligible"
    assert "There are 2 adults in the household, not one parent" in texts(couple)
    said = household(
        adult("Alex", role="primary", support_needs=("lone_parent",)), adult("Nan", "full_time")
    )
    assert evaluate(SAP_RULE, said).outcome == "eligible"


@pytest.mark.parametrize(
    ("benefits", "outcome"),
    [(("esa",), "eligible"), (("jsa",), "not_eligible"), ((), "unknown")],
)
def test_claims_benefit_condition(benefits, outcome) -> None:
    rule = {
        "unit": "person",
        "conditions": [{"kind": "claims_benefit", "benefits": ["esa", "incapacity_benefit"]}],
    }
    result = evaluate(rule, household(adult("Alex", role="primary", benefits=benefits)))
    assert result.outcome == outcome
