"""The library in memory against an analyst's DuckDB query over a Parquet export of the year (issue 19:
reported, no target).

For each size (``--members``; the synthetic year of ``bench_core.world_of``: seed 11, 50 members a
branch, ~38 records a member, the records generated once into a list):

* **export** (one run, timed apart, not part of the query time): the year's members and their skills,
  records, activities and their organisers, pairings and their branches, one DataFrame a table written
  with ``DataFrame.to_parquet`` into a temporary directory (``peers.duckdb_peer.export``: the library has
  no Parquet export of its own); the size of the files;
* **ours**: ``volunteer_core.evaluate_year`` over the records held in a list, with every other input of
  the year (as ``bench_core``);
* **duckdb**: ``peers.duckdb_peer.member_rules`` — one SQL query over views on ``read_parquet`` (each run
  reads the files, from the operating system's cache), the result fetched as a DataFrame — with DuckDB's
  default worker threads (one a core) and with ``SET threads = 1`` (the library runs on one core).

The three are timed in turns (``_common.interleaved_medians``, median of ``--runs``); the ratios
ours / DuckDB are reported. DuckDB's rows are first asserted equal to the library's report member by
member (:func:`agree`: net minutes, required minutes, months missing, branch activities, caring
actions, trainings, attendances, records off their activity's date, compliant);
``bench/check_duckdb_peer.py`` checks the agreement on small disturbed years.

Run: ``.venv/bin/python bench/bench_duckdb.py [--members 20000 100000] [--runs 5] [--quick]``.
``--quick``: 2,000 and 20,000 members. Tables are printed; the results are written with
``_common.write_json("duckdb", …)``.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

import pandas as pd
from _common import interleaved_medians, print_table, write_json
from bench_core import YEAR, ours, world_of
from peers import duckdb_peer

import volunteer_core as vc


def agree(report: vc.YearReport, frame: pd.DataFrame) -> None:
    """Assert that our report and the DuckDB peer's rows judge every member alike."""
    assert set(report.members) == set(frame.index), "the same members are judged"
    columns = [
        "net_minutes",
        "required_minutes",
        "months_missing",
        "branch_activities",
        "caring_actions",
        "trainings",
        "attendances",
        "misdated",
        "compliant",
    ]
    for member_id, *values in zip(frame.index, *(frame[c] for c in columns), strict=True):
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
        net, required, missing, branch, caring, trainings, attendances, misdated, compliant = values
        theirs = (
            int(net),
            int(required),
            tuple(int(m) for m in missing),
            int(branch),
            int(caring),
            int(trainings),
            int(attendances),
            int(misdated),
            bool(compliant),
        )
        assert mine == theirs, f"{member_id}: ours {mine} ≠ DuckDB {theirs}"


def bench_size(members: int, runs: int) -> dict[str, Any]:
    world = world_of(members)
    started = time.perf_counter()
    records = world.records()
    row: dict[str, Any] = {"members": members, "records": len(records)}
    row["gen_seconds"] = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="volunteer-duckdb-") as name:
        directory = Path(name)
        started = time.perf_counter()
        sizes = duckdb_peer.export(
            directory,
            members=world.members,
            records=records,
            activities=world.activities,
            pairings=world.pairings,
        )
        row["export_seconds"] = time.perf_counter() - started
        row["parquet_mib"] = sum(sizes.values()) / 2**20
        parallel = duckdb_peer.connect(directory)
        single = duckdb_peer.connect(directory, threads=1)
        row["duckdb_threads"] = duckdb_peer.settings(parallel)["threads"]
        report = ours(world, records)
        agree(report, duckdb_peer.member_rules(parallel, YEAR))
        agree(report, duckdb_peer.member_rules(single, YEAR))
        row["compliant"] = sum(1 for r in report.members.values() if r.compliant)
        del report  # checked: not kept alive while timing
        timings = interleaved_medians(
            {
                "ours": lambda: ours(world, records),
                "duckdb": lambda: duckdb_peer.member_rules(parallel, YEAR),
                "duckdb_1_thread": lambda: duckdb_peer.member_rules(single, YEAR),
            },
            runs,
        )
        parallel.close()
        single.close()
    row["ours_seconds"] = timings["ours"]
    row["duckdb_seconds"] = timings["duckdb"]
    row["duckdb_1_thread_seconds"] = timings["duckdb_1_thread"]
    row["ours_over_duckdb"] = timings["ours"] / timings["duckdb"]
    row["ours_over_duckdb_1_thread"] = timings["ours"] / timings["duckdb_1_thread"]
    row["agree"] = True
    return row


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, nargs="+", default=[20_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="2,000 and 20,000 members")
    args = parser.parse_args()
    sizes = [2_000, 20_000] if args.quick else sorted(args.members)
    rows = []
    for members in sizes:
        rows.append(bench_size(members, args.runs))
        print(
            f"{members:,} members: ours {rows[-1]['ours_seconds']:.3f} s, "
            f"DuckDB {rows[-1]['duckdb_seconds']:.3f} s",
            flush=True,
        )
    print_table(
        "the Parquet export, one run (seconds; not part of the query time)",
        ["members", "records", "gen_seconds", "export_seconds", "parquet_mib"],
        rows,
    )
    print_table(
        f"evaluate_year in memory vs one DuckDB {duckdb_peer.duckdb_version()} query over the Parquet files "
        f"(in turns, median of {args.runs} runs, seconds; results agree member by member)",
        [
            "members",
            "records",
            "ours_seconds",
            "duckdb_threads",
            "duckdb_seconds",
            "duckdb_1_thread_seconds",
            "ours_over_duckdb",
            "ours_over_duckdb_1_thread",
            "agree",
        ],
        rows,
    )
    write_json("duckdb", {"duckdb": duckdb_peer.duckdb_version(), "runs": args.runs, "results": rows})


if __name__ == "__main__":
    main()
