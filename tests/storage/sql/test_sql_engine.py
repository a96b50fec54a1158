"""Engines and URLs of the SQL storage (``storage/sql/_engine.py``): PostgreSQL engines SERIALIZABLE with a
lock timeout, URLs and engines accepted or refused, an in-memory SQLite database, and SQLite's write-ahead
log recovering from a process killed in the middle of a transaction."""

from __future__ import annotations

import multiprocessing
import os
import signal
from datetime import date
from multiprocessing.synchronize import Event
from pathlib import Path

import attrs
import pytest
from sql_support import BRANCH

from volunteer_core import Activity, Branch, Member
from volunteer_core.errors import InvalidInput, StorageError
from volunteer_core.storage.sql import SqlUnitOfWork, create_schema


def test_postgres_engines_from_urls_are_serializable_with_a_lock_timeout(postgres_url: str) -> None:
    uow = SqlUnitOfWork(postgres_url)
    try:
        with uow.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "15s"
            assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "serializable"
    finally:
        uow.engine.dispose()


def test_urls_and_engines(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    engine = create_schema(url)
    try:
        assert SqlUnitOfWork(engine).engine is engine
        assert "u.db" in repr(SqlUnitOfWork(url))
    finally:
        engine.dispose()
    assert SqlUnitOfWork("postgresql://someone@localhost/db").engine.dialect.driver == "psycopg"
    assert SqlUnitOfWork("mysql://someone@localhost/db").engine.dialect.driver == "pymysql"
    assert SqlUnitOfWork("mariadb://someone@localhost/db").engine.dialect.driver == "pymysql"
    for bad in ("not a url", "nosuchdb://localhost/db"):
        with pytest.raises(InvalidInput):
            SqlUnitOfWork(bad)
    with pytest.raises(InvalidInput):
        SqlUnitOfWork(42)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        SqlUnitOfWork(url, chunk_size=0)


def test_an_in_memory_database_works(tmp_path: Path) -> None:
    uow = SqlUnitOfWork(create_schema("sqlite://"))
    with uow:
        uow.branches.add(BRANCH)
        uow.commit()
    with uow:
        assert uow.branches.list() == [BRANCH]
    assert SqlUnitOfWork(uow.engine).engine is uow.engine


def _write_then_hang(url: str, committed: int, ready: Event) -> None:
    """(In a spawned process.) Commit ``committed`` branches one transaction each, then write a lot in a
    transaction that is never committed, and wait to be killed."""
    import time

    from volunteer_core.storage.sql import SqlUnitOfWork

    uow = SqlUnitOfWork(url)
    for i in range(committed):
        with uow:
            uow.branches.add(Branch(id=f"c{i:03d}", name=f"已提交{i}"))
            uow.members.add(
                Member(id=f"cm{i:03d}", name="甲", branch_id=f"c{i:03d}", joined_on=date(2020, 1, 1))
            )
            uow.commit()
    uow.begin()
    for i in range(2500):  # several megabytes: more than the page cache, so pages spill into the WAL
        uow.activities.add(
            Activity(id=f"u{i:04d}", kind="other", branch_id="c000", on=date(2026, 1, 5), title="未提交",
                     summary="未提交" * 400)
        )  # fmt: skip
    uow.members.update(attrs.evolve(uow.members.get("cm000"), name="乙"))
    ready.set()
    time.sleep(120)


def test_a_killed_process_loses_no_committed_row_and_leaves_no_uncommitted_one(tmp_path: Path) -> None:
    from volunteer_core.storage.sql import SqlUnitOfWork, create_schema

    url = f"sqlite:///{tmp_path / 'killed.db'}"
    create_schema(url).dispose()
    context = multiprocessing.get_context("spawn")
    ready = context.Event()
    process = context.Process(target=_write_then_hang, args=(url, 25, ready))
    process.start()
    try:
        assert ready.wait(timeout=120), "the writer did not reach its open transaction"
        os.kill(process.pid or 0, signal.SIGKILL)
    finally:
        process.join(timeout=60)
    assert process.exitcode == -signal.SIGKILL
    # the uncommitted pages did reach the write-ahead log: recovery has to ignore them
    assert (tmp_path / "killed.db-wal").stat().st_size > 1_000_000
    uow = SqlUnitOfWork(url)
    with uow:
        assert [b.id for b in uow.branches.list()] == [f"c{i:03d}" for i in range(25)]
        assert uow.activities.list() == []
        members = uow.members.list()
        assert [m.id for m in members] == [f"cm{i:03d}" for i in range(25)]
        assert members[0].name == "甲"
        assert members[0].version == 0
        uow.branches.add(Branch(id="after", name="之后"))  # the database is writable again
        uow.commit()
    with uow.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    uow.engine.dispose()


@pytest.mark.parametrize("content", [b"not a database at all" * 200, bytes(range(256)) * 20])
def test_a_file_that_is_not_sqlite_is_a_storage_error_and_stays_as_it_was(
    tmp_path: Path, content: bytes
) -> None:
    """``SqlUnitOfWork`` and ``create_schema`` on a file that is not a SQLite database: a bilingual
    ``StorageError`` naming the file (not the driver's ``DatabaseError``), and the file is not touched."""
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    url = f"sqlite:///{path}"
    with pytest.raises(StorageError) as opened, SqlUnitOfWork(url):
        pass
    with pytest.raises(StorageError) as created:
        create_schema(url)
    for refused in (opened.value, created.value):
        assert "不是 SQLite 数据库文件" in str(refused)
        assert "not a SQLite database file" in str(refused)
        assert str(path) in str(refused)
    assert path.read_bytes() == content
