"""The repository contract on an integrator-style storage written from the ports' docstrings alone
(``integrator_store.py``): in memory (one process, threads; not durable) and in a file (several
processes; durable: it defines ``reopen``)."""

from __future__ import annotations

import functools
import itertools
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from volunteer_core.ports import UnitOfWork
from volunteer_core.testing.contract import UnitOfWorkContract

if str(Path(__file__).parent) not in sys.path:  # the helper module sits beside this file
    sys.path.insert(0, str(Path(__file__).parent))

from integrator_store import DictUnitOfWork, FileStore, open_file_store


class TestIntegratorStore(UnitOfWorkContract):
    """Units of work of one process on a shared dict store. No read tracking: no serializable commits."""

    supports_threads = True

    def make_uow(self) -> UnitOfWork:
        return DictUnitOfWork()

    def make_sibling(self, uow: UnitOfWork) -> UnitOfWork:
        assert isinstance(uow, DictUnitOfWork)
        return DictUnitOfWork(uow.store)


class TestIntegratorFileStore(UnitOfWorkContract):
    """The same units of work on a pickle file: shared by threads and processes. ``make_uow`` needs a
    fresh file for every call, so an autouse fixture hands the class a temporary directory — the way
    an integrator hands a database fixture to the contract."""

    supports_threads = True
    supports_multiprocess = True

    @pytest.fixture(autouse=True)
    def _directory(self, tmp_path: Path) -> None:
        counter = itertools.count()
        self.new_path: Callable[[], Path] = lambda: tmp_path / f"store-{next(counter)}.pickle"

    def make_uow(self) -> UnitOfWork:
        return DictUnitOfWork(FileStore(self.new_path()))

    def make_sibling(self, uow: UnitOfWork) -> UnitOfWork:
        assert isinstance(uow, DictUnitOfWork)
        return DictUnitOfWork(uow.store)

    def process_factory(self, uow: UnitOfWork) -> Callable[[], UnitOfWork]:
        assert isinstance(uow, DictUnitOfWork)
        assert isinstance(uow.store, FileStore)
        return functools.partial(open_file_store, str(uow.store.path))

    def reopen(self, uow: UnitOfWork) -> UnitOfWork:
        """The file opened again, as a new process opens it: durable (``supports_reopen``)."""
        assert isinstance(uow, DictUnitOfWork)
        assert isinstance(uow.store, FileStore)
        return open_file_store(str(uow.store.path))
