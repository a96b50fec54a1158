"""Emptying a test database: what a conformance run against a host's own database needs between tests."""

from __future__ import annotations

import sqlalchemy as sa

from volunteer_core.storage.sql import _schema as s
from volunteer_core.storage.sql._dialects import dialect_of
from volunteer_core.storage.sql._engine import EngineLike, resolve_engine, transaction
from volunteer_core.storage.sql._partitions import KEYS_FIXED_TRIGGER, stored_partitions
from volunteer_core.storage.sql._triggers import install_ledger_triggers

__all__ = ["empty_test_database"]

_TRIGGERS = (
    "ledger_records_insert",
    "ledger_records_update",
    "ledger_records_delete",
    "ledger_records_truncate",
)


def _drop_triggers(conn: sa.Connection, family: str) -> None:
    for name in _TRIGGERS:
        if family == "postgresql":
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name} ON records")
        elif name != "ledger_records_truncate":
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {name}")


def empty_test_database(url_or_engine: EngineLike) -> sa.Engine:
    """Delete every row of the library's tables (the schema version stays) — **for a test database
    only**: the ledger is append-only, so its triggers are dropped for the deletion and created again.
    On SQLite and PostgreSQL it is one transaction; MySQL and MariaDB commit each trigger statement by
    themselves. Return the engine used.

    >>> from volunteer_core import Branch
    >>> from volunteer_core.storage.sql import SqlUnitOfWork, create_schema
    >>> engine = create_schema("sqlite://")
    >>> with SqlUnitOfWork(engine) as uow:
    ...     _ = uow.branches.add(Branch(id="b1", name="办公室党支部"))
    ...     uow.commit()
    >>> with SqlUnitOfWork(empty_test_database(engine)) as uow:
    ...     uow.branches.list()
    []
    """
    engine = resolve_engine(url_or_engine)
    family = dialect_of(engine).family
    with transaction(engine, "empty a test database") as conn:
        partitioned = family == "postgresql" and stored_partitions(conn) is not None
        if family in ("sqlite", "mysql", "postgresql"):
            _drop_triggers(conn, family)
        if partitioned:  # record_keys (ids, reversals, keys across partitions) refuses a DELETE too
            conn.exec_driver_sql("DROP TRIGGER IF EXISTS ledger_record_keys_fixed ON record_keys")
        if family == "mysql":
            conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 0")
        try:
            for table in reversed(s.metadata.sorted_tables):
                if table is not s.schema_version:
                    conn.execute(table.delete())
            if partitioned:
                conn.exec_driver_sql("DELETE FROM record_keys")
        finally:
            if family == "mysql":  # never hand the pooled connection back with the checks off
                conn.exec_driver_sql("SET FOREIGN_KEY_CHECKS = 1")
        install_ledger_triggers(conn)
        if partitioned:
            conn.exec_driver_sql(KEYS_FIXED_TRIGGER)
    return engine
