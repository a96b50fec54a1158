"""One member's year (``evaluate_member_year``) at the edges domain.md names: 1200 / 1199 minutes,
reversals, own-branch pairing activities, caring actions, skills, record status, adjustments, and pending
annual totals under ``as_of``."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from compliance_support import ALL_MONTHS, YEAR, codes, full_year, member, of, rec, reversal_of

import volunteer_core as vc
from volunteer_core import (
    RecordStatus,
    ServiceRecord,
    Severity,
    evaluate_member_year,
    evaluate_year,
    policies,
)

D = date


# ---------------------------------------------------------------------------------------------------------
# evaluate_member_year: the baseline


def test_exported_at_top_level() -> None:
    assert vc.evaluate_member_year is evaluate_member_year
    assert vc.evaluate_year is evaluate_year


def test_full_year_is_compliant() -> None:
    my = evaluate_member_year(member(), full_year(), YEAR)
    assert list(my.violations) == []
    assert my.compliant is True
    assert my.net_minutes == 1200
    assert my.required_minutes == 1200
    assert my.months_required == ALL_MONTHS
    assert my.months_missing == ()
    assert my.branch_activities == 2
    assert my.caring_actions == 1


def test_1200_minutes_pass() -> None:
    my = evaluate_member_year(member(), full_year(caring_minutes=120), YEAR)
    assert "member.annual_hours" not in codes(my)


def test_1199_minutes_fail() -> None:
    my = evaluate_member_year(member(), full_year(caring_minutes=119), YEAR)
    assert my.net_minutes == 1199
    assert codes(my) == ["member.annual_hours"]
    (v,) = my.violations
    assert v.subject_id == "m1"
    assert v.severity is Severity.ERROR
    assert my.compliant is False


def test_default_policy_is_default() -> None:
    records = full_year(caring_minutes=119)
    assert evaluate_member_year(member(), records, YEAR) == evaluate_member_year(
        member(), records, YEAR, policy=policies.DEFAULT
    )


def test_records_of_other_years_and_members_are_ignored() -> None:
    records = [
        *full_year(caring_minutes=119),
        rec("community_service", D(2025, 12, 31), 60),
        rec("community_service", D(2027, 1, 1), 60),
        rec("community_service", D(YEAR, 5, 5), 60, mid="m2"),
    ]
    my = evaluate_member_year(member(), records, YEAR)
    assert my.net_minutes == 1199
    assert codes(my) == ["member.annual_hours"]


# ---------------------------------------------------------------------------------------------------------
# reversals


def test_reversal_cancels_minutes_and_month() -> None:
    records = full_year()
    march = next(r for r in records if r.kind.value == "community_service" and r.on.month == 3)
    my = evaluate_member_year(member(), [*records, reversal_of(march, D(YEAR, 3, 20))], YEAR)
    assert my.net_minutes == 1140
    assert my.months_missing == (3,)
    assert sorted(codes(my)) == ["member.annual_hours", "member.monthly_community"]


def test_reversal_entered_next_year_still_cancels_in_the_original_year() -> None:
    records = full_year()
    march = next(r for r in records if r.kind.value == "community_service" and r.on.month == 3)
    my = evaluate_member_year(member(), [*records, reversal_of(march, D(YEAR + 1, 1, 15))], YEAR)
    assert my.net_minutes == 1140
    assert my.months_missing == (3,)


def test_reversal_before_its_original_in_the_stream() -> None:
    records = full_year()
    march = next(r for r in records if r.kind.value == "community_service" and r.on.month == 3)
    my = evaluate_member_year(member(), [reversal_of(march, D(YEAR, 3, 20)), *records], YEAR)
    assert my.months_missing == (3,)


def test_month_with_two_sessions_survives_one_reversal() -> None:
    extra = rec("community_service", D(YEAR, 3, 20), 60)
    my = evaluate_member_year(member(), [*full_year(), extra, reversal_of(extra, D(YEAR, 3, 21))], YEAR)
    assert my.months_missing == ()
    assert my.net_minutes == 1200


def test_reversal_cancels_the_activity() -> None:
    records = full_year()
    pairing = next(r for r in records if r.activity_id == "pa1-b1")
    my = evaluate_member_year(member(), [*records, reversal_of(pairing, D(YEAR, 3, 6))], YEAR)
    assert my.branch_activities == 1
    (v,) = of(my.violations, "member.branch_activities")
    assert v.severity is Severity.WARNING


def test_activity_attended_twice_counts_once_and_survives_one_reversal() -> None:
    records = full_year()
    again = rec("pairing", D(YEAR, 3, 6), 60, activity="pa1-b1")
    my = evaluate_member_year(member(), [*records, again], YEAR)
    assert my.branch_activities == 2
    my = evaluate_member_year(member(), [*records, again, reversal_of(again, D(YEAR, 3, 7))], YEAR)
    assert my.branch_activities == 2


def test_reversal_cancels_the_caring_action() -> None:
    records = full_year()
    caring = next(r for r in records if r.kind.value == "caring_action")
    my = evaluate_member_year(member(), [*records, reversal_of(caring, D(YEAR, 6, 2))], YEAR)
    assert my.caring_actions == 0
    assert "member.caring_action" in codes(my)


# ---------------------------------------------------------------------------------------------------------
# branch activities, caring, skill, record status


def test_pairing_of_another_branch_does_not_count() -> None:
    records = [r for r in full_year() if r.kind.value != "pairing"]
    records += [
        rec("pairing", D(YEAR, 3, 5), 180, branch="b2", activity="other-1"),
        rec("pairing", D(YEAR, 9, 5), 180, branch="b2", activity="other-2"),
    ]
    my = evaluate_member_year(member(), records, YEAR)
    assert my.net_minutes == 1200
    assert my.branch_activities == 0
    (v,) = of(my.violations, "member.branch_activities")
    assert v.severity is Severity.ERROR
    assert my.compliant is False


def test_one_own_pairing_is_a_warning_only() -> None:
    records = [r for r in full_year() if r.activity_id != "pa2-b1"]
    records.append(rec("community_service", D(YEAR, 9, 20), 180))
    my = evaluate_member_year(member(), records, YEAR)
    assert my.branch_activities == 1
    assert codes(my) == ["member.branch_activities"]
    assert my.violations[0].severity is Severity.WARNING
    assert my.compliant is True


def test_other_kinds_are_not_branch_activities() -> None:
    records = [r for r in full_year() if r.kind.value != "pairing"]
    records += [
        rec("practical_help", D(YEAR, 3, 5), 180),
        rec("festival", D(YEAR, 10, 1), 180),
    ]
    my = evaluate_member_year(member(), records, YEAR)
    assert my.branch_activities == 0
    assert of(my.violations, "member.branch_activities")[0].severity is Severity.ERROR


def test_no_caring_action() -> None:
    records = [r for r in full_year() if r.kind.value != "caring_action"]
    records.append(rec("community_service", D(YEAR, 6, 20), 120))
    my = evaluate_member_year(member(), records, YEAR)
    assert my.caring_actions == 0
    assert codes(my) == ["member.caring_action"]
    assert my.compliant is False


def test_no_skill() -> None:
    my = evaluate_member_year(member(skills=frozenset()), full_year(), YEAR)
    assert codes(my) == ["member.skill"]
    assert my.violations[0].subject_id == "m1"


@pytest.mark.parametrize("status", [RecordStatus.PENDING, RecordStatus.REJECTED])
def test_unconfirmed_records_count_toward_nothing(status: RecordStatus) -> None:
    records = full_year()
    records = [
        r if not (r.kind.value == "community_service" and r.on.month == 4) else attrs.evolve(r, status=status)
        for r in records
    ]
    records = [
        attrs.evolve(r, status=status) if r.kind.value in ("caring_action", "pairing") else r for r in records
    ]
    my = evaluate_member_year(member(), records, YEAR)
    assert my.net_minutes == 11 * 60
    assert my.months_missing == (4,)
    assert my.branch_activities == 0
    assert my.caring_actions == 0
    assert sorted(codes(my)) == [
        "member.annual_hours",
        "member.branch_activities",
        "member.caring_action",
        "member.monthly_community",
    ]


def test_adjustment_counts_minutes_in_its_own_year() -> None:
    records = full_year(caring_minutes=90)
    adjustment = ServiceRecord(
        id="adj1",
        member_id="m1",
        activity_id="act-old",
        branch_id="b1",
        kind="community_service",
        on=D(YEAR, 4, 1),
        minutes=30,
        adjusts="r-2025",
    )
    assert evaluate_member_year(member(), records, YEAR).net_minutes == 1170
    my = evaluate_member_year(member(), [*records, adjustment], YEAR)
    assert my.net_minutes == 1200
    assert "member.annual_hours" not in codes(my)
    assert evaluate_member_year(member(), [adjustment], YEAR + 1).net_minutes == 0


# ---------------------------------------------------------------------------------------------------------
# as_of: part of a year


def test_as_of_judges_only_ended_months_and_leaves_totals_pending() -> None:
    records = [rec("community_service", D(YEAR, mo, 10), 60) for mo in range(1, 6)]
    my = evaluate_member_year(member(), records, YEAR, as_of=D(YEAR, 6, 15))
    assert my.months_required == (1, 2, 3, 4, 5)
    assert my.months_missing == ()
    assert list(my.violations) == []
    assert "member.annual_hours" in my.pending
    assert "member.branch_activities" in my.pending
    assert "member.caring_action" in my.pending
    assert my.compliant is True


def test_as_of_on_the_last_day_of_a_month_judges_that_month() -> None:
    my = evaluate_member_year(member(), [], YEAR, as_of=D(YEAR, 6, 30))
    assert my.months_required == tuple(range(1, 7))
    assert my.months_missing == tuple(range(1, 7))
    assert codes(my) == ["member.monthly_community"]
    assert "member.annual_hours" in my.pending


def test_as_of_the_first_of_a_month_does_not_judge_it() -> None:
    my = evaluate_member_year(member(), [], YEAR, as_of=D(YEAR, 3, 1))
    assert my.months_required == (1, 2)


def test_as_of_totals_already_met_are_not_pending() -> None:
    records = [
        rec("community_service", D(YEAR, 1, 10), 600),
        rec("community_service", D(YEAR, 2, 10), 600),
        rec("pairing", D(YEAR, 1, 15), 60, activity="pa1-b1"),
        rec("pairing", D(YEAR, 1, 16), 60, activity="pa2-b1"),
        rec("caring_action", D(YEAR, 1, 20), 60),
    ]
    my = evaluate_member_year(member(), records, YEAR, as_of=D(YEAR, 2, 28))
    assert my.net_minutes == 1380
    assert my.pending == ()
    assert list(my.violations) == []


def test_as_of_the_end_of_the_year_is_the_full_year() -> None:
    records = full_year(caring_minutes=119)
    full = evaluate_member_year(member(), records, YEAR)
    at_end = evaluate_member_year(member(), records, YEAR, as_of=D(YEAR, 12, 31))
    assert codes(at_end) == codes(full) == ["member.annual_hours"]
    assert at_end.pending == ()


def test_warning_level_target_is_pending_mid_year() -> None:
    records = [rec("pairing", D(YEAR, 1, 15), 60, activity="pa1-b1")]
    my = evaluate_member_year(member(), records, YEAR, as_of=D(YEAR, 1, 31))
    assert of(my.violations, "member.branch_activities") == []
