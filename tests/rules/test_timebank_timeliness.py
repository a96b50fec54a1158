"""``record.timeliness`` at the edges: the 10th vs the 11th official working day across 国庆 and the
调休 weekend days, and years beyond the official calendar's data."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from volunteer_core import Activity, InvalidInput, ServiceRecord, policies, validate_record
from volunteer_core import workdays as wd
from volunteer_core.rules.timebank import check_timeliness

D = date


def rec(on: date, recorded_on: date | None, **kw: object) -> ServiceRecord:
    return ServiceRecord(
        id="r1",
        member_id="m1",
        activity_id="a1",
        branch_id="b1",
        kind="community_service",
        on=on,
        minutes=60,
        recorded_on=recorded_on,
        **kw,  # type: ignore[arg-type]
    )


def codes(record: ServiceRecord, policy: policies.Policy = policies.DEFAULT) -> list[str]:
    return [v.code for v in validate_record(record, policy)]


# 2025: 国庆+中秋 10-01 … 10-08 off; Sunday 09-28 and Saturday 10-11 are worked (调休).
# 2026: 国庆 10-01 … 10-07 off; Sunday 09-20 and Saturday 10-10 are worked.


def test_the_official_calendar_knows_the_holidays_and_the_make_up_days() -> None:
    assert not wd.is_working_day(D(2025, 10, 8))  # a Wednesday of the holiday
    assert wd.is_working_day(D(2025, 10, 11))  # a Saturday worked
    assert wd.is_working_day(D(2025, 9, 28))  # a Sunday worked
    assert not wd.is_working_day(D(2025, 10, 12))  # an ordinary Sunday
    assert wd.is_working_day(D(2026, 10, 10))
    assert not wd.is_working_day(D(2026, 10, 7))


@pytest.mark.parametrize(
    ("on", "tenth", "eleventh"),
    [
        # 9-30 → 10-09, 10-10, 10-11 (Sat, 调休), 10-13 … 10-17, 10-20, 10-21 is the 10th
        (D(2025, 9, 30), D(2025, 10, 21), D(2025, 10, 22)),
        # 9-30 → 10-08, 10-09, 10-10 (Sat, 调休), 10-12 … 10-16, 10-19, 10-20 is the 10th
        (D(2026, 9, 30), D(2026, 10, 20), D(2026, 10, 21)),
    ],
)
def test_tenth_working_day_is_in_time_the_eleventh_is_late(on: date, tenth: date, eleventh: date) -> None:
    assert wd.nth_working_day_after(on, 10) == tenth
    assert wd.working_days_between(on, tenth) == 10
    assert wd.working_days_between(on, eleventh) == 11
    assert codes(rec(on, tenth)) == []
    assert codes(rec(on, eleventh)) == ["record.timeliness"]
    late = validate_record(rec(on, eleventh))[0]
    assert late.details["deadline"] == tenth.isoformat()
    assert late.severity.value == "warning"


def test_a_make_up_saturday_counts_where_monday_to_friday_would_not() -> None:
    # from 2025-09-30, Monday–Friday counting would reach its 10th working day only on 10-22
    on, saturday_worked = D(2025, 9, 30), D(2025, 10, 11)
    assert wd.working_days_between(on, saturday_worked) == 3  # 10-09, 10-10 and the Saturday
    assert codes(rec(on, D(2025, 10, 22))) == ["record.timeliness"]


def test_a_make_up_sunday_before_the_holiday_counts() -> None:
    # 2025-09-26 (Fri) → 09-28 (Sun, worked), 09-29, 09-30, 10-09, 10-10, 10-11 (Sat), 10-13 … 10-16
    assert wd.nth_working_day_after(D(2025, 9, 26), 10) == D(2025, 10, 16)
    assert codes(rec(D(2025, 9, 26), D(2025, 10, 16))) == []
    assert codes(rec(D(2025, 9, 26), D(2025, 10, 17))) == ["record.timeliness"]


def test_the_limit_is_a_policy_value() -> None:
    strict = attrs.evolve(policies.DEFAULT, record_within_working_days=3)
    assert codes(rec(D(2025, 9, 30), D(2025, 10, 11)), strict) == []
    assert codes(rec(D(2025, 9, 30), D(2025, 10, 13)), strict) == ["record.timeliness"]


def test_records_without_entry_date_reversals_and_adjustments_are_not_judged() -> None:
    assert codes(rec(D(2025, 9, 30), None)) == []
    original = rec(D(2025, 1, 6), D(2025, 1, 6))
    reversal = original.reversal(id="r2", recorded_on=D(2025, 6, 30))
    assert check_timeliness(reversal) == []
    adjustment = attrs.evolve(original, id="r3", adjusts="r1", recorded_on=D(2025, 6, 30))
    assert check_timeliness(adjustment) == []


def test_a_year_beyond_the_calendar_raises_when_the_policy_says_so() -> None:
    assert 2099 not in wd.covered_years()
    strict = attrs.evolve(policies.DEFAULT, beyond_official_calendar="raise")
    with pytest.raises(InvalidInput) as caught:
        validate_record(rec(D(2099, 3, 2), D(2099, 4, 30)), strict)
    assert caught.value.code == "calendar.unknown_year"
    with pytest.raises(InvalidInput):
        wd.is_working_day(D(2003, 6, 2))


def test_a_year_beyond_the_calendar_warns_by_default() -> None:
    found = validate_record(rec(D(2099, 3, 2), D(2099, 4, 30)))
    assert [v.code for v in found] == ["record.timeliness_unknown"]
    assert found[0].details["year"] == 2099


def test_no_calendar_is_needed_when_the_span_cannot_exceed_the_limit() -> None:
    # ten calendar days hold at most ten working days, whatever the calendar says
    assert codes(rec(D(2099, 3, 2), D(2099, 3, 12))) == []


def test_the_answer_is_found_before_the_data_runs_out() -> None:
    last = max(wd.covered_years())
    on = D(last, 12, 1)
    # the 11th working day after 1 December lies in December: late, whatever next year holds
    assert codes(rec(on, D(last + 1, 1, 20))) == ["record.timeliness"]


def test_the_policy_switch_is_validated() -> None:
    with pytest.raises(InvalidInput):
        attrs.evolve(policies.DEFAULT, beyond_official_calendar="guess")


def test_validate_record_checks_the_length_of_its_own_activity() -> None:
    activity = Activity(
        id="a1", kind="community_service", branch_id="b1", on=D(2025, 3, 5), title="清扫", duration_minutes=60
    )
    fits = ServiceRecord.for_activity(activity, id="r1", member_id="m1", minutes=60)
    over = ServiceRecord.for_activity(activity, id="r2", member_id="m1", minutes=61)
    assert validate_record(fits, activity=activity) == []
    assert [v.code for v in validate_record(over, activity=activity)] == ["record.duration"]
    other = attrs.evolve(activity, id="a2")
    with pytest.raises(InvalidInput):
        validate_record(fits, activity=other)


def test_validate_record_names_pending_and_rejected_records() -> None:
    assert codes(rec(D(2025, 3, 5), None, status="pending")) == ["record.status"]
    assert codes(rec(D(2025, 3, 5), None, status="rejected")) == ["record.status"]
