"""``validate_record(..., member=, qualifications=)`` judges the record's member insured and trained on the
record's date; without a member it judges what it judged before; corrections are not judged."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest

from volunteer_core import (
    Activity,
    InvalidInput,
    Member,
    Qualification,
    RecordStatus,
    ServiceRecord,
    policies,
    validate_record,
)
from volunteer_core.policies import Policy

DAY = date(2026, 3, 5)
ACTIVITY = Activity(
    id="a1", kind="community_service", branch_id="b1", on=DAY, title="马拉松医疗保障", requires={"急救"}
)
MEMBER = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1), insured_until=DAY)
HELD = Qualification(id="q1", member_id="m1", name="急救", earned_on=date(2025, 1, 1), expires_on=DAY)
RECORD = ServiceRecord.for_activity(ACTIVITY, id="r1", member_id="m1", minutes=60, recorded_on=DAY)


def codes(
    record: ServiceRecord = RECORD,
    policy: Policy = policies.DEFAULT,
    *,
    activity: Activity | None = None,
    member: Member | None = None,
    qualifications: list[Qualification] | None = None,
) -> list[str]:
    found = validate_record(record, policy, activity=activity, member=member, qualifications=qualifications)
    return [v.code for v in found]


def test_without_a_member_nothing_changes() -> None:
    assert codes() == []
    assert codes(activity=ACTIVITY) == []
    assert codes(RECORD, policies.MEILIE_2017, activity=ACTIVITY, qualifications=[]) == []


def test_the_member_is_judged_on_the_records_date() -> None:
    assert codes(RECORD, policies.MEILIE_2017, activity=ACTIVITY, member=MEMBER, qualifications=[HELD]) == []
    later = attrs.evolve(RECORD, on=DAY + timedelta(days=1), recorded_on=DAY + timedelta(days=1))
    span = attrs.evolve(ACTIVITY, until=DAY + timedelta(days=1))
    assert codes(later, policies.MEILIE_2017, activity=span, member=MEMBER, qualifications=[HELD]) == [
        "member.uninsured",
        "member.untrained",
    ]
    found = validate_record(later, policies.MEILIE_2017, activity=span, member=MEMBER, qualifications=[HELD])
    assert [v.source for v in found] == ["003 §四.5", policies.NATIONAL.sources["member.untrained"]]


def test_no_qualifications_given_means_none_held() -> None:
    assert codes(activity=ACTIVITY, member=MEMBER) == ["member.untrained"]
    assert codes(activity=ACTIVITY, member=MEMBER, qualifications=[HELD]) == []


def test_without_the_activity_only_insurance_is_judged() -> None:
    bare = attrs.evolve(MEMBER, insured_until=None)
    assert codes(RECORD, policies.MEILIE_2017, member=bare) == ["member.uninsured"]
    assert codes(RECORD, policies.DEFAULT, member=bare) == []


def test_corrections_and_rejected_records_are_not_judged() -> None:
    bare = attrs.evolve(MEMBER, insured_until=None)
    reversal = RECORD.reversal(id="v1", recorded_on=DAY)
    assert codes(reversal, policies.MEILIE_2017, activity=ACTIVITY, member=bare) == []
    rejected = attrs.evolve(RECORD, status=RecordStatus.REJECTED)
    assert "member.uninsured" not in codes(rejected, policies.MEILIE_2017, member=bare)
    pending = attrs.evolve(RECORD, status=RecordStatus.PENDING)
    assert codes(pending, policies.MEILIE_2017, member=bare) == ["record.status", "member.uninsured"]


def test_the_member_must_be_the_records_own() -> None:
    with pytest.raises(InvalidInput) as caught:
        validate_record(RECORD, member=attrs.evolve(MEMBER, id="m2"))
    assert caught.value.path == "member"
    with pytest.raises(InvalidInput):
        validate_record(RECORD, member="m1")  # type: ignore[arg-type]
