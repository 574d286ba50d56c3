"""Keyed pseudonyms for the evaluation extract (ICO pseudonymisation guidance).

HMAC-SHA256 under a key that stays on the server (PATHWAYS_PSEUDONYM_KEY, or var/pseudonym_key
made once), narrowed to one evaluation *project*: the name the evaluator gives the extract (their
evaluation or data sharing agreement, e.g. "hiw-impact-2026"). Pathways has no project record of
its own, so the name is the project. The same project gets the same pseudonyms in every extract,
so its waves link; another project gets different ones, so two projects' files cannot be joined
on them. Without the key nobody can go from a pseudonym back to a record, or test a guess.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from pathlib import Path

from django.conf import settings

from pathways.core.env import kept_key

PROJECT_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{2,59}$")


class ProjectNameError(ValueError):
    """A project name Pathways cannot key pseudonyms by (the message says why)."""


def pseudonym_key() -> bytes:
    """The key, from PATHWAYS_PSEUDONYM_KEY or made once into var/ (readable by its owner)."""
    given = os.environ.get("PATHWAYS_PSEUDONYM_KEY")
    if given:
        return given.encode()
    return kept_key(Path(settings.VAR_DIR) / "pseudonym_key", secrets.token_urlsafe(48)).encode()


def project_name(text: str) -> str:
    """The project's name as pseudonyms are keyed by it: lower case, letters, digits, hyphens."""
    name = text.strip().lower()
    if not PROJECT_NAME.match(name):
        raise ProjectNameError(
            "Give the project a name of 3 to 60 letters, digits and hyphens, starting with a "
            "letter or digit, for example hiw-impact-2026"
        )
    return name


def project_key(key: bytes, project: str) -> bytes:
    """The key for one project's pseudonyms, derived from the server's key."""
    return hmac.new(key, f"project:{project_name(project)}".encode(), hashlib.sha256).digest()


def pseudonym(kind: str, pk: int, key: bytes) -> str:
    """A record's pseudonym under a (project) key: 24 hex digits."""
    return hmac.new(key, f"{kind}:{pk}".encode(), hashlib.sha256).hexdigest()[:24]
