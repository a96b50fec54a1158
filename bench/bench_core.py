"""Core benchmarks: evaluate_year over a synthetic year, find_duplicate_pairings at growing sizes.

Run: ``.venv/bin/python bench/bench_core.py`` (prints a table; median of 5 runs; writes JSON with ``--json``).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import volunteer_core as vc
from volunteer_core.testing.synthetic import generate_year


def _median_seconds(func: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_evaluate_year(members: int, runs: int) -> dict[str, Any]:
    world = generate_year(2026, members=members, branches=max(2, members // 50), seed=11)
    records = world.records()

    def evaluate() -> vc.YearReport:
        return vc.evaluate_year(
            2026,
            members=world.members,
            records=iter(records),
            teams=world.teams,
            activities=world.activities,
            pairings=world.pairings,
            plans=world.plans,
            reports=world.reports,
        )

    seconds = _median_seconds(evaluate, runs)
    tracemalloc.start()
    vc.evaluate_year(2026, members=world.members, records=world.iter_records(), teams=world.teams)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "members": members,
        "records": len(records),
        "seconds": round(seconds, 4),
        "records_per_second": round(len(records) / seconds),
        "peak_mib_streamed": round(peak / 2**20, 2),
    }


def _pairings(n: int, seed: int = 3) -> list[vc.Pairing]:
    rng = random.Random(seed)
    targets = max(1, n // 3)
    out = []
    for i in range(n):
        start = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 3650))
        end = None if rng.random() < 0.2 else start + timedelta(days=rng.randrange(30, 720))
        out.append(
            vc.Pairing(
                id=f"p{i}",
                branch_ids={f"b{rng.randrange(2000)}"},
                target_id=f"u{rng.randrange(targets)}",
                mode=vc.PairingMode.SOLO,
                period=vc.DateRange(start, end),
            )
        )
    return out


def bench_duplicates(n: int, runs: int) -> dict[str, Any]:
    pairings = _pairings(n)
    found: list[vc.Violation] = []

    def run() -> None:
        found[:] = vc.find_duplicate_pairings(pairings)

    seconds = _median_seconds(run, runs)
    return {"pairings": n, "seconds": round(seconds, 4), "groups": len(found)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--members", type=int, nargs="*", default=[2500, 10000])
    parser.add_argument("--pairings", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--json", help="write the results to this file")
    args = parser.parse_args()
    results: dict[str, list[dict[str, Any]]] = {"evaluate_year": [], "find_duplicate_pairings": []}
    print(f"{'members':>10}{'records':>10}{'median s':>10}{'records/s':>12}{'peak MiB':>10}")
    for members in args.members:
        row = bench_evaluate_year(members, args.runs)
        results["evaluate_year"].append(row)
        print(
            f"{row['members']:>10}{row['records']:>10}{row['seconds']:>10}{row['records_per_second']:>12}"
            f"{row['peak_mib_streamed']:>10}"
        )
    print(f"\n{'pairings':>10}{'median s':>10}{'groups':>10}")
    for n in args.pairings:
        row = bench_duplicates(n, args.runs)
        results["find_duplicate_pairings"].append(row)
        print(f"{row['pairings']:>10}{row['seconds']:>10}{row['groups']:>10}")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
