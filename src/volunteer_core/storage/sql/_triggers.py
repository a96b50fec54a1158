"""The ledger's rules held by the database itself: triggers on ``records`` (SQLite, PostgreSQL, MySQL and
MariaDB; none on the portable path of an unknown database).

Whatever writes to the database — this storage, another program, a DBA at a SQL prompt:

* an ``UPDATE`` of a record that changes a booked column (:data:`~volunteer_core.rules.ledger.
  BOOKED_FIELDS`, and its idempotency key), or of a record whose status is not ``pending``, fails with
  ``ledger.append_only``: a pending record takes its decision (``status``, ``decided_by``, ``decided_on``,
  ``reason``, ``version``) and nothing else;
* a ``DELETE`` of a record fails with ``ledger.append_only`` (and, on PostgreSQL, a ``TRUNCATE``);
* an ``INSERT`` of a record of a locked (branch, year) — a row of ``locks`` — fails with
  ``ledger.year_locked``, and so does an ``UPDATE`` of such a record;
* an ``INSERT`` of a reversal of a reversal fails with ``ledger.already_reversed``, one that does not
  mirror its original (member, activity, branch, kind, date, negated minutes) with
  ``ledger.reversal_mismatch``; a second reversal of one record breaks ``uq_records_reverses``.

A refusal's message begins with the rule code (``ledger.year_locked: …``): SQLite raises it with
``RAISE(ABORT, …)``, PostgreSQL with ``RAISE EXCEPTION`` and a SQLSTATE of class 23 (integrity
constraint violation, :data:`PG_SQLSTATES`), MySQL and MariaDB with ``SIGNAL SQLSTATE '45000'`` (a
shorter message, :data:`MYSQL_MESSAGES`), so that every driver reports an integrity error, which the
storage turns back into a :class:`~volunteer_core.errors.RuleViolation` with that code
(:func:`volunteer_core.storage.sql._errors.ledger_code`).

>>> sorted(PG_SQLSTATES)
['ledger.already_reversed', 'ledger.append_only', 'ledger.reversal_mismatch', 'ledger.year_locked', 'record.status']
"""

from __future__ import annotations

import sqlalchemy as sa

from volunteer_core.rules.ledger import BOOKED_FIELDS
from volunteer_core.storage.sql._dialects import dialect_of

__all__ = ["IMMUTABLE_COLUMNS", "MYSQL_MESSAGES", "PG_SQLSTATES", "install_ledger_triggers"]

#: The columns of ``records`` that no UPDATE may change: the booked fields and the idempotency key.
IMMUTABLE_COLUMNS = (*BOOKED_FIELDS, "idempotency_key")

#: The SQLSTATE each refusal carries on PostgreSQL (class 23: drivers report an integrity error).
PG_SQLSTATES = {
    "ledger.append_only": "23VC1",
    "ledger.year_locked": "23VC2",
    "ledger.already_reversed": "23VC3",
    "ledger.reversal_mismatch": "23VC4",
    "record.status": "23VC5",
}

_APPEND_ONLY = (
    "ledger.append_only: 台账只能追加，记录不能删除，已确认或不予确认的记录及其登记内容不能修改，请以冲销或调整记录更正；"
    "the ledger is append-only: a record is never deleted, and only a pending record's decision may "
    "change (correct it with a reversal or an adjustment)"
)
_DELETE = (
    "ledger.append_only: 台账只能追加，记录不能删除，请以冲销或调整记录更正；"
    "the ledger is append-only: records are never deleted (correct one with a reversal or an adjustment)"
)
_YEAR_LOCKED = (
    "ledger.year_locked: 该支部该年度已锁定，记录不能新增或修改，请在未锁定年度做调整；"
    "the (branch, year) of this record is locked: record an adjustment in an open year instead"
)
_ALREADY_REVERSED = (
    "ledger.already_reversed: 原记录本身是冲销记录，不能再冲销；"
    "the record this reversal names is itself a reversal and cannot be reversed"
)
_UNCONFIRMED = (
    "record.status: 只有已确认的记录可以冲销（待确认或不予确认的记录不计入任何时长）；"
    "only a confirmed record is reversed (a pending or rejected record counts toward nothing)"
)
_MISMATCH = (
    "ledger.reversal_mismatch: 冲销记录须与原记录的党员、活动、支部、类型、日期一致，时长取负；"
    "a reversal has its original's member, activity, branch, kind and date, and the negated minutes"
)

# The columns a reversal copies from its original (rules.ledger: ledger.reversal_mismatch).
_MIRRORED = ("member_id", "activity_id", "branch_id", "kind", "on")


def _q(column: str) -> str:
    return f'"{column}"'


def _sqlite_changed(old: str, new: str) -> str:
    return " OR ".join(f"{new}.{_q(c)} IS NOT {old}.{_q(c)}" for c in IMMUTABLE_COLUMNS)


def _sqlite_year(row: str) -> str:
    return f"CAST(strftime('%Y', {row}.\"on\") AS INTEGER)"


