"""Strategies for branch plans (活动计划表) with their items, and half-year reports.

>>> from hypothesis import find
>>> find(branch_plans(branch_id="b-1"), lambda p: True).branch_id
'b-1'
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from hypothesis import strategies as st

from volunteer_core.model import BranchPlan, HalfYearReport, PairingMode, PlanItem, PlanLine
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.testing.strategies._common import UNIT_NAMES, choice
from volunteer_core.testing.strategies.values import DATE_MAX, DATE_MIN, ids

__all__ = ["branch_plans", "half_year_reports", "plan_items"]


def plan_items() -> st.SearchStrategy[PlanItem]:
    """Rows of a branch plan table (活动计划表).

    >>> from hypothesis import find
    >>> find(plan_items(), lambda i: True).target != ""
    True
    """
    line_titles = {
        PlanLine.PAIRING: ("定期走访", "结对帮扶"),
        PlanLine.PRACTICAL_HELP: ("上门维修", "代办事务"),
        PlanLine.FESTIVAL: ("中秋送月饼", "春节慰问"),
    }
    return st.sampled_from(list(PlanLine)).flatmap(
        lambda line: st.builds(
            PlanItem,
            line=st.just(line),
            target=st.sampled_from([n for names in UNIT_NAMES.values() for n in names]),
            measures=st.sampled_from(line_titles[line]),
            scheduled=st.sampled_from(("", "3月", "每季度", "9月中秋前", "全年")),
            mode=st.sampled_from(list(PairingMode)),
        )
    )


def branch_plans(
    *,
    id: str | Sequence[str] | None = None,
    branch_id: str | Sequence[str] | None = None,
    year: int | None = None,
    policy: Policy | None = None,
) -> st.SearchStrategy[BranchPlan]:
    """Branch plans submitted in time: from 1 January of their year to the policy's ``plan_due``.

    >>> from hypothesis import find
    >>> from datetime import date
    >>> p = find(branch_plans(year=2026), lambda p: True)
    >>> p.year, p.submitted_on <= date(2026, 5, 15)
    (2026, True)
    """
    due = (DEFAULT if policy is None else policy).plan_due or (12, 31)
    years = st.just(year) if year is not None else st.integers(DATE_MIN.year, DATE_MAX.year)
    return _branch_plan(choice("id", id, ids("pl")), choice("branch_id", branch_id, ids("b")), years, due)


@st.composite
def _branch_plan(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[str],
    branch_strategy: st.SearchStrategy[str],
    years: st.SearchStrategy[int],
    due: tuple[int, int],
) -> BranchPlan:
    year = draw(years)
    month, day = due
    if (month, day) == (2, 29) and not _is_leap(year):
        day = 28
    return BranchPlan(
        id=draw(id_strategy),
        branch_id=draw(branch_strategy),
        year=year,
        submitted_on=draw(st.dates(date(year, 1, 1), date(year, month, day))),
        items=draw(st.lists(plan_items(), max_size=3)),
    )


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def half_year_reports(
    *,
    id: str | Sequence[str] | None = None,
    branch_id: str | Sequence[str] | None = None,
    year: int | None = None,
    half: int | None = None,
) -> st.SearchStrategy[HalfYearReport]:
    """Half-year reports submitted within their half (H1 by 30 June, H2 by 31 December).

    >>> from hypothesis import find
    >>> r = find(half_year_reports(year=2026, half=2), lambda r: True)
    >>> r.half, r.submitted_on.month >= 7
    (2, True)
    """
    if half not in (None, 1, 2):
        raise ValueError("half is 1, 2 or None")
    years = st.just(year) if year is not None else st.integers(DATE_MIN.year, DATE_MAX.year)
    halves = st.just(half) if half is not None else st.sampled_from((1, 2))
    return _half_year_report(
        choice("id", id, ids("hr")), choice("branch_id", branch_id, ids("b")), years, halves
    )


@st.composite
def _half_year_report(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[str],
    branch_strategy: st.SearchStrategy[str],
    years: st.SearchStrategy[int],
    halves: st.SearchStrategy[int],
) -> HalfYearReport:
    year, half = draw(years), draw(halves)
    lo, hi = (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))
    return HalfYearReport(
        id=draw(id_strategy),
        branch_id=draw(branch_strategy),
        year=year,
        half=half,
        submitted_on=draw(st.dates(lo, hi)),
        summary=draw(st.sampled_from(("", "上半年开展结对帮扶活动", "全年工作小结"))),
    )
