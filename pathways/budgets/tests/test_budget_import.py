"""budget.csv imports through the budget's own rules: all or nothing, every problem at once,
idempotent, corrections as new entries."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from pathways.audit.models import AuditEvent
from pathways.budgets import ledger, spend_requests
from pathways.budgets.imports import import_budget_csv
from pathways.budgets.models import Entry
from pathways.conftest import World
from pathways.core.csvfiles import read_rows
from pathways.core.exceptions import RuleError
from pathways.core.problems import ImportRefused, Problem

HEADER = "household_ref,date,category,amount,description\n"


def bundle(world: World, *lines: str) -> io.BytesIO:
    text = HEADER + "".join(
        line.format(k=world.household_k.reference, l=world.household_l.reference) + "\n"
        for line in lines
    )
    return io.BytesIO(text.encode())


GOOD = (
    "{k},2018-05-02,childcare,300.00,Nursery May",
    "{k},2018-05-20,childcare,-40.00,Nursery refund",
    "{k},2018-05-02,travel,5.00,Bus",
    "{k},2018-05-02,travel,5.00,Bus back",
    "{l},2018-06-01,clothing,62.49,Interview suit",
)


def available(household) -> int:
    return ledger.balance(household.budget).available


@pytest.mark.django_db
def test_a_good_file_imports_and_importing_it_again_changes_nothing(world: World) -> None:
    summary = import_budget_csv(bundle(world, *GOOD), programme=world.hiw, actor=None)
    assert (summary.created, summary.updated, summary.unchanged) == (5, 0, 0)
    assert available(world.household_k) == 100_000 - 30_000 + 4_000 - 1_000
    assert available(world.household_l) == 100_000 - 6_249
    assert AuditEvent.objects.filter(verb__in=["budget.spend", "budget.refund"]).count() == 5

    again = import_budget_csv(bundle(world, *GOOD), programme=world.hiw, actor=None)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert available(world.household_k) == 73_000


@pytest.mark.django_db
def test_a_changed_amount_is_corrected_by_a_new_entry(world: World) -> None:
    import_budget_csv(bundle(world, *GOOD), programme=world.hiw, actor=None)
    changed = (GOOD[0].replace("300.00", "280.00"), *GOOD[1:])
    summary = import_budget_csv(bundle(world, *changed), programme=world.hiw, actor=None)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 4)
    assert available(world.household_k) == 73_000 + 2_000
    correction = Entry.objects.filter(budget__household=world.household_k).order_by("id").last()
    assert correction.kind == "refund" and correction.amount_pence == 2_000
    assert "£300.00 is now £280.00" in correction.description


@pytest.mark.django_db
def test_every_problem_is_reported_at_once_and_nothing_is_imported(world: World) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_budget_csv(
            bundle(
                world,
                *GOOD,
                "NOPE-1,2018-05-02,travel,5.00,",
                "{k},2018-02-30,travel,5.00,",
                "{k},2018-05-02,yacht,5.00,",
                "{k},2018-05-02,travel,12.345,",
                "{k},2018-05-02,travel,12,",
                "{k},2018-05-02,travel,0.00,",
                "{k},,travel,1.00,",
                "{l},2018-07-01,household_goods,950.00,Too much",
            ),
            programme=world.hiw,
            actor=None,
        )
    found = {(p.line, p.column): p.reason for p in refused.value.problems}
    assert "no household with this reference" in found[(7, "household_ref")]
    assert found[(8, "date")] == "is not a date in the form YYYY-MM-DD"
    assert "is not a budget category" in found[(9, "category")]
    assert found[(10, "amount")] == "Enter the amount in pounds and pence, like 12.50"
    assert "two decimals" in found[(11, "amount")]
    assert "must not be zero" in found[(12, "amount")]
    assert found[(13, "date")] == "is required"
    assert found[(14, "amount")] == "Only £937.51 of the budget is available, not £950.00"
    assert len(found) == 8
    assert not Entry.objects.exclude(kind="allocation").exists()


@pytest.mark.django_db
def test_the_programmes_rules_apply_to_imported_spending(world: World) -> None:
    world.hiw.budget_rules = {"categories": ["travel"], "item_cap": "100.00"}
    world.hiw.save()
    with pytest.raises(ImportRefused) as refused:
        import_budget_csv(
            bundle(world, "{k},2018-05-02,childcare,10.00,", "{k},2018-05-02,travel,150.00,"),
            programme=world.hiw,
            actor=None,
        )
    reasons = [p.reason for p in refused.value.problems]
    assert reasons == [
        "Childcare is not a cost this programme's budget pays for",
        "One item can be at most £100.00 on this programme",
    ]


@pytest.mark.django_db
def test_a_refund_larger_than_the_spending_is_refused(world: World) -> None:
    with pytest.raises(ImportRefused) as refused:
        import_budget_csv(
            bundle(world, "{k},2018-05-02,travel,10.00,", "{k},2018-05-03,travel,-20.00,"),
            programme=world.hiw,
            actor=None,
        )
    assert [str(p) for p in refused.value.problems] == [
        "budget.csv, line 3, column amount: '-20.00': A refund cannot be more than has been spent on travel (£10.00)"
    ]


@pytest.mark.django_db
def test_a_dry_run_checks_and_changes_nothing(world: World) -> None:
    summary = import_budget_csv(bundle(world, *GOOD), programme=world.hiw, actor=None, dry_run=True)
    assert summary.created == 5
    assert not Entry.objects.exclude(kind="allocation").exists()


@pytest.mark.django_db
def test_the_command_line_imports_or_explains(world: World, tmp_path: Path, capsys) -> None:
    good = tmp_path / "budget.csv"
    good.write_bytes(bundle(world, *GOOD).getvalue())
    call_command("budgets", "import", str(good), "--programme", world.hiw.code)
    assert "budget.csv: 5 created, 0 updated, 0 unchanged" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"household_ref,date,amount\n")
    with pytest.raises(CommandError) as caught:
        call_command("budgets", "import", str(bad), "--programme", world.hiw.code)
    assert "budget.csv, line 1, column category: the category column is missing" in str(
        caught.value
    )
    with pytest.raises(CommandError, match="no programme with the code 'nope'"):
        call_command("budgets", "import", str(good), "--programme", "nope")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty: it needs a header row"),
        (b"household_ref,date\xff,category,amount\n", "is not UTF-8 text"),
        (b"household_ref,date,category,amount,colour\n", "is not a column of this file"),
        (b'household_ref,date,category,amount\n"x,2018-01-01\n', "is not a well-formed CSV"),
        (b"household_ref,date,category,amount\nx\x00,1,2,3\n", "NUL byte"),
        (b"household_ref,date,category,amount\na,b\n", "has 2 cells but the header has 4"),
        (
            b"household_ref,date,category,amount\n" + b"a" * 20_000 + b",b,c,d\n",
            "longer than 10,000 characters",
        ),
    ],
)
def test_a_broken_file_is_explained(content: bytes, reason: str) -> None:
    problems = [
        item
        for item in read_rows(
            io.BytesIO(content),
            name="budget.csv",
            required={"household_ref", "date", "category", "amount"},
            optional={"description"},
        )
        if isinstance(item, Problem)
    ]
    assert any(reason in str(problem) for problem in problems), problems


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.binary(max_size=400),
        st.text(max_size=300).map(lambda t: ("household_ref,date,category,amount\n" + t).encode()),
        st.text(max_size=300).map(lambda t: t.encode("utf-16", errors="replace")),
    )
)
def test_the_reader_answers_anything_without_a_traceback(content: bytes) -> None:
    for item in read_rows(
        io.BytesIO(content),
        name="budget.csv",
        required={"household_ref", "date", "category", "amount"},
        optional={"description"},
    ):
        assert isinstance(item, Problem) or (isinstance(item, tuple) and len(item) == 2)
        if isinstance(item, Problem):
            assert item.reason


@pytest.mark.django_db
def test_a_row_whose_date_is_corrected_replaces_the_old_one(world: World) -> None:
    import_budget_csv(bundle(world, *GOOD), programme=world.hiw, actor=None)
    moved = (GOOD[0].replace("2018-05-02", "2018-05-03"), *GOOD[1:])
    summary = import_budget_csv(bundle(world, *moved), programme=world.hiw, actor=None)
    assert (summary.created, summary.reversed, summary.unchanged) == (1, 1, 4)
    assert available(world.household_k) == 73_000  # the same money, not spent twice
    again = import_budget_csv(bundle(world, *moved), programme=world.hiw, actor=None)
    assert (again.created, again.reversed, again.unchanged) == (0, 0, 5)
    # A household left out of the file keeps its imported spending.
    only_k = [row for row in moved if row.startswith("{k}")]
    import_budget_csv(bundle(world, *only_k), programme=world.hiw, actor=None)
    assert available(world.household_l) == 100_000 - 6_249


@pytest.mark.django_db
def test_a_refund_is_never_more_than_was_spent_on_that_cost(world: World) -> None:
    spend_requests.request_spend(
        actor=world.advocate_k,
        household=world.household_k,
        category="childcare",
        amount_pence=5_000,
    )
    with pytest.raises(RuleError, match="spent on travel"):
        ledger.refund(
            actor=world.advocate_k,
            household=world.household_k,
            amount_pence=1_000,
            category="travel",
        )
