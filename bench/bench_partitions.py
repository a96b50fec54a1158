"""The partitioned PostgreSQL schema and the sharded evaluation: the measured numbers of
docs/national-scale.md.

One synthetic year (``--members``; ``volunteer_core.synthetic``, seed 11, 50 members a branch, ~38 records
a member) is stored in a PostgreSQL server that this script starts itself, in one schema per layout: the
unpartitioned one and ``create_schema(..., partitions=P)`` for each ``--partitions`` (the year loaded once
with bulk INSERTs of the storage's own rows — ``bench_sql.load`` — then copied schema to schema with
``INSERT … SELECT``, the ledger's triggers firing; ``VACUUM ANALYZE``; none of it timed). The layouts are
measured in turns, run after run. The server runs without parallel query (``max_parallel_workers_per_gather=0``): every number is one core's. For each
layout, median of ``--runs``:

* **totals**: ``SqlUnitOfWork.member_year_totals`` — the pushdown's three statements over the whole year;
* **per partition**: ``EXPLAIN (ANALYZE)`` of the pushdown's per-member ``GROUP BY`` with partitionwise
  aggregation (what ``member_year_totals`` switches on): the actual time of each partition's aggregate —
  the slowest and the mean, in ms — the records of a partition and the µs a record (what one core of a
  Citus worker spends on a shard of the same size);
* **shards** (``--shards``, on the last layout), the median over the shards ``k`` of ``n`` (``n = 1``: the
  whole year): the **task**, ``services.evaluate_year(uow, year, shard=(k, n))`` on the database — today
  the whole year's totals, then the shard's members judged — taken in turns with the **totals** alone;
  and the **judging** alone, in memory: ``compliance.evaluate_year_totals`` over the shard's members and
  their totals (read once), in seconds; the **shared** part of it, what a shard with no member judges
  (the master data's rules: teams, activities, pairings, branches' deadlines, judged by every shard); and
  the µs a judged member (judging less shared). The merge of the shards' reports
  (``YearReport.merge``) is asserted equal to the whole year's.

Run: ``.venv/bin/python bench/bench_partitions.py [--members 20000] [--partitions 4 8] [--shards 4 8]
[--runs 3] [--quick]``. Tables are printed; the results are written with
``_common.write_json("partitions", …)``.
"""

from __future__ import annotations

import argparse
import functools
import json
import statistics
import time
from datetime import date
from typing import Any

import sqlalchemy as sa
from _common import interleaved_medians, median_seconds, print_table, write_json
from bench_sql import load

from volunteer_core import compliance, services
from volunteer_core.storage.sql import (
    SqlUnitOfWork,
    _totals,  # the pushdown's statements, for EXPLAIN
    create_schema,
)
from volunteer_core.storage.sql import _schema as s  # the tables to copy between layouts
from volunteer_core.synthetic import generate_year
from volunteer_core.testing.postgres import temporary_postgres

YEAR = 2026
SETTINGS = ("work_mem=64MB", "shared_buffers=1GB", "max_parallel_workers_per_gather=0")


def _engine(url: str, schema: str) -> sa.Engine:
    return sa.create_engine(url, connect_args={"options": f"-c search_path={schema}"})


def _copy(source: str, engine: sa.Engine) -> None:
    """Copy every table of schema ``source`` into the engine's schema (parents first)."""
    with engine.begin() as conn:
        for table in s.metadata.sorted_tables:
            if table.name == "schema_version":
                continue
            columns = ", ".join(f'"{c.name}"' for c in table.columns)
            conn.exec_driver_sql(
                f'INSERT INTO "{table.name}" ({columns}) SELECT {columns} FROM {source}."{table.name}"'
            )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")


def _params() -> dict[str, Any]:
    return {
        "start": date(YEAR, 1, 1),
        "end": date(YEAR, 12, 31),
        "until": date(YEAR, 12, 31),
        **{f"m{k}": date(YEAR, k, 1) for k in range(1, 13)},
        "m13": date(YEAR + 1, 1, 1),
    }


