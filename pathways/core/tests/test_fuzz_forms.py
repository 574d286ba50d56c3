"""Fuzzing every form and every importer with hypothesis.

Forms: every form class in every app's forms modules (found by walking them, so a new form is
fuzzed as soon as it exists, and a form that needs arguments to be built fails here until it is
given some) is bound to arbitrary input: any text, huge strings, NUL bytes, right-to-left and
combining characters, numbers that overflow, negative numbers, dates far in the past and future,
parts of a date that are not numbers, files of random bytes. A person submitting the page must
get the page back with messages, or have their input accepted: the form either validates or
says what is wrong with each field, and the bound form still renders. It never raises.

Importers: the exchange bundle, the budget ledger, the area data files (indices, lookup,
boundaries, postcodes, indicators) and instrument definitions are given good files broken in
the ways files break (random bytes, wrong or duplicated headers, NUL bytes, another encoding,
cut short, odd cells, extra rows). Each either imports, or refuses with its documented exception
and a reason for every problem, having changed nothing in the database. Never another exception.

Bounded for CI: a few dozen derandomised examples per form and per importer.
"""

from __future__ import annotations

import csv
import importlib
import inspect
import io
import json
import pkgutil
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.utils import validate_file_name
from django.test import RequestFactory
from django.utils.datastructures import MultiValueDict
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

import pathways
from pathways.conftest import World
from pathways.outcomes.models import Outcome

pytestmark = [
    pytest.mark.django_db,
    # Hypothesis says so when it writes out a 100,000-character input; that is the point.
    pytest.mark.filterwarnings("ignore:Generating overly large repr"),
]

FORM_EXAMPLES = 30
IMPORT_EXAMPLES = 40


def fuzz_settings(examples: int) -> settings:
    """The same examples every run (derandomised, nothing remembered between runs), and no
    shrinking: a failure shows the first input that failed, and CI is not kept waiting."""
    return settings(
        max_examples=examples,
        phases=[Phase.explicit, Phase.generate],
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )


# --- arbitrary input ---------------------------------------------------------------------------

HUGE = ["x" * 100_000, "9" * 5_000, "-" + "9" * 400, "\x00" * 1_000, "é" * 50_000, "🙂" * 20_000]
AWKWARD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\r\n",
    "\t",
    "-1",
    "-0",
    "0",
    "-99999999999999999999",
    "99999999999999999999",
    "1e309",
    "-1e309",
    "1e-400",
    "NaN",
    "sNaN",
    "Infinity",
    "-inf",
    "0x1F",
    "1_000",
    "١٢٣",  # Arabic-Indic digits: str.isdigit() says yes
    "１２",  # full-width digits
    "²",  # a digit to isdigit(), not to int()
    "9999-12-31",
    "0001-01-01",
    "10000-01-01",
    "0000-00-00",
    "2024-02-30",
    "31/12/9999",
    "25:61",
    "£1,000.50",
    "£-5",
    "-0.001",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "\u202eevil",
    "e\u0301",
    "\ufeff",
    "None",
    "null",
    "[]",
    "{}",
]

any_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(AWKWARD),
    st.sampled_from(HUGE),
    st.integers().map(str),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(str),
    st.dates().map(str),
)
# One box of a day / month / year date: mostly numbers, some of them absurd.
date_part = st.one_of(
    st.integers(min_value=-5, max_value=40).map(str),
    st.integers(min_value=1, max_value=10_000).map(str),
    st.integers(min_value=10**9, max_value=10**30).map(str),
    st.sampled_from(["", "00", "0001", "9999", "١", "٢٠٢٠", "２０２０", "²", "1.5", "-1"]),
    any_text,
)
PLAUSIBLE_DATE = (  # day, month, year boxes
    st.integers(min_value=1, max_value=31).map(str),
    st.integers(min_value=1, max_value=12).map(str),
    st.integers(min_value=1900, max_value=2100).map(str),
)


def _usable_file_name(name: str) -> bool:
    """Names a browser's upload can arrive with (Django refuses to build one called "/")."""
    try:
        validate_file_name(name)
    except SuspiciousFileOperation:
        return False
    return True


