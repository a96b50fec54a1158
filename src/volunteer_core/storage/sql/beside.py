"""What tables kept beside the storage's (the HTTP service's tokens and audit trail,
:mod:`volunteer_core.http._sql_access`) reuse of the SQL storage: its engines, transactions, dialect
table, column types and error translation — the same objects, not copies, so that such tables behave on
every database as the storage's own.

* :func:`resolve_engine` — an engine from a URL, configured as the storage's (or the engine given);
* :func:`transaction` — one write transaction (``BEGIN IMMEDIATE`` on SQLite, ``SERIALIZABLE`` on the
  servers), driver errors translated, a lost race a ``ConcurrencyConflict``;
* :func:`connect` — a connection for reads outside a transaction (one statement each);
* :func:`db_errors`, :func:`integrity_info` — the translation of driver errors;
* :func:`mysql_collation`, :func:`mysql_ddl` — the MySQL / MariaDB schema statements' collation and lock;
* :data:`ID_TYPE`, :data:`CODE_TYPE` — the column types of identifiers and codes.

>>> import sqlalchemy as sa
>>> engine = resolve_engine("sqlite://")
>>> with connect(engine) as conn:
...     conn.execute(sa.text("SELECT 1")).scalar()
1
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import sqlalchemy as sa

from volunteer_core.storage.sql import _schema
from volunteer_core.storage.sql._dialects import mysql_collation, mysql_ddl
from volunteer_core.storage.sql._engine import EngineLike, resolve_engine, transaction
from volunteer_core.storage.sql._errors import db_errors, integrity_info

__all__ = [
    "CODE_TYPE",
    "ID_TYPE",
    "EngineLike",
    "connect",
    "db_errors",
    "integrity_info",
    "mysql_collation",
    "mysql_ddl",
    "resolve_engine",
    "transaction",
]

#: The column type of identifiers: compared by code point everywhere, 128 characters on MySQL / MariaDB.
ID_TYPE = _schema.members.c.id.type
#: The column type of enum values and short codes (64 characters on MySQL / MariaDB).
CODE_TYPE = _schema.organisations.c.kind.type


@contextmanager
def connect(engine: sa.Engine, action: str = "read the database") -> Iterator[sa.Connection]:
    """A connection of ``engine`` for reads that need no transaction of their own: each statement sees
    what was committed before it, and no write lock is taken (SQLite's ``BEGIN IMMEDIATE`` is for
    writers); driver errors are translated as in the storage."""
    with db_errors(action), engine.connect() as conn:
        yield conn
