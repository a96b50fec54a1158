"""Tests of volunteer_core.testing.strategies.activity: activities, service records and reversals."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from strategies_support import codes, rebuilt

import volunteer_core as vc
from volunteer_core import calendar
from volunteer_core.rules import check_activity
from volunteer_core.testing import strategies as vcst


@given(vcst.activities())
def test_activities_are_valid(activity: vc.Activity) -> None:
    assert rebuilt(activity) == activity
    assert check_activity(activity) == []
    assert check_activity(activity, vc.policies.MCA_LEIFENG) == []  # a summary is always written
    if activity.kind is vc.ActivityKind.TEAM_CAMPAIGN:
        assert activity.team_id is not None


@given(vcst.activities(kind=vc.ActivityKind.FESTIVAL, year=2026, branch_id="b-1"))
def test_festival_activities_fall_in_the_window(activity: vc.Activity) -> None:
    assert activity.on.year == 2026
    assert activity.branch_id == "b-1"
    assert calendar.within_festival_window(activity.on) is not None


@given(vcst.activities(invalid="activity.festival_window", year=2026))
def test_activities_breaking_the_festival_window(activity: vc.Activity) -> None:
    assert activity.kind is vc.ActivityKind.FESTIVAL
    assert codes(check_activity(activity)) == ["activity.festival_window"]


@given(vcst.service_records())
def test_service_records_are_ordinary(record: vc.ServiceRecord) -> None:
    assert rebuilt(record) == record
    assert 1 <= record.minutes <= 1440
    assert record.reverses is None
    assert record.adjusts is None
    assert record.status is vc.RecordStatus.CONFIRMED
    assert record.recorded_on is None or 0 <= (record.recorded_on - record.on).days <= 5


@given(st.data())
def test_service_records_copy_their_activity(data: st.DataObject) -> None:
    activity = data.draw(vcst.activities())
    record = data.draw(vcst.service_records(activity=activity, member_id=["m-1", "m-2"], max_minutes=60))
    assert (record.activity_id, record.kind, record.branch_id, record.on) == (
        activity.id,
        activity.kind,
        activity.branch_id,
        activity.on,
    )
    assert record.member_id in {"m-1", "m-2"}
    assert record.minutes <= 60


@given(vcst.reversals())
def test_reversals(pair: tuple[vc.ServiceRecord, vc.ServiceRecord]) -> None:
    original, reversal = pair
    assert reversal.reverses == original.id != reversal.id
    assert reversal.minutes == -original.minutes
    assert (reversal.member_id, reversal.activity_id, reversal.on) == (
        original.member_id,
        original.activity_id,
        original.on,
    )


@given(st.lists(vcst.service_records(), max_size=6, unique_by=lambda r: r.id).flatmap(vcst.with_reversals))
def test_with_reversals(ledger: list[vc.ServiceRecord]) -> None:
    assert len({r.id for r in ledger}) == len(ledger)
    by_id = {r.id: r for r in ledger}
    reversed_ids = [r.reverses for r in ledger if r.reverses is not None]
    assert len(reversed_ids) == len(set(reversed_ids))
    for r in ledger:
        if r.reverses is not None:
            assert by_id[r.reverses].minutes == -r.minutes
