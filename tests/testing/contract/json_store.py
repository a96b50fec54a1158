"""A storage that keeps everything in one JSON file: the example of docs/contract.md, written from the
ports' docstrings. One unit of work at a time per file (no siblings); durable (the contract reopens it).
"""

from __future__ import annotations

import builtins
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from volunteer_core import ports
from volunteer_core.aggregates import AGGREGATES, AGGREGATES_BY_NAME
from volunteer_core.errors import ConcurrencyConflict, InvalidInput, NotFound, RuleViolation, StorageError
from volunteer_core.model import ServiceRecord, Wish, WishStatus
from volunteer_core.rules.ledger import check_idempotent_request, check_ledger_entry, check_ledger_update
from volunteer_core.serialization import structure, unstructure

ENTITY_TABLES = tuple(aggregate.name for aggregate in AGGREGATES)
#: key → record id, key → wish id, "branch year" → [branch_id, year]
OTHER_TABLES = ("record_keys", "wish_keys", "locks")


def duplicate(path: str, value: Any) -> InvalidInput:
    return InvalidInput(
        path, value, code="input.duplicate", message_en=f"{value!r} is already stored", message_zh="已存在"
    )


class JsonRepository:
    """get / add / update / list of one table; references checked as the table of aggregates says."""

    def __init__(self, uow: JsonUnitOfWork, table: str) -> None:
        self.uow, self.table = uow, table

    def rows(self) -> dict[str, Any]:
        return self.uow.tables()[self.table]

    def get(self, entity_id: str) -> Any:
        if entity_id not in self.rows():
            raise NotFound(self.table, entity_id)
        return self.rows()[entity_id]

    def check_references(self, entity: Any) -> None:
        for path, target, value in AGGREGATES_BY_NAME[self.table].references_of(entity):
            if value not in self.uow.tables()[target]:
                raise InvalidInput(
                    path, value, code="input.reference", message_en="names nothing", message_zh="引用不存在"
                )

    def add(self, entity: Any) -> Any:
        if entity.id in self.rows():
            raise duplicate("id", entity.id)
        self.check_references(entity)
        self.rows()[entity.id] = entity
        return entity

    def update(self, entity: Any) -> Any:
        if self.get(entity.id).version != entity.version:
            raise ConcurrencyConflict(f"{self.table} {entity.id!r} changed meanwhile（已被修改）")
        self.check_references(entity)
        self.rows()[entity.id] = stored = attrs.evolve(entity, version=entity.version + 1)
        return stored

    def list(self) -> list[Any]:
        return [self.rows()[key] for key in sorted(self.rows())]

    def where(self, **values: Any) -> builtins.list[Any]:
        return [e for e in self.list() if all(getattr(e, k) == v for k, v in values.items())]


class JsonOrganisations(JsonRepository, ports.OrganisationRepository):
    def update(self, entity: Any) -> Any:
        node, seen = entity.parent_id, set()
        while node is not None and node not in seen:  # up from the new parent: does it meet the node?
            if node == entity.id:
                raise InvalidInput(
                    "parent_id", entity.parent_id, code="input.cycle", message_en="cycle", message_zh="循环"
                )
            seen.add(node)
            node = self.rows()[node].parent_id if node in self.rows() else None
        return super().update(entity)


class JsonMembers(JsonRepository, ports.MemberRepository):
    def in_branch(self, branch_id: str) -> list[Any]:
        return self.where(branch_id=branch_id)


class JsonPairings(JsonRepository, ports.PairingRepository):
    def for_target(self, target_id: str) -> list[Any]:
        return self.where(target_id=target_id)


class JsonRecords(JsonRepository, ports.RecordRepository):
    """The ledger refuses what ``rules.ledger`` says, in the order the port gives."""

    def add(self, entity: ServiceRecord, *, idempotency_key: str | None = None) -> ServiceRecord:
        keys = self.uow.tables()["record_keys"]
        if idempotency_key is not None and idempotency_key in keys:
            conflict = check_idempotent_request(self.get(keys[idempotency_key]), entity, key=idempotency_key)
            if conflict:
                raise RuleViolation(conflict[0])
            raise duplicate("idempotency_key", idempotency_key)
        if entity.id not in self.rows():  # else JsonRepository.add refuses the duplicate id
            original = None if entity.reverses is None else self.rows().get(entity.reverses)
            refused = check_ledger_entry(
                entity,
                locked=self.uow.locks.is_locked(entity.branch_id, entity.on.year),
                original=original,
                existing_reversal=None if original is None else self.reversal_of(original.id),
            )
            if refused:
                raise RuleViolation(refused[0])
        super().add(entity)
        if idempotency_key is not None:
            keys[idempotency_key] = entity.id
        return entity

    def update(self, entity: ServiceRecord) -> ServiceRecord:
        stored = self.get(entity.id)
        if stored.version == entity.version:  # else JsonRepository.update raises ConcurrencyConflict
            locked = self.uow.locks.is_locked(stored.branch_id, stored.on.year)
            refused = check_ledger_update(stored, entity, locked=locked)
            if refused:
                raise RuleViolation(refused[0])
        changed: ServiceRecord = super().update(entity)
        return changed

    def in_year(self, year: int) -> Iterator[ServiceRecord]:
        return iter(sorted((r for r in self.list() if r.on.year == year), key=lambda r: (r.on, r.id)))

    def for_member(self, member_id: str, year: int) -> list[ServiceRecord]:
        return [r for r in self.in_year(year) if r.member_id == member_id]

    def by_idempotency_key(self, key: str) -> ServiceRecord | None:
        record_id = self.uow.tables()["record_keys"].get(key)
        return None if record_id is None else self.get(record_id)

    def reversal_of(self, record_id: str) -> ServiceRecord | None:
        return next(iter(self.where(reverses=record_id)), None)


