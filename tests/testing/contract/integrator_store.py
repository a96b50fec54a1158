"""An integrator's storage, written from the docstrings of ``volunteer_core.ports`` alone.

It imports nothing of ``volunteer_core.storage``: only the ports, the table of aggregates, the errors,
the model and the ledger's rules — as a host system that implements the ports on its own database would.
The ledger refuses what the port says it refuses by calling the checks of
:mod:`volunteer_core.rules.ledger` (``check_idempotent_request``, ``check_ledger_entry``,
``check_ledger_update``) and raising ``RuleViolation`` with the violation they return. The "database" is a dict of tables
(``DictStore``, shared by the units of work of one process) or a pickle file guarded by an exclusive
``flock`` (``FileStore``, shared by processes). A unit of work copies the committed tables when its
transaction begins, reads and writes the copy, and at commit checks — under the store's lock — that no
row it inserted appeared meanwhile and that every row it replaced still has the version it read; then
it writes its rows back. It does not track reads, so it does not refuse write skew (it declares no
``supports_serializable``).

The primitives ``load`` (by id), ``insert`` (fails on the primary key), ``replace`` (``UPDATE … WHERE
version = ?``) and ``upsert`` are where a SQL storage would issue its statements; the repositories are
written on them. ``tests/testing/contract/test_contract_broken.py`` breaks one of them at a time.
"""

from __future__ import annotations

import builtins
import fcntl
import pickle
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, ClassVar, Generic, Protocol, TypeVar, cast

import attrs

from volunteer_core import ports
from volunteer_core.aggregates import AGGREGATES, AGGREGATES_BY_NAME
from volunteer_core.errors import ConcurrencyConflict, InvalidInput, NotFound, RuleViolation, StorageError
from volunteer_core.model import (
    Activity,
    Beneficiary,
    Branch,
    BranchPlan,
    Demand,
    HalfYearReport,
    Member,
    Organisation,
    Pairing,
    PartnerUnit,
    Qualification,
    ServiceRecord,
    Supporter,
    Team,
    Wish,
    WishStatus,
)
from volunteer_core.rules.ledger import check_idempotent_request, check_ledger_entry, check_ledger_update

__all__ = [
    "DictOrganisations",
    "DictStore",
    "DictUnitOfWork",
    "FileStore",
    "Store",
    "Tables",
    "open_file_store",
]

#: table name → key → row. Entity tables are keyed by id; ``idempotency`` maps a key to a record id,
#: ``wish_keys`` a key to a wish id; ``reversed`` maps a reversed record's id to its reversal's (the
#: unique index on ``reverses``: two transactions cannot both reverse one record); ``locks`` maps
#: (branch_id, year) to True.
Tables = dict[str, dict[Any, Any]]
TABLES = (*(aggregate.name for aggregate in AGGREGATES), "idempotency", "wish_keys", "reversed", "locks")
#: the tables of idempotency keys: a key stored twice is refused at path ``idempotency_key``
KEY_TABLES = ("idempotency", "wish_keys")


def _empty() -> Tables:
    return {table: {} for table in TABLES}


class Store(Protocol):
    """Where committed data lives."""

    def read(self) -> Tables:
        """A private copy of the committed tables."""
        ...

    def write_with(self, apply: Callable[[Tables], None]) -> None:
        """Call ``apply`` on the committed tables under the store's exclusive lock, and keep its changes
        unless it raises."""
        ...


