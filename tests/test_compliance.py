"""Year compliance (``evaluate_member_year`` / ``evaluate_year``) at the edges domain.md names:
1200 / 1199 minutes, reversals, pro-rating by full months, own-branch pairing activities, pending annual
totals under ``as_of``, and the branch, team, deadline and activity rules of ``evaluate_year``."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import date, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import volunteer_core as vc
from volunteer_core import (
    Activity,
    BranchPlan,
    DateRange,
    HalfYearReport,
    Member,
    MemberYear,
    Pairing,
    RecordStatus,
    ServiceRecord,
    Severity,
    Team,
    Violation,
    YearReport,
    evaluate_member_year,
    evaluate_year,
    policies,
)

D = date
YEAR = 2026
ALL_MONTHS = tuple(range(1, 13))

LONG_AGO = D(2020, 1, 1)

_ids = itertools.count(1)


def member(
    mid: str = "m1",
    *,
    branch: str = "b1",
    joined_on: date = LONG_AGO,
    left_on: date | None = None,
    skills: frozenset[str] | set[str] = frozenset({"急救"}),
) -> Member:
    return Member(
        id=mid, name=f"党员{mid}", branch_id=branch, joined_on=joined_on, left_on=left_on, skills=skills
    )


def rec(
    kind: str,
    on: date,
    minutes: int,
    *,
    mid: str = "m1",
    branch: str = "b1",
    activity: str | None = None,
    status: RecordStatus = RecordStatus.CONFIRMED,
    rid: str | None = None,
) -> ServiceRecord:
    return ServiceRecord(
        id=rid or f"r{next(_ids)}",
        member_id=mid,
        activity_id=activity or f"act-{kind}-{on.isoformat()}-{branch}",
        branch_id=branch,
        kind=kind,
        on=on,
        minutes=minutes,
        status=status,
    )


def reversal_of(original: ServiceRecord, recorded_on: date) -> ServiceRecord:
    """A reversal built from api.md's constructor: it copies the original and negates the minutes."""
    return ServiceRecord(
        id=f"rev-{original.id}",
        member_id=original.member_id,
        activity_id=original.activity_id,
        branch_id=original.branch_id,
        kind=original.kind,
        on=original.on,
        minutes=-original.minutes,
        recorded_on=recorded_on,
        reverses=original.id,
    )


def full_year(mid: str = "m1", *, caring_minutes: int = 120, branch: str = "b1") -> list[ServiceRecord]:
    """Everything a member needs in 2026: 12 × 60 community + 2 × 180 own-branch pairing + 1 caring.

    With ``caring_minutes=120`` the total is exactly 1200 minutes.
    """
    records = [rec("community_service", D(YEAR, m, 10), 60, mid=mid, branch=branch) for m in ALL_MONTHS]
    records.append(rec("pairing", D(YEAR, 3, 5), 180, mid=mid, branch=branch, activity=f"pa1-{branch}"))
    records.append(rec("pairing", D(YEAR, 9, 5), 180, mid=mid, branch=branch, activity=f"pa2-{branch}"))
    records.append(rec("caring_action", D(YEAR, 6, 1), caring_minutes, mid=mid, branch=branch))
    return records


def codes(result: MemberYear | YearReport) -> list[str]:
    return [v.code for v in result.violations]


def of(violations: Iterable[Violation], code: str, subject: str | None = None) -> list[Violation]:
    return [v for v in violations if v.code == code and (subject is None or v.subject_id == subject)]


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
# full months of membership and pro-rating


@pytest.mark.parametrize(
    ("joined_on", "required", "months"),
    [
        (D(YEAR, 1, 1), 1200, ALL_MONTHS),
        (D(YEAR, 1, 2), 1100, tuple(range(2, 13))),
        (D(YEAR, 2, 1), 1100, tuple(range(2, 13))),
        (D(YEAR, 2, 2), 1000, tuple(range(3, 13))),
        (D(YEAR, 12, 1), 100, (12,)),
        (D(2025, 12, 31), 1200, ALL_MONTHS),
    ],
)
def test_join_date_prorates(joined_on: date, required: int, months: tuple[int, ...]) -> None:
    my = evaluate_member_year(member(joined_on=joined_on), [], YEAR)
    assert my.required_minutes == required
    assert my.months_required == months
    assert my.months_missing == months


