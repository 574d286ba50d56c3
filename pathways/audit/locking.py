"""The SQLite side of the append-only audit log: the function its triggers ask (migration
0003). It answers "locked" always, except inside `unlocked_for_emptying()`, which only the
test suite uses, to empty its database between tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

_unlocked = False


@contextmanager
def unlocked_for_emptying() -> Iterator[None]:
    global _unlocked
    _unlocked = True
    try:
        yield
    finally:
        _unlocked = False


def define_lock(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On each new SQLite connection, the function the audit triggers call."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "pathways_audit_unlocked", 0, lambda: int(_unlocked), deterministic=False
        )
