"""The contract suite for storage implementations of :mod:`volunteer_core.ports` (仓储契约测试).

An integrator who implements the ports on their own database proves the implementation right by
subclassing :class:`UnitOfWorkContract` in one of their test modules::

    from volunteer_core.testing.contract import UnitOfWorkContract

    class TestMyStorage(UnitOfWorkContract):
        supports_threads = True                 # declare what the storage can do (see below)

        def make_uow(self):
            return MyUnitOfWork(...)            # a unit of work on fresh, empty storage: every call

        def make_sibling(self, uow):            # optional: another unit of work on uow's storage
            return MyUnitOfWork(uow.engine)

        def reopen(self, uow):                  # optional: a durable storage, opened again
            return MyUnitOfWork(connect(uow.url))

Every test of the class is inherited: each repository's documented behaviour (``NotFound``, duplicate
and dangling adds, optimistic updates and their version numbering, ordering, round trips of every
entity), transactions (rollback without commit, an exception inside the block, own writes, re-entry),
every query (``records.in_year`` to the day, ``for_member``, ``by_idempotency_key``, ``reversal_of``,
``members.in_branch``, ``pairings.for_target``, ``wishes.with_status``, ``plans.for_branch``,
``reports.for_branch``, ``locks``), the organisation tree (cycles refused, ``children``, ``subtree``,
``branches.in_organisations``, ``qualifications.for_member``) and claims by supporters, the ledger's integrity through the port (append-only records, locked
years, reversals, idempotency keys that refuse another request — the codes the use-cases raise),
concurrency between units of work, durability (``reopen``: what was committed is there, and only that),
and a hypothesis state machine (:class:`StorageComparison`) that applies random operations — repository
calls and the use-cases of :mod:`volunteer_core.services` — to the storage and to the reference
implementation :class:`~volunteer_core.storage.memory.InMemoryUnitOfWork` side by side, and requires
every observable result to agree.

The suite is a package of mixins, one module per area, composed into :class:`UnitOfWorkContract`:
``repositories`` (:class:`~volunteer_core.testing.contract.repositories.RepositoryContract`),
``transactions``, ``queries``, ``tree``, ``ledger``, ``concurrency``, ``durability`` and ``state_machine``;
``_seed`` holds the entities the tests store and ``_base`` the hooks, fixtures and capabilities. The suite reads the table of aggregates
(:data:`volunteer_core.aggregates.AGGREGATES`) wherever it goes over every repository. Each area's tests
carry the keyword ``contract_<area>``: ``pytest -k contract_queries`` runs one area.

Capabilities a storage may lack are class attributes (:data:`CAPABILITIES`); the tests that need a
missing one are reported as skipped, naming the capability — never passed silently.

Hypothesis settings come from the profile ``volunteer_core.default`` (fast: the whole contract runs
in seconds on in-memory storage); ``VOLUNTEER_CORE_CONTRACT_PROFILE=thorough`` selects
``volunteer_core.thorough``, and any other value names a profile you registered with hypothesis.

For readable assertion failures, have pytest rewrite this package's asserts before it is imported:
``pytest.register_assert_rewrite("volunteer_core.testing.contract")`` (in your ``conftest.py``).

>>> UnitOfWorkContract.__test__
False
>>> sorted(CAPABILITIES)
['supports_multiprocess', 'supports_reopen', 'supports_serializable', 'supports_siblings', 'supports_threads']
"""

from __future__ import annotations

from typing import ClassVar

from volunteer_core.testing.contract._base import (
    CAPABILITIES,
    DEFAULT_PROFILE,
    PROFILE_ENV,
    REPOSITORIES,
    THOROUGH_PROFILE,
    capability_report,
    contract_settings,
)
from volunteer_core.testing.contract.concurrency import ConcurrencyContract
from volunteer_core.testing.contract.durability import DurabilityContract
from volunteer_core.testing.contract.ledger import LedgerContract
from volunteer_core.testing.contract.queries import QueryContract
from volunteer_core.testing.contract.repositories import RepositoryContract
from volunteer_core.testing.contract.state_machine import StateMachineContract, StorageComparison
from volunteer_core.testing.contract.transactions import TransactionContract
from volunteer_core.testing.contract.tree import TreeContract

__all__ = [
    "CAPABILITIES",
    "DEFAULT_PROFILE",
    "PROFILE_ENV",
    "REPOSITORIES",
    "THOROUGH_PROFILE",
    "StorageComparison",
    "UnitOfWorkContract",
    "capability_report",
    "contract_settings",
]


class UnitOfWorkContract(
    RepositoryContract,
    TransactionContract,
    QueryContract,
    TreeContract,
    LedgerContract,
    ConcurrencyContract,
    DurabilityContract,
    StateMachineContract,
):
    """Subclass me, define :meth:`make_uow` (and :meth:`make_sibling`, :meth:`reopen` if you can): every
    ``test_*`` of the repository contract runs on your storage. See the module docstring and
    ``docs/contract.md``.

    Not collected by itself (``__test__ = False``); every subclass is collected unless it sets
    ``__test__ = False`` in its own body.

    >>> UnitOfWorkContract.supports_siblings
    False
    """

    __test__: ClassVar[bool] = False
