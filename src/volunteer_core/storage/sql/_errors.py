"""Driver errors → the library's errors: nothing from sqlite3, psycopg, PyMySQL or SQLAlchemy leaks out.

* a serialization failure, a deadlock, a lock timeout or a locked / busy database → ``ConcurrencyConflict``
  (the use-cases retry);
* an integrity error → read by :func:`integrity_info` so that the repository can raise ``InvalidInput``
  naming the field (a dangling reference ``input.reference``, a duplicate ``input.duplicate``, a NOT NULL or
  CHECK constraint :func:`constraint_refusal`) — its message begins with the code and the field and never
  quotes the driver, whose error is chained as the cause (``raise … from err``): ``str(err)`` says
  ``input.reference @ branch_id: …`` and ``err.__cause__`` is the driver's error;
* a refusal of the ledger's triggers (``_triggers.py``: its message begins with the rule code) →
  ``RuleViolation`` with that code (:func:`ledger_code`, :func:`ledger_violation`);
* anything else → ``StorageError``, chained to the original (``raise … from err``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import attrs
import sqlalchemy as sa

from volunteer_core._catalogue import Violation, violation
from volunteer_core.errors import (
    ConcurrencyConflict,
    InvalidInput,
    RuleViolation,
    StorageError,
    VolunteerError,
)

__all__ = [
    "LEDGER_CODES",
    "IntegrityInfo",
    "constraint_refusal",
    "db_errors",
    "integrity_info",
    "is_conflict",
    "ledger_code",
    "ledger_violation",
    "normalise_mysql_error",
    "translate",
]

#: PostgreSQL SQLSTATEs of a lost race: serialization_failure, deadlock_detected, lock_not_available
_PG_CONFLICTS = frozenset({"40001", "40P01", "55P03"})
_SQLITE_CONFLICT_NAMES = ("SQLITE_BUSY", "SQLITE_LOCKED")
_SQLITE_CONFLICT_TEXT = ("database is locked", "database table is locked", "database is busy")


#: MySQL / MariaDB error numbers of a lost race: deadlock, lock wait timeout, record changed since read
#: (MariaDB's snapshot isolation), "plugin instructed the server to roll back" (group replication); TiDB's
#: write conflict (9007), transaction retry (8022), schema changed (8028), pessimistic lock retry (8002)
_MYSQL_CONFLICTS = frozenset({1213, 1205, 1020, 3101, 9007, 8022, 8028, 8002})
#: MySQL / MariaDB error numbers of a refused value that drivers report as something else than an
#: integrity error: a trigger's SIGNAL (1644), a CHECK constraint (MariaDB 4025, MySQL 3819)
_MYSQL_INTEGRITY = frozenset({1644, 4025, 3819})
#: What the portable path reads in a driver's message of a lost race (any database)
_PORTABLE_CONFLICT_TEXT = ("deadlock", "serializ", "could not serialize", "lock wait timeout", "lock timeout")


def _mysql_errno(orig: BaseException | None) -> int | None:
    """The error number of a MySQL-protocol driver's error — PyMySQL and mysqlclient (``args[0]``),
    MySQL Connector/Python and MariaDB Connector/Python (``errno``) — else None."""
    package = type(orig).__module__.split(".")[0]
    if package in ("pymysql", "MySQLdb"):
        args = getattr(orig, "args", ())
        return args[0] if args and isinstance(args[0], int) else None
    if package in ("mysql", "mariadb"):
        errno = getattr(orig, "errno", None)
        return errno if isinstance(errno, int) else None
    return None


def normalise_mysql_error(context: sa.engine.ExceptionContext) -> BaseException | None:
    """The ``handle_error`` hook of a MySQL-family engine: a trigger's ``SIGNAL`` and a CHECK constraint's
    refusal, which the drivers report as an operational error, become an ``IntegrityError`` as on the
    other databases (the repositories then name the field or the rule code)."""
    orig = context.original_exception
    errno = _mysql_errno(orig)
    if errno in _MYSQL_INTEGRITY and not isinstance(context.sqlalchemy_exception, sa.exc.IntegrityError):
        assert isinstance(orig, Exception)
        return sa.exc.IntegrityError(context.statement, context.parameters, orig)
    return None


def is_conflict(err: BaseException) -> bool:
    """Whether a driver error means "another transaction got there first": retrying may succeed."""
    orig = err.orig if isinstance(err, sa.exc.DBAPIError) else err
    errno = _mysql_errno(orig)
    if errno is not None:
        return errno in _MYSQL_CONFLICTS
    sqlstate = getattr(orig, "sqlstate", None)
    if isinstance(sqlstate, str):
        return sqlstate in _PG_CONFLICTS
    name = getattr(orig, "sqlite_errorname", None)
    if isinstance(name, str) and name.startswith(_SQLITE_CONFLICT_NAMES):
        return True
    text = str(orig).lower()
    return any(phrase in text for phrase in (*_SQLITE_CONFLICT_TEXT, *_PORTABLE_CONFLICT_TEXT)) or any(
        str(arg) in _PG_CONFLICTS for arg in getattr(orig, "args", ())
    )


#: The rule codes the ledger's triggers raise, and what each refusal says when no row explains it better.
LEDGER_CODES: dict[str, tuple[str, str]] = {
    "ledger.append_only": (
        "the database refused to change or delete {subject}: the ledger is append-only (only a pending "
        "record's decision may be stored; correct a record with a reversal or an adjustment)",
        "数据库拒绝修改或删除{subject}：台账只能追加（只能登记待确认记录的确认结果，请以冲销或调整记录更正）",
    ),
    "ledger.year_locked": (
        "the database refused {subject}: its (branch, year) is locked (record an adjustment in an open year)",
        "数据库拒绝{subject}：所属支部年度已锁定（请在未锁定年度做调整）",
    ),
    "ledger.already_reversed": (
        "the database refused {subject}: the record it reverses is itself a reversal or already reversed",
        "数据库拒绝{subject}：被冲销的记录本身是冲销记录或已被冲销",
    ),
    "ledger.reversal_mismatch": (
        "the database refused {subject}: a reversal has its original's member, activity, branch, kind "
        "and date, and the negated minutes",
        "数据库拒绝{subject}：冲销记录须与原记录的党员、活动、支部、类型、日期一致，时长取负",
    ),
    "record.status": (
        "the database refused {subject}: only a confirmed record is reversed (a pending or rejected record "
        "counts toward nothing)",
        "数据库拒绝{subject}：只有已确认的记录可以冲销（待确认或不予确认的记录不计入任何时长）",
    ),
}
_LEDGER_CODE = re.compile(r"((?:ledger|record)\.[a-z_]+):")
#: MySQL's error number of a trigger's ``SIGNAL SQLSTATE '45000'``
_MYSQL_SIGNAL = 1644


def ledger_code(err: BaseException) -> str | None:
    """The rule code of a refusal by the ledger's triggers (its message begins with it), else None.

    >>> ledger_code(Exception("ledger.append_only: the ledger is append-only")), ledger_code(Exception("x"))
    ('ledger.append_only', None)
    """
    orig = err.orig if isinstance(err, sa.exc.DBAPIError) else err
    errno = _mysql_errno(orig)
    if errno is not None and errno != _MYSQL_SIGNAL:  # only a trigger's SIGNAL speaks for the ledger
        return None
    text = str(orig)
    if errno is not None:  # "(1644, 'ledger.…: …')" — the driver's tuple around the trigger's message
        text = text.partition(", ")[2].lstrip("'\"")
    match = _LEDGER_CODE.match(text.lstrip())  # the refusal BEGINS with its code (never a quoted value)
    if match is None or match.group(1) not in LEDGER_CODES:
        return None
    return match.group(1)


def ledger_violation(code: str, subject_id: str, *, record: bool = True) -> Violation:
    """The violation of ``code`` (one of :data:`LEDGER_CODES`) for a refusal that no stored row explains
    better: ``subject_id`` a record's id (``record=True``) or a table's name.

    >>> v = ledger_violation("ledger.append_only", "r1")
    >>> v.code, v.subject_id, v.message_en.startswith("the database refused to change or delete record r1")
    ('ledger.append_only', 'r1', True)
    """
    en, zh = LEDGER_CODES[code]
    return violation(
        code,
        subject_id,
        en=en.format(subject=f"record {subject_id}" if record else f"a write to {subject_id}"),
        zh=zh.format(subject=f"记录 {subject_id}" if record else f"对 {subject_id} 的写入"),
    )


def translate(err: BaseException, action: str) -> VolunteerError:
    """The library error for a driver / SQLAlchemy error (or another exception the driver raised)
    raised while doing ``action``: a refusal of the ledger's triggers is a ``RuleViolation``."""
    orig = err.orig if isinstance(err, sa.exc.DBAPIError) else err
    detail = str(orig).strip().splitlines()[0] if str(orig).strip() else type(orig).__name__
    code = ledger_code(err) if isinstance(err, sa.exc.IntegrityError) else None
    if code is not None:
        return RuleViolation(ledger_violation(code, "records", record=False))
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
    """What an integrity error says: ``kind`` (unique, foreign_key, check, not_null, ledger — a refusal of
    the ledger's triggers, ``name`` its rule code — or unknown), the table and the column or constraint it
    names (None when the driver does not say)."""

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


