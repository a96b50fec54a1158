"""The pure-Python core (issue 7, items 1, 2 and 4): ``evaluate_year`` in memory, against the pandas
peer, and ``find_duplicate_pairings`` at growing sizes.

``evaluate_year`` — for each size (``--members``; a synthetic year of
``volunteer_core.synthetic.generate_year``, seed 11, 50 members a branch, ~38 records a
member):

* the year's records are generated once (timed apart, "gen s") into a list, so the timed pass is the
  evaluation alone; when the list would not fit in 60% of the free memory (~300 bytes a record) the
  records are streamed from the generator instead and the generation time — measured the same way,
  median of the runs — is subtracted (the table says which: "mode");
* **ours**: ``volunteer_core.evaluate_year`` over the records with every other input of the year
  (teams, activities, pairings, plans, reports): median of ``--runs``; records/s and µs/record, and
  the deviation of µs/record from the smallest size (target: within ±25%);
* **peak memory** of one pass, ``tracemalloc`` (allocations made during the pass only: the record
  list exists before it starts), in MiB and in bytes a member; and, on the smallest size, the peak
  when the pass sees only the records of the first 3, 6 and 12 months — the same members, 4× the
  records (target: the peak does not grow with the records);
* **pandas peer** (``bench/peers/pandas_peer.py``, sizes up to ``--pandas-max`` members): the member
  rules as a competent analyst writes them, fully vectorised (integer member codes, ``np.bincount``,
  boolean member × month arrays for the full months and the months missing, ``merge`` / ``groupby``
  for the branch activities from the activities' organisers, joint pairings and linked 同过节 / 办实事,
  the records off their activity's date set apart; no Python loop or lambda per member or per row; its
  strings held as Python strings, not in Arrow — twice as fast, ``pandas_peer.python_strings`` — and
  kinds and statuses compared by categorical code).
  Building its DataFrames from the records, activities and pairings ("frame s") is timed apart
  and not counted — an analyst's frames come from a file; ours and the peer are then timed side by
  side, their calls taken in turns (median of ``--runs`` each, ``_common.interleaved_medians``;
  "ours_side_by_side_seconds") and the ratio ours / pandas reported
  (target: ≤ 1). The results are
  asserted equal member by member (net minutes, required minutes, months missing, branch activities,
  caring actions, trainings, attendances, records off their activity's date, compliant). Ours judges
  more than the peer (teams, branches, plans, reports, activities, pairings), so the ratio is
  conservative.

``find_duplicate_pairings`` — ``--pairings`` random pairings (a third as many targets, 2,000
branches, 20% open-ended). Each size runs in a fresh interpreter (``--duplicates-worker N``: generate,
then the median of ``--runs`` calls), so that no size inherits the heap an earlier size — or the 1M-member
evaluation, ~12 GB — left behind; the sizes are run ``--rounds`` times, in alternating order, and each
size's time is the median of its rounds, so a slow spell of a shared machine does not land on one size
only. Reported: the growth of the time for 4× and 10× the pairings against n·log n (target: 4× the
pairings in under 5× the time).

``--profile``: pyinstrument over one ``evaluate_year`` pass of the smallest size, written as text to
``bench/results/profile_evaluate_year.txt`` (``pip install -e '.[bench]'``).

Run: ``.venv/bin/python bench/bench_core.py [--quick] [--members 20000 100000 1000000]
[--pairings …] [--runs 5] [--rounds 3] [--pandas-max 100000] [--profile] [--skip-evaluate]
[--skip-duplicates]``.
``--quick``: 2,000 and 20,000 members, 10k and 40k pairings, one round. Tables are printed; the results are written with ``_common.write_json("core", …)``.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any

from _common import RESULTS, interleaved_medians, median_seconds, print_table, write_json

import volunteer_core as vc
from volunteer_core.synthetic import SyntheticYear, generate_year

YEAR = 2026
BYTES_PER_RECORD = 300  # a ServiceRecord in a list, measured ~270 bytes on CPython 3.11
RECORDS_PER_MEMBER = 38


def world_of(members: int) -> SyntheticYear:
    return generate_year(YEAR, members=members, branches=max(2, members // 50), seed=11)


def ours(world: SyntheticYear, records: Iterable[vc.ServiceRecord]) -> vc.YearReport:
    return vc.evaluate_year(
        YEAR,
        members=world.members,
        records=records,
        teams=world.teams,
        activities=world.activities,
        pairings=world.pairings,
        plans=world.plans,
        reports=world.reports,
    )


def available_bytes() -> int | None:
    """The memory a new allocation can have: Linux's ``MemAvailable`` (free memory plus the page cache and
    the other memory the kernel reclaims on demand), else the free pages; None when neither is known.

    The free pages alone shrink with the page cache a clone, an install or an earlier size leaves behind:
    on 2026-12-06 they put the 1,000,000-member size (~12 GB of records) on its streamed path — an hour
    longer — with 20 GB available."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024  # kB
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def fits_in_memory(members: int) -> bool:
    available = available_bytes()
    if available is None:
        return members <= 100_000
    return members * RECORDS_PER_MEMBER * BYTES_PER_RECORD < 0.6 * available


