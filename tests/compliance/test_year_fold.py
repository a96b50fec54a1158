"""The pass of ``evaluate_year`` (``compliance._fold``: ordinary records counted inline, every other one by
the member's ``Tally``) against the one-member reference, ``evaluate_member_year``, on drawn years whose
records go down every path: on their activity's first day or a later day of its span, off its days
(misdated, also in other years), of another kind than their activity, reversed (misdated originals
included; the reversal before or after its original), adjusted, pending or rejected, of an activity not given, of members not judged — with and
without ``as_of``, and under 双报到. Also: the records read and unmatched, in a list or streamed."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
from hypothesis import given, settings
from hypothesis import strategies as st

import volunteer_core as vc
from volunteer_core import ActivityKind, CommunityRegistration, RecordStatus, ServiceRecord, policies
from volunteer_core.testing import strategies as vst

YEAR = 2026
_CHANGES = (
    "keep",
    "keep",
    "keep",
    "misdate",
    "other_year",
    "kind",
    "pending",
    "rejected",
    "adjust",
    "reverse",
)


def _disturbed(records: tuple[ServiceRecord, ...], data: st.DataObject) -> list[ServiceRecord]:
    out: list[ServiceRecord] = []
    for i, record in enumerate(records):
        change = data.draw(st.sampled_from(_CHANGES)) if record.reverses is None else "keep"
        recorded = record.recorded_on or record.on
        if change == "misdate":
            day = date(YEAR, 1, 1) + timedelta(days=data.draw(st.integers(0, 364)))
            record = attrs.evolve(record, on=day, recorded_on=max(day, recorded))
        elif change == "other_year":
            day = record.on.replace(year=YEAR + data.draw(st.sampled_from([-1, 1])), day=1)
            record = attrs.evolve(record, on=day, recorded_on=max(day, recorded))
        elif change == "kind":
            kinds = [k for k in ActivityKind if k is not record.kind]
            record = attrs.evolve(record, kind=data.draw(st.sampled_from(kinds)))
        elif change == "pending":
            record = attrs.evolve(record, status=RecordStatus.PENDING, decided_by=None, decided_on=None)
        elif change == "rejected":
            record = attrs.evolve(record, status=RecordStatus.REJECTED, reason="不实")
        out.append(record)
        if change == "adjust":
            minutes = data.draw(st.sampled_from([-30, 45]))
            out.append(attrs.evolve(record, id=f"adj-{i}", adjusts=record.id, minutes=minutes))
        elif change == "reverse" and record.status is RecordStatus.CONFIRMED:
            out.append(record.reversal(id=f"rev-{i}", recorded_on=max(recorded, record.on)))
    return out


@settings(max_examples=80, deadline=None)
@given(
    vst.datasets(reversals=True, joint=True, max_records=80),
    st.data(),
    st.sampled_from([None, date(2026, 3, 31), date(2026, 9, 15), date(2025, 12, 31), date(2027, 1, 5)]),
)
def test_evaluate_year_equals_evaluate_member_year_on_every_path(
    dataset: vst.Dataset, data: st.DataObject, as_of: date | None
) -> None:
    records = _disturbed(dataset.records, data)
    if data.draw(st.booleans()):  # any order: a reversal may come before its original
        records = data.draw(st.permutations(records))
    given_activities = [
        a for a in dataset.activities if data.draw(st.booleans()) or a.kind is ActivityKind.PAIRING
    ]
    if data.draw(st.booleans()):
        given_activities = given_activities[: len(given_activities) // 2]
    pairings = [p for p in dataset.pairings if data.draw(st.integers(0, 9)) > 0]
    judged = [m for m in dataset.members if data.draw(st.integers(0, 4)) > 0]
    streamed = data.draw(st.booleans())
    report = vc.evaluate_year(
        YEAR,
        members=judged,
        records=iter(records) if streamed else records,
        activities=given_activities,
        pairings=pairings,
        as_of=as_of,
    )
    assert list(report.members) == [m.id for m in judged]
    for member in judged:
        alone = vc.evaluate_member_year(
            member, records, YEAR, as_of=as_of, activities=given_activities, pairings=pairings
        )
        assert report.members[member.id] == alone
        assert repr(report.members[member.id]) == repr(alone)
    ids = {m.id for m in judged}
    assert report.records_read == len(records)
    assert report.unmatched_records == sum(1 for r in records if r.member_id not in ids)


@settings(max_examples=40, deadline=None)
@given(vst.datasets(reversals=True, joint=True, max_records=60), st.data())
def test_evaluate_year_equals_evaluate_member_year_under_dual_registration(
    dataset: vst.Dataset, data: st.DataObject
) -> None:
    records = _disturbed(dataset.records, data)
    communities = ["c1", "c2"]
    activities = [
        attrs.evolve(a, community=data.draw(st.sampled_from([None, *communities])))
        if a.kind is ActivityKind.COMMUNITY_SERVICE
        else a
        for a in dataset.activities
    ]
    registrations = [
        CommunityRegistration(
            id=f"cr-{i}",
            member_id=m.id,
            community=data.draw(st.sampled_from(communities)),
            period=vc.DateRange(date(YEAR, data.draw(st.integers(1, 12)), 1)),
        )
        for i, m in enumerate(dataset.members)
        if data.draw(st.booleans())
    ]
    policy = attrs.evolve(policies.PUTIAN_2022, community_service_where_registered=True)
    report = vc.evaluate_year(
        YEAR,
        members=dataset.members,
        records=records,
        activities=activities,
        pairings=dataset.pairings,
        policy=policy,
        registrations=registrations,
    )
    for member in dataset.members:
        alone = vc.evaluate_member_year(
            member,
            records,
            YEAR,
            policy=policy,
            activities=activities,
            pairings=dataset.pairings,
            registrations=registrations,
        )
        assert report.members[member.id] == alone


def test_a_record_of_another_kind_than_its_activity_counts_by_its_own_kind() -> None:
    member = vc.Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1), skills={"急救"})
    festival = vc.Activity(id="a1", kind="festival", branch_id="b1", on=date(2026, 2, 3), title="春节")
    campaign = vc.Activity(
        id="a2",
        kind="team_campaign",
        branch_id="b1",
        on=date(2026, 5, 1),
        until=date(2026, 5, 2),
        title="活动",
    )
    records = [
        ServiceRecord(
            id="r1",
            member_id="m1",
            activity_id="a1",
            branch_id="b1",
            kind="caring_action",
            on=date(2026, 2, 3),
            minutes=60,
        ),
        ServiceRecord(
            id="r2",
            member_id="m1",
            activity_id="a2",
            branch_id="b1",
            kind="community_service",
            on=date(2026, 5, 2),
            minutes=60,
        ),
    ]
    report = vc.evaluate_year(YEAR, members=[member], records=records, activities=[festival, campaign])
    year = report.members["m1"]
    assert (year.caring_actions, year.community_sessions[4], year.attendances) == (1, 1, 2)
    assert year == vc.evaluate_member_year(member, records, YEAR, activities=[festival, campaign])


def _pairing_year(order: list[int]) -> vc.MemberYear:
    """The year of a member with two records at one 共建 (PAIRING) activity of the member's branch and the
    reversal of the first, read in ``order`` (indexes into original, second, reversal)."""
    member = vc.Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1))
    activity = vc.Activity(id="a1", kind="pairing", branch_id="b1", on=date(YEAR, 4, 3), title="走访")
    first = ServiceRecord(
        id="r1",
        member_id="m1",
        activity_id="a1",
        branch_id="b1",
        kind="pairing",
        on=date(YEAR, 4, 3),
        minutes=120,
    )
    second = attrs.evolve(first, id="r2")
    reversal = first.reversal(id="r3", recorded_on=date(YEAR, 4, 5))
    records = [(first, second, reversal)[i] for i in order]
    report = vc.evaluate_year(YEAR, members=[member], records=records, activities=[activity])
    return report.members["m1"]


def test_a_reversal_counted_inline_cancels_its_original_in_any_order() -> None:
    for order in ([0, 2], [2, 0]):  # the only record and its reversal: the activity does not count
        year = _pairing_year(order)
        assert (year.branch_activities, year.net_minutes, year.attendances) == (0, 0, 0)
        assert "member.branch_activities" in year.codes
    for order in ([0, 1, 2], [2, 0, 1], [1, 2, 0]):  # two records, one reversed: it counts once
        year = _pairing_year(order)
        assert (year.branch_activities, year.net_minutes, year.attendances) == (1, 120, 1)
