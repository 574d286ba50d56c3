"""In Chromium: a programme manager downloads a programme's bundle, then uploads a bundle; the page
waits while the job worker imports it, shows the summary once it has finished (asked for every
two seconds by the page), and lists every problem of a bad one. axe-core on every page."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from pathways.core.tests.browser import assert_accessible
from pathways.core.tests.test_browser_journeys import sign_in
from pathways.exchange.generate import Settings, generate
from pathways.exchange.models import ImportRun
from pathways.exchange.tasks import import_uploaded_bundle
from pathways.households.models import Household
from pathways.site.demo import create_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def zipped(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return out


def test_a_bundle_is_downloaded_then_one_is_imported_with_its_progress(
    page: Any, live_server: Any, tmp_path: Path, settings: Any
) -> None:
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    create_demo(households=False)
    base = live_server.url
    sign_in(page, base, "programme-manager")
    page.click("a:has-text('Data exchange')")
    assert_accessible(page)
    page.select_option("#id_programme", "households-into-work")
    with page.expect_download() as download:
        page.click("button:has-text('Download the bundle')")
    with zipfile.ZipFile(io.BytesIO(Path(download.value.path()).read_bytes())) as archive:
        assert "households.csv" in archive.namelist()

    generate(tmp_path / "bundle", Settings(households=12, seed=9))
    page.click("a:has-text('Import a bundle into a programme you manage')")
    assert_accessible(page)
    page.set_input_files("#id_bundle", str(zipped(tmp_path / "bundle", tmp_path / "b.zip")))
    page.click("button:has-text('Start the import')")
    page.wait_for_selector("h1:has-text('Importing')")
    assert "Waiting for the import to start" in page.locator("#import-progress").inner_text()
    assert_accessible(page)

    # The job worker's turn; the waiting page notices by itself and shows what came of it.
    run = ImportRun.objects.get()
    import_uploaded_bundle.call(run.pk)
    page.wait_for_selector("#summary", timeout=15_000)
    assert "households.csv" in page.locator("#summary").inner_text()
    assert Household.objects.filter(reference__startswith="SYN-").count() == 12
    assert_accessible(page)

    # A bundle with a bad value: nothing imported, every problem listed.
    people = tmp_path / "bundle" / "people.csv"
    lines = people.read_text().splitlines()
    lines[2] = lines[2].replace(",partner,", ",boss,").replace(",primary,", ",boss,")
    people.write_text("\n".join(lines) + "\n")
    page.goto(f"{base}/exchange/import/")
    page.set_input_files("#id_bundle", str(zipped(tmp_path / "bundle", tmp_path / "c.zip")))
    page.click("button:has-text('Start the import')")
    page.wait_for_selector("h1:has-text('Importing')")
    import_uploaded_bundle.call(ImportRun.objects.latest("pk").pk)
    page.wait_for_selector("#problems", timeout=15_000)
    assert "boss" in page.locator("#problems").inner_text()
    assert_accessible(page)
