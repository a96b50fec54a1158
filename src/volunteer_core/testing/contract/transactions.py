"""Transactions (keyword ``contract_transactions``): leaving the block without ``commit()`` rolls back, an
exception inside the block rolls back and propagates, ``rollback()`` discards and the object is entered
again, ``begin()`` inside a transaction is refused, and reads see the unit's own writes — every
repository of the table of aggregates, every query, idempotency keys and locks.

>>> TransactionContract.test_begin_while_a_transaction_is_open_raises_storage_error.contract_transactions
True
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

import pytest

from volunteer_core.errors import InvalidInput, StorageError
from volunteer_core.model import Branch, WishStatus
from volunteer_core.ports import UnitOfWork
from volunteer_core.testing.contract._base import (
    REPOSITORIES,
    ContractBase,
    contract_area,
    ids_of,
    read,
    repository,
)
from volunteer_core.testing.contract._seed import (
    DAY,
    make_changed,
    make_member,
    make_pairing,
    make_plan,
    make_record,
    make_report,
    make_sample,
)

__all__ = ["TransactionContract"]


@contract_area("transactions")
class TransactionContract(ContractBase):
    """One ``with uow:`` block is one transaction: commit, rollback, re-entry and the unit's own writes.

    >>> TransactionContract.__test__
    False
    """

    __test__: ClassVar[bool] = False

    def test_leaving_the_block_without_commit_rolls_back(self, seeded: UnitOfWork) -> None:
        before = self._everything(seeded)
        with seeded:
            for repo in REPOSITORIES:
                repository(seeded, repo).add(make_sample(repo, "new-1"))
            seeded.records.add(make_record("new-2", DAY), idempotency_key="k-rollback")
            seeded.wishes.update(make_changed("wishes", seeded.wishes.get("w-1")))
            seeded.locks.lock("b-1", 2026)
        assert self._everything(seeded) == before, "nothing of a transaction left without commit() remains"
        with seeded:
            assert seeded.records.by_idempotency_key("k-rollback") is None
            assert not seeded.locks.is_locked("b-1", 2026)

    def test_an_exception_inside_the_block_rolls_back_and_propagates(self, seeded: UnitOfWork) -> None:
        class Boom(Exception):
            pass

        def fail_inside() -> None:
            with seeded:
                for repo in REPOSITORIES:
                    repository(seeded, repo).add(make_sample(repo, "new-1"))
                seeded.locks.lock("b-1", 2026)
                raise Boom

        def add_twice() -> None:
            with seeded:
                seeded.branches.add(Branch(id="new-2", name="新党支部"))
                seeded.branches.add(Branch(id="new-2", name="新党支部"))

        before = self._everything(seeded)
        with pytest.raises(Boom):
            fail_inside()
        assert self._everything(seeded) == before
        with pytest.raises(InvalidInput):
            add_twice()
        assert self._everything(seeded) == before, "a refused call inside the block rolls the block back"

    def test_rollback_discards_and_the_object_is_entered_again(self, seeded: UnitOfWork) -> None:
        with seeded:
            seeded.branches.add(Branch(id="new-1", name="新党支部"))
            seeded.rollback()
        with seeded:
            seeded.branches.add(Branch(id="new-2", name="新党支部"))
            seeded.commit()
        with seeded:
            seeded.branches.add(Branch(id="new-3", name="新党支部"))
            seeded.commit()
        with seeded:
            assert ids_of(seeded.branches.list()) == ["b-1", "b-2", "new-2", "new-3"]

    def test_rollback_is_harmless_after_commit_and_when_nothing_is_open(self, seeded: UnitOfWork) -> None:
        seeded.rollback()
        with seeded:
            seeded.branches.add(Branch(id="new-1", name="新党支部"))
            seeded.commit()
            seeded.rollback()
        seeded.rollback()
        assert read(seeded, lambda u: u.branches.get("new-1")).id == "new-1"

    def test_begin_while_a_transaction_is_open_raises_storage_error(self, seeded: UnitOfWork) -> None:
        with seeded, pytest.raises(StorageError):
            seeded.begin()

    def test_reads_see_the_units_own_writes(self, seeded: UnitOfWork) -> None:
        with seeded:
            seeded.members.add(make_member("new-m", "b-2", left_on=date(2026, 6, 30)))
            seeded.records.add(
                make_record("new-r", date(2026, 8, 1), member_id="new-m"), idempotency_key="k-own"
            )
            reversal = seeded.records.add(seeded.records.get("r-1").reversal(id="new-rev", recorded_on=DAY))
            seeded.pairings.add(make_pairing("new-pr", "u-1", date(2027, 1, 1)))
            wish = seeded.wishes.update(seeded.wishes.get("w-1").screen(True, date(2026, 3, 2)))
            plan = seeded.plans.add(make_plan("new-pl", "b-2", 2026, date(2026, 1, 5)))
            report = seeded.reports.add(make_report("new-hr", "b-2", 2026, 2, date(2026, 12, 1)))
            seeded.locks.lock("b-2", 2026)
            assert ids_of(seeded.members.in_branch("b-2")) == ["m-2", "new-m"]
            assert "new-r" in ids_of(seeded.records.in_year(2026))
            assert ids_of(seeded.records.for_member("new-m", 2026)) == ["new-r"]
            assert seeded.records.by_idempotency_key("k-own") == seeded.records.get("new-r")
            assert seeded.records.reversal_of("r-1") == reversal
            assert ids_of(seeded.pairings.for_target("u-1")) == ["new-pr", "pr-1"]
            assert seeded.wishes.with_status(WishStatus.SCREENED) == [wish]
            assert seeded.wishes.with_status(WishStatus.COLLECTED) == []
            assert seeded.plans.for_branch("b-2", 2026) == [plan]
            assert seeded.reports.for_branch("b-2", 2026) == [report]
            assert seeded.locks.is_locked("b-2", 2026)

    # -- helpers ----------------------------------------------------------------------------------------

    @staticmethod
    def _everything(uow: UnitOfWork) -> dict[str, list[Any]]:
        with uow:
            return {name: repository(uow, name).list() for name in (*REPOSITORIES, "locks")}
