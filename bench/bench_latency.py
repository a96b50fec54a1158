"""Latency of ``services.record_service`` and ``services.claim_wish``: p50 / p99 on SQLite and PostgreSQL,
one client and 16 threads (issue 7, item 5). Targets are reported, never asserted.

Storages (each fresh, with ``create_schema``): ``sqlite`` — a file in a temporary directory (WAL, the
driver's default ``synchronous=FULL``); ``postgresql`` — a server started by this script with
``volunteer_core.testing.postgres.temporary_postgres(durable=True)``: PostgreSQL's default durability
(fsync and synchronous commit on), so every commit waits for the disk as in production.

Set-up (not timed): a synthetic year of 2,000 members in 40 branches
(``generate_year(2026, members=2000, branches=40)``, ~1,300 activities, ~75,000 records) stored with
``SyntheticYear.load_into`` (the use-cases), then enough MATERIAL wishes of 300 yuan collected, screened
and published one by one through ``collect_wish`` / ``screen_wish`` / ``publish_wish``; on PostgreSQL
``VACUUM ANALYZE`` (what autovacuum would have done). The measured calls then go through a new engine
made from the URL (``SqlUnitOfWork(url).engine``: the library's defaults, SQLAlchemy's pool of 5 + 10
overflow connections included; ``--pool-size P``: a fixed pool of P instead), shared by the threads,
each with its own ``SqlUnitOfWork(engine)`` (one object per thread).

Cells (storage × operation × clients × contention), each measured ``--runs`` times, runs interleaved:

* ``record_service``, 1 client: N calls in a row; 16 threads: N/16 calls each, all released together
  by a ``threading.Barrier``. Every call records 120 minutes (never more than an activity's
  ``duration_minutes``) of a member at an activity of the member's branch, on its day; each
  (member, activity) pair is used once, so with the synthetic year's ≤ 2 sessions the member stays
  within ``policy.max_sessions_per_day`` (3). Concurrent calls are for different members.
* ``claim_wish`` (a pledge of 100 yuan; a wish of 300 takes three), contention ``low``: each wish is
  claimed by one client only (three calls in a row, three members); 1 client and 16 threads.
  Contention ``high``: 16 threads claim the same wishes — call j of every thread claims wish j — so
  three win and thirteen are refused with ``RuleViolation`` ``wish.claim_total`` (expected: counted,
  not a failure); lost races are retried inside ``claim_wish``.

Each call is timed with ``time.perf_counter_ns``. Only successful calls are latency samples; refusals
(``RuleViolation``) and failures (any other library error, e.g. ``ConcurrencyConflict`` once the
retries ran out) are counted and their latency reported apart. SQLAlchemy events on the engine count,
per thread and call, the SQL statements sent (``before_cursor_execute``; SQLite's ``BEGIN IMMEDIATE``
and savepoints included, the COMMIT and psycopg's implicit ``BEGIN`` not) and the transactions
committed or rolled back — attempts beyond the first are retries after a lost race — and the pool's
new DBAPI connections. A cell reports the median over the runs of each run's p50 and p99, the largest
latency of all runs, the median throughput (calls/s: every call, refused ones included, over the wall
time from the barrier to the last thread), and the outcome counts summed over all runs.

The machine has 2 cores: 16 threads of one process contend for the GIL and for the cores (the
PostgreSQL server shares them too), so 16-thread latency mostly shows queueing.

Run: ``.venv/bin/python bench/bench_latency.py [--quick] [--calls N] [--runs R]
[--storages sqlite postgresql] [--pool-size P]``. Defaults: N = 2,000 calls per cell and run, R = 5; ``--quick``: N =
400, R = 5, both storages. Tables are printed; the results are written with
``_common.write_json("latency", …)``.
"""

from __future__ import annotations

import argparse
import logging
import math
import os
import platform
import random
import statistics
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from _common import fresh_storage, print_table, write_json

from volunteer_core import Beneficiary, Wish, services
from volunteer_core.errors import RuleViolation, VolunteerError
from volunteer_core.model import Activity
from volunteer_core.storage.sql import SqlUnitOfWork
from volunteer_core.storage.sql._engine import POSTGRES_LOCK_TIMEOUT_MS
from volunteer_core.synthetic import SyntheticYear, generate_year

