"""The ledger's repository in the SQL storage: appending records (one INSERT, or one ``executemany``
for a batch), storing a pending record's decision, streaming a year, and the look-ups by member,
idempotency key and reversal.

The ledger's rules are refused twice, with the same codes: here, before the write, by
:func:`~volunteer_core.rules.ledger.check_ledger_entry` and
:func:`~volunteer_core.rules.ledger.check_ledger_update` (as the reference storage does), and by the
database's triggers (``_triggers.py``), whose refusal — a write that got past the first — is explained
from the stored rows by the same functions (else from the trigger's rule code)."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from enum import Enum
from operator import attrgetter
from typing import Any

import sqlalchemy as sa

from volunteer_core.errors import InvalidInput, RuleViolation, StorageError, VolunteerError
from volunteer_core.model import ServiceRecord
from volunteer_core.ports import RecordRepository
from volunteer_core.rules.ledger import check_idempotent_request, check_ledger_entry, check_ledger_update
from volunteer_core.storage.sql import _schema as s
from volunteer_core.storage.sql._keys import KeyStore, check_key, duplicate_key
from volunteer_core.storage.sql._mapping import Spec
from volunteer_core.storage.sql._queries import (
    BY_KEYS,
    any_of,
    by_on_then_id,
    chunks,
    distinct_ids,
    is_year,
    prepared,
    reversal_condition,
    statement,
    unprepared,
    within_year,
    year_params,
)
from volunteer_core.storage.sql._repository import Repo
from volunteer_core.storage.sql._transaction import Transaction

#: The locked years of a chunk of branches (``add_many``'s check of a batch).
_LOCKS_OF_BRANCHES = sa.select(s.locks.c.branch_id, s.locks.c.year).where(
    any_of(s.locks.c.branch_id, "branches")
)


#: The records of a chunk of idempotency keys on PostgreSQL: one probe of the keys' UNIQUE index per key
#: (a LATERAL subquery with LIMIT 1 is not flattened into a join). ``idempotency_key = ANY(…)`` of 1,000
#: keys is planned as a sequential scan of the whole ledger while it holds fewer than ~150,000 records
#: (default costs): 10 ms at 50,000 records where the probes take 1 ms.
_BY_KEYS_PROBED = sa.text(
    "SELECT r.* FROM unnest(CAST(:keys AS text[])) AS k(key) "
    "CROSS JOIN LATERAL (SELECT * FROM records WHERE idempotency_key = k.key LIMIT 1) AS r"
)


def locked_pairs(tx: Transaction, pairs: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
    """The (branch, year) pairs given that are locked: the locks of their branches read in one query per
    chunk of branches (``locks.locked_among``, ``records.add_many``'s check of a batch)."""
    wanted = {(b, y) for b, y in pairs if isinstance(b, str) and is_year(y)}
    found: set[tuple[str, int]] = set()
    if not wanted:
        return found
    with tx.io("read locks") as conn, unprepared(conn):
        for chunk in chunks(distinct_ids((b for b, _ in wanted), tx.postgres)):
            for row in conn.execute(_LOCKS_OF_BRANCHES, {"branches": chunk}):
                pair = (row[0], int(row[1]))
                if pair in wanted:
                    found.add(pair)
    return found


class Records(Repo[ServiceRecord], RecordRepository):
    keys = KeyStore(s.records, "idempotency_key", "id")

    def add(self, entity: ServiceRecord, *, idempotency_key: str | None = None) -> ServiceRecord:
        """Append a record, with its idempotency key (UNIQUE) when given — one INSERT, after the ledger's
        checks (the lock of its (branch, year); for a reversal, its original and any reversal of it)."""
        self._check_type(entity)
        check_key(idempotency_key)
        refused = self._entry_refusal(entity)
        if refused is not None:  # a stored key or id is refused first, as the reference does
            raise self._refusal(entity, adding=True, idempotency_key=idempotency_key) or refused
        self._insert(entity, idempotency_key=idempotency_key)
        return entity

    def update(self, entity: ServiceRecord) -> ServiceRecord:
        """Store a pending record's decision (see :meth:`volunteer_core.ports.RecordRepository.update`):
        ``NotFound`` / ``ConcurrencyConflict`` first, then the ledger's refusal, then the UPDATE."""
        self._check_type(entity)
        refused = self._update_refusal(entity)
        if refused is not None:
            raise refused
        return super().update(entity)

    # -- the ledger's rules ---------------------------------------------------------------------------

    def _is_locked(self, record: ServiceRecord) -> bool:
        return self._uow.locks.is_locked(record.branch_id, record.on.year)

    def _entry_refusal(self, entity: ServiceRecord) -> RuleViolation | None:
        """``check_ledger_entry`` for ``entity``: the lock of its (branch, year), then — for a reversal —
        the original and its reversal, read in one query."""
        locked = self._is_locked(entity)
        original = existing = None
        if not locked and entity.reverses is not None:
            r = s.records
            around = self._load(
                "reversal_pair",
                {"original": entity.reverses},
                lambda: sa.or_(r.c.id == sa.bindparam("original"), r.c.reverses == sa.bindparam("original")),
            )
            original = next((c for c in around if c.id == entity.reverses), None)
            existing = next((c for c in around if c.reverses == entity.reverses), None)
        refused = check_ledger_entry(entity, locked=locked, original=original, existing_reversal=existing)
        return RuleViolation(refused[0]) if refused else None

    def _update_refusal(self, entity: ServiceRecord) -> RuleViolation | None:
        """``check_ledger_update`` against the stored record — None when there is none or its version
        differs (the update then raises ``NotFound`` or ``ConcurrencyConflict``)."""
        found = self._load("id", {"id": entity.id}, lambda: s.records.c.id == sa.bindparam("id"))
        stored = found[0] if found else None
        if stored is None or stored.version != entity.version:
            return None
        refused = check_ledger_update(stored, entity, locked=self._is_locked(stored))
        return RuleViolation(refused[0]) if refused else None

    def _key_refusal(self, entity: ServiceRecord, key: str) -> VolunteerError:
        first = self.by_idempotency_key(key)
        conflict = [] if first is None else check_idempotent_request(first, entity, key=key)
        return RuleViolation(conflict[0]) if conflict else duplicate_key(key)

    def _rule_refusal(self, entity: ServiceRecord, *, adding: bool) -> VolunteerError | None:
        return self._entry_refusal(entity) if adding else self._update_refusal(entity)

    def _batch_refused(self, records: builtins.list[ServiceRecord]) -> bool:
        """Whether ``add``, one entry after the other, would refuse an entry of the batch for a rule of
        the ledger: the locks of the batch's branches in one query, the originals its reversals name and
        their reversals in one more (per chunk)."""
        tx = self._tx
        if locked_pairs(tx, {(r.branch_id, r.on.year) for r in records}):
            return True
        named = [r.reverses for r in records if r.reverses is not None]
        if not named:
            return False
        rt = s.records
        by_id: dict[str, ServiceRecord] = {}
        reversal: dict[str, ServiceRecord] = {}
        with unprepared(tx.conn):
            for chunk in chunks(distinct_ids(named, tx.postgres)):
                for stored in self._load(
                    "reversal_pairs",
                    {"ids": chunk},
                    lambda: sa.or_(any_of(rt.c.id), any_of(rt.c.reverses)),
                ):
                    by_id[stored.id] = stored
                    if stored.reverses is not None:
                        reversal[stored.reverses] = stored
        for record in records:  # in order: an entry may reverse, or be reversed by, an earlier one
            original = None if record.reverses is None else by_id.get(record.reverses)
            if original is not None and check_ledger_entry(
                record, locked=False, original=original, existing_reversal=reversal.get(original.id)
            ):
                return True
            by_id.setdefault(record.id, record)
            if record.reverses is not None:
                reversal.setdefault(record.reverses, record)
        return False

    def in_year(self, year: int) -> Iterator[ServiceRecord]:
        """The year's records by ``on``, then id — streamed: a server-side cursor on PostgreSQL, the
        SQLite cursor stepping lazily; fetched ``uow.chunk_size`` rows at a time."""
        if not is_year(year):
            return iter(())
        r = s.records
        tx = self._tx
        if not tx.dialect.server_side_cursors:
            return self._pages(tx, year)
        query = prepared(self.spec, "year", lambda: within_year(r.c.on), by_on_then_id).main
        with tx.io("read records") as conn:
            result = conn.execute(
                query, year_params(year), execution_options={"yield_per": self._uow.chunk_size}
            )
        tx.streams.add(result)
        return self._stream(tx, result)

    def _pages(self, tx: Transaction, year: int) -> Iterator[ServiceRecord]:
        """The year's records in pages of ``uow.chunk_size`` by ``(on, id)`` (keyset paging), for a
        database whose driver cannot hold a cursor open while the connection runs other statements
        (MySQL, MariaDB, the portable path): each page is one query, so the stream and other reads of the
        same transaction interleave freely."""
        r = s.records
        first = prepared(self.spec, "year", lambda: within_year(r.c.on), by_on_then_id).main  # in_year's
        after = prepared(
            self.spec,
            "year_page_after",
            lambda: sa.and_(
                within_year(r.c.on),
                sa.or_(
                    r.c.on > sa.bindparam("after_on", type_=sa.Date),
                    sa.and_(
                        r.c.on == sa.bindparam("after_on", type_=sa.Date), r.c.id > sa.bindparam("after_id")
                    ),
                ),
            ),
            by_on_then_id,
        ).main
        spec = self.spec
        chunk = self._uow.chunk_size
        params: dict[str, Any] = year_params(year)
        query = first
        while True:
            if tx.closed:
                raise StorageError(
                    "事务已结束，记录流不能继续读取；the transaction of this record stream has ended"
                )
            with tx.io("read records") as conn:
                batch = conn.execute(query.limit(chunk), params).mappings().all()
            try:
                built = [spec.from_row(row) for row in batch]
            except InvalidInput as err:
                raise StorageError(f"数据库中的服务记录无效；a stored record is invalid: {err}") from err
            for record in built:
                if tx.closed:
                    raise StorageError(
                        "事务已结束，记录流不能继续读取；the transaction of this record stream has ended"
                    )
                yield record
            if len(batch) < chunk:
                return
            last = built[-1]
            params = {**year_params(year), "after_on": last.on, "after_id": last.id}
            query = after

    def _stream(self, tx: Transaction, result: sa.CursorResult[Any]) -> Iterator[ServiceRecord]:
        spec = self.spec
        rows = result.mappings()
        chunk = self._uow.chunk_size
        try:
            while True:
                with tx.io("read records"):
                    batch: Sequence[sa.RowMapping] = rows.fetchmany(chunk)
                if not batch:
                    return
                try:
                    built = [spec.from_row(row) for row in batch]
                except InvalidInput as err:
                    raise StorageError(f"数据库中的服务记录无效；a stored record is invalid: {err}") from err
                for record in built:
                    if tx.closed:
                        raise StorageError(
                            "事务已结束，记录流不能继续读取；the transaction of this record stream has ended"
                        )
                    yield record
        finally:
            tx.streams.discard(result)
            with suppress(sa.exc.SQLAlchemyError):
                result.close()

    def for_member(self, member_id: str, year: int) -> list[ServiceRecord]:
        if not isinstance(member_id, str) or not is_year(year):
            return []
        r = s.records
        return self._load(
            "member_year",
            {"member_id": member_id, **year_params(year)},
            lambda: sa.and_(r.c.member_id == sa.bindparam("member_id"), within_year(r.c.on)),
            by_on_then_id,
        )

    def by_idempotency_key(self, key: str) -> ServiceRecord | None:
        if not isinstance(key, str):
            return None
        found = self._load(
            "idempotency_key", {"key": key}, lambda: s.records.c.idempotency_key == sa.bindparam("key")
        )
        return found[0] if found else None

    def reversal_of(self, record_id: str) -> ServiceRecord | None:
        if not isinstance(record_id, str):
            return None
        found = self._load("reverses", {"reverses": record_id}, reversal_condition)
        return found[0] if found else None

    # -- bulk forms (see ports.RecordRepository): one statement per chunk instead of one per item

    def by_idempotency_keys(self, keys: Iterable[str]) -> dict[str, ServiceRecord]:
        """The records of these keys: one query per chunk of keys (on PostgreSQL
        :data:`_BY_KEYS_PROBED`, one index probe per key)."""
        tx = self._tx
        spec = self.spec
        found: dict[str, ServiceRecord] = {}
        query = _BY_KEYS_PROBED if tx.postgres else BY_KEYS
        with tx.io("read records") as conn, unprepared(conn):
            for chunk in chunks(distinct_ids(keys, tx.postgres)):
                for row in conn.execute(query, {"keys": chunk}).mappings():
                    try:
                        found[row["idempotency_key"]] = spec.from_row(row)
                    except InvalidInput as err:
                        raise StorageError(
                            f"数据库中的服务记录无效；a stored record is invalid: {err}"
                        ) from err
        return found

    def for_members(self, member_ids: Iterable[str], year: int) -> dict[str, list[ServiceRecord]]:
        """The members' records of the year: one ``member_id IN (…)`` query per chunk of ids."""
        found: dict[str, list[ServiceRecord]] = {m: [] for m in member_ids}
        if not is_year(year):
            return found
        r = s.records
        tx = self._tx
        with unprepared(tx.conn):
            for chunk in chunks(distinct_ids(found, tx.postgres)):
                records = self._load(
                    "members_year",
                    {"ids": chunk, **year_params(year)},
                    lambda: sa.and_(any_of(r.c.member_id), within_year(r.c.on)),
                    by_on_then_id,
                )
                for record in records:  # by on, then id: each member's list keeps that order
                    found[record.member_id].append(record)
        return found

    def add_many(self, entries: Sequence[tuple[ServiceRecord, str | None]]) -> list[ServiceRecord]:
        """Append the records in one statement inside a savepoint, once the ledger's rules are checked
        for the whole batch (:meth:`_batch_refused`: two queries): on PostgreSQL with psycopg 3 one
        ``COPY … FROM STDIN`` (:func:`_copy_records`: the rows streamed in one round trip, the triggers
        and constraints firing for each row as for an INSERT), else one ``executemany`` INSERT. When a
        rule refuses an entry, or the write fails (a duplicate, a dangling reference, a value the database
        cannot hold, a trigger's refusal), the entries are added one by one through :meth:`add` instead
        (the savepoint rolled back), so that the error raised is exactly the one ``add`` gives for the
        first refused entry."""
        entries = builtins.list(entries)
        records = [record for record, _ in entries]
        if not _batchable(entries, _self_references(self.spec)):
            return super().add_many(entries)  # refused before any insert: add's own checks decide
        if len(entries) <= 1 or self._batch_refused(records) or not self._insert_batch(entries):
            return super().add_many(entries)  # one by one: the first refused entry raises what add raises
        return records

    def _insert_batch(self, entries: builtins.list[tuple[ServiceRecord, str | None]]) -> bool:
        """Write the entries in one statement inside a savepoint; False (the savepoint rolled back) when
        the database refuses any of them."""
        spec = self.spec
        tx = self._tx
        with tx.io("add service records") as conn:
            savepoint = conn.begin_nested()
            try:
                if not (tx.postgres and _copy_records(conn, spec.table, entries)):
                    rows = []
                    for record, key in entries:
                        row = spec.to_row(record)
                        row["idempotency_key"] = key
                        rows.append(row)
                    conn.execute(statement("insert", spec.table), rows)
            except (sa.exc.IntegrityError, sa.exc.DataError, OverflowError):
                savepoint.rollback()
                return False
            except BaseException:
                if savepoint.is_active:
                    with suppress(sa.exc.SQLAlchemyError):
                        savepoint.rollback()
                raise
            savepoint.commit()
        return True


# -- the batch write of add_many ----------------------------------------------------------------------------


def _self_references(spec: Spec) -> tuple[str, ...]:
    """The fields of a record that name another record (``reverses``, ``adjusts``)."""
    return tuple(r.field for r in spec.aggregate.references if r.target == spec.name)


def _batchable(entries: Sequence[tuple[object, object]], self_references: tuple[str, ...]) -> bool:
    """Whether every entry is a record with a string key or none, naming no record by its own id (what
    ``add`` refuses before any insert)."""
    for record, key in entries:
        if not isinstance(record, ServiceRecord) or (key is not None and not isinstance(key, str)):
            return False
        if any(getattr(record, field) == record.id for field in self_references):
            return False
    return True


def _copy_records(
    conn: sa.Connection, table: sa.Table, entries: Sequence[tuple[ServiceRecord, str | None]]
) -> bool:
    """``COPY table (…) FROM STDIN`` of the entries through the psycopg 3 connection under ``conn``:
    each record's fields in the table's column order (an enum as its value, the entry's idempotency
    key). COPY fires the row triggers and checks every constraint as an INSERT does, without an
    INSERT's per-row statement and parameter handling. False when the driver has no ``copy`` (psycopg
    2, another driver): the caller INSERTs. A driver error is raised as SQLAlchemy's (an integrity or
    data error, or what ``Transaction.io`` translates)."""
    dbapi_conn: Any = conn.connection.dbapi_connection
    cursor = dbapi_conn.cursor()
    copy = getattr(cursor, "copy", None)
    if copy is None:
        cursor.close()
        return False
    columns = [c.name for c in table.c]
    command = f"COPY {table.name} ({', '.join(chr(34) + c + chr(34) for c in columns)}) FROM STDIN"
    key_at = columns.index("idempotency_key")
    fields = attrgetter(*(c for c in columns if c != "idempotency_key"))
    # the enum fields (kind, status) are never None: where the first record has an enum, each has one
    enums = [i for i, v in enumerate(fields(entries[0][0])) if isinstance(v, Enum)]
    dbapi = conn.dialect.loaded_dbapi
    try:
        with cursor, copy(command) as stream:
            write = stream.write_row
            for record, key in entries:
                values = list(fields(record))
                for i in enums:
                    values[i] = values[i]._value_  # .value: the same, through a descriptor in Python
                values.insert(key_at, key)
                write(values)
    except dbapi.Error as err:
        raise sa.exc.DBAPIError.instance(command, None, err, dbapi.Error) from err
    return True
