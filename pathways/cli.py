"""The `pathways` console command: Django's management commands under one name.

`pathways run`, `pathways demo`, `pathways migrate`, `pathways programmes load`, …
Hyphens and underscores are the same in a command's name (`demo-code` = `demo_code`).
"""

from __future__ import annotations

import os
import sys
from importlib import import_module


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pathways.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "pathways"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    try:
        # The settings first, so that a bad value in them is one clear line, not a traceback
        # (as is one read by a command, such as PATHWAYS_WEB_PROCESSES).
        import_module(os.environ["DJANGO_SETTINGS_MODULE"])
        execute_from_command_line(args)
    except ImproperlyConfigured as error:
        sys.stderr.write(f"Pathways cannot start: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
