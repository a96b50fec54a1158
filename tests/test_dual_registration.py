"""双报到: community service counts toward the monthly rule only where the member is registered (when the
policy says so), and the quarterly feedback per employer branch."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import attrs
import pytest

from volunteer_core import (
    Activity,
    Branch,
    CommunityRegistration,
    DateRange,
    InvalidInput,
    Member,
    RecordStatus,
    ServiceRecord,
    evaluate_member_year,
    evaluate_year,
    policies,
    services,
)
from volunteer_core.feedback import quarter_range, quarterly_feedback
from volunteer_core.storage.memory import InMemoryUnitOfWork

D = date
WHERE_REGISTERED = attrs.evolve(policies.DEFAULT, community_service_where_registered=True)
M1 = Member(id="m1", name="张三", branch_id="b1", joined_on=D(2020, 1, 1), skills={"急救"})
M2 = Member(id="m2", name="李四", branch_id="b2", joined_on=D(2020, 1, 1), community="凤山社区")

# one community-service activity a month in 凤山社区 (Jan–Jun) and in 龙桥社区 (Jul–Dec)
ACTIVITIES = [
    Activity(
        id=f"a{month:02d}",
        kind="community_service",
        branch_id="b1",
        on=D(2026, month, 10),
        title="社区服务",
        community="凤山社区" if month <= 6 else "龙桥社区",
    )
    for month in range(1, 13)
]
NOWHERE = Activity(id="a-none", kind="community_service", branch_id="b1", on=D(2026, 3, 20), title="无社区")
REGISTRATIONS = [
    CommunityRegistration(
        id="cr1", member_id="m1", community="凤山社区", period=DateRange(D(2025, 1, 1), D(2026, 6, 30))
    ),
    CommunityRegistration(id="cr2", member_id="m1", community="龙桥社区", period=DateRange(D(2026, 9, 1))),
]


def records_of(member: Member, activities: list[Activity]) -> list[ServiceRecord]:
    return [
        ServiceRecord.for_activity(a, id=f"{member.id}-{a.id}", member_id=member.id, minutes=120)
        for a in activities
    ]


def test_off_by_default_every_community_service_counts() -> None:
    assert policies.DEFAULT.community_service_where_registered is False
    year = evaluate_member_year(M1, records_of(M1, ACTIVITIES), 2026)
    assert year.months_missing == ()


def test_only_service_where_registered_that_day_counts() -> None:
    year = evaluate_member_year(
        M1,
        records_of(M1, ACTIVITIES),
        2026,
        policy=WHERE_REGISTERED,
        activities=ACTIVITIES,
        registrations=REGISTRATIONS,
    )
    assert year.months_missing == (7, 8)  # 龙桥 before the registration of 1 September
    assert year.net_minutes == 12 * 120  # the hours count anyway


def test_registration_boundaries_are_inclusive() -> None:
    edge = [
        attrs.evolve(ACTIVITIES[5], id="jun30", on=D(2026, 6, 30)),
        attrs.evolve(ACTIVITIES[8], id="sep01", on=D(2026, 9, 1)),
        attrs.evolve(ACTIVITIES[7], id="aug31", on=D(2026, 8, 31)),
    ]
    year = evaluate_member_year(
        M1, records_of(M1, edge), 2026, policy=WHERE_REGISTERED, activities=edge, registrations=REGISTRATIONS
    )
    assert year.community_sessions[5] == 1
    assert year.community_sessions[8] == 1
    assert year.community_sessions[7] == 0


def test_without_registrations_the_members_community_is_used() -> None:
    year = evaluate_member_year(
        M2, records_of(M2, ACTIVITIES), 2026, policy=WHERE_REGISTERED, activities=ACTIVITIES
    )
    assert year.months_missing == tuple(range(7, 13))
    nobody = attrs.evolve(M2, community=None)
    assert evaluate_member_year(
        nobody, records_of(nobody, ACTIVITIES), 2026, policy=WHERE_REGISTERED, activities=ACTIVITIES
    ).months_missing == tuple(range(1, 13))


def test_an_activity_without_community_or_unknown_never_counts_when_switched_on() -> None:
    records = records_of(M2, [NOWHERE])
    year = evaluate_member_year(M2, records, 2026, policy=WHERE_REGISTERED, activities=[NOWHERE])
    assert year.community_sessions[2] == 0
    assert evaluate_member_year(M2, records, 2026, policy=WHERE_REGISTERED).community_sessions[2] == 0


def test_a_reversal_cancels_the_registered_session() -> None:
    records = records_of(M2, ACTIVITIES[:1])
    reversal = records[0].reversal(id="rv", recorded_on=D(2026, 1, 20))
    year = evaluate_member_year(
        M2, [*records, reversal], 2026, policy=WHERE_REGISTERED, activities=ACTIVITIES, as_of=D(2026, 1, 31)
    )
    assert year.community_sessions[0] == 0
    assert year.months_missing == (1,)


def test_evaluate_year_agrees_and_reads_records_and_activities_once() -> None:
    members = [M1, M2]
    every = [*records_of(M1, ACTIVITIES), *records_of(M2, ACTIVITIES)]
    consumed: list[str] = []

    def stream() -> Iterator[ServiceRecord]:
        for record in every:
            consumed.append(record.id)
            yield record

    report = evaluate_year(
        2026,
        members=members,
        records=stream(),
        activities=(a for a in ACTIVITIES),
        registrations=iter(REGISTRATIONS),
        policy=WHERE_REGISTERED,
    )
    assert len(consumed) == len(every)
    for member in members:
        alone = evaluate_member_year(
            member,
            every,
            2026,
            policy=WHERE_REGISTERED,
            activities=ACTIVITIES,
            registrations=REGISTRATIONS,
        )
        assert report.members[member.id].months_missing == alone.months_missing
    assert report.members["m1"].months_missing == (7, 8)
    assert (
        any(v.subject_id == "a01" for v in report.violations) is False
    )  # activities still judged, none broken


def test_the_stored_year_passes_registrations_through() -> None:
    uow = InMemoryUnitOfWork()
    services.add_entities(uow, [Branch(id="b1", name="一支部"), M1, *ACTIVITIES])
    services.record_services(
        uow,
        [{"member_id": "m1", "activity_id": a.id, "minutes": 120, "recorded_on": a.on} for a in ACTIVITIES],
    )
    off = services.evaluate_year(uow, 2026)
    on = services.evaluate_year(uow, 2026, policy=WHERE_REGISTERED, registrations=REGISTRATIONS)
    assert off.members["m1"].months_missing == ()
    assert on.members["m1"].months_missing == (7, 8)


def test_quarterly_feedback_per_employer_branch() -> None:
    left = Member(id="m9", name="赵六", branch_id="b1", joined_on=D(2020, 1, 1), left_on=D(2026, 3, 31))
    records = [
        *records_of(M1, ACTIVITIES[6:9]),  # Jul, Aug, Sep: 龙桥社区
        *records_of(M2, ACTIVITIES[6:9]),
        ServiceRecord.for_activity(
            ACTIVITIES[6], id="p", member_id="m1", minutes=60, status=RecordStatus.PENDING
        ),
        ServiceRecord(
            id="pair",
            member_id="m1",
            activity_id="x",
            branch_id="b1",
            kind="pairing",
            on=D(2026, 8, 1),
            minutes=90,
        ),
    ]
    reversal = records[1].reversal(id="rv", recorded_on=D(2026, 8, 20))
    feedback = quarterly_feedback(
        2026,
        3,
        members=[M1, M2, left],
        records=iter([*records, reversal]),
        activities=ACTIVITIES,
        registrations=REGISTRATIONS,
    )
    assert list(feedback) == ["b1", "b2"]
    (m1,) = feedback["b1"].members  # m9 left before the quarter
    assert (m1.minutes, m1.activities) == (120 * 2 + 90, 3)
    assert (m1.community_minutes, m1.community_activities) == (120, 1)  # September only: registered from 9-01
    (m2,) = feedback["b2"].members
    assert (m2.minutes, m2.activities, m2.community_minutes) == (360, 3, 0)  # 凤山 is m2's community
    rows = feedback["b1"].to_records()
    assert rows[0]["quarter"] == 3
    assert rows[0]["member_name"] == "张三"
    assert feedback["b1"].total_minutes == 330


def test_quarters() -> None:
    assert quarter_range(2026, 1) == DateRange(D(2026, 1, 1), D(2026, 3, 31))
    assert quarter_range(2028, 1).end == D(2028, 3, 31)
    for bad in (0, 5, True):
        with pytest.raises(InvalidInput):
            quarter_range(2026, bad)


def test_registration_is_validated() -> None:
    with pytest.raises(InvalidInput):
        CommunityRegistration(id="cr", member_id="m1", community=" ", period=DateRange(D(2026, 1, 1)))
    with pytest.raises(InvalidInput):
        CommunityRegistration(id="cr", member_id="m1", community="凤山社区", period=D(2026, 1, 1))  # type: ignore[arg-type]
