"""Ingest: record N service records through ``services.record_services``, then evaluate the year (issue 3).

For each storage — SQLite (a file in a temporary directory), PostgreSQL started by this script
(``volunteer_core.testing.postgres.temporary_postgres``: by default its fast, non-durable settings,
``postgresql``; ``postgresql-durable`` keeps fsync and synchronous commit):

1. master data of a synthetic year (``volunteer_core.synthetic.generate_year``; members chosen
   so that ~37 records each give N, 50 members a branch) is stored through ``services.add_entities`` and
   ``services.register_pairing`` — not timed;
2. **ingest** (timed, once): the first N ordinary records of the year, as ``RecordRequest`` — exactly
   as ``SyntheticYear.load_into`` makes them (``record_id``, ``recorded_on``, the id as idempotency key)
   — through ``services.record_services(uow, requests, batch_size=…)``; then the reversals among them
   through ``services.reverse_service``, one use-case call each, timed separately;
3. **evaluate** (median of ``--runs``): ``services.evaluate_year(uow, 2026)`` (whatever it does: the
   SQL pushdown of ``member_year_totals`` when present), and the streaming path
   ``compliance.evaluate_year(2026, members=…, records=uow.records.in_year(2026), …)`` inside one
   ``with uow:``; the two reports are checked to agree member by member.

A batch-size sweep at ``--sweep-records`` (default 50,000) records ingests into a fresh storage per
batch size (``--sweep-batch-sizes``, default 100 1000 5000), once each.

Run: ``.venv/bin/python bench/bench_ingest.py [--quick] [--records N] [--batch-size B] [--runs R]
[--storages sqlite postgresql postgresql-durable] [--no-sweep]``. ``--quick``: N = 50,000.
Tables are printed; the results are written with ``_common.write_json("ingest", …)``.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import attrs
from _common import fresh_storage, median_seconds, print_table, write_json

from volunteer_core import ServiceRecord, compliance, services
from volunteer_core.errors import RuleViolation
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.sql import SqlUnitOfWork
from volunteer_core.synthetic import SyntheticYear, generate_year, record_request

YEAR = 2026
RECORDS_PER_MEMBER = 37  # ordinary records a member of the synthetic year has, about (38 with reversals)
MEMBERS_PER_BRANCH = 50
STORAGES = ("sqlite", "postgresql", "postgresql-durable")


def world_for(records: int) -> SyntheticYear:
    """A synthetic year with enough members for ``records`` ordinary records."""
    members = max(10, math.ceil(records / RECORDS_PER_MEMBER))
    return generate_year(YEAR, members=members, branches=max(2, members // MEMBERS_PER_BRANCH), seed=3)


def storage(kind: str) -> contextlib.AbstractContextManager[str]:
    """A fresh storage: ``sqlite``, ``postgresql`` (the fast test settings) or ``postgresql-durable``."""
    return fresh_storage("sqlite" if kind == "sqlite" else "postgresql", durable=kind == "postgresql-durable")


def load_master_data(uow: UnitOfWork, world: SyntheticYear) -> None:
    """The organisation tree, branches, members, teams, beneficiaries, units, pairings, activities, plans,
    reports (not timed)."""
    services.add_entities(
        uow,
        [
            *world.organisations,
            *world.branches,
            *world.members,
            *world.teams,
            *world.beneficiaries,
            *world.units,
        ],
    )
    stored: set[str] = set()
    for pairing in world.pairings:
        with contextlib.suppress(RuleViolation):  # a genuine duplicate of the synthetic year
            stored.add(services.register_pairing(uow, pairing).id)
    services.add_entities(
        uow,
        [
            a if a.pairing_id is None or a.pairing_id in stored else attrs.evolve(a, pairing_id=None)
            for a in world.activities
        ],
    )
    services.add_entities(uow, [*world.plans, *world.reports])


def requests(world: SyntheticYear, count: int) -> tuple[list[services.RecordRequest], list[ServiceRecord]]:
    """The first ``count`` ordinary records as requests (as ``SyntheticYear.load_into`` makes them), and
    the reversals of those records."""
    ordinary: list[services.RecordRequest] = []
    reversals: list[ServiceRecord] = []
    for record in world.iter_records():
        if record.reverses is not None:  # it follows its original, one of the records taken
            reversals.append(record)
            continue
        if len(ordinary) == count:
            break
        ordinary.append(record_request(record))
    if len(ordinary) < count:
        raise SystemExit(f"the synthetic year has only {len(ordinary)} records, not {count}")
    return ordinary, reversals


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def ingest(
    uow: UnitOfWork, items: list[services.RecordRequest], reversals: list[ServiceRecord], batch_size: int
) -> dict[str, Any]:
    seconds, stored = timed(lambda: services.record_services(uow, items, batch_size=batch_size))
    assert len(stored) == len(items)

    def reverse() -> None:
        for reversal in reversals:
            assert reversal.reverses is not None
            assert reversal.recorded_on is not None
            services.reverse_service(uow, reversal.reverses, on=reversal.recorded_on, reversal_id=reversal.id)

    reverse_seconds, _ = timed(reverse)
    return {
        "records": len(items),
        "batch_size": batch_size,
        "seconds": round(seconds, 2),
        "records_per_second": round(len(items) / seconds),
        "reversals": len(reversals),
        "reversal_seconds": round(reverse_seconds, 2),
        "reversals_per_second": round(len(reversals) / reverse_seconds) if reversals else None,
    }


def streamed(uow: UnitOfWork) -> compliance.YearReport:
    """The streaming path: every record of the year through ``compliance.evaluate_year``."""
    with uow:
        return compliance.evaluate_year(
            YEAR,
            members=uow.members.list(),
            records=uow.records.in_year(YEAR),
            teams=uow.teams.list(),
            activities=uow.activities.in_year(YEAR),
            pairings=uow.pairings.list(),
            plans=[p for p in uow.plans.list() if p.year == YEAR],
            reports=[r for r in uow.reports.list() if r.year == YEAR],
            branches=uow.branches.list(),
        )


def _members(report: compliance.YearReport) -> dict[str, tuple[Any, ...]]:
    return {
        m: (y.net_minutes, y.required_minutes, y.months_missing, y.compliant)
        for m, y in report.members.items()
    }


def evaluate(uow: UnitOfWork, records: int, runs: int) -> dict[str, Any]:
    via_services = services.evaluate_year(uow, YEAR)
    via_stream = streamed(uow)
    assert _members(via_services) == _members(via_stream), "services.evaluate_year and the stream disagree"
    service_seconds = median_seconds(lambda: services.evaluate_year(uow, YEAR), runs)
    stream_seconds = median_seconds(lambda: streamed(uow), runs)
    return {
        "records": records,
        "members_judged": len(via_services.members),
        "runs": runs,
        "services_seconds": round(service_seconds, 3),
        "services_records_per_second": round(records / service_seconds),
        "streamed_seconds": round(stream_seconds, 3),
        "streamed_records_per_second": round(records / stream_seconds),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="N = 50,000")
    parser.add_argument("--storages", nargs="+", choices=STORAGES, default=["sqlite", "postgresql"])
    parser.add_argument("--sweep-records", type=int, default=50_000)
    parser.add_argument("--sweep-batch-sizes", type=int, nargs="+", default=[100, 1000, 5000])
    parser.add_argument("--no-sweep", action="store_true")
    args = parser.parse_args()
    if args.quick:
        args.records = 50_000
    payload: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count()},
        "records": args.records,
        "batch_size": args.batch_size,
        "runs": args.runs,
        "ingest": [],
        "evaluate": [],
        "sweep": [],
    }

    if not args.no_sweep:
        world = world_for(args.sweep_records)
        items, reversals = requests(world, args.sweep_records)
        for kind in args.storages:
            for batch_size in args.sweep_batch_sizes:
                with storage(kind) as url:
                    uow = SqlUnitOfWork(url)
                    load_master_data(uow, world)
                    row = {"storage": kind, **ingest(uow, items, [], batch_size)}
                    uow.engine.dispose()
                payload["sweep"].append(row)
                print(f"sweep {kind} batch {batch_size}: {row['records_per_second']:,} records/s", flush=True)
        print_table(
            f"record_services: {args.sweep_records:,} records, by batch size (one run each)",
            ["storage", "batch size", "seconds", "records/s"],
            [
                [r["storage"], r["batch_size"], r["seconds"], r["records_per_second"]]
                for r in payload["sweep"]
            ],
        )

    world = world_for(args.records)
    items, reversals = requests(world, args.records)
    for kind in args.storages:
        with storage(kind) as url:
            uow = SqlUnitOfWork(url)
            load_master_data(uow, world)
            row = {
                "storage": kind,
                "members": len(world.members),
                **ingest(uow, items, reversals, args.batch_size),
            }
            payload["ingest"].append(row)
            print(f"ingest {kind}: {row['seconds']} s, {row['records_per_second']:,} records/s", flush=True)
            total = row["records"] + row["reversals"]
            result = {"storage": kind, **evaluate(uow, total, args.runs)}
            payload["evaluate"].append(result)
            print(
                f"evaluate {kind}: {result['services_seconds']} s (services), "
                f"{result['streamed_seconds']} s (streamed)",
                flush=True,
            )
            uow.engine.dispose()

    print_table(
        f"record_services: {args.records:,} records, batch size {args.batch_size} (one run)",
        ["storage", "members", "seconds", "records/s", "reversals", "reversal s", "reversals/s"],
        [
            [
                r["storage"],
                r["members"],
                r["seconds"],
                r["records_per_second"],
                r["reversals"],
                r["reversal_seconds"],
                r["reversals_per_second"],
            ]
            for r in payload["ingest"]
        ],
    )
    print_table(
        f"evaluate_year on the stored year (median of {args.runs})",
        ["storage", "records", "services s", "records/s", "streamed s", "records/s"],
        [
            [
                r["storage"],
                r["records"],
                r["services_seconds"],
                r["services_records_per_second"],
                r["streamed_seconds"],
                r["streamed_records_per_second"],
            ]
            for r in payload["evaluate"]
        ],
    )
    write_json("ingest", payload)


if __name__ == "__main__":
    main()
