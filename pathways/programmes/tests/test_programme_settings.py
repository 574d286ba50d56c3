"""Loading definitions from files and changing them in the UI: validated, versioned, audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from pathways.audit.models import AuditEvent
from pathways.conftest import World
from pathways.households.models import Household
from pathways.programmes.forms import ProgrammeForm
from pathways.programmes.models import Programme, ProgrammeVersion


@pytest.mark.django_db
def test_loading_the_shipped_programmes_twice_changes_nothing_the_second_time(capsys) -> None:
    call_command("programmes", "load")
    assert Programme.objects.count() == 3
    call_command("programmes", "load")
    out = capsys.readouterr().out
    assert "households-into-work: unchanged" in out
    assert ProgrammeVersion.objects.count() == 3


@pytest.mark.django_db
def test_an_invalid_file_loads_nothing_and_names_the_field(tmp_path: Path) -> None:
    good = tmp_path / "good.toml"
    good.write_text(
        'code = "good"\nname = "Good"\nstart_date = 2020-01-01\nlocal_authorities = ["E08000012"]\n'
        '[eligibility]\nconditions = [{ kind = "resident_in_area" }]\n'
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'code = "bad"\nname = "Bad"\nstart_date = 2020-01-01\nsupport_months = 100\n'
        'local_authorities = ["E08000012"]\n[eligibility]\nconditions = [{ kind = "resident_in_area" }]\n'
    )
    with pytest.raises(CommandError) as caught:
        call_command("programmes", "load", str(good), str(bad))
    assert "bad.toml: support_months: must be between 1 and 60" in str(caught.value)
    assert not Programme.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_toml_is_explained(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("code = \n")
    with pytest.raises(CommandError, match="broken.toml: file: is not valid TOML"):
        call_command("programmes", "load", str(broken))


def form_data(programme: Programme, **changes: object) -> dict:
    data = ProgrammeForm.initial_for(programme)
    data["reason"] = "Board decision"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_a_programme_manager_changes_settings_and_a_new_version_is_kept(
    world: World, signed_in
) -> None:
    client = signed_in(world.programme_manager)
    url = reverse("programmes:edit", args=[world.hiw.code])
    response = client.post(url, form_data(world.hiw, budget_per_household="1200.00"))
    assert response.status_code == 302
    world.hiw.refresh_from_db()
    assert world.hiw.budget_per_household_pence == 120000
    version = world.hiw.versions.first()
    assert (version.number, version.reason, version.created_by) == (
        2,
        "Board decision",
        world.programme_manager,
    )
    event = AuditEvent.objects.get(verb="programme.changed")
    assert event.data["changes"]["budget_per_household"] == {
        "before": "1000.00",
        "after": "1200.00",
    }
    detail = client.get(reverse("programmes:detail", args=[world.hiw.code]))
    assert "£1,200.00" in detail.content.decode()


def test_an_invalid_change_is_explained_and_changes_nothing(world: World, signed_in) -> None:
    client = signed_in(world.programme_manager)
    url = reverse("programmes:edit", args=[world.hiw.code])
    response = client.post(url, form_data(world.hiw, targets="started, lots, 2019-03-31"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Line 1: value must be a whole number" in html
    world.hiw.refresh_from_db()
    assert world.hiw.version == 1
    assert not AuditEvent.objects.filter(verb="programme.changed").exists()


def test_bad_json_in_the_eligibility_rule_is_explained(world: World, signed_in) -> None:
    client = signed_in(world.programme_manager)
    response = client.post(
        reverse("programmes:edit", args=[world.hiw.code]),
        form_data(world.hiw, eligibility="{unit: household"),
    )
    assert "The eligibility rule is not valid JSON" in response.content.decode()


def test_an_unknown_eligibility_condition_is_refused_on_the_form(world: World, signed_in) -> None:
    client = signed_in(world.programme_manager)
    rule = '{"unit": "household", "conditions": [{"kind": "owns_a_yacht"}]}'
    response = client.post(
        reverse("programmes:edit", args=[world.hiw.code]), form_data(world.hiw, eligibility=rule)
    )
    assert "unknown condition &#x27;owns_a_yacht&#x27;" in response.content.decode()


def test_another_programmes_manager_cannot_change_it(world: World, signed_in) -> None:
    client = signed_in(world.win_manager)
    response = client.post(
        reverse("programmes:edit", args=[world.hiw.code]), form_data(world.hiw, support_months=3)
    )
    assert response.status_code == 404
    world.hiw.refresh_from_db()
    assert world.hiw.support_months == 12


def test_the_api_gives_a_programme_with_money_as_exact_text(world: World, signed_in) -> None:
    response = signed_in(world.programme_manager).get(f"/api/programmes/{world.hiw.code}/")
    body = response.json()
    assert body["budget_per_household"] == "1000.00"
    assert len(body["local_authorities"]) == 6
    assert body["measures"]["job_outcome_min_hours"] == 16


def test_a_programme_manager_changes_the_spending_rules_and_requests_follow_them(
    world: World, signed_in
) -> None:
    from pathways.budgets import spend_requests
    from pathways.core.exceptions import RuleError
    from pathways.programmes import spending_rules

    client = signed_in(world.programme_manager)
    categories = ProgrammeForm.initial_for(world.hiw)["budget_categories"]
    response = client.post(
        reverse("programmes:edit", args=[world.hiw.code]),
        form_data(
            world.hiw,
            budget_approval_threshold="100.00",
            budget_categories=[c for c in categories if c != "digital"],
            budget_category_caps="travel, 300.00",
            budget_item_cap="500.00",
        ),
    )
    assert response.status_code == 302
    world.hiw.refresh_from_db()
    rules = spending_rules.rules_of(world.hiw)
    assert (rules.approval_threshold, rules.category_caps, rules.item_cap) == (
        10000,
        {"travel": 30000},
        50000,
    )
    assert "digital" not in rules.categories
    detail = client.get(reverse("programmes:detail", args=[world.hiw.code])).content.decode()
    assert "A team manager approves requests above £100.00" in detail
    assert "Travel: at most £300.00 a household" in detail

    household = Household.objects.get(pk=world.household_k.pk)
    with pytest.raises(RuleError) as refused:
        spend_requests.request_spend(
            actor=world.advocate_k, household=household, category="digital", amount_pence=2000
        )
    assert "is not a cost this programme" in refused.value.problems["category"]
    waiting = spend_requests.request_spend(
        actor=world.advocate_k, household=household, category="childcare", amount_pence=15000
    )
    assert waiting.status == "requested"  # above the new £100 threshold


def test_bad_spending_rules_are_explained_on_their_fields_and_change_nothing(
    world: World, signed_in
) -> None:
    client = signed_in(world.programme_manager)
    url = reverse("programmes:edit", args=[world.hiw.code])
    caps = client.post(
        url, form_data(world.hiw, budget_category_caps="travel, 12.345\nyachts, 100.00")
    ).content.decode()
    assert "travel: must be in whole pence" in caps
    assert "yachts: is not a budget category" in caps
    threshold = client.post(url, form_data(world.hiw, budget_approval_threshold="lots"))
    assert "Enter a number" in threshold.content.decode()
    nothing = client.post(url, form_data(world.hiw, budget_categories=[]))
    assert "Select at least one kind of cost the budget pays for" in nothing.content.decode()
    world.hiw.refresh_from_db()
    assert world.hiw.version == 1
