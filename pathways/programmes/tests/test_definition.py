"""Programme definitions: the shipped ones are valid; a bad one is refused naming the field."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pathways.programmes.definition import DefinitionError, clean_definition
from pathways.programmes.services import read_definition_file, shipped_definition_files

LCR = {"E06000006", "E08000011", "E08000012", "E08000013", "E08000014", "E08000015"}


def hiw() -> dict:
    return read_definition_file(
        next(p for p in shipped_definition_files() if p.stem == "households-into-work")
    )


def problems(definition: dict) -> dict[str, str]:
    with pytest.raises(DefinitionError) as caught:
        clean_definition(definition, known_local_authorities=LCR)
    return dict(caught.value.problems)


def test_the_three_shipped_programmes_are_valid() -> None:
    codes = {
        clean_definition(read_definition_file(p), known_local_authorities=LCR)["code"]
        for p in shipped_definition_files()
    }
    assert codes == {"households-into-work", "streets-ahead-plus", "win"}


def test_households_into_work_carries_the_figures_of_the_source_documents() -> None:
    cleaned = clean_definition(hiw(), known_local_authorities=LCR)
    assert cleaned["budget_per_household"] == "1000.00"
    assert cleaned["support_months"] == 12
    assert sorted(cleaned["local_authorities"]) == sorted(LCR)
    assert {"kind": "adults_out_of_work", "min_count": 2, "min_age": 16} in cleaned["eligibility"][
        "conditions"
    ]
    assert {"measure": "started", "value": 800, "by": "2019-03-31", "label": ""} in cleaned[
        "targets"
    ]
    assert cleaned["measures"]["job_outcome_min_hours"] == 16


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"code": "Households Into Work"}, "code", "lower-case"),
        ({"start_date": "31/03/2019"}, "start_date", "must be a date"),
        ({"end_date": "2017-01-01"}, "end_date", "on or after the start date"),
        ({"budget_per_household": 1000.5}, "budget_per_household", "write money as text"),
        ({"budget_per_household": "10.005"}, "budget_per_household", "whole pence"),
        ({"support_months": 0}, "support_months", "between 1 and 60"),
        (
            {"local_authorities": ["E08000099"]},
            "local_authorities[0]",
            "not a local authority Pathways knows",
        ),
        ({"lsoas": ["L1 2AB"]}, "lsoas[0]", "LSOA code"),
        (
            {"targets": [{"measure": "startz", "value": 1, "by": "2019-01-01"}]},
            "targets[0].measure",
            "unknown measure",
        ),
        (
            {"eligibility": {"unit": "household", "conditions": [{"kind": "rich"}]}},
            "eligibility.conditions[0].kind",
            "unknown condition",
        ),
        (
            {"measures": {"job_outcome_min_hours": "sixteen"}},
            "measures.job_outcome_min_hours",
            "whole number",
        ),
        ({"colour": "blue"}, "colour", "not a field"),
    ],
)
def test_an_invalid_definition_is_refused_naming_the_field(
    change: dict, field: str, words: str
) -> None:
    found = problems(hiw() | change)
    assert field in found
    assert words in found[field]


def test_every_problem_is_reported_at_once() -> None:
    found = problems(hiw() | {"name": "", "support_months": 99, "start_date": "soon"})
    assert {"name", "support_months", "start_date"} <= set(found)


@given(months=st.integers().filter(lambda n: not 1 <= n <= 60))
def test_support_length_outside_one_to_sixty_months_is_always_refused(months: int) -> None:
    assert "support_months" in problems(hiw() | {"support_months": months})


@given(pence=st.integers(min_value=0, max_value=10**8))
def test_any_whole_pence_budget_survives_validation_exactly(pence: int) -> None:
    amount = f"{pence // 100}.{pence % 100:02d}"
    cleaned = clean_definition(
        hiw() | {"budget_per_household": amount}, known_local_authorities=LCR
    )
    assert cleaned["budget_per_household"] == amount


def test_a_progress_measure_may_need_no_days_between_readings_but_other_measures_need_one() -> None:
    """programmes.md: Table 6 counts progress measures with no interval, so a programme may ask
    the same of its progress measure outcomes; no other threshold may be 0."""
    definition = hiw()
    definition["measures"] = {"progress_measure_min_days": 0}
    assert clean_definition(definition)["measures"]["progress_measure_min_days"] == 0
    definition["measures"] = {"progress_measure_min_days": -1, "job_outcome_min_days": 0}
    assert problems(definition) == {
        "measures.progress_measure_min_days": "must be between 0 and 3650, not -1",
        "measures.job_outcome_min_days": "must be between 1 and 3650, not 0",
    }
