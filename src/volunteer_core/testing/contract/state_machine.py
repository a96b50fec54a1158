"""The state machine of the contract: random transactions of repository calls and random use-cases of
:mod:`volunteer_core.services`, applied to the storage under test and to the reference implementation
:class:`~volunteer_core.storage.memory.InMemoryUnitOfWork` side by side (:class:`StorageComparison`), and
the mixin whose one test runs it (:class:`StateMachineContract`, keyword ``contract_state_machine``).

The operations draw from every repository of the table of aggregates
(:data:`volunteer_core.aggregates.AGGREGATES`) and from the pools of ids of the seed.

>>> StateMachineContract.test_random_operations_agree_with_reference.contract_state_machine
True
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, Final, cast

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from volunteer_core import services
from volunteer_core.model import Demand, DemandStatus, Pairing, Wish, WishStatus
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.memory import InMemoryUnitOfWork
from volunteer_core.testing import strategies as vcst
from volunteer_core.testing.contract._base import (
    REPOSITORIES,
    ContractBase,
    contract_area,
    contract_settings,
    read,
    repository,
    store,
)
from volunteer_core.testing.contract._operations import (
    Add,
    Op,
    add_ops,
    any_ops,
    call_ops,
    ledger_ops,
    tree_ops,
    update_ops,
)
from volunteer_core.testing.contract._outcomes import Error, Outcome, agree, attempt
from volunteer_core.testing.contract._seed import (
    BOUNDARY_DAYS,
    KEYS,
    POOLS,
    REFS,
    YEARS,
    fixed_world,
    make_record,
)

__all__ = ["StateMachineContract", "StorageComparison"]


#: The world the state machine starts from: drawn by :func:`volunteer_core.testing.strategies.datasets`
#: (ids ``b-1``, ``m-1``, … within the pools of the seed, so later operations hit stored and missing ids alike).
_WORLDS: Final = vcst.datasets(
    2026,
    max_branches=2,
    max_members=4,
    max_activities=3,
    max_records=5,
    max_wishes=3,
    reversals=True,
    organisations=True,
)
#: Dates of use-case steps (wish transitions must not go back in time: some of them are refused).
_STEP_DAYS: Final = (date(2026, 3, 10), date(2026, 9, 1), date(2026, 12, 31), date(2027, 2, 1))
_REASONS: Final = ("不符合征集条件", "已由其他渠道解决")


class _Abort(Exception):
    """Raised inside both ``with`` blocks to leave them through an exception."""


def _no_dispose(uow: UnitOfWork) -> None:
    """Nothing to release: the default ``dispose_uow`` of a machine."""


class StorageComparison(RuleBasedStateMachine):
    """Random transactions of repository calls, and random use-cases of :mod:`volunteer_core.services`,
    applied to the storage under test and to :class:`InMemoryUnitOfWork`; every result must agree (the
    same value, or the same error class and code), and so must the whole stored state after each step.

    Build it for a storage with :meth:`for_storage`;
    :meth:`UnitOfWorkContract.test_random_operations_agree_with_reference` runs it with
    :func:`contract_settings`.

    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> StorageComparison.for_storage(InMemoryUnitOfWork).__name__
    'StorageComparisonMachine'
    """

    make_uow: ClassVar[Callable[[], UnitOfWork]]
    dispose_uow: ClassVar[Callable[[UnitOfWork], None]] = _no_dispose

    @classmethod
    def for_storage(
        cls, make_uow: Callable[[], UnitOfWork], dispose_uow: Callable[[UnitOfWork], None] = _no_dispose
    ) -> type[StorageComparison]:
        """A machine class whose every run starts on ``make_uow()`` (fresh, empty storage)."""
        attributes = {"make_uow": staticmethod(make_uow), "dispose_uow": staticmethod(dispose_uow)}
        return cast("type[StorageComparison]", type("StorageComparisonMachine", (cls,), attributes))

    def __init__(self) -> None:
        super().__init__()
        self.subject = type(self).make_uow()
        self.reference = InMemoryUnitOfWork()
        self.counter = 0
        self.recorded: list[str] = []

    def teardown(self) -> None:
        """Dispose of the storage under test (``dispose_uow``) at the end of every run."""
        type(self).dispose_uow(self.subject)

    # -- running ------------------------------------------------------------------------------------

    def _fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-n{self.counter}"

    def _both(
        self,
        what: str,
        call: Callable[[UnitOfWork], Any],
        deserved: Callable[[UnitOfWork], frozenset[Error]] | None = None,
    ) -> Outcome:
        """Run a use-case (it opens its own transactions) on both storages; return the reference's outcome."""
        expected = frozenset() if deserved is None else read(self.reference, deserved)
        reference = attempt(lambda: call(self.reference), subject=False, what=what)
        subject = attempt(lambda: call(self.subject), subject=True, what=what)
        agree(what, reference, subject, expected)
        return reference

    def _transaction(self, ops: list[Op], ending: str) -> None:
        raised = caught = False
        try:
            with self.reference, self.subject:
                for index, op in enumerate(ops):
                    what = f"call {index + 1} of the transaction {ops!r}"
                    deserved = op.deserved(self.reference)
                    reference = attempt(functools.partial(op.run, self.reference), subject=False, what=what)
                    subject = attempt(functools.partial(op.run, self.subject), subject=True, what=what)
                    agree(what, reference, subject, deserved)
                    if reference.error is not None:
                        raised = True
                        raise _Abort
                if ending == "raise":
                    raised = True
                    raise _Abort
                if ending == "commit":
                    reference = attempt(self.reference.commit, subject=False, what="commit()")
                    subject = attempt(self.subject.commit, subject=True, what="commit()")
                    agree(f"commit() after {ops!r}", reference, subject)
        except _Abort:
            caught = True
        assert caught == raised, (
            "an exception raised inside `with uow:` did not propagate: __exit__ must roll back and let it "
            "propagate (return a false value)"
        )

    @initialize(world=_WORLDS)
    def seed(self, world: vcst.Dataset) -> None:
        """A drawn world (references resolve; wishes in every state; reversals), completed with the entities
        of the fixed world whose ids it does not use (a plan, a report, a demand, …) and with ledger
        entries on both sides of every year boundary."""
        items = [
            (repo, entity) for repo in REPOSITORIES if hasattr(world, repo) for entity in getattr(world, repo)
        ]
        taken = {(repo, entity.id) for repo, entity in items}
        items += [(repo, entity) for repo, entity in fixed_world() if (repo, entity.id) not in taken]
        items += [("records", make_record(f"r-edge{i}", day)) for i, day in enumerate(BOUNDARY_DAYS)]
        for uow in (self.reference, self.subject):
            store(uow, items)

    # -- repository calls -------------------------------------------------------------------------------

    @rule(ops=st.lists(any_ops(), min_size=1, max_size=5))
    def transaction(self, ops: list[Op]) -> None:
        """Several calls in one transaction on each storage, compared call by call, then committed (the
        first refused call aborts the transaction)."""
        self._transaction(ops, "commit")

    @rule(ops=st.lists(any_ops(), min_size=1, max_size=5), ending=st.sampled_from(("leave", "raise")))
    def abandoned_transaction(self, ops: list[Op], ending: str) -> None:
        """Calls in a transaction left without commit, or through an exception: nothing may remain."""
        self._transaction(ops, ending)

    @rule(ops=st.lists(st.one_of(add_ops(), update_ops()), min_size=1, max_size=6))
    def writes(self, ops: list[Op]) -> None:
        """Adds and updates in one committed transaction."""
        self._transaction(ops, "commit")

    @rule(ops=st.lists(ledger_ops(), min_size=1, max_size=4), ending=st.sampled_from(("commit", "leave")))
    def ledger(self, ops: list[Op], ending: str) -> None:
        """The ledger's own calls — decisions, changes of booked fields, reversals (twice, of a reversal,
        not mirroring) — refused alike (``ledger.append_only``, ``already_reversed``, …)."""
        self._transaction(ops, ending)

    @rule(ops=tree_ops())
    def tree(self, ops: list[Op]) -> None:
        """Moves in the organisation tree (one that would close a cycle refused alike), then the tree read
        back, in one committed transaction."""
        self._transaction(ops, "commit")

    @rule(ops=st.lists(call_ops(), min_size=1, max_size=6))
    def reads(self, ops: list[Op]) -> None:
        """Reads and queries (and locks.lock) in one committed transaction."""
        self._transaction(ops, "commit")

    # -- use-cases --------------------------------------------------------------------------------------

    @rule(
        wish=vcst.wishes(
            status=WishStatus.COLLECTED,
            id=POOLS["wishes"],
            beneficiary_id=REFS["beneficiaries"],
            min_date=date(2026, 1, 1),
            max_date=date(2026, 3, 1),
        )
    )
    def collect_wish(self, wish: Wish) -> None:
        """``services.collect_wish`` on both storages: the same wish stored, or the same refusal."""
        self._both(
            f"services.collect_wish(uow, {wish!r})",
            lambda uow: services.collect_wish(uow, wish, retries=0),
            Add("wishes", wish).deserved,
        )

    @rule(
        step=st.sampled_from(("screen", "reject", "publish", "claim", "withdraw", "fulfil", "cancel")),
        wish_id=st.sampled_from(REFS["wishes"]),
        member_id=st.sampled_from(POOLS["members"]),
        on=st.sampled_from(_STEP_DAYS),
        pledged=st.none() | vcst.yuan(1, 40_000),
    )
    def wish_step(self, step: str, wish_id: str, member_id: str, on: date, pledged: Any) -> None:
        """One step of a wish's life through its use-case (refused steps must be refused alike)."""
        reason = _REASONS[0]
        calls: dict[str, tuple[str, Callable[[UnitOfWork], Any]]] = {
            "screen": (
                f"screen_wish(uow, {wish_id!r}, approved=True, on={on!r})",
                lambda uow: services.screen_wish(uow, wish_id, approved=True, on=on, retries=0),
            ),
            "reject": (
                f"screen_wish(uow, {wish_id!r}, approved=False, on={on!r}, reason={reason!r})",
                lambda uow: services.screen_wish(
                    uow, wish_id, approved=False, on=on, reason=reason, retries=0
                ),
            ),
            "publish": (
                f"publish_wish(uow, {wish_id!r}, on={on!r})",
                lambda uow: services.publish_wish(uow, wish_id, on=on, retries=0),
            ),
            "claim": (
                f"claim_wish(uow, {wish_id!r}, {member_id!r}, on={on!r}, pledged={pledged!r})",
                lambda uow: services.claim_wish(uow, wish_id, member_id, on=on, pledged=pledged, retries=0),
            ),
            "withdraw": (
                f"withdraw_claim(uow, {wish_id!r}, {member_id!r}, on={on!r})",
                lambda uow: services.withdraw_claim(uow, wish_id, member_id, on=on, retries=0),
            ),
            "fulfil": (
                f"fulfil_wish(uow, {wish_id!r}, on={on!r})",
                lambda uow: services.fulfil_wish(uow, wish_id, on=on, retries=0),
            ),
            "cancel": (
                f"cancel_wish(uow, {wish_id!r}, on={on!r}, reason={reason!r})",
                lambda uow: services.cancel_wish(uow, wish_id, on=on, reason=reason, retries=0),
            ),
        }
        what, call = calls[step]
        self._both(f"services.{what}", call)

    @rule(
        pairing=vcst.pairings(
            id=POOLS["pairings"],
            target_ids=POOLS["units"][:2] + POOLS["beneficiaries"][:2],
            branch_ids=POOLS["branches"][:2],
            member_ids=POOLS["members"],
            min_start=date(2025, 1, 1),
            max_start=date(2027, 1, 1),
        )
    )
    def register_pairing(self, pairing: Pairing) -> None:
        """Register a pairing; small pools of targets make duplicates (``pairing.duplicate``) common."""
        self._both(
            f"services.register_pairing(uow, {pairing!r})",
            lambda uow: services.register_pairing(uow, pairing, retries=0),
            Add("pairings", pairing).deserved,
        )

    @rule(pairing_id=st.sampled_from(POOLS["pairings"]), on=st.sampled_from(BOUNDARY_DAYS))
    def end_pairing(self, pairing_id: str, on: date) -> None:
        """``services.end_pairing`` on both storages."""
        self._both(
            f"services.end_pairing(uow, {pairing_id!r}, on={on!r})",
            lambda uow: services.end_pairing(uow, pairing_id, on=on, retries=0),
        )

    @rule(
        member_id=st.sampled_from(REFS["members"]),
        activity_id=st.sampled_from(REFS["activities"]),
        minutes=st.integers(1, 600),
        on=st.none() | st.sampled_from(BOUNDARY_DAYS),
        key=st.none() | st.sampled_from(KEYS),
        record_id=st.none() | st.sampled_from(POOLS["records"]),
    )
    def record_service(
        self,
        member_id: str,
        activity_id: str,
        minutes: int,
        on: date | None,
        key: str | None,
        record_id: str | None,
    ) -> None:
        """Record service, with or without an idempotency key (the same key twice returns the first)."""
        new_id = record_id or self._fresh("r")
        outcome = self._both(
            f"services.record_service(uow, member_id={member_id!r}, activity_id={activity_id!r}, "
            f"minutes={minutes}, on={on!r}, idempotency_key={key!r}, record_id={new_id!r})",
            lambda uow: services.record_service(
                uow,
                member_id=member_id,
                activity_id=activity_id,
                minutes=minutes,
                on=on,
                idempotency_key=key,
                record_id=new_id,
                recorded_on=date(2027, 1, 15),
                retries=0,
            ),
        )
        if outcome.error is None:
            self.recorded.append(outcome.value.id)

    @rule(
        data=st.data(),
        reverse=st.booleans(),
        minutes=st.integers(-300, 300).filter(bool),
        on=st.sampled_from(BOUNDARY_DAYS),
    )
    def correct_record(self, data: st.DataObject, reverse: bool, minutes: int, on: date) -> None:
        """Reverse a record (twice is refused) or adjust it."""
        record_id = data.draw(st.sampled_from((*POOLS["records"], *self.recorded)), label="record_id")
        new_id = self._fresh("r")
        if reverse:
            self._both(
                f"services.reverse_service(uow, {record_id!r}, on={on!r}, reversal_id={new_id!r})",
                lambda uow: services.reverse_service(uow, record_id, on=on, reversal_id=new_id, retries=0),
            )
        else:
            self._both(
                f"services.adjust_service(uow, {record_id!r}, minutes={minutes}, on={on!r}, "
                f"adjustment_id={new_id!r})",
                lambda uow: services.adjust_service(
                    uow, record_id, minutes=minutes, on=on, adjustment_id=new_id, retries=0
                ),
            )

    @rule(branch_id=st.sampled_from(POOLS["branches"]), year=st.sampled_from(YEARS))
    def lock_year(self, branch_id: str, year: int) -> None:
        """Lock a (branch, year), then offer the ledger a record of it: refused alike once it is locked."""
        self._both(
            f"services.lock_year(uow, {branch_id!r}, {year})",
            lambda uow: services.lock_year(uow, branch_id, year, retries=0),
        )
        probe = attrs.evolve(make_record(self._fresh("r"), date(year, 6, 1)), branch_id=branch_id)
        self._transaction([Add("records", probe)], "commit")

    @rule(
        demand=vcst.demands(
            DemandStatus.ORDERED, id=POOLS["demands"], min_on=date(2026, 1, 1), max_on=date(2026, 3, 1)
        )
    )
    def order_demand(self, demand: Demand) -> None:
        """``services.order_demand`` on both storages."""
        self._both(
            f"services.order_demand(uow, {demand!r})",
            lambda uow: services.order_demand(uow, demand, retries=0),
            Add("demands", demand).deserved,
        )

    @rule(
        step=st.sampled_from(("assign_member", "assign_team", "accept", "decline", "cancel")),
        demand_id=st.sampled_from(REFS["demands"]),
        member_id=st.sampled_from(REFS["members"]),
        team_id=st.sampled_from(REFS["teams"]),
        on=st.sampled_from(_STEP_DAYS),
    )
    def demand_step(self, step: str, demand_id: str, member_id: str, team_id: str, on: date) -> None:
        """One step of dispatch (派单, 接单, decline, cancel) through its use-case."""
        reason = _REASONS[1]
        calls: dict[str, tuple[str, Callable[[UnitOfWork], Any]]] = {
            "assign_member": (
                f"assign_demand(uow, {demand_id!r}, member_id={member_id!r}, on={on!r})",
                lambda uow: services.assign_demand(uow, demand_id, member_id=member_id, on=on, retries=0),
            ),
            "assign_team": (
                f"assign_demand(uow, {demand_id!r}, team_id={team_id!r}, on={on!r})",
                lambda uow: services.assign_demand(uow, demand_id, team_id=team_id, on=on, retries=0),
            ),
            "accept": (
                f"accept_demand(uow, {demand_id!r}, member_id={member_id!r}, on={on!r})",
                lambda uow: services.accept_demand(uow, demand_id, member_id=member_id, on=on, retries=0),
            ),
            "decline": (
                f"decline_demand(uow, {demand_id!r}, member_id={member_id!r}, on={on!r})",
                lambda uow: services.decline_demand(uow, demand_id, member_id=member_id, on=on, retries=0),
            ),
            "cancel": (
                f"cancel_demand(uow, {demand_id!r}, on={on!r}, reason={reason!r})",
                lambda uow: services.cancel_demand(uow, demand_id, on=on, reason=reason, retries=0),
            ),
        }
        what, call = calls[step]
        self._both(f"services.{what}", call)

    @rule(year=st.sampled_from(YEARS))
    def evaluate_year(self, year: int) -> None:
        """The year's evaluation (it streams ``records.in_year``) must come out the same."""
        self._both(
            f"services.evaluate_year(uow, {year})",
            lambda uow: services.evaluate_year(uow, year, as_of=date(2027, 6, 30)),
        )

    # -- the whole state ------------------------------------------------------------------------------

    @invariant()
    def stored_state_agrees(self) -> None:
        """Every repository's ``list()``, the locks and the idempotency keys (of records and of wishes)
        agree after every step."""
        with self.reference, self.subject:
            for name in (*REPOSITORIES, "locks"):
                what = f"{name}.list() after the last step"
                reference = attempt(repository(self.reference, name).list, subject=False, what=what)
                subject = attempt(repository(self.subject, name).list, subject=True, what=what)
                agree(what, reference, subject)
            for repo in ("records", "wishes"):
                for key in KEYS:
                    what = f"{repo}.by_idempotency_key({key!r}) after the last step"
                    by_key = repository(self.reference, repo).by_idempotency_key
                    reference = attempt(functools.partial(by_key, key), subject=False, what=what)
                    by_key = repository(self.subject, repo).by_idempotency_key
                    subject = attempt(functools.partial(by_key, key), subject=True, what=what)
                    agree(what, reference, subject)


@contract_area("state_machine")
class StateMachineContract(ContractBase):
    """Everything at once: the state machine :class:`StorageComparison` on the storage under test.

    >>> StateMachineContract.__test__
    False
    """

    __test__: ClassVar[bool] = False

    def test_random_operations_agree_with_reference(self) -> None:
        """The hypothesis state machine :class:`StorageComparison` (profile: :func:`contract_settings`)."""
        machine = StorageComparison.for_storage(
            lambda: self._check(self.make_uow(), "make_uow()"), self.dispose_uow
        )
        run_state_machine_as_test(machine, settings=contract_settings())
