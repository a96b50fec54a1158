"""Activities and service records (``model/activity.py``): the decision on a record (confirm / reject), the
activity's length and community, their JSON round trip (and a community registration's)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from volunteer_core import (
    Activity,
    CommunityRegistration,
    DateRange,
    InvalidInput,
    RecordStatus,
    RuleViolation,
    ServiceRecord,
)
from volunteer_core import serialization as ser

D = date


def rec(**kw: Any) -> ServiceRecord:
    base: dict[str, Any] = {
        "id": "r1",
        "member_id": "m1",
        "activity_id": "a1",
        "branch_id": "b1",
        "kind": "community_service",
        "on": D(2026, 3, 5),
        "minutes": 60,
    }
    base.update(kw)
    return ServiceRecord(**base)


def test_defaults_keep_the_old_meaning() -> None:
    r = rec()
    assert (r.status, r.decided_by, r.decided_on, r.reason) == (RecordStatus.CONFIRMED, None, None, "")
    a = Activity(id="a1", kind="pairing", branch_id="b1", on=D(2026, 3, 5), title="探访")
    assert (a.duration_minutes, a.community) == (None, None)


@pytest.mark.parametrize(
    "bad",
    [
        {"status": "pending", "decided_by": "o1"},
        {"status": "pending", "decided_on": D(2026, 3, 6)},
        {"decided_on": D(2026, 3, 4)},  # before the service
        {"decided_by": " o1"},
        {"reason": None},
    ],
)
def test_decision_fields_are_validated(bad: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        rec(**bad)


@pytest.mark.parametrize("bad", [0, -5, 1441, True, 1.5, "60"])
def test_activity_length_is_whole_minutes_within_a_day(bad: Any) -> None:
    with pytest.raises(InvalidInput):
        Activity(
            id="a1", kind="pairing", branch_id="b1", on=D(2026, 3, 5), title="探访", duration_minutes=bad
        )


def test_pure_transitions() -> None:
    pending = rec(status="pending", recorded_on=D(2026, 3, 6))
    confirmed = pending.confirm(by="o1", on=D(2026, 3, 6))
    assert (confirmed.status, confirmed.decided_by, confirmed.decided_on) == (
        RecordStatus.CONFIRMED,
        "o1",
        D(2026, 3, 6),
    )
    rejected = pending.reject(by="o1", on=D(2026, 3, 9), reason="未签到")
    assert (rejected.status, rejected.reason) == (RecordStatus.REJECTED, "未签到")
    with pytest.raises(RuleViolation):
        confirmed.reject(by="o1", on=D(2026, 3, 9), reason="x")
    with pytest.raises(InvalidInput):
        pending.confirm(by="", on=D(2026, 3, 6))
    with pytest.raises(InvalidInput):
        pending.confirm(by="o1", on="2026-03-06")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "entity",
    [
        rec(status="rejected", decided_by="o1", decided_on=D(2026, 3, 6), reason="重复"),
        Activity(
            id="a1",
            kind="community_service",
            branch_id="b1",
            on=D(2026, 3, 5),
            title="清扫",
            duration_minutes=90,
            community="凤山社区",
        ),
        CommunityRegistration(
            id="cr1", member_id="m1", community="凤山社区", period=DateRange(D(2026, 1, 1), D(2026, 12, 31))
        ),
    ],
    ids=lambda e: type(e).__name__,
)
def test_json_round_trip(entity: Any) -> None:
    assert ser.from_json(type(entity), ser.to_json(entity)) == entity


# ---------------------------------------------------------------------------------------------------------
# ServiceRecord: minutes and reversals


@pytest.mark.parametrize("minutes", [0, -5, -1])
def test_record_minutes_must_be_positive_without_reverses(minutes: int) -> None:
    with pytest.raises(InvalidInput) as caught:
        rec(minutes=minutes)
    assert caught.value.path == "minutes"


def test_record_of_one_minute_is_fine() -> None:
    assert rec(minutes=1).minutes == 1


def test_reversal_carries_negative_minutes() -> None:
    reversal = rec(id="r2", minutes=-60, reverses="r1", recorded_on=D(2026, 3, 9))
    assert reversal.minutes == -60
    assert reversal.reverses == "r1"


def test_reversal_with_positive_minutes_is_invalid() -> None:
    with pytest.raises(InvalidInput) as caught:
        rec(id="r2", minutes=60, reverses="r1")
    assert caught.value.path == "minutes"


def test_record_minutes_must_be_an_int() -> None:
    with pytest.raises(InvalidInput) as caught:
        rec(minutes=1.5)
    assert caught.value.path == "minutes"
