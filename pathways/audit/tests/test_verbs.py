"""Audit verbs are one list: a verb not in it is refused, and code names them, not spells them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from pathways.audit import services as audit
from pathways.audit.models import AuditEvent
from pathways.audit.verbs import Verb

PACKAGE = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_a_verb_not_in_the_list_is_refused_and_nothing_is_written() -> None:
    with pytest.raises(ValueError, match="household.teleported"):
        audit.record(actor=None, verb="household.teleported")
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_a_listed_verb_is_stored_as_its_string_so_old_events_filter_the_same() -> None:
    audit.record(actor=None, verb=Verb.HOUSEHOLD_REFERRED)
    assert AuditEvent.objects.filter(verb="household.referred").count() == 1


def test_every_verb_reads_thing_dot_what_happened() -> None:
    bad = [v.value for v in Verb if not re.fullmatch(r"[a-z_]+\.[a-z_]+", v.value)]
    assert bad == []
    assert all(v.name == v.value.upper().replace(".", "_") for v in Verb)


def _spelled_verbs(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            for kw in node.keywords:
                values = [kw.value]
                if isinstance(kw.value, ast.IfExp):
                    values = [kw.value.body, kw.value.orelse]
                if kw.arg == "verb" and any(
                    isinstance(v, ast.Constant | ast.JoinedStr) for v in values
                ):
                    found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    return found


def test_product_code_names_verbs_from_the_list_rather_than_spelling_them() -> None:
    files = [
        p for p in PACKAGE.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts
    ]
    spelled = [hit for path in files for hit in _spelled_verbs(path)]
    assert spelled == []
