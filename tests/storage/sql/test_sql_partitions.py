"""The partitioned layout on PostgreSQL (``create_schema(..., partitions=N)``, ``storage/sql/_partitions.py``).

On a database laid out in ``PG_PARTITIONS`` partitions (``partitioned_pg_url``, tests/conftest.py): the
integrators' contract and every test of the ledger held by the database (``test_sql_ledger_integrity.py``,
collected again here with ``sql_url`` and ``pg_engine`` naming the partitioned database) pass as on the
unpartitioned schema; a record id is unique across partitions; ``create_schema`` refuses what it cannot
lay out; the pushdown's plan aggregates partition by partition (``EXPLAIN``). Setting
``VOLUNTEER_CORE_PG_PARTITIONS=4`` runs every other PostgreSQL test on the partitioned layout as well.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
import test_sql_ledger_integrity as ledger
from sql_support import ACTIVITY, BRANCH, MEMBER, RECORD

from volunteer_core.compliance import shard_of
from volunteer_core.errors import InvalidInput, RuleViolation
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.sql import SqlUnitOfWork, create_schema
from volunteer_core.storage.sql import _totals as totals
from volunteer_core.storage.sql._partitions import MAX_PARTITIONS, stored_partitions
from volunteer_core.testing.contract import UnitOfWorkContract

# -- the ledger's tests, on the partitioned database ------------------------------------------------------

# the tests and fixtures of test_sql_ledger_integrity, collected again in this module: its fixtures ask
# for ``sql_url`` / ``pg_engine``, which this module's own fixtures below answer with the partitioned database
globals().update(
    {name: value for name, value in vars(ledger).items() if name.startswith("test_")}
    | {name: getattr(ledger, name) for name in ("uow", "unchecked", "statements")}
)


@pytest.fixture
def sql_url(partitioned_pg_url: str) -> str:
    """The partitioned database, emptied (instead of a SQLite file and the unpartitioned database)."""
    return partitioned_pg_url


@pytest.fixture
def pg_engine(_postgres_partitioned: Any) -> sa.Engine:
    """The engine of the partitioned database, emptied."""
    _postgres_partitioned.empty()
    engine: sa.Engine = _postgres_partitioned.engine
    return engine


# -- the contract -----------------------------------------------------------------------------------------


def _url(uow: UnitOfWork) -> str:
    assert isinstance(uow, SqlUnitOfWork)
    return uow.engine.url.render_as_string(hide_password=False)


class TestPartitionedPostgresContract(UnitOfWorkContract):
    supports_serializable = True
    supports_threads = True
    supports_multiprocess = True

    @pytest.fixture(autouse=True)
    def _server(self, request: pytest.FixtureRequest) -> None:
        self._database = request.getfixturevalue("_postgres_partitioned")

    def make_uow(self) -> UnitOfWork:
        self._database.empty()
        return SqlUnitOfWork(self._database.engine)

    def dispose_uow(self, uow: UnitOfWork) -> None:
        assert isinstance(uow, SqlUnitOfWork)
        if uow.engine is not self._database.engine:
            uow.engine.dispose()

    def make_sibling(self, uow: UnitOfWork) -> UnitOfWork:
        assert isinstance(uow, SqlUnitOfWork)
        return SqlUnitOfWork(uow.engine)

    def process_factory(self, uow: UnitOfWork) -> Callable[[], UnitOfWork]:
        return functools.partial(SqlUnitOfWork, _url(uow))

    def reopen(self, uow: UnitOfWork) -> UnitOfWork:
        return SqlUnitOfWork(_url(uow))


# -- the layout -----------------------------------------------------------------------------------------


@pytest.fixture
def engine(partitioned_pg_url: str) -> Iterator[sa.Engine]:
    engine = sa.create_engine(partitioned_pg_url)
    yield engine
    engine.dispose()


def test_members_and_records_are_hash_partitioned_alike(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        partitions = stored_partitions(conn)
        assert partitions is not None
        assert partitions >= 2
        rows = conn.exec_driver_sql(
            "SELECT c.relname, pg_get_partkeydef(c.oid), "
            "(SELECT count(*) FROM pg_inherits i WHERE i.inhparent = c.oid) "
            "FROM pg_class c WHERE c.relkind = 'p' ORDER BY 1"
        ).all()
        bounds = conn.exec_driver_sql(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_class c "
            "WHERE c.relispartition AND c.relkind = 'r' AND c.relname LIKE 'records%%' ORDER BY 1"
        ).all()
    assert rows == [("members", "HASH (id)", partitions), ("records", "HASH (member_id)", partitions)]
    assert bounds == [
        (f"records_p{k}", f"FOR VALUES WITH (modulus {partitions}, remainder {k})") for k in range(partitions)
    ]


def test_a_record_id_is_unique_across_partitions(partitioned_pg_url: str) -> None:
    """The primary key of the partitioned ``records`` is (id, member_id): ``record_keys`` keeps one
    record per id whoever the member — through the port and in raw SQL."""
    uow = SqlUnitOfWork(partitioned_pg_url)
    others = [attrs.evolve(MEMBER, id=f"m{k}") for k in range(2, 12)]  # some in another partition
    with uow:
        uow.branches.add(BRANCH)
        uow.members.add(MEMBER)
        for member in others:
            uow.members.add(member)
        uow.activities.add(ACTIVITY)
        uow.records.add(RECORD, idempotency_key="k1")
        uow.commit()
    with uow:
        for member in others:
            with pytest.raises(InvalidInput) as same_id:
                uow.records.add(attrs.evolve(RECORD, member_id=member.id))
            assert (same_id.value.code, same_id.value.path) == ("input.duplicate", "id")
            with pytest.raises(RuleViolation) as same_key:  # the key names r1, of another member
                uow.records.add(attrs.evolve(RECORD, id="r2", member_id=member.id), idempotency_key="k1")
            assert same_key.value.code == "ledger.idempotency_conflict"
    insert = sa.text(
        'INSERT INTO records (id, member_id, activity_id, branch_id, kind, "on", minutes, status, reason, '
        "version, idempotency_key) VALUES (:id, :m, 'a1', 'b1', 'pairing', '2026-03-05', 60, 'confirmed', '', "
        "0, :key)"
    )
    for member in others:
        for row, constraint in (
            (("r1", None), "pk_record_keys"),
            (("r2", "k1"), "uq_record_keys_idempotency_key"),
        ):
            with pytest.raises(sa.exc.IntegrityError, match=constraint), uow.engine.begin() as conn:
                conn.execute(insert, {"id": row[0], "key": row[1], "m": member.id})
    with uow.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT id, member_id, idempotency_key FROM record_keys").all() == [
            ("r1", "m1", "k1")
        ]
    uow.engine.dispose()


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE record_keys SET reverses = NULL",
        "DELETE FROM record_keys",
        "TRUNCATE record_keys",
        "TRUNCATE {empty}",
        "TRUNCATE {partition}",
        "DELETE FROM {partition}",
        "UPDATE {partition} SET minutes = 1",
    ],
)
def test_the_keys_and_each_partition_refuse_what_the_ledger_refuses(
    partitioned_pg_url: str, sql: str
) -> None:
    ledger._seed(SqlUnitOfWork(partitioned_pg_url)).engine.dispose()
    engine = sa.create_engine(partitioned_pg_url)
    with engine.connect() as conn:
        partition = conn.exec_driver_sql("SELECT DISTINCT tableoid::regclass::text FROM records").scalar_one()
        empty = next(f"records_p{k}" for k in range(2) if f"records_p{k}" != partition)
    with pytest.raises(sa.exc.IntegrityError, match=r"ledger\.append_only"), engine.begin() as conn:
        conn.exec_driver_sql(sql.format(partition=partition, empty=empty))
    engine.dispose()


@pytest.mark.parametrize("partitions", [True, 1, 0, -4, MAX_PARTITIONS + 1, "4", 4.0])
def test_partitions_is_an_integer_from_2(partitions: Any, partitioned_pg_url: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        create_schema(partitioned_pg_url, partitions=partitions)
    assert refused.value.path == "partitions"


def test_partitions_is_refused_on_sqlite(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'volunteer.db'}"
    with pytest.raises(InvalidInput) as refused:
        create_schema(url, partitions=4)
    assert refused.value.path == "partitions"
    assert "PostgreSQL" in refused.value.message_en
    assert (
        not (tmp_path / "volunteer.db").exists() or sa.inspect(sa.create_engine(url)).get_table_names() == []
    )


def test_an_existing_database_is_never_laid_out_again(partitioned_pg_url: str, pg_url_plain: str) -> None:
    engine = create_schema(partitioned_pg_url)  # None keeps the layout
    with engine.connect() as conn:
        partitions = stored_partitions(conn)
    assert partitions is not None
    assert create_schema(engine, partitions=partitions) is engine
    for other in (partitions - 1, partitions * 2):
        with pytest.raises(InvalidInput, match="does not lay an existing database out again") as refused:
            create_schema(engine, partitions=other)
        assert refused.value.path == "partitions"
    with engine.connect() as conn:
        assert stored_partitions(conn) == partitions
    engine.dispose()
    plain = sa.create_engine(pg_url_plain)
    with plain.connect() as conn:
        stored = stored_partitions(conn)
    with pytest.raises(InvalidInput, match=r"unpartitioned|hash-partitioned"):
        create_schema(plain, partitions=(stored or 2) + 1)
    plain.dispose()


@pytest.fixture
def pg_url_plain(_postgres: Any) -> str:
    """The URL of the PostgreSQL test database (unpartitioned unless VOLUNTEER_CORE_PG_PARTITIONS is set)."""
    url: str = _postgres.url
    return url


# -- the pushdown's plan --------------------------------------------------------------------------------


def _seed_year(url: str, members: int = 200) -> None:
    uow = SqlUnitOfWork(url)
    with uow:
        uow.branches.add(BRANCH)
        uow.activities.add(ACTIVITY)
        for k in range(members):
            uow.members.add(attrs.evolve(MEMBER, id=f"m{k:04d}"))
        uow.records.add_many(
            [
                (
                    attrs.evolve(RECORD, id=f"r{k:04d}-{i}", member_id=f"m{k:04d}", on=date(2026, 1 + i, 5)),
                    None,
                )
                for k in range(members)
                for i in range(3)
            ]
        )
        uow.commit()
    uow.engine.dispose()


def _plans(node: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield node
    for child in node.get("Plans", ()):
        yield from _plans(child)


def _appended(plan: dict[str, Any]) -> list[tuple[str, list[str]]]:
    """Below each Append of the plan, for each of its children: whether it is an aggregate or a join, and
    the partitions it reads (``records_pK``, ``members_pK``)."""
    found = []
    for node in _plans(plan):
        if node["Node Type"] != "Append":
            continue
        for child in node.get("Plans", ()):
            kind = child["Node Type"]
            shape = (
                "aggregate" if kind == "Aggregate" else "join" if "Join" in kind or "Loop" in kind else kind
            )
            scanned = {n.get("Relation Name") or "" for n in _plans(child)}
            found.append((shape, sorted(n for n in scanned if n.startswith(("records_p", "members_p")))))
    return found


@pytest.mark.parametrize("scoped", [False, True])
def test_the_pushdown_aggregates_partition_by_partition(partitioned_pg_url: str, scoped: bool) -> None:
    """``EXPLAIN`` of the pushdown's statements in the transaction the pushdown runs in: the per-member
    ``GROUP BY`` is an Append of one aggregate per partition of ``records`` (restricted to some branches:
    each joined to its partition of ``members``) — each partition aggregated on its own, what a Citus
    worker does with its shards; the count of branch activities joins each partition of ``records`` to
    the same partition of ``members`` (partitionwise join) before the unpartitioned ``activities``."""
    _seed_year(partitioned_pg_url)
    engine = sa.create_engine(partitioned_pg_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")
        partitions = stored_partitions(conn) or 0
    params: dict[str, Any] = {
        "start": date(2026, 1, 1),
        "end": date(2026, 12, 31),
        "until": date(2026, 12, 31),
        **{f"m{k}": date(2026, k, 1) for k in range(1, 13)},
        "m13": date(2027, 1, 1),
    }
    if scoped:
        params["branches"] = ["b1"]
    per_member, activities, _ = totals._statements(scoped)
    aggregated = [("aggregate", [f"records_p{k}"]) for k in range(partitions)]
    if scoped:
        aggregated = [("aggregate", [f"members_p{k}", f"records_p{k}"]) for k in range(partitions)]
    joined = [("join", [f"members_p{k}", f"records_p{k}"]) for k in range(partitions)]
    with engine.begin() as conn, totals.partitionwise(conn):
        for statement, expected in ((per_member, aggregated), (activities, joined)):
            sql = statement.params(**params).compile(
                dialect=conn.dialect, compile_kwargs={"literal_binds": True}
            )
            explained = conn.exec_driver_sql(
                f"EXPLAIN (FORMAT JSON) {sql}", execution_options={"no_parameters": True}
            ).scalar()
            plan = (explained if isinstance(explained, list) else json.loads(str(explained)))[0]["Plan"]
            assert _appended(plan) == expected, plan
        assert conn.exec_driver_sql("SHOW enable_partitionwise_aggregate").scalar() == "on"
    with engine.begin() as conn:
        with totals.partitionwise(conn):
            pass
        assert conn.exec_driver_sql("SHOW enable_partitionwise_aggregate").scalar() == "off"  # restored
    engine.dispose()


# -- the shard of a member in SQL (docs/national-scale.md) ----------------------------------------------


def _documented_shard_function() -> str:
    """The ``CREATE FUNCTION volunteer_shard_of`` block of docs/national-scale.md."""
    page = (Path(__file__).resolve().parents[3] / "docs" / "national-scale.md").read_text(encoding="utf-8")
    start = page.index("CREATE FUNCTION volunteer_shard_of")
    return page[start : page.index("$$;", start) + 2]


def test_the_documented_sql_shard_of_a_member_is_compliance_shard_of(pg_engine: sa.Engine) -> None:
    ids = ["m1", "m2", "", "党员-张三", "0", "b" * 300, "🙂", *(f"m{k:05d}" for k in range(400))]
    counts = [1, 2, 3, 4, 7, 8, 64, 1000, 2**31 - 1]
    with pg_engine.connect() as conn:
        conn.exec_driver_sql(_documented_shard_function(), execution_options={"no_parameters": True})
        found = conn.execute(
            sa.text(
                "SELECT m, n, volunteer_shard_of(m, n) FROM unnest(CAST(:ids AS text[])) AS m, unnest(CAST(:counts AS integer[])) AS n"
            ),
            {"ids": ids, "counts": counts},
        ).all()
        conn.rollback()  # the function is not kept
    assert len(found) == len(ids) * len(counts)
    assert [(m, n, shard) for m, n, shard in found] == [(m, n, shard_of(m, n)) for m, n, _ in found]


def test_an_emptied_partitioned_test_database_takes_the_same_ids_again(partitioned_pg_url: str) -> None:
    """``empty_test_database`` empties ``record_keys`` too (and keeps its guard): the next test may store
    the same record ids and keys."""
    from volunteer_core.storage.sql import empty_test_database

    def store() -> None:
        uow = SqlUnitOfWork(partitioned_pg_url)
        with uow:
            uow.branches.add(BRANCH)
            uow.members.add(MEMBER)
            uow.activities.add(ACTIVITY)
            uow.records.add(RECORD, idempotency_key="k1")
            uow.commit()
        uow.engine.dispose()

    store()
    empty_test_database(partitioned_pg_url).dispose()
    store()
    engine = sa.create_engine(partitioned_pg_url)
    try:
        with pytest.raises(sa.exc.IntegrityError, match=r"ledger\.append_only"), engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM record_keys")  # its trigger is back
    finally:
        engine.dispose()