YEAR = 2026
MEMBERS = 2_000
BRANCHES = 40
THREADS = 16
MINUTES = 120
PLEDGE = "100"
WISH_VALUE = "300"
CLAIMS_PER_WISH = 3  # 300 / 100
COLLECTED, SCREENED, PUBLISHED, CLAIMED = (date(YEAR, 5, d) for d in (1, 2, 3, 4))
BENEFICIARY = "bench-beneficiary"
STORAGES = ("sqlite", "postgresql")


# -- measuring --------------------------------------------------------------------------------------


class Probe:
    """SQLAlchemy events of one engine: per thread, the statements sent and the transactions committed
    or rolled back; for the engine, the new DBAPI connections its pool opened."""

    def __init__(self, engine: sa.Engine) -> None:
        self._local = threading.local()
        self._lock = threading.Lock()
        self.connects = 0
        sa.event.listen(engine, "before_cursor_execute", self._on_statement)
        sa.event.listen(engine, "commit", self._on_end)
        sa.event.listen(engine, "rollback", self._on_end)
        sa.event.listen(engine, "connect", self._on_connect)

    def _counts(self) -> list[int]:
        counts: list[int] | None = getattr(self._local, "counts", None)
        if counts is None:
            counts = self._local.counts = [0, 0]
        return counts

    def _on_statement(self, *_args: Any) -> None:
        self._counts()[0] += 1

    def _on_end(self, *_args: Any) -> None:
        self._counts()[1] += 1

    def _on_connect(self, *_args: Any) -> None:
        with self._lock:
            self.connects += 1

    def snapshot(self) -> tuple[int, int]:
        """(statements, transactions ended) of the calling thread so far."""
        statements, ended = self._counts()
        return statements, ended


class PipelineWarnings(logging.Filter):
    """Counts and drops psycopg's "error ignored terminating <Pipeline …>: pipeline aborted" warnings:
    logged when a statement run by ``executemany`` (pipeline mode) fails, here a serialization failure
    that ``claim_wish`` then retries — noise on stderr, but worth counting."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if "pipeline aborted" in record.getMessage():
            self.count += 1
            return False
        return True


PIPELINE_WARNINGS = PipelineWarnings()
logging.getLogger("psycopg").addFilter(PIPELINE_WARNINGS)


@dataclass
class Run:
    """One measurement of one cell."""

    ok_ns: list[int] = field(default_factory=list)
    refused_ns: list[int] = field(default_factory=list)
    failed_ns: list[int] = field(default_factory=list)
    refused: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    statements: list[int] = field(default_factory=list)  # per successful call
    retries: int = 0
    wall_seconds: float = 0.0
    connects: int = 0

    @property
    def calls(self) -> int:
        return len(self.ok_ns) + len(self.refused_ns) + len(self.failed_ns)

    def merge(self, other: Run) -> None:
        self.ok_ns += other.ok_ns
        self.refused_ns += other.refused_ns
        self.failed_ns += other.failed_ns
        self.refused += other.refused
        self.failed += other.failed
        self.statements += other.statements
        self.retries += other.retries


Call = Callable[[SqlUnitOfWork], object]


def _timed(uow: SqlUnitOfWork, calls: list[Call], probe: Probe, run: Run) -> None:
    """Make the calls in a row, timing each and sorting its outcome into ``run``."""
    for call in calls:
        statements, ended = probe.snapshot()
        started = time.perf_counter_ns()
        try:
            call(uow)
        except RuleViolation as err:
            elapsed = time.perf_counter_ns() - started
            run.refused_ns.append(elapsed)
            run.refused[err.code] += 1
            outcome = "refused"
        except VolunteerError as err:
            elapsed = time.perf_counter_ns() - started
            run.failed_ns.append(elapsed)
            run.failed[f"{type(err).__name__} {getattr(err, 'code', '')}".strip()] += 1
            outcome = "failed"
        else:
            elapsed = time.perf_counter_ns() - started
            run.ok_ns.append(elapsed)
            outcome = "ok"
        now_statements, now_ended = probe.snapshot()
        if outcome == "ok":
            run.statements.append(now_statements - statements)
        run.retries += max(0, now_ended - ended - 1)  # every attempt ends its transaction once


def measure(engine: sa.Engine, probe: Probe, work: list[list[Call]]) -> Run:
    """Run each list of calls in its own thread with its own unit of work, all released together."""
    gate = threading.Barrier(len(work))
    runs = [Run() for _ in work]
    spans: list[tuple[float, float]] = [(0.0, 0.0)] * len(work)
    errors: list[BaseException] = []

    def worker(index: int) -> None:
        uow = SqlUnitOfWork(engine)
        try:
            gate.wait(timeout=120)
            started = time.perf_counter()
            _timed(uow, work[index], probe, runs[index])
            spans[index] = (started, time.perf_counter())
        except BaseException as err:  # re-raised below, in the main thread
            errors.append(err)

    connects = probe.connects
    threads = [threading.Thread(target=worker, args=(i,), name=f"client-{i}") for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    total = Run()
    for run in runs:
        total.merge(run)
    total.wall_seconds = max(end for _, end in spans) - min(start for start, _ in spans)
    total.connects = probe.connects - connects
    return total


def percentile(values: list[int], q: float) -> int:
    """The nearest-rank ``q`` quantile (0 < q ≤ 1) of ``values`` (not empty)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def _ms(ns: float) -> float:
    return round(ns / 1e6, 2)


