"""What the run saw: each request's page type, status and time, the errors, and the tables of
latency percentiles that are printed."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

LOCKED = "database is locked"


@dataclass
class Sample:
    phase: str  # "sign-in" or "run"
    role: str
    kind: str
    status: int  # 0: no response (a connection error or timeout)
    seconds: float


@dataclass
class Figures:
    samples: list[Sample] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # what went wrong, one line each
    server_errors: list[str] = field(default_factory=list)  # 5xx: method, path, status
    locked_responses: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, sample: Sample) -> None:
        with self.lock:
            self.samples.append(sample)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    if not ordered:
        return 0.0
    rank = max(1, min(len(ordered), int(-(-share * len(ordered) // 1))))
    return ordered[rank - 1]


def table(samples: list[Sample], by: str = "kind") -> list[str]:
    by_kind: dict[str, list[Sample]] = defaultdict(list)
    for sample in samples:
        by_kind[getattr(sample, by)].append(sample)
    heading = "page type" if by == "kind" else by
    lines = [
        f"  {heading:<22} {'count':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'max ms':>7} {'5xx':>4}"
    ]

    def row(name: str, group: list[Sample]) -> str:
        ordered = sorted(s.seconds * 1000 for s in group)
        five = sum(1 for s in group if s.status >= 500)
        return (
            f"  {name:<22} {len(group):>6} {percentile(ordered, 0.50):>7.0f} "
            f"{percentile(ordered, 0.95):>7.0f} {percentile(ordered, 0.99):>7.0f} "
            f"{(ordered[-1] if ordered else 0):>7.0f} {five:>4}"
        )

    for name in sorted(by_kind, key=lambda k: (-len(by_kind[k]), k)):
        lines.append(row(name, by_kind[name]))
    lines.append(row("all", samples))
    return lines
