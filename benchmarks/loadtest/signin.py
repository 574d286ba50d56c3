"""Signing a simulated user in through the real pages: the password, then the demo account's
current authenticator code.

django-otp accepts a device's code once per 30-second step (`last_t`), and accepting a
neighbouring step's code would move the device's stored drift; so the users sharing an account
sign in one per step, each with the code of the current step.
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from collections import defaultdict

from loadtest.browser import Browser
from loadtest.scenario import DEMO_PASSWORD

CODE_MARGIN = 10  # seconds a code must have left when it is sent


class Codes:
    """The current code of a demo account's authenticator, one per 30-second step."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.account_locks: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self.used: dict[str, int] = {}

    def _read(self, username: str) -> tuple[str, int, int, float]:
        from django.db import connection
        from django_otp.oath import TOTP
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from pathways.accounts.services import current_totp_code

        with self.lock:
            try:
                device = TOTPDevice.objects.get(user__username=username, confirmed=True)
            finally:
                connection.close()
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        left = device.step - ((time.time() - device.t0) % device.step)
        return current_totp_code(device), totp.t(), device.last_t, left

    def sign_in(self, browser: Browser, username: str) -> bool:
        """Password, then the code; True when the start page is reached."""
        browser.get("/account/sign-in/")
        reply = browser.post(
            "/account/sign-in/",
            {
                "csrfmiddlewaretoken": browser.csrf(),
                "username": username,
                "password": DEMO_PASSWORD,
            },
        )
        if "/two-factor/verify/" not in reply.path:
            browser.figures.error(f"{browser.name}: the password was not accepted ({reply.path})")
            return False
        with self.account_locks[username]:
            tries = 0
            while tries < 2:
                code, step, last_t, left = self._read(username)
                if step <= max(last_t, self.used.get(username, -1)) or left < CODE_MARGIN:
                    # This step's code is used, or would expire before a busy server checks it
                    # (a neighbouring step's code would be accepted but move the device's drift).
                    time.sleep(left + 0.5)
                    continue
                tries += 1
                reply = browser.post(
                    "/account/two-factor/verify/",
                    {"csrfmiddlewaretoken": browser.csrf(), "code": code},
                )
                if urllib.parse.urlsplit(reply.path).path == "/" and reply.status == 200:
                    self.used[username] = step
                    return True
                browser.figures.error(
                    f"{browser.name}: the code was not accepted (HTTP {reply.status} {reply.path})"
                )
                time.sleep(left + 0.5)
        return False