def _partition_times(engine: sa.Engine) -> list[tuple[float, int]]:
    """(ms, rows) of each partition's aggregate in ``EXPLAIN (ANALYZE)`` of the per-member GROUP BY (one
    entry, the whole aggregate, on an unpartitioned schema)."""
    per_member = _totals._statements(False)[0]
    with engine.begin() as conn, _totals.partitionwise(conn):
        sql = per_member.params(**_params()).compile(
            dialect=conn.dialect, compile_kwargs={"literal_binds": True}
        )
        found = conn.exec_driver_sql(
            f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", execution_options={"no_parameters": True}
        ).scalar()
    plan = (found if isinstance(found, list) else json.loads(str(found)))[0]["Plan"]
    children = plan["Plans"] if plan["Node Type"] == "Append" else [plan]
    return [(float(c["Actual Total Time"]), int(c["Plans"][0]["Actual Rows"])) for c in children]


def bench_layouts(url: str, layouts: list[int | None], members: int, runs: int) -> list[dict[str, Any]]:
    """Totals and the per-partition aggregate of every layout, the layouts taken in turns run after run
    (a slow spell of this shared machine falls on all of them)."""
    engines = {p: _engine(url, _schema_of(p)) for p in layouts}
    uows = {p: SqlUnitOfWork(engine) for p, engine in engines.items()}

    def totals(uow: SqlUnitOfWork) -> None:
        with uow:
            uow.member_year_totals(YEAR)

    seconds = interleaved_medians({str(p): functools.partial(totals, uow) for p, uow in uows.items()}, runs)
    times: dict[int | None, list[list[tuple[float, int]]]] = {p: [] for p in layouts}
    for _ in range(runs):
        for p, engine in engines.items():
            times[p].append(_partition_times(engine))
    rows = []
    for p in layouts:
        slowest = statistics.median(max(ms for ms, _ in t) for t in times[p])
        mean = statistics.median(statistics.fmean(ms for ms, _ in t) for t in times[p])
        records = statistics.fmean(n for _, n in times[p][0])
        rows.append(
            {
                "layout": "unpartitioned" if p is None else f"{p} partitions",
                "members": members,
                "totals_seconds": round(seconds[str(p)], 3),
                "partition_ms_max": round(slowest, 1),
                "partition_ms_mean": round(mean, 1),
                "records_a_partition": round(records),
                "us_a_record": round(mean * 1000 / records, 3),
            }
        )
    for engine in engines.values():
        engine.dispose()
    return rows


def _schema_of(partitions: int | None) -> str:
    return "public" if partitions is None else f"p{partitions}"


