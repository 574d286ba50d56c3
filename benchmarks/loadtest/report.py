"""The printed figures of a run, and the tracebacks in the server's log."""

from __future__ import annotations

import os
from collections import Counter

from loadtest.figures import LOCKED, Figures, Sample, table
from loadtest.machine import Usage


def tracebacks(log_text: str) -> list[str]:
    """Each traceback in the server's log (chained exceptions kept together)."""
    found: list[list[str]] = []
    current: list[str] | None = None
    chained = False
    for line in log_text.splitlines():
        if line.startswith("Traceback (most recent call last)"):
            if current is None or not chained:
                current = []
                found.append(current)
            current.append(line)
            chained = False
        elif current is not None:
            current.append(line)
            if line.startswith(("The above exception", "During handling")):
                chained = True
            elif line and not line.startswith((" ", "\t")) and not chained:
                current = None  # the exception's own line ends it
    return ["\n".join(lines) for lines in found]


def print_no_sign_in(figures: Figures, log_text: str) -> None:
    """What went wrong when no user could sign in."""
    for line in figures.server_errors[:10] + figures.errors[:20]:
        print(f"  {line}")
    for text in tracebacks(log_text)[:1]:
        print("\n".join("    " + line for line in text.splitlines()[-30:]))


def print_figures(figures: Figures, actions: Counter, usage: Usage) -> None:
    """Signing in, then the timed run: its rate, CPU, the tables by page type and by role."""
    run = [s for s in figures.samples if s.phase == "run"]
    sign_in = [s for s in figures.samples if s.phase == "sign-in"]
    print()
    print(f"Signing in ({len(sign_in)} requests, before the timed run):")
    print("\n".join(table(sign_in)))
    print()
    print_rate_and_cpu(run, usage)
    print("\n".join(table(run)))
    print()
    print("The run by role:")
    print("\n".join(table(run, by="role")[:-1]))
    print()
    print("Actions: " + ", ".join(f"{name} {n}" for name, n in actions.most_common()))
    print()
    print(
        f"Requests in all: {len(figures.samples)} ({len(sign_in)} signing in, {len(run)} in the run)"
    )


def print_rate_and_cpu(run: list[Sample], usage: Usage) -> None:
    seconds = usage.seconds
    cores = os.cpu_count() or 1
    other = usage.busy * cores * seconds - usage.server - usage.own - usage.postgres
    print(f"The run: {seconds:.0f} s, {len(run)} requests ({len(run) / seconds:.1f} a second)")
    print(
        f"CPU (% of one core): server {usage.server / seconds * 100:.0f} (gunicorn, worker and scheduler), "
        f"PostgreSQL {usage.postgres / seconds * 100:.0f}, this script "
        f"{usage.own / seconds * 100:.0f}, everything else {max(0, other) / seconds * 100:.0f}; "
        f"the machine busy {usage.busy * 100:.0f}% of its {cores} cores"
    )


def print_problems(figures: Figures, log_text: str) -> int:
    """5xx, "database is locked", other errors and tracebacks; the exit status (1 on 5xx or
    "database is locked", else 0)."""
    five = sum(1 for s in figures.samples if s.status >= 500)
    locked_lines = sum(1 for line in log_text.splitlines() if LOCKED in line)
    found = tracebacks(log_text)
    print(f"5xx responses: {five}")
    for line in figures.server_errors[:20]:
        print(f"  {line}")
    print(
        f"'{LOCKED}': {figures.locked_responses} responses, {locked_lines} lines of the server log"
    )
    print(f"Other errors: {len(figures.errors)}")
    for line, n in Counter(figures.errors).most_common(20):
        print(f"  {n} x {line}")
    print(f"Tracebacks in the server log: {len(found)}")
    for text, n in Counter(t.splitlines()[-1] for t in found).most_common(10):
        print(f"  {n} x {text}")
    if found:
        print("The first traceback:")
        print("\n".join("    " + line for line in found[0].splitlines()[-40:]))
    failed = bool(five or figures.locked_responses or locked_lines)
    print(
        f"Exit status {int(failed)}: "
        + ("5xx or 'database is locked' seen" if failed else "no 5xx, no 'database is locked'")
    )
    return int(failed)