any_file = st.builds(
    SimpleUploadedFile,
    st.one_of(st.just("upload.csv"), st.text(min_size=1, max_size=40)).filter(_usable_file_name),
    st.one_of(
        st.binary(max_size=2_000),
        st.text(max_size=500).map(str.encode),
        st.just(b"\xff\xfe\x00\x00"),
    ),
)


def _choice_values(field: forms.Field) -> list[str]:
    """The values a choice field offers (flattening option groups), as a browser sends them."""
    values: list[str] = []
    try:
        choices = list(field.choices)  # type: ignore[attr-defined]
    except Exception:  # a queryset over tables this test has not filled
        return values
    for value, label in choices:
        if isinstance(label, list | tuple):
            values += [str(v) for v, _ in label]
        else:
            values.append(str(getattr(value, "value", value)))
    return values


def _value_for(field: forms.Field) -> st.SearchStrategy[Any]:
    """What a browser (or someone pretending to be one) might send for `field`."""
    if isinstance(field, forms.BooleanField):
        return st.one_of(st.sampled_from(["on", "true", "false", "0", "1"]), any_text)
    offered = _choice_values(field) if hasattr(field, "choices") else []
    if offered:
        return st.one_of(st.sampled_from(offered), any_text)
    if isinstance(field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return st.one_of(st.integers(min_value=-(10**6), max_value=10**6).map(str), any_text)
    return any_text


def form_input(form: forms.BaseForm) -> st.SearchStrategy[tuple[MultiValueDict, MultiValueDict]]:
    """(data, files) as a POST of `form` could carry them: every field's input name (each box
    of a date), any of them missing, plus a stray name or two."""
    parts: dict[str, st.SearchStrategy[list[Any]]] = {}
    uploads: dict[str, st.SearchStrategy[list[Any]]] = {}
    for name, field in form.fields.items():
        html = form.add_prefix(name)
        widget = field.widget
        if isinstance(field, forms.FileField):
            uploads[html] = st.lists(any_file, max_size=2)
        elif isinstance(widget, forms.MultiWidget):
            # Mostly a plausible box, sometimes an absurd one: one absurd box among plausible
            # ones is what reaches the date arithmetic.
            for suffix, plausible in zip(widget.widgets_names, PLAUSIBLE_DATE, strict=False):
                parts[html + suffix] = st.lists(
                    st.one_of(plausible, date_part), min_size=1, max_size=2
                )
        elif isinstance(field, forms.MultipleChoiceField):
            parts[html] = st.lists(_value_for(field), max_size=4)
        else:
            parts[html] = st.lists(_value_for(field), min_size=1, max_size=2)
    parts["stray"] = st.lists(any_text, max_size=1)

    def some_of(named: dict[str, st.SearchStrategy[list[Any]]]) -> st.SearchStrategy:
        return st.fixed_dictionaries({}, optional=named).map(MultiValueDict)

    return st.tuples(some_of(parts), some_of(uploads))


# --- every form ---------------------------------------------------------------------------------


def _form_modules() -> list[Any]:
    found = []
    for info in pkgutil.walk_packages(pathways.__path__, "pathways."):
        last = info.name.rsplit(".", 1)[-1]
        if (last.startswith("forms") or last.endswith("_forms")) and ".tests" not in info.name:
            found.append(importlib.import_module(info.name))
    return found


def _forms_of(module: Any) -> dict[str, type]:
    """The form classes a module defines, and the formsets it makes."""
    found = {}
    for attr, value in vars(module).items():
        if not isinstance(value, type):
            continue
        name = f"{module.__name__}.{attr}"
        defined_here = issubclass(value, forms.BaseForm) and value.__module__ == module.__name__
        made_here = issubclass(value, forms.BaseFormSet) and hasattr(value, "form")
        if defined_here or made_here:
            found[name] = value
    return found


FORMS = {name: cls for module in _form_modules() for name, cls in _forms_of(module).items()}

# Form classes no page binds to input itself: what they add is fuzzed through their children.
NOT_BOUND_BY_ANY_PAGE = {
    "pathways.households.forms.AddressFields": "the address fields of ReferralForm and "
    "SelfReferralForm, fuzzed there",
}


def _programmes(world: World) -> list[Any]:
    return [world.hiw, world.win]


def _all_programmes(world: World) -> Any:
    from pathways.programmes.models import Programme

    return Programme.objects.all()


def _instrument(world: World) -> Any:
    from pathways.assessments.selectors import instrument_for

    return instrument_for(world.hiw)


def _points(world: World) -> list[tuple[str, str]]:
    return [(p.code, p.name) for p in _instrument(world).points.all()]


def _goals(world: World) -> Any:
    from pathways.casework.models import Goal

    return Goal.objects.all()


def _services(world: World) -> Any:
    from pathways.casework.models import Service

    return Service.objects.all()


def _advocates(world: World) -> Any:
    from pathways.accounts.models import User
    from pathways.core.roles import Role

    return User.objects.filter(role=Role.ADVOCATE)


def _sign_in_request() -> Any:
    """The request the sign-in page passes (the lockout counts failures by it)."""
    request = RequestFactory().post("/account/sign-in/")
    request.session = {}  # type: ignore[attr-defined]
    return request


# What each form is built with, as its page builds it (from the fixtures' people and places).
RECIPES: dict[str, Callable[[World], dict[str, Any]]] = {
    "pathways.accounts.forms.SignInForm": lambda w: {"request": _sign_in_request()},
    "pathways.areas.forms.NeighbourhoodForm": lambda w: {"programmes": _programmes(w)},
    "pathways.assessments.forms.ReadingForm": lambda w: {
        "instrument": _instrument(w),
        "amending": True,  # the correction form: every field of a new reading, and a reason
    },
    "pathways.budgets.forms.SpendFilterForm": lambda w: {"programmes": _programmes(w)},
    "pathways.casework.forms.GoalForm": lambda w: {"points": _points(w)},
    "pathways.casework.forms.ActivityForm": lambda w: {"points": _points(w), "goals": _goals(w)},
    "pathways.casework.forms.OnwardReferralForm": lambda w: {"services": _services(w)},
    "pathways.exchange.forms.DownloadForm": lambda w: {"programmes": _programmes(w)},
    "pathways.households.referral_forms.ReferralForm": lambda w: {"programmes": _all_programmes(w)},
    "pathways.households.referral_forms.DuplicateDecisionForm": lambda w: {
        "households": [w.household_k, w.household_l]
    },
    "pathways.households.forms.EnrolForm": lambda w: {"advocates": _advocates(w)},
    "pathways.households.forms.ReassignForm": lambda w: {"advocates": _advocates(w)},
    "pathways.households.referral_forms.MemberFormSet": lambda w: {"prefix": "form"},
    "pathways.organisations.forms.TeamForm": lambda w: {"organisation": w.knowsley},
    "pathways.outcomes.forms.OutcomeFilterForm": lambda w: {
        "programmes": _programmes(w),
        "advocates": [w.advocate_k, w.advocate_l],
    },
    "pathways.outcomes.forms.ClaimForm": lambda w: {"programmes": _programmes(w)},
    # The evidence that fits a job outcome (the widest choice).
    "pathways.outcomes.forms.EvidenceForm": lambda w: {
        "outcome": Outcome(kind=Outcome.Kind.JOB_OUTCOME)
    },
    "pathways.reporting.forms_evaluation.ExtractForm": lambda w: {"programmes": _programmes(w)},
    "pathways.programmes.forms.ProgrammeForm": lambda w: {"programme": w.hiw},
    "pathways.reporting.forms.ReportFilterForm": lambda w: {
        "programmes": _programmes(w),
        "advocates": [w.advocate_k, w.advocate_l],
        "exact": True,  # a manager's filters: every field
        "subgroups": True,
    },
}
FUZZED = sorted(set(FORMS) - set(NOT_BOUND_BY_ANY_PAGE))


def _needs(cls: type) -> set[str]:
    """The arguments a form cannot be built without."""
    if issubclass(cls, forms.BaseFormSet):
        return set()
    parameters = inspect.signature(cls.__init__).parameters.values()
    return {
        p.name
        for p in parameters
        if p.default is inspect.Parameter.empty
        and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD)
        and p.name != "self"
    }


