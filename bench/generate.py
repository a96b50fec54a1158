"""Generate a synthetic year (``volunteer_core.synthetic``) and print it, or store it in a database.

The generator itself lives in the package (``volunteer_core.synthetic.generate_year``) so the
demo, the tests and the benchmarks share it; this script is its command line:

* without ``--db``: stream the year's records once and print what the year holds (members, branches,
  teams, pairings and their genuine duplicates, wishes by state, records by kind, reversals) and how
  fast it was generated;
* with ``--db URL`` (``sqlite:///year.db``, ``postgresql+psycopg://…``): create the schema and store the
  year through the use-cases (``SyntheticYear.load_into``: ``add_entities``, ``register_pairing``, the
  wish lifecycle, ``record_services`` in batches of ``--batch-size``, ``reverse_service``).

Run: ``.venv/bin/python bench/generate.py --members 100000 [--branches N] [--seed S] [--year Y]
[--db URL] [--batch-size 1000]``.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter

from volunteer_core.synthetic import generate_year


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--branches", type=int, help="default: one branch for every 50 members")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument("--db", help="a SQLAlchemy URL to store the year in (needs the sql extra)")
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    if args.members < 1:
        parser.error(f"--members must be at least 1, not {args.members}")
    branches = args.branches or max(2, args.members // 50)
    started = time.perf_counter()
    world = generate_year(args.year, members=args.members, branches=branches, seed=args.seed)
    print(
        f"{args.year}: {len(world.members):,} members in {len(world.branches):,} branches, "
        f"{len(world.teams):,} teams, {len(world.activities):,} activities, {len(world.pairings):,} pairings, "
        f"{len(world.wishes):,} wishes, {len(world.plans):,} plans, {len(world.reports):,} reports "
        f"({time.perf_counter() - started:.1f} s)"
    )
    wishes = Counter(w.status.value for w in world.wishes)
    print("wishes by status: " + ", ".join(f"{status} {n:,}" for status, n in sorted(wishes.items())))
    joined = sum(1 for m in world.members if m.joined_on.year == args.year)
    left = sum(1 for m in world.members if m.left_on is not None and m.left_on.year == args.year)
    print(f"members joining during the year {joined:,}, leaving {left:,}")
    if args.db is None:
        started = time.perf_counter()
        kinds: Counter[str] = Counter()
        reversals = 0
        for record in world.iter_records():
            kinds[record.kind.value] += 1
            reversals += record.reverses is not None
        seconds = time.perf_counter() - started
        total = sum(kinds.values())
        print(
            f"{total:,} records ({total / len(world.members):.1f} a member), {reversals:,} of them reversals, "
            f"generated in {seconds:.1f} s ({total / seconds:,.0f} records/s)"
        )
        print("records by kind: " + ", ".join(f"{kind} {n:,}" for kind, n in kinds.most_common()))
        return

    from volunteer_core.storage.sql import SqlUnitOfWork, create_schema

    uow = SqlUnitOfWork(args.db)
    create_schema(uow.engine)
    started = time.perf_counter()
    summary = world.load_into(uow, batch_size=args.batch_size)
    seconds = time.perf_counter() - started
    print(
        f"stored in {args.db} through the use-cases in {seconds:.1f} s: {summary.records:,} records, "
        f"{summary.reversals:,} reversals, {len(summary.refused_pairings):,} duplicate pairings refused"
    )
    uow.engine.dispose()


if __name__ == "__main__":
    main()
