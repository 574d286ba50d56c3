"""Fixtures for the browser tests (Chromium via Playwright)."""

from pathways.core.tests.browser import chromium, page  # noqa: F401
