"""How long recomputing every outcome of a 100,000-household programme takes, and its memory.

    .venv/bin/python benchmarks/outcomes_at_scale.py                      # SQLite, var/bench_outcomes.sqlite3
    .venv/bin/python benchmarks/outcomes_at_scale.py --database postgresql://postgres@127.0.0.1:5432/pathways_bench

It builds the households of `households_at_scale.py` (100,000 households, about 200,000 adult
participants), then for every participant star readings (two to four, most improving), a few
activities (most completed) and, for about a third, spells of work (some short, some with gaps
and changes of hours). It then times `recompute_programme` (as `pathways outcomes recompute`
does: batches of 1,000 households), printing households a second and the process's resident
memory as it goes (flat memory = batches, not everything at once), runs it a second time (nothing
changes: the usual nightly case), and times one household's recompute after a correction.
Not part of the test suite: numbers are for the note and docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def rss_mb() -> float:
    """The process's resident memory now, in MB (Linux)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def add_records(rng: random.Random) -> dict[str, int]:
    """Readings, activities and spells for every adult participant, by bulk insert."""
    from django.db import transaction

    from pathways.assessments.models import Instrument, Reading, Score
    from pathways.casework.models import Activity
    from pathways.households.models import Person
    from pathways.outcomes.models import EmploymentSpell

    instrument = Instrument.objects.get(code="progress-star")
    points = list(instrument.points.all())
    today = dt.date.today()
    counts = {"readings": 0, "scores": 0, "activities": 0, "spells": 0}
    adults = Person.objects.filter(role__in=["primary", "partner"]).values_list(
        "id", "household__start_date"
    )
    readings: list[Reading] = []
    values: list[list[int]] = []
    activities: list[Activity] = []
    spells: list[EmploymentSpell] = []

    def flush() -> None:
        with transaction.atomic():
            made = Reading.objects.bulk_create(readings, batch_size=2000)
            Score.objects.bulk_create(
                [
                    Score(reading_id=reading.pk, point=point, worker=value)
                    for reading, row in zip(made, values, strict=True)
                    for point, value in zip(points, row, strict=True)
                ],
                batch_size=5000,
            )
            Activity.objects.bulk_create(activities, batch_size=2000)
            EmploymentSpell.objects.bulk_create(spells, batch_size=2000)
        counts["readings"] += len(readings)
        counts["scores"] += len(readings) * len(points)
        counts["activities"] += len(activities)
        counts["spells"] += len(spells)
        readings.clear(), values.clear(), activities.clear(), spells.clear()

    for person_id, start in adults.iterator(chunk_size=5000):
        scores = [rng.randint(1, 3) for _ in points]
        day = start + dt.timedelta(days=rng.randint(0, 14))
        for _ in range(rng.randint(2, 4)):
            if day > today:
                break
            readings.append(Reading(person_id=person_id, instrument=instrument, date=day))
            values.append(list(scores))
            scores = [min(5, max(1, s + rng.choice([-1, 0, 0, 1, 1]))) for s in scores]
            day += dt.timedelta(weeks=12)
        activities.extend(_activities(rng, person_id, start, today))
        spells.extend(_spells(rng, person_id, start, today))
        if len(readings) >= 20_000:
            flush()
    flush()
    return counts


def _activities(rng: random.Random, person_id: int, start: dt.date, today: dt.date) -> list:
    """None to three activities agreed in the first 200 days, most of the due ones completed."""
    from pathways.casework.models import Activity

    activities = []
    for _ in range(rng.randint(0, 3)):
        agreed = start + dt.timedelta(days=rng.randint(0, 200))
        done = rng.random() < 0.6 and agreed + dt.timedelta(days=30) <= today
        activities.append(
            Activity(
                person_id=person_id,
                activity_type=rng.choice(["course", "work_related", "job_search", "health"]),
                agreed_date=agreed,
                status="completed" if done else "agreed",
                completed_date=agreed + dt.timedelta(days=rng.randint(1, 30)) if done else None,
                hours=Decimal(rng.choice([2, 5, 10])),
            )
        )
    return activities


def _spells(rng: random.Random, person_id: int, start: dt.date, today: dt.date) -> list:
    """For about a third, one to three spells of work, some short, with gaps between them."""
    from pathways.outcomes.models import EmploymentSpell

    spells = []
    if rng.random() < 0.33:
        begin = start + dt.timedelta(days=rng.randint(-30, 300))
        for _ in range(rng.randint(1, 3)):
            if begin > today:
                break
            length = rng.choice([10, 20, 27, 28, 60, 120, 250])
            end = begin + dt.timedelta(days=length)
            spells.append(
                EmploymentSpell(
                    person_id=person_id,
                    employer="Example Employer Ltd",
                    start_date=begin,
                    end_date=None if end > today else end,
                    hours_per_week=Decimal(rng.choice([8, 12, 16, 20, 30, 37.5])),
                )
            )
            begin = end + dt.timedelta(days=rng.choice([1, 5, 7, 8, 30]))
    return spells


def main() -> None:
    import households_at_scale as base

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database", default=f"sqlite:///{ROOT / 'var' / 'bench_outcomes.sqlite3'}"
    )
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument(
        "--reuse", action="store_true", help="Keep the database of an earlier run; only recompute"
    )
    args = parser.parse_args()

    if not args.reuse:
        base.fresh_database(args.database)
    base.configure(args.database)
    from django.db import connection

    from pathways.households.models import Household
    from pathways.outcomes.batches import recompute_programme
    from pathways.outcomes.models import EmploymentSpell, Outcome
    from pathways.outcomes.spells import correct_spell
    from pathways.programmes.models import Programme

    if args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        with connection.cursor() as cursor:  # quicker than Django's delete for 500,000 rows
            cursor.execute(f"DELETE FROM {Outcome._meta.db_table}")  # noqa: S608 - a model's table
        print(f"database: {connection.vendor}, reused from an earlier run; outcomes cleared")
    else:
        loaded = base.load(args.households, args.seed)
        began = time.perf_counter()
        records = add_records(random.Random(args.seed))  # noqa: S311 - invented data
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(
            f"database: {connection.vendor}; {loaded['households']:,} households, "
            f"{loaded['people']:,} people"
        )
        print(
            f"records: {records['readings']:,} readings ({records['scores']:,} scores), "
            f"{records['activities']:,} activities, {records['spells']:,} spells "
            f"(added in {time.perf_counter() - began:.0f} s)"
        )
    programme = Programme.objects.get(code="households-into-work")

    import resource

    for run in ("first (every outcome new)", "second (nothing changed)"):
        count = Household.objects.filter(programme=programme).count()
        start = time.perf_counter()
        total = recompute_programme(programme, batch=args.batch, workers=args.workers)
        seconds = time.perf_counter() - start
        print(
            f"recompute, {run}: {seconds:.1f} s, {count / seconds:,.0f} households/s; "
            f"{total.created:,} created, {total.updated:,} updated, {total.withdrawn:,} withdrawn, "
            f"{total.unchanged:,} unchanged"
        )
        children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        print(
            f"  peak resident memory: this process {rss_mb():.0f} MB now, workers {children:.0f} MB"
        )
    print(f"outcomes: {Outcome.objects.count():,}")

    spell = EmploymentSpell.objects.order_by("pk").first()
    start = time.perf_counter()
    correct_spell(actor=None, spell=spell, end_date=spell.start_date)
    print(
        f"one correction (spell saved, its household recomputed): {(time.perf_counter() - start) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
