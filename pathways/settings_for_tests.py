"""The production settings, with the few overrides the test suite needs.

Set before the settings are read: the test servers speak plain http on localhost, so they must
not redirect to https. Everything else about HTTPS (secure cookies, HSTS) stays as in production.
"""

import os
from pathlib import Path

os.environ.setdefault("PATHWAYS_SSL_REDIRECT", "false")
# Pages are served from the source folders, unhashed: the tests do not run `collectstatic`
# (the real-server test does, and serves hashed files).
os.environ.setdefault("PATHWAYS_STATIC_FROM_FINDERS", "true")
# Receipts uploaded by tests go beside the test database, not among real ones.
os.environ.setdefault(
    "PATHWAYS_PRIVATE_FILES_DIR",
    str(Path(__file__).resolve().parents[1] / "var" / "test-private"),
)

from pathways.settings import *  # noqa: E402, F403
