"""How fast a synthetic programme is generated and imported, and the memory it takes.

    .venv/bin/python benchmarks/exchange_at_scale.py                      # SQLite, var/bench_exchange.sqlite3
    .venv/bin/python benchmarks/exchange_at_scale.py --database postgresql://postgres@127.0.0.1:5432/pathways_bench

Generates a bundle of N households (default 100,000) with `pathways.exchange.generate`, then
imports it into a fresh database with `pathways.exchange.importer` (checking every row first,
then writing, then recomputing due dates and outcomes), and prints rows a second and the peak
resident memory of each step. Not part of the test suite: numbers are for the note and
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def peak_mb() -> float:
    """The largest resident memory of this process, and of any worker process it started."""
    return max(
        resource.getrusage(who).ru_maxrss / 1024
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )


def main() -> None:
    import households_at_scale as base

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", default=f"sqlite:///{ROOT / 'var' / 'bench_exchange.sqlite3'}"
    )
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    base.fresh_database(args.database)
    base.configure(args.database)
    from django.core.management import call_command

    from pathways.exchange.generate import Settings, generate
    from pathways.exchange.importer import import_bundle
    from pathways.site.demo import create_demo

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "bundle"
        began = time.perf_counter()
        rows = generate(out, Settings(households=args.households, seed=args.seed))
        seconds = time.perf_counter() - began
        total = sum(rows.values())
        size = sum(p.stat().st_size for p in out.iterdir()) / 1e6
        print(
            f"generate {args.households:,} households: {total:,} rows ({size:,.0f} MB) in "
            f"{seconds:.1f} s, {total / seconds:,.0f} rows/s; peak memory {peak_mb():,.0f} MB"
        )
        call_command("migrate", verbosity=0)
        create_demo(households=False)
        began = time.perf_counter()
        summary = import_bundle(out)
        seconds = time.perf_counter() - began
        print(
            f"import into {args.database.split(':')[0]}: {summary.rows:,} rows in {seconds:.1f} s, "
            f"{summary.rows / seconds:,.0f} rows/s; peak memory {peak_mb():,.0f} MB"
        )
        for line in summary.lines():
            print("  " + line)
        print("  seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in summary.timings.items()))


if __name__ == "__main__":
    main()