#: MySQL / MariaDB: error number → kind; the message names the key, constraint or column
_MYSQL_KINDS = {1062: "unique", 1452: "foreign_key", 1451: "foreign_key", 1048: "not_null"}
_MYSQL_CHECK = (
    re.compile(r"CONSTRAINT [`'\"]?(\w+)[`'\"]? failed for [`'\"]?\w+[`'\"]?\.[`'\"]?(\w+)"),  # MariaDB
    re.compile(r"[Cc]heck constraint '(\w+)' is violated"),  # MySQL
)
_MYSQL_NAMED = {
    "unique": re.compile(r"for key '(?:(\w+)\.)?(\w+)'"),
    "foreign_key": re.compile(r"\([`'\"]?\w+[`'\"]?\.[`'\"]?(\w+)[`'\"]?, CONSTRAINT [`'\"]?(\w+)"),
    "not_null": re.compile(r"Column '(\w+)' cannot be null"),
}
_STATEMENT_TABLE = re.compile(
    r"^\s*(?:INSERT\s+(?:IGNORE\s+)?INTO|UPDATE|DELETE\s+FROM)\s+[`'\"]?(\w+)", re.I
)


def _mysql_integrity(err: sa.exc.IntegrityError, errno: int) -> IntegrityInfo:
    text = str(err.orig)
    statement = _STATEMENT_TABLE.match(err.statement or "")
    table = statement.group(1) if statement else None
    if errno in (4025, 3819):
        for pattern in _MYSQL_CHECK:
            match = pattern.search(text)
            if match is not None:
                groups = match.groups()
                return IntegrityInfo("check", groups[1] if len(groups) > 1 else table, groups[0])
        return IntegrityInfo("check", table)
    kind = _MYSQL_KINDS.get(errno, "unknown")
    named = _MYSQL_NAMED.get(kind)
    match = named.search(text) if named is not None else None
    if match is None:
        return IntegrityInfo(kind, table)
    if kind == "unique":
        key = match.group(2)
        return IntegrityInfo(kind, match.group(1) or table, None if key == "PRIMARY" else key)
    if kind == "foreign_key":
        return IntegrityInfo(kind, match.group(1), match.group(2))
    return IntegrityInfo(kind, table, match.group(1))


