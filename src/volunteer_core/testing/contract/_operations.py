"""The state machine's operations: an add, an update or a read of one repository, each knowing the errors
it deserves, and the strategies that draw them for every repository of the table of aggregates.

>>> Call("records", "in_year", (2026,))
Call(repo='records', method='in_year', args=(2026,))
"""

from __future__ import annotations

import dataclasses
from typing import Any

import attrs
from hypothesis import strategies as st

from volunteer_core.model import WishStatus
from volunteer_core.ports import UnitOfWork
from volunteer_core.testing.contract._base import REPOSITORIES, repository
from volunteer_core.testing.contract._outcomes import (
    CONFLICT,
    DANGLING_REF,
    DUPLICATE,
    NOT_FOUND,
    Error,
    exists,
    has_dangling,
)
from volunteer_core.testing.contract._seed import KEYS, POOLS, REFS, YEARS, pool_entities

__all__ = ["Add", "Call", "Op", "Update", "add_ops", "any_ops", "call_ops", "update_ops"]


@dataclasses.dataclass(frozen=True)
class Add:
    """Add ``entity`` to ``repo`` (a record with ``idempotency_key`` when one is given).

    >>> Add("branches", None).repo
    'branches'
    """

    repo: str
    entity: Any
    idempotency_key: str | None = None

    def run(self, uow: UnitOfWork) -> Any:
        if self.idempotency_key is None:
            return repository(uow, self.repo).add(self.entity)
        return uow.records.add(self.entity, idempotency_key=self.idempotency_key)

    def deserved(self, uow: UnitOfWork) -> frozenset[Error]:
        found: set[Error] = set()
        if exists(uow, self.repo, self.entity.id) is not None:
            found.add(DUPLICATE)
        if self.idempotency_key is not None and uow.records.by_idempotency_key(self.idempotency_key):
            found.add(DUPLICATE)
        if has_dangling(uow, self.repo, self.entity):
            found.add(DANGLING_REF)
        return frozenset(found)


@dataclasses.dataclass(frozen=True)
class Update:
    """Update ``entity`` with the stored version plus ``offset`` (0: current; otherwise stale or ahead).

    >>> Update("branches", None, -1).offset
    -1
    """

    repo: str
    entity: Any
    offset: int

    def _versioned(self, uow: UnitOfWork) -> Any:
        stored = exists(uow, self.repo, self.entity.id)
        current = 0 if stored is None else stored.version
        return attrs.evolve(self.entity, version=max(0, current + self.offset))

    def run(self, uow: UnitOfWork) -> Any:
        return repository(uow, self.repo).update(self._versioned(uow))

    def deserved(self, uow: UnitOfWork) -> frozenset[Error]:
        stored = exists(uow, self.repo, self.entity.id)
        found: set[Error] = {NOT_FOUND} if stored is None else set()
        if stored is not None and self._versioned(uow).version != stored.version:
            found.add(CONFLICT)
        if has_dangling(uow, self.repo, self.entity):
            found.add(DANGLING_REF)
        return frozenset(found)


@dataclasses.dataclass(frozen=True)
class Call:
    """A read (or ``locks.lock``): ``uow.<repo>.<method>(*args)``.

    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> uow = InMemoryUnitOfWork()
    >>> with uow:
    ...     Call("locks", "list").run(uow)
    []
    """

    repo: str
    method: str
    args: tuple[Any, ...] = ()

    def run(self, uow: UnitOfWork) -> Any:
        return getattr(repository(uow, self.repo), self.method)(*self.args)

    def deserved(self, uow: UnitOfWork) -> frozenset[Error]:
        return frozenset()


Op = Add | Update | Call


def call_ops() -> st.SearchStrategy[Call]:
    """Reads of every repository (``get`` of stored and missing ids, ``list``) and every query, with
    ``locks.lock``.

    >>> isinstance(call_ops(), st.SearchStrategy)
    True
    """
    pools = POOLS
    years = st.sampled_from(YEARS)
    branches = st.sampled_from((*pools["branches"], "b-none"))

    def call(repo: str, method: str, *args: st.SearchStrategy[Any]) -> st.SearchStrategy[Call]:
        return st.tuples(*args).map(lambda values: Call(repo, method, tuple(values)))

    gets = st.sampled_from(REPOSITORIES).flatmap(
        lambda r: call(r, "get", st.sampled_from((*POOLS[r], f"{r}-none")))
    )
    lists = st.sampled_from((*REPOSITORIES, "locks")).map(lambda r: Call(r, "list"))
    queries = st.one_of(
        call("members", "in_branch", branches),
        call("pairings", "for_target", st.sampled_from((*pools["units"], *pools["beneficiaries"]))),
        call("pairings", "for_branch", branches),
        call("activities", "in_year", years),
        call("records", "in_year", years),
        call("records", "for_member", st.sampled_from(pools["members"]), years),
        call("records", "by_idempotency_key", st.sampled_from((*KEYS, "k-none"))),
        call("records", "reversal_of", st.sampled_from(pools["records"])),
        call("uow", "member_year_totals", years),
        call("wishes", "with_status", st.sampled_from(list(WishStatus))),
        call("plans", "for_branch", branches, years),
        call("reports", "for_branch", branches, years),
        call("locks", "is_locked", branches, years),
        call("locks", "lock", branches, years),
    )
    return st.one_of(gets, lists, queries)


def add_ops() -> st.SearchStrategy[Add]:
    """Adds to every repository of entities drawn from the pools (records with or without a key).

    >>> isinstance(add_ops(), st.SearchStrategy)
    True
    """

    def adds(repo: str) -> st.SearchStrategy[Add]:
        keys = st.none() | st.sampled_from(KEYS) if repo == "records" else st.none()
        return st.builds(Add, st.just(repo), pool_entities(repo), keys)

    return st.sampled_from(REPOSITORIES).flatmap(adds)


def update_ops() -> st.SearchStrategy[Update]:
    """Updates of every repository, mostly of stored ids, at the current, a stale or a future version.

    >>> isinstance(update_ops(), st.SearchStrategy)
    True
    """

    def updates(repo: str) -> st.SearchStrategy[Update]:
        entities = pool_entities(repo, REFS)  # mostly stored ids
        return st.builds(Update, st.just(repo), entities, st.sampled_from((0, 0, -1, 1)))

    return st.sampled_from(REPOSITORIES).flatmap(updates)


def any_ops() -> st.SearchStrategy[Op]:
    """Any operation: an add, an update or a call.

    >>> isinstance(any_ops(), st.SearchStrategy)
    True
    """
    return st.one_of(add_ops(), update_ops(), call_ops())
