"""The use-cases of ``volunteer_core.services`` end to end, on every storage."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import attrs
import pytest

from volunteer_core import (
    Activity,
    Beneficiary,
    Branch,
    DateRange,
    Demand,
    Member,
    Pairing,
    PartnerUnit,
    Team,
    Wish,
    Yuan,
    compliance,
    services,
)
from volunteer_core.errors import InvalidInput, NotFound, RuleViolation
from volunteer_core.model import DemandStatus, RecordStatus, WishStatus
from volunteer_core.ports import UnitOfWork
from volunteer_core.testing.synthetic import generate_year

MakeUow = Callable[[], UnitOfWork]

ACTIVITY = Activity(id="a1", kind="caring_action", branch_id="b1", on=date(2026, 3, 5), title="爱心捐赠")


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    """Branches b1, b2, members m1–m3 of b1, team t1 (m1, m2), beneficiary p1, unit u1, activity a1."""
    unit = make_uow()
    services.add_entities(
        unit,
        [
            Branch(id="b1", name="办公室党支部"),
            Branch(id="b2", name="信息中心党支部"),
            *(
                Member(id=f"m{i}", name=f"党员{i}", branch_id="b1", joined_on=date(2020, 1, 1))
                for i in (1, 2, 3)
            ),
            Team(id="t1", branch_id="b1", name="先锋队", member_ids={"m1", "m2"}),
            Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区"),
            PartnerUnit(id="u1", name="城厢区社会福利院", kind="welfare_home"),
            ACTIVITY,
        ],
    )
    return unit


def _wish(value: str | None = "300.00", wish_id: str = "w1") -> Wish:
    return Wish(
        id=wish_id,
        beneficiary_id="p1",
        kind="material" if value is not None else "service",
        content="一台电饭煲",
        collected_on=date(2026, 5, 1),
        value=value,
    )


def test_the_wish_lifecycle(uow: UnitOfWork) -> None:
    collected = services.collect_wish(uow, _wish())
    assert (collected.status, collected.version) == (WishStatus.COLLECTED, 0)
    screened = services.screen_wish(uow, "w1", approved=True, on=date(2026, 5, 2))
    published = services.publish_wish(uow, "w1", on=date(2026, 5, 3))
    assert (screened.version, published.status, published.version) == (1, WishStatus.PUBLISHED, 2)
    first = services.claim_wish(uow, "w1", "m1", on=date(2026, 5, 4), pledged="100")
    second = services.claim_wish(uow, "w1", "m2", on=date(2026, 5, 4), pledged=Yuan("150.50"))
    withdrawn = services.withdraw_claim(uow, "w1", "m2", on=date(2026, 5, 5))
    assert (first.status, second.pledged_total, withdrawn.pledged_total) == (
        WishStatus.CLAIMED,
        Yuan("250.50"),
        Yuan("100.00"),
    )
    with pytest.raises(RuleViolation) as caught:
        services.claim_wish(uow, "w1", "m3", on=date(2026, 5, 6), pledged="200.01")
    assert caught.value.code == "wish.claim_total"
    rest = services.claim_wish(uow, "w1", "m3", on=date(2026, 5, 6))  # all that remains
    assert rest.claims[-1].pledged == Yuan("200.00")
    fulfilled = services.fulfil_wish(uow, "w1", on=date(2026, 5, 20))
    assert (fulfilled.status, fulfilled.pledged_total, fulfilled.version) == (
        WishStatus.FULFILLED,
        Yuan("300.00"),
        7,
    )
    with uow:
        assert uow.wishes.get("w1") == fulfilled
        assert uow.wishes.with_status(WishStatus.FULFILLED) == [fulfilled]
    with pytest.raises(RuleViolation) as caught:
        services.cancel_wish(uow, "w1", on=date(2026, 5, 21), reason="重复")
    assert caught.value.code == "wish.transition"


def test_screening_refuses_a_wish_over_the_cap_and_cancelling_ends_claims(uow: UnitOfWork) -> None:
    services.collect_wish(uow, _wish("300.01", "w2"))  # collection records the need as stated
    with pytest.raises(RuleViolation) as caught:
        services.screen_wish(uow, "w2", approved=True, on=date(2026, 5, 2))
    assert caught.value.code == "wish.value_cap"
    rejected = services.screen_wish(uow, "w2", approved=False, on=date(2026, 5, 2), reason="超过300元")
    assert rejected.status is WishStatus.REJECTED
    services.collect_wish(uow, _wish(None, "w3"))
    services.screen_wish(uow, "w3", approved=True, on=date(2026, 5, 2))
    services.publish_wish(uow, "w3", on=date(2026, 5, 3))
    services.claim_wish(uow, "w3", "m1", on=date(2026, 5, 4))
    cancelled = services.cancel_wish(uow, "w3", on=date(2026, 5, 5), reason="对象搬离")
    assert cancelled.status is WishStatus.CANCELLED
    assert all(c.withdrawn_on is not None for c in cancelled.claims)
    with uow:
        assert uow.wishes.get("w3") == cancelled
    with pytest.raises(NotFound):
        services.claim_wish(uow, "w3", "m9", on=date(2026, 5, 6))
    with pytest.raises(InvalidInput) as invalid:
        services.collect_wish(uow, attrs.evolve(_wish(), id="w4", beneficiary_id="p9"))
    assert (invalid.value.code, invalid.value.path) == ("input.reference", "beneficiary_id")


def test_register_pairing_refuses_a_duplicate(uow: UnitOfWork) -> None:
    pairing = Pairing(
        id="pr1",
        branch_ids={"b1"},
        target_id="u1",
        mode="solo",
        period=DateRange(date(2026, 1, 1), date(2026, 12, 31)),
    )
    assert services.register_pairing(uow, pairing) == pairing
    overlapping = attrs.evolve(pairing, id="pr2", branch_ids={"b2"}, period=DateRange(date(2026, 6, 1)))
    with pytest.raises(RuleViolation) as caught:
        services.register_pairing(uow, overlapping)
    assert caught.value.code == "pairing.duplicate"
    ended = services.end_pairing(uow, "pr1", on=date(2026, 5, 31))
    assert ended.period.end == date(2026, 5, 31)
    assert services.register_pairing(uow, overlapping) == overlapping
    with uow:
        assert [p.id for p in uow.pairings.for_target("u1")] == ["pr1", "pr2"]
        assert [p.id for p in uow.pairings.for_branch("b2")] == ["pr2"]


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
    again = services.record_service(uow, member_id="m1", activity_id="a1", minutes=45, idempotency_key="k1")
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


def test_the_dispatch_flow_records_the_service(uow: UnitOfWork) -> None:
    demand = Demand(id="d1", community="凤山社区", content="为独居老人修水管", ordered_on=date(2026, 3, 1))
    assert services.order_demand(uow, demand) == demand
    services.assign_demand(uow, "d1", member_id="m1", on=date(2026, 3, 2))
    declined = services.decline_demand(uow, "d1", member_id="m1", on=date(2026, 3, 2), reason="出差")
    assert (declined.status, declined.member_id) == (DemandStatus.ORDERED, None)
    services.assign_demand(uow, "d1", team_id="t1", on=date(2026, 3, 3))
    with pytest.raises(RuleViolation):
        services.accept_demand(uow, "d1", member_id="m3", on=date(2026, 3, 3))  # not in the team
    accepted = services.accept_demand(uow, "d1", member_id="m2", on=date(2026, 3, 3))
    assert (accepted.status, accepted.member_id) == (DemandStatus.ACCEPTED, "m2")
    done = services.complete_demand(
        uow, "d1", activity_id="a1", minutes=120, on=date(2026, 3, 5), recorded_on=date(2026, 3, 5)
    )
    assert (done.status, done.activity_id, done.version) == (DemandStatus.DONE, "a1", 5)
    with uow:
        record = uow.records.by_idempotency_key("demand:d1")
        assert record is not None
        assert (record.member_id, record.minutes, record.kind) == ("m2", 120, ACTIVITY.kind)
        assert uow.demands.get("d1") == done
    with pytest.raises(RuleViolation):
        services.cancel_demand(uow, "d1", on=date(2026, 3, 6), reason="重复")
    services.order_demand(uow, attrs.evolve(demand, id="d2"))
    assert (
        services.cancel_demand(uow, "d2", on=date(2026, 3, 6), reason="重复").status is DemandStatus.CANCELLED
    )


def test_evaluate_year_equals_the_core_on_the_same_data(make_uow: MakeUow) -> None:
    world = generate_year(2026, members=12, branches=2, seed=5)
    uow = make_uow()
    loaded = world.load_into(uow, batch_size=200)
    assert loaded.records > 100
    with uow:
        activities = uow.activities.in_year(2026)
        pairings = uow.pairings.list()
        records = list(uow.records.in_year(2026))
    assert len(records) == loaded.records + loaded.reversals
    assert sorted(records, key=lambda r: r.id) == sorted(world.records(), key=lambda r: r.id)
    expected = compliance.evaluate_year(
        2026,
        members=world.members,
        records=world.iter_records(),
        teams=world.teams,
        activities=activities,
        pairings=pairings,
        plans=world.plans,
        reports=world.reports,
        branches=world.branches,
        as_of=date(2026, 12, 31),
    )
    got = services.evaluate_year(uow, 2026, as_of=date(2026, 12, 31))
    assert got.to_records() == expected.to_records()
    assert sorted(got.violations, key=repr) == sorted(expected.violations, key=repr)
    assert (got.records_read, got.unmatched_records) == (expected.records_read, expected.unmatched_records)
    assert got.branches == expected.branches
