"""Disclosure control: the ONS 10-5 rule, by example and as a property over any table."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pathways.reporting import disclosure
from pathways.reporting.disclosure import DisclosureRule


def test_the_ten_five_rule_by_example() -> None:
    published = [disclosure.count(n) for n in (0, 1, 9, 10, 12, 13, 17, 18, 100, 102, 103)]
    assert published == [0, None, None, 10, 10, 15, 15, 20, 100, 100, 105]


def test_a_total_is_rounded_from_the_unrounded_sum_not_from_the_rounded_rows() -> None:
    # Rows 12 + 12 + 12 publish as 10 + 10 + 10; the total, 36, publishes as 35, not 30.
    published = disclosure.table([12, 12, 12])
    assert published.counts == [10, 10, 10]
    assert published.total == 35
    # Rows that overlap (a person with several needs) give their own total.
    assert disclosure.table([12, 30], total=35).total == 35


def test_percentages_come_from_the_published_figures_and_hide_with_their_count() -> None:
    # From the exact 12 / 37 (32.4%) a reader of the published base, 35, could work out 12.
    assert disclosure.percent(12, 37) == 28.6  # 10 / 35
    assert disclosure.percent(7, 37) is None
    assert disclosure.percent(0, 37) == 0.0
    assert disclosure.percent(12, 0) is None


def test_an_average_needs_ten_people_behind_it() -> None:
    assert disclosure.average(Decimal(27), 9) is None
    assert disclosure.average(Decimal(27), 10) == Decimal("2.7")


def test_the_rule_is_a_programme_setting() -> None:
    rule = DisclosureRule.of({"smallest_count": 20, "round_to": 10})
    assert [disclosure.count(n, rule) for n in (19, 20, 24, 25)] == [None, 20, 20, 30]
    assert DisclosureRule.of({}) == disclosure.ONS_10_5


def test_a_negative_count_is_refused() -> None:
    try:
        disclosure.count(-1)
    except ValueError as error:
        assert "negative" in str(error)
    else:
        raise AssertionError("a negative count was published")


@given(st.lists(st.integers(min_value=0, max_value=100_000), max_size=40))
def test_every_published_cell_is_suppressed_zero_or_a_multiple_of_five_of_ten_or_more(
    counts: list[int],
) -> None:
    published = disclosure.table(counts)
    for exact, shown in zip(
        [*counts, sum(counts)], [*published.counts, published.total], strict=True
    ):
        assert shown is None or shown == 0 or (shown % 5 == 0 and shown >= 10)
        assert (shown is None) == (1 <= exact <= 9)
        if shown is not None:
            assert abs(shown - exact) <= 2  # rounded, never moved further
        base = sum(counts)
        shown_percent = disclosure.percent(exact, base)
        assert (shown_percent is None) == (shown is None or not disclosure.count(base))
        if shown_percent is not None:  # says no more than the published counts
            assert abs(shown_percent - 100 * shown / disclosure.count(base)) <= 0.05 + 1e-9
