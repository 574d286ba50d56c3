"""The synthetic programme: the same seed gives the same bundle, and its cohort follows the
source documents' tables (within 2 percentage points at 10,000 households)."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pathways.exchange import cohort
from pathways.exchange.generate import FILES, Settings, generate


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


def test_the_cohort_follows_the_source_tables_at_10000_households(tmp_path: Path) -> None:
    generate(tmp_path, Settings(households=10_000, seed=2019))
    with (tmp_path / "households.csv").open() as handle:
        starts = {
            row["household_ref"]: dt.date.fromisoformat(row["start_date"])
            for row in csv.DictReader(handle)
            if row["start_date"]
        }
    ages, since, needs, gender = Counter(), Counter(), Counter(), Counter()
    long_term: dict[str, Counter] = defaultdict(Counter)
    total = 0
    with (tmp_path / "people.csv").open() as handle:
        for row in csv.DictReader(handle):
            start = starts.get(row["household_ref"])
            if row["role"] == "child" or start is None:
                continue
            total += 1
            band = age_band(dt.date.fromisoformat(row["date_of_birth"]), start)
            ages[band] += 1
            since[row["time_since_work"]] += 1
            gender[row["gender"]] += 1
            needs.update(filter(None, row["support_needs"].split(";")))
            if row["time_since_work"] in cohort.AGE_OF_LONG_TERM_WORKLESS:
                long_term[row["time_since_work"]][band] += 1
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


@pytest.mark.django_db
def test_the_command_writes_a_bundle_and_refuses_a_folder_in_use(tmp_path: Path, capsys) -> None:
    call_command("generate", str(tmp_path / "out"), "--households", "20", "--seed", "3")
    assert "households.csv: 20 rows" in capsys.readouterr().out
    with pytest.raises(CommandError, match="is not empty"):
        call_command("generate", str(tmp_path / "out"), "--households", "20")
    with pytest.raises(CommandError, match="--as-of must be a date"):
        call_command("generate", str(tmp_path / "new"), "--households", "5", "--as-of", "soon")
