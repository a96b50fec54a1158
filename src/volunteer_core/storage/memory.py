"""The in-memory reference implementation of the ports: simple, obviously right, thread-safe.

Every unit of work reads a snapshot of the committed data taken when its transaction begins, plus its
own writes (multi-version: each key keeps the versions that open snapshots can still see). Commit is
optimistic and serializable: it fails with ``ConcurrencyConflict`` when another transaction committed,
after this one began, a change to anything this one read — an entity by id, or a query (``for_target``,
``by_idempotency_key``, …) whose answer the change could alter. So two concurrent ``register_pairing``
of one target cannot both succeed, and a lost update is never silent.

>>> from datetime import date
>>> from volunteer_core import Branch
>>> store = InMemoryStore()
>>> with InMemoryUnitOfWork(store) as uow:
...     _ = uow.branches.add(Branch(id="b1", name="办公室党支部"))
...     uow.commit()
>>> with InMemoryUnitOfWork(store) as uow:
...     uow.branches.get("b1").name
'办公室党支部'
"""

from __future__ import annotations

import builtins
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import Any, Generic, TypeVar

import attrs

from volunteer_core.aggregates import AGGREGATES, AGGREGATES_BY_NAME, Aggregate
from volunteer_core.compliance import valid_branch_ids
from volunteer_core.errors import ConcurrencyConflict, InvalidInput, NotFound, RuleViolation, StorageError
from volunteer_core.model import (
    Activity,
    Branch,
    BranchPlan,
    HalfYearReport,
    Member,
    Organisation,
    Pairing,
    Qualification,
    ServiceRecord,
    Wish,
    WishStatus,
)
from volunteer_core.model.organisation import check_no_cycle, walk_subtree
from volunteer_core.ports import (
    ActivityRepository,
    BranchRepository,
    LockRepository,
    MemberRepository,
    OrganisationRepository,
    PairingRepository,
    PlanRepository,
    QualificationRepository,
    RecordRepository,
    ReportRepository,
    UnitOfWork,
    WishRepository,
    repository_classes,
)
from volunteer_core.rules.ledger import check_idempotent_request, check_ledger_entry, check_ledger_update

__all__ = ["InMemoryStore", "InMemoryUnitOfWork"]

T = TypeVar("T")
_Key = tuple[str, str, Hashable]  # (table, index, value): what a read depended on / a write touched

#: table → index name → function giving the values an entity is found under (for queries)
_INDEXES: dict[str, dict[str, Callable[[Any], Iterable[Hashable]]]] = {
    a.name: {index.name: index.values for index in a.indexes} for a in AGGREGATES
}
_TABLES = (*(a.name for a in AGGREGATES), "idempotency", "wish_keys", "locks")
#: the tables of idempotency keys (key → entity id)
_KEY_TABLES = frozenset({"idempotency", "wish_keys"})


