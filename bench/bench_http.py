"""Latency of the HTTP service (issue 20): p50 / p99 of ``POST /v1/records``, ``GET
/v1/evaluations/{year}`` and ``POST /v1/evaluate`` over real sockets, one client and 16 concurrent
clients, on SQLite and PostgreSQL. Reported, never asserted.

Set-up (not timed), as ``bench_latency.py`` does it and with its helpers: a synthetic year of 2,000
members in 40 branches (``generate_year(2026, members=2000, branches=40, seed=5)``, ~1,300 activities,
~75,000 records) stored through the use-cases (``bench_latency.set_up``) in a fresh storage
(``_common.fresh_storage(durable=True)``: a SQLite file — WAL, ``synchronous=FULL`` — or a throwaway
PostgreSQL server with fsync and synchronous commit on). Then the service is started as an operator
would start it, ``volunteer-core serve --db URL`` in a subprocess on a free port of 127.0.0.1
(:func:`volunteer_core.testing.service.running_service`: one uvicorn worker, the library's engine for the
URL), and its bootstrap administer token is used by every client (personal data unmasked: the
most work per response).

Cells (storage × request × clients), each measured ``--runs`` times, runs interleaved:

* ``POST /v1/records``: ``{member_id, activity_id, minutes: 120, on}`` of a (member, activity of the
  member's branch) pair never recorded before (``bench_latency.record_pairs``), 201 expected; N calls
  (1 client in a row; 16 clients N/16 each);
* ``GET /v1/evaluations/2026``: the whole stored year (2,000 members; a response of ~1.3 MB);
* ``GET /v1/evaluations/2026`` as a branch: with a ``read`` token scoped to one branch (~50 members; the
  branch changes per call), the way a branch's clerk asks — the service judges the branch's organisation's
  subtree, not the whole year;
* ``POST /v1/evaluate?year=2026``: a dataset in the body (a synthetic year of 60 members in 2 branches,
  ~0.8 MiB of JSON: under the default ``--max-body`` of 1 MiB), evaluated statelessly.

Each client is a thread with its own ``httpx.Client`` (one keep-alive connection, opened with a ``GET
/health`` before the start); the 16 are released together by a ``threading.Barrier``. Each call is
timed with ``time.perf_counter_ns`` from the request to the whole body read. Only answers of the
expected status are latency samples; others are counted by status and problem code. A cell reports the
median over the runs of each run's p50 and p99, the largest latency, and the median throughput
(calls/s over the wall time from the barrier to the last client).

The client threads share the benchmark's process and the machine's cores with the service (and the
PostgreSQL server): with 16 clients the latency is mostly queueing behind the one service process.

Run: ``.venv/bin/python bench/bench_http.py [--quick] [--runs R] [--calls N] [--storages sqlite
postgresql]``. Defaults: R = 3, N = 800 record calls per cell and run (evaluations: 12 / 32 calls of
the whole year, 32 of a branch, 32 of a posted dataset, for 1 / 16 clients); ``--quick``: R = 1 and a
quarter of the calls. Results: ``_common.write_json("http", …)``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import bench_latency as latency
import httpx
from _common import fresh_storage, print_table, write_json

from volunteer_core.aggregates import AGGREGATES
from volunteer_core.serialization import unstructure
from volunteer_core.synthetic import SyntheticYear, generate_year
from volunteer_core.testing.service import running_service

YEAR = latency.YEAR
THREADS = latency.THREADS
STORAGES = latency.STORAGES
DATASET_MEMBERS, DATASET_BRANCHES = 60, 2  # ~0.8 MiB of JSON: under the service's default body limit

#: one request: method, path (with its query), JSON body or None, headers replacing the client's or None
Request = tuple[str, str, Any, dict[str, str] | None]


@dataclass
class Run:
    """One measurement of one cell: latencies of the expected answers, the others counted."""

    ok_ns: list[int] = field(default_factory=list)
    other: Counter[str] = field(default_factory=Counter)
    wall_seconds: float = 0.0

    @property
    def calls(self) -> int:
        return len(self.ok_ns) + sum(self.other.values())


def _outcome(response: httpx.Response) -> str:
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):
        code = None
    return f"{response.status_code} {code}" if code else str(response.status_code)


def measure(url: str, headers: dict[str, str], work: list[list[Request]], expected: int) -> Run:
    """Send each client's requests in a row from its own thread and connection, all released together."""
    gate = threading.Barrier(len(work))
    runs = [Run() for _ in work]
    spans: list[tuple[float, float]] = [(0.0, 0.0)] * len(work)
    errors: list[BaseException] = []

    def client(index: int) -> None:
        try:
            with httpx.Client(base_url=url, headers=headers, timeout=600) as http:
                http.get("/health").raise_for_status()  # the connection is open before the start
                gate.wait(timeout=120)
                started = time.perf_counter()
                for method, path, body, extra in work[index]:
                    begun = time.perf_counter_ns()
                    response = http.request(method, path, json=body, headers=extra)
                    response.read()
                    elapsed = time.perf_counter_ns() - begun
                    if response.status_code == expected:
                        runs[index].ok_ns.append(elapsed)
                    else:
                        runs[index].other[_outcome(response)] += 1
                spans[index] = (started, time.perf_counter())
        except BaseException as err:  # re-raised below, in the main thread
            errors.append(err)

    threads = [threading.Thread(target=client, args=(i,), name=f"client-{i}") for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    total = Run()
    for run in runs:
        total.ok_ns += run.ok_ns
        total.other += run.other
    total.wall_seconds = max(end for _, end in spans) - min(start for start, _ in spans)
    return total


# -- the work of each cell ----------------------------------------------------------------------------


def dataset_json(world: SyntheticYear) -> dict[str, Any]:
    """A synthetic year as the body of ``POST /v1/evaluate`` (what ``volunteer-core check`` reads)."""
    body: dict[str, Any] = {}
    for aggregate in AGGREGATES:
        entities = getattr(world, aggregate.name, ())
        if callable(entities):  # records and qualifications are methods of the synthetic year
            entities = entities()
        if entities:
            body[aggregate.name] = [unstructure(entity) for entity in entities]
    return body


class Plan:
    """Hands out the requests of each cell: record pairs never recorded before, branches' tokens in turn."""

    def __init__(self, world: SyntheticYear, branch_tokens: dict[str, str]) -> None:
        self._pairs: Iterator[tuple[str, Any]] = latency.record_pairs(world)
        self._branches = itertools.cycle(
            [{"Authorization": f"Bearer {branch_tokens[b.id]}"} for b in world.branches]
        )

    def _record(self) -> Request:
        member_id, activity = next(self._pairs)
        minutes = min(latency.MINUTES, activity.duration_minutes or latency.MINUTES)
        body = {
            "member_id": member_id,
            "activity_id": activity.id,
            "minutes": minutes,
            "on": activity.on.isoformat(),
        }
        return ("POST", "/v1/records", body, None)

    def requests(self, cell: str, calls: int, clients: int, dataset: dict[str, Any]) -> list[list[Request]]:
        """``calls`` requests of ``cell`` dealt round-robin to ``clients``."""
        if cell == "POST /v1/records":
            made = [self._record() for _ in range(calls)]
        elif cell == "GET /v1/evaluations/{year}":
            made = [("GET", f"/v1/evaluations/{YEAR}", None, None)] * calls
        elif cell == BRANCH_CELL:
            made = [("GET", f"/v1/evaluations/{YEAR}", None, next(self._branches)) for _ in range(calls)]
        else:
            made = [("POST", f"/v1/evaluate?year={YEAR}", dataset, None)] * calls
        return [made[c::clients] for c in range(clients)]


BRANCH_CELL = "GET /v1/evaluations/{year} as a branch"

EXPECTED = {
    "POST /v1/records": 201,
    "GET /v1/evaluations/{year}": 200,
    BRANCH_CELL: 200,
    "POST /v1/evaluate": 200,
}


def cell_calls(calls: int, quick: bool) -> dict[tuple[str, int], int]:
    """The calls per run of each (request, clients) cell."""
    scale = 4 if quick else 1
    return {
        ("POST /v1/records", 1): calls,
        ("POST /v1/records", THREADS): calls,
        ("GET /v1/evaluations/{year}", 1): max(3, 12 // scale),
        ("GET /v1/evaluations/{year}", THREADS): max(THREADS, 32 // scale),
        (BRANCH_CELL, 1): max(3, 32 // scale),
        (BRANCH_CELL, THREADS): max(THREADS, 32 // scale),
        ("POST /v1/evaluate", 1): max(3, 32 // scale),
        ("POST /v1/evaluate", THREADS): max(THREADS, 32 // scale),
    }


# -- one storage ------------------------------------------------------------------------------------


def branch_tokens(url: str, headers: dict[str, str], world: SyntheticYear) -> dict[str, str]:
    """A ``read`` token scoped to each branch, issued through ``POST /v1/tokens``: branch id → secret."""
    secrets = {}
    with httpx.Client(base_url=url, headers=headers, timeout=60) as http:
        for branch in world.branches:
            issued = http.post("/v1/tokens", json={"role": "read", "scope": branch.id, "label": "bench"})
            issued.raise_for_status()
            secrets[branch.id] = issued.json()["secret"]
    return secrets


def bench_storage(
    kind: str, world: SyntheticYear, dataset: dict[str, Any], cells: dict[tuple[str, int], int], runs: int
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    with fresh_storage(kind, durable=True) as url:
        _, took = latency.set_up(url, world, 0)
        print(f"{kind}: set up in {took}", flush=True)
        started = time.perf_counter()
        with running_service(url) as service:
            took["service_ready_seconds"] = round(time.perf_counter() - started, 2)
            headers = service.headers()
            plan = Plan(world, branch_tokens(service.url, headers, world))
            # warm-up (not reported): the service's caches, its pool, the first evaluation
            measure(service.url, headers, plan.requests("POST /v1/records", 64, THREADS, dataset), 201)
            for cell in EXPECTED:
                if cell != "POST /v1/records":
                    measure(service.url, headers, plan.requests(cell, 1, 1, dataset), EXPECTED[cell])
            results: dict[tuple[str, int], list[Run]] = {cell: [] for cell in cells}
            for run_index in range(runs):
                for (cell, clients), calls in cells.items():
                    work = plan.requests(cell, calls, clients, dataset)
                    run = measure(service.url, headers, work, EXPECTED[cell])
                    results[cell, clients].append(run)
                    p50 = latency._ms(latency.percentile(run.ok_ns, 0.5)) if run.ok_ns else "-"
                    print(
                        f"{kind} run {run_index + 1}/{runs} {cell} ×{clients}: p50 {p50} ms, "
                        f"{run.calls / run.wall_seconds:,.1f} calls/s"
                        + (f", other answers {dict(run.other)}" if run.other else ""),
                        flush=True,
                    )
    return [summarise(kind, cell, clients, cell_runs) for (cell, clients), cell_runs in results.items()], took


def summarise(kind: str, cell: str, clients: int, runs: list[Run]) -> dict[str, Any]:
    measured = [r for r in runs if r.ok_ns]
    other: Counter[str] = Counter()
    for r in runs:
        other += r.other
    ms, pct = latency._ms, latency.percentile
    return {
        "storage": kind,
        "request": cell,
        "clients": clients,
        "runs": len(runs),
        "calls_per_run": runs[0].calls,
        "p50_ms": ms(statistics.median(pct(r.ok_ns, 0.5) for r in measured)) if measured else None,
        "p99_ms": ms(statistics.median(pct(r.ok_ns, 0.99) for r in measured)) if measured else None,
        "max_ms": ms(max(max(r.ok_ns) for r in measured)) if measured else None,
        "p50_ms_per_run": [ms(pct(r.ok_ns, 0.5)) for r in measured],
        "p99_ms_per_run": [ms(pct(r.ok_ns, 0.99)) for r in measured],
        "calls_per_second": round(statistics.median(r.calls / r.wall_seconds for r in runs), 1),
        "ok": sum(len(r.ok_ns) for r in runs),
        "other": sum(other.values()),
        "other_answers": dict(other),
    }


# -- main -------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--calls", type=int, default=None, help="POST /v1/records calls per cell and run (800)"
    )
    parser.add_argument("--runs", type=int, default=None, help="measurements of each cell (3; --quick 1)")
    parser.add_argument("--quick", action="store_true", help="one run, a quarter of the calls")
    parser.add_argument("--storages", nargs="+", choices=STORAGES, default=list(STORAGES))
    args = parser.parse_args()
    calls = args.calls or (200 if args.quick else 800)
    calls = max(THREADS, calls - calls % THREADS)
    runs = args.runs or (1 if args.quick else 3)
    cells = cell_calls(calls, args.quick)
    world = generate_year(YEAR, members=latency.MEMBERS, branches=latency.BRANCHES, seed=5)
    small = generate_year(YEAR, members=DATASET_MEMBERS, branches=DATASET_BRANCHES, seed=6)
    dataset = dataset_json(small)
    dataset_bytes = len(json.dumps(dataset, ensure_ascii=False).encode("utf-8"))
    payload: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0], "httpx": httpx.__version__},
        "runs": runs,
        "threads": THREADS,
        "members": latency.MEMBERS,
        "branches": latency.BRANCHES,
        "activities": len(world.activities),
        "dataset": {
            "members": DATASET_MEMBERS,
            "branches": DATASET_BRANCHES,
            "records": len(dataset.get("records", [])),
            "bytes": dataset_bytes,
        },
        "service": "volunteer-core serve (one uvicorn worker) in a subprocess on 127.0.0.1",
        "storages": {},
        "cells": [],
    }
    for kind in args.storages:
        results, info = bench_storage(kind, world, dataset, cells, runs)
        payload["storages"][kind] = info
        payload["cells"] += results
    print_table(
        f"HTTP latency, ms (median over {runs} runs of each run's p50 / p99; max of all runs); "
        f"volunteer-core serve in a subprocess, httpx clients on loopback; {latency.MEMBERS:,} members; "
        f"POST /v1/evaluate posts {DATASET_MEMBERS} members ({dataset_bytes / 2**20:.1f} MiB); "
        f"{os.cpu_count()} cores",
        ["storage", "request", "clients", "calls", "p50", "p99", "max", "calls/s", "ok", "other"],
        [
            [
                c["storage"],
                c["request"],
                c["clients"],
                c["calls_per_run"],
                c["p50_ms"],
                c["p99_ms"],
                c["max_ms"],
                c["calls_per_second"],
                c["ok"],
                c["other"],
            ]
            for c in payload["cells"]
        ],
    )
    write_json("http", payload)


if __name__ == "__main__":
    main()
