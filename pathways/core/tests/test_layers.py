"""The house's shape, held by tests: apps import one way, and no file or function is too big.

The declared order, bottom to top, is in docs/adr/0004-one-way-house.md. The domain layer of an
app (every module but its pages: views, forms, api, urls, admin, management commands, template
tags) imports only apps below it. No module imports another app inside a function, where a
circle could hide. What spans apps lives at the top (reporting, operations, site).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2]
ROOT = PACKAGE.parent

# Bottom to top. An app may import only the apps before it.
ORDER = (
    "core",
    "audit",
    "accounts",
    "areas",
    "programmes",
    "organisations",
    "households",
    "privacy",
    "assessments",
    "casework",
    "budgets",
    "outcomes",
    "exchange",
    "reporting",
    "operations",
    "site",
)
PAGES = {"views", "forms", "api", "urls", "admin", "apps"}
PAGE_PACKAGES = {"management", "templatetags"}
MAX_FILE_LINES = 500
MAX_FUNCTION_LINES = 80


@dataclass(frozen=True)
class Arrow:
    """One import of another app: `source` (a file) imports `target` (an app) at `line`."""

    source: str
    app: str
    target: str
    line: int
    in_function: bool

    def __str__(self) -> str:
        return f"{self.source}:{self.line} imports {self.target}"


def product_files() -> list[Path]:
    return sorted(
        f
        for f in [*PACKAGE.rglob("*.py"), *(ROOT / "benchmarks").rglob("*.py")]
        if "migrations" not in f.parts and "tests" not in f.parts and f.name != "conftest.py"
    )


def is_page(path: Path) -> bool:
    parts = path.relative_to(PACKAGE).parts
    return bool(PAGE_PACKAGES & set(parts)) or path.stem in PAGES or path.stem.endswith("_urls")


def arrows(path: Path) -> list[Arrow]:
    """Every import in `path` of another Pathways app."""
    parts = path.relative_to(PACKAGE).parts
    app = parts[0] if len(parts) > 1 else "pathways"
    found: list[Arrow] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                modules = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom) and child.level == 0:
                modules = [child.module or ""]
            else:
                modules = []
            for module in modules:
                names = module.split(".")
                if (
                    names[0] == "pathways"
                    and len(names) > 1
                    and names[1] in ORDER
                    and names[1] != app
                ):
                    rel = str(path.relative_to(ROOT))
                    found.append(Arrow(rel, app, names[1], child.lineno, in_function))
            function = isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            visit(child, in_function or function)

    visit(ast.parse(path.read_text()), False)
    return found


def all_arrows() -> list[Arrow]:
    return [
        arrow for path in product_files() if path.is_relative_to(PACKAGE) for arrow in arrows(path)
    ]


def test_every_app_has_its_place_in_the_order() -> None:
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")}
    assert apps <= set(ORDER), f"Add {sorted(apps - set(ORDER))} to ORDER and to the ADR"


def test_the_domain_layer_imports_only_apps_below_it() -> None:
    upward = [
        str(a)
        for a in all_arrows()
        if a.app in ORDER
        and not is_page(PACKAGE.parent / a.source)
        and ORDER.index(a.target) > ORDER.index(a.app)
    ]
    assert upward == [], "\n".join(upward)


def test_no_app_is_imported_inside_a_function() -> None:
    hidden = [str(a) for a in all_arrows() if a.in_function]
    assert hidden == [], "\n".join(hidden)


def test_pages_import_only_apps_below_them() -> None:
    upward = [
        str(a)
        for a in all_arrows()
        if a.app in ORDER
        and is_page(PACKAGE.parent / a.source)
        and ORDER.index(a.target) > ORDER.index(a.app)
    ]
    assert upward == [], "\n".join(upward)


def _functions(tree: ast.AST) -> list[ast.FunctionDef | ast.AsyncFunctionDef]:
    return [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]


@pytest.mark.parametrize("path", product_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_file_is_too_long_to_read(path: Path) -> None:
    lines = path.read_text().count("\n")
    assert lines <= MAX_FILE_LINES, f"{lines} lines: split it by concern"


def test_no_function_is_too_long_to_read() -> None:
    long = [
        f"{path.relative_to(ROOT)}:{f.lineno} {f.name} ({f.end_lineno - f.lineno + 1} lines)"
        for path in product_files()
        for f in _functions(ast.parse(path.read_text()))
        if (f.end_lineno or f.lineno) - f.lineno + 1 > MAX_FUNCTION_LINES
    ]
    assert long == [], "\n".join(long)
