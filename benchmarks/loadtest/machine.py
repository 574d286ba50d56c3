"""CPU used during the run, read from /proc (Linux): the server and its children, PostgreSQL,
this script and the whole machine."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path


def cpu_seconds(pid: int, *, reaped: bool = False) -> float:
    """User and system CPU seconds of a process and its threads so far (Linux); `reaped` adds
    its children that have ended (PostgreSQL's postmaster: the backends that have closed)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if reaped:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_cpu() -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL process on this machine, with the ended backends
    its postmaster has reaped (Linux)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        if "(postgres)" in text:
            found[int(stat.parent.name)] = cpu_seconds(int(stat.parent.name), reaped=True)
    return found


def machine_times() -> tuple[float, float]:
    """(busy, total) CPU ticks of the whole machine so far (Linux /proc/stat)."""
    try:
        ticks = [int(n) for n in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except OSError:
        return 0.0, 0.0
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)
    return sum(ticks) - idle, sum(ticks)


def children(pid: int) -> list[int]:
    """A process's children and theirs (`pathways run` → web → gunicorn's processes)."""
    try:
        direct = [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []
    return [pid for child in direct for pid in (child, *children(child))]


@dataclass
class Usage:
    """CPU seconds used during the timed run, and the share of the machine that was busy."""

    seconds: float  # the run's length
    server: float  # `pathways run` and its processes (gunicorn, worker and scheduler)
    postgres: float
    own: float  # this script
    busy: float  # of the whole machine, 0 to 1


class Meter:
    """Started as the timed run starts (the server's processes found then), stopped at its end."""

    def __init__(self, server_pid: int) -> None:
        self.watched = [server_pid, *children(server_pid)]
        self.cpu = sum(cpu_seconds(pid) for pid in self.watched)
        self.own = time.process_time()
        self.machine = machine_times()
        self.postgres = postgres_cpu()
        self.began = time.monotonic()

    def stop(self) -> Usage:
        seconds = time.monotonic() - self.began
        cpu_used = sum(cpu_seconds(pid) for pid in self.watched) - self.cpu
        own_used = time.process_time() - self.own
        machine_after = machine_times()
        postgres_after = postgres_cpu()
        postgres_used = sum(t - self.postgres.get(pid, 0.0) for pid, t in postgres_after.items())
        busy = (machine_after[0] - self.machine[0]) / max(1, machine_after[1] - self.machine[1])
        return Usage(seconds, cpu_used, postgres_used, own_used, busy)