def peak_mib(func: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def agree(report: vc.YearReport, frame: Any) -> None:
    """Assert that our report and the pandas peer judge every member alike."""
    assert set(report.members) == set(frame.index), "the same members are judged"
    assert (frame[[f"missing_{m}" for m in range(1, 13)]].sum(axis=1) == frame["months_missing"]).all()
    for member_id, row in frame.iterrows():
        result = report.members[member_id]
        mine = (
            result.net_minutes,
            result.required_minutes,
            tuple(result.months_missing),
            result.branch_activities,
            result.caring_actions,
            result.trainings,
            result.attendances,
            sum(1 for v in result.violations if v.code == "record.activity_date"),
            result.compliant,
        )
        theirs = (
            int(row["net_minutes"]),
            int(row["required_minutes"]),
            tuple(m for m in range(1, 13) if row[f"missing_{m}"]),
            int(row["branch_activities"]),
            int(row["caring_actions"]),
            int(row["trainings"]),
            int(row["attendances"]),
            int(row["misdated"]),
            bool(row["compliant"]),
        )
        assert mine == theirs, f"{member_id}: ours {mine} ≠ pandas {theirs}"


def bench_evaluate(members: int, runs: int, pandas_max: int, smallest: bool) -> dict[str, Any]:
    world = world_of(members)
    materialize = fits_in_memory(members)
    row: dict[str, Any] = {"members": members, "mode": "list" if materialize else "streamed"}
    if materialize:
        started = time.perf_counter()
        records = world.records()
        row["gen_seconds"] = time.perf_counter() - started
        row["records"] = len(records)
        report = ours(world, records)
        row["ours_seconds"] = median_seconds(lambda: ours(world, records), runs)
        row["peak_mib"] = peak_mib(lambda: ours(world, records))
    else:
        records = []
        row["records"] = sum(1 for _ in world.iter_records())
        generation = median_seconds(lambda: sum(1 for _ in world.iter_records()), runs)
        both = median_seconds(lambda: ours(world, world.iter_records()), runs)
        row["gen_seconds"] = generation
        row["ours_seconds"] = both - generation
        report = ours(world, world.iter_records())
        row["peak_mib"] = peak_mib(lambda: ours(world, world.iter_records()))
    row["records_per_second"] = round(row["records"] / row["ours_seconds"])
    row["us_per_record"] = row["ours_seconds"] / row["records"] * 1e6
    row["peak_bytes_per_member"] = round(row["peak_mib"] * 2**20 / members)
    row["compliant"] = sum(1 for r in report.members.values() if r.compliant)
    if smallest and materialize:
        row["peak_by_months"] = {
            months: peak_mib(lambda months=months: ours(world, (r for r in records if r.on.month <= months)))
            for months in (3, 6, 12)
        }
        row["records_by_months"] = {
            months: sum(1 for r in records if r.on.month <= months) for months in (3, 6, 12)
        }
    if members <= pandas_max and materialize:
        from peers import pandas_peer

        started = time.perf_counter()
        member_frame = pandas_peer.members_frame(world.members, YEAR)
        record_frame = pandas_peer.records_frame(records)
        tables = {
            "activities": pandas_peer.activities_frame(world.activities),
            "activity_branches": pandas_peer.activity_branches_frame(world.activities),
            "pairings": pandas_peer.pairings_frame(world.pairings),
            "pairing_branches": pandas_peer.pairing_branches_frame(world.pairings),
        }
        row["frame_seconds"] = time.perf_counter() - started
        agree(report, pandas_peer.evaluate(member_frame, record_frame, YEAR, **tables))
        side_by_side = interleaved_medians(
            {
                "ours": lambda: ours(world, records),
                "pandas": lambda: pandas_peer.evaluate(member_frame, record_frame, YEAR, **tables),
            },
            runs,
        )
        row["pandas_seconds"] = side_by_side["pandas"]
        row["ours_side_by_side_seconds"] = side_by_side["ours"]
        row["ours_over_pandas"] = side_by_side["ours"] / side_by_side["pandas"]
        row["agree"] = True
    return row


def random_pairings(n: int, seed: int = 3) -> list[vc.Pairing]:
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
    pairings = random_pairings(n)
    found: list[vc.Violation] = []

    def run() -> None:
        found[:] = vc.find_duplicate_pairings(pairings)

    seconds = median_seconds(run, runs)
    return {"pairings": n, "seconds": seconds, "violations": len(found)}


def duplicates_in_fresh_processes(sizes: list[int], runs: int, rounds: int) -> list[dict[str, Any]]:
    """``bench_duplicates`` for each size in its own interpreter, ``rounds`` times in alternating order;
    a size's time is the median of its rounds."""
    by_size: dict[int, list[dict[str, Any]]] = {n: [] for n in sizes}
    for turn in range(rounds):
        for n in sizes if turn % 2 == 0 else sizes[::-1]:
            done = subprocess.run(
                [sys.executable, __file__, "--duplicates-worker", str(n), "--runs", str(runs)],
                capture_output=True,
                text=True,
                check=True,
            )
            by_size[n].append(json.loads(done.stdout.splitlines()[-1]))
            print(
                f"find_duplicate_pairings {n:,} (round {turn + 1}): {by_size[n][-1]['seconds']:.3f} s",
                flush=True,
            )
    rows = []
    for n in sizes:
        seconds = statistics.median(r["seconds"] for r in by_size[n])
        rows.append(
            {
                "pairings": n,
                "seconds": seconds,
                "us_per_pairing": seconds / n * 1e6,
                "violations": by_size[n][0]["violations"],
                "rounds": " / ".join(f"{r['seconds']:.3f}" for r in by_size[n]),
            }
        )
    return rows


def growth(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For every pair of sizes 4× or 10× apart: the time ratio and what n·log n predicts."""
    by_size = {r["pairings"]: r["seconds"] for r in rows}
    out = []
    for small in sorted(by_size):
        for factor in (4, 10):
            large = small * factor
            if large in by_size:
                predicted = factor * math.log(large) / math.log(small)
                out.append(
                    {
                        "from": small,
                        "to": large,
                        "factor": factor,
                        "time_ratio": by_size[large] / by_size[small],
                        "n_log_n_ratio": predicted,
                    }
                )
    return out


def profile(members: int) -> None:
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("--profile needs pyinstrument: pip install -e '.[bench]'")
        return
    world = world_of(members)
    records = world.records()
    profiler = Profiler(interval=0.0005)
    profiler.start()
    ours(world, records)
    profiler.stop()
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "profile_evaluate_year.txt"
    path.write_text(profiler.output_text(unicode=True, color=False, show_all=False), encoding="utf-8")
    print(f"profile of evaluate_year ({members:,} members, {len(records):,} records) written to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, nargs="+", default=[20_000, 100_000, 1_000_000])
    parser.add_argument(
        "--pairings", type=int, nargs="+", default=[10_000, 40_000, 100_000, 400_000, 1_000_000]
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--pandas-max", type=int, default=100_000, help="largest size the pandas peer runs at"
    )
    parser.add_argument("--quick", action="store_true", help="2,000 and 20,000 members; 10k and 40k pairings")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the duplicate-detection sizes")
    parser.add_argument("--profile", action="store_true", help="profile one pass with pyinstrument")
    parser.add_argument("--skip-evaluate", action="store_true", help="duplicate detection only")
    parser.add_argument("--skip-duplicates", action="store_true", help="evaluate_year (and peer) only")
    parser.add_argument("--duplicates-worker", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.duplicates_worker is not None:
        print(json.dumps(bench_duplicates(args.duplicates_worker, args.runs)))
        return
    sizes = [2_000, 20_000] if args.quick else sorted(args.members)
    pairing_sizes = [10_000, 40_000] if args.quick else sorted(args.pairings)
    rounds = 1 if args.quick else args.rounds

    if args.profile:
        profile(sizes[0])
    evaluated = []
    for i, members in enumerate([] if args.skip_evaluate else sizes):
        row = bench_evaluate(members, args.runs, args.pandas_max, smallest=i == 0)
        evaluated.append(row)
        progress = f"evaluate_year {members:,} members ({row['mode']}): {row['ours_seconds']:.2f} s"
        if "ours_over_pandas" in row:  # readable while the larger sizes still run
            progress += (
                f"; side by side ours {row['ours_side_by_side_seconds']:.3f} s, pandas"
                f" {row['pandas_seconds']:.3f} s: {row['ours_over_pandas']:.3f}x"
            )
        print(progress, flush=True)
    for row in evaluated:
        row["us_per_record_vs_smallest"] = (
            f"{(row['us_per_record'] / evaluated[0]['us_per_record'] - 1) * 100:+.0f}%"
        )
    if evaluated:
        print_table(
            f"evaluate_year in memory, one pass (median of {args.runs} runs; seconds)",
            [
                "members",
                "records",
                "mode",
                "gen_seconds",
                "ours_seconds",
                "records_per_second",
                "us_per_record",
                "us_per_record_vs_smallest",
                "peak_mib",
                "peak_bytes_per_member",
            ],
            evaluated,
        )
    compared = [r for r in evaluated if "pandas_seconds" in r]
    if compared:
        print_table(
            f"the pandas peer on the same records (median of {args.runs} runs; frames built beforehand; "
            "results asserted equal member by member)",
            [
                "members",
                "records",
                "frame_seconds",
                "pandas_seconds",
                "ours_side_by_side_seconds",
                "ours_over_pandas",
                "agree",
            ],
            compared,
        )
    first = evaluated[0] if evaluated else {}
    if "peak_by_months" in first:
        print_table(
            f"peak memory of one pass, {first['members']:,} members, records of the first months only",
            ["months", "records", "peak_mib"],
            [[m, first["records_by_months"][m], first["peak_by_months"][m]] for m in (3, 6, 12)],
        )

    duplicates = (
        [] if args.skip_duplicates else duplicates_in_fresh_processes(pairing_sizes, args.runs, rounds)
    )
    if duplicates:
        print_table(
            f"find_duplicate_pairings (each size in a fresh interpreter, median of {args.runs} runs; "
            f"seconds: median of {rounds} rounds in alternating order)",
            ["pairings", "seconds", "us_per_pairing", "violations", "rounds"],
            duplicates,
        )
    ratios = growth(duplicates)
    if ratios:
        print_table(
            "growth: time ratio against n·log n (target: 4× the pairings in under 5× the time)",
            ["from", "to", "factor", "time_ratio", "n_log_n_ratio"],
            ratios,
        )
    write_json(
        "core",
        {
            "runs": args.runs,
            "rounds": rounds,
            "evaluate_year": evaluated,
            "find_duplicate_pairings": duplicates,
            "growth": ratios,
        },
    )


if __name__ == "__main__":
    main()
