"""The per-dialect table (``_dialects.DIALECTS``): which row a database runs, the portable path of an
unknown database (said once), and what differs on MySQL / MariaDB (errors, collation, streams)."""

from __future__ import annotations

import warnings
from datetime import date

import attrs
import pytest
import sqlalchemy as sa
from sqlalchemy.engine.default import DefaultDialect

from volunteer_core import Branch, Member
from volunteer_core.errors import ConcurrencyConflict, InvalidInput
from volunteer_core.storage.sql import SqlUnitOfWork
from volunteer_core.storage.sql._dialects import _WARNED, DIALECTS, UnknownDialectWarning, dialect_of
from volunteer_core.storage.sql._errors import is_conflict


@pytest.mark.parametrize(
    ("url", "family"),
    [
        ("sqlite://", "sqlite"),
        ("postgresql+psycopg://h/db", "postgresql"),
        ("mysql+pymysql://h/db", "mysql"),
        ("mariadb+pymysql://h/db", "mysql"),
    ],
)
def test_a_known_database_runs_its_row(url: str, family: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert dialect_of(sa.create_engine(url)) is DIALECTS[family]


def test_the_host_may_choose_the_row() -> None:
    engine = sa.create_engine("sqlite://")
    assert dialect_of(engine.execution_options(volunteer_core_dialect="portable")).family == "portable"
    with pytest.raises(InvalidInput) as caught:
        dialect_of(engine.execution_options(volunteer_core_dialect="oracle"))
    assert caught.value.path == "volunteer_core_dialect"


class _Unknown(DefaultDialect):
    name = "unknowndb"


def test_an_unknown_database_runs_the_portable_path_and_says_so_once() -> None:
    engine = sa.create_engine("sqlite://")
    engine.dialect = _Unknown()
    _WARNED.discard("unknowndb")
    with pytest.warns(UnknownDialectWarning, match="unknowndb"):
        assert dialect_of(engine) is DIALECTS["portable"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # said once: not again
        assert dialect_of(engine) is DIALECTS["portable"]


def test_a_dialect_built_on_postgresql_takes_its_row() -> None:
    from sqlalchemy.dialects.postgresql.psycopg import PGDialect_psycopg

    class OpenGaussLike(PGDialect_psycopg):
        name = "opengauss"

    engine = sa.create_engine("sqlite://")
    engine.dialect = OpenGaussLike()  # type: ignore[no-untyped-call]
    assert dialect_of(engine) is DIALECTS["postgresql"]


def _mysql_error(errno: int, text: str) -> Exception:
    import pymysql

    error: Exception = pymysql.err.OperationalError(errno, text)
    return error


@pytest.mark.parametrize(("errno", "conflict"), [(1213, True), (1205, True), (1020, True), (1062, False)])
def test_mysql_lost_races_are_conflicts(errno: int, conflict: bool) -> None:
    assert is_conflict(_mysql_error(errno, "x")) is conflict


def test_the_portable_path_reads_a_lost_race_from_the_message() -> None:
    assert is_conflict(RuntimeError("could not serialize access due to concurrent update"))
    assert is_conflict(RuntimeError("Deadlock found"))
    assert not is_conflict(RuntimeError("syntax error"))


# -- on the MariaDB test server ---------------------------------------------------------------------------


@pytest.fixture
def maria(request: pytest.FixtureRequest) -> SqlUnitOfWork:
    database = request.getfixturevalue("_mariadb")
    database.empty()
    return SqlUnitOfWork(database.engine)


def test_ids_are_compared_by_code_point_on_mariadb(maria: SqlUnitOfWork) -> None:
    """Case and accents matter, as everywhere else (a binary, no-pad collation)."""
    with maria:
        for branch_id in ("b", "B", "b-", "é", "e"):
            maria.branches.add(Branch(id=branch_id, name="党支部"))
        maria.commit()
    with maria:
        assert [b.id for b in maria.branches.list()] == ["B", "b", "b-", "e", "é"]


def test_the_longest_id_is_stored_on_mariadb(maria: SqlUnitOfWork) -> None:
    """Ids are at most 128 characters (``VARCHAR(128)`` there); the 128th is kept, the 129th refused before
    the database sees it."""
    longest = "支" * 128
    with maria:
        maria.branches.add(Branch(id=longest, name="党支部"))
        maria.commit()
    with maria:
        assert maria.branches.get(longest).id == longest
        with pytest.raises(InvalidInput):
            maria.branches.add(Branch(id=longest + "部", name="党支部"))


def test_a_record_stream_interleaves_with_other_reads_on_mariadb(maria: SqlUnitOfWork) -> None:
    """Keyset pages: the connection is free between pages for the other reads of the transaction."""
    from volunteer_core import ServiceRecord

    small = SqlUnitOfWork(maria.engine, chunk_size=2)
    with small:
        small.branches.add(Branch(id="b1", name="党支部"))
        small.members.add(Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)))
        from volunteer_core import Activity

        small.activities.add(
            Activity(id="a1", title="服务", kind="community_service", branch_id="b1", on=date(2026, 1, 1))
        )
        for day in range(1, 6):
            small.records.add(
                ServiceRecord(
                    id=f"r{day}",
                    member_id="m1",
                    activity_id="a1",
                    branch_id="b1",
                    kind="community_service",
                    on=date(2026, 1, day),
                    minutes=60,
                    recorded_on=date(2026, 1, day),
                )
            )
        small.commit()
    with small:
        seen = []
        for record in small.records.in_year(2026):
            seen.append(record.id)
            assert small.members.get("m1").id == "m1"  # another statement between pages
        assert seen == ["r1", "r2", "r3", "r4", "r5"]


