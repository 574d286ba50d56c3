"""Settings come from the environment, with safe defaults, and fail fast on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from pathways.core.env import env_bool, env_int, kept_key, secret_key

REPO = Path(__file__).resolve().parents[3]


def outside_env() -> dict[str, str]:
    """This process's environment without what the test run itself set or inherited for Pathways."""
    dropped = {
        "DATABASE_URL",
        "DEBUG",
        "SECRET_KEY",
        "DJANGO_SETTINGS_MODULE",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    }
    return {
        k: v for k, v in os.environ.items() if k not in dropped and not k.startswith("PATHWAYS_")
    }


def settings_in_subprocess(env: dict[str, str], expression: str) -> str:
    """Evaluate an expression over pathways.settings in a fresh interpreter with `env`."""
    code = f"import pathways.settings as s; print(repr(({expression})))"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        env=outside_env() | env,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_without_database_url_pathways_uses_sqlite_in_wal_mode_under_var(tmp_path: Path) -> None:
    out = settings_in_subprocess(
        {"PATHWAYS_VAR_DIR": str(tmp_path)},
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], 'journal_mode=WAL' in s.DATABASES['default']['OPTIONS']['init_command'], s.DEBUG",
    )
    assert (
        out
        == f"('django.db.backends.sqlite3', PosixPath('{tmp_path}/pathways.sqlite3'), True, False)"
    )


def test_a_postgresql_url_selects_postgresql(tmp_path: Path) -> None:
    out = settings_in_subprocess(
        {
            "PATHWAYS_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgresql://app:pw@db.example:5433/pathways",
        },
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['HOST'], s.DATABASES['default']['PORT'], s.DATABASES['default']['NAME']",
    )
    assert out == "('django.db.backends.postgresql', 'db.example', 5433, 'pathways')"


def test_a_sqlite_url_is_honoured_and_still_gets_wal(tmp_path: Path) -> None:
    out = settings_in_subprocess(
        {"PATHWAYS_VAR_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/other.db"},
        "s.DATABASES['default']['NAME'], 'WAL' in s.DATABASES['default']['OPTIONS']['init_command']",
    )
    assert out == f"('{tmp_path}/other.db', True)"


def test_the_secret_key_is_generated_once_and_kept(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = secret_key(tmp_path)
    assert len(first) >= 50
    assert secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_processes_starting_together_all_get_the_one_key(tmp_path: Path) -> None:
    """Two servers (or the two test runs) starting at once: no error, one whole key for all."""
    path = tmp_path / "var" / "secret_key"
    with ThreadPoolExecutor(max_workers=8) as pool:
        keys = list(pool.map(lambda n: kept_key(path, f"key-{n}" * 10), range(32)))
    assert len(set(keys)) == 1 and keys[0].startswith("key-")
    assert kept_key(path, "a later one") == keys[0]
    assert path.stat().st_mode & 0o077 == 0
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary files left


def test_a_given_secret_key_wins(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    assert secret_key(tmp_path) == "from-the-environment"
    assert not (tmp_path / "secret_key").exists()


@pytest.mark.parametrize("value", ["maybe", "2", "yes please"])
def test_an_unclear_yes_or_no_is_a_configuration_error(monkeypatch, value: str) -> None:
    monkeypatch.setenv("DEBUG", value)
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        env_bool("DEBUG")


def test_a_number_that_is_not_a_number_is_a_configuration_error(monkeypatch) -> None:
    monkeypatch.setenv("PATHWAYS_LOCKOUT_MINUTES", "half an hour")
    with pytest.raises(
        ImproperlyConfigured, match="PATHWAYS_LOCKOUT_MINUTES must be a whole number"
    ):
        env_int("PATHWAYS_LOCKOUT_MINUTES", 30)


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    env = {
        "PATHWAYS_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "x" * 20 + "production-like-secret-key-with-enough-variety-0123456789",
        "ALLOWED_HOSTS": "pathways.example.org",
        "DJANGO_SETTINGS_MODULE": "pathways.settings",
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pathways", "check", "--deploy", "--fail-level", "WARNING"],
        env=outside_env() | env,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


BAD_VALUES = {
    "DEBUG": "maybe",
    "DATABASE_URL": "mysql-ish://nowhere",
    "PATHWAYS_TRUSTED_PROXIES": "10.0.0.0/8,the-load-balancer",
    "PATHWAYS_BEHIND_PROXY": "true",
    "PATHWAYS_BASE_URL": "pathways.example.gov.uk",
    "PATHWAYS_LOG_FORMAT": "xml",
    "LOG_LEVEL": "LOUD",
    "SENTRY_DSN": "not-a-dsn",
    "PATHWAYS_WORKER_SILENT_SECONDS": "2",
    "PATHWAYS_TASK_BACKEND": "celery",
    "PATHWAYS_LOCKOUT_MINUTES": "half an hour",
    "PATHWAYS_WEB_PROCESSES": "many",
    "PATHWAYS_FILE_STORAGE": "ftp",
}


def test_a_bad_value_of_any_variable_is_one_line_naming_it(tmp_path: Path) -> None:
    def start(item: tuple[str, str]) -> tuple[str, subprocess.CompletedProcess]:
        name, value = item
        result = subprocess.run(  # noqa: S603
            [sys.executable, "-m", "pathways", "web"],
            env=outside_env() | {"PATHWAYS_VAR_DIR": str(tmp_path), name: value},
            capture_output=True,
            text=True,
            cwd=REPO,
            check=False,
            timeout=60,
        )
        return name, result

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(start, BAD_VALUES.items()))
    for name, result in results:
        assert result.returncode == 2, (name, result.stderr)
        [line] = result.stderr.splitlines()
        assert line.startswith(f"Pathways cannot start: {name} "), line


def test_a_bucket_must_be_named_for_files_in_object_storage(tmp_path: Path) -> None:
    env = {"PATHWAYS_VAR_DIR": str(tmp_path), "PATHWAYS_FILE_STORAGE": "s3"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pathways", "check"],
        env=outside_env() | env,
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr == (
        "Pathways cannot start: PATHWAYS_S3_BUCKET must name the bucket when "
        "PATHWAYS_FILE_STORAGE is s3\n"
    )
    named = settings_in_subprocess(
        env | {"PATHWAYS_S3_BUCKET": "council-pathways", "PATHWAYS_S3_ENCRYPTION": "none"},
        "s.S3_OPTIONS['bucket_name'], s.S3_OPTIONS['object_parameters']",
    )
    assert named == "('council-pathways', {})"
