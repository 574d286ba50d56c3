"""The data exchange pages: a programme manager uploads a bundle, the job worker imports it and
the page shows progress, then what was imported or every problem; managers download what they
may see."""

from __future__ import annotations

import csv
import io
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from pathways.audit.models import AuditEvent
from pathways.conftest import World
from pathways.exchange import services
from pathways.exchange.generate import Settings, generate
from pathways.exchange.importer import import_bundle
from pathways.exchange.models import ImportRun
from pathways.exchange.tasks import import_uploaded_bundle
from pathways.households.models import Household

pytestmark = pytest.mark.django_db


def zipped(folder: Path) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in sorted(folder.iterdir()):
            archive.write(path, path.name)
    return SimpleUploadedFile("bundle.zip", buffer.getvalue(), content_type="application/zip")


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    generate(tmp_path / "bundle", Settings(households=20, seed=3))
    return tmp_path / "bundle"


def start(client: Any, upload: SimpleUploadedFile, dry_run: bool = False) -> Any:
    data = {"bundle": upload}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("exchange:upload"), data)


def test_an_uploaded_bundle_is_imported_in_the_background_and_the_page_says_what_came_of_it(
    world: World, signed_in: Any, bundle: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(world.programme_manager)
    before = Household.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = start(client, zipped(bundle))
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("exchange:import", args=[run.pk])
    # The request only queued the job: nothing is imported yet, and the page says it waits.
    assert Household.objects.count() == before
    queued = DBTaskResult.objects.get()
    assert queued.task_path.endswith("import_uploaded_bundle")
    assert queued.args_kwargs["args"] == [run.pk]
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for the import to start" in page
    assert "hx-trigger" in page and "Refresh to see how far it has got" in page

    assert import_uploaded_bundle.call(run.pk) == "done"
    run.refresh_from_db()
    assert Household.objects.count() == before + 20
    assert run.summary["households.csv"]["created"] == 20
    assert not services.uploads().exists(run.stored_as)  # the upload is not kept
    page = client.get(response["Location"]).content.decode()
    assert "Imported" in page and "hx-trigger" not in page
    assert "households.csv" in page
    # The progress panel tells a waiting page to reload once the import has finished.
    panel = client.get(reverse("exchange:import-progress", args=[run.pk]))
    assert panel["HX-Refresh"] == "true"
    assert AuditEvent.objects.filter(verb="exchange.import_started").exists()
    assert AuditEvent.objects.filter(verb="exchange.imported", actor=world.programme_manager)


def test_a_bundle_with_problems_imports_nothing_and_the_page_lists_every_one(
    world: World, signed_in: Any, bundle: Path
) -> None:
    people = (bundle / "people.csv").read_text().splitlines()
    header = people[0].split(",")
    row = next(csv.reader([people[3]]))
    row[header.index("gender")] = "dragon"
    people[3] = ",".join(row)
    (bundle / "people.csv").write_text("\n".join(people) + "\n")
    client = signed_in(world.programme_manager)
    before = Household.objects.count()
    start(client, zipped(bundle))
    run = ImportRun.objects.get()
    assert import_uploaded_bundle.call(run.pk) == "refused"
    assert Household.objects.count() == before
    page = client.get(reverse("exchange:import", args=[run.pk])).content.decode()
    assert "Nothing was imported" in page
    assert "people.csv" in page and ">4<" in page and "gender" in page and "dragon" in page


def test_a_programme_manager_may_import_only_into_their_own_programmes(
    world: World, signed_in: Any, bundle: Path
) -> None:
    client = signed_in(world.win_manager)  # the bundle is of Households into Work
    start(client, zipped(bundle))
    run = ImportRun.objects.get()
    assert import_uploaded_bundle.call(run.pk) == "refused"
    assert {p["reason"] for p in run_problems(run)} == {
        "is not a programme you manage: you may import only into win"
    }


def run_problems(run: ImportRun) -> list[dict]:
    run.refresh_from_db()
    return run.problems


def test_a_trial_run_checks_and_changes_nothing(world: World, signed_in: Any, bundle: Path) -> None:
    client = signed_in(world.programme_manager)
    before = Household.objects.count()
    start(client, zipped(bundle), dry_run=True)
    run = ImportRun.objects.get()
    assert import_uploaded_bundle.call(run.pk) == "checked"
    assert Household.objects.count() == before
    page = client.get(reverse("exchange:import", args=[run.pk])).content.decode()
    assert "What the import would do" in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("people.csv", b"person_ref\n"), "Choose a .zip file"),
        (SimpleUploadedFile("bundle.zip", b"not a zip at all"), "The file is not a .zip file"),
        (SimpleUploadedFile("bundle.zip", b""), "The submitted file is empty"),
    ],
)
def test_a_file_that_is_not_a_bundle_is_refused_on_the_form(
    world: World, signed_in: Any, upload: SimpleUploadedFile, message: str
) -> None:
    client = signed_in(world.programme_manager)
    response = start(client, upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()


def test_an_import_tells_how_far_it_has_got(world: World, bundle: Path) -> None:
    heard: list[tuple[str, str, int]] = []
    import_bundle(bundle, progress=lambda stage, name, rows: heard.append((stage, name, rows)))
    stages = [stage for stage, _, _ in heard]
    assert stages.index("Importing") < stages.index("Working out outcomes")
    assert ("Importing", "households.csv", 20) in heard


def test_progress_is_read_from_the_file_the_job_writes(world: World, tmp_path: Path) -> None:
    run = ImportRun.objects.create(
        started_by=world.programme_manager, original_name="a.zip", stored_as="a.zip", size=1
    )
    assert services.progress_of(run) is None
    services._Progress(run)("Importing", "people.csv", 4000)
    assert services.progress_of(run) == {"stage": "Importing", "file": "people.csv", "rows": 4000}


def test_a_manager_downloads_the_bundle_of_what_they_may_see(
    world: World, signed_in: Any, tmp_path: Path
) -> None:
    client = signed_in(world.manager_k)
    response = client.post(reverse("exchange:download"), {"programme": world.hiw.code})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="households-into-work')
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        households = list(csv.DictReader(io.TextIOWrapper(archive.open("households.csv"))))
        people = list(csv.DictReader(io.TextIOWrapper(archive.open("people.csv"))))
    assert {h["household_ref"] for h in households} == {
        world.household_k.reference,
        world.household_k2.reference,
    }
    assert "x_family_name" not in people[0]
    assert AuditEvent.objects.filter(verb="exchange.exported", actor=world.manager_k).exists()
    # A programme they do not work on is not offered, and asking for it is refused.
    other = signed_in(world.win_manager)
    refused = other.post(reverse("exchange:download"), {"programme": world.hiw.code})
    assert refused.status_code == 400
    assert "Choose a programme you work on" in refused.content.decode()


@pytest.fixture(autouse=True)
def _private_imports(settings: Any, tmp_path: Path) -> Any:
    settings.PRIVATE_FILES_DIR = tmp_path / "private"
    yield
    shutil.rmtree(tmp_path / "private", ignore_errors=True)
