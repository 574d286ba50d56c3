"""`pathways run` on a laptop: the web server, the job worker and the scheduler as three child
processes, each started again if it dies (after a pause that grows while it keeps dying), all
stopped together on Ctrl+C or SIGTERM. In production a service manager (systemd, compose) does
this instead, one unit per process: docs/deploy.md.

Each child runs in a process group of its own, and is stopped as a group: SIGTERM to the child
and whatever it started (gunicorn's workers, a second process of the outcomes recompute), then,
for any still there after STOP_GRACE seconds, SIGKILL. On Linux a child is also sent SIGTERM by
the kernel if the supervisor itself dies without stopping it (killed outright by a service
manager that would not wait). So stopping `pathways run` leaves no process behind."""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

FIRST_PAUSE, LONGEST_PAUSE = 1.0, 30.0
# A process that lived this long was working: its next death starts the pauses again.
HEALTHY_AFTER = 60.0
# The web server dying this many times running, each within HEALTHY_AFTER (its port is taken,
# say), stops everything: starting it again would not help.
WEB_GIVES_UP_AFTER = 5
# How long a stopped child (and its own children) may take to end before they are killed:
# shorter than the 10 seconds `docker stop` gives the supervisor itself.
STOP_GRACE = 8.0
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


def _end_with_parent() -> None:
    """In the child, before it runs: SIGTERM to it when the supervisor dies (Linux only)."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


PATHWAYS = [sys.executable, "-m", "pathways"]


@dataclass
class Child:
    label: str
    args: list[str]
    command: list[str] = field(default_factory=lambda: list(PATHWAYS))
    process: subprocess.Popen | None = None
    started: float = 0.0
    pause: float = FIRST_PAUSE
    quick_deaths: int = 0
    restart_at: float | None = field(default=None)

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own command
            [*self.command, *self.args], start_new_session=True, preexec_fn=_end_with_parent
        )
        self.started = time.monotonic()
        self.restart_at = None
        logger.info("Started the %s (process %s)", self.label, self.process.pid)


class Supervisor:
    def __init__(
        self,
        children: Sequence[Child],
        *,
        first_pause: float = FIRST_PAUSE,
        grace: float = STOP_GRACE,
    ) -> None:
        self.children = list(children)
        self.stopping = False
        self.grace = grace
        for child in self.children:
            child.pause = first_pause
        self.first_pause = first_pause

    def _stop(self, signum: int, frame: Any) -> None:
        self.stopping = True

    def run(self) -> int:
        previous = {s: signal.signal(s, self._stop) for s in STOP_SIGNALS}
        status = 0
        try:
            for child in self.children:
                child.start()
            while not self.stopping:
                time.sleep(min(0.5, self.first_pause))
                for child in self.children:
                    if self._tend(child):
                        self.stopping, status = True, 1
        finally:
            self._stop_all()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        return status

    def _tend(self, child: Child) -> bool:
        """Restart a child that has died, when its pause is over; True to give up entirely."""
        now = time.monotonic()
        if child.restart_at is not None:
            if now >= child.restart_at:
                child.start()
            return False
        code = child.process.poll() if child.process else None
        if code is None:
            return False
        _signal_group(child.process.pid, signal.SIGKILL)  # what it started and left behind
        lived = now - child.started
        if lived >= HEALTHY_AFTER:
            child.pause, child.quick_deaths = self.first_pause, 0
        else:
            child.quick_deaths += 1
        if child.label == "web server" and child.quick_deaths >= WEB_GIVES_UP_AFTER:
            logger.error("The web server keeps stopping (exit code %s); giving up", code)
            return True
        logger.warning(
            "The %s stopped (exit code %s) after %.0f seconds; starting it again in %.0f seconds",
            child.label,
            code,
            lived,
            child.pause,
        )
        child.restart_at = now + child.pause
        child.pause = min(child.pause * 2, LONGEST_PAUSE)
        return False

    def _stop_all(self) -> None:
        groups = [c.process.pid for c in self.children if c.process]
        for group in groups:
            _signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for child in self.children:
            if child.process and child.process.poll() is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        while time.monotonic() < deadline and any(_group_alive(g) for g in groups):
            time.sleep(0.05)  # a child's own children, ending after it
        for group in groups:
            _signal_group(group, signal.SIGKILL)  # whatever is left, however it got there
        for child in self.children:
            if child.process:
                child.process.wait()
        deadline = time.monotonic() + 5  # SIGKILL is not instant: gone before this returns
        while time.monotonic() < deadline and any(_group_alive(g) for g in groups):
            time.sleep(0.05)


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signum)


def _group_alive(group: int) -> bool:
    """A process of the group is still running (a zombie, dead but not yet reaped, is not)."""
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc = Path("/proc")
    if not proc.is_dir():  # not Linux: any member counts
        return True
    for stat in proc.glob("[0-9]*/stat"):
        try:
            state, _parent, pgrp = stat.read_text().rsplit(")", 1)[1].split()[:3]
        except (OSError, ValueError):
            continue  # gone while we looked
        if int(pgrp) == group and state != "Z":
            return True
    return False
