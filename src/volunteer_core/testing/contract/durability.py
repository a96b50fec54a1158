"""Durability (keyword ``contract_durability``): what is committed outlives the unit of work that wrote it.

A storage that outlives its process defines :meth:`~volunteer_core.testing.contract.UnitOfWorkContract.reopen`
(``supports_reopen``, derived from it): a fresh unit of work over the same data, opened as a new process
would open it. The tests write through every aggregate of the table (one sample each, and its update),
records and wishes with idempotency keys, a reversal, a PENDING record's decision and locks; commit;
reopen; and compare every aggregate's ``list()``, the idempotency keys of records and wishes,
``reversal_of`` and the locks with the reference (:class:`~volunteer_core.storage.memory.InMemoryUnitOfWork`
after the same writes). The ledger's rules still hold over reopened data, and what was rolled back is
not there. A storage without ``reopen`` is reported "not durable"; these tests are skipped, naming the
capability. Every reopened unit of work is handed to ``dispose_uow`` too.

>>> DurabilityContract.test_everything_committed_is_there_after_reopen.contract_durability
True
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, Final

import attrs
import pytest

from volunteer_core.errors import NotFound, VolunteerError
from volunteer_core.model import Branch
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.memory import InMemoryUnitOfWork
from volunteer_core.testing.contract._base import (
    REPOSITORIES,
    ContractBase,
    contract_area,
    read,
    repository,
    store,
)
from volunteer_core.testing.contract._outcomes import agree, attempt
from volunteer_core.testing.contract._seed import (
    DAY,
    fixed_world,
    make_changed,
    make_claimed_wish,
    make_collected_wish,
    make_member,
    make_record,
    make_sample,
)

__all__ = ["DurabilityContract"]

#: The idempotency keys the writes use (and ones they do not, or roll back), by repository.
_KEYS: Final[dict[str, tuple[str, ...]]] = {
    "records": ("dk-1", "dk-2", "dk-3", "dk-gone", "dk-none"),
    "wishes": ("wk-1", "wk-2", "wk-3", "wk-gone", "wk-none"),
}
#: The (branch, year) pairs whose locks are compared.
_LOCKS: Final = (("b-1", 2025), ("b-2", 2026), ("b-1", 2026), ("b-2", 2027))


class _Boom(Exception):
    """Raised inside a ``with`` block to leave it through an exception."""


def _write_everything(uow: UnitOfWork) -> None:
    """The fixed world; then one sample per aggregate, records and wishes under idempotency keys; then an
    update of every sample (a record's decision), a reversal, a changed keyed wish and two locks."""
    store(uow, fixed_world())
    with uow:
        for repo in REPOSITORIES:
            repository(uow, repo).add(make_sample(repo, "dur-1"))
        uow.records.add(make_record("dur-k1", DAY), idempotency_key="dk-1")
        uow.records.add(make_record("dur-k2", date(2025, 6, 1), member_id="m-2"), idempotency_key="dk-2")
        uow.wishes.add(make_collected_wish("dur-w1"), idempotency_key="wk-1")
        uow.wishes.add(make_claimed_wish("dur-w2", ("m-1",)), idempotency_key="wk-2")
        uow.commit()
    with uow:
        for repo in REPOSITORIES:
            repository(uow, repo).update(make_changed(repo, repository(uow, repo).get("dur-1")))
        uow.records.add(uow.records.get("r-1").reversal(id="dur-rv", recorded_on=date(2026, 3, 9)))
        uow.wishes.update(uow.wishes.get("dur-w1").screen(True, date(2026, 3, 2)))
        uow.locks.lock("b-1", 2025)
        uow.locks.lock("b-2", 2026)
        uow.commit()


def _write_and_roll_back(uow: UnitOfWork) -> None:
    """Writes of every kind in a transaction left without commit, and in one left through an exception."""

    def writes(u: UnitOfWork) -> None:
        u.branches.add(Branch(id="gone-1", name="未提交党支部"))
        u.members.update(make_changed("members", u.members.get("m-1")))
        u.records.add(make_record("gone-r", date(2026, 5, 1)), idempotency_key="dk-gone")
        u.records.add(u.records.get("dur-k1").reversal(id="gone-rv", recorded_on=date(2026, 5, 2)))
        u.wishes.add(make_collected_wish("gone-w"), idempotency_key="wk-gone")
        u.locks.lock("b-2", 2027)

    with uow:
        writes(uow)
    try:
        with uow:
            writes(uow)
            raise _Boom
    except _Boom:
        pass


def _write_more(uow: UnitOfWork) -> None:
    """Writes through a reopened unit of work: they must be durable too."""
    with uow:
        uow.members.add(make_member("dur-m2", "b-2"))
        uow.records.add(make_record("dur-k3", date(2026, 7, 1), member_id="dur-m2"), idempotency_key="dk-3")
        uow.wishes.add(make_collected_wish("dur-w3", value="50.00"), idempotency_key="wk-3")
        uow.records.add(uow.records.get("dur-k1").reversal(id="dur-rv2", recorded_on=date(2026, 3, 9)))
        uow.locks.lock("b-1", 2026)
        uow.commit()


def _reader(read: Callable[..., Any], *args: Any) -> Callable[[UnitOfWork], Any]:
    """``read(uow, *args)`` as a call of ``uow`` alone."""
    return lambda uow: read(uow, *args)


def _by_key(uow: UnitOfWork, repo: str, key: str) -> Any:
    return repository(uow, repo).by_idempotency_key(key)


def _agree_with_reference(reference: UnitOfWork, subject: UnitOfWork, when: str) -> None:
    """Every aggregate's ``list()``, ``locks``, the idempotency keys of records and wishes,
    ``reversal_of`` and ``is_locked`` read the same from ``subject`` as from ``reference``."""
    reads: list[tuple[str, Callable[[UnitOfWork], Any]]] = [
        (f"{name}.list()", _reader(lambda u, n: repository(u, n).list(), name))
        for name in (*REPOSITORIES, "locks")
    ]
    for repo, keys in _KEYS.items():
        reads += [(f"{repo}.by_idempotency_key({key!r})", _reader(_by_key, repo, key)) for key in keys]
    reads += [
        (f"records.reversal_of({i!r})", _reader(lambda u, i: u.records.reversal_of(i), i))
        for i in ("r-1", "dur-k1", "dur-k2", "dur-rv")
    ]
    reads += [
        (f"locks.is_locked({b!r}, {y})", _reader(lambda u, b, y: u.locks.is_locked(b, y), b, y))
        for b, y in _LOCKS
    ]
    with reference, subject:
        for what, call in reads:
            described = f"{what} {when}"
            expected = attempt(functools.partial(call, reference), subject=False, what=described)
            found = attempt(functools.partial(call, subject), subject=True, what=described)
            agree(described, expected, found)


def _refusal(uow: UnitOfWork, call: Callable[[UnitOfWork], object]) -> tuple[str, str]:
    """The class and code of the error ``call`` raises in a transaction of its own (rolled back)."""
    with uow, pytest.raises(VolunteerError) as raised:
        call(uow)
    error = raised.value
    return type(error).__name__, getattr(error, "code", "")


@contract_area("durability")
class DurabilityContract(ContractBase):
    """Commit, reopen, compare: the storage keeps what it committed, and only that.

    >>> DurabilityContract.__test__
    False
    """

    __test__: ClassVar[bool] = False

    def test_everything_committed_is_there_after_reopen(self, uow: UnitOfWork) -> None:
        """Every aggregate, idempotency keys of records and wishes, reversals, a decision and locks, as
        the reference has them — after ``reopen(uow)``, and again after writing through the reopened unit
        and reopening that one."""
        self._require("supports_reopen")
        reference = InMemoryUnitOfWork()
        for target in (reference, uow):
            _write_everything(target)
        reopened = self._reopened(uow)
        _agree_with_reference(reference, reopened, "after reopen(uow)")
        for target in (reference, reopened):
            _write_more(target)
        again = self._reopened(reopened)
        _agree_with_reference(reference, again, "after writing through a reopened unit and reopening it")

    def test_rolled_back_writes_are_not_there_after_reopen(self, uow: UnitOfWork) -> None:
        """Writes left without commit, or through an exception, are not in the reopened storage: no
        entity, no idempotency key, no reversal, no lock, no update."""
        self._require("supports_reopen")
        reference = InMemoryUnitOfWork()
        for target in (reference, uow):
            _write_everything(target)
            _write_and_roll_back(target)
        reopened = self._reopened(uow)
        _agree_with_reference(reference, reopened, "after rolled-back writes and reopen(uow)")
        with reopened:
            for repo, entity_id in (("branches", "gone-1"), ("records", "gone-r"), ("wishes", "gone-w")):
                with pytest.raises(NotFound):
                    repository(reopened, repo).get(entity_id)
            assert reopened.records.by_idempotency_key("dk-gone") is None
            assert reopened.wishes.by_idempotency_key("wk-gone") is None
            assert reopened.records.reversal_of("dur-k1") is None
            assert not reopened.locks.is_locked("b-2", 2027)
            assert reopened.members.get("m-1").version == 0

    def test_the_ledger_rules_hold_after_reopen(self, uow: UnitOfWork) -> None:
        """Over reopened data the storage still refuses a second reversal, a reversal of a reversal, an
        add into a locked year, a change of a decided record, a key reused for another request or for a
        wish, and a duplicate id; and the refusals change nothing."""
        self._require("supports_reopen")
        _write_everything(uow)
        reopened = self._reopened(uow)
        before = read(reopened, lambda u: {n: repository(u, n).list() for n in (*REPOSITORIES, "locks")})
        rule = "RuleViolation"
        refusals: dict[str, tuple[Callable[[UnitOfWork], object], tuple[str, str]]] = {
            "a second reversal of r-1": (
                lambda u: u.records.add(u.records.get("r-1").reversal(id="dur-x1", recorded_on=DAY)),
                (rule, "ledger.already_reversed"),
            ),
            "a reversal of the reversal dur-rv": (
                lambda u: u.records.add(
                    attrs.evolve(u.records.get("dur-rv"), id="dur-x2", reverses="dur-rv")
                ),
                (rule, "ledger.already_reversed"),
            ),
            "a record of the locked year 2025 of b-1": (
                lambda u: u.records.add(make_record("dur-x3", date(2025, 7, 1))),
                (rule, "ledger.year_locked"),
            ),
            "a change of the decided record dur-1": (
                lambda u: u.records.update(make_changed("records", u.records.get("dur-1"))),
                (rule, "ledger.append_only"),
            ),
            "the key dk-1 for another request": (
                lambda u: u.records.add(make_record("dur-x4", DAY, minutes=30), idempotency_key="dk-1"),
                (rule, "ledger.idempotency_conflict"),
            ),
            "the key dk-1 for the same request": (
                lambda u: u.records.add(make_record("dur-x5", DAY), idempotency_key="dk-1"),
                ("InvalidInput", "input.duplicate"),
            ),
            "the wish key wk-2 again": (
                lambda u: u.wishes.add(make_collected_wish("dur-x6"), idempotency_key="wk-2"),
                ("InvalidInput", "input.duplicate"),
            ),
            "the stored id dur-1 of a branch": (
                lambda u: u.branches.add(make_sample("branches", "dur-1")),
                ("InvalidInput", "input.duplicate"),
            ),
        }
        for what, (call, expected) in refusals.items():
            assert _refusal(reopened, call) == expected, (
                f"after reopen(uow), {what} must be refused: {expected}"
            )
        after = read(reopened, lambda u: {n: repository(u, n).list() for n in (*REPOSITORIES, "locks")})
        assert after == before, "refused calls changed the reopened storage"
