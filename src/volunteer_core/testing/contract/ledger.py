"""The ledger's integrity through the port (keyword ``contract_ledger``): ``records.update`` stores a
PENDING record's decision and nothing else (``ledger.append_only``), nothing of a locked (branch, year)
is added or changed (``ledger.year_locked``), a reversal mirrors its original (``ledger.reversal_mismatch``)
and a record is reversed once (``ledger.already_reversed``), an idempotency key reused for another request
is refused (``ledger.idempotency_conflict``) — and the idempotency keys of wishes.

Every refusal is a ``RuleViolation`` with the code the use-cases raise
(:func:`volunteer_core.rules.ledger.check_ledger_entry` and
:func:`~volunteer_core.rules.ledger.check_ledger_update` say exactly what is refused), and leaves the
stored ledger as it was, whether the transaction is then committed or not.

>>> LedgerContract.test_a_record_is_reversed_once.contract_ledger
True
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any, ClassVar, Final

import attrs
import pytest

from volunteer_core.errors import InvalidInput, NotFound, RuleViolation, VolunteerError
from volunteer_core.model import ActivityKind, RecordStatus, ServiceRecord
from volunteer_core.ports import UnitOfWork
from volunteer_core.testing.contract._base import ContractBase, contract_area, ids_of, read, store
from volunteer_core.testing.contract._seed import (
    DAY,
    ORGANISER,
    make_activity,
    make_collected_wish,
    make_pending,
    make_record,
)

__all__ = ["BOOKED_CHANGES", "REQUEST_CHANGES", "LedgerContract"]

#: Changes of a stored record that no update may make, by the field they change (each names stored
#: entities only, so the ledger's refusal is the only one the update deserves).
BOOKED_CHANGES: Final[dict[str, dict[str, Any]]] = {
    "minutes": {"minutes": 999},
    "kind": {"kind": ActivityKind.COMMUNITY_SERVICE},
    "on": {"on": date(2026, 3, 4)},
    "member_id": {"member_id": "m-2"},
    "branch_id": {"branch_id": "b-2"},
    "recorded_on": {"recorded_on": date(2026, 3, 9)},
    "status": {"status": RecordStatus.REJECTED, "decided_by": ORGANISER, "reason": "重复录入"},
}
#: Changes that make a second request with one idempotency key another request (member, activity,
#: minutes, date, kind: :data:`volunteer_core.rules.ledger.REQUEST_FIELDS`).
REQUEST_CHANGES: Final[dict[str, dict[str, Any]]] = {
    "member_id": {"member_id": "m-2"},
    "activity_id": {"activity_id": "a-2"},
    "minutes": {"minutes": 30},
    "on": {"on": date(2026, 3, 6)},
    "kind": {"kind": ActivityKind.COMMUNITY_SERVICE},
}
#: How a reversal may fail to mirror its original (r-1: m-1, a-1, b-1, pairing, 5 March 2026, 120 minutes).
_MISMATCHES: Final[dict[str, dict[str, Any]]] = {
    "member_id": {"member_id": "m-2"},
    "minutes": {"minutes": -60},
    "on": {"on": date(2026, 3, 6)},
    "kind": {"kind": ActivityKind.COMMUNITY_SERVICE},
    "branch_id": {"branch_id": "b-2"},
}
_DECISIONS: Final[dict[str, Callable[[ServiceRecord], ServiceRecord]]] = {
    "confirm": lambda r: r.confirm(by=ORGANISER, on=date(2026, 3, 6)),
    "reject": lambda r: r.reject(by=ORGANISER, on=date(2026, 3, 6), reason="未参加本次活动"),
}


def _update(record: ServiceRecord) -> Callable[[UnitOfWork], object]:
    return lambda uow: uow.records.update(record)


def _add(record: ServiceRecord, *, idempotency_key: str | None = None) -> Callable[[UnitOfWork], object]:
    return lambda uow: uow.records.add(record, idempotency_key=idempotency_key)


def _refused(uow: UnitOfWork, call: Callable[[UnitOfWork], object], code: str) -> VolunteerError:
    """Run ``call`` in a transaction: it must raise a ``RuleViolation`` with ``code`` (an ``InvalidInput``
    for ``input.duplicate``), store nothing — inside the transaction, and after it is committed."""
    before = read(uow, lambda u: u.records.list())
    expected = InvalidInput if code.startswith("input.") else RuleViolation
    with uow:
        with pytest.raises(VolunteerError) as raised:
            call(uow)
        error = raised.value
        assert isinstance(error, expected), f"expected {expected.__name__} {code}, got {error!r}"
        assert error.code == code, f"expected {code}, got {error!r}"
        assert uow.records.list() == before, f"a call refused with {code} changed the records"
        uow.commit()
    assert read(uow, lambda u: u.records.list()) == before, f"a call refused with {code} changed the ledger"
    return error


@contract_area("ledger")
class LedgerContract(ContractBase):
    """The ledger's rules, refused by the storage itself: what the use-cases refuse, the port refuses.

    >>> LedgerContract.__test__
    False
    """

    __test__: ClassVar[bool] = False

    # -- append-only: records.update -----------------------------------------------------------------

    @pytest.mark.parametrize("field", list(BOOKED_CHANGES))
    def test_update_of_a_confirmed_record_is_refused(self, seeded: UnitOfWork, field: str) -> None:
        """A confirmed record never changes: ``ledger.append_only``, and the stored record stays."""
        original = read(seeded, lambda u: u.records.get("r-1"))
        changed = attrs.evolve(original, **BOOKED_CHANGES[field])
        _refused(seeded, lambda u: u.records.update(changed), "ledger.append_only")
        assert read(seeded, lambda u: u.records.get("r-1")) == original

    @pytest.mark.parametrize("decision", list(_DECISIONS))
    def test_a_pending_record_takes_its_decision_once(self, seeded: UnitOfWork, decision: str) -> None:
        """A PENDING record takes its decision (version + 1); the decided record takes no second update —
        another decision, a change of its booked fields, or no change at all."""
        store(seeded, [("records", make_pending("rp-1", DAY))])
        decided = _DECISIONS[decision](read(seeded, lambda u: u.records.get("rp-1")))
        with seeded:
            stored = seeded.records.update(decided)
            assert stored == attrs.evolve(decided, version=1), "a decision is stored with version + 1"
            seeded.commit()
        assert read(seeded, lambda u: u.records.get("rp-1")) == stored
        overturned = (
            attrs.evolve(stored, status=RecordStatus.REJECTED, reason="未参加本次活动")
            if decision == "confirm"
            else attrs.evolve(stored, status=RecordStatus.CONFIRMED, reason="")
        )
        again = {
            "the other decision": overturned,
            "its minutes": attrs.evolve(stored, minutes=30),
            "nothing": stored,
        }
        for what, changed in again.items():
            error = _refused(seeded, _update(changed), "ledger.append_only")
            assert "rp-1" in str(error), f"the refusal of a second update ({what}) names the record"
        assert read(seeded, lambda u: u.records.get("rp-1")) == stored

    def test_a_pending_record_changes_only_by_its_decision(self, seeded: UnitOfWork) -> None:
        """A decision that also changes a booked field, or an update that decides nothing, is refused."""
        pending = make_pending("rp-1", DAY)
        store(seeded, [("records", pending)])
        confirmed = pending.confirm(by=ORGANISER, on=date(2026, 3, 6))
        for changed in (
            attrs.evolve(confirmed, minutes=90),
            attrs.evolve(confirmed, on=date(2026, 3, 4)),
            attrs.evolve(pending, reason="补充说明"),
            pending,
        ):
            _refused(seeded, _update(changed), "ledger.append_only")
        assert read(seeded, lambda u: u.records.get("rp-1")) == pending

    # -- locked years ----------------------------------------------------------------------------------

    def test_nothing_of_a_locked_year_is_updated(self, seeded: UnitOfWork) -> None:
        """In a locked (branch, year) neither a decision nor any other update is stored
        (``ledger.year_locked``, before ``append_only``) — a lock of the unit's own transaction too; a
        lock of another branch or another year refuses nothing."""
        store(seeded, [("records", make_pending("rp-1", DAY)), ("records", make_pending("rp-2", DAY))])
        with seeded:
            seeded.locks.lock("b-2", 2026)
            seeded.locks.lock("b-1", 2025)
            seeded.locks.lock("b-1", 2027)
            seeded.commit()
        pending = read(seeded, lambda u: u.records.get("rp-1"))
        confirmed = read(seeded, lambda u: u.records.get("r-1"))
        with seeded:
            decided = seeded.records.update(_DECISIONS["confirm"](pending))
            seeded.commit()
        assert decided.version == 1, "other branches' and other years' locks refuse nothing"
        with seeded:
            seeded.locks.lock("b-1", 2026)
            with pytest.raises(RuleViolation) as own_lock:
                seeded.records.update(_DECISIONS["confirm"](seeded.records.get("rp-2")))
        assert own_lock.value.code == "ledger.year_locked", "the unit's own lock counts"
        with seeded:
            seeded.locks.lock("b-1", 2026)
            seeded.commit()
        for changed in (
            _DECISIONS["reject"](read(seeded, lambda u: u.records.get("rp-2"))),
            attrs.evolve(confirmed, minutes=30),
            attrs.evolve(decided, status=RecordStatus.REJECTED, reason="重复录入"),
        ):
            _refused(seeded, _update(changed), "ledger.year_locked")

    def test_nothing_is_added_to_a_locked_year(self, seeded: UnitOfWork) -> None:
        """``records.add`` into a locked (branch, year) — a record, a reversal, with or without an
        idempotency key — is refused with ``ledger.year_locked`` and stores no key; the days around the
        year, and another branch's records, are not locked."""
        with seeded:
            seeded.locks.lock("b-1", 2026)
            seeded.commit()
        reversal = make_record("r-1", DAY, minutes=120).reversal(id="rl-rv", recorded_on=date(2027, 1, 5))
        for record, key in (
            (make_record("rl-1", date(2026, 1, 1)), None),
            (make_record("rl-2", date(2026, 12, 31)), "kl-2"),
            (reversal, None),
            (make_pending("rl-3", DAY), "kl-3"),
        ):
            error = _refused(seeded, _add(record, idempotency_key=key), "ledger.year_locked")
            assert "2026" in str(error), "the refusal names the locked year"
        with seeded:
            assert seeded.records.by_idempotency_key("kl-2") is None, "a refused add stores no key"
            seeded.records.add(make_record("rl-4", date(2025, 12, 31)))
            seeded.records.add(make_record("rl-5", date(2027, 1, 1)), idempotency_key="kl-2")
            seeded.records.add(attrs.evolve(make_record("rl-6", DAY, member_id="m-2"), branch_id="b-2"))
            seeded.commit()
        stored = ids_of(read(seeded, lambda u: u.records.list()))
        assert stored == ["r-1", "rl-4", "rl-5", "rl-6"]

    # -- reversals ---------------------------------------------------------------------------------------

    @pytest.mark.parametrize("field", list(_MISMATCHES))
    def test_a_reversal_mirrors_its_original(self, seeded: UnitOfWork, field: str) -> None:
        """A reversal booked to another member, with other minutes, on another day, of another kind or
        branch: ``ledger.reversal_mismatch``. The refused one leaves the original unreversed, and the
        right reversal is then accepted."""
        original = read(seeded, lambda u: u.records.get("r-1"))
        right = original.reversal(id="rv-1", recorded_on=date(2026, 3, 9))
        wrong = attrs.evolve(right, **_MISMATCHES[field])
        _refused(seeded, lambda u: u.records.add(wrong), "ledger.reversal_mismatch")
        with seeded:
            assert seeded.records.reversal_of("r-1") is None
            seeded.records.add(right)
            seeded.commit()
        assert read(seeded, lambda u: u.records.reversal_of("r-1")) == right

    @pytest.mark.parametrize("decision", ["pending", "rejected"])
    def test_only_a_confirmed_record_is_reversed(self, seeded: UnitOfWork, decision: str) -> None:
        """A PENDING or REJECTED record counts toward nothing: a reversal of it — which would cancel credit
        it never gave — is refused with ``record.status`` (as ``services.reverse_service`` refuses it)."""
        pending = make_pending("rp-1", DAY)
        original = (
            pending
            if decision == "pending"
            else pending.reject(by=ORGANISER, on=date(2026, 3, 6), reason="未签到")
        )
        store(seeded, [("records", original)])
        # the exact mirror of the original: ServiceRecord.reversal judges no status
        reversal = pending.reversal(id="rv-1", recorded_on=date(2026, 3, 9))
        _refused(seeded, _add(reversal), "record.status")
        assert read(seeded, lambda u: u.records.reversal_of("rp-1")) is None

    @pytest.mark.parametrize(
        "how", ["committed", "in one transaction", "reversal of a reversal", "add_many", "with a key"]
    )
    def test_a_record_is_reversed_once(self, seeded: UnitOfWork, how: str) -> None:
        """A second reversal of a record — committed before, earlier in the same transaction, in one
        ``add_many``, under an idempotency key — and a reversal of a reversal are refused with
        ``ledger.already_reversed``; the first reversal stays the only one."""
        first = make_record("r-1", DAY, minutes=120).reversal(id="rv-1", recorded_on=date(2026, 3, 9))
        second = attrs.evolve(first, id="rv-2")
        if how == "in one transaction":
            with seeded:
                seeded.records.add(first)
                with pytest.raises(RuleViolation) as raised:
                    seeded.records.add(second)
                assert raised.value.code == "ledger.already_reversed"
                assert seeded.records.reversal_of("r-1") == first
                seeded.commit()
        elif how == "add_many":
            with seeded, pytest.raises(RuleViolation) as raised:
                seeded.records.add_many([(first, None), (second, None)])
            assert raised.value.code == "ledger.already_reversed"
            store(seeded, [("records", first)])
        else:
            store(seeded, [("records", first)])
            if how == "committed":
                _refused(seeded, lambda u: u.records.add(second), "ledger.already_reversed")
            elif how == "with a key":
                _refused(
                    seeded, lambda u: u.records.add(second, idempotency_key="kv-2"), "ledger.already_reversed"
                )
                assert read(seeded, lambda u: u.records.by_idempotency_key("kv-2")) is None
            else:
                again = attrs.evolve(first, id="rv-2", reverses="rv-1")
                _refused(seeded, lambda u: u.records.add(again), "ledger.already_reversed")
        with seeded:
            assert seeded.records.reversal_of("r-1") == first
            assert seeded.records.reversal_of("rv-1") is None
            assert ids_of(seeded.records.list()) == ["r-1", "rv-1"]

    # -- idempotency keys ----------------------------------------------------------------------------------

    @pytest.mark.parametrize("field", list(REQUEST_CHANGES))
    def test_a_key_reused_for_another_request_conflicts(self, seeded: UnitOfWork, field: str) -> None:
        """``add(record, idempotency_key=K)`` where K is stored with another request (member, activity,
        minutes, date, kind): ``ledger.idempotency_conflict`` naming the first record; nothing stored,
        the key still finds the first."""
        first = make_record("rk-1", DAY)
        store(seeded, [("activities", make_activity("a-2"))])
        with seeded:
            seeded.records.add(first, idempotency_key="kk-1")
            seeded.commit()
        repeated = attrs.evolve(first, id="rk-2", **REQUEST_CHANGES[field])
        error = _refused(
            seeded, lambda u: u.records.add(repeated, idempotency_key="kk-1"), "ledger.idempotency_conflict"
        )
        assert "rk-1" in str(error), "the conflict names the record stored with the key"
        with seeded:
            assert seeded.records.by_idempotency_key("kk-1") == first
            with pytest.raises(NotFound):
                seeded.records.get("rk-2")

    def test_a_key_reused_for_the_same_request_is_a_duplicate(self, seeded: UnitOfWork) -> None:
        """The same request under a stored key — whatever its id, entry date or status — is not a
        conflict: ``InvalidInput`` ``input.duplicate`` at ``idempotency_key``, committed or in the same
        transaction; another request under a key of the same transaction conflicts."""
        first = make_record("rk-1", DAY)
        same = attrs.evolve(first, id="rk-2", recorded_on=date(2026, 3, 20), status=RecordStatus.PENDING)
        with seeded:
            seeded.records.add(first, idempotency_key="kk-1")
            with pytest.raises(InvalidInput) as own:
                seeded.records.add(same, idempotency_key="kk-1")
            assert (own.value.code, own.value.path) == ("input.duplicate", "idempotency_key")
            with pytest.raises(RuleViolation) as conflict:
                seeded.records.add(attrs.evolve(same, minutes=30), idempotency_key="kk-1")
            assert conflict.value.code == "ledger.idempotency_conflict"
            seeded.commit()
        error = _refused(seeded, lambda u: u.records.add(same, idempotency_key="kk-1"), "input.duplicate")
        assert isinstance(error, InvalidInput)
        assert error.path == "idempotency_key"
        assert ids_of(read(seeded, lambda u: u.records.list())) == ["r-1", "rk-1"]

    # -- wishes' idempotency keys (an import row's fingerprint) ---------------------------------------------

    def test_wishes_idempotency_keys(self, seeded: UnitOfWork) -> None:
        """``wishes.add(w, idempotency_key=K)`` stores K with the wish: ``by_idempotency_key(K)`` finds it
        (in the transaction, after commit, after the wish changed); a second add with K is
        ``input.duplicate`` at ``idempotency_key`` and stores nothing; an unknown key finds None."""
        wish = make_collected_wish("wk-1")
        with seeded:
            assert seeded.wishes.add(wish, idempotency_key="row-1") == wish
            assert seeded.wishes.by_idempotency_key("row-1") == wish, "reads see the unit's own keys"
            with pytest.raises(InvalidInput) as own:
                seeded.wishes.add(make_collected_wish("wk-2"), idempotency_key="row-1")
            seeded.commit()
        assert (own.value.code, own.value.path) == ("input.duplicate", "idempotency_key")
        with seeded:
            assert seeded.wishes.by_idempotency_key("row-1") == wish
            assert seeded.wishes.by_idempotency_key("row-unknown") is None
            assert seeded.records.by_idempotency_key("row-1") is None, "records and wishes: two sets of keys"
            with pytest.raises(InvalidInput) as again:
                seeded.wishes.add(make_collected_wish("wk-3", value="99.00"), idempotency_key="row-1")
            seeded.commit()
        assert (again.value.code, again.value.path) == ("input.duplicate", "idempotency_key")
        assert ids_of(read(seeded, lambda u: u.wishes.list())) == ["w-1", "wk-1"]
        with seeded:
            screened = seeded.wishes.update(wish.screen(True, date(2026, 3, 2)))
            seeded.commit()
        assert read(seeded, lambda u: u.wishes.by_idempotency_key("row-1")) == screened

    def test_wishes_rollback_forgets_the_key(self, seeded: UnitOfWork) -> None:
        """A key added in a transaction left without commit is not stored: the key is free again."""
        with seeded:
            seeded.wishes.add(make_collected_wish("wk-1"), idempotency_key="row-1")
        with seeded:
            assert seeded.wishes.by_idempotency_key("row-1") is None
            with pytest.raises(NotFound):
                seeded.wishes.get("wk-1")
            later = seeded.wishes.add(make_collected_wish("wk-2"), idempotency_key="row-1")
            seeded.commit()
        assert read(seeded, lambda u: u.wishes.by_idempotency_key("row-1")) == later