def test_every_form_is_fuzzed() -> None:
    """A new form is picked up by the walk above; one that needs arguments needs a recipe
    (otherwise it would not be fuzzed), and a recipe must be for a form that exists."""
    assert len(FUZZED) > 40
    missing = [name for name in FUZZED if _needs(FORMS[name]) and name not in RECIPES]
    assert missing == [], f"give these forms a recipe in RECIPES: {missing}"
    assert sorted(set(RECIPES) - set(FORMS)) == []
    assert sorted(set(NOT_BOUND_BY_ANY_PAGE) - set(FORMS)) == []


def _formset_input(per_form: st.SearchStrategy) -> st.SearchStrategy:
    """A formset's POST: the management numbers (honest or not) and rows of member fields."""
    management = st.fixed_dictionaries(
        {
            "form-TOTAL_FORMS": st.one_of(st.sampled_from(["0", "1", "2", "3"]), any_text),
            "form-INITIAL_FORMS": st.one_of(st.just("0"), any_text),
            "form-MIN_NUM_FORMS": st.just("2"),
            "form-MAX_NUM_FORMS": st.one_of(st.just("10"), any_text),
        }
    )

    def rows(management: dict[str, str]) -> st.SearchStrategy:
        def merged(values: list[MultiValueDict]) -> MultiValueDict:
            data = MultiValueDict({k: [v] for k, v in management.items()})
            for index, row in enumerate(values):
                for key, items in row.lists():
                    data.setlist(f"form-{index}-{key}", items)
            return data

        return st.lists(per_form, max_size=3).map(lambda rows: merged([r for r, _ in rows]))

    return management.flatmap(rows).map(lambda data: (data, MultiValueDict()))


