"""SQL pushdown against a hand-written query, on the same PostgreSQL, and on the same MariaDB.

For each backend and size (members; ~38 records each) a synthetic year (``volunteer_core.synthetic``) is
stored in a fresh database of a server that this script starts itself
(``volunteer_core.testing.postgres.temporary_postgres``, ``volunteer_core.testing.mariadb.temporary_mariadb``),
then, median of ``--runs`` (``peer``,
``totals`` and ``pushdown`` taken in turns, so that a slow spell of the machine falls on all three):

* ``peer``: the hand-written query of ``bench/peers/sql_peer.py`` (one statement, the member rules
  computed in the database — the branch activities from ``activity_branches``, joint pairings and linked
  同过节 / 办实事, the records off their activity's date set apart — rows fetched into Python);
* ``totals``: our three statements alone (``SqlUnitOfWork.member_year_totals``);
* ``pushdown``: ``services.evaluate_year(uow, year)`` — the whole report: the aggregates in the
  database, the members judged in Python, plus every other rule (teams, branches, deadlines,
  activities, pairings);
* ``streamed``: ``services.evaluate_year(uow, year, pushdown=False)`` — every record to Python.

The results are asserted equal member by member (net minutes, required minutes, months missing, branch
activities, caring actions, trainings, attendances, records off their activity's date, compliant). Loading is not timed: master data and records are written
with bulk INSERTs of the storage's own rows (``storage.sql``'s mapping), then ``ANALYZE``.

Run: ``.venv/bin/python bench/bench_sql.py [--members 10000 100000] [--runs 5] [--backends postgresql mariadb]
[--quick]``.
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from _common import interleaved_medians, median_seconds, print_table, write_json
from peers import sql_peer

from volunteer_core import services
from volunteer_core.storage.sql import SqlUnitOfWork, create_schema
from volunteer_core.storage.sql._mapping import SPECS  # no public bulk loader: see load()
from volunteer_core.synthetic import SyntheticYear, generate_year
from volunteer_core.testing.mariadb import temporary_mariadb
from volunteer_core.testing.postgres import temporary_postgres

YEAR = 2026
BACKENDS = ("postgresql", "mariadb")
CHUNK = 20_000


def _bulk(conn: sa.Connection, repository: str, entities: Iterable[Any]) -> int:
    """INSERT the entities of one repository (and their child rows) in chunks; return how many."""
    spec = SPECS[repository]
    count = 0
    iterator = iter(entities)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        conn.execute(sa.insert(spec.table), [spec.to_row(e) for e in chunk])
        for child in spec.children:
            rows = [
                {child.parent: e.id, **row} for e in chunk for row in child.to_rows(getattr(e, child.field))
            ]
            if rows:
                conn.execute(sa.insert(child.table), rows)
        count += len(chunk)
    return count


def load(engine: sa.Engine, world: SyntheticYear) -> int:
    """Store the world's year (not timed); return the number of records.

    Bulk INSERTs of the storage's own rows (``storage.sql._mapping.SPECS``, private): the package has no
    public bulk loader — its public way in is the use-cases, too slow to load 100k members here."""
    with engine.begin() as conn:
        for repository, entities in (
            ("organisations", world.organisations),  # parents first: the tree is in dependency order
            ("branches", world.branches),
            ("members", world.members),
            ("teams", world.teams),
            ("beneficiaries", world.beneficiaries),
            ("units", world.units),
            ("pairings", world.pairings),
            ("activities", world.activities),
            ("plans", world.plans),
            ("reports", world.reports),
        ):
            _bulk(conn, repository, entities)
        records = _bulk(conn, "records", world.iter_records())
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("VACUUM ANALYZE")
        else:
            names = ", ".join(f"`{t}`" for t in sa.inspect(conn).get_table_names())
            conn.exec_driver_sql(f"ANALYZE TABLE {names}")
    return records


def _agree(report: Any, peer: dict[str, dict[str, Any]]) -> None:
    assert set(report.members) == set(peer), "the same members are judged"
    for member_id, ours in report.members.items():
        theirs = peer[member_id]
        mine = (
            ours.net_minutes,
            ours.required_minutes,
            ours.months_missing,
            ours.branch_activities,
            ours.caring_actions,
            ours.trainings,
            ours.attendances,
            sum(1 for v in ours.violations if v.code == "record.activity_date"),
            ours.compliant,
        )
        other = (
            theirs["net_minutes"],
            theirs["required_minutes"],
            theirs["months_missing"],
            theirs["branch_activities"],
            theirs["caring_actions"],
            theirs["trainings"],
            theirs["attendances"],
            theirs["misdated"],
            theirs["compliant"],
        )
        assert mine == other, f"{member_id}: ours {mine} ≠ hand-written {other}"


def _fresh(url: str, members: int) -> sa.Engine:
    """An engine on an empty database of the server: PostgreSQL's schema ``public`` made anew, a new
    MariaDB database per size."""
    engine = sa.create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        return engine
    name = f"bench_{members}"
    with engine.begin() as conn:
        conn.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin")
    engine.dispose()
    return sa.create_engine(sa.make_url(url).set(database=name))


def bench_size(url: str, members: int, runs: int) -> dict[str, Any]:
    engine = _fresh(url, members)
    create_schema(engine)
    world = generate_year(YEAR, members=members, branches=max(2, members // 50), seed=11)
    started = time.perf_counter()
    records = load(engine, world)
    loaded = time.perf_counter() - started
    uow = SqlUnitOfWork(engine)

    def totals() -> None:
        with uow:
            uow.member_year_totals(YEAR)

    peer = sql_peer.member_rules(engine, YEAR)
    pushed = services.evaluate_year(uow, YEAR)
    streamed = services.evaluate_year(uow, YEAR, pushdown=False)
    _agree(pushed, peer)
    _agree(streamed, peer)
    del pushed, streamed, peer  # checked: not kept alive while timing
    # peer, totals and pushdown in turns: their ratios are the point, and this shared machine has slow
    # spells that would otherwise land on one of them only
    timings = interleaved_medians(
        {
            "peer": lambda: sql_peer.member_rules(engine, YEAR),
            "totals": totals,
            "pushdown": lambda: services.evaluate_year(uow, YEAR),
        },
        runs,
    )
    timings["streamed"] = median_seconds(lambda: services.evaluate_year(uow, YEAR, pushdown=False), runs)
    engine.dispose()
    return {
        "members": members,
        "records": records,
        "load_seconds": round(loaded, 1),
        **{f"{name}_seconds": round(value, 3) for name, value in timings.items()},
        "pushdown_over_peer": round(timings["pushdown"] / timings["peer"], 2),
        "totals_over_peer": round(timings["totals"] / timings["peer"], 2),
        "streamed_over_peer": round(timings["streamed"] / timings["peer"], 2),
        "agree": True,
    }


def _server(backend: str) -> Any:
    """A throwaway server of ``backend`` for this run (settings a DBA would give a reporting database)."""
    if backend == "postgresql":
        return temporary_postgres(settings=("work_mem=64MB", "shared_buffers=1GB"))
    return temporary_mariadb(
        settings=("innodb-buffer-pool-size=1G", "tmp-table-size=256M", "max-heap-table-size=256M")
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--members", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--quick", action="store_true", help="2,000 members only")
    args = parser.parse_args()
    sizes = [2_000] if args.quick else args.members
    versions: dict[str, str] = {}
    results: list[dict[str, Any]] = []
    for backend in args.backends:
        rows = []
        with _server(backend) as url:
            with sa.create_engine(url).connect() as conn:
                version = conn.exec_driver_sql(
                    "SHOW server_version" if backend == "postgresql" else "SELECT VERSION()"
                ).scalar()
            for members in sizes:
                rows.append({"backend": backend, **bench_size(url, members, args.runs)})
        print_table(
            f"evaluate_year on {backend} {version}: SQL pushdown vs a hand-written query "
            f"(median of {args.runs} runs, seconds; results agree member by member)",
            [
                "members",
                "records",
                "peer_seconds",
                "totals_seconds",
                "pushdown_seconds",
                "streamed_seconds",
                "pushdown_over_peer",
                "totals_over_peer",
                "streamed_over_peer",
            ],
            rows,
        )
        versions[backend] = version
        results.extend(rows)
    # one row per backend and size, each naming its database (bench/summary.py reads "backend")
    write_json("sql", {"runs": args.runs, "versions": versions, "results": results})


if __name__ == "__main__":
    main()