@pytest.mark.parametrize(
    ("left_on", "required", "months"),
    [
        (D(YEAR, 6, 30), 600, tuple(range(1, 7))),
        (D(YEAR, 6, 29), 500, tuple(range(1, 6))),
        (D(YEAR, 2, 28), 200, (1, 2)),
        (D(YEAR, 2, 27), 100, (1,)),
        (D(YEAR, 12, 31), 1200, ALL_MONTHS),
        (D(YEAR, 12, 30), 1100, tuple(range(1, 12))),
    ],
)
def test_leave_date_prorates(left_on: date, required: int, months: tuple[int, ...]) -> None:
    my = evaluate_member_year(member(left_on=left_on), [], YEAR)
    assert my.required_minutes == required
    assert my.months_required == months


def test_prorated_requirement_rounds_up() -> None:
    odd = attrs.evolve(policies.DEFAULT, min_annual_minutes=1000)
    # 11 full months: ceil(1000 × 11 / 12) = ceil(916.67) = 917
    my = evaluate_member_year(member(joined_on=D(YEAR, 2, 1)), [], YEAR, policy=odd)
    assert my.required_minutes == 917


def test_prorated_member_at_the_edge() -> None:
    m = member(joined_on=D(YEAR, 1, 2))
    records = [rec("community_service", D(YEAR, mo, 10), 100) for mo in range(2, 13)]
    records += [
        rec("pairing", D(YEAR, 3, 5), 1, activity="pa1-b1"),
        rec("pairing", D(YEAR, 4, 5), 1, activity="pa2-b1"),
        rec("caring_action", D(YEAR, 5, 5), 1),
    ]
    my = evaluate_member_year(m, records, YEAR)
    assert my.net_minutes == 1103
    assert my.required_minutes == 1100
    assert list(my.violations) == []
    short = [r for r in records if not (r.kind.value == "community_service" and r.on.month == 12)]
    short.append(rec("community_service", D(YEAR, 12, 10), 96))
    assert codes(evaluate_member_year(m, short, YEAR)) == ["member.annual_hours"]


def test_sessions_per_month_follow_the_policy() -> None:
    twice = attrs.evolve(policies.DEFAULT, min_community_sessions_per_month=2)
    records = [rec("community_service", D(YEAR, mo, 3), 60) for mo in ALL_MONTHS]
    records += [rec("community_service", D(YEAR, mo, 20), 60) for mo in ALL_MONTHS if mo != 7]
    my = evaluate_member_year(member(), records, YEAR, policy=twice)
    assert my.months_missing == (7,)


def test_months_missing_are_ascending() -> None:
    records = [rec("community_service", D(YEAR, mo, 3), 60) for mo in (8, 2, 5)]
    my = evaluate_member_year(member(), records, YEAR)
    assert my.months_missing == (1, 3, 4, 6, 7, 9, 10, 11, 12)
    assert isinstance(my.months_missing, tuple)
    assert isinstance(my.months_required, tuple)
    (v,) = of(my.violations, "member.monthly_community")
    assert v.subject_id == "m1"


def test_partial_month_records_do_not_add_required_months() -> None:
    m = member(joined_on=D(YEAR, 3, 15))
    my = evaluate_member_year(m, [rec("community_service", D(YEAR, 3, 20), 60)], YEAR)
    assert 3 not in my.months_required
    assert my.months_required == tuple(range(4, 13))


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


# ---------------------------------------------------------------------------------------------------------
# evaluate_year


MEMBERS = (
    member("m1"),
    member("m2", joined_on=D(YEAR, 4, 2)),
    member("m3", branch="b2", left_on=D(YEAR, 8, 31), skills=frozenset()),
    member("m4", branch="b2"),
)


def dataset_records() -> list[ServiceRecord]:
    records = [*full_year("m1"), *full_year("m4", branch="b2", caring_minutes=119)]
    records += [rec("community_service", D(YEAR, mo, 2), 90, mid="m2") for mo in (5, 7, 6, 12)]
    records += [
        rec("pairing", D(YEAR, 5, 1), 120, mid="m2", activity="pa1-b1"),
        rec("pairing", D(YEAR, 5, 2), 120, mid="m2", branch="b2", activity="pa1-b2"),
        rec("community_service", D(YEAR, 1, 4), 60, mid="m3", branch="b2"),
        rec("caring_action", D(YEAR, 2, 4), 60, mid="m3", branch="b2", status=RecordStatus.PENDING),
        rec("community_service", D(YEAR - 1, 3, 4), 60, mid="m3", branch="b2"),
        rec("community_service", D(YEAR, 3, 4), 60, mid="ghost"),
    ]
    victim = records[3]
    records.append(reversal_of(victim, D(YEAR + 1, 1, 5)))
    return records