def bench_shards(url: str, schema: str, shards: list[int], runs: int) -> list[dict[str, Any]]:
    """Per shard: ``services.evaluate_year(uow, year, shard=(k, n))`` on the database (what a task costs
    today: the whole year's totals, then its members judged), taken in turns with the totals alone; and
    the judging alone, in memory — ``compliance.evaluate_year_totals`` over the shard's members and
    totals, read once — whose merge is asserted equal to the whole year's report."""
    engine = _engine(url, schema)
    uow = SqlUnitOfWork(engine)
    with uow:
        totals = uow.member_year_totals(YEAR)
        people = uow.members.list()
        common: dict[str, Any] = {
            "teams": uow.teams.list(),
            "activities": uow.activities.in_year(YEAR),
            "pairings": uow.pairings.list(),
            "plans": [p for p in uow.plans.list() if p.year == YEAR],
            "reports": [r for r in uow.reports.list() if r.year == YEAR],
            "branches": uow.branches.list(),
            "organisations": uow.organisations.list(),
        }
    first, last = date(YEAR, 1, 1), date(YEAR, 12, 31)
    every = frozenset(
        m.branch_id for m in people if m.joined_on <= last and (m.left_on is None or m.left_on >= first)
    )

    def judge(k: int, n: int) -> compliance.YearReport:
        return compliance.evaluate_year_totals(
            YEAR,
            members=[m for m in people if compliance.shard_of(m.id, n) == k],
            totals=[t for m, t in totals.items() if compliance.shard_of(m, n) == k],
            every_branch_id=every,
            **common,
        )

    def task(k: int, n: int) -> None:
        services.evaluate_year(uow, YEAR, shard=(k, n))

    def whole_totals() -> None:
        with uow:
            uow.member_year_totals(YEAR)

    def shared_only() -> None:  # what every shard judges whatever its members: the master data's rules
        compliance.evaluate_year_totals(YEAR, members=[], totals=[], every_branch_id=every, **common)

    whole = judge(0, 1)
    shared = median_seconds(shared_only, runs)
    rows = []
    for n in [1, *shards]:
        assert n == 1 or compliance.YearReport.merge([judge(k, n) for k in range(n)]) == whole
        judging = [median_seconds(functools.partial(judge, k, n), runs) for k in range(n)]
        turns = interleaved_medians(
            {"totals": whole_totals, **{str(k): functools.partial(task, k, n) for k in range(n)}}, runs
        )
        judged = statistics.fmean(len(judge(k, n).members) for k in range(n))
        rows.append(
            {
                "shards": n,
                "members_a_shard": round(judged),
                "task_seconds": round(statistics.median(turns[str(k)] for k in range(n)), 3),
                "totals_seconds": round(turns["totals"], 3),
                "judging_seconds": round(statistics.median(judging), 3),
                "shared_seconds": round(shared, 3),
                "us_a_judged_member": round(max(0.0, statistics.median(judging) - shared) * 1e6 / judged, 1),
            }
        )
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--partitions", type=int, nargs="+", default=[4, 8])
    parser.add_argument("--shards", type=int, nargs="+", default=[4, 8])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="2,000 members, one run")
    args = parser.parse_args()
    members = 2_000 if args.quick else args.members
    runs = 1 if args.quick else args.runs
    layouts: list[int | None] = [None, *args.partitions]
    with temporary_postgres(settings=SETTINGS) as url:
        plain = sa.create_engine(url)
        with plain.connect() as conn:
            version = conn.exec_driver_sql("SHOW server_version").scalar()
        create_schema(plain)
        world = generate_year(YEAR, members=members, branches=max(2, members // 50), seed=11)
        started = time.perf_counter()
        records = load(plain, world)
        print(f"{members:,} members, {records:,} records loaded in {time.perf_counter() - started:.0f} s")
        del world
        for partitions in args.partitions:
            schema = f"p{partitions}"
            with plain.begin() as conn:
                conn.exec_driver_sql(f"CREATE SCHEMA {schema}")
            engine = _engine(url, schema)
            create_schema(engine, partitions=partitions)
            started = time.perf_counter()
            _copy("public", engine)
            print(f"copied into {partitions} partitions in {time.perf_counter() - started:.0f} s")
            engine.dispose()
        plain.dispose()
        rows = bench_layouts(url, layouts, members, runs)
        last = layouts[-1]
        shard_rows = bench_shards(url, _schema_of(last), args.shards, runs)
    print_table(
        f"The pushdown on PostgreSQL {version}, one core (no parallel query): {members:,} members, "
        f"{records:,} records; median of {runs} runs",
        [
            "layout",
            "totals_seconds",
            "partition_ms_max",
            "partition_ms_mean",
            "records_a_partition",
            "us_a_record",
        ],
        rows,
    )
    print_table(
        f"services.evaluate_year(uow, {YEAR}, shard=(k, n)) on the "
        f"{'unpartitioned' if last is None else f'{last}-partition'} schema, median over the shards, "
        "seconds (task: the whole call; totals: the whole year's, alone; judging: the shard's members "
        "judged in memory from their totals; shared: what every shard judges with no member — the master "
        "data's rules; µs a judged member: judging less shared)",
        [
            "shards",
            "members_a_shard",
            "task_seconds",
            "totals_seconds",
            "judging_seconds",
            "shared_seconds",
            "us_a_judged_member",
        ],
        shard_rows,
    )
    write_json(
        "partitions",
        {
            "postgresql": version,
            "settings": list(SETTINGS),
            "members": members,
            "records": records,
            "runs": runs,
            "layouts": rows,
            "shards": shard_rows,
        },
    )


if __name__ == "__main__":
    main()
