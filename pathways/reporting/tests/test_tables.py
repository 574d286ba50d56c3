"""Every table of reports.md on the hand-built programme of conftest.py, where every figure is
known: through `pathways report … --format json`, as a user of the command line gets them."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pathways.conftest import World
from pathways.households.models import Household
from pathways.reporting.figures import figures
from pathways.reporting.scope import make_scope
from pathways.reporting.tables import TABLES, build
from pathways.reporting.tests.conftest import REPORT_DATE, Tiny

HIW = "households-into-work"
KNOWSLEY, LIVERPOOL = "E08000011", "E08000012"


def report(name: str, *args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command(
        "report",
        name,
        "--programme",
        HIW,
        "--to",
        str(REPORT_DATE),
        "--format",
        "json",
        *args,
        stdout=out,
    )
    return json.loads(out.getvalue())


def rows(found: dict[str, Any], *columns: str) -> dict[str, Any]:
    """{key: count} or {key: (count, percent, …)} for the rows with something in them."""
    columns = columns or ("count",)
    out = {}
    for row in found["rows"]:
        values = tuple(row.get(c) for c in columns)
        if any(v not in (0, None, 0.0) for v in values):
            out[row["key"]] = values[0] if len(values) == 1 else values
    return out


@pytest.mark.django_db
def test_performance_counts_households_once_with_the_programme_targets(tiny: Tiny) -> None:
    found = report("performance")
    assert (found["report"], found["programme"], found["to"], found["area"]) == (
        "performance",
        HIW,
        "2018-12-31",
        None,
    )
    assert found["from"] == "2018-02-01"  # the programme's start
    assert found["base"] == 4 and found["published"] is False
    assert rows(found, "count", "percent", "target") == {
        "started": (4, None, 800),
        "completed_activity": (1, 25.0, 400),
        "significant_improvement": (1, 25.0, 200),
        "job_outcome_rate": (1, 25.0, 15),
        "job_outcomes": (1, None, None),
        "positive_outcomes": (2, 50.0, 600),
    }


@pytest.mark.django_db
def test_age_time_since_work_and_the_long_term_workless(tiny: Tiny) -> None:
    ages = report("age-profile")
    assert ages["base"] == 4  # Ann, Cal, Dee, Fay: not the child, not the partner who opted out
    assert rows(ages, "count", "percent") == {
        "16-25": (1, 25.0),
        "26-35": (2, 50.0),
        "56-65": (1, 25.0),
    }
    since = report("time-since-work")
    assert rows(since, "count", "percent") == {
        "0-6m": (1, 25.0),
        "36m+": (1, 25.0),
        "never": (1, 25.0),
        "unknown": (1, 25.0),  # Fay's was not recorded
    }
    long_term = report("long-term-by-age")
    assert long_term["base"] == 2
    assert rows(long_term, "count", "percent") == {
        "36m+:26-35": (1, 100.0),
        "never:16-25": (1, 100.0),
        "all:16-25": (1, 50.0),
        "all:26-35": (1, 50.0),
    }


@pytest.mark.django_db
def test_support_needs_count_people_once_per_need(tiny: Tiny) -> None:
    found = report("support-needs")
    assert found["base"] == 4
    assert rows(found, "count", "percent") == {
        "mental_health": (1, 25.0),
        "carer": (1, 25.0),
        "lone_parent": (1, 25.0),
    }


@pytest.mark.django_db
def test_progress_counts_points_moved_and_activities_by_their_completion_date(
    tiny: Tiny,
) -> None:
    found = report("progress")
    # Three star points up; one job outcome; the work trial; the 6-hour course (not the 3-hour
    # one, nor the forklift course completed after the report date).
    assert rows(found) == {
        "progress_measures": 3,
        "job_outcomes": 1,
        "work_related_activities": 1,
        "courses_5h": 1,
    }
    assert rows(report("progress", "--to", "2019-03-31"))["courses_5h"] == 2


@pytest.mark.django_db
def test_distance_travelled_per_point_from_first_to_latest_reading(tiny: Tiny) -> None:
    found = report("distance-travelled")
    assert found["base"] == 1  # only Ann has two readings
    by_key = {row["key"]: row for row in found["rows"]}
    moved = [k for k, row in by_key.items() if row["count"] == 1 and k != "any_point"]
    assert len(moved) == 3
    first = by_key[moved[0]]
    assert (first["percent"], first["first_average"], first["latest_average"]) == (
        100.0,
        2.0,
        3.0,
    )
    assert first["step_2"] == 100.0 and first["step_1"] == 0.0
    assert (by_key["any_point"]["count"], by_key["any_point"]["percent"]) == (1, 100.0)
    # A reading after the report date is ignored: as at Ann's first reading nobody has moved.
    early = report("distance-travelled", "--to", "2018-05-01")
    assert early["base"] == 0


@pytest.mark.django_db
def test_referral_routes_and_conversion(tiny: Tiny) -> None:
    found = report("referral-sources")
    assert found["base"] == 5  # H5 was referred after the report date
    assert rows(found, "count", "started", "percent") == {
        "jobcentre_plus": (3, 2, 66.7),
        "self": (1, 1, 100.0),
        "council": (1, 1, 100.0),
    }


@pytest.mark.django_db
def test_by_area_puts_the_measures_of_each_authority_side_by_side(tiny: Tiny) -> None:
    found = report("by-area")
    assert rows(found, "count", "percent") == {
        f"{KNOWSLEY}:started": (3, None),
        f"{KNOWSLEY}:completed_activity": (1, 33.3),
        f"{KNOWSLEY}:significant_improvement": (1, 33.3),
        f"{KNOWSLEY}:job_outcome_rate": (1, 33.3),
        f"{KNOWSLEY}:job_outcomes": (1, None),
        f"{KNOWSLEY}:positive_outcomes": (2, 66.7),
        f"{LIVERPOOL}:started": (1, None),
    }
    assert found["base"] == 4


@pytest.mark.django_db
def test_budget_allocated_by_the_entries_own_dates(tiny: Tiny) -> None:
    found = report("budget")
    by_key = {row["key"]: row for row in found["rows"]}
    # H1, H2, H3 and the back-dated H6 (the later H5 has no budget yet); £1,000 each.
    assert (by_key["allocated"]["count"], by_key["allocated"]["amount"]) == (4, "4000.00")
    assert by_key["spent"]["amount"] == "0.00"
    assert by_key["left"]["amount"] == "4000.00"


@pytest.mark.django_db
def test_an_area_narrows_every_table_and_has_no_target_of_its_own(tiny: Tiny) -> None:
    found = report("performance", "--area", LIVERPOOL)
    assert found["area"] == LIVERPOOL and found["base"] == 1
    assert all(row["target"] is None for row in found["rows"])
    assert report("age-profile", "--area", LIVERPOOL)["base"] == 1


@pytest.mark.django_db
def test_a_back_dated_record_counts_in_the_period_of_its_own_dates(tiny: Tiny) -> None:
    # H6 was typed in today; it started on 1 May 2018, so it counts as at 31 May 2018 and not
    # as at 30 April 2018.
    assert tiny.back_dated.created_at.date() > REPORT_DATE
    assert report("performance", "--to", "2018-05-31")["base"] == 4
    assert report("performance", "--to", "2018-04-30")["base"] == 3


@pytest.mark.django_db
def test_published_figures_withhold_every_small_count(tiny: Tiny) -> None:
    found = report("performance", "--publish")
    assert found["published"] is True
    assert found["base"] is None  # 4 households: withheld too
    for row in found["rows"]:
        assert row["count"] is None and row["suppressed"] is True and row["percent"] is None


@pytest.mark.django_db
def test_rows_that_are_parts_of_the_base_add_up_to_it(tiny: Tiny) -> None:
    scope = make_scope(tiny.world.hiw, Household.objects.all(), date_to=REPORT_DATE)
    for name in TABLES:
        table = build(name, scope)
        if table.adds_up:
            assert sum(row.count or 0 for row in table.rows) == table.base, name


@pytest.mark.django_db
def test_every_table_takes_a_fixed_number_of_queries_however_many_households(
    tiny: Tiny,
) -> None:
    scope = make_scope(tiny.world.hiw, Household.objects.all(), date_to=REPORT_DATE)

    def queries() -> dict[str, int]:
        counts = {}
        for name in TABLES:
            with CaptureQueriesContext(connection) as captured:
                figures(build(name, scope), False)
            counts[name] = len(captured)
        return counts

    before = queries()
    from pathways.households.tests.factories import HouseholdFactory, PersonFactory

    for _ in range(5):
        household = HouseholdFactory(
            programme=tiny.world.hiw,
            organisation=tiny.world.knowsley,
            advocate=tiny.world.advocate_k,
            start_date=dt.date(2018, 7, 1),
        )
        PersonFactory(household=household)
    assert queries() == before
    assert max(before.values()) <= 10


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "There is no report 'nope'"),
        (["age-profile", "--to", "2018-13-01"], "--to must be a date written YYYY-MM-DD"),
        (["age-profile", "--from", "2019-01-01"], "The period starts (1 January 2019) after"),
        (["age-profile", "--area", "E09000001"], "'E09000001' is not a local authority of"),
        (["age-profile", "--format", "docx"], "A table can be written as text, json"),
        (["pack", "--format", "csv"], "The pack can be written as pdf, xlsx, ods, json"),
    ],
)
def test_bad_requests_are_refused_with_a_clear_message(
    tiny: Tiny, args: list[str], message: str
) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        # What the test gives comes last, so that its --to stands.
        call_command("report", args[0], "--programme", HIW, "--to", str(REPORT_DATE), *args[1:])


@pytest.mark.django_db
def test_an_unknown_programme_is_named(tiny: Tiny) -> None:
    with pytest.raises(CommandError, match="There is no programme 'hiw'. Programmes: "):
        call_command("report", "performance", "--programme", "hiw")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("born", "band"),
    [
        (dt.date(1992, 4, 21), "16-25"),  # 26 the day after the household's start
        (dt.date(1992, 4, 20), "26-35"),  # 26 on the day
        (dt.date(1952, 4, 21), "56-65"),
        (dt.date(1952, 4, 20), "66+"),
    ],
)
def test_the_age_band_is_the_age_in_whole_years_on_the_start_date(
    world: World, born: dt.date, band: str
) -> None:
    person = world.household_k.members.get()  # the household started on 20 April 2018
    person.date_of_birth = born
    person.save()
    scope = make_scope(
        world.hiw, Household.objects.filter(pk=world.household_k.pk), date_to=REPORT_DATE
    )
    assert {row.key for row in build("age-profile", scope).rows if row.count} == {band}


@pytest.mark.django_db
def test_distance_travelled_for_a_subgroup(tiny: Tiny) -> None:
    from pathways.reporting.scope import Subgroup

    def base(**subgroup: str) -> int:
        scope = make_scope(
            tiny.world.hiw,
            Household.objects.all(),
            date_to=REPORT_DATE,
            subgroup=Subgroup(**subgroup),
        )
        return build("distance-travelled", scope).base

    assert base() == 1
    assert base(gender="female") == 1  # Ann
    assert base(gender="male") == 0  # Cal has one reading
    assert base(support_need="carer") == 1
    assert base(support_need="lone_parent") == 0
    assert base(age_band="26-35") == 1
    assert base(age_band="16-25") == 0
