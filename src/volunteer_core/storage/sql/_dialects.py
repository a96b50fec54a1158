"""What differs between databases, in one small table: :data:`DIALECTS` (read by the engine, the
transactions, the locks, the record streams, the triggers and the error translation).

=============  ====================  ======================  ======================  =====================
family         transaction           insert-or-ignore        lost race reported as   ledger's triggers
=============  ====================  ======================  ======================  =====================
``sqlite``     ``BEGIN IMMEDIATE``   ``ON CONFLICT DO        ``SQLITE_BUSY`` /       yes (``RAISE``)
               (one writer at once)  NOTHING``               ``SQLITE_LOCKED``
``postgresql`` ``SERIALIZABLE``      ``ON CONFLICT DO        SQLSTATE 40001, 40P01,  yes (PL/pgSQL)
                                     NOTHING``               55P03
``mysql``      ``SERIALIZABLE``      ``ON DUPLICATE KEY      errors 1213 (deadlock), yes (``SIGNAL``)
(MariaDB too)                        UPDATE``                1205 (lock wait), 1020
``portable``   ``SERIALIZABLE``      read, then insert       SQLSTATE 40001 / 40P01  none: the port's checks
               (when the driver      (in the same            or "deadlock",          in Python still hold
               has it)               transaction)            "serializ…" in the text
=============  ====================  ======================  ======================  =====================

A dialect is found by name (``sqlite``, ``postgresql``, ``mysql``, ``mariadb``), else by its SQLAlchemy
class: a dialect built on PostgreSQL's (openGauss, KingbaseES, PolarDB for PostgreSQL) or MySQL's
(OceanBase, TiDB, PolarDB-X, GoldenDB) takes its family's row. Any other dialect (DM8's ``dm``, …) runs the
portable row, and the storage says so once, with a :class:`UnknownDialectWarning`. A host may choose the row
itself with the engine's execution option ``volunteer_core_dialect``
(``engine.execution_options(volunteer_core_dialect="postgresql")``): :func:`dialect_of` reads it first.

>>> import sqlalchemy as sa
>>> dialect_of(sa.create_engine("sqlite://")).family
'sqlite'
>>> dialect_of(sa.create_engine("sqlite://").execution_options(volunteer_core_dialect="portable")).family
'portable'
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import attrs
import sqlalchemy as sa

__all__ = [
    "DIALECTS",
    "DIALECT_OPTION",
    "Dialect",
    "UnknownDialectWarning",
    "dialect_of",
    "mysql_collation",
    "mysql_ddl",
]

#: The execution option naming the row of :data:`DIALECTS` an engine runs (overrides the detection).
DIALECT_OPTION = "volunteer_core_dialect"

Family = Literal["sqlite", "postgresql", "mysql", "portable"]


class UnknownDialectWarning(UserWarning):
    """The storage runs a database it does not know on its portable path (said once per dialect)."""


@attrs.frozen(kw_only=True)
class Dialect:
    """One row of :data:`DIALECTS`: what the SQL storage does differently on one family of databases.

    Attributes:
        family: ``sqlite``, ``postgresql``, ``mysql`` or ``portable``.
        isolation: the isolation level each transaction asks for (None: the driver's own).
        server_side_cursors: whether a year's records stream through a server-side cursor (else in
            pages by ``(on, id)``, so that the connection stays free for other statements).
        insert_or_ignore: how a row that may already exist is added — ``on_conflict`` (``ON CONFLICT DO
            NOTHING``), ``on_duplicate_key`` (``ON DUPLICATE KEY UPDATE`` of the key to itself) or
            ``read_then_insert``.
        triggers: whether the ledger's triggers are installed (``sqlite``, ``postgresql``, ``mysql``).
        rejects_nul: whether text cannot hold the character U+0000 (PostgreSQL).

    >>> DIALECTS["mysql"].insert_or_ignore, DIALECTS["portable"].triggers
    ('on_duplicate_key', False)
    """

    family: Family
    isolation: str | None
    server_side_cursors: bool
    insert_or_ignore: Literal["on_conflict", "on_duplicate_key", "read_then_insert"]
    triggers: bool
    rejects_nul: bool = False


#: The table: one row per family of databases.
DIALECTS: dict[str, Dialect] = {
    "sqlite": Dialect(
        family="sqlite",
        isolation=None,
        server_side_cursors=True,
        insert_or_ignore="on_conflict",
        triggers=True,
    ),
    "postgresql": Dialect(
        family="postgresql",
        isolation="SERIALIZABLE",
        server_side_cursors=True,
        insert_or_ignore="on_conflict",
        triggers=True,
        rejects_nul=True,
    ),
    "mysql": Dialect(
        family="mysql",
        isolation="SERIALIZABLE",
        server_side_cursors=False,
        insert_or_ignore="on_duplicate_key",
        triggers=True,
    ),
    "portable": Dialect(
        family="portable",
        isolation="SERIALIZABLE",
        server_side_cursors=False,
        insert_or_ignore="read_then_insert",
        triggers=False,
    ),
}

_BY_NAME = {"sqlite": "sqlite", "postgresql": "postgresql", "mysql": "mysql", "mariadb": "mysql"}
_WARNED: set[str] = set()


def _family_by_class(dialect: sa.Dialect) -> str | None:
    from sqlalchemy.dialects.mysql.base import MySQLDialect
    from sqlalchemy.dialects.postgresql.base import PGDialect
    from sqlalchemy.dialects.sqlite.base import SQLiteDialect

    for base, family in ((PGDialect, "postgresql"), (MySQLDialect, "mysql"), (SQLiteDialect, "sqlite")):
        if isinstance(dialect, base):
            return family
    return None


def dialect_of(engine: sa.Engine | sa.Connection) -> Dialect:
    """The row of :data:`DIALECTS` for ``engine`` (or a connection of it): the execution option
    :data:`DIALECT_OPTION` when set, else by the dialect's name, else by its SQLAlchemy class, else
    ``portable`` (with an :class:`UnknownDialectWarning`, once per dialect name).

    >>> import sqlalchemy as sa
    >>> dialect_of(sa.create_engine("postgresql+psycopg://h/db")).isolation
    'SERIALIZABLE'
    """
    chosen: Any = engine.get_execution_options().get(DIALECT_OPTION)
    if chosen is not None:
        if chosen not in DIALECTS:
            from volunteer_core.errors import InvalidInput

            raise InvalidInput(
                DIALECT_OPTION,
                chosen,
                message_en=f"must be one of {', '.join(sorted(DIALECTS))}",
                message_zh=f"须为 {', '.join(sorted(DIALECTS))} 之一",
            )
        return DIALECTS[chosen]
    name = engine.dialect.name
    family = _BY_NAME.get(name) or _family_by_class(engine.dialect)
    if family is not None:
        return DIALECTS[family]
    if name not in _WARNED:
        _WARNED.add(name)
        warnings.warn(
            f"数据库 {name!r} 未经测试，按通用方式运行（无账本触发器，由程序检查）；the database {name!r} is not "
            f"one volunteer_core was tested on: it runs the portable path (no ledger triggers in the "
            f"database; the storage's own checks still hold). Run the contract suite against it: "
            f"see the databases page of the documentation",
            UnknownDialectWarning,
            stacklevel=3,
        )
    return DIALECTS["portable"]


_MYSQL_VERSION = re.compile(r"^(\d+)\.")


def mysql_collation(conn: sa.Connection) -> str:
    """The binary, no-pad collation of utf8mb4 the server has: identifiers and text compare by code
    point and ``'a'`` differs from ``'a '`` (MariaDB ``utf8mb4_nopad_bin``, MySQL 8 ``utf8mb4_0900_bin``;
    else ``utf8mb4_bin``)."""
    found = {
        str(row[0])
        for row in conn.exec_driver_sql(
            "SELECT COLLATION_NAME FROM information_schema.COLLATIONS WHERE COLLATION_NAME IN "
            "('utf8mb4_nopad_bin', 'utf8mb4_0900_bin')"
        )
    }
    for name in ("utf8mb4_nopad_bin", "utf8mb4_0900_bin"):
        if name in found:
            return name
    return "utf8mb4_bin"


@contextmanager
def mysql_ddl(conn: sa.Connection) -> Iterator[None]:
    """The schema's statements on MySQL / MariaDB: one named lock serialises concurrent ``create_schema``
    calls; the tables are InnoDB, utf8mb4 in :func:`mysql_collation`; the CHECK constraints, written with
    standard double-quoted identifiers, are read with ``ANSI_QUOTES`` (the session's SQL mode is restored
    afterwards). MySQL commits each DDL statement by itself: a failed step is not rolled back."""
    from volunteer_core.storage.sql import _schema as s

    collation = mysql_collation(conn)
    for table in s.metadata.tables.values():
        table.dialect_kwargs.update(
            {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": collation}
        )
    got = conn.exec_driver_sql("SELECT GET_LOCK('volunteer_core.schema', 120)").scalar()
    if got != 1:
        from volunteer_core.errors import ConcurrencyConflict

        raise ConcurrencyConflict(
            "另一个进程正在建表，请重试；another process is creating the schema: retry create_schema"
        )
    mode = conn.exec_driver_sql("SELECT @@SESSION.sql_mode").scalar()
    conn.exec_driver_sql(
        "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'ANSI_QUOTES')"
    )
    try:
        yield
    finally:
        conn.exec_driver_sql("SET SESSION sql_mode = %s", (mode,))
        conn.exec_driver_sql("SELECT RELEASE_LOCK('volunteer_core.schema')")
