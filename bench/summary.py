"""One table for one ``make bench``: each target of issue 19, what this run measured, met or not.

Reads the results files the benchmarks of this run wrote in ``bench/results/`` (``_common.write_json``)
and prints one table — target, measured, met (yes / no; ``—`` where there is no target or nothing was
measured), machine, date — then writes it to ``bench/results/summary.json``:

* ``core.json`` (``bench_core.py``): the library in memory against the vectorised pandas peer, ours /
  pandas at each size measured side by side (target ≤ 1.0× at 20,000 and 100,000 members; other sizes,
  such as ``--quick``'s 2,000, are shown unjudged);
* ``sql.json`` and any ``sql_*.json`` (``bench_sql.py``): the SQL pushdown against the hand-written
  query, pushdown / peer for each database and size (target ≤ 1.2× on PostgreSQL and MariaDB). Read
  generically: rows under ``results`` (a row's ``storage`` / ``backend`` / ``dialect`` names its
  database; PostgreSQL when none does) or a per-database list under ``storages`` (each with its own
  ``results``), so that every database the benchmark measured gets its row;
* ``ingest.json`` (``bench_ingest.py``): ``record_services`` on PostgreSQL (the fast, non-durable
  settings) at batch size 1,000, records/s (target ≥ 15,000), the main run and the batch-size sweep;
* ``duckdb.json`` (``bench_duckdb.py``): ours / DuckDB over a Parquet export (reported, no target);
* ``http.json`` (``bench_http.py``): the HTTP service's p50 / p99 latency of each request measured, with
  one client and with 16, on each storage (reported, no target).

A run is one value of ``$BENCH_RUN_ID`` (``make bench`` sets it; every results file carries it as
``run_id``): a file from another run is not read as this run's — its target shows "not measured in this
run" and the date of the stale file. Without a run id (``--run-id`` or the variable) the files are read
whatever run wrote them, and the date column tells their age.

Run: ``.venv/bin/python bench/summary.py [--run-id ID]`` (after the benchmarks).
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from _common import RESULTS, RUN_ID_VARIABLE, print_table, write_json

PANDAS_TARGET = 1.0
PANDAS_SIZES = (20_000, 100_000)
SQL_TARGET = 1.2
SQL_DATABASES = ("postgresql", "mariadb")
INGEST_TARGET = 15_000
INGEST_BATCH = 1_000
NAMES = {
    "sqlite": "SQLite",
    "postgresql": "PostgreSQL",
    "postgres": "PostgreSQL",
    "mariadb": "MariaDB",
    "mysql": "MySQL",
}
COLUMNS = ["target", "measured", "met", "machine", "date"]

Row = dict[str, Any]


def load(name: str, run_id: str | None) -> tuple[dict[str, Any] | None, str | None]:
    """The results file ``<name>.json`` and ``None``, or ``None`` and why it is not this run's."""
    path = RESULTS / f"{name}.json"
    if not path.exists():
        return None, "not measured in this run (no results file)"
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if run_id is not None and document.get("run_id") != run_id:
        return None, f"not measured in this run (the file is of {when(document)})"
    return document, None


def when(document: Mapping[str, Any]) -> str:
    """``measured_at`` as ``YYYY-MM-DD HH:MM UTC``."""
    stamp = str(document.get("measured_at") or "")
    match = re.fullmatch(r"(\d{4}-\d\d-\d\d)T(\d\d:\d\d).*", stamp)
    return f"{match[1]} {match[2]} UTC" if match else (stamp or "—")


def machine(document: Mapping[str, Any]) -> str:
    """The cores and the processor a results file was measured on, short."""
    facts = document.get("machine") or {}
    cpu = re.sub(r"\((R|TM)\)|\bCPU\b|\bProcessor\b", "", str(facts.get("cpu") or "?"))
    cores = facts.get("cores") or facts.get("cpus") or "?"
    commit = f", {facts['commit']}" if facts.get("commit") else ""
    return f"{cores} cores, {' '.join(cpu.split())}{commit}"


def seconds(value: object) -> str:
    """``value`` seconds, or ``?`` when the results file lacks it."""
    return f"{value:.3f} s" if isinstance(value, int | float) else "?"


def row(target: str, measured: str, met: bool | None, document: Mapping[str, Any] | None) -> Row:
    return {
        "target": target,
        "measured": measured,
        "met": met,
        "machine": machine(document) if document else "—",
        "date": when(document) if document else "—",
    }


def pandas_rows(run_id: str | None) -> list[Row]:
    document, missing = load("core", run_id)
    target = f"evaluate_year in memory ≤ {PANDAS_TARGET}× the vectorised pandas peer"
    if document is None:
        return [row(f"{target}, {n:,} members", str(missing), None, None) for n in PANDAS_SIZES]
    by_size: dict[int, Row] = {
        n: row(f"{target}, {n:,} members", "not measured in this run", None, document) for n in PANDAS_SIZES
    }
    for r in document.get("evaluate_year", []):
        if "ours_over_pandas" in r:
            by_size[r["members"]] = row(
                f"{target}, {r['members']:,} members",
                f"{r['ours_over_pandas']:.2f}× "
                f"(ours {seconds(r.get('ours_side_by_side_seconds', r.get('ours_seconds')))}, "
                f"pandas {seconds(r.get('pandas_seconds'))})",
                r["ours_over_pandas"] <= PANDAS_TARGET if r["members"] in PANDAS_SIZES else None,
                document,
            )
    return [by_size[n] for n in sorted(by_size)]


def database_of(entry: Mapping[str, Any], default: str) -> str:
    for key in ("storage", "backend", "dialect", "database", "name"):
        if isinstance(entry.get(key), str):
            return str(entry[key]).lower()
    return default