def answer(
    name: str,
    kwargs: dict[str, Any],
    data: MultiValueDict,
    files: MultiValueDict,
    *,
    render: bool = True,
) -> None:
    """Bind the form (or formset) `name` to a POST as its page would, and check the answer:
    valid, or every problem said in words; and (`render`) it can be shown again either way."""
    cls = FORMS[name]
    try:
        bound = cls(data=data, files=files, **kwargs)
        valid = bound.is_valid()
        pages = [bound] if isinstance(bound, forms.BaseForm) else bound.forms
        for form in pages if render else []:  # shown again, with what was typed
            for field in form:
                str(field)
    except Exception as error:
        raise AssertionError(
            f"{name} raised {type(error).__name__}: {error}\nposted: {shown(data, files)}"
        ) from error
    if valid:
        return
    # Refused: the page says why, field by field or above the form.
    if isinstance(bound, forms.BaseForm):
        messages = [m for field in bound.errors.values() for m in field]
    else:
        messages = [str(m) for m in bound.non_form_errors()] + [
            m for form in bound.forms for field in form.errors.values() for m in field
        ]
    assert messages, f"an invalid {name} must say what is wrong: {shown(data, files)}"
    assert all(isinstance(m, str) and m.strip() for m in messages), messages


# Values that have broken forms elsewhere, each put in every box of every form in turn.
SWEEP = [
    "\x00",
    "x" * 100_000,
    "99999999999999999999",
    "9223372036854775808",
    "-9223372036854775809",
    "1e309",
    "NaN",
    "²",
    "١٢",
    "-1",
    "9999-12-31",
]


def plausible(form: forms.BaseForm) -> MultiValueDict:
    """An ordinary filled-in POST of `form` (not always valid): the background each swept
    value is tried against."""
    data = MultiValueDict()
    for name, field in form.fields.items():
        html, widget = form.add_prefix(name), field.widget
        offered = [v for v in _choice_values(field) if v] if hasattr(field, "choices") else []
        if isinstance(field, forms.FileField):
            continue
        if isinstance(widget, forms.MultiWidget):
            for suffix, value in zip(widget.widgets_names, ("3", "4", "2018"), strict=False):
                data.setlist(html + suffix, [value])
        elif isinstance(field, forms.BooleanField):
            data.setlist(html, ["on"])
        elif offered:
            data.setlist(html, offered[:1])
        elif isinstance(field, forms.IntegerField | forms.DecimalField):
            data.setlist(html, ["1"])
        elif isinstance(field, forms.DateField):
            data.setlist(html, ["2018-04-03"])
        elif isinstance(field, forms.TimeField):
            data.setlist(html, ["10:30"])
        elif isinstance(field, forms.EmailField):
            data.setlist(html, ["someone@example.com"])
        else:
            data.setlist(html, ["Something"])
    return data


