"""Helpers for the end-to-end tests: Debian's Chromium driven by Playwright, checked by axe-core."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("PATHWAYS_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parents[3] / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# As the machine's own probe runs it: no sandbox as root, and no calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser() -> None:
    """Skip with a clear message when there is no Chromium, except where it is required (CI)."""
    missing = [str(p) for p in (CHROMIUM, AXE) if not p.exists()]
    if not missing:
        return
    message = f"Browser tests need {' and '.join(missing)} (install Debian's chromium; run npm ci)"
    if os.environ.get("PATHWAYS_REQUIRE_BROWSER") or os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    require_browser()
    # Playwright's sync API runs an event loop; Django's ORM in this thread is still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def page_text(page: Any) -> str:
    """The page's HTML once the document a click navigated to has loaded (not a blank one)."""
    page.wait_for_load_state("load")
    return page.content()


def assert_accessible(page: Any) -> None:
    """Run axe-core on the page as it stands; fail listing every WCAG 2.2 A/AA violation."""
    # A click that navigates returns before the new document has loaded; axe needs all of it.
    page.wait_for_load_state("load")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results["violations"]
    ]
    assert violations == [], f"{page.url}:\n" + "\n".join(violations)


def tab_to(page: Any, selector: str, text: str = "", limit: int = 40) -> None:
    """Press Tab until an element matching `selector` (and holding `text`) has focus."""
    check = """([s, t]) => {
        const e = document.activeElement;
        return !!e && e.matches(s) && e.textContent.includes(t);
    }"""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(check, [selector, text]):
            return
    raise AssertionError(f"Could not reach {selector} {text!r} with the Tab key")
