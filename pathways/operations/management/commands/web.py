"""`pathways web`: the production web server (gunicorn), one per app machine."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from gunicorn.app.base import BaseApplication

from pathways.core.env import env_int, env_str
from pathways.operations import health


class PathwaysServer(BaseApplication):
    """gunicorn, configured here rather than by a file, serving pathways.wsgi."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from pathways.wsgi import application  # in each worker process, after the fork

        return application


def production_problems() -> list[str]:
    """What must be set before serving over HTTPS to real users."""
    if not settings.SECURE:
        return []
    return [
        f"{name} must be set (and be the same on every app machine): {why}"
        for name, why in (
            ("SECRET_KEY", "it signs sessions and set-up links"),
            ("PATHWAYS_PSEUDONYM_KEY", "it keys the evaluation extract's pseudonyms"),
        )
        if not os.environ.get(name)
    ]


def gunicorn_logging() -> dict[str, Any]:
    """Our logging, with gunicorn's own lines handed to it (so they too are JSON when asked)."""
    handed_on = {"handlers": [], "propagate": True}
    loggers = settings.LOGGING["loggers"] | {
        "gunicorn.error": {"level": "INFO", **handed_on},
        "gunicorn.access": {"level": "WARNING", **handed_on},
    }
    return settings.LOGGING | {"loggers": loggers}


class Command(BaseCommand):
    help = "Serve Pathways with gunicorn: `pathways web [--host H] [--port P]`."
    requires_system_checks = []  # `pathways check --deploy` is for that; start quickly

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=env_str("PATHWAYS_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=env_int("PATHWAYS_PORT", 8000, minimum=1))
        parser.add_argument(
            "--processes",
            type=int,
            default=env_int("PATHWAYS_WEB_PROCESSES", 2, minimum=1),
            help="worker processes (about one per core)",
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=env_int("PATHWAYS_WEB_THREADS", 8, minimum=1),
            help="threads per process",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        problems = production_problems()
        collected = health.static_files()
        if not collected.ok:
            problems.append(f"Static files are {collected.detail}")
        if problems:
            raise CommandError("Pathways cannot serve yet:\n- " + "\n- ".join(problems))
        PathwaysServer(
            {
                "bind": f"{options['host']}:{options['port']}",
                "workers": options["processes"],
                "threads": options["threads"],
                "worker_class": "gthread",
                # X-Forwarded-Proto is believed from these proxies only (none by default);
                # the client's address is read the same way (pathways/core/network.py).
                "forwarded_allow_ips": ",".join(settings.TRUSTED_PROXIES),
                "timeout": 120,  # a report pack's PDF can take a while; a hung worker cannot
                "graceful_timeout": 30,
                "keepalive": 5,
                # A fresh worker process now and then, so nothing can grow for ever.
                "max_requests": 2000,
                "max_requests_jitter": 200,
                "accesslog": None,  # our own access line, with the request id: core/logs.py
                "logconfig_dict": gunicorn_logging(),
                "proc_name": "pathways-web",
                # One server per machine, managed by systemd or compose: no control socket in
                # the user's home directory.
                "control_socket_disable": True,
            }
        ).run()