def plausible_formset(cls: Any) -> MultiValueDict:
    data = MultiValueDict(
        {"form-TOTAL_FORMS": ["2"], "form-INITIAL_FORMS": ["0"], "form-MIN_NUM_FORMS": ["2"]}
    )
    for index in range(2):
        for key, values in plausible(cls.form()).lists():
            data.setlist(f"form-{index}-{key}", values)
    return data


@pytest.mark.parametrize("name", FUZZED)
def test_a_form_answers_any_input_without_an_exception(name: str, request: Any) -> None:
    cls = FORMS[name]
    kwargs: dict[str, Any] = {}
    if name in RECIPES or _needs(cls):
        kwargs = RECIPES[name](request.getfixturevalue("world"))
    formset = issubclass(cls, forms.BaseFormSet)

    # Every box, in turn, given each value of SWEEP while the rest are filled in ordinarily.
    background = plausible_formset(cls) if formset else plausible(cls(**kwargs))
    for key in list(background):
        for value in SWEEP:
            data = background.copy()
            data.setlist(key, [value])
            answer(name, kwargs, data, MultiValueDict(), render=False)

    # Then anything at all, in any box or none.
    inputs = _formset_input(form_input(cls.form())) if formset else form_input(cls(**kwargs))

    @fuzz_settings(FORM_EXAMPLES)
    @given(inputs)
    def fuzz(posted: tuple[MultiValueDict, MultiValueDict]) -> None:
        answer(name, kwargs, *posted)

    fuzz()


def shown(data: MultiValueDict, files: MultiValueDict) -> str:
    """The input, each value cut short (some are 100,000 characters long)."""
    cut = {key: [repr(v)[:60] for v in values] for key, values in data.lists()}
    cut.update({key: [f"<file {f.name!r}, {f.size} bytes>" for f in v] for key, v in files.lists()})
    return repr(cut)


# --- importers ----------------------------------------------------------------------------------


