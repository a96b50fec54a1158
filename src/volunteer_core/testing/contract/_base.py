"""What every area of the contract stands on: the hooks an integrator defines, the fixtures, the
capabilities, the hypothesis profiles, and the few helpers every area uses.

:class:`ContractBase` is the base of every area's mixin (``repositories``, ``transactions``, ``queries``,
``tree``, ``ledger``, ``concurrency``, ``durability``, ``state_machine``); :class:`volunteer_core.testing.contract.UnitOfWorkContract` composes
them. :func:`contract_area` tags the tests of a mixin with the keyword ``contract_<area>``, which pytest's
``-k`` matches (``pytest -k contract_queries``).

>>> REPOSITORIES[:3]
('organisations', 'branches', 'members')
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any, ClassVar, Final, TypeVar

import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.errors import InvalidArgument

from volunteer_core.aggregates import AGGREGATES
from volunteer_core.ports import UnitOfWork
from volunteer_core.testing.contract._seed import fixed_world

__all__ = [
    "CAPABILITIES",
    "DEFAULT_PROFILE",
    "PROFILE_ENV",
    "REPOSITORIES",
    "THOROUGH_PROFILE",
    "ContractBase",
    "capability_report",
    "contract_area",
    "contract_settings",
    "ids_of",
    "read",
    "repository",
    "store",
]

# ---------------------------------------------------------------------------------------------------------
# settings

#: The environment variable that selects the hypothesis profile of the contract.
PROFILE_ENV: Final = "VOLUNTEER_CORE_CONTRACT_PROFILE"
#: The profile used by default: the whole contract in seconds on in-memory storage.
DEFAULT_PROFILE: Final = "volunteer_core.default"
#: The longer profile (``VOLUNTEER_CORE_CONTRACT_PROFILE=thorough``): for nightly runs and new storages.
THOROUGH_PROFILE: Final = "volunteer_core.thorough"

settings.register_profile(
    DEFAULT_PROFILE,
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],  # no explain: slow
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.register_profile(
    THOROUGH_PROFILE,
    parent=settings.get_profile(DEFAULT_PROFILE),
    max_examples=300,
    stateful_step_count=60,
)


def contract_settings() -> settings:
    """The hypothesis settings of the contract: the profile named by ``VOLUNTEER_CORE_CONTRACT_PROFILE``
    (``default``, ``thorough`` or the name of any registered profile), else ``volunteer_core.default``.

    >>> contract_settings().deadline is None
    True
    """
    name = os.environ.get(PROFILE_ENV, "").strip() or "default"
    full = {"default": DEFAULT_PROFILE, "thorough": THOROUGH_PROFILE}.get(name, name)
    try:
        return settings.get_profile(full)
    except InvalidArgument:
        raise ValueError(
            f"{PROFILE_ENV}={name!r} names no hypothesis profile: use 'default', 'thorough' or the name "
            "of a profile registered with hypothesis.settings.register_profile"
        ) from None


# ---------------------------------------------------------------------------------------------------------
# capabilities

#: Every capability a storage may declare (a class attribute of the contract), and what it unlocks.
CAPABILITIES: Final[dict[str, str]] = {
    "supports_siblings": (
        "several units of work on one storage at once — define make_sibling(uow) (derived from it): "
        "isolation of uncommitted writes, committed data visible to others, lost updates and concurrent "
        "duplicate adds detected"
    ),
    "supports_serializable": (
        "commit refuses (ConcurrencyConflict) a transaction whose reads another transaction changed "
        "meanwhile, so two concurrent register_pairing of one target cannot both succeed (needs siblings)"
    ),
    "supports_threads": (
        "units of work on one storage used from several threads at once: concurrent claims of one wish "
        "all land (needs siblings)"
    ),
    "supports_multiprocess": (
        "units of work on one storage in several processes at once — define process_factory(uow), a "
        "picklable callable returning a unit of work on uow's storage: concurrent claims all land"
    ),
    "supports_reopen": (
        "durable storage — define reopen(uow) (derived from it), a fresh unit of work over the data of uow "
        "as a new process would open it: everything committed, through every aggregate, idempotency keys, "
        "reversals and locks included, is there after reopening, and nothing rolled back is"
    ),
}


def capability_report(contract: type[ContractBase]) -> str:
    """One line per capability: whether ``contract`` declares it (for ``pytest_report_header``); the line
    of ``supports_reopen`` says whether the storage is durable.

    >>> from volunteer_core.testing.contract import UnitOfWorkContract
    >>> print(capability_report(UnitOfWorkContract).splitlines()[0])
    UnitOfWorkContract: supports_siblings = False
    >>> print(capability_report(UnitOfWorkContract).splitlines()[-1])
    UnitOfWorkContract: supports_reopen = False (not durable: no reopen(uow))
    """

    def line(name: str) -> str:
        value = bool(getattr(contract, name))
        text = f"{contract.__name__}: {name} = {value}"
        if name == "supports_reopen":
            text += " (durable)" if value else " (not durable: no reopen(uow))"
        return text

    return "\n".join(line(name) for name in CAPABILITIES)


# ---------------------------------------------------------------------------------------------------------
# the repositories, read from the table of aggregates, and the helpers every area uses

#: The repositories of a unit of work, in the order references allow adding them (the table's order).
REPOSITORIES: Final = tuple(aggregate.name for aggregate in AGGREGATES)


def repository(uow: UnitOfWork, name: str) -> Any:
    """The repository ``name`` of ``uow`` — or ``uow`` itself for ``"uow"`` (its own queries).

    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> uow = InMemoryUnitOfWork()
    >>> repository(uow, "members") is uow.members, repository(uow, "uow") is uow
    (True, True)
    """
    return uow if name == "uow" else getattr(uow, name)


def store(uow: UnitOfWork, items: Iterable[tuple[str, Any]]) -> None:
    """Add ``items`` (``(repository, entity)`` pairs) in one committed transaction.

    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> uow = InMemoryUnitOfWork()
    >>> store(uow, fixed_world())
    >>> ids_of(read(uow, lambda u: u.branches.list()))
    ['b-1', 'b-2']
    """
    with uow:
        for repo, entity in items:
            repository(uow, repo).add(entity)
        uow.commit()


def read(uow: UnitOfWork, read: Callable[[UnitOfWork], Any]) -> Any:
    """``read(uow)`` in a transaction of its own (rolled back).

    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> read(InMemoryUnitOfWork(), lambda u: u.locks.list())
    []
    """
    with uow:
        return read(uow)


def ids_of(entities: Iterable[Any]) -> list[str]:
    """The ids of ``entities``, in their order.

    >>> ids_of(entity for _, entity in fixed_world()[:4])
    ['o-1', 'o-2', 'b-1', 'b-2']
    """
    return [e.id for e in entities]


_Mixin = TypeVar("_Mixin", bound=type)


def contract_area(area: str) -> Callable[[_Mixin], _Mixin]:
    """Tag every ``test_*`` method defined in the decorated class with the attribute ``contract_<area>``:
    an attribute of a test function is a keyword pytest's ``-k`` matches, so ``pytest -k contract_queries``
    runs one area of the contract.

    >>> @contract_area("example")
    ... class ExampleContract:
    ...     def test_something(self) -> None: ...
    >>> ExampleContract.test_something.contract_example
    True
    """

    def tag(cls: _Mixin) -> _Mixin:
        for name, member in vars(cls).items():
            if name.startswith("test_") and callable(member):
                setattr(member, f"contract_{area}", True)
        return cls

    return tag


# ---------------------------------------------------------------------------------------------------------
# the base class of every area


class ContractBase:
    """The hooks an integrator defines, the fixtures and the capability handling shared by every area of
    the contract. Subclass :class:`volunteer_core.testing.contract.UnitOfWorkContract`, not this class.

    Not collected by itself (``__test__ = False``); every subclass is collected unless it sets
    ``__test__ = False`` in its own body (the contract's own mixins do).

    >>> ContractBase.__test__, ContractBase.supports_siblings
    (False, False)
    """

    __test__: ClassVar[bool] = False

    #: Several units of work on one storage at once (derived: True when make_sibling is overridden).
    supports_siblings: ClassVar[bool] = False
    #: Commit refuses a transaction whose reads another one changed meanwhile (no write skew).
    supports_serializable: ClassVar[bool] = False
    #: Units of work used from several threads at once.
    supports_threads: ClassVar[bool] = False
    #: Units of work in several processes at once (define process_factory).
    supports_multiprocess: ClassVar[bool] = False
    #: Durable storage (derived: True when reopen is overridden).
    supports_reopen: ClassVar[bool] = False
    #: Not a capability but a declared behaviour: a read of rows another unit of work is writing waits
    #: for its commit and may be refused with ConcurrencyConflict (lock-based serializability: MySQL and
    #: MariaDB's InnoDB) instead of reading the last committed state at once. The isolation tests then
    #: accept the refusal; seeing an uncommitted write still fails them.
    reads_wait_for_writers: ClassVar[bool] = False

    _created: list[UnitOfWork]
    _siblings_derived: ClassVar[bool] = False
    _reopen_derived: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__test__" not in cls.__dict__:
            cls.__test__ = True
        # derived from whether the hook is defined, unless a class declares the capability itself
        for capability, hook, flag in (
            ("supports_siblings", "make_sibling", "_siblings_derived"),
            ("supports_reopen", "reopen", "_reopen_derived"),
        ):
            declared = any(
                capability in k.__dict__ and not k.__dict__.get(flag, False)
                for k in cls.__mro__
                if k is not ContractBase
            )
            if not declared:
                setattr(cls, capability, getattr(cls, hook) is not getattr(ContractBase, hook))
                setattr(cls, flag, True)

    # -- what an integrator defines ---------------------------------------------------------------

    def make_uow(self) -> UnitOfWork:
        """A unit of work on fresh, empty storage. Called once per test and once per hypothesis example."""
        raise NotImplementedError(f"{type(self).__name__} must define make_uow(self) -> UnitOfWork")

    def make_sibling(self, uow: UnitOfWork) -> UnitOfWork:
        """Another unit of work on the storage of ``uow`` (define it if your storage has that capability)."""
        raise NotImplementedError(f"{type(self).__name__} does not define make_sibling(self, uow)")

    def process_factory(self, uow: UnitOfWork) -> Callable[[], UnitOfWork]:
        """A picklable callable that builds, in another process, a unit of work on the storage of ``uow``
        (needed by ``supports_multiprocess``)."""
        raise NotImplementedError(f"{type(self).__name__} does not define process_factory(self, uow)")

    def reopen(self, uow: UnitOfWork) -> UnitOfWork:
        """A fresh unit of work over the data of ``uow``, opened as a new process would open it (a new
        connection to the database, the file read again): define it if your storage is durable. The
        durability area commits through ``uow``, calls it, and compares what the new unit reads."""
        raise NotImplementedError(f"{type(self).__name__} does not define reopen(self, uow)")

    def dispose_uow(self, uow: UnitOfWork) -> None:
        """Release what :meth:`make_uow`, :meth:`make_sibling` or :meth:`reopen` acquired (connections,
        files). Default: nothing."""

    # -- plumbing -------------------------------------------------------------------------------------

    def _check(self, made: object, maker: str) -> UnitOfWork:
        assert isinstance(made, UnitOfWork), (
            f"{maker} returned {made!r}: it must return a volunteer_core.ports.UnitOfWork"
        )
        return made

    def _new_uow(self) -> UnitOfWork:
        made = self._check(self.make_uow(), "make_uow()")
        if hasattr(self, "_created"):
            self._created.append(made)
        return made

    def _sibling(self, uow: UnitOfWork) -> UnitOfWork:
        self._require("supports_siblings")
        made = self._check(self.make_sibling(uow), "make_sibling(uow)")
        self._created.append(made)
        return made

    def _reopened(self, uow: UnitOfWork) -> UnitOfWork:
        self._require("supports_reopen")
        made = self._check(self.reopen(uow), "reopen(uow)")
        assert made is not uow, "reopen(uow) must return a new unit of work, not uow itself"
        self._created.append(made)
        return made

    def _require(self, capability: str) -> None:
        if not getattr(self, capability):
            pytest.skip(
                f"capability {capability} is not declared by {type(self).__name__}: {CAPABILITIES[capability]}"
            )

    @pytest.fixture
    def uow(self) -> Iterator[UnitOfWork]:
        """A unit of work on fresh, empty storage; it and its siblings are disposed afterwards."""
        self._created = []
        made = self._new_uow()
        try:
            yield made
        finally:
            for created in reversed(self._created):
                self.dispose_uow(created)

    @pytest.fixture
    def seeded(self, uow: UnitOfWork) -> UnitOfWork:
        """``uow`` with the fixed world stored and committed."""
        store(uow, fixed_world())
        return uow

    def _drawn(self, check: Callable[[UnitOfWork, Any], None]) -> Callable[[Any], None]:
        def run(entity: Any) -> None:
            made = self._check(self.make_uow(), "make_uow()")
            try:
                store(made, fixed_world())
                check(made, entity)
            finally:
                self.dispose_uow(made)

        return run
