"""The unit of work of the SQL storage (SQLAlchemy Core, no ORM): one repository per row of the table of
aggregates, the locks of filed years, and the transaction they share."""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import mysql as mysql_dialect
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from volunteer_core.aggregates import AGGREGATES
from volunteer_core.compliance import MemberTotals, valid_as_of, valid_branch_ids, valid_year
from volunteer_core.errors import InvalidInput, StorageError
from volunteer_core.ports import LockRepository, UnitOfWork, repository_classes
from volunteer_core.storage.sql import _schema as s
from volunteer_core.storage.sql import _totals
from volunteer_core.storage.sql._engine import EngineLike, resolve_engine
from volunteer_core.storage.sql._errors import translate
from volunteer_core.storage.sql._mapping import BuiltCache
from volunteer_core.storage.sql._migrate import check_version
from volunteer_core.storage.sql._queries import has_nul, is_year
from volunteer_core.storage.sql._records import Records, locked_pairs
from volunteer_core.storage.sql._repository import (
    Activities,
    Members,
    Pairings,
    Plans,
    Repo,
    Reports,
    Wishes,
)
from volunteer_core.storage.sql._transaction import Transaction
from volunteer_core.storage.sql._tree import Branches, Organisations, Qualifications

__all__ = ["SqlUnitOfWork"]

_IS_LOCKED = sa.select(sa.literal(1)).where(
    s.locks.c.branch_id == sa.bindparam("branch_id"), s.locks.c.year == sa.bindparam("year")
)
_LOCK = {
    "postgresql": pg_dialect.insert(s.locks).on_conflict_do_nothing(),
    "sqlite": sqlite_dialect.insert(s.locks).on_conflict_do_nothing(),
    "mysql": mysql_dialect.insert(s.locks).on_duplicate_key_update(branch_id=s.locks.c.branch_id),
}