def database_counts() -> dict[str, int]:
    """How many rows every table of Pathways holds."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model.__module__.startswith("pathways.")
    }


def _csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def _csv_bytes(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode()


@st.composite
def broken(draw: Any, good: bytes, columns: list[str]) -> bytes:
    """`good` (a CSV file) broken the way files break."""
    rows = _csv_rows(good)
    how = draw(
        st.sampled_from(
            [
                "garbage",
                "header",
                "nul",
                "encoding",
                "cell",
                "row",
                "truncate",
                "duplicate-column",
                "empty",
            ]
        ),
        label="how",
    )
    if how == "garbage":
        return draw(st.binary(max_size=600))
    if how == "empty":
        return draw(st.sampled_from([b"", b"\n", b"\xef\xbb\xbf", b",,,\n"]))
    if how == "header":
        header = draw(
            st.lists(st.one_of(st.sampled_from(columns), any_text), min_size=1, max_size=8)
        )
        return _csv_bytes([header, *rows[1:]])
    if how == "duplicate-column":
        header = list(rows[0])
        if header:
            header[-1] = draw(st.sampled_from(header))
        return _csv_bytes([header, *rows[1:]])
    if how == "nul":
        at = draw(st.integers(min_value=0, max_value=len(good)))
        return good[:at] + b"\x00" + good[at:]
    if how == "encoding":
        text = good.decode("utf-8-sig")
        at = draw(st.integers(min_value=0, max_value=len(text)))
        text = text[:at] + draw(st.sampled_from(["£", "é", "Ł", "’"])) + text[at:]
        codec = draw(st.sampled_from(["latin-1", "utf-16", "cp1252", "utf-32"]))
        return text.encode(codec, errors="replace")
    if how == "truncate":
        return good[: draw(st.integers(min_value=0, max_value=len(good)))]
    if len(rows) < 2:
        return good
    if how == "cell":
        row = draw(st.integers(min_value=1, max_value=len(rows) - 1))
        column = draw(st.integers(min_value=0, max_value=len(rows[row]) - 1))
        rows[row][column] = draw(any_text)
        return _csv_bytes(rows)
    # "row": another row, its cells anything, as many as the header or not
    width = len(rows[0])
    extra = draw(st.lists(any_text, min_size=max(width - 1, 0), max_size=width + 1))
    return _csv_bytes([*rows, extra])


@contextmanager
def refused_or_imported(
    refusal: type[Exception], what: str, content: bytes
) -> Iterator[dict[str, int]]:
    """Around one import of `content`: it imports, or raises `refusal` with a reason for every
    problem and the database as it was. Any other exception fails, saying what was imported."""
    before = database_counts()
    try:
        yield before
    except refusal as error:
        _refused_cleanly(error, before)
    except Exception as error:
        raise AssertionError(
            f"{what} raised {type(error).__name__}: {error}\n"
            f"{len(content)} bytes, beginning {content[:300]!r}"
        ) from error


def _refused_cleanly(error: Exception, before: dict[str, int]) -> None:
    problems = error.problems  # type: ignore[attr-defined]
    assert problems, "a refusal must say what is wrong"
    # Importers list Problems (file, line, column, reason); a service's RuleError maps each
    # field to its message.
    reasons = problems.values() if isinstance(problems, dict) else [p.reason for p in problems]
    assert all(str(reason).strip() for reason in reasons), problems
    assert all(str(problem).strip() for problem in problems)
    assert database_counts() == before, "a refused file must change nothing"


# The exchange bundle -----------------------------------------------------------------------------


def test_a_broken_bundle_is_refused_with_reasons_and_changes_nothing(
    world: World, tmp_path: Path
) -> None:
    from pathways.core.problems import ImportRefused
    from pathways.exchange import schema
    from pathways.exchange.generate import Settings, generate
    from pathways.exchange.importer import import_bundle

    good = tmp_path / "good"
    generate(good, Settings(households=3, seed=7))
    files = {path.name: path.read_bytes() for path in good.iterdir() if path.suffix == ".csv"}
    columns = {spec.name: list(spec.columns) for spec in schema.FILES}
    import_bundle(good)  # the good bundle imports; each broken copy meets what it made
    names = sorted(files)

    @fuzz_settings(IMPORT_EXAMPLES)
    @given(
        st.sampled_from(names).flatmap(
            lambda name: st.tuples(st.just(name), broken(files[name], columns.get(name, [])))
        ),
        st.booleans(),
    )
    def fuzz(change: tuple[str, bytes], zipped: bool) -> None:
        name, content = change
        folder = tmp_path / "fuzz"
        folder.mkdir(exist_ok=True)
        for other, data in files.items():
            (folder / other).write_bytes(content if other == name else data)
        bundle = folder
        if zipped:  # as the upload page receives it
            bundle = tmp_path / "fuzz.zip"
            with zipfile.ZipFile(bundle, "w") as archive:
                for path in folder.iterdir():
                    archive.write(path, path.name)
        with refused_or_imported(ImportRefused, f"{name} (zipped: {zipped})", content):
            import_bundle(bundle)

    fuzz()


# The budget ledger -------------------------------------------------------------------------------


def test_a_broken_budget_file_is_refused_with_reasons_and_changes_nothing(world: World) -> None:
    from pathways.budgets.imports import import_budget_csv
    from pathways.core.problems import ImportRefused

    k, ref_l = world.household_k.reference, world.household_l.reference
    good = (
        "household_ref,date,category,amount,description\n"
        f"{k},2018-05-02,childcare,300.00,Nursery May\n"
        f"{k},2018-05-20,childcare,-40.00,Nursery refund\n"
        f"{ref_l},2018-06-01,clothing,62.49,Interview suit\n"
    ).encode()
    columns = ["household_ref", "date", "category", "amount", "description", "x_ref"]

    @fuzz_settings(IMPORT_EXAMPLES)
    @given(broken(good, columns))
    def fuzz(content: bytes) -> None:
        with refused_or_imported(ImportRefused, "budget.csv", content):
            import_budget_csv(io.BytesIO(content), programme=world.hiw, actor=None)

    fuzz()


# Area data ---------------------------------------------------------------------------------------


def _head(path: Path, lines: int) -> bytes:
    with path.open("rb") as handle:
        return b"".join(handle.readline() for _ in range(lines))


def _area_cases() -> dict[str, tuple[bytes, Callable[[io.BytesIO], Any]]]:
    import datetime as dt

    from pathways.areas.loaders.imd import load_imd
    from pathways.areas.loaders.indicators import load_indicator
    from pathways.areas.loaders.lookup import load_lookup
    from pathways.areas.loaders.postcodes import load_postcodes
    from pathways.areas.loaders.shipped import SHIPPED

    data, fixtures = SHIPPED, SHIPPED.parent / "tests" / "fixtures"
    indicator = b"LSOA11CD,value\nE01006412,35\nE01006413,20\n"
    return {
        "imd": (
            _head(data / "imd2019_lcr_lsoa.csv", 4),
            lambda stream: load_imd(stream, "imd.csv"),
        ),
        "lookup": (
            _head(data / "lcr_lsoa11_ward19_lookup.csv", 4),
            lambda stream: load_lookup(stream, "lookup.csv"),
        ),
        "postcodes": (
            (fixtures / "postcodes.csv").read_bytes(),
            lambda stream: load_postcodes(stream, "postcodes.csv"),
        ),
        "indicator": (
            indicator,
            lambda stream: load_indicator(
                stream, "claimants.csv", indicator="claimants", date=dt.date(2024, 5, 1)
            ),
        ),
    }


@pytest.mark.parametrize("kind", ["imd", "lookup", "postcodes", "indicator"])
def test_a_broken_area_file_is_refused_with_reasons_and_changes_nothing(kind: str) -> None:
    from pathways.areas.loaders.lookup import load_lookup
    from pathways.areas.loaders.reading import AreaDataRefused

    good, load = _area_cases()[kind]
    # The LSOAs the sample files name are known, as they are once the lookup is loaded.
    load_lookup(io.BytesIO(_area_cases()["lookup"][0]), "lookup.csv")
    load(io.BytesIO(good))  # the good file loads
    columns = [c for row in _csv_rows(good)[:1] for c in row]

    @fuzz_settings(IMPORT_EXAMPLES)
    @given(broken(good, columns))
    def fuzz(content: bytes) -> None:
        with refused_or_imported(AreaDataRefused, f"the {kind} file", content):
            load(io.BytesIO(content))

    fuzz()


json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(),
        st.text(max_size=20),
        st.sampled_from(["E01006412", "Polygon", "MultiPolygon", "LSOA11CD"]),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=10), inner, max_size=5)
    ),
    max_leaves=20,
)


@st.composite
def broken_geojson(draw: Any, good: dict[str, Any]) -> bytes:
    """A GeoJSON document with one part replaced by any JSON, or not JSON at all."""
    how = draw(st.sampled_from(["document", "feature", "properties", "geometry", "text"]))
    document = json.loads(json.dumps(good))
    feature = document["features"][0]
    if how == "text":
        return draw(st.one_of(st.binary(max_size=300), st.sampled_from(AWKWARD).map(str.encode)))
    if how == "document":
        document = draw(json_values)
    elif how == "feature":
        document["features"][0] = draw(json_values)
    elif how == "properties":
        feature["properties"] = draw(json_values)
    else:
        geometry = feature["geometry"]
        key = draw(st.sampled_from(["type", "coordinates"]))
        geometry[key] = draw(json_values)
    return json.dumps(document).encode()


def test_a_broken_boundaries_file_is_refused_with_reasons_and_changes_nothing() -> None:
    from pathways.areas.loaders.boundaries import load_boundaries
    from pathways.areas.loaders.lookup import load_lookup
    from pathways.areas.loaders.reading import AreaDataRefused

    load_lookup(io.BytesIO(_area_cases()["lookup"][0]), "lookup.csv")
    square = [[[-2.9, 53.4], [-2.8, 53.4], [-2.8, 53.5], [-2.9, 53.4]]]
    good = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"LSOA11CD": "E01006412"},
                "geometry": {"type": "Polygon", "coordinates": square},
            }
        ],
    }
    load_boundaries(io.BytesIO(json.dumps(good).encode()), "b.geojson")

    @fuzz_settings(IMPORT_EXAMPLES)
    @given(broken_geojson(good))
    def fuzz(content: bytes) -> None:
        with refused_or_imported(AreaDataRefused, "the boundaries", content):
            load_boundaries(io.BytesIO(content), "b.geojson")

    fuzz()


# Instrument definitions --------------------------------------------------------------------------

toml_scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.text(max_size=20),
    st.booleans(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(),
)
toml_values = st.one_of(
    toml_scalars,
    st.lists(st.one_of(st.integers(min_value=-5, max_value=15), toml_scalars), max_size=12),
    st.dictionaries(st.text(min_size=1, max_size=8), toml_scalars, max_size=3),
    st.lists(st.dictionaries(st.sampled_from(["code", "score", "name"]), toml_scalars), max_size=3),
)


def _toml(value: Any) -> str:
    """`value` written as TOML (the kinds toml_values makes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    return value.isoformat()


def toml_document(document: dict[str, Any]) -> str:
    """A definition as TOML: its keys, then its points as [[points]] tables where they are
    tables (whatever a change left there otherwise)."""
    points = document.get("points")
    tables = isinstance(points, list) and all(isinstance(p, dict) for p in points)
    lines = [
        f"{json.dumps(key)} = {_toml(value)}"
        for key, value in document.items()
        if not (key == "points" and tables)
    ]
    for point in points if tables else []:
        lines += ["", "[[points]]", *(f"{json.dumps(k)} = {_toml(v)}" for k, v in point.items())]
    return "\n".join(lines) + "\n"


INSTRUMENT_KEYS = ["code", "name", "kind", "scale_min", "scale_max", "steps", "stages", "points"]


@st.composite
def broken_instrument(draw: Any, good: dict[str, Any]) -> bytes:
    """The shipped Progress Star definition with one value changed or dropped (of the whole
    definition, or of one of its points), or the file broken as text."""
    how = draw(st.sampled_from(["value", "value", "drop", "text", "bytes"]))
    if how == "bytes":
        return draw(st.binary(max_size=400))
    document = json.loads(json.dumps(good, default=str))
    if how == "text":
        lines = toml_document(document).splitlines()
        at = draw(st.integers(min_value=0, max_value=len(lines)))
        lines.insert(at, draw(st.sampled_from(AWKWARD)))
        return "\n".join(lines).encode()
    where = draw(st.sampled_from(["definition", *range(len(document["points"]))]))
    table = document if where == "definition" else document["points"][where]
    key = draw(st.sampled_from(sorted(set(table) | set(INSTRUMENT_KEYS))))
    if how == "drop":
        table.pop(key, None)
    else:
        table[key] = draw(toml_values)
    return toml_document(document).encode()


def test_a_broken_instrument_definition_is_refused_with_reasons_and_changes_nothing() -> None:
    """As the instruments page does it: the upload form reads the file, the service checks
    the definition; a problem is a message on the form, never a traceback."""
    from pathways.assessments import services
    from pathways.assessments.forms_import import InstrumentImportForm
    from pathways.core.exceptions import RuleError

    text = (Path(services.__file__).parent / "instruments" / "progress-star.toml").read_text()
    good = tomllib.loads(text)
    assert tomllib.loads(toml_document(good)) == good  # the writer above writes what it read
    services.save_instrument(definition=good, actor=None)  # the good file imports

    @fuzz_settings(IMPORT_EXAMPLES)
    @given(broken_instrument(good))
    def fuzz(content: bytes) -> None:
        before = database_counts()
        form = InstrumentImportForm(
            data={}, files={"definition": SimpleUploadedFile("star.toml", content)}
        )
        if not form.is_valid():
            assert form.errors["definition"]
            assert database_counts() == before
            return
        with refused_or_imported(RuleError, "the instrument definition", content):
            services.save_instrument(definition=form.cleaned_data["definition"], actor=None)

    fuzz()