def _sqlite_locked(row: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM locks WHERE locks.branch_id = {row}.branch_id "
        f"AND locks.year = {_sqlite_year(row)})"
    )


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sqlite_ddl() -> list[str]:
    mismatch = (
        " OR ".join(f"o.{_q(c)} IS NOT NEW.{_q(c)}" for c in _MIRRORED) + " OR o.minutes IS NOT -NEW.minutes"
    )
    return [
        f"""CREATE TRIGGER ledger_records_insert BEFORE INSERT ON records
BEGIN
  SELECT RAISE(ABORT, {_literal(_YEAR_LOCKED)}) WHERE {_sqlite_locked("NEW")};
  SELECT RAISE(ABORT, {_literal(_ALREADY_REVERSED)}) WHERE NEW.reverses IS NOT NULL
    AND EXISTS (SELECT 1 FROM records AS o WHERE o.id = NEW.reverses AND o.reverses IS NOT NULL);
  SELECT RAISE(ABORT, {_literal(_UNCONFIRMED)}) WHERE NEW.reverses IS NOT NULL
    AND EXISTS (SELECT 1 FROM records AS o WHERE o.id = NEW.reverses AND o.status IS NOT 'confirmed');
  SELECT RAISE(ABORT, {_literal(_MISMATCH)}) WHERE NEW.reverses IS NOT NULL
    AND EXISTS (SELECT 1 FROM records AS o WHERE o.id = NEW.reverses AND ({mismatch}));
END""",
        f"""CREATE TRIGGER ledger_records_update BEFORE UPDATE ON records
BEGIN
  SELECT RAISE(ABORT, {_literal(_YEAR_LOCKED)}) WHERE {_sqlite_locked("OLD")};
  SELECT RAISE(ABORT, {_literal(_APPEND_ONLY)})
    WHERE OLD.status IS NOT 'pending' OR {_sqlite_changed("OLD", "NEW")};
END""",
        f"""CREATE TRIGGER ledger_records_delete BEFORE DELETE ON records
BEGIN
  SELECT RAISE(ABORT, {_literal(_DELETE)});
END""",
    ]


def _pg_raise(code: str, message: str) -> str:
    return f"RAISE EXCEPTION USING ERRCODE = '{PG_SQLSTATES[code]}', MESSAGE = {_literal(message)}"


def _pg_locked(row: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM locks WHERE locks.branch_id = {row}.branch_id "
        f'AND locks.year = EXTRACT(YEAR FROM {row}."on")::integer)'
    )


def _pg_ddl() -> list[str]:
    changed = " OR ".join(f"NEW.{_q(c)} IS DISTINCT FROM OLD.{_q(c)}" for c in IMMUTABLE_COLUMNS)
    mismatch = (
        " OR ".join(f"original.{_q(c)} IS DISTINCT FROM NEW.{_q(c)}" for c in _MIRRORED)
        + " OR original.minutes IS DISTINCT FROM -NEW.minutes"
    )
    return [
        f"""CREATE OR REPLACE FUNCTION ledger_records_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  original records%ROWTYPE;
BEGIN
  IF {_pg_locked("NEW")} THEN
    {_pg_raise("ledger.year_locked", _YEAR_LOCKED)};
  END IF;
  IF NEW.reverses IS NOT NULL THEN
    SELECT * INTO original FROM records WHERE id = NEW.reverses;
    IF FOUND THEN
      IF original.reverses IS NOT NULL THEN
        {_pg_raise("ledger.already_reversed", _ALREADY_REVERSED)};
      END IF;
      IF original.status IS DISTINCT FROM 'confirmed' THEN
        {_pg_raise("record.status", _UNCONFIRMED)};
      END IF;
      IF {mismatch} THEN
        {_pg_raise("ledger.reversal_mismatch", _MISMATCH)};
      END IF;
    END IF;
  END IF;
  RETURN NEW;
END
$$""",
        f"""CREATE OR REPLACE FUNCTION ledger_records_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF {_pg_locked("OLD")} THEN
    {_pg_raise("ledger.year_locked", _YEAR_LOCKED)};
  END IF;
  IF OLD.status IS DISTINCT FROM 'pending' OR {changed} THEN
    {_pg_raise("ledger.append_only", _APPEND_ONLY)};
  END IF;
  RETURN NEW;
END
$$""",
        f"""CREATE OR REPLACE FUNCTION ledger_records_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  {_pg_raise("ledger.append_only", _DELETE)};
END
$$""",
        "DROP TRIGGER IF EXISTS ledger_records_insert ON records",
        "DROP TRIGGER IF EXISTS ledger_records_update ON records",
        "DROP TRIGGER IF EXISTS ledger_records_delete ON records",
        "DROP TRIGGER IF EXISTS ledger_records_truncate ON records",
        "CREATE TRIGGER ledger_records_insert BEFORE INSERT ON records "
        "FOR EACH ROW EXECUTE FUNCTION ledger_records_insert()",
        "CREATE TRIGGER ledger_records_update BEFORE UPDATE ON records "
        "FOR EACH ROW EXECUTE FUNCTION ledger_records_update()",
        "CREATE TRIGGER ledger_records_delete BEFORE DELETE ON records "
        "FOR EACH ROW EXECUTE FUNCTION ledger_records_delete()",
        "CREATE TRIGGER ledger_records_truncate BEFORE TRUNCATE ON records "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_records_delete()",
    ]


