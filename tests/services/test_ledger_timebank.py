"""The time-bank use-cases on the in-memory reference storage: report → confirm / reject, the year lock,
sessions per day, the activity's length, and what pending / rejected minutes count for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from volunteer_core import (
    Activity,
    Branch,
    InvalidInput,
    Member,
    RecordStatus,
    RuleViolation,
    ServiceRecord,
    evaluate_member_year,
    services,
)
from volunteer_core.storage.memory import InMemoryUnitOfWork

D = date
DAY = D(2026, 3, 5)
REPORTED = D(2026, 3, 6)


@pytest.fixture
def uow() -> InMemoryUnitOfWork:
    unit = InMemoryUnitOfWork()
    services.add_entities(
        unit,
        [
            Branch(id="b1", name="办公室党支部"),
            Branch(id="b2", name="综合处党支部"),
            Member(id="m1", name="张三", branch_id="b1", joined_on=D(2020, 1, 1), skills={"急救"}),
            Member(id="m2", name="李四", branch_id="b1", joined_on=D(2020, 1, 1)),
            Member(id="m3", name="王五", branch_id="b2", joined_on=D(2020, 1, 1)),
            Activity(
                id="a1",
                kind="community_service",
                branch_id="b1",
                on=DAY,
                until=D(2026, 3, 6),  # two days: a record on either day is on the activity's date
                title="社区清扫",
                duration_minutes=180,
            ),
            Activity(id="a2", kind="pairing", branch_id="b1", on=DAY, title="结对探访"),
            Activity(id="a3", kind="community_service", branch_id="b2", on=DAY, title="社区清扫"),
            Activity(
                id="a25", kind="community_service", branch_id="b1", on=D(2025, 12, 20), title="年末清扫"
            ),
            Activity(
                id="a35", kind="community_service", branch_id="b2", on=D(2025, 12, 20), title="年末清扫"
            ),
        ],
    )
    return unit


def report(
    uow: InMemoryUnitOfWork,
    minutes: int = 120,
    activity: str = "a1",
    member: str = "m1",
    recorded_on: date = REPORTED,
) -> ServiceRecord:
    return services.report_service(
        uow, member_id=member, activity_id=activity, minutes=minutes, recorded_on=recorded_on
    )


def stored(uow: InMemoryUnitOfWork, record_id: str) -> ServiceRecord:
    with uow:
        return uow.records.get(record_id)


def test_report_then_confirm(uow: InMemoryUnitOfWork) -> None:
    pending = report(uow)
    assert pending.status is RecordStatus.PENDING
    assert (pending.kind.value, pending.branch_id, pending.on) == ("community_service", "b1", DAY)
    confirmed = services.confirm_service(uow, pending.id, by="organiser-1", on=D(2026, 3, 7))
    assert confirmed.status is RecordStatus.CONFIRMED
    assert (confirmed.decided_by, confirmed.decided_on, confirmed.version) == (
        "organiser-1",
        D(2026, 3, 7),
        1,
    )
    assert stored(uow, pending.id) == confirmed


def test_report_then_reject_with_a_reason(uow: InMemoryUnitOfWork) -> None:
    pending = report(uow)
    with pytest.raises(InvalidInput):
        services.reject_service(uow, pending.id, by="organiser-1", on=D(2026, 3, 7), reason=" ")
    rejected = services.reject_service(uow, pending.id, by="organiser-1", on=D(2026, 3, 7), reason="未到场")
    assert (rejected.status, rejected.reason) == (RecordStatus.REJECTED, "未到场")


def test_a_record_is_decided_once_and_never_by_its_member(uow: InMemoryUnitOfWork) -> None:
    pending = report(uow)
    with pytest.raises(RuleViolation) as own:
        services.confirm_service(uow, pending.id, by="m1", on=D(2026, 3, 7))
    assert own.value.code == "record.transition"
    services.confirm_service(uow, pending.id, by="organiser-1", on=D(2026, 3, 7))
    decisions: tuple[Callable[[], object], ...] = (
        lambda: services.confirm_service(uow, pending.id, by="organiser-1", on=D(2026, 3, 8)),
        lambda: services.reject_service(uow, pending.id, by="organiser-1", on=D(2026, 3, 8), reason="x"),
    )
    for decide in decisions:
        with pytest.raises(RuleViolation) as again:
            decide()
        assert again.value.code == "record.transition"
    organiser_entry = services.record_service(
        uow, member_id="m2", activity_id="a1", minutes=60, recorded_on=D(2026, 3, 5)
    )
    with pytest.raises(RuleViolation):
        services.confirm_service(uow, organiser_entry.id, by="organiser-1", on=D(2026, 3, 8))


def test_a_decision_cannot_precede_the_report(uow: InMemoryUnitOfWork) -> None:
    pending = report(uow, recorded_on=D(2026, 3, 20))
    with pytest.raises(InvalidInput):
        services.confirm_service(uow, pending.id, by="organiser-1", on=D(2026, 3, 19))


def test_pending_and_rejected_minutes_count_nowhere(uow: InMemoryUnitOfWork) -> None:
    confirmed = report(uow, 120)
    services.confirm_service(uow, confirmed.id, by="organiser-1", on=D(2026, 3, 7))
    pending = report(uow, 150)  # stays pending
    rejected = report(uow, 170)
    services.reject_service(uow, rejected.id, by="organiser-1", on=D(2026, 3, 7), reason="重复申报")
    with uow:
        member = uow.members.get("m1")
        records = uow.records.for_member("m1", 2026)
    assert len(records) == 3
    year = evaluate_member_year(member, records, 2026, as_of=D(2026, 3, 31))
    assert year.net_minutes == 120
    assert year.community_sessions[2] == 1
    report_ = services.evaluate_year(uow, 2026, as_of=D(2026, 3, 31))
    assert report_.members["m1"].net_minutes == 120
    # and a pending or rejected record cannot be reversed or adjusted
    for record_id in (pending.id, rejected.id):
        with pytest.raises(RuleViolation) as caught:
            services.reverse_service(uow, record_id, on=D(2026, 4, 1))
        assert caught.value.code == "record.status"
        with pytest.raises(RuleViolation):
            services.adjust_service(uow, record_id, minutes=10, on=D(2026, 4, 1))


def test_a_locked_year_refuses_a_reversal_a_confirmation_a_rejection_and_new_records(
    uow: InMemoryUnitOfWork,
) -> None:
    entry = services.record_service(
        uow, member_id="m1", activity_id="a25", minutes=60, recorded_on=D(2025, 12, 20)
    )
    pending = report(uow, 60, activity="a25", recorded_on=D(2025, 12, 22))
    other = report(uow, 60, activity="a25", member="m2", recorded_on=D(2025, 12, 22))
    services.lock_year(uow, "b1", 2025)
    refused: list[Callable[[], object]] = [
        lambda: services.reverse_service(uow, entry.id, on=D(2026, 1, 10)),
        lambda: services.confirm_service(uow, pending.id, by="organiser-1", on=D(2026, 1, 10)),
        lambda: services.reject_service(uow, other.id, by="organiser-1", on=D(2026, 1, 10), reason="迟报"),
        lambda: services.record_service(uow, member_id="m2", activity_id="a25", minutes=30),
        lambda: report(uow, 30, activity="a25", member="m2", recorded_on=D(2026, 1, 10)),
    ]
    for call in refused:
        with pytest.raises(RuleViolation) as caught:
            call()
        assert caught.value.code == "ledger.year_locked"
        assert caught.value.violation.details == {"branch_id": "b1", "year": 2025}
    assert stored(uow, pending.id).status is RecordStatus.PENDING  # untouched
    # the correction goes into an open year
    adjustment = services.adjust_service(uow, entry.id, minutes=-60, on=D(2026, 1, 10))
    assert (adjustment.on, adjustment.adjusts) == (D(2026, 1, 10), entry.id)
    # another branch's 2025 is not locked
    services.record_service(uow, member_id="m3", activity_id="a35", minutes=30, on=D(2025, 12, 20))


def test_at_most_max_sessions_per_day_per_member_and_activity(uow: InMemoryUnitOfWork) -> None:
    for _ in range(3):
        services.record_service(uow, member_id="m1", activity_id="a1", minutes=30, recorded_on=DAY)
    with pytest.raises(RuleViolation) as caught:
        services.record_service(uow, member_id="m1", activity_id="a1", minutes=30, recorded_on=DAY)
    assert caught.value.code == "record.sessions_per_day"
    assert caught.value.violation.details["sessions"] == 3
    with pytest.raises(RuleViolation):
        report(uow, 30)  # a self-report takes a session too
    # another activity, another member or another day is another count
    services.record_service(uow, member_id="m1", activity_id="a2", minutes=30, recorded_on=DAY)
    services.record_service(uow, member_id="m2", activity_id="a1", minutes=30, recorded_on=DAY)
    services.record_service(
        uow, member_id="m1", activity_id="a1", minutes=30, on=D(2026, 3, 6), recorded_on=DAY
    )


def test_rejected_and_reversed_sessions_free_their_place(uow: InMemoryUnitOfWork) -> None:
    first = services.record_service(uow, member_id="m1", activity_id="a1", minutes=30, recorded_on=DAY)
    services.record_service(uow, member_id="m1", activity_id="a1", minutes=30, recorded_on=DAY)
    pending = report(uow, 30)
    with pytest.raises(RuleViolation):
        report(uow, 30)
    services.reject_service(uow, pending.id, by="organiser-1", on=D(2026, 3, 7), reason="重复")
    services.record_service(uow, member_id="m1", activity_id="a1", minutes=30, recorded_on=DAY)
    with pytest.raises(RuleViolation):
        services.record_service(uow, member_id="m1", activity_id="a1", minutes=30, recorded_on=DAY)
    services.reverse_service(uow, first.id, on=D(2026, 3, 7))
    services.record_service(uow, member_id="m1", activity_id="a1", minutes=30, recorded_on=DAY)


def test_the_limit_is_a_policy_value(uow: InMemoryUnitOfWork) -> None:
    import attrs

    from volunteer_core import policies

    one = attrs.evolve(policies.DEFAULT, max_sessions_per_day=1)
    services.record_service(uow, member_id="m1", activity_id="a2", minutes=30, policy=one)
    with pytest.raises(RuleViolation):
        services.record_service(uow, member_id="m1", activity_id="a2", minutes=30, policy=one)
    with pytest.raises(RuleViolation):
        services.record_services(uow, [{"member_id": "m1", "activity_id": "a2", "minutes": 30}], policy=one)
    services.record_service(uow, member_id="m1", activity_id="a2", minutes=30)  # DEFAULT: 3


def test_minutes_may_not_exceed_the_activitys_length(uow: InMemoryUnitOfWork) -> None:
    services.record_service(uow, member_id="m1", activity_id="a1", minutes=180)
    calls: tuple[Callable[[], object], ...] = (
        lambda: services.record_service(uow, member_id="m2", activity_id="a1", minutes=181),
        lambda: report(uow, 181, member="m2"),
    )
    for call in calls:
        with pytest.raises(RuleViolation) as caught:
            call()
        assert caught.value.code == "record.duration"
        assert caught.value.violation.details == {"minutes": 181, "duration_minutes": 180}
    services.record_service(uow, member_id="m2", activity_id="a2", minutes=600)  # no length stated


def test_a_late_organiser_entry_is_confirmed_and_flagged_by_validate_record(uow: InMemoryUnitOfWork) -> None:
    from volunteer_core import validate_record

    late = services.record_service(
        uow, member_id="m1", activity_id="a1", minutes=60, recorded_on=D(2026, 4, 30)
    )
    assert late.status is RecordStatus.CONFIRMED
    assert [v.code for v in validate_record(late)] == ["record.timeliness"]


def test_a_bulk_batch_counts_sessions_by_member_activity_and_day(uow: InMemoryUnitOfWork) -> None:
    """Three sessions a day each: of a1 on both its days, of a2 the same day, of another member — all
    stored in one batch; a fourth of a1 on its second day is refused in the next batch (the stored ones
    count), after a first session of that day for m2 that is not."""

    def session(member: str, activity: str, on: date) -> dict[str, object]:
        return {"member_id": member, "activity_id": activity, "minutes": 30, "on": on}

    second = D(2026, 3, 6)
    items = [
        *[session("m1", "a1", DAY)] * 3,
        *[session("m1", "a1", second)] * 3,
        *[session("m1", "a2", DAY)] * 3,
        *[session("m2", "a1", DAY)] * 3,
    ]
    assert len(services.record_services(uow, items)) == 12
    with pytest.raises(RuleViolation) as caught:
        services.record_services(uow, [session("m2", "a1", second), session("m1", "a1", second)])
    assert (caught.value.code, caught.value.violation.details["sessions"]) == ("record.sessions_per_day", 3)
    with uow:
        assert len(uow.records.for_member("m1", 2026)) == 9


def test_sessions_are_counted_within_one_bulk_batch(uow: InMemoryUnitOfWork) -> None:
    item = {"member_id": "m1", "activity_id": "a2", "minutes": 30}
    assert len(services.record_services(uow, [item] * 3)) == 3
    with pytest.raises(RuleViolation) as caught:
        services.record_services(uow, [{**item, "activity_id": "a1"}] * 4)
    assert caught.value.code == "record.sessions_per_day"
    with uow:
        assert len(uow.records.for_member("m1", 2026)) == 3  # the refused batch rolled back whole