class _Locks(LockRepository):
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def is_locked(self, branch_id: str, year: int) -> bool:
        if not isinstance(branch_id, str) or not is_year(year):
            return False
        tx = self._uow._transaction()
        if tx.postgres and has_nul({"branch_id": branch_id}):
            return False
        with tx.io("read locks") as conn:
            found = conn.execute(_IS_LOCKED, {"branch_id": branch_id, "year": year}).first()
        return found is not None

    def lock(self, branch_id: str, year: int) -> None:
        if not isinstance(branch_id, str) or not branch_id:
            raise InvalidInput(
                "branch_id", branch_id, code="input.type", message_en="must be an id", message_zh="须为编号"
            )
        if not is_year(year):
            raise InvalidInput(
                "year", year, code="input.type", message_en="must be a year", message_zh="须为年份"
            )
        tx = self._uow._transaction()
        params = {"branch_id": branch_id, "year": year}
        with tx.io("lock a year") as conn:
            if tx.dialect.insert_or_ignore == "read_then_insert":  # the portable path
                if conn.execute(_IS_LOCKED, params).first() is None:
                    savepoint = conn.begin_nested()
                    try:
                        conn.execute(sa.insert(s.locks), params)
                    except sa.exc.IntegrityError:  # a concurrent lock of the same year got there first
                        savepoint.rollback()
                    else:
                        savepoint.commit()
            else:
                conn.execute(_LOCK[tx.dialect.family], params)

    def list(self) -> list[tuple[str, int]]:
        t = s.locks
        with self._uow._transaction().io("read locks") as conn:
            rows = conn.execute(sa.select(t.c.branch_id, t.c.year).order_by(t.c.branch_id, t.c.year)).all()
        return [(row[0], int(row[1])) for row in rows]

    def locked_among(self, pairs: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
        return locked_pairs(self._uow._transaction(), pairs)


#: The repositories with queries of their own; every other aggregate gets the plain one.
_WITH_QUERIES: dict[str, type[Repo[Any]]] = {
    "organisations": Organisations,
    "branches": Branches,
    "members": Members,
    "pairings": Pairings,
    "activities": Activities,
    "records": Records,
    "qualifications": Qualifications,
    "wishes": Wishes,
    "plans": Plans,
    "reports": Reports,
}


_REPOSITORY_CLASSES = repository_classes(Repo, _WITH_QUERIES)


#: Engines whose schema version was found right (checked once per engine, at its first transaction).
_CHECKED_ENGINES: weakref.WeakSet[sa.Engine] = weakref.WeakSet()


class SqlUnitOfWork(UnitOfWork):
    """A unit of work on a SQL database: SQLite (a file, the embedded default) or PostgreSQL.

    ``url_or_engine`` is a URL (``"sqlite:///volunteer.db"``, ``"postgresql+psycopg://user@host/db"``;
    ``"postgresql://"`` means psycopg 3) or an :class:`sqlalchemy.Engine` shared by many units of work
    (each takes its own connection from the engine's pool for each transaction). The schema must exist:
    see :func:`~volunteer_core.storage.sql.create_schema`. ``chunk_size`` is how many rows
    ``records.in_year`` fetches at a time.

    Every ``with uow:`` is one transaction — ``BEGIN IMMEDIATE`` on SQLite (writers queue, up to a busy
    timeout), ``SERIALIZABLE`` on PostgreSQL — committed by :meth:`commit`, rolled back otherwise.
    A lost race (serialization failure, deadlock, locked database) raises ``ConcurrencyConflict``; after
    one, the transaction can only be rolled back. One object per thread.
    """

    def __init__(self, url_or_engine: EngineLike, *, chunk_size: int = 1000) -> None:
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise InvalidInput(
                "chunk_size", chunk_size, message_en="must be an integer ≥ 1", message_zh="须为正整数"
            )
        #: the SQLAlchemy engine this unit of work draws its connections from
        self.engine = resolve_engine(url_or_engine)
        self.chunk_size = chunk_size
        #: entities built from rows this unit of work read (members, activities), reused when read again
        self.built: BuiltCache = {}
        self._tx: Transaction | None = None
        for aggregate in AGGREGATES:
            setattr(self, aggregate.name, _REPOSITORY_CLASSES[aggregate.name](self, aggregate))
        self.locks = _Locks(self)

    def __repr__(self) -> str:
        return f"SqlUnitOfWork({self.engine.url.render_as_string(hide_password=True)!r})"

    def _transaction(self) -> Transaction:
        if self._tx is None:
            raise StorageError("no open transaction: use `with uow:`（请在 with uow: 块内使用）")
        return self._tx

    def begin(self) -> None:
        """Start a transaction; ``StorageError`` when one is already open on this object."""
        if self._tx is not None:
            raise StorageError("a transaction is already open on this unit of work（事务已打开）")
        tx = Transaction(self.engine)
        if self.engine not in _CHECKED_ENGINES:
            try:
                self._check_schema(tx)
            except BaseException:
                tx.finish(commit=False)
                raise
            _CHECKED_ENGINES.add(self.engine)
        self._tx = tx

    @staticmethod
    def _check_schema(tx: Transaction) -> None:
        table = s.schema_version
        try:  # on failure the transaction is discarded: no savepoint needed
            stored = tx.conn.execute(sa.select(table.c.version).where(table.c.id == 1)).scalar()
        except (sa.exc.OperationalError, sa.exc.ProgrammingError) as err:
            if "schema_version" not in str(err.orig):
                raise translate(err, "read the schema version") from err
            stored = None
        except sa.exc.SQLAlchemyError as err:
            raise translate(err, "read the schema version") from err
        check_version(None if stored is None else int(stored))

    def commit(self) -> None:
        """Make every write of this transaction durable and visible to others, atomically; a
        serialization failure at commit raises ``ConcurrencyConflict`` (nothing is stored)."""
        tx = self._transaction()
        self._tx = None
        tx.finish(commit=True)

    def rollback(self) -> None:
        """Discard every write not yet committed; harmless after a commit or when nothing is open."""
        tx, self._tx = self._tx, None
        if tx is not None:
            tx.finish(commit=False)

    def member_year_totals(
        self, year: int, *, as_of: date | None = None, branch_ids: Iterable[str] | None = None
    ) -> dict[str, MemberTotals]:
        """The per-member aggregates of the year computed in the database: three statements over the
        year's records joined to their activities (two ``GROUP BY``, and the records off their
        activity's date) instead of streaming every record; with ``branch_ids``, restricted in each
        statement to the members of those branches (see
        :meth:`volunteer_core.ports.UnitOfWork.member_year_totals`)."""
        year, as_of = valid_year(year), valid_as_of(as_of)
        scope = None if branch_ids is None else valid_branch_ids(branch_ids)
        tx = self._transaction()
        if scope is not None and tx.postgres:  # PostgreSQL refuses a NUL in a text; no stored id holds one
            scope = frozenset(b for b in scope if "\x00" not in b)
        with tx.io("aggregate the year's records") as conn:
            return _totals.member_year_totals(conn, year, as_of, scope)
