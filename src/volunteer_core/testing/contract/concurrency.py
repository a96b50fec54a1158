"""Several units of work at once (keyword ``contract_concurrency``), as far as the storage declares it can:
the declared capabilities, siblings (isolation, visibility after commit, lost updates, concurrent
duplicate adds — ids, idempotency keys of records and wishes, reversals of one record — write skew),
threads and processes claiming one wish at once. A test whose capability is
not declared is reported as skipped, naming it.

>>> ConcurrencyContract.test_siblings_write_skew_is_refused.contract_concurrency
True
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import queue
import threading
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar

import attrs
import pytest

from volunteer_core import services
from volunteer_core.errors import ConcurrencyConflict, InvalidInput, NotFound, RuleViolation
from volunteer_core.model import Branch
from volunteer_core.ports import UnitOfWork
from volunteer_core.testing.contract._base import (
    CAPABILITIES,
    ContractBase,
    capability_report,
    contract_area,
    ids_of,
    read,
    store,
)
from volunteer_core.testing.contract._seed import (
    DAY,
    fixed_world,
    make_collected_wish,
    make_member,
    make_pairing,
    make_record,
)

__all__ = ["ConcurrencyContract"]


# ---------------------------------------------------------------------------------------------------------
def _equal(found: object, expected: object) -> None:
    assert found == expected, f"another unit of work saw {found!r}, expected {expected!r}"


# work done in another process (supports_multiprocess)


def _claim_in_process(
    factory: Callable[[], UnitOfWork], wish_id: str, member_id: str, start: Any, results: Any
) -> None:
    """Claim ``wish_id`` for ``member_id`` through the use-case, in a child process."""
    try:
        uow = factory()
        start.wait(60)
        services.claim_wish(uow, wish_id, member_id, on=date(2026, 3, 10), retries=100)
        results.put((member_id, ""))
    except BaseException as exc:  # reported to the parent, which fails the test
        results.put((member_id, f"{type(exc).__name__}: {exc}"))


def _concurrent_claim_setup(uow: UnitOfWork, count: int) -> tuple[str, list[str]]:
    """Seed, add ``count`` members and publish a wish without value (it takes any number of claims)."""
    members = [f"m-c{i}" for i in range(count)]
    store(uow, [*fixed_world(), *(("members", make_member(m, "b-1")) for m in members)])
    services.collect_wish(uow, make_collected_wish("w-c"))
    services.screen_wish(uow, "w-c", approved=True, on=date(2026, 3, 2))
    services.publish_wish(uow, "w-c", on=date(2026, 3, 3))
    return "w-c", members


@contract_area("concurrency")
class ConcurrencyContract(ContractBase):
    """Capabilities, siblings, threads and processes.

    >>> ConcurrencyContract.__test__
    False
    """

    __test__: ClassVar[bool] = False

    # -- capabilities ---------------------------------------------------------------------------------

    def test_capabilities_are_declared(self, record_property: Callable[[str, object], None]) -> None:
        """Report the declared capabilities (junit properties and captured output); check their types."""
        for name in CAPABILITIES:
            value = getattr(self, name)
            assert isinstance(value, bool), f"{name} must be a bool, not {value!r}"
            record_property(name, value)
        print(capability_report(type(self)))
        for name in ("supports_serializable", "supports_threads"):
            assert not getattr(self, name) or self.supports_siblings, f"{name} needs make_sibling(uow)"
        if self.supports_multiprocess:
            assert type(self).process_factory is not ContractBase.process_factory, (
                "supports_multiprocess needs process_factory(uow)"
            )
        if self.supports_reopen:
            assert type(self).reopen is not ContractBase.reopen, "supports_reopen needs reopen(uow)"

    # -- several units of work ------------------------------------------------------------------------

    def test_siblings_do_not_see_uncommitted_writes(self, seeded: UnitOfWork) -> None:
        other = self._sibling(seeded)

        def not_found(uow: UnitOfWork) -> None:
            with pytest.raises(NotFound):
                uow.branches.get("new-1")

        checks: list[Callable[[UnitOfWork], None]] = [
            not_found,
            lambda u: _equal(ids_of(u.branches.list()), ["b-1", "b-2"]),
            lambda u: _equal(ids_of(u.members.in_branch("b-2")), ["m-2"]),
            lambda u: _equal(ids_of(u.records.in_year(2026)), ["r-1"]),
            lambda u: _equal(u.records.by_idempotency_key("k-iso"), None),
            lambda u: _equal(u.locks.is_locked("b-1", 2026), False),
        ]
        with seeded:
            seeded.branches.add(Branch(id="new-1", name="新党支部"))
            seeded.members.add(make_member("new-m", "b-2"))
            seeded.records.add(make_record("new-r", DAY), idempotency_key="k-iso")
            seeded.locks.lock("b-1", 2026)
            if not self.reads_wait_for_writers:
                with other:
                    for check in checks:
                        check(other)
            else:  # each read in a transaction of its own: a read that waited in vain is refused
                for check in checks:
                    with other, contextlib.suppress(ConcurrencyConflict):
                        check(other)
            seeded.commit()
        with other:
            assert other.branches.get("new-1").id == "new-1", "committed data is visible to other units"
            assert other.records.by_idempotency_key("k-iso") == make_record("new-r", DAY)
            assert other.locks.is_locked("b-1", 2026)

    def test_siblings_rollback_of_one_leaves_the_other(self, seeded: UnitOfWork) -> None:
        other = self._sibling(seeded)
        with other:
            other.branches.add(Branch(id="new-2", name="新党支部"))
        with seeded:
            seeded.branches.add(Branch(id="new-1", name="新党支部"))
            seeded.commit()
        with other:
            assert ids_of(other.branches.list()) == ["b-1", "b-2", "new-1"]

    def test_siblings_lost_update_is_detected(self, seeded: UnitOfWork) -> None:
        """Two units update the same version: not both may succeed, and the loser gets ConcurrencyConflict
        (from update or from commit)."""
        other = self._sibling(seeded)
        outcomes: dict[str, BaseException | None] = {}
        with seeded, other:
            mine = seeded.branches.get("b-1")
            theirs = other.branches.get("b-1")
            assert mine.version == theirs.version == 0
            for name, uow, entity in (
                ("first", seeded, attrs.evolve(mine, name="第一党支部")),
                ("second", other, attrs.evolve(theirs, name="第二党支部")),
            ):
                try:
                    uow.branches.update(entity)
                    uow.commit()
                    outcomes[name] = None
                except ConcurrencyConflict as exc:
                    outcomes[name] = exc
        winners = [name for name, error in outcomes.items() if error is None]
        assert len(winners) <= 1, "both units updated version 0 and committed: a lost update"
        stored = read(seeded, lambda u: u.branches.get("b-1"))
        if winners:
            assert (stored.version, stored.name) == (
                1,
                {"first": "第一党支部", "second": "第二党支部"}[winners[0]],
            )
        else:
            assert stored.version == 0

    @pytest.mark.parametrize("clash", ["id", "idempotency_key", "idempotency_key, another request"])
    def test_siblings_concurrent_adds_store_one(self, seeded: UnitOfWork, clash: str) -> None:
        """Two units, both begun, add the same id (or idempotency key); the first commits. The second is
        refused — InvalidInput ``input.duplicate`` or ConcurrencyConflict, from add or from commit (or,
        for a key it sees stored with another request, RuleViolation ``ledger.idempotency_conflict``):
        the check and the insert are one atomic step. (A storage that makes the first wait for the second
        may refuse the first instead; never both succeed.)"""
        other = self._sibling(seeded)
        records = {"first": make_record("new-r1", DAY), "second": make_record("new-r2", DAY)}
        if clash == "id":
            records["second"] = attrs.evolve(records["first"], minutes=30)
        elif clash != "idempotency_key":
            records["second"] = make_record("new-r2", DAY, member_id="m-2", minutes=170)
        outcomes: dict[str, BaseException | None] = {}
        with seeded, other:
            assert seeded.records.list()  # both transactions have read
            assert other.records.list()
            for name, uow in (("first", seeded), ("second", other)):
                key = f"k-{name}" if clash == "id" else "k-race"
                try:
                    uow.records.add(records[name], idempotency_key=key)
                    uow.commit()
                    outcomes[name] = None
                except (InvalidInput, ConcurrencyConflict, RuleViolation) as exc:
                    outcomes[name] = exc
        winners = [name for name, error in outcomes.items() if error is None]
        assert len(winners) == 1, f"exactly one of two clashing adds must be stored: {outcomes}"
        for error in outcomes.values():
            if isinstance(error, InvalidInput):
                assert (error.code, error.path) == ("input.duplicate", clash.split(",")[0])
            if isinstance(error, RuleViolation):
                assert clash == "idempotency_key, another request", f"refused with {error!r}"
                assert error.code == "ledger.idempotency_conflict"
        winner = records[winners[0]]
        with seeded:
            assert seeded.records.get(winner.id) == winner
            assert ids_of(seeded.records.list()) == sorted(["r-1", winner.id])
            if clash != "id":
                assert seeded.records.by_idempotency_key("k-race") == winner

    def test_siblings_concurrent_wish_keys_store_one(self, seeded: UnitOfWork) -> None:
        """Two units, both begun, add two wishes under one idempotency key (one import row, imported twice
        at once): one wish is stored; the other unit gets InvalidInput ``input.duplicate`` at
        ``idempotency_key`` or ConcurrencyConflict."""
        other = self._sibling(seeded)
        wishes = {"first": make_collected_wish("new-w1"), "second": make_collected_wish("new-w2")}
        outcomes: dict[str, BaseException | None] = {}
        with seeded, other:
            assert seeded.wishes.list()
            assert other.wishes.list()
            for name, uow in (("first", seeded), ("second", other)):
                try:
                    uow.wishes.add(wishes[name], idempotency_key="row-race")
                    uow.commit()
                    outcomes[name] = None
                except (InvalidInput, ConcurrencyConflict) as exc:
                    outcomes[name] = exc
        winners = [name for name, error in outcomes.items() if error is None]
        assert len(winners) == 1, f"exactly one of two wishes under one key must be stored: {outcomes}"
        for error in outcomes.values():
            if isinstance(error, InvalidInput):
                assert (error.code, error.path) == ("input.duplicate", "idempotency_key")
        with seeded:
            assert ids_of(seeded.wishes.list()) == sorted(["w-1", wishes[winners[0]].id])
            assert seeded.wishes.by_idempotency_key("row-race") == wishes[winners[0]]

    def test_siblings_concurrent_reversals_store_one(self, seeded: UnitOfWork) -> None:
        """Two units, both begun, each reverse r-1: one reversal is stored; the other unit gets
        RuleViolation ``ledger.already_reversed`` or ConcurrencyConflict — never a second reversal."""
        other = self._sibling(seeded)
        outcomes: dict[str, BaseException | None] = {}
        with seeded, other:
            assert seeded.records.reversal_of("r-1") is None
            assert other.records.reversal_of("r-1") is None
            for name, uow in (("rv-a", seeded), ("rv-b", other)):
                try:
                    uow.records.add(uow.records.get("r-1").reversal(id=name, recorded_on=DAY))
                    uow.commit()
                    outcomes[name] = None
                except (RuleViolation, ConcurrencyConflict) as exc:
                    outcomes[name] = exc
        winners = [name for name, error in outcomes.items() if error is None]
        assert len(winners) == 1, f"exactly one of two reversals of r-1 must be stored: {outcomes}"
        for error in outcomes.values():
            if isinstance(error, RuleViolation):
                assert error.code == "ledger.already_reversed"
        with seeded:
            assert ids_of(seeded.records.list()) == ["r-1", winners[0]]

    def test_siblings_write_skew_is_refused(self, seeded: UnitOfWork) -> None:
        """Two units both find no pairing of a target, then each adds one: not both may commit."""
        self._require("supports_serializable")
        other = self._sibling(seeded)
        committed = 0
        with seeded, other:
            assert seeded.pairings.for_target("u-9") == []
            assert other.pairings.for_target("u-9") == []
            for uow, pairing_id in ((seeded, "pr-a"), (other, "pr-b")):
                try:
                    uow.pairings.add(make_pairing(pairing_id, "u-9", date(2026, 1, 1)))
                    uow.commit()
                    committed += 1
                except ConcurrencyConflict:
                    pass
        assert committed <= 1, "both units read no pairing of u-9 and both committed one (write skew)"
        assert len(read(seeded, lambda u: u.pairings.for_target("u-9"))) == committed

    def test_threads_concurrent_claims_all_land(self, uow: UnitOfWork) -> None:
        """Units of work in several threads claim one wish at once: the use-case's retries serialise them."""
        self._require("supports_threads")
        count = 4
        wish_id, members = _concurrent_claim_setup(uow, count)
        siblings = [self._sibling(uow) for _ in members]
        barrier = threading.Barrier(count)
        failures: list[str] = []

        def claim(sibling: UnitOfWork, member_id: str) -> None:
            try:
                barrier.wait(30)
                services.claim_wish(sibling, wish_id, member_id, on=date(2026, 3, 10), retries=100)
            except BaseException as exc:
                failures.append(f"{member_id}: {type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=claim, args=pair) for pair in zip(siblings, members, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not failures, failures
        wish = read(uow, lambda u: u.wishes.get(wish_id))
        assert sorted(c.member_id for c in wish.live_claims) == sorted(members)
        assert wish.version == 2 + count

    def test_processes_concurrent_claims_all_land(self, uow: UnitOfWork) -> None:
        """Units of work in several processes claim one wish at once."""
        self._require("supports_multiprocess")
        count = 3
        wish_id, members = _concurrent_claim_setup(uow, count)
        factory = self.process_factory(uow)
        try:
            pickle.dumps(factory)
        except Exception as exc:
            pytest.fail(f"process_factory(uow) must return a picklable callable: {exc!r}")
        context = multiprocessing.get_context("spawn")
        start = context.Barrier(count)
        results: Any = context.Queue()
        processes = [
            context.Process(target=_claim_in_process, args=(factory, wish_id, m, start, results))
            for m in members
        ]
        for process in processes:
            process.start()
        try:
            reported = dict(results.get(timeout=120) for _ in processes)
        except queue.Empty:
            pytest.fail("a child process reported nothing within 120 s")
        finally:
            for process in processes:
                process.join(30)
        assert {m: e for m, e in reported.items() if e} == {}
        wish = read(uow, lambda u: u.wishes.get(wish_id))
        assert sorted(c.member_id for c in wish.live_claims) == sorted(members)