class JsonWishes(JsonRepository, ports.WishRepository):
    def add(self, entity: Wish, *, idempotency_key: str | None = None) -> Wish:
        keys = self.uow.tables()["wish_keys"]
        if idempotency_key is not None and idempotency_key in keys:
            raise duplicate("idempotency_key", idempotency_key)
        super().add(entity)
        if idempotency_key is not None:
            keys[idempotency_key] = entity.id
        return entity

    def by_idempotency_key(self, key: str) -> Wish | None:
        wish_id = self.uow.tables()["wish_keys"].get(key)
        return None if wish_id is None else self.get(wish_id)

    def with_status(self, status: WishStatus) -> list[Wish]:
        return self.where(status=status)


class JsonPlans(JsonRepository, ports.PlanRepository):
    def for_branch(self, branch_id: str, year: int) -> list[Any]:
        return sorted(self.where(branch_id=branch_id, year=year), key=lambda p: (p.submitted_on, p.id))


class JsonReports(JsonRepository, ports.ReportRepository):
    def for_branch(self, branch_id: str, year: int) -> list[Any]:
        found = self.where(branch_id=branch_id, year=year)
        return sorted(found, key=lambda r: (r.half, r.submitted_on, r.id))


REPOSITORIES = ports.repository_classes(
    JsonRepository,
    {
        "organisations": JsonOrganisations,
        "members": JsonMembers,
        "pairings": JsonPairings,
        "records": JsonRecords,
        "wishes": JsonWishes,
        "plans": JsonPlans,
        "reports": JsonReports,
    },
)


class JsonLocks(ports.LockRepository):
    def __init__(self, uow: JsonUnitOfWork) -> None:
        self.uow = uow

    def is_locked(self, branch_id: str, year: int) -> bool:
        return f"{branch_id} {year}" in self.uow.tables()["locks"]

    def lock(self, branch_id: str, year: int) -> None:
        self.uow.tables()["locks"][f"{branch_id} {year}"] = [branch_id, year]

    def list(self) -> list[tuple[str, int]]:
        return sorted((b, y) for b, y in self.uow.tables()["locks"].values())


class JsonUnitOfWork(ports.UnitOfWork):
    """The file is read when the unit of work is built and written whole (atomically) at each commit."""

    #: the tables written to the file
    persisted = (*ENTITY_TABLES, *OTHER_TABLES)

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        saved = json.loads(self.path.read_text("utf-8")) if self.path.exists() else {}
        self.committed: dict[str, dict[str, Any]] = {table: {} for table in (*ENTITY_TABLES, *OTHER_TABLES)}
        for aggregate in AGGREGATES:
            rows = saved.get(aggregate.name, {}).items()
            self.committed[aggregate.name] = {k: structure(v, aggregate.entity) for k, v in rows}
        for table in OTHER_TABLES:
            self.committed[table] = saved.get(table, {})
        self.open: dict[str, dict[str, Any]] | None = None
        for name, repository in REPOSITORIES.items():
            setattr(self, name, repository(self, name))
        self.locks = JsonLocks(self)

    def tables(self) -> dict[str, dict[str, Any]]:
        if self.open is None:
            raise StorageError("no open transaction: use `with uow:`（请在 with uow: 块内使用）")
        return self.open

    def begin(self) -> None:
        if self.open is not None:
            raise StorageError("a transaction is already open（事务已打开）")
        self.open = {table: dict(rows) for table, rows in self.committed.items()}

    def commit(self) -> None:
        tables, self.open = self.tables(), None
        saved = {t: unstructure(tables[t]) if t in ENTITY_TABLES else tables[t] for t in self.persisted}
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps(saved, ensure_ascii=False), "utf-8")
        os.replace(temporary, self.path)
        self.committed = tables

    def rollback(self) -> None:
        self.open = None
