"""A thread that tells the database, every few seconds, that this process is alive."""

from __future__ import annotations

import contextlib
import logging
import threading

from django.db import DatabaseError, connection
from django.utils import timezone

from pathways.operations import services

logger = logging.getLogger(__name__)
EVERY_SECONDS = 15.0


class Heartbeat:
    """Beats once at start (so /readyz knows at once), then every EVERY_SECONDS from a thread
    of its own; `stop` removes the process's row, so a clean stop is not mistaken for a hang."""

    def __init__(self, kind: str, every: float = EVERY_SECONDS) -> None:
        self.kind = kind
        self.every = every
        self.name = services.process_name()
        self.started_at = timezone.now()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{kind}-heartbeat", daemon=True)

    def start(self) -> Heartbeat:
        self.beat()
        self._thread.start()
        return self

    def beat(self) -> None:
        try:
            services.beat(kind=self.kind, name=self.name, started_at=self.started_at)
        except DatabaseError as error:  # busy (SQLite) or away: the next beat tries again
            logger.warning("Could not record that the %s is alive: %s", self.kind, error)

    def _run(self) -> None:
        while not self._stopping.wait(self.every):
            self.beat()
            connection.close()  # the thread's own connection: none is held between beats

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.ident is not None:  # started (a stop can come before it is)
            self._thread.join(timeout=self.every + 5)
        with contextlib.suppress(DatabaseError):  # else it will be seen as silent instead
            services.stopped(name=self.name)
