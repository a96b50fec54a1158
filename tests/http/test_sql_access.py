"""Tokens and the audit trail of the HTTP service in the database (``volunteer_core.http._sql_access``):
the access-store contract on memory, SQLite, PostgreSQL, MariaDB and the portable path, and what only
the SQL store has (its tables beside the library's, created idempotently and concurrently, one indexed
query per look-up, the triggers' refusals as ``access.append_only``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from volunteer_core.errors import InvalidInput
from volunteer_core.http._access import AccessStore, AuditEntry, InMemoryAccessStore, Role, digest
from volunteer_core.http._sql_access import APPEND_ONLY, SqlAccessStore, refusal
from volunteer_core.storage.sql import SqlUnitOfWork, create_schema
from volunteer_core.testing.access_contract import AccessStoreContract, SqlAccessStoreContract

T0 = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)


class TestMemoryAccessStore(AccessStoreContract):
    __test__ = True

    @pytest.fixture
    def store(self) -> AccessStore:
        return InMemoryAccessStore()


class TestSqlAccessStore(SqlAccessStoreContract):
    """SQLite file, PostgreSQL and MariaDB: a new database without any table for each test."""

    __test__ = True

    @pytest.fixture
    def store(self, blank_sql_url: str) -> Iterator[AccessStore]:
        store = SqlAccessStore(blank_sql_url)
        yield store
        store.engine.dispose()


class TestPortableAccessStore(AccessStoreContract):
    """The portable path of an unknown database (here SQLite taken for one): no triggers, same store."""

    __test__ = True

    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[AccessStore]:
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'portable.db'}").execution_options(
            volunteer_core_dialect="portable"
        )
        yield SqlAccessStore(engine)
        engine.dispose()


def _sqlite_store(tmp_path: Path) -> SqlAccessStore:
    return SqlAccessStore(f"sqlite:///{tmp_path / 'access.db'}")


def test_beside_the_library_schema(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'volunteer.db'}"
    engine = create_schema(url)
    store = SqlAccessStore(engine)
    token, secret = store.issue(role=Role.RECORD, scope="b-1", at=T0)
    with SqlUnitOfWork(engine) as uow:
        assert uow.members.list() == []
    names = set(sa.inspect(engine).get_table_names())
    assert {"service_tokens", "service_audit", "records", "schema_version"} <= names
    assert SqlAccessStore(url).authenticate(secret) == token  # another engine, another "process"
    engine.dispose()


def test_created_again_changes_nothing(tmp_path: Path) -> None:
    store = _sqlite_store(tmp_path)
    token, _ = store.issue(role=Role.READ, scope="*", at=T0)
    entry = store.append_audit(_entry())
    again = SqlAccessStore(store.engine)
    assert again.tokens() == [token]
    assert again.audit() == [entry]
    with store.engine.connect() as conn:
        triggers = conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
        ).scalars()
        assert list(triggers) == [
            "service_audit_delete",
            "service_audit_update",
            "service_tokens_delete",
            "service_tokens_update",
        ]


def test_stores_created_at_once_on_one_database(blank_sql_url: str) -> None:
    """Two processes starting together (here: threads, each with its own engine) both get the tables."""
    stores: list[SqlAccessStore] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def make() -> None:
        try:
            start.wait()
            stores.append(SqlAccessStore(blank_sql_url))
        except BaseException as err:  # reported by the main thread
            errors.append(err)

    threads = [threading.Thread(target=make) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    token, secret = stores[0].issue(role=Role.READ, scope="*", at=T0)
    assert all(store.authenticate(secret) == token for store in stores)
    for store in stores:
        store.engine.dispose()


def _entry(n: int = 0) -> AuditEntry:
    return AuditEntry(
        at=T0 + timedelta(seconds=n),
        token_id="tok-1",
        role=Role.ADMINISTER,
        scope="*",
        method="POST",
        path="/v1/tokens",
        status=201,
        entity_id=f"tok-{n}",
    )


def test_refusal_is_invalid_input_with_the_code(blank_sql_url: str) -> None:
    store = SqlAccessStore(blank_sql_url)
    store.append_audit(_entry())
    with pytest.raises(sa.exc.DBAPIError) as raised, store.engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM service_audit")
    err = refusal(raised.value, "service_audit")
    assert isinstance(err, InvalidInput)
    assert (err.code, err.path) == (APPEND_ONLY, "service_audit")
    assert "append-only" in err.message_en
    assert "只能追加" in err.message_zh
    assert refusal(sa.exc.DBAPIError("SELECT 1", {}, Exception("other")), "service_audit") is None
    # a refusal met inside the store's own transaction: the same error, the transaction rolled back
    with pytest.raises(InvalidInput) as inside:
        store._write(
            "delete", "service_audit", lambda conn: conn.exec_driver_sql("DELETE FROM service_audit")
        )
    assert inside.value.code == APPEND_ONLY
    assert len(store.audit()) == 1
    store.engine.dispose()


def _statements(engine: sa.Engine) -> tuple[list[tuple[str, Any]], Any]:
    seen: list[tuple[str, Any]] = []

    def listen(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", listen)
    return seen, listen


def test_look_ups_are_one_indexed_query(tmp_path: Path) -> None:
    store = _sqlite_store(tmp_path)
    for n in range(3):
        store.issue(role=Role.READ, scope="*", at=T0 + timedelta(minutes=n))
        store.append_audit(_entry(n))
    _, secret = store.issue(role=Role.DECIDE, scope="*", at=T0)
    seen, listen = _statements(store.engine)
    assert store.authenticate(secret) is not None
    assert len(store.audit(after=1, limit=10)) == 2
    sa.event.remove(store.engine, "before_cursor_execute", listen)
    queries = [(q, p) for q, p in seen if q.lstrip().upper().startswith("SELECT")]
    assert len(queries) == 2, seen
    assert tuple(queries[0][1]) == (digest(secret),)
    with store.engine.connect() as conn:
        by_digest, page = (conn.exec_driver_sql("EXPLAIN QUERY PLAN " + q, p).all() for q, p in queries)
    assert any("INDEX" in str(row[-1]) for row in by_digest), by_digest
    assert any("PRIMARY KEY" in str(row[-1]) for row in page), page
    store.engine.dispose()


def test_naive_times_are_taken_as_utc(tmp_path: Path) -> None:
    store = _sqlite_store(tmp_path)
    token, _ = store.issue(role=Role.READ, scope="*", at=datetime(2026, 3, 1, 8, 30))
    assert token.issued_at == T0
    store.engine.dispose()


def test_memory_sqlite_shares_one_database() -> None:
    """``sqlite://`` is one shared in-memory database (the doctests, a throwaway service)."""
    store = SqlAccessStore("sqlite://")
    entries = [store.append_audit(_entry(n)) for n in range(3)]
    assert [e.id for e in entries] == [1, 2, 3]
    assert store.audit(after=2) == entries[2:]
