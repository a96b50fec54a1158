"""MCA_LEIFENG's deadline (issue 16): 001 §(一) — each unit fixes one pairing target and reports it
「于3月9日(星期五)前」: ``plan_due=(3, 9)``, inclusive."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import BranchPlan, policies
from volunteer_core.rules import check_plan_due

MCA = policies.MCA_LEIFENG


def plan(on: date, year: int = 2026) -> BranchPlan:
    return BranchPlan(id="pl1", branch_id="b1", year=year, submitted_on=on)


def test_the_plan_is_due_on_9_march() -> None:
    assert MCA.plan_due == (3, 9)
    assert check_plan_due("b1", 2026, [plan(date(2026, 3, 9))], MCA) == []
    (late,) = check_plan_due("b1", 2026, [plan(date(2026, 3, 10))], MCA)
    assert (late.code, late.details["due"], late.details["submitted_on"]) == (
        "branch.plan_due",
        "2026-03-09",
        "2026-03-10",
    )
    assert MCA.cite([late])[0].source == "001 §(一)"


def test_a_missing_plan_is_late_from_10_march() -> None:
    assert check_plan_due("b1", 2026, [], MCA, as_of=date(2026, 3, 9)) == []
    (missing,) = check_plan_due("b1", 2026, [], MCA, as_of=date(2026, 3, 10))
    assert missing.details["submitted_on"] is None


def test_fujian_keeps_mid_may() -> None:
    # the same 10 March plan is on time under 000 「5月中旬前」
    assert check_plan_due("b1", 2026, [plan(date(2026, 3, 10))], policies.FUJIAN_GOV_2022) == []
    assert check_plan_due("b1", 2026, [plan(date(2026, 3, 10))], attrs.evolve(MCA, plan_due=None)) == []


@given(st.integers(2000, 2100), st.integers(-60, 60))
def test_on_or_before_9_march_passes_after_it_fails(year: int, shift: int) -> None:
    submitted = date(year, 3, 9) + timedelta(days=shift)
    found = check_plan_due("b1", year, [plan(submitted, year)], MCA)
    assert (found == []) is (shift <= 0)