def sql_results(document: Mapping[str, Any]) -> Iterator[tuple[str, str | None, Mapping[str, Any]]]:
    """(database, its version, one result row) for every row of a ``bench_sql`` results file."""

    def version(database: str, entry: Mapping[str, Any]) -> str | None:
        for key in ("version", "server_version", database):
            if isinstance(entry.get(key), str):
                return str(entry[key]).split()[0]
        found = document.get(database)
        return found.split()[0] if isinstance(found, str) and found.strip() else None

    for entry in document.get("storages", []):
        database = database_of(entry, "postgresql")
        for result in entry.get("results", [entry]):
            yield database_of(result, database), version(database, entry), result
    for result in document.get("results", []):
        database = database_of(result, "postgresql")
        yield database, version(database, result), result


def sql_rows(run_id: str | None) -> list[Row]:
    target = f"SQL pushdown ≤ {SQL_TARGET}× the hand-written query"
    files = sorted({"sql", *(p.stem for p in RESULTS.glob("sql_*.json"))})
    rows: list[Row] = []
    seen: set[str] = set()
    stale: dict[str, str] = {}
    for name in files:
        document, missing = load(name, run_id)
        if document is None:
            stale[name] = str(missing)
            continue
        for database, version, r in sql_results(document):
            ratio = r.get("pushdown_over_peer")
            if ratio is None and r.get("pushdown_seconds") and r.get("peer_seconds"):
                ratio = r["pushdown_seconds"] / r["peer_seconds"]
            if ratio is None:
                continue
            seen.add(database)
            label = NAMES.get(database, database) + (f" {version}" if version else "")
            rows.append(
                row(
                    f"{target}, {label}, {r.get('members', 0):,} members",
                    f"{ratio:.2f}× (pushdown {seconds(r.get('pushdown_seconds'))}, "
                    f"hand-written {seconds(r.get('peer_seconds'))})",
                    ratio <= SQL_TARGET,
                    document,
                )
            )
    why = stale.get("sql", "not measured in this run")
    rows += [row(f"{target}, {NAMES[d]}", why, None, None) for d in SQL_DATABASES if d not in seen]
    return rows


def ingest_rows(run_id: str | None) -> list[Row]:
    document, missing = load("ingest", run_id)
    target = f"record_services on PostgreSQL ≥ {INGEST_TARGET:,} records/s, batch {INGEST_BATCH:,}"
    if document is None:
        return [row(target, str(missing), None, None)]
    rows = []
    for part, how in (("ingest", "records"), ("sweep", "records, batch-size sweep")):
        for r in document.get(part, []):
            rate = r.get("records_per_second")
            if r.get("storage") != "postgresql" or r.get("batch_size") != INGEST_BATCH or rate is None:
                continue
            rows.append(
                row(
                    f"{target}, {r.get('records', 0):,} {how}",
                    f"{rate:,} records/s ({seconds(r.get('seconds'))})",
                    rate >= INGEST_TARGET,
                    document,
                )
            )
    return rows or [row(target, "not measured in this run", None, document)]


def duckdb_rows(run_id: str | None) -> list[Row]:
    document, missing = load("duckdb", run_id)
    target = "evaluate_year in memory vs DuckDB over Parquet (reported, no target)"
    if document is None:
        return [row(target, str(missing), None, None)]
    return [
        row(
            f"{target}, {r['members']:,} members",
            f"ours / DuckDB {r['ours_over_duckdb']:.2f}× ({r['duckdb_threads']} threads), "
            f"{r['ours_over_duckdb_1_thread']:.2f}× (1 thread)",
            None,
            document,
        )
        for r in document.get("results", [])
    ]


def http_rows(run_id: str | None) -> list[Row]:
    """One row per storage and request of ``bench_http.py``: p50 / p99 with each number of clients."""
    document, missing = load("http", run_id)
    target = "HTTP service latency (reported, no target)"
    if document is None:
        return [row(target, str(missing), None, None)]
    by_request: dict[tuple[str, str], list[str]] = {}
    for cell in document.get("cells", []):
        if cell.get("p50_ms") is None:
            continue
        clients = cell.get("clients")
        shown = (
            f"{clients} client{'s' if clients != 1 else ''} p50 {cell['p50_ms']} / p99 {cell['p99_ms']} ms"
        )
        by_request.setdefault((str(cell.get("storage")), str(cell.get("request"))), []).append(shown)
    return [
        row(
            f"HTTP {request}, {NAMES.get(storage, storage)} (reported, no target)",
            "; ".join(shown),
            None,
            document,
        )
        for (storage, request), shown in by_request.items()
    ] or [row(target, "not measured in this run", None, document)]


def summary(run_id: str | None) -> list[Row]:
    """Every row of the table, in the order of the issue's targets."""
    return [
        *pandas_rows(run_id),
        *sql_rows(run_id),
        *ingest_rows(run_id),
        *duckdb_rows(run_id),
        *http_rows(run_id),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--run-id",
        default=os.environ.get(RUN_ID_VARIABLE) or None,
        help=f"read only the results files of this run (default: ${RUN_ID_VARIABLE})",
    )
    args = parser.parse_args()
    rows = summary(args.run_id)
    judged = [r for r in rows if r["met"] is not None]
    met = sum(1 for r in judged if r["met"])
    print_table(
        f"make bench — run {args.run_id}: {met} of {len(judged)} measured targets met"
        if args.run_id
        else f"bench results in {Path(RESULTS).name}/, whatever run wrote them: "
        f"{met} of {len(judged)} measured targets met",
        COLUMNS,
        rows,
    )
    write_json("summary", {"run": args.run_id, "rows": rows})


if __name__ == "__main__":
    main()
