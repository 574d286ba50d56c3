"""The wheel a council installs carries the built front end, and works away from the source."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pathways.operations.tests.stack import REPO, outside_env


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (REPO / "pathways" / "frontend" / ".built").exists():
        pytest.fail("The front end is not built: run make install")
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(folder),
         str(REPO)],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    [built] = folder.glob("pathways-*.whl")
    return built


def test_the_wheel_carries_the_front_end_and_everything_the_app_reads(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "pathways/frontend/pathways.css",
        "pathways/frontend/govuk/govuk-frontend.min.js",
        "pathways/frontend/govuk/assets/fonts/bold-b542beb274-v2.woff2",
        "pathways/frontend/govuk/assets/images/favicon.svg",
        "pathways/frontend/htmx/htmx.min.js",
        "pathways/core/static/pathways/init.mjs",
        "pathways/core/templates/base.html",
        "pathways/programmes/definitions/households-into-work.toml",
        "pathways/operations/migrations/0001_initial.py",
    ):
        assert needed in names, f"the wheel lacks {needed}"
    assert not any(name.startswith(("node_modules/", "var/")) for name in names)


def test_installed_away_from_the_source_it_finds_its_front_end_and_collects_it(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
         str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    env = outside_env() | {"PYTHONPATH": str(site), "DJANGO_SETTINGS_MODULE": "pathways.settings"}

    def installed(*args: str, **more: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "pathways", *args],
            env=env | more,
            cwd=tmp_path,  # not the source checkout
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    refused = installed("check")
    assert refused.returncode == 2
    assert refused.stderr.startswith("Pathways cannot start: PATHWAYS_VAR_DIR must be set")

    where = {
        "PATHWAYS_VAR_DIR": str(tmp_path / "var"),
        "PATHWAYS_STATIC_ROOT": str(tmp_path / "static"),
    }
    found = installed(
        "shell", "-v", "0", "-c", "import pathways; print(pathways.__file__)", **where
    )
    assert found.stdout.strip().startswith(str(site)), found.stderr
    collected = installed("collectstatic", "--no-input", "-v", "0", **where)
    assert collected.returncode == 0, collected.stderr
    manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
    assert manifest["pathways.css"].startswith("pathways.")
    assert "govuk/govuk-frontend.min.js" in manifest and "htmx/htmx.min.js" in manifest
    init = (tmp_path / "static" / manifest["pathways/init.mjs"]).read_text()
    assert f'from "/static/{manifest["govuk/govuk-frontend.min.js"]}"' in init
    assert (tmp_path / "static" / f"{manifest['pathways.css']}.gz").exists()  # compressed
    # Readable by all, although Pathways keeps its other files private: the image collects
    # them as root, for its own user to serve.
    for name in (manifest["pathways.css"], f"{manifest['pathways.css']}.gz", "staticfiles.json"):
        assert stat.S_IMODE((tmp_path / "static" / name).stat().st_mode) == 0o644, name
    assert stat.S_IMODE((tmp_path / "static" / "govuk").stat().st_mode) == 0o755