def test_a_deadlock_is_a_conflict_on_mariadb(maria: SqlUnitOfWork) -> None:
    with maria:
        maria.branches.add(Branch(id="b1", name="党支部"))
        maria.commit()
    url = maria.engine.url.update_query_dict({"init_command": "SET SESSION innodb_lock_wait_timeout = 1"})
    waiting = SqlUnitOfWork(url.render_as_string(hide_password=False))
    try:
        with maria:
            maria.branches.update(attrs.evolve(maria.branches.get("b1"), name="一支部"))
            with waiting, pytest.raises(ConcurrencyConflict):
                waiting.branches.get("b1")
    finally:
        waiting.engine.dispose()


def test_a_stored_value_that_reads_like_a_rule_code_is_not_a_trigger_refusal() -> None:
    import pymysql

    from volunteer_core.storage.sql._errors import integrity_info

    duplicate = pymysql.err.IntegrityError(
        1062, "Duplicate entry 'ledger.year_locked: x' for key 'uq_records_idempotency_key'"
    )
    info = integrity_info(sa.exc.IntegrityError("INSERT INTO records (id) VALUES (%s)", ("r1",), duplicate))
    assert (info.kind, info.table, info.name) == ("unique", "records", "uq_records_idempotency_key")
    signal = pymysql.err.OperationalError(1644, "ledger.year_locked: 该支部年度已锁定")
    assert integrity_info(sa.exc.IntegrityError("INSERT INTO records", (), signal)).kind == "ledger"


def test_the_errors_of_other_mysql_drivers_are_read_by_their_number() -> None:
    """MySQL Connector/Python and MariaDB Connector/Python carry the number in ``errno``."""
    connector_error = type("DatabaseError", (Exception,), {"__module__": "mysql.connector.errors"})
    lock_wait = connector_error("1205 (HY000): Lock wait timeout exceeded")
    lock_wait.errno = 1205
    assert is_conflict(lock_wait)
    duplicate = connector_error("1062 (23000): Duplicate entry")
    duplicate.errno = 1062
    assert not is_conflict(duplicate)


# -- the portable path on real databases ------------------------------------------------------------------


def test_a_lock_taken_meanwhile_by_another_transaction_is_taken_as_done_on_the_portable_path(
    postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Read-then-insert: when the read missed a lock that a concurrent transaction committed, the insert's
    duplicate means "locked already" — not a storage error."""
    from volunteer_core.storage.sql import _uow, create_schema

    url = sa.make_url(postgres_url)
    with sa.create_engine(url, isolation_level="AUTOCOMMIT").connect() as conn:
        conn.exec_driver_sql("DROP DATABASE IF EXISTS portable_locks")
        conn.exec_driver_sql("CREATE DATABASE portable_locks")
    engine = sa.create_engine(url.set(database="portable_locks")).execution_options(
        volunteer_core_dialect="portable"
    )
    try:
        create_schema(engine)
        uow = SqlUnitOfWork(engine)
        with uow:
            uow.branches.add(Branch(id="b1", name="党支部"))
            uow.locks.lock("b1", 2026)
            uow.commit()
        never = sa.select(sa.literal(1)).where(sa.false())  # the read of a lock committed meanwhile
        monkeypatch.setattr(_uow, "_IS_LOCKED", never)
        with uow:
            uow.locks.lock("b1", 2026)
            uow.commit()
        with uow:
            assert uow.locks.list() == [("b1", 2026)]
    finally:
        engine.dispose()


def test_a_database_that_refuses_serializable_runs_at_its_own_level_and_says_so_once(
    tmp_path: object,
) -> None:
    from volunteer_core.storage.sql import _engine, create_schema

    engine = sa.create_engine(f"sqlite:///{tmp_path}/portable.db").execution_options(
        volunteer_core_dialect="portable"
    )
    engine.dialect.get_isolation_level_values = lambda conn: ["AUTOCOMMIT"]  # type: ignore[method-assign,assignment]
    _engine._REFUSED_ISOLATION.discard("sqlite")
    try:
        with pytest.warns(UnknownDialectWarning, match="SERIALIZABLE"):
            create_schema(engine)
        uow = SqlUnitOfWork(engine)
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # said once
            with uow:
                uow.branches.add(Branch(id="b1", name="党支部"))
                uow.commit()
            with uow:
                assert [b.id for b in uow.branches.list()] == ["b1"]
    finally:
        engine.dispose()