class InMemoryStore:
    """The committed data that units of work share. Thread-safe; lives as long as you keep it."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._seq = 0
        self._rows: dict[str, dict[str, list[tuple[int, Any]]]] = {t: {} for t in _TABLES}
        self._index: dict[tuple[str, str], dict[Hashable, set[str]]] = {}
        self._log: list[tuple[int, frozenset[_Key]]] = []
        self._open: dict[int, int] = {}  # snapshot seq → number of open transactions on it

    # -- snapshots ---------------------------------------------------------------------------

    def _begin(self) -> int:
        with self._lock:
            self._open[self._seq] = self._open.get(self._seq, 0) + 1
            return self._seq

    def _end(self, snapshot: int) -> None:
        with self._lock:
            left = self._open.get(snapshot, 0) - 1
            if left > 0:
                self._open[snapshot] = left
            else:
                self._open.pop(snapshot, None)
            oldest = min(self._open, default=self._seq)
            self._log = [entry for entry in self._log if entry[0] > oldest]

    def _read(self, table: str, key: str, snapshot: int) -> Any:
        with self._lock:
            for seq, value in reversed(self._rows[table].get(key, ())):
                if seq <= snapshot:
                    return value
            return None

    def _keys(self, table: str, index: str | None, value: Hashable) -> list[str]:
        with self._lock:
            if index is None:
                return list(self._rows[table])
            return list(self._index.get((table, index), {}).get(value, ()))

    # -- commit --------------------------------------------------------------------------------

    def _commit(
        self, snapshot: int, reads: set[_Key], writes: dict[str, dict[str, Any]], fresh: set[tuple[str, str]]
    ) -> None:
        with self._lock:
            # First: did a transaction that committed after our snapshot change anything we read or
            # write? Then the retry will see it (a key taken meanwhile reads as a conflict, not bad input).
            written = {(table, "id", key) for table, rows in writes.items() for key in rows}
            depends = reads | written
            if any(seq > snapshot and not keys.isdisjoint(depends) for seq, keys in self._log):
                raise ConcurrencyConflict(
                    "另一事务已修改本事务读取或写入的数据，请重试；another transaction changed data this one "
                    "read or wrote since it began: retry"
                )
            touched: set[_Key] = set(written)
            for table, rows in writes.items():
                for key, value in rows.items():
                    latest = self._read(table, key, self._seq)
                    if (table, key) in fresh and latest is not None:
                        raise InvalidInput(
                            "idempotency_key" if table in _KEY_TABLES else "id",
                            key,
                            code="input.duplicate",
                            message_en=f"{table} already holds {key!r}",
                            message_zh=f"{table} 中已有 {key!r}",
                        )
                    touched.add((table, "*", None))
                    for old_or_new in (latest, value):
                        if old_or_new is not None:
                            for name, values_of in _INDEXES.get(table, {}).items():
                                for indexed in values_of(old_or_new):
                                    touched.add((table, name, indexed))
            self._seq += 1
            seq = self._seq
            oldest = min(self._open, default=seq)
            for table, rows in writes.items():
                for key, value in rows.items():
                    versions = self._rows[table].setdefault(key, [])
                    versions.append((seq, value))
                    # keep only what an open snapshot can still see
                    while len(versions) > 1 and versions[1][0] <= oldest:
                        versions.pop(0)
                    for name, values_of in _INDEXES.get(table, {}).items():
                        for indexed in values_of(value):
                            self._index.setdefault((table, name), {}).setdefault(indexed, set()).add(key)
            if self._open:
                self._log.append((seq, frozenset(touched)))


class _Transaction:
    """What one open transaction of one unit of work holds."""

    def __init__(self, store: InMemoryStore) -> None:
        self.store = store
        self.snapshot = store._begin()
        self.reads: set[_Key] = set()
        self.writes: dict[str, dict[str, Any]] = {}
        self.fresh: set[tuple[str, str]] = set()

    def get(self, table: str, key: str) -> Any:
        self.reads.add((table, "id", key))
        own = self.writes.get(table, {})
        if key in own:
            return own[key]
        return self.store._read(table, key, self.snapshot)

    def select(self, table: str, index: str | None, value: Hashable) -> list[Any]:
        """Entities of ``table`` found under ``index`` = ``value`` (every entity when index is None)."""
        self.reads.add((table, index or "*", value if index else None))
        keys = set(self.store._keys(table, index, value)) | set(self.writes.get(table, {}))
        found = []
        for key in keys:
            entity = self.get_quiet(table, key)
            if entity is None:
                continue
            if index is None or value in _INDEXES[table][index](entity):
                found.append(entity)
        return found

    def get_quiet(self, table: str, key: str) -> Any:
        own = self.writes.get(table, {})
        if key in own:
            return own[key]
        return self.store._read(table, key, self.snapshot)

    def put(self, table: str, key: str, value: Any, *, fresh: bool) -> None:
        self.writes.setdefault(table, {})[key] = value
        if fresh:
            self.fresh.add((table, key))


class _Repo(Generic[T]):
    """The operations every repository has, for the entities of one row of the table of aggregates."""

    def __init__(self, uow: InMemoryUnitOfWork, aggregate: Aggregate) -> None:
        self._uow = uow
        self._aggregate = aggregate
        self.table = aggregate.name
        self.kind = aggregate.label_en

    @property
    def _tx(self) -> _Transaction:
        return self._uow._transaction()

    def get(self, entity_id: str) -> T:
        entity = self._tx.get(self.table, entity_id)
        if entity is None:
            raise NotFound(self.kind, entity_id)
        return entity  # type: ignore[no-any-return]

    def _check_references(self, entity: Any) -> None:
        tx = self._tx
        for field, target, ref in self._aggregate.references_of(entity):
            if tx.get(target, ref) is None:
                raise InvalidInput(
                    field,
                    ref,
                    code="input.reference",
                    message_en=f"{field} names no stored {AGGREGATES_BY_NAME[target].label_en} ({ref!r})",
                    message_zh=f"{field} 引用的 {ref!r} 不存在",
                )

    def add(self, entity: T) -> T:
        key = entity.id  # type: ignore[attr-defined]
        tx = self._tx
        if tx.get(self.table, key) is not None:
            raise InvalidInput(
                "id",
                key,
                code="input.duplicate",
                message_en=f"a {self.kind} with id {key!r} is already stored",
                message_zh=f"编号为 {key!r} 的{self.kind}已存在",
            )
        self._check_unique(entity)
        self._check_references(entity)
        tx.put(self.table, key, entity, fresh=True)
        return entity

    def _check_unique(self, entity: Any) -> None:
        """Uniqueness beyond the id (none by default), on add and on update — as a database's UNIQUE
        constraint checks every write."""

    def _check_update(self, entity: Any) -> None:
        """The aggregate's own refusal of an update, after its references (none by default; the tree's
        cycles for organisations)."""

    def update(self, entity: T) -> T:
        key = entity.id  # type: ignore[attr-defined]
        tx = self._tx
        stored = tx.get(self.table, key)
        if stored is None:
            raise NotFound(self.kind, key)
        if stored.version != entity.version:  # type: ignore[attr-defined]
            raise ConcurrencyConflict(
                f"{self.kind} {key!r} 已被修改（存储版本 {stored.version}，提交版本 {entity.version}）；"  # type: ignore[attr-defined]
                f"{self.kind} {key!r} changed meanwhile: stored version {stored.version}, "
                f"given {entity.version}"  # type: ignore[attr-defined]
            )
        self._check_unique(entity)
        self._check_references(entity)
        self._check_update(entity)
        new = attrs.evolve(entity, version=entity.version + 1)  # type: ignore[misc, attr-defined]
        tx.put(self.table, key, new, fresh=False)
        return new

    def list(self) -> list[T]:
        return sorted(self._tx.select(self.table, None, None), key=lambda e: e.id)

    def _find(self, index: str, value: Hashable) -> builtins.list[T]:
        return sorted(self._tx.select(self.table, index, value), key=lambda e: e.id)


class _Organisations(_Repo[Organisation], OrganisationRepository):
    """The tree: ``children`` by the index of parents, ``subtree`` one lookup of children per node (each
    a tracked read, so a concurrent move into or out of the subtree conflicts), cycles refused."""

    def _check_update(self, entity: Organisation) -> None:
        tx = self._tx

        def parent_of(organisation_id: str) -> str | None:
            stored = tx.get(self.table, organisation_id)
            return None if stored is None else stored.parent_id

        check_no_cycle(entity, parent_of)

    def children(self, parent_id: str | None) -> list[Organisation]:
        return self._find("parent", parent_id)

    def subtree(self, organisation_id: str) -> list[Organisation]:
        return walk_subtree(self.get(organisation_id), self.children)


class _Branches(_Repo[Branch], BranchRepository):
    def in_organisations(self, organisation_ids: Iterable[str]) -> list[Branch]:
        wanted = {o for o in organisation_ids if isinstance(o, str)}  # None is no id: not "hanging nowhere"
        found = {b.id: b for o in wanted for b in self._find("organisation", o)}
        return [found[key] for key in sorted(found)]


class _Qualifications(_Repo[Qualification], QualificationRepository):
    def for_member(self, member_id: str) -> list[Qualification]:
        return self._find("member", member_id)


class _Members(_Repo[Member], MemberRepository):
    def in_branch(self, branch_id: str) -> list[Member]:
        return self._find("branch", branch_id)

    def in_branches(self, branch_ids: Iterable[str]) -> list[Member]:
        found = {m.id: m for b in valid_branch_ids(branch_ids) for m in self._find("branch", b)}
        return [found[key] for key in sorted(found)]


class _Pairings(_Repo[Pairing], PairingRepository):
    def for_target(self, target_id: str) -> list[Pairing]:
        return self._find("target", target_id)

    def for_branch(self, branch_id: str) -> list[Pairing]:
        return self._find("branch", branch_id)


class _Activities(_Repo[Activity], ActivityRepository):
    def in_year(self, year: int) -> list[Activity]:
        return self._find("year", year)


def _duplicate_key(key: str) -> InvalidInput:
    return InvalidInput(
        "idempotency_key",
        key,
        code="input.duplicate",
        message_en=f"idempotency key {key!r} is already stored",
        message_zh=f"幂等键 {key!r} 已存在",
    )


class _Records(_Repo[ServiceRecord], RecordRepository):
    """The ledger: append-only, refused as :func:`~volunteer_core.rules.ledger.check_ledger_entry` and
    :func:`~volunteer_core.rules.ledger.check_ledger_update` say."""

    def _locked(self, record: ServiceRecord) -> bool:
        return self._uow.locks.is_locked(record.branch_id, record.on.year)

    def add(self, entity: ServiceRecord, *, idempotency_key: str | None = None) -> ServiceRecord:
        tx = self._tx
        if idempotency_key is not None:
            first = self.by_idempotency_key(idempotency_key)
            if first is not None:
                conflict = check_idempotent_request(first, entity, key=idempotency_key)
                if conflict:
                    raise RuleViolation(conflict[0])
                raise _duplicate_key(idempotency_key)
        if tx.get(self.table, entity.id) is None:  # a duplicate id is the base class's to refuse first
            original = None if entity.reverses is None else tx.get(self.table, entity.reverses)
            refused = check_ledger_entry(
                entity,
                locked=self._locked(entity),
                original=original,
                existing_reversal=None if original is None else self.reversal_of(original.id),
            )
            if refused:
                raise RuleViolation(refused[0])
        stored = super().add(entity)
        if idempotency_key is not None:
            tx.put("idempotency", idempotency_key, entity.id, fresh=True)
        return stored

    def update(self, entity: ServiceRecord) -> ServiceRecord:
        stored = self._tx.get(self.table, entity.id)
        if stored is not None and stored.version == entity.version:  # else NotFound / ConcurrencyConflict
            refused = check_ledger_update(stored, entity, locked=self._locked(stored))
            if refused:
                raise RuleViolation(refused[0])
        return super().update(entity)

    def in_year(self, year: int) -> Iterator[ServiceRecord]:
        return iter(sorted(self._tx.select(self.table, "year", year), key=lambda r: (r.on, r.id)))

    def for_member(self, member_id: str, year: int) -> list[ServiceRecord]:
        return sorted(
            self._tx.select(self.table, "member_year", (member_id, year)), key=lambda r: (r.on, r.id)
        )

    def by_idempotency_key(self, key: str) -> ServiceRecord | None:
        record_id = self._tx.get("idempotency", key)
        return None if record_id is None else self.get(record_id)

    def reversal_of(self, record_id: str) -> ServiceRecord | None:
        found = self._find("reverses", record_id)
        return found[0] if found else None


class _Wishes(_Repo[Wish], WishRepository):
    def add(self, entity: Wish, *, idempotency_key: str | None = None) -> Wish:
        if idempotency_key is not None and self._tx.get("wish_keys", idempotency_key) is not None:
            raise _duplicate_key(idempotency_key)
        stored = super().add(entity)
        if idempotency_key is not None:
            self._tx.put("wish_keys", idempotency_key, entity.id, fresh=True)
        return stored

    def by_idempotency_key(self, key: str) -> Wish | None:
        wish_id = self._tx.get("wish_keys", key)
        return None if wish_id is None else self.get(wish_id)

    def with_status(self, status: WishStatus) -> list[Wish]:
        return self._find("status", WishStatus(status))


class _Plans(_Repo[BranchPlan], PlanRepository):
    def for_branch(self, branch_id: str, year: int) -> list[BranchPlan]:
        return sorted(
            self._tx.select(self.table, "branch_year", (branch_id, year)),
            key=lambda p: (p.submitted_on, p.id),
        )


class _Reports(_Repo[HalfYearReport], ReportRepository):
    def for_branch(self, branch_id: str, year: int) -> list[HalfYearReport]:
        return sorted(
            self._tx.select(self.table, "branch_year", (branch_id, year)),
            key=lambda r: (r.half, r.submitted_on, r.id),
        )


#: The repositories with queries of their own; every other aggregate gets the plain one.
_WITH_QUERIES: dict[str, type[_Repo[Any]]] = {
    "organisations": _Organisations,
    "branches": _Branches,
    "members": _Members,
    "pairings": _Pairings,
    "activities": _Activities,
    "records": _Records,
    "qualifications": _Qualifications,
    "wishes": _Wishes,
    "plans": _Plans,
    "reports": _Reports,
}


_REPOSITORY_CLASSES = repository_classes(_Repo, _WITH_QUERIES)


class _Locks(LockRepository):
    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow = uow

    def is_locked(self, branch_id: str, year: int) -> bool:
        return self._uow._transaction().get("locks", f"{branch_id}\x00{year}") is not None

    def lock(self, branch_id: str, year: int) -> None:
        tx = self._uow._transaction()
        key = f"{branch_id}\x00{year}"
        if tx.get("locks", key) is None:
            tx.put("locks", key, (branch_id, year), fresh=False)

    def list(self) -> list[tuple[str, int]]:
        return sorted(self._uow._transaction().select("locks", None, None))


class InMemoryUnitOfWork(UnitOfWork):
    """A unit of work on an :class:`InMemoryStore` (a new empty store when none is given).

    Units of work built on one store see each other's committed data (``uow.store``).
    """

    def __init__(self, store: InMemoryStore | None = None) -> None:
        self.store = store if store is not None else InMemoryStore()
        self._tx: _Transaction | None = None
        for aggregate in AGGREGATES:
            setattr(self, aggregate.name, _REPOSITORY_CLASSES[aggregate.name](self, aggregate))
        self.locks = _Locks(self)

    def _transaction(self) -> _Transaction:
        if self._tx is None:
            raise StorageError("no open transaction: use `with uow:`（请在 with uow: 块内使用）")
        return self._tx

    def begin(self) -> None:
        """Open a transaction (``StorageError`` when one is already open on this unit of work)."""
        if self._tx is not None:
            raise StorageError("a transaction is already open on this unit of work（事务已打开）")
        self._tx = _Transaction(self.store)

    def commit(self) -> None:
        """Apply the transaction's writes to the store, all or none (``ConcurrencyConflict`` when another
        transaction changed what this one read), and close it."""
        tx = self._transaction()
        try:
            if tx.writes:
                self.store._commit(tx.snapshot, tx.reads, tx.writes, tx.fresh)
        finally:
            self._close()
        # the object may be entered again: a later `with` starts a new transaction

    def rollback(self) -> None:
        """Discard the open transaction, if any."""
        self._close()

    def _close(self) -> None:
        if self._tx is not None:
            self.store._end(self._tx.snapshot)
            self._tx = None
