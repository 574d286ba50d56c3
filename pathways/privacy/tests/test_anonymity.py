"""The extract's k-anonymity guard: for any rows, every combination of quasi-identifiers it
keeps is shared by at least k rows, and every value it gives is the row's own (at some rung of
its ladder) or withheld; what it leaves out it counts."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.privacy.anonymity import WITHHELD, k_anonymise
from pathways.privacy.coarsening import DATES, STEPS, WITHHOLD, period_ladder

areas = st.sampled_from(
    [
        ("E01000001", "E08000011"),
        ("E01000002", "E08000011"),
        ("E01000003", "E08000012"),
        ("", "E08000012"),
    ]
)
days = st.one_of(st.none(), st.dates()).map(period_ladder)
rows = st.lists(
    st.fixed_dictionaries(
        {
            "area": areas,
            **dict.fromkeys(DATES, days),
            "age_band_at_start": st.sampled_from(["16-25", "26-35", "66+", "not_known"]).map(
                lambda band: (band,)
            ),
            "gender": st.sampled_from(["female", "male", "other", ""]).map(lambda g: (g,)),
            "ethnicity": st.sampled_from(["white_british", "asian", "mixed"]).map(lambda e: (e,)),
        }
    ),
    max_size=120,
)


@settings(max_examples=150, deadline=None)
@given(rows=rows, k=st.integers(min_value=2, max_value=12))
def test_every_combination_kept_has_k_rows_and_no_value_is_invented(rows, k) -> None:
    guarded = k_anonymise(rows, k=k, steps=STEPS, withhold=WITHHOLD)
    combinations = Counter(tuple(sorted(values.items())) for _, values in guarded.kept)
    assert all(n >= k for n in combinations.values())
    assert guarded.smallest() == min(combinations.values(), default=0)
    for index, values in guarded.kept:
        for name, value in values.items():
            assert value == WITHHELD or value in rows[index][name], (name, value)
    assert len(guarded.kept) + guarded.dropped == len(rows)
    assert len({index for index, _ in guarded.kept}) == len(guarded.kept)
    # What it says it withheld, it withheld.
    shown = Counter(
        name for _, values in guarded.kept for name, v in values.items() if v == WITHHELD
    )
    assert all(shown[name] <= count for name, count in guarded.withheld.items())


def test_rows_already_k_anonymous_are_left_as_they_are() -> None:
    row = {"area": ("E01000001", "E08000011"), "gender": ("female",)}
    guarded = k_anonymise([row] * 5, k=5, steps=STEPS, withhold=WITHHOLD)
    assert guarded.steps == [] and guarded.dropped == 0
    assert [values for _, values in guarded.kept] == [{"area": "E01000001", "gender": "female"}] * 5


def person(lsoa: str, started: tuple[str, ...], gender: str, ethnicity: str) -> dict:
    return {
        "area": (lsoa, "E08000011"),
        "started": started,
        "gender": (gender,),
        "ethnicity": (ethnicity,),
    }


def test_it_coarsens_for_everyone_then_withholds_where_needed_then_drops() -> None:
    march, june = period_ladder(dt.date(2019, 3, 4)), period_ladder(dt.date(2019, 6, 9))
    women = [
        person(f"E0100000{i % 3}", march if i % 2 else june, "female", "mixed") for i in range(10)
    ]
    # Five men, each the only one of his ethnicity: withheld, they are five alike.
    men = [person(f"E0100001{i}", march, "male", code) for i, code in enumerate("abcde")]
    alone = [person("E01000099", march, "other", "mixed")]
    guarded = k_anonymise(women + men + alone, k=5, steps=STEPS, withhold=WITHHOLD)
    assert guarded.steps == [step.describe for step in STEPS]  # area, then quarter, then year
    assert {values["area"] for _, values in guarded.kept} == {"E08000011"}
    assert {values["started"] for _, values in guarded.kept} == {"2019"}
    # The one person of another gender cannot be one of five on their own: with their gender
    # and ethnicity withheld, they borrow four of the ten women (whose group keeps six), and
    # those four show no more than they do.
    assert guarded.withheld == {"ethnicity": 10, "gender": 5} and guarded.dropped == 0
    assert (
        sorted(values["ethnicity"] for _, values in guarded.kept) == ["mixed"] * 6 + [WITHHELD] * 10
    )
    assert Counter(values["gender"] for _, values in guarded.kept) == {
        "female": 6,
        "male": 5,
        WITHHELD: 5,
    }
    assert guarded.smallest() == 5


def test_fewer_than_k_people_in_all_are_dropped() -> None:
    few = [person("E01000001", period_ladder(dt.date(2019, 3, 4)), "female", "mixed")] * 4
    guarded = k_anonymise(few, k=5, steps=STEPS, withhold=WITHHOLD)
    assert guarded.kept == [] and guarded.dropped == 4