# -- the work of each cell ----------------------------------------------------------------------------


def record_pairs(world: SyntheticYear) -> Iterator[tuple[str, Activity]]:
    """(member, activity of the member's branch) pairs, each once: the k-th activity of every member
    (in a seeded random order of the members), then the (k+1)-th — consecutive pairs name different,
    unrelated members (not neighbours in the ``records`` index, which PostgreSQL's page-level predicate
    locks would turn into conflicts that a real load spreads wider)."""
    own: dict[str, list[Activity]] = {}
    for activity in world.activities:
        if activity.requires:  # 先培训再上岗: only members trained for it may serve (member.untrained)
            continue
        own.setdefault(activity.branch_id, []).append(activity)
    most = max(len(activities) for activities in own.values())
    rng = random.Random(7)
    for k in range(most):
        for member in rng.sample(world.members, len(world.members)):
            activities = own.get(member.branch_id, [])
            if k < len(activities):
                yield member.id, activities[k]


def record_call(member_id: str, activity: Activity) -> Call:
    minutes = min(MINUTES, activity.duration_minutes or MINUTES)
    return lambda uow: services.record_service(
        uow, member_id=member_id, activity_id=activity.id, minutes=minutes
    )


def claim_call(wish_id: str, member_id: str) -> Call:
    return lambda uow: services.claim_wish(uow, wish_id, member_id, on=CLAIMED, pledged=PLEDGE)


