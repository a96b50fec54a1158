"""The ledger use-cases (``volunteer_core.services.ledger``) end to end, on every storage; concurrent
calls with one idempotency key record once and all return the first record."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from services_support import ACTIVITY, MakeUow, organ

from volunteer_core import Activity, Branch, Member, ServiceRecord, services
from volunteer_core.errors import InvalidInput, NotFound, RuleViolation
from volunteer_core.model import RecordStatus
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    """The organ of :func:`services_support.organ` on every storage."""
    return organ(make_uow())


def test_record_service_copies_the_activity_and_is_idempotent(uow: UnitOfWork) -> None:
    record = services.record_service(
        uow, member_id="m1", activity_id="a1", minutes=90, idempotency_key="k1", recorded_on=date(2026, 3, 6)
    )
    assert (record.kind, record.branch_id, record.on, record.recorded_on) == (
        ACTIVITY.kind,
        "b1",
        ACTIVITY.on,
        date(2026, 3, 6),
    )
    assert record.status is RecordStatus.CONFIRMED
    again = services.record_service(uow, member_id="m1", activity_id="a1", minutes=90, idempotency_key="k1")
    assert again == record
    other = services.record_service(uow, member_id="m1", activity_id="a1", minutes=90)  # no key: recorded
    with uow:
        assert sorted(r.id for r in uow.records.in_year(2026)) == sorted([record.id, other.id])
        assert uow.records.by_idempotency_key("k1") == record
    with pytest.raises(NotFound):
        services.record_service(uow, member_id="m9", activity_id="a1", minutes=90)
    with pytest.raises(NotFound):
        services.record_service(uow, member_id="m1", activity_id="a9", minutes=90)


def test_record_services_in_batches(uow: UnitOfWork) -> None:
    items = [
        services.RecordRequest(
            member_id=f"m{i % 3 + 1}",
            activity_id="a1",
            minutes=30 + i,
            on=date(2026, 3, 5 + i),
            idempotency_key=f"imp-{i}",
        )
        for i in range(10)
    ]
    stored = services.record_services(uow, items, batch_size=3, recorded_on=date(2026, 3, 10))
    assert [r.minutes for r in stored] == [30 + i for i in range(10)]
    again = services.record_services(
        uow,
        [*items[5:], {"member_id": "m1", "activity_id": "a1", "minutes": 60, "on": date(2026, 4, 1)}],
        batch_size=4,
    )
    assert again[:5] == stored[5:]
    with uow:
        assert len(list(uow.records.in_year(2026))) == 11
        assert sorted(r.minutes for r in uow.records.for_member("m1", 2026)) == [30, 33, 36, 39, 60]
    bad = [items[0], services.RecordRequest(member_id="m1", activity_id="a1", minutes=0)]
    with pytest.raises(InvalidInput):
        services.record_services(uow, bad, batch_size=10)
    with uow:
        assert len(list(uow.records.in_year(2026))) == 11


def test_reversing_twice_is_refused_and_adjusting_is_allowed(uow: UnitOfWork) -> None:
    record = services.record_service(
        uow, member_id="m1", activity_id="a1", minutes=120, recorded_on=date(2026, 3, 5)
    )
    reversal = services.reverse_service(uow, record.id, on=date(2026, 3, 9))
    assert (reversal.reverses, reversal.minutes, reversal.on, reversal.recorded_on) == (
        record.id,
        -120,
        record.on,
        date(2026, 3, 9),
    )
    for target in (record.id, reversal.id):
        with pytest.raises(RuleViolation) as caught:
            services.reverse_service(uow, target, on=date(2026, 3, 10))
        assert caught.value.code == "ledger.already_reversed"
    adjustment = services.adjust_service(uow, record.id, minutes=-30, on=date(2026, 4, 1))
    assert (adjustment.adjusts, adjustment.minutes, adjustment.on) == (record.id, -30, date(2026, 4, 1))
    with uow:
        assert uow.records.reversal_of(record.id) == reversal
        assert uow.records.get(record.id) == record  # the original is untouched
        assert sum(r.minutes for r in uow.records.for_member("m1", 2026)) == -30


def test_a_locked_year_takes_no_more_records(uow: UnitOfWork) -> None:
    record = services.record_service(
        uow, member_id="m1", activity_id="a1", minutes=60, recorded_on=date(2026, 3, 5)
    )
    services.lock_year(uow, "b1", 2026)
    services.lock_year(uow, "b1", 2026)  # harmless twice
    with pytest.raises(RuleViolation) as caught:
        services.record_service(uow, member_id="m2", activity_id="a1", minutes=60)
    assert caught.value.code == "ledger.year_locked"
    with pytest.raises(RuleViolation) as caught:
        services.reverse_service(uow, record.id, on=date(2027, 1, 5))
    assert caught.value.code == "ledger.year_locked"
    correction = services.adjust_service(uow, record.id, minutes=30, on=date(2027, 1, 5))
    assert correction.on.year == 2027
    with uow:
        assert uow.locks.list() == [("b1", 2026)]
        assert [r.id for r in uow.records.in_year(2026)] == [record.id]
    with pytest.raises(NotFound):
        services.lock_year(uow, "b9", 2026)


def test_eight_threads_with_one_key_store_one_record_and_all_get_it() -> None:
    store = InMemoryStore()
    services.add_entities(
        InMemoryUnitOfWork(store),
        [
            Branch(id="b1", name="一支部"),
            Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)),
            Activity(id="a1", kind="community_service", branch_id="b1", on=date(2026, 3, 5), title="清洁"),
        ],
    )
    barrier = threading.Barrier(8)
    results: list[ServiceRecord] = []
    errors: list[BaseException] = []

    def call() -> None:
        uow = InMemoryUnitOfWork(store)
        barrier.wait()
        try:
            results.append(
                services.record_service(
                    uow,
                    member_id="m1",
                    activity_id="a1",
                    minutes=60,
                    idempotency_key="import-7",
                    recorded_on=date(2026, 3, 6),
                )
            )
        except BaseException as err:  # pragma: no cover - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({r.id for r in results}) == 1
    with InMemoryUnitOfWork(store) as uow:
        assert len(list(uow.records.in_year(2026))) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"member_id": "m2"}, "member_id"),
        ({"minutes": 45}, "minutes"),
        ({"on": date(2026, 3, 6)}, "on"),
        ({"activity_id": "a2"}, "activity_id"),
    ],
)
def test_a_key_reused_for_another_request_is_refused_naming_both(
    uow: UnitOfWork, change: dict[str, object], field: str
) -> None:
    """``ledger.idempotency_conflict``: the second request is not silently dropped; nothing is stored."""
    services.add_entities(
        uow, [Activity(id="a2", kind="caring_action", branch_id="b1", on=date(2026, 3, 5), title="慰问")]
    )
    request: dict[str, object] = {
        "member_id": "m1",
        "activity_id": "a1",
        "minutes": 60,
        "on": date(2026, 3, 5),
    }
    first = services.record_service(uow, **request, idempotency_key="K1")  # type: ignore[arg-type]
    with pytest.raises(RuleViolation) as refused:
        services.record_service(uow, **{**request, **change}, idempotency_key="K1")  # type: ignore[arg-type]
    violation = refused.value.violation
    assert violation.code == "ledger.idempotency_conflict"
    assert violation.details["fields"] == (field,)
    assert violation.details["record_id"] == first.id
    assert "K1" in violation.message_en
    assert first.id in violation.message_en
    assert str(change[field]) in violation.message_en  # the second request is named too
    with uow:
        assert [r.id for r in uow.records.in_year(2026)] == [first.id]
    in_one_batch = [
        services.RecordRequest(member_id="m1", activity_id="a1", minutes=30, idempotency_key="K2"),
        services.RecordRequest(member_id="m1", activity_id="a1", minutes=31, idempotency_key="K2"),
    ]
    with pytest.raises(RuleViolation, match=r"ledger\.idempotency_conflict"):
        services.record_services(uow, in_one_batch)
    with pytest.raises(RuleViolation, match=r"ledger\.idempotency_conflict"):
        services.record_services(
            uow, [services.RecordRequest(member_id="m2", activity_id="a1", minutes=60, idempotency_key="K1")]
        )
    assert services.record_service(uow, **request, idempotency_key="K1") == first  # type: ignore[arg-type]


@pytest.mark.parametrize("key", ["k" * 1_000_000, "k\x00", "\ud800", " k"])
def test_an_idempotency_key_is_checked_like_an_id(uow: UnitOfWork, key: str) -> None:
    """A 1 MB key, a NUL, a lone surrogate or surrounding spaces: refused naming the field, nothing stored."""
    with pytest.raises(InvalidInput) as refused:
        services.record_service(uow, member_id="m1", activity_id="a1", minutes=60, idempotency_key=key)
    assert refused.value.path == "idempotency_key"
    assert len(str(refused.value)) < 1_000
    with pytest.raises(InvalidInput):
        services.record_services(
            uow, [{"member_id": "m1", "activity_id": "a1", "minutes": 60, "idempotency_key": key}]
        )
    with uow:
        assert list(uow.records.in_year(2026)) == []