@pytest.mark.parametrize("as_of", [None, D(YEAR, 6, 15), D(YEAR, 8, 31)])
def test_evaluate_year_equals_each_member_evaluated_alone(as_of: date | None) -> None:
    records = dataset_records()
    report = evaluate_year(YEAR, members=MEMBERS, records=records, as_of=as_of)
    assert set(report.members) == {m.id for m in MEMBERS}
    for m in MEMBERS:
        alone = evaluate_member_year(m, records, YEAR, as_of=as_of)
        assert report.members[m.id] == alone
        for v in alone.violations:
            assert v in report.violations


def test_evaluate_year_member_results() -> None:
    report = evaluate_year(YEAR, members=MEMBERS, records=dataset_records())
    assert report.members["m1"].compliant is False  # one community month reversed
    assert report.members["m4"].net_minutes == 1199
    assert report.members["m2"].required_minutes == 800
    assert report.members["m2"].branch_activities == 1
    assert report.members["m3"].months_required == tuple(range(1, 9))
    assert report.members["m3"].caring_actions == 0


def test_evaluate_year_consumes_a_one_shot_iterable_once() -> None:
    class OneShot:
        def __init__(self, items: list[ServiceRecord]) -> None:
            self.items = items
            self.iterations = 0

        def __iter__(self) -> Iterator[ServiceRecord]:
            self.iterations += 1
            if self.iterations > 1:
                raise AssertionError("records iterated more than once")
            return iter(self.items)

    records = dataset_records()
    once = OneShot(records)
    report = evaluate_year(YEAR, members=MEMBERS, records=once)
    assert once.iterations == 1
    expected = evaluate_year(YEAR, members=MEMBERS, records=list(records))
    assert report.members == expected.members
    assert report.violations == expected.violations


def test_evaluate_year_accepts_a_generator() -> None:
    records = dataset_records()
    report = evaluate_year(YEAR, members=MEMBERS, records=(r for r in records))
    expected = evaluate_year(YEAR, members=MEMBERS, records=records)
    assert report.members == expected.members
    assert report.violations == expected.violations


def test_to_records_keys() -> None:
    report = evaluate_year(YEAR, members=MEMBERS, records=dataset_records())
    rows = report.to_records()
    assert len(rows) == len(MEMBERS)
    required = {
        "year",
        "member_id",
        "member_name",
        "branch_id",
        "net_minutes",
        "required_minutes",
        "months_missing",
        "branch_activities",
        "caring_actions",
        "compliant",
    }
    for row in rows:
        assert isinstance(row, dict)
        assert required <= set(row)
        assert row["year"] == YEAR
        my = report.members[row["member_id"]]
        assert row["net_minutes"] == my.net_minutes
        assert row["required_minutes"] == my.required_minutes
        assert row["branch_activities"] == my.branch_activities
        assert row["caring_actions"] == my.caring_actions
        assert row["compliant"] == my.compliant
        assert tuple(row["months_missing"]) == my.months_missing
    by_id = {row["member_id"]: row for row in rows}
    assert by_id["m1"]["member_name"] == "党员m1"
    assert by_id["m3"]["branch_id"] == "b2"


def test_year_report_branches_mapping() -> None:
    report = evaluate_year(YEAR, members=MEMBERS, records=[])
    assert {"b1", "b2"} <= set(report.branches)


# ---------------------------------------------------------------------------------------------------------
# evaluate_year: branch, team, deadlines


def _compliant_branch(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "members": [member("m1")],
        "records": full_year("m1"),
        "teams": [Team(id="t1", branch_id="b1", name="先锋队", member_ids={"m1"})],
        "activities": [
            Activity(
                id="camp1", kind="team_campaign", branch_id="b1", on=D(YEAR, 3, 5), title="集中", team_id="t1"
            )
        ],
        "plans": [BranchPlan(id="pl1", branch_id="b1", year=YEAR, submitted_on=D(YEAR, 5, 15))],
        "reports": [
            HalfYearReport(id="h1", branch_id="b1", year=YEAR, half=1, submitted_on=D(YEAR, 6, 30)),
            HalfYearReport(id="h2", branch_id="b1", year=YEAR, half=2, submitted_on=D(YEAR, 12, 31)),
        ],
    }
    data.update(overrides)
    return data


def test_a_fully_compliant_branch_has_no_violation() -> None:
    report = evaluate_year(YEAR, **_compliant_branch())
    assert list(report.violations) == []