class Plan:
    """Hands out fresh work: (member, activity) pairs never recorded by the benchmark, published wishes
    never claimed."""

    def __init__(self, world: SyntheticYear, wish_ids: list[str]) -> None:
        self._pairs = record_pairs(world)
        self._wishes = iter(random.Random(11).sample(wish_ids, len(wish_ids)))  # unrelated wishes
        self._members = [m.id for m in world.members]
        self._next_member = 0

    def records(self, calls: int, clients: int) -> list[list[Call]]:
        """``calls`` record_service calls dealt round-robin to ``clients``."""
        pairs = [next(self._pairs) for _ in range(calls)]
        return [[record_call(m, a) for m, a in pairs[c::clients]] for c in range(clients)]

    def _member(self) -> str:
        member = self._members[self._next_member % len(self._members)]
        self._next_member += 1
        return member

    def claims_low(self, calls: int, clients: int) -> list[list[Call]]:
        """Each client claims its own wishes, three members in a row per wish."""
        work: list[list[Call]] = []
        for _ in range(clients):
            mine: list[Call] = []
            wish = ""
            for j in range(calls // clients):
                if j % CLAIMS_PER_WISH == 0:
                    wish = next(self._wishes)
                mine.append(claim_call(wish, self._member()))
            work.append(mine)
        return work

    def claims_high(self, calls: int, clients: int) -> list[list[Call]]:
        """Call j of every client claims wish j: each wish raced for by all clients (other members)."""
        hot = [next(self._wishes) for _ in range(calls // clients)]
        return [[claim_call(wish, self._member()) for wish in hot] for _ in range(clients)]


def wishes_needed(calls: int, runs: int) -> int:
    per_thread = calls // THREADS
    low_single = math.ceil(calls / CLAIMS_PER_WISH)
    low_threads = THREADS * math.ceil(per_thread / CLAIMS_PER_WISH)
    return runs * (low_single + low_threads + per_thread) + 100  # + the warm-up's


# -- set-up -------------------------------------------------------------------------------------------


def set_up(url: str, world: SyntheticYear, wishes: int) -> tuple[list[str], dict[str, float]]:
    """Store the world and ``wishes`` published wishes through the use-cases (not timed); the wish ids
    and how long each step took."""
    uow = SqlUnitOfWork(url)
    took: dict[str, float] = {}
    started = time.perf_counter()
    world.load_into(uow)
    took["load_year_seconds"] = round(time.perf_counter() - started, 1)
    services.add_entities(
        uow, [Beneficiary(id=BENEFICIARY, name="王五", category="elderly", community="凤山社区")]
    )
    started = time.perf_counter()
    wish_ids = [f"bw{i:06d}" for i in range(wishes)]
    for wish_id in wish_ids:
        services.collect_wish(
            uow,
            Wish(
                id=wish_id,
                beneficiary_id=BENEFICIARY,
                kind="material",
                content="助听器一副",
                collected_on=COLLECTED,
                value=WISH_VALUE,
            ),
        )
        services.screen_wish(uow, wish_id, approved=True, on=SCREENED)
        services.publish_wish(uow, wish_id, on=PUBLISHED)
    took["publish_wishes_seconds"] = round(time.perf_counter() - started, 1)
    engine = uow.engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    return wish_ids, took


def bench_engine(url: str, pool_size: int | None) -> sa.Engine:
    """The engine shared by the clients: the library's for this URL (``SqlUnitOfWork(url).engine``:
    SQLAlchemy's default pool, 5 connections + 10 overflow), or one with a fixed pool of ``pool_size``
    connections and the library's PostgreSQL options (SERIALIZABLE, ``lock_timeout``)."""
    if pool_size is None:
        return SqlUnitOfWork(url).engine
    options: dict[str, Any] = {"pool_size": pool_size, "max_overflow": 0}
    if url.startswith("postgresql"):
        options["isolation_level"] = "SERIALIZABLE"
        options["connect_args"] = {"options": f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS}"}
    return SqlUnitOfWork(sa.create_engine(url, **options)).engine


def server_info(engine: sa.Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            return {
                "sqlite": conn.exec_driver_sql("select sqlite_version()").scalar(),
                "synchronous": conn.exec_driver_sql("PRAGMA synchronous").scalar(),
                "journal_mode": conn.exec_driver_sql("PRAGMA journal_mode").scalar(),
            }
        return {
            name: conn.exec_driver_sql(f"SHOW {name}").scalar()
            for name in ("server_version", "fsync", "synchronous_commit", "shared_buffers")
        }


# -- one storage ------------------------------------------------------------------------------------

CELLS = (  # operation, clients, contention
    ("record_service", 1, "-"),
    ("record_service", THREADS, "-"),
    ("claim_wish", 1, "low"),
    ("claim_wish", THREADS, "low"),
    ("claim_wish", THREADS, "high"),
)


def bench_storage(
    kind: str, world: SyntheticYear, calls: int, runs: int, pool_size: int | None
) -> tuple[list[dict[str, Any]], Any]:
    with fresh_storage(kind, durable=True) as url:
        wish_ids, took = set_up(url, world, wishes_needed(calls, runs))
        print(f"{kind}: set up in {took}", flush=True)
        engine = bench_engine(url, pool_size)
        info = {**server_info(engine), **took, "pool": engine.pool.status()}
        probe = Probe(engine)
        plan = Plan(world, wish_ids)
        warnings = PIPELINE_WARNINGS.count
        # warm-up (not reported): compiled-statement caches, prepared statements, the pool
        measure(engine, probe, plan.records(64, 1))
        measure(engine, probe, plan.records(64, THREADS))
        measure(engine, probe, plan.claims_low(60, 1))
        results: dict[tuple[str, int, str], list[Run]] = {cell: [] for cell in CELLS}
        for run_index in range(runs):
            for operation, clients, contention in CELLS:
                if operation == "record_service":
                    work = plan.records(calls, clients)
                elif contention == "low":
                    work = plan.claims_low(calls, clients)
                else:
                    work = plan.claims_high(calls, clients)
                run = measure(engine, probe, work)
                results[operation, clients, contention].append(run)
                print(
                    f"{kind} run {run_index + 1}/{runs} {operation} ×{clients} {contention}: "
                    f"p50 {_ms(percentile(run.ok_ns, 0.5)) if run.ok_ns else '-'} ms, "
                    f"{run.calls / run.wall_seconds:,.0f} calls/s",
                    flush=True,
                )
        engine.dispose()
    info["psycopg_pipeline_aborted_warnings"] = PIPELINE_WARNINGS.count - warnings
    return [summarise(kind, cell, cell_runs) for cell, cell_runs in results.items()], info


def summarise(kind: str, cell: tuple[str, int, str], runs: list[Run]) -> dict[str, Any]:
    operation, clients, contention = cell
    measured = [r for r in runs if r.ok_ns]
    refused_ns = [ns for r in runs for ns in r.refused_ns]
    statements = [n for r in runs for n in r.statements]
    refused: Counter[str] = Counter()
    failed: Counter[str] = Counter()
    for r in runs:
        refused += r.refused
        failed += r.failed
    return {
        "storage": kind,
        "operation": operation,
        "clients": clients,
        "contention": contention,
        "runs": len(runs),
        "calls_per_run": runs[0].calls,
        "p50_ms": _ms(statistics.median(percentile(r.ok_ns, 0.5) for r in measured)) if measured else None,
        "p99_ms": _ms(statistics.median(percentile(r.ok_ns, 0.99) for r in measured)) if measured else None,
        "max_ms": _ms(max(max(r.ok_ns) for r in measured)) if measured else None,
        "p50_ms_per_run": [_ms(percentile(r.ok_ns, 0.5)) for r in measured],
        "p99_ms_per_run": [_ms(percentile(r.ok_ns, 0.99)) for r in measured],
        "calls_per_second": round(statistics.median(r.calls / r.wall_seconds for r in runs)),
        "ok_per_second": round(statistics.median(len(r.ok_ns) / r.wall_seconds for r in runs)),
        "ok": sum(len(r.ok_ns) for r in runs),
        "refused": sum(refused.values()),
        "refused_codes": dict(refused),
        "refused_p50_ms": _ms(percentile(refused_ns, 0.5)) if refused_ns else None,
        "refused_p99_ms": _ms(percentile(refused_ns, 0.99)) if refused_ns else None,
        "failed": sum(failed.values()),
        "failed_kinds": dict(failed),
        "retries": sum(r.retries for r in runs),
        "statements_per_call_median": statistics.median(statements) if statements else None,
        "statements_per_call_mean": round(statistics.fmean(statements), 2) if statements else None,
        "new_connections": sum(r.connects for r in runs),
    }


# -- main -------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--calls", type=int, default=None, help="calls per cell and run (default 2,000)")
    parser.add_argument("--runs", type=int, default=5, help="measurements of each cell (default 5)")
    parser.add_argument("--quick", action="store_true", help="400 calls per cell and run")
    parser.add_argument("--storages", nargs="+", choices=STORAGES, default=list(STORAGES))
    parser.add_argument(
        "--pool-size",
        type=int,
        default=None,
        help="a fixed pool of this many connections instead of the library's engine (5 + 10 overflow)",
    )
    args = parser.parse_args()
    calls = args.calls or (400 if args.quick else 2_000)
    calls = max(THREADS, calls - calls % THREADS)  # N/16 each for the threads
    world = generate_year(YEAR, members=MEMBERS, branches=BRANCHES, seed=5)
    payload: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "sqlalchemy": sa.__version__,
            "platform": platform.platform(),
        },
        "calls_per_run": calls,
        "runs": args.runs,
        "threads": THREADS,
        "members": MEMBERS,
        "branches": BRANCHES,
        "pool_size": args.pool_size or "library default (5 + 10 overflow)",
        "activities": len(world.activities),
        "storages": {},
        "cells": [],
    }
    for kind in args.storages:
        cells, info = bench_storage(kind, world, calls, args.runs, args.pool_size)
        payload["storages"][kind] = info
        payload["cells"] += cells
    print_table(
        f"Latency of one use-case call, ms (median over {args.runs} runs of each run's p50 / p99; max of "
        f"all runs); {calls:,} calls per run; PostgreSQL durable; {os.cpu_count()} cores; pool: "
        f"{args.pool_size or 'the library default, 5 + 10 overflow'}",
        [
            "storage",
            "operation",
            "clients",
            "contention",
            "p50",
            "p99",
            "max",
            "calls/s",
            "ok",
            "refused",
            "failed",
            "retries",
            "stmts/call",
            "new conns",
        ],
        [
            [
                c["storage"],
                c["operation"],
                c["clients"],
                c["contention"],
                c["p50_ms"],
                c["p99_ms"],
                c["max_ms"],
                c["calls_per_second"],
                c["ok"],
                c["refused"],
                c["failed"],
                c["retries"],
                c["statements_per_call_median"],
                c["new_connections"],
            ]
            for c in payload["cells"]
        ],
    )
    write_json("latency", payload)


if __name__ == "__main__":
    main()
