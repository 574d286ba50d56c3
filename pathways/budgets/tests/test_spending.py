"""Programme-wide spending and the ledger for finance: figures from the ledger, in scope, and
downloads that reconcile to the penny with what the page shows."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pathways.audit.models import AuditEvent
from pathways.budgets import ledger, spend_requests
from pathways.budgets.selectors import average_pence
from pathways.conftest import World
from pathways.households.models import Household
from pathways.outcomes.spells import record_spell

pytestmark = pytest.mark.django_db

JUNE, JULY = dt.date(2018, 6, 5), dt.date(2018, 7, 9)


def spend(world: World, household: Household, category: str, pence: int, on: dt.date) -> None:
    advocate = household.advocate
    request = spend_requests.request_spend(
        actor=advocate, household=household, category=category, amount_pence=pence, on=on
    )
    if request.status == "requested":
        manager = world.manager_k if household == world.household_k else world.manager_l
        spend_requests.approve(actor=manager, request=request, on=on)
    spend_requests.pay(actor=advocate, request=request, on=on)


@pytest.fixture
def spent(world: World) -> World:
    """Knowsley: £300.00 childcare (approved) in June, £12.57 travel in July, £40.00 childcare
    refunded in July. Liverpool: £20.01 travel in June, £99.99 digital committed, not paid."""
    spend(world, world.household_k, "childcare", 30_000, JUNE)
    spend(world, world.household_k, "travel", 1_257, JULY)
    ledger.refund(
        actor=world.advocate_k,
        household=world.household_k,
        amount_pence=4_000,
        category="childcare",
        on=JULY,
    )
    spend(world, world.household_l, "travel", 2_001, JUNE)
    spend_requests.request_spend(
        actor=world.advocate_l,
        household=world.household_l,
        category="digital",
        amount_pence=9_999,
        on=JULY,
    )
    # Someone in the Knowsley household is in work: 28 days of 30 hours a week make a job outcome.
    record_spell(
        actor=world.advocate_k,
        person=world.household_k.members.get(),
        start_date=JUNE,
        end_date=JULY,
        hours_per_week=Decimal(30),
    )
    return world


def by_label(rows: list[dict]) -> dict[str, dict]:
    return {row["label"]: row for row in rows}


def test_the_programme_manager_sees_spend_by_category_authority_month_and_outcome(
    spent: World, signed_in
) -> None:
    page = signed_in(spent.programme_manager).get(
        reverse("spending:summary"), {"programme": spent.hiw.code}
    )
    totals = page.context["totals"]
    # three Household into Work budgets of £1,000 each
    assert (totals["households"], totals["allocated"]) == (3, 300_000)
    assert (totals["spent"], totals["refunded"], totals["net_spent"]) == (33_258, 4_000, 29_258)
    assert totals["committed"] == 9_999
    assert totals["available"] == 300_000 - 29_258 - 9_999

    categories = by_label(page.context["by_category"])
    assert categories["Childcare"]["net_spent"] == 26_000
    assert categories["Travel"]["net_spent"] == 3_258
    assert categories["Travel"]["households"] == 2
    assert "Digital" not in categories  # committed, not spent

    authorities = by_label(page.context["by_local_authority"])
    assert authorities["Knowsley"]["net_spent"] == 27_257
    assert authorities["Knowsley"]["available"] == 200_000 - 27_257
    assert authorities["Liverpool"]["committed"] == 9_999

    months = by_label(page.context["by_month"])
    assert months["June 2018"]["spent"] == 32_001
    assert months["July 2018"]["net_spent"] == 1_257 - 4_000

    outcome = by_label(page.context["by_outcome"])
    job = outcome["With a job outcome"]
    assert (job["households"], job["average"]) == (1, 27_257)
    # Liverpool spent £20.01; the other Knowsley household nothing: (2001 + 0) / 2 = 1000.5p
    assert outcome["No job outcome yet"]["average"] == 1_001

    html = page.content.decode()
    assert "£292.58" in html and "£260.00" in html


def test_a_period_and_an_authority_narrow_the_figures(spent: World, signed_in) -> None:
    client = signed_in(spent.programme_manager)
    page = client.get(
        reverse("spending:summary"),
        {
            "programme": spent.hiw.code,
            "local_authority": "E08000011",
            "date_from_0": "1",
            "date_from_1": "7",
            "date_from_2": "2018",
        },
    )
    totals = page.context["totals"]
    assert (totals["spent"], totals["refunded"], totals["allocated"]) == (1_257, 4_000, 0)

    backwards = client.get(
        reverse("spending:summary"),
        {
            "programme": spent.hiw.code,
            **{f"date_from_{i}": v for i, v in enumerate(("1", "8", "2018"))},
            **{f"date_to_{i}": v for i, v in enumerate(("1", "7", "2018"))},
        },
    )
    assert "The end of the period must be on or after its start" in backwards.content.decode()
    assert "totals" not in backwards.context


def test_a_team_manager_sees_only_their_authoritys_spending(spent: World, signed_in) -> None:
    page = signed_in(spent.manager_l).get(reverse("spending:summary"))
    assert [row["label"] for row in page.context["by_local_authority"]] == ["Liverpool"]
    assert page.context["totals"]["net_spent"] == 2_001

    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    signed_in(spent.manager_l).get(reverse("spending:ledger-csv")).streaming_content
                ).decode()
            )
        )
    )
    assert {row["household_ref"] for row in rows} == {spent.household_l.reference}


def csv_rows(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def pence_of(text: str) -> int:
    amount = Decimal(text)
    assert amount == amount.quantize(Decimal("0.01"))
    return int(amount * 100)


def test_the_csv_ledger_reconciles_to_the_penny_with_the_page(spent: World, signed_in) -> None:
    client = signed_in(spent.programme_manager)
    query = {"programme": spent.hiw.code}
    totals = client.get(reverse("spending:summary"), query).context["totals"]
    rows = csv_rows(client.get(reverse("spending:ledger-csv"), query))

    def total(*kinds: str) -> int:
        return sum(pence_of(r["change_to_available"]) for r in rows if r["kind"] in kinds)

    assert sum(pence_of(r["change_to_available"]) for r in rows) == totals["available"]
    assert total("allocation", "adjustment") == totals["allocated"]
    assert -total("spend") == totals["spent"]
    assert total("refund") == totals["refunded"]
    assert -total("commitment", "release") == totals["committed"]
    assert {r["household_ref"] for r in rows} == {
        h.reference for h in (spent.household_k, spent.household_k2, spent.household_l)
    }
    event = AuditEvent.objects.get(verb="budget.ledger_exported")
    assert event.data["format"] == "csv"


def test_the_xlsx_ledger_reconciles_to_the_penny_with_the_page(spent: World, signed_in) -> None:
    client = signed_in(spent.programme_manager)
    query = {"programme": spent.hiw.code}
    totals = client.get(reverse("spending:summary"), query).context["totals"]
    response = client.get(reverse("spending:ledger-xlsx"), query)
    workbook = load_workbook(io.BytesIO(response.content), read_only=True)
    ledger = list(workbook["Ledger"].iter_rows(values_only=True))
    header, body = ledger[0], ledger[1:]
    amount = header.index("change_to_available")
    # The cell holds the decimal written exactly; read it back through its text, not a float sum.
    assert sum(pence_of(f"{row[amount]:.2f}") for row in body) == totals["available"]
    figures = dict(list(workbook["Totals"].iter_rows(values_only=True))[1:])
    assert pence_of(f"{figures['spent']:.2f}") == totals["spent"]
    assert pence_of(f"{figures['available']:.2f}") == totals["available"]


def test_a_households_ledger_downloads_with_the_balance_on_its_page(
    spent: World, signed_in
) -> None:
    client = signed_in(spent.advocate_k)
    household = spent.household_k
    balance = client.get(reverse("budgets:budget", args=[household.pk])).context["balance"]
    rows = csv_rows(client.get(reverse("budgets:ledger-csv", args=[household.pk])))
    assert sum(pence_of(r["change_to_available"]) for r in rows) == balance.available == 72_743
    assert {r["household_ref"] for r in rows} == {household.reference}
    outsider = signed_in(spent.advocate_l)
    assert outsider.get(reverse("budgets:ledger-csv", args=[household.pk])).status_code == 404


def test_a_supplier_that_looks_like_a_formula_is_written_as_text(world: World, signed_in) -> None:
    spend_requests.request_spend(
        actor=world.advocate_k,
        household=world.household_k,
        category="travel",
        amount_pence=500,
        supplier='=HYPERLINK("http://evil")',
    )
    rows = csv_rows(
        signed_in(world.advocate_k).get(reverse("budgets:ledger-csv", args=[world.household_k.pk]))
    )
    assert {r["supplier"] for r in rows if r["kind"] == "commitment"} == {
        '\'=HYPERLINK("http://evil")'
    }


@pytest.mark.parametrize(
    ("total", "count", "average"),
    [(2001, 2, 1001), (2000, 3, 667), (-2001, 2, -1001), (0, 4, 0), (5, 0, None)],
)
def test_averages_round_half_away_from_zero_in_whole_pence(
    total: int, count: int, average: int | None
) -> None:
    assert average_pence(total, count) == average
