"""What was seen as a funder (issue 24), on a generated programme of 150 households: money that
gave the exact counts back, money from fewer than 10 households, and two report dates a day
apart that singled out one household; exact files that did not say they were exact."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from pathways.conftest import load_programmes
from pathways.exchange.generate import Settings, generate
from pathways.exchange.importer import import_bundle
from pathways.households.models import Household
from pathways.programmes.models import Programme
from pathways.reporting.figures import figures
from pathways.reporting.scope import make_scope
from pathways.reporting.tables import build

HIW = "households-into-work"


@pytest.fixture
def generated(db: Any, tmp_path: Path) -> Programme:
    load_programmes()
    generate(tmp_path / "bundle", Settings(households=150, seed=7))
    import_bundle(tmp_path / "bundle")
    return Programme.objects.get(code=HIW)


def report(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("report", "budget", "--programme", HIW, "--format", "json", *args, stdout=out)
    return json.loads(out.getvalue())


def rows_of(found: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["key"]: row for row in found["rows"]}


@pytest.mark.django_db
def test_published_money_keeps_its_keys_and_gives_back_no_exact_count(
    generated: Programme,
) -> None:
    exact = rows_of(report("--to", "2019-03-31"))
    published = rows_of(report("--to", "2019-03-31", "--publish"))
    assert {"allocated", "spent", "committed", "left", "per_job_outcome"} <= set(published)
    assert any(key.startswith("category:") for key in published)
    each = Decimal(generated.budget_per_household_pence) / 100
    allocated = published["allocated"]
    # £1,000 a household: the money is the published count's, not the exact count's.
    assert exact["allocated"]["count"] != allocated["count"]  # the rounding moved it
    assert Decimal(allocated["amount"]) == allocated["count"] * each
    for row in published.values():
        if row["amount"] is not None:
            assert Decimal(row["amount"]) % 100 == 0 or row["key"] == "per_job_outcome"
    # Spent per job outcome from the published spent and the published number of jobs.
    per_job = published["per_job_outcome"]
    jobs = Decimal(published["spent"]["amount"]) / Decimal(per_job["amount"])
    assert abs(jobs - per_job["count"]) < abs(jobs - exact["per_job_outcome"]["count"])


@pytest.mark.django_db
def test_money_from_fewer_than_ten_households_is_withheld_with_another_beside_it(
    generated: Programme,
) -> None:
    scope = make_scope(
        generated, Household.objects.all(), date_to=generated.start_date.replace(year=2019)
    )
    table = build("budget", scope)
    few = [r.key for r in table.rows if r.key.startswith("category:") and 0 < r.count < 10]
    assert few, "the generated programme has a category few households spent on"
    published = rows_of(report("--to", scope.date_to.isoformat(), "--publish"))
    for key in few:
        assert published[key]["amount"] is None and published[key]["suppressed"] is True
    withheld = [
        k for k, r in published.items() if k.startswith("category:") and r["amount"] is None
    ]
    assert len(withheld) >= 2  # never one alone: spent less the others would give it back


@pytest.mark.django_db
def test_two_report_dates_a_day_apart_publish_the_same_month_end(generated: Programme) -> None:
    first = report("--to", "2018-11-14", "--publish")
    second = report("--to", "2018-11-15", "--publish")
    assert first["rows"] == second["rows"]
    assert first["to"] == "2018-10-31" and first["asked_to"] == "2018-11-14"
    # Exact figures are as at the day asked, and say they are not for publication.
    exact = report("--to", "2018-11-14")
    assert exact["to"] == "2018-11-14" and exact["asked_to"] is None
    assert exact["marking"] == "OFFICIAL-SENSITIVE — not for publication"
    assert first["marking"].startswith("OFFICIAL — published")


@pytest.mark.django_db
def test_a_quarterly_programme_publishes_as_at_a_quarter_end(generated: Programme) -> None:
    generated.disclosure = {**(generated.disclosure or {}), "publish_every_months": 3}
    generated.save()
    assert report("--to", "2019-02-14", "--publish")["to"] == "2018-12-31"
    scope = make_scope(
        generated, Household.objects.all(), date_to=generated.start_date, published=True
    )
    assert figures(build("performance", scope), True)["published"] is True