def test_branch_team() -> None:
    report = evaluate_year(YEAR, **_compliant_branch(teams=[], activities=[]))
    (v,) = of(report.violations, "branch.team")
    assert v.subject_id == "b1"
    assert v in report.branches["b1"].violations


def test_team_campaign() -> None:
    teams = [Team(id="t1", branch_id="b1", name="先锋队"), Team(id="t2", branch_id="b1", name="后援队")]
    report = evaluate_year(YEAR, **_compliant_branch(teams=teams))
    (v,) = of(report.violations, "team.campaign")
    assert v.subject_id == "t2"
    assert of(report.violations, "branch.team") == []


def test_team_campaign_of_another_year_does_not_count() -> None:
    old = Activity(
        id="camp0", kind="team_campaign", branch_id="b1", on=D(YEAR - 1, 12, 31), title="集中", team_id="t1"
    )
    report = evaluate_year(YEAR, **_compliant_branch(activities=[old]))
    assert [v.subject_id for v in of(report.violations, "team.campaign")] == ["t1"]


@pytest.mark.parametrize(
    ("submitted_on", "late"),
    [(D(YEAR, 5, 15), False), (D(YEAR, 1, 10), False), (D(YEAR, 5, 16), True), (None, True)],
)
def test_plan_due(submitted_on: date | None, late: bool) -> None:
    plans = (
        []
        if submitted_on is None
        else [BranchPlan(id="pl1", branch_id="b1", year=YEAR, submitted_on=submitted_on)]
    )
    report = evaluate_year(YEAR, **_compliant_branch(plans=plans))
    found = of(report.violations, "branch.plan_due")
    assert len(found) == (1 if late else 0)
    if late:
        assert found[0].subject_id == "b1"


def test_plan_missing_before_its_deadline_is_not_yet_late() -> None:
    report = evaluate_year(YEAR, as_of=D(YEAR, 5, 15), **_compliant_branch(plans=[], reports=[]))
    assert of(report.violations, "branch.plan_due") == []
    assert of(report.violations, "branch.report_due") == []
    report = evaluate_year(YEAR, as_of=D(YEAR, 5, 16), **_compliant_branch(plans=[], reports=[]))
    assert len(of(report.violations, "branch.plan_due")) == 1


@pytest.mark.parametrize(
    ("h1", "h2", "expected"),
    [
        (D(YEAR, 6, 30), D(YEAR, 12, 31), 0),
        (D(YEAR, 7, 1), D(YEAR, 12, 31), 1),
        (D(YEAR, 6, 30), D(YEAR + 1, 1, 1), 1),
        (None, D(YEAR, 12, 31), 1),
        (D(YEAR, 6, 30), None, 1),
        (None, None, 2),
    ],
)
def test_report_due(h1: date | None, h2: date | None, expected: int) -> None:
    reports = []
    if h1 is not None:
        reports.append(HalfYearReport(id="h1", branch_id="b1", year=YEAR, half=1, submitted_on=h1))
    if h2 is not None:
        reports.append(HalfYearReport(id="h2", branch_id="b1", year=YEAR, half=2, submitted_on=h2))
    report = evaluate_year(YEAR, **_compliant_branch(reports=reports))
    found = of(report.violations, "branch.report_due")
    assert len(found) == expected
    assert all(v.subject_id == "b1" for v in found)


# ---------------------------------------------------------------------------------------------------------
# evaluate_year: activities and pairings


def _festival(aid: str, on: date) -> Activity:
    return Activity(id=aid, kind="festival", branch_id="b1", on=on, title="同过节", summary="已总结")


def test_festival_window_in_evaluate_year() -> None:
    national_day_only = attrs.evolve(policies.DEFAULT, festivals=frozenset({"national_day"}))
    activities = [
        *_compliant_branch()["activities"],
        _festival("f-in", D(YEAR, 10, 8)),
        _festival("f-out", D(YEAR, 10, 9)),
        _festival("f-early", D(YEAR, 9, 24)),
    ]
    report = evaluate_year(YEAR, policy=national_day_only, **_compliant_branch(activities=activities))
    assert [v.subject_id for v in of(report.violations, "activity.festival_window")] == ["f-out"]