class DictStore:
    """Committed data in memory, for the units of work of one process (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tables = _empty()

    def read(self) -> Tables:
        with self._lock:
            return {table: dict(rows) for table, rows in self._tables.items()}

    def write_with(self, apply: Callable[[Tables], None]) -> None:
        with self._lock:
            apply(self._tables)


class FileStore:
    """Committed data in one pickle file; an exclusive ``flock`` on a lock file beside it serialises
    commits of every thread and process. Picklable: it is just a path."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        with self._locked():
            if not self.path.exists():
                self._save(_empty())

    def __reduce__(self) -> tuple[Any, ...]:
        return (FileStore, (str(self.path),))

    @contextmanager
    def _locked(self) -> Iterator[None]:
        with open(self.path.with_name(self.path.name + ".lock"), "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _load(self) -> Tables:
        return cast(Tables, pickle.loads(self.path.read_bytes()))

    def _save(self, tables: Tables) -> None:
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_bytes(pickle.dumps(tables))
        temporary.replace(self.path)

    def read(self) -> Tables:
        with self._locked():
            return self._load()

    def write_with(self, apply: Callable[[Tables], None]) -> None:
        with self._locked():
            tables = self._load()
            apply(tables)
            self._save(tables)


def open_file_store(path: str) -> DictUnitOfWork:
    """A unit of work on the file store at ``path`` (a picklable factory for other processes)."""
    return DictUnitOfWork(FileStore(path))


# -- repositories ---------------------------------------------------------------------------------------


class _Entity(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def version(self) -> int: ...


E = TypeVar("E", bound=_Entity)


class DictRepository(Generic[E]):
    """get / add / update / list on one table, with the reference checks of the table of aggregates
    (``ports.REFERENCES``: a wish's claims included)."""

    table: ClassVar[str]

    def __init__(self, uow: DictUnitOfWork) -> None:
        self._uow = uow

    def _rows(self) -> dict[str, E]:
        return self._uow.view(self.table)

    def _check_references(self, entity: E) -> None:
        for path, target, value in AGGREGATES_BY_NAME[self.table].references_of(entity):
            if value not in self._uow.view(target):
                raise InvalidInput(
                    path,
                    value,
                    code="input.reference",
                    message_en=f"{path} names no stored {target}",
                    message_zh=f"{path} 引用的对象不存在",
                )

    def get(self, entity_id: str) -> E:
        return cast(E, self._uow.load(self.table, entity_id))

    def add(self, entity: E) -> E:
        self._check_references(entity)
        self._uow.insert(self.table, entity.id, entity)
        return entity

    def update(self, entity: E) -> E:
        self._check_references(entity)
        stored = cast(E, attrs.evolve(cast(Any, entity), version=entity.version + 1))
        self._uow.replace(self.table, entity.id, entity.version, stored)
        return stored

    def list(self) -> builtins.list[E]:
        rows = self._rows()
        return [rows[key] for key in sorted(rows)]

    def _where(self, keep: Callable[[E], bool]) -> builtins.list[E]:
        return [entity for entity in self.list() if keep(entity)]


class DictOrganisations(DictRepository[Organisation], ports.OrganisationRepository):
    """``children`` and ``subtree`` are the port's defaults; ``update`` refuses a parent in the node's own
    subtree (``input.cycle``), walking up from the new parent."""

    table = "organisations"

    def update(self, entity: Organisation) -> Organisation:
        self._check_references(entity)
        rows = self._rows()
        node, seen = entity.parent_id, set()
        while node is not None and node not in seen:
            if node == entity.id:
                raise InvalidInput(
                    "parent_id",
                    entity.parent_id,
                    code="input.cycle",
                    message_en="the new parent lies below the organisation",
                    message_zh="上级不能是自己的下级",
                )
            seen.add(node)
            node = rows[node].parent_id if node in rows else None
        return super().update(entity)


class DictBranches(DictRepository[Branch], ports.BranchRepository):
    """``in_organisations`` is the port's default."""

    table = "branches"


class DictMembers(DictRepository[Member], ports.MemberRepository):
    table = "members"

    def in_branch(self, branch_id: str) -> list[Member]:
        return self._where(lambda m: m.branch_id == branch_id)


class DictTeams(DictRepository[Team], ports.TeamRepository):
    table = "teams"


class DictBeneficiaries(DictRepository[Beneficiary], ports.BeneficiaryRepository):
    table = "beneficiaries"


class DictUnits(DictRepository[PartnerUnit], ports.PartnerUnitRepository):
    table = "units"


class DictPairings(DictRepository[Pairing], ports.PairingRepository):
    table = "pairings"

    def for_target(self, target_id: str) -> list[Pairing]:
        return self._where(lambda p: p.target_id == target_id)


class DictActivities(DictRepository[Activity], ports.ActivityRepository):
    table = "activities"


def _duplicate_key(key: str) -> InvalidInput:
    return InvalidInput(
        "idempotency_key",
        key,
        code="input.duplicate",
        message_en="idempotency key already stored",
        message_zh="幂等键已存在",
    )


class DictRecords(DictRepository[ServiceRecord], ports.RecordRepository):
    """The ledger: the port's refusals, in the port's order, by the checks of ``rules.ledger``."""

    table = "records"

    def _locked(self, record: ServiceRecord) -> bool:
        return self._uow.locks.is_locked(record.branch_id, record.on.year)

    def add(self, entity: ServiceRecord, *, idempotency_key: str | None = None) -> ServiceRecord:
        if idempotency_key is not None and idempotency_key in self._uow.view("idempotency"):
            first = self.get(self._uow.view("idempotency")[idempotency_key])
            conflict = check_idempotent_request(first, entity, key=idempotency_key)
            if conflict:
                raise RuleViolation(conflict[0])
            raise _duplicate_key(idempotency_key)
        if entity.id not in self._rows():  # else DictRepository.add refuses the duplicate id
            original = None if entity.reverses is None else self._rows().get(entity.reverses)
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
            self._uow.insert("idempotency", idempotency_key, entity.id, path="idempotency_key")
        if entity.reverses is not None:
            self._uow.insert("reversed", entity.reverses, entity.id, path="reverses")
        return stored

    def update(self, entity: ServiceRecord) -> ServiceRecord:
        stored = self.get(entity.id)
        if stored.version == entity.version:  # else DictRepository.update raises ConcurrencyConflict
            refused = check_ledger_update(stored, entity, locked=self._locked(stored))
            if refused:
                raise RuleViolation(refused[0])
        return super().update(entity)

    def in_year(self, year: int) -> Iterator[ServiceRecord]:
        first, last = date(year, 1, 1), date(year, 12, 31)
        found = self._where(lambda r: first <= r.on <= last)
        return iter(sorted(found, key=lambda r: (r.on, r.id)))

    def for_member(self, member_id: str, year: int) -> list[ServiceRecord]:
        found = self._where(lambda r: r.member_id == member_id and r.on.year == year)
        return sorted(found, key=lambda r: (r.on, r.id))

    def by_idempotency_key(self, key: str) -> ServiceRecord | None:
        record_id = self._uow.view("idempotency").get(key)
        return None if record_id is None else self.get(record_id)

    def reversal_of(self, record_id: str) -> ServiceRecord | None:
        found = self._where(lambda r: r.reverses == record_id)
        return found[0] if found else None


class DictWishes(DictRepository[Wish], ports.WishRepository):
    table = "wishes"

    def add(self, entity: Wish, *, idempotency_key: str | None = None) -> Wish:
        if idempotency_key is not None and idempotency_key in self._uow.view("wish_keys"):
            raise _duplicate_key(idempotency_key)
        stored = super().add(entity)
        if idempotency_key is not None:
            self._uow.insert("wish_keys", idempotency_key, entity.id, path="idempotency_key")
        return stored

    def by_idempotency_key(self, key: str) -> Wish | None:
        wish_id = self._uow.view("wish_keys").get(key)
        return None if wish_id is None else self.get(wish_id)

    def with_status(self, status: WishStatus) -> list[Wish]:
        return self._where(lambda w: w.status == status)


class DictQualifications(DictRepository[Qualification], ports.QualificationRepository):
    """``for_member`` is the port's default."""

    table = "qualifications"


class DictSupporters(DictRepository[Supporter], ports.SupporterRepository):
    table = "supporters"


class DictDemands(DictRepository[Demand], ports.DemandRepository):
    table = "demands"


class DictPlans(DictRepository[BranchPlan], ports.PlanRepository):
    table = "plans"

    def for_branch(self, branch_id: str, year: int) -> list[BranchPlan]:
        found = self._where(lambda p: p.branch_id == branch_id and p.year == year)
        return sorted(found, key=lambda p: (p.submitted_on, p.id))


class DictReports(DictRepository[HalfYearReport], ports.ReportRepository):
    table = "reports"

    def for_branch(self, branch_id: str, year: int) -> list[HalfYearReport]:
        found = self._where(lambda r: r.branch_id == branch_id and r.year == year)
        return sorted(found, key=lambda r: (r.half, r.submitted_on, r.id))


class DictLocks(ports.LockRepository):
    def __init__(self, uow: DictUnitOfWork) -> None:
        self._uow = uow

    def is_locked(self, branch_id: str, year: int) -> bool:
        return (branch_id, year) in self._uow.view("locks")

    def lock(self, branch_id: str, year: int) -> None:
        self._uow.upsert("locks", (branch_id, year), True)

    def list(self) -> list[tuple[str, int]]:
        return sorted(self._uow.view("locks"))


# -- the unit of work -----------------------------------------------------------------------------------


class DictUnitOfWork(ports.UnitOfWork):
    """One transaction at a time over a :class:`Store` (a new :class:`DictStore` when none is given)."""

    records_class: ClassVar[type[DictRecords]] = DictRecords
    organisations_class: ClassVar[type[DictOrganisations]] = DictOrganisations

    def __init__(self, store: Store | None = None) -> None:
        self.store: Store = store if store is not None else DictStore()
        self._read: Tables | None = None  # the committed tables as the transaction began
        self._view: Tables | None = None  # those tables with the transaction's writes
        self._inserted: set[tuple[str, Any]] = set()
        self._replaced: set[tuple[str, Any]] = set()
        self._upserted: set[tuple[str, Any]] = set()
        self.organisations: DictOrganisations = self.organisations_class(self)
        self.branches = DictBranches(self)
        self.members = DictMembers(self)
        self.teams = DictTeams(self)
        self.beneficiaries = DictBeneficiaries(self)
        self.units = DictUnits(self)
        self.pairings = DictPairings(self)
        self.activities = DictActivities(self)
        self.records = self.records_class(self)
        self.qualifications = DictQualifications(self)
        self.supporters = DictSupporters(self)
        self.wishes = DictWishes(self)
        self.demands = DictDemands(self)
        self.plans = DictPlans(self)
        self.reports = DictReports(self)
        self.locks = DictLocks(self)

    @property
    def in_transaction(self) -> bool:
        return self._view is not None

    # -- the primitives the repositories use ----------------------------------------------------------

    def view(self, table: str) -> dict[Any, Any]:
        """The rows of ``table`` as this transaction sees them."""
        if self._view is None:
            raise StorageError("no open transaction: use `with uow:`")
        return self._view[table]

    def load(self, table: str, key: Any) -> Any:
        """The row ``key`` of ``table``; NotFound when there is none."""
        rows = self.view(table)
        if key not in rows:
            raise NotFound(table, key)
        return rows[key]

    def insert(self, table: str, key: Any, row: Any, *, path: str = "id") -> None:
        """Insert a new row; a key already present raises InvalidInput ``input.duplicate`` (at ``path``)."""
        rows = self.view(table)
        if key in rows:
            raise InvalidInput(
                path,
                key,
                code="input.duplicate",
                message_en=f"{table} already holds {key!r}",
                message_zh=f"{table} 中已有 {key!r}",
            )
        rows[key] = row
        self._inserted.add((table, key))

    def replace(self, table: str, key: Any, version: int, row: Any) -> None:
        """Replace the row ``key`` if its version is ``version`` (NotFound / ConcurrencyConflict)."""
        stored = self.load(table, key)
        if stored.version != version:
            raise ConcurrencyConflict(f"{table} {key!r}: stored version {stored.version}, given {version}")
        self.view(table)[key] = row
        if (table, key) not in self._inserted:
            self._replaced.add((table, key))

    def upsert(self, table: str, key: Any, row: Any) -> None:
        """Store the row whether or not it is present."""
        self.view(table)[key] = row
        self._upserted.add((table, key))

    # -- transactions ---------------------------------------------------------------------------------

    def begin(self) -> None:
        if self._view is not None:
            raise StorageError("a transaction is already open on this unit of work")
        self._read = self.store.read()
        self._view = {table: dict(rows) for table, rows in self._read.items()}

    def commit(self) -> None:
        if self._view is None or self._read is None:
            raise StorageError("no open transaction to commit")
        view, read = self._view, self._read
        written = self._inserted | self._replaced | self._upserted

        def apply(tables: Tables) -> None:
            for table, key in self._inserted:
                if key in tables[table] and table == "reversed":
                    raise ConcurrencyConflict(f"record {key!r} was reversed meanwhile by another transaction")
                if key in tables[table]:
                    path = "idempotency_key" if table in KEY_TABLES else "id"
                    raise InvalidInput(
                        path,
                        key,
                        code="input.duplicate",
                        message_en=f"{table} {key!r} was stored meanwhile by another transaction",
                        message_zh=f"{table} {key!r} 已被其他事务写入",
                    )
            for table, key in self._replaced:
                current = tables[table].get(key)
                if current is None or current.version != read[table][key].version:
                    raise ConcurrencyConflict(f"{table} {key!r} was changed meanwhile by another transaction")
            for table, key in written:
                tables[table][key] = view[table][key]

        try:
            if written:
                self.store.write_with(apply)
        finally:
            self._close()

    def rollback(self) -> None:
        self._close()

    def _close(self) -> None:
        self._read = self._view = None
        self._inserted, self._replaced, self._upserted = set(), set(), set()
