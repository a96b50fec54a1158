"""Driver errors → the library's errors: nothing from sqlite3, psycopg or SQLAlchemy leaks out.

* a serialization failure, a deadlock, a lock timeout or a locked / busy database → ``ConcurrencyConflict``
  (the use-cases retry);
* an integrity error → read by :func:`integrity_info` so that the repository can raise ``InvalidInput``
  naming the field;
* anything else → ``StorageError``, chained to the original (``raise … from err``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import attrs
import sqlalchemy as sa

from volunteer_core.errors import ConcurrencyConflict, StorageError, VolunteerError

__all__ = ["IntegrityInfo", "db_errors", "integrity_info", "is_conflict", "translate"]

#: PostgreSQL SQLSTATEs of a lost race: serialization_failure, deadlock_detected, lock_not_available
_PG_CONFLICTS = frozenset({"40001", "40P01", "55P03"})
_SQLITE_CONFLICT_NAMES = ("SQLITE_BUSY", "SQLITE_LOCKED")
_SQLITE_CONFLICT_TEXT = ("database is locked", "database table is locked", "database is busy")


def is_conflict(err: BaseException) -> bool:
    """Whether a driver error means "another transaction got there first": retrying may succeed."""
    orig = err.orig if isinstance(err, sa.exc.DBAPIError) else err
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        return sqlstate in _PG_CONFLICTS
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str) and name.startswith(_SQLITE_CONFLICT_NAMES):
        return True
    text = str(orig).lower()
    return any(phrase in text for phrase in _SQLITE_CONFLICT_TEXT)


def translate(err: BaseException, action: str) -> VolunteerError:
    """The library error for a driver / SQLAlchemy error (or another exception the driver raised)
    raised while doing ``action``."""
    orig = err.orig if isinstance(err, sa.exc.DBAPIError) else err
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    if is_conflict(err):
        return ConcurrencyConflict(
            f"并发冲突（{action}），请重试；concurrent transactions collided while trying to {action}: "
            f"retry ({detail})"
        )
    return StorageError(f"存储出错（{action}）；the storage failed to {action}: {detail}")


@contextmanager
def db_errors(action: str) -> Iterator[None]:
    """Translate SQLAlchemy / driver errors raised inside the block (the library's own pass through)."""
    try:
        yield
    except VolunteerError:
        raise
    except sa.exc.SQLAlchemyError as err:
        raise translate(err, action) from err


@attrs.frozen
class IntegrityInfo:
    """What an integrity error says: ``kind`` (unique, foreign_key, check, not_null or unknown),
    the table and the column or constraint it names (None when the driver does not say)."""

    kind: str
    table: str | None = None
    name: str | None = None


_PG_KINDS = {"23505": "unique", "23503": "foreign_key", "23514": "check", "23502": "not_null"}
_SQLITE_PATTERNS = (
    (re.compile(r"UNIQUE constraint failed: (\w+)\.(\w+)"), "unique"),
    (re.compile(r"NOT NULL constraint failed: (\w+)\.(\w+)"), "not_null"),
    (re.compile(r"CHECK constraint failed: (\w+)"), "check"),
    (re.compile(r"FOREIGN KEY constraint failed"), "foreign_key"),
)


def integrity_info(err: sa.exc.IntegrityError) -> IntegrityInfo:
    """Read the kind of constraint and its table / column or name from an ``IntegrityError``."""
    orig = err.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        diag = getattr(orig, "diag", None)
        table = getattr(diag, "table_name", None)
        kind = _PG_KINDS.get(sqlstate, "unknown")
        if kind == "not_null":
            return IntegrityInfo(kind, table, getattr(diag, "column_name", None))
        return IntegrityInfo(kind, table, getattr(diag, "constraint_name", None))
    text = str(orig)
    for pattern, kind in _SQLITE_PATTERNS:
        match = pattern.search(text)
        if match is None:
            continue
        groups = match.groups()
        if len(groups) == 2:
            return IntegrityInfo(kind, groups[0], groups[1])
        if len(groups) == 1:
            return IntegrityInfo(kind, None, groups[0])
        return IntegrityInfo(kind)
    return IntegrityInfo("unknown")
