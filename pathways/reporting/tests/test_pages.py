"""The reports on screen: who sees which figures, what the filters may do, downloads audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pathways.accounts.tests.factories import UserFactory
from pathways.audit.models import AuditEvent
from pathways.core.roles import Role
from pathways.households.tests.factories import HouseholdFactory, PersonFactory
from pathways.reporting.dashboard import AT_RISK, MET, MISSED, OFF_TRACK, ON_TRACK, status_of
from pathways.reporting.tests.conftest import Tiny

HIW = "households-into-work"
AS_AT = "date_to_0=31&date_to_1=12&date_to_2=2018"


def table_url(name: str, query: str = "") -> str:
    return f"{reverse('reporting:table', args=[name])}?programme={HIW}&{AS_AT}{query}"


@pytest.mark.django_db
def test_a_programme_manager_sees_exact_figures_targets_and_advocates(
    tiny: Tiny, signed_in
) -> None:
    client = signed_in(tiny.world.programme_manager)
    page = client.get(f"{reverse('reporting:dashboard')}?programme={HIW}&{AS_AT}").content.decode()
    assert "OFFICIAL-SENSITIVE — exact figures, not for publication" in page
    assert "Households started" in page and "Off track" in page  # 4 of 800 by March 2019
    advocate = tiny.world.advocate_k
    assert 'id="advocates"' in page
    assert (advocate.get_full_name() or advocate.username) in page
    assert "Knowsley" in page and "Liverpool" in page  # side by side
    assert "<svg" in page and 'role="img"' in page and "<desc" in page
    knowsley = client.get(
        f"{reverse('reporting:dashboard')}?programme={HIW}&{AS_AT}&local_authority=E08000011"
    ).content.decode()
    assert "Households into Work</strong>: Knowsley" in knowsley
    assert "Targets are the whole programme" in knowsley


@pytest.mark.django_db
def test_a_team_manager_counts_only_their_organisation(tiny: Tiny, signed_in) -> None:
    page = signed_in(tiny.world.manager_l).get(table_url("age-profile")).content.decode()
    assert "Base: 1 participants started" in page  # Dee, in Liverpool
    page = signed_in(tiny.world.manager_k).get(table_url("age-profile")).content.decode()
    assert "Base: 3 participants started" in page


@pytest.mark.django_db
def test_a_funder_only_ever_sees_published_figures(tiny: Tiny, signed_in) -> None:
    client = signed_in(tiny.world.funder)
    advocate = tiny.world.advocate_k.pk
    # Asking for exact figures, an advocate or a subgroup changes nothing: those filters are
    # not theirs, so no two of their views difference a withheld cell back out.
    page = client.get(
        table_url("distance-travelled", f"&published=&advocate={advocate}&gender=female")
    ).content.decode()
    assert "Published figures." in page and "Exact figures" not in page
    assert 'name="advocate"' not in page and 'name="gender"' not in page
    assert "Base: [c] participants with two or more readings" in page
    dashboard = client.get(f"{reverse('reporting:dashboard')}?programme={HIW}&{AS_AT}")
    assert 'id="advocates"' not in dashboard.content.decode()
    download = client.get(
        reverse("reporting:download", args=["age-profile", "json"]) + f"?programme={HIW}&{AS_AT}"
    )
    assert download.json()["published"] is True
    assert all(row["count"] in (None, 0) for row in download.json()["rows"])
    assert (
        client.get(reverse("household_record:detail", args=[tiny.world.household_k.pk])).status_code
        == 403
    )


@pytest.mark.django_db
def test_a_manager_may_preview_the_published_figures(tiny: Tiny, signed_in) -> None:
    page = signed_in(tiny.world.programme_manager).get(table_url("age-profile", "&published=on"))
    assert "Base: [c] participants started" in page.content.decode()


@pytest.mark.django_db
def test_another_programme_is_refused(tiny: Tiny, signed_in) -> None:
    client = signed_in(tiny.world.win_manager)
    assert client.get(table_url("performance")).status_code == 404
    assert client.get(f"{reverse('reporting:dashboard')}?programme={HIW}").status_code == 404
    assert signed_in(tiny.world.advocate_k).get(table_url("performance")).status_code == 403


@pytest.mark.django_db
def test_a_download_is_a_file_and_is_audited(tiny: Tiny, signed_in) -> None:
    client = signed_in(tiny.world.programme_manager)
    response = client.get(
        reverse("reporting:download", args=["pack", "xlsx"]) + f"?programme={HIW}&{AS_AT}"
    )
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="households-into-work-pack-2018-12-31.xlsx"'
    )
    event = AuditEvent.objects.get(verb="report.downloaded")
    assert event.actor == tiny.world.programme_manager
    assert event.data["report"] == "pack" and event.data["format"] == "xlsx"
    assert event.data["published"] is False and event.data["via"] == "web"


@pytest.mark.django_db
def test_bad_filters_are_explained_and_show_no_figures(tiny: Tiny, signed_in) -> None:
    client = signed_in(tiny.world.programme_manager)
    page = client.get(
        f"{reverse('reporting:dashboard')}?programme={HIW}&{AS_AT}"
        "&date_from_0=1&date_from_1=1&date_from_2=2019"
    ).content.decode()
    assert "The trend must start on or before the report date" in page
    assert 'id="targets"' not in page
    response = client.get(
        reverse("reporting:download", args=["age-profile", "csv"])
        + f"?programme={HIW}&date_to_0=31&date_to_1=13&date_to_2=2018"
    )
    assert response.status_code == 400
    assert not AuditEvent.objects.filter(verb="report.downloaded").exists()
    assert client.get(table_url("no-such-table")).status_code == 404


@pytest.mark.django_db
def test_the_dashboard_takes_as_many_queries_however_many_households(tiny: Tiny, signed_in) -> None:
    client = signed_in(tiny.world.programme_manager)
    url = f"{reverse('reporting:dashboard')}?programme={HIW}&{AS_AT}"

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    before = queries()
    for n in range(4):
        advocate = UserFactory(
            username=f"new-advocate-{n}", role=Role.ADVOCATE, organisation=tiny.world.knowsley
        )
        household = HouseholdFactory(
            programme=tiny.world.hiw,
            organisation=tiny.world.knowsley,
            advocate=advocate,
            start_date=dt.date(2018, 8, 1),
        )
        PersonFactory(household=household)
    assert queries() == before


def test_a_target_is_on_track_at_risk_or_off_track_by_its_trajectory() -> None:
    start, by = dt.date(2018, 1, 1), dt.date(2019, 1, 1)  # 365 days to 100
    halfway = start + dt.timedelta(days=365 // 2)  # expected 49.9
    assert status_of(50, 100, start=start, by=by, on=halfway)[0] == ON_TRACK
    assert status_of(45, 100, start=start, by=by, on=halfway)[0] == AT_RISK
    assert status_of(44, 100, start=start, by=by, on=halfway)[0] == OFF_TRACK
    assert status_of(100, 100, start=start, by=by, on=by)[0] == MET
    assert status_of(99, 100, start=start, by=by, on=dt.date(2019, 6, 1))[0] == MISSED
    # A rate is held to the target itself.
    assert status_of(15.0, 15, start=start, by=by, on=halfway, rate=True) == (ON_TRACK, 15.0)


@pytest.mark.django_db
def test_the_dashboard_counts_once_and_agrees_with_the_tables(tiny: Tiny) -> None:
    from pathways.households.models import Household
    from pathways.reporting.dashboard import dashboard
    from pathways.reporting.figures import figures
    from pathways.reporting.performance import by_area, performance
    from pathways.reporting.scope import make_scope

    scope = make_scope(tiny.world.hiw, Household.objects.all(), date_to=dt.date(2018, 12, 31))
    board = dashboard(scope, trend_from=None, with_advocates=True)
    assert board.performance == figures(performance(scope), False)
    side_by_side = {
        (code, row["label"]): cell["count"]
        for row in board.areas["rows"]
        for (code, _), cell in zip(board.areas["areas"], row["cells"], strict=True)
    }
    table = figures(by_area(scope), False)
    assert {
        (r["key"].split(":")[0], r["label"].split(": ", 1)[1]): r["count"] for r in table["rows"]
    } == side_by_side
    by_advocate = {a["name"]: (a["started"], a["positive_outcomes"]) for a in board.advocates}

    def name(user: Any) -> str:
        return user.get_full_name() or user.username

    # advocate-k: H1 and the back-dated H6 (H5 starts later); advocate-k2: H2; advocate-l: H3.
    assert by_advocate[name(tiny.world.advocate_k)] == (2, 1)
    assert by_advocate[name(tiny.world.advocate_l)] == (1, 0)
    assert sum(started for started, _ in by_advocate.values()) == 4


@pytest.mark.django_db
def test_the_api_gives_the_command_lines_figures(tiny: Tiny, signed_in) -> None:
    import io
    import json

    from django.core.management import call_command

    out = io.StringIO()
    call_command(
        "report",
        "by-area",
        "--programme",
        HIW,
        "--to",
        "2018-12-31",
        "--format",
        "json",
        stdout=out,
    )
    client = signed_in(tiny.world.programme_manager)
    response = client.get(f"/api/reports/by-area/?programme={HIW}&to=2018-12-31")
    assert response.status_code == 200
    assert response.json() == json.loads(out.getvalue())
    assert AuditEvent.objects.filter(verb="report.downloaded", data__via="api").exists()
    # A funder asking for exact figures gets published ones.
    funder = signed_in(tiny.world.funder).get(
        f"/api/reports/by-area/?programme={HIW}&to=2018-12-31"
    )
    assert funder.json()["published"] is True
    bad = client.get(f"/api/reports/by-area/?programme={HIW}&to=31/12/2018")
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["detail"]
    assert (
        signed_in(tiny.world.win_manager).get(f"/api/reports/by-area/?programme={HIW}").status_code
        == 404
    )


@pytest.mark.django_db
def test_a_manager_narrows_to_a_team(tiny: Tiny, signed_in) -> None:
    from pathways.organisations.models import Team

    team = Team.objects.create(organisation=tiny.world.knowsley, name="North Huyton")
    tiny.world.advocate_k.team = team
    tiny.world.advocate_k.save()
    page = signed_in(tiny.world.manager_k).get(table_url("performance", f"&team={team.pk}"))
    text = page.content.decode()
    assert "Households into Work</strong>: all local authorities, North Huyton" in text
    assert "Base: 2 households started" in text  # H1 and H6, advocate-k's


@pytest.mark.django_db
def test_the_monthly_trend_downloads_by_each_records_own_month(tiny: Tiny, signed_in) -> None:
    client = signed_in(tiny.world.programme_manager)
    response = client.get(
        reverse("reporting:trend-csv")
        + f"?programme={HIW}&{AS_AT}&date_from_0=1&date_from_1=4&date_from_2=2018"
    )
    lines = response.content.decode().splitlines()
    assert lines[0] == "OFFICIAL-SENSITIVE — not for publication"
    assert lines[1] == "month,starts,activities,improvements,job_outcomes"
    by_month = {line.split(",")[0]: line.split(",")[1:] for line in lines[2:]}
    assert len(by_month) == 9  # April to December 2018
    # H1-H3 started in April, the back-dated H6 in May; Cal's activities in May; Ann's job
    # outcome on 17 May and her improvement on 19 June.
    assert by_month["2018-04"] == ["3", "0", "0", "0"]
    assert by_month["2018-05"] == ["1", "3", "0", "1"]
    assert by_month["2018-06"] == ["0", "0", "1", "0"]
    funder = signed_in(tiny.world.funder).get(
        reverse("reporting:trend-csv") + f"?programme={HIW}&{AS_AT}"
    )
    assert "[c]" in funder.content.decode()


@pytest.mark.django_db
def test_the_published_preview_shows_no_advocates(tiny: Tiny, signed_in) -> None:
    # A manager previewing what a funder sees: no table of advocates with exact small counts.
    client = signed_in(tiny.world.programme_manager)
    page = client.get(
        f"{reverse('reporting:dashboard')}?programme={HIW}&{AS_AT}&published=on"
    ).content.decode()
    assert "Published figures." in page
    assert 'id="advocates"' not in page  # (their names stay in the manager's own filter)


@pytest.mark.django_db
def test_a_rate_with_no_households_yet_is_not_marked_withheld_in_exact_figures(
    tiny: Tiny, signed_in
) -> None:
    client = signed_in(tiny.world.programme_manager)
    before_any_start = "date_to_0=31&date_to_1=3&date_to_2=2018"
    page = client.get(
        f"{reverse('reporting:dashboard')}?programme={HIW}&{before_any_start}"
    ).content.decode()
    targets = page[page.index('id="targets"') : page.index('id="trend"')]
    assert "None yet" in targets and "No figure yet" in targets
    assert "[c]" not in targets and "Not shown" not in targets