#: The shorter messages of MySQL / MariaDB (``SIGNAL … MESSAGE_TEXT`` holds at most 128 characters).
MYSQL_MESSAGES = {
    "ledger.append_only": "ledger.append_only: 台账只能追加；the ledger is append-only: only a pending record's decision may change",
    "ledger.year_locked": "ledger.year_locked: 该支部年度已锁定；the (branch, year) of this record is locked",
    "ledger.already_reversed": "ledger.already_reversed: 原记录是冲销记录；the record reversed is itself a reversal",
    "ledger.reversal_mismatch": "ledger.reversal_mismatch: 冲销须与原记录一致；a reversal mirrors its original, minutes negated",
    "record.status": "record.status: 只有已确认的记录可以冲销；only a confirmed record is reversed",
}


def _mysql_raise(code: str) -> str:
    return f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = {_literal(MYSQL_MESSAGES[code])}"


def _mysql_locked(row: str) -> str:
    return (
        f"EXISTS (SELECT 1 FROM locks WHERE locks.branch_id = {row}.branch_id "
        f"AND locks.`year` = YEAR({row}.`on`))"
    )


def _mysql_ddl() -> list[str]:
    """MySQL / MariaDB: one trigger per event (no TRUNCATE trigger exists there: revoke ``DROP`` on
    ``records``, which TRUNCATE needs)."""
    changed = " OR ".join(f"NOT (NEW.`{c}` <=> OLD.`{c}`)" for c in IMMUTABLE_COLUMNS)
    mismatch = (
        " OR ".join(f"NOT (original.`{c}` <=> NEW.`{c}`)" for c in _MIRRORED)
        + " OR NOT (original.minutes <=> -NEW.minutes)"
    )
    original = "SELECT 1 FROM records AS original WHERE original.id = NEW.reverses"
    return [
        "DROP TRIGGER IF EXISTS ledger_records_insert",
        "DROP TRIGGER IF EXISTS ledger_records_update",
        "DROP TRIGGER IF EXISTS ledger_records_delete",
        f"""CREATE TRIGGER ledger_records_insert BEFORE INSERT ON records FOR EACH ROW
BEGIN
  IF {_mysql_locked("NEW")} THEN
    {_mysql_raise("ledger.year_locked")};
  END IF;
  IF NEW.reverses IS NOT NULL THEN
    IF EXISTS ({original} AND original.reverses IS NOT NULL) THEN
      {_mysql_raise("ledger.already_reversed")};
    END IF;
    IF EXISTS ({original} AND NOT (original.status <=> 'confirmed')) THEN
      {_mysql_raise("record.status")};
    END IF;
    IF EXISTS ({original} AND ({mismatch})) THEN
      {_mysql_raise("ledger.reversal_mismatch")};
    END IF;
  END IF;
END""",
        f"""CREATE TRIGGER ledger_records_update BEFORE UPDATE ON records FOR EACH ROW
BEGIN
  IF {_mysql_locked("OLD")} THEN
    {_mysql_raise("ledger.year_locked")};
  END IF;
  IF NOT (OLD.status <=> 'pending') OR {changed} THEN
    {_mysql_raise("ledger.append_only")};
  END IF;
END""",
        f"""CREATE TRIGGER ledger_records_delete BEFORE DELETE ON records FOR EACH ROW
BEGIN
  {_mysql_raise("ledger.append_only")};
END""",
    ]


def install_ledger_triggers(conn: sa.Connection) -> None:
    """(Re)create the ledger's triggers on ``records`` inside the caller's transaction: an existing
    trigger of the same name is replaced, so running it twice changes nothing.

    >>> from volunteer_core.storage.sql import create_schema
    >>> with create_schema("sqlite://").begin() as conn:
    ...     install_ledger_triggers(conn)
    ...     conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY 1").all()
    [('ledger_records_delete',), ('ledger_records_insert',), ('ledger_records_update',)]
    """
    family = dialect_of(conn).family
    if family == "sqlite":
        for name in ("insert", "update", "delete"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS ledger_records_{name}")
        statements = _sqlite_ddl()
    elif family == "postgresql":
        statements = _pg_ddl()
    elif family == "mysql":
        statements = _mysql_ddl()
    else:  # the portable path: the storage's own checks hold the ledger
        return
    for ddl in statements:  # no parameters: psycopg must not read "%ROWTYPE" as a placeholder
        conn.exec_driver_sql(ddl, execution_options={"no_parameters": True})
