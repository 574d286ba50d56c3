"""The production settings, with the few overrides the test suite needs.

Set before the settings are read: the test servers speak plain http on localhost, so they must
not redirect to https. Everything else about HTTPS (secure cookies, HSTS) stays as in production.
"""

import os

os.environ.setdefault("PATHWAYS_SSL_REDIRECT", "false")

from pathways.settings import *  # noqa: E402, F403
