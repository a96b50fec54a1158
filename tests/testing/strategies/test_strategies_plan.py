"""Tests of volunteer_core.testing.strategies.plan: branch plans, half-year reports, plan items."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from strategies_support import rebuilt

import volunteer_core as vc
from volunteer_core.rules import check_plan_due, check_report_due
from volunteer_core.testing import strategies as vcst


@given(vcst.branch_plans(branch_id="b-1", year=2026))
def test_branch_plans_are_in_time(plan: vc.BranchPlan) -> None:
    assert rebuilt(plan) == plan
    assert check_plan_due("b-1", 2026, [plan]) == []


@given(st.lists(vcst.half_year_reports(branch_id="b-1", year=2026), min_size=2, max_size=2))
def test_half_year_reports_are_in_time(reports: list[vc.HalfYearReport]) -> None:
    for report in reports:
        assert rebuilt(report) == report
    halves = {r.half for r in reports}
    if halves == {1, 2}:
        assert check_report_due("b-1", 2026, reports) == []


@given(vcst.plan_items())
def test_plan_items(item: vc.PlanItem) -> None:
    assert rebuilt(item) == item