def integrity_info(err: sa.exc.IntegrityError) -> IntegrityInfo:
    """Read the kind of constraint and its table / column or name from an ``IntegrityError``."""
    orig = err.orig
    code = ledger_code(err)
    if code is not None:
        return IntegrityInfo("ledger", "records", code)
    errno = _mysql_errno(orig)
    if errno is not None:
        return _mysql_integrity(err, errno)
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


def constraint_refusal(kind: str, field: str, value: Any) -> InvalidInput:
    """The refusal of ``field`` by a NOT NULL (``kind="not_null"``: ``input.required``) or a CHECK
    constraint (``input.invalid``) of the database. The message names the field, not the driver's text:
    the caller chains the driver's error as the cause (``raise constraint_refusal(…) from err``).

    >>> err = constraint_refusal("check", "left_on", None)
    >>> err.code, err.path, err.message_en
    ('input.invalid', 'left_on', 'the database refused left_on: it breaks a constraint')
    """
    if kind == "not_null":
        return InvalidInput(
            field,
            value,
            code="input.required",
            message_en=f"the database refused {field}: it is required",
            message_zh=f"{field} 不能为空",
        )
    return InvalidInput(
        field,
        value,
        code="input.invalid",
        message_en=f"the database refused {field}: it breaks a constraint",
        message_zh=f"{field} 不符合数据库的约束",
    )