def test_festival_window_across_the_new_year_in_evaluate_year() -> None:
    activities = [*_compliant_branch()["activities"], _festival("f-nye", D(YEAR, 12, 29))]
    report = evaluate_year(YEAR, **_compliant_branch(activities=activities))
    assert of(report.violations, "activity.festival_window") == []
    new_year_only = attrs.evolve(policies.DEFAULT, festivals=frozenset({"new_year"}))
    late = [
        *_compliant_branch()["activities"],
        _festival("f-nye", D(YEAR, 12, 29)),
        _festival("f-x", D(YEAR, 12, 24)),
    ]
    report = evaluate_year(YEAR, policy=new_year_only, **_compliant_branch(activities=late))
    assert [v.subject_id for v in of(report.violations, "activity.festival_window")] == ["f-x"]


def test_activity_summary_under_mca_leifeng() -> None:
    activities = [
        Activity(id="a-old", kind="pairing", branch_id="b1", on=D(YEAR, 3, 1), title="走访"),
        Activity(
            id="a-done", kind="pairing", branch_id="b1", on=D(YEAR, 3, 1), title="走访", summary="送米面油"
        ),
        Activity(id="a-fresh", kind="pairing", branch_id="b1", on=D(YEAR, 3, 5), title="走访"),
    ]
    report = evaluate_year(
        YEAR,
        members=[member()],
        records=[],
        activities=activities,
        policy=policies.MCA_LEIFENG,
        as_of=D(YEAR, 3, 9),
    )
    assert [v.subject_id for v in of(report.violations, "activity.summary")] == ["a-old"]
    full = evaluate_year(
        YEAR, members=[member()], records=[], activities=activities, policy=policies.MCA_LEIFENG
    )
    assert sorted(v.subject_id for v in of(full.violations, "activity.summary")) == ["a-fresh", "a-old"]


def test_activity_summary_not_required_by_default() -> None:
    activities = [Activity(id="a-old", kind="pairing", branch_id="b1", on=D(YEAR, 3, 1), title="走访")]
    report = evaluate_year(YEAR, members=[member()], records=[], activities=activities)
    assert of(report.violations, "activity.summary") == []


def test_pairings_are_judged_in_evaluate_year() -> None:
    pairings = [
        Pairing(id="p1", branch_ids={"b1"}, target_id="u1", mode="solo", period=DateRange(D(YEAR, 1, 1))),
        Pairing(id="p2", branch_ids={"b2"}, target_id="u1", mode="solo", period=DateRange(D(YEAR, 6, 1))),
    ]
    report = evaluate_year(YEAR, **_compliant_branch(pairings=pairings))
    (v,) = of(report.violations, "pairing.duplicate")
    assert v.subject_id == "p1"


def test_member_violations_are_in_the_report() -> None:
    report = evaluate_year(YEAR, **_compliant_branch(records=full_year("m1", caring_minutes=119)))
    assert [v.code for v in report.violations] == ["member.annual_hours"]


def _whole_year_member(joined: date, left: date | None) -> vc.Member:
    return vc.Member(id="m", name="甲", branch_id="b", joined_on=joined, left_on=left)


@pytest.mark.parametrize(
    ("joined", "left", "months"),
    [
        (date(2026, 1, 1), None, tuple(range(1, 13))),
        (date(2026, 1, 1), date(2026, 12, 31), tuple(range(1, 13))),
        (date(2020, 5, 6), date(2030, 1, 1), tuple(range(1, 13))),
        (date(2026, 1, 2), None, tuple(range(2, 13))),
        (date(2026, 1, 1), date(2026, 12, 30), tuple(range(1, 12))),
        (date(2026, 2, 1), date(2026, 2, 28), (2,)),
        (date(2026, 2, 1), date(2026, 2, 27), ()),
        (date(2025, 1, 1), date(2025, 12, 31), ()),
        (date(2027, 1, 1), None, ()),
    ],
)
def test_full_months_at_the_edges_of_the_year_and_of_a_month(
    joined: date, left: date | None, months: tuple[int, ...]
) -> None:
    assert vc.compliance.full_months(_whole_year_member(joined, left), 2026) == months


@given(
    joined=st.dates(date(2024, 1, 1), date(2028, 12, 31)),
    stay=st.one_of(st.none(), st.integers(0, 1500)),
    year=st.integers(2025, 2027),
)
def test_full_months_is_every_month_whose_first_and_last_day_are_member_days(
    joined: date, stay: int | None, year: int
) -> None:
    left = None if stay is None else joined + timedelta(days=stay)
    member = _whole_year_member(joined, left)
    expected = tuple(
        month
        for month in range(1, 13)
        if joined <= date(year, month, 1) and (left is None or left >= vc.dates.last_day(year, month))
    )
    assert vc.compliance.full_months(member, year) == expected
