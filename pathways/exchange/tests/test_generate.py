"""The synthetic programme: the same seed gives the same bundle, and its cohort, once imported,
follows the source documents' tables (within 2 percentage points at 10,000 households)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from pathways.conftest import load_programmes
from pathways.exchange import cohort
from pathways.exchange.generate import FILES, Settings, generate
from pathways.exchange.importer import import_bundle
from pathways.households.models import Household, Person
from pathways.outcomes import rules
from pathways.outcomes.facts import facts_of, outcomes_of
from pathways.programmes.models import Programme


def percentages(counts: Counter, total: int) -> dict[str, float]:
    return {key: 100 * value / total for key, value in counts.items()}


def normalised(table: dict[str, float]) -> dict[str, float]:
    total = sum(table.values())
    return {key: 100 * value / total for key, value in table.items()}


def age_band(born: dt.date, on: dt.date) -> str:
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next(band for band, (low, high) in cohort.AGE_RANGES.items() if low <= age <= high)


def close(found: dict[str, float], table: dict[str, float], within: float = 2.0) -> list[str]:
    expected = normalised(table)
    return [
        f"{key}: {found.get(key, 0):.1f}% against {expected[key]:.1f}%"
        for key in expected
        if abs(found.get(key, 0) - expected[key]) > within
    ]


def test_the_same_seed_gives_the_same_bundle(tmp_path: Path) -> None:
    generate(tmp_path / "a", Settings(households=300, seed=7))
    generate(tmp_path / "b", Settings(households=300, seed=7))
    generate(tmp_path / "c", Settings(households=300, seed=8))
    for name in FILES:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert (tmp_path / "a" / "people.csv").read_bytes() != (
        tmp_path / "c" / "people.csv"
    ).read_bytes()


@pytest.mark.django_db
def test_the_imported_cohort_follows_the_source_tables_at_10000_households(
    tmp_path: Path,
) -> None:
    """Generated, imported, then measured from the database as a report would."""
    load_programmes()
    as_of = dt.date(2019, 3, 31)
    generate(tmp_path, Settings(households=10_000, seed=2019, as_of=as_of))
    import_bundle(tmp_path)
    programme = Programme.objects.get(code="households-into-work")
    households = Household.objects.filter(programme=programme)
    started = households.filter(start_date__isnull=False)
    adults = Person.objects.filter(household__in=started).exclude(role="child")

    ages, since, needs, gender = Counter(), Counter(), Counter(), Counter()
    long_term: dict[str, Counter] = defaultdict(Counter)
    total = 0
    for born, start, time_since, sex, support in adults.values_list(
        "date_of_birth", "household__start_date", "time_since_work", "gender", "support_needs"
    ).iterator(chunk_size=5000):
        total += 1
        band = age_band(born, start)
        ages[band] += 1
        since[time_since] += 1
        gender[sex] += 1
        needs.update(support)
        if time_since in cohort.AGE_OF_LONG_TERM_WORKLESS:
            long_term[time_since][band] += 1
    assert total > 15_000
    assert close(percentages(ages, total), cohort.AGE_PROFILE) == []
    assert close(percentages(since, total), cohort.TIME_SINCE_WORK) == []
    assert close(percentages(gender, total), cohort.GENDER) == []
    for band, table in cohort.AGE_OF_LONG_TERM_WORKLESS.items():
        assert close(percentages(long_term[band], sum(long_term[band].values())), table) == []
    found = percentages(needs, total)
    assert [
        need
        for need, percent in cohort.SUPPORT_NEEDS.items()
        if abs(found.get(need, 0) - percent) > 2
    ] == []

    # Households: the six authorities in proportion to their population, referral routes,
    # and how many adults and children live in them.
    count = households.count()
    by_authority = Counter(
        dict(households.values_list("local_authority__code").annotate(n=Count("id")))
    )
    assert close(percentages(by_authority, count), cohort.POPULATION) == []
    routes = Counter(dict(households.values_list("referral_source").annotate(n=Count("id"))))
    assert close(percentages(routes, count), cohort.REFERRAL_SOURCES) == []
    sizes = households.annotate(
        adults=Count("members", filter=~Q(members__role="child")),
        children=Count("members", filter=Q(members__role="child")),
    )
    grown = Counter(sizes.values_list("adults", flat=True))
    young = Counter(sizes.values_list("children", flat=True))
    assert close(percentages(grown, count), cohort.ADULTS_IN_HOUSEHOLD) == []
    assert close(percentages(young, count), cohort.CHILDREN_IN_HOUSEHOLD) == []

    # The headline rates of Table 1, by our rules applied to the imported records as of the
    # bundle's last day: shares of started households.
    measures = rules.Measures.of(programme.measures)
    reached: dict[str, set[int]] = defaultdict(set)
    ids = list(started.values_list("pk", flat=True))
    for first in range(0, len(ids), 1000):
        for person in facts_of(programme, ids[first : first + 1000], as_of).values():
            for kind in outcomes_of(person, measures, as_of):
                reached[kind].add(person.household_id)
    rate = {kind: 100 * len(found) / len(ids) for kind, found in reached.items()}
    assert abs(rate["job_outcome"] - 100 * cohort.JOB_OUTCOME_RATE) <= 2, rate
    assert abs(rate["completed_activity"] - 100 * cohort.ACTIVITY_COMPLETED_RATE) <= 2, rate
    assert abs(rate["significant_improvement"] - 100 * cohort.SIGNIFICANT_IMPROVEMENT_RATE) <= 2, (
        rate
    )


@pytest.mark.django_db
def test_the_command_writes_a_bundle_and_refuses_a_folder_in_use(tmp_path: Path, capsys) -> None:
    call_command("generate", str(tmp_path / "out"), "--households", "20", "--seed", "3")
    assert "households.csv: 20 rows" in capsys.readouterr().out
    with pytest.raises(CommandError, match="is not empty"):
        call_command("generate", str(tmp_path / "out"), "--households", "20")
    with pytest.raises(CommandError, match="--as-of must be a date"):
        call_command("generate", str(tmp_path / "new"), "--households", "5", "--as-of", "soon")
