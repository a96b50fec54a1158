"""The ledger's repository in the SQL storage: appending records (one INSERT, or one ``executemany``
for a batch), streaming a year, and the look-ups by member, idempotency key and reversal."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from typing import Any

import sqlalchemy as sa

from volunteer_core.errors import InvalidInput, StorageError
from volunteer_core.model import (
    ServiceRecord,
)
from volunteer_core.ports import (
    RecordRepository,
)
from volunteer_core.storage.sql import _schema as s
from volunteer_core.storage.sql._queries import (
    BY_KEYS,
    by_on_then_id,
    chunks,
    distinct_ids,
    ids_in,
    is_year,
    prepared,
    reversal_condition,
    statement,
    unprepared,
    within_year,
    year_params,
)
from volunteer_core.storage.sql._repository import KeyStore, Repo, check_key
from volunteer_core.storage.sql._transaction import Transaction


class Records(Repo[ServiceRecord], RecordRepository):
    keys = KeyStore(s.records, "idempotency_key", "id")

    def add(self, entity: ServiceRecord, *, idempotency_key: str | None = None) -> ServiceRecord:
        """Append a record, with its idempotency key (UNIQUE) when given — one INSERT."""
        self._check_type(entity)
        check_key(idempotency_key)
        self._insert(entity, idempotency_key=idempotency_key)
        return entity

    def in_year(self, year: int) -> Iterator[ServiceRecord]:
        """The year's records by ``on``, then id — streamed: a server-side cursor on PostgreSQL, the
        SQLite cursor stepping lazily; fetched ``uow.chunk_size`` rows at a time."""
        if not is_year(year):
            return iter(())
        r = s.records
        tx = self._tx
        query = prepared(self.spec, "year", lambda: within_year(r.c.on), by_on_then_id).main
        with tx.io("read records") as conn:
            result = conn.execute(
                query, year_params(year), execution_options={"yield_per": self._uow.chunk_size}
            )
        tx.streams.add(result)
        return self._stream(tx, result)

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
        """The records of these keys: one ``idempotency_key IN (…)`` query per chunk of keys."""
        tx = self._tx
        spec = self.spec
        found: dict[str, ServiceRecord] = {}
        with tx.io("read records") as conn, unprepared(conn):
            for chunk in chunks(distinct_ids(keys, tx.postgres)):
                for row in conn.execute(BY_KEYS, {"keys": chunk}).mappings():
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
                    lambda: sa.and_(ids_in(r.c.member_id), within_year(r.c.on)),
                    by_on_then_id,
                )
                for record in records:  # by on, then id: each member's list keeps that order
                    found[record.member_id].append(record)
        return found

    def add_many(self, entries: Sequence[tuple[ServiceRecord, str | None]]) -> list[ServiceRecord]:
        """Append the records with one ``executemany`` INSERT inside a savepoint. When it fails (a
        duplicate, a dangling reference, a value the database cannot hold), the savepoint is rolled back
        and the entries are added again one by one through :meth:`add`, so that the error raised is
        exactly the one ``add`` gives for the first refused entry."""
        entries = builtins.list(entries)
        spec = self.spec
        rows: builtins.list[dict[str, Any]] = []
        for record, key in entries:
            if (
                not isinstance(record, ServiceRecord)
                or (key is not None and not isinstance(key, str))
                or any(
                    target == "records" and value == record.id for _, target, value in spec.references(record)
                )
            ):
                return super().add_many(entries)  # refused before any insert: add's own checks decide
            row = spec.to_row(record)
            row["idempotency_key"] = key
            rows.append(row)
        if len(rows) <= 1:
            return super().add_many(entries)
        tx = self._tx
        with tx.io("add service records") as conn:
            savepoint = conn.begin_nested()
            try:
                conn.execute(statement("insert", spec.table), rows)
            except (sa.exc.IntegrityError, sa.exc.DataError, OverflowError):
                savepoint.rollback()
                failed = True
            except BaseException:
                if savepoint.is_active:
                    with suppress(sa.exc.SQLAlchemyError):
                        savepoint.rollback()
                raise
            else:
                savepoint.commit()
                failed = False
        if failed:  # one by one: the first refused entry raises what add raises for it
            return super().add_many(entries)
        return [record for record, _ in entries]
