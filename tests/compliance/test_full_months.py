"""Full months of membership (``compliance.full_months``) and the pro-rating of a member's year by them:
joining and leaving dates, rounding up, sessions per month."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
import pytest
from compliance_support import ALL_MONTHS, YEAR, codes, member, of, rec
from hypothesis import given
from hypothesis import strategies as st

import volunteer_core as vc
from volunteer_core import evaluate_member_year, policies

D = date


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
# compliance.full_months


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
        if joined <= date(year, month, 1) and (left is None or left >= vc.calendar.last_day(year, month))
    )
    assert vc.compliance.full_months(member, year) == expected
