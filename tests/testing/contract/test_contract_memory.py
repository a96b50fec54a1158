"""The repository contract on the reference implementation, InMemoryUnitOfWork (siblings on one store;
``reopen`` is a new unit of work on the same store: what a unit wrote must live in the store, not in the
unit)."""

from __future__ import annotations

from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork
from volunteer_core.testing.contract import UnitOfWorkContract


class TestInMemory(UnitOfWorkContract):
    supports_serializable = True
    supports_threads = True

    def make_uow(self) -> UnitOfWork:
        return InMemoryUnitOfWork(InMemoryStore())

    def make_sibling(self, uow: UnitOfWork) -> UnitOfWork:
        assert isinstance(uow, InMemoryUnitOfWork)
        return InMemoryUnitOfWork(uow.store)

    def reopen(self, uow: UnitOfWork) -> UnitOfWork:
        assert isinstance(uow, InMemoryUnitOfWork)
        return InMemoryUnitOfWork(uow.store)
