"""Branch and team rules: ``branch.team``, ``team.campaign`` (002 §三 六个一), ``branch.plan_due``
(000 §五), ``branch.report_due`` (000 §五, 002 §四) and ``branch.report_premature`` (000 §五).

>>> from datetime import date
>>> from volunteer_core import BranchPlan
>>> late = BranchPlan(id="pl1", branch_id="b1", year=2026, submitted_on=date(2026, 5, 16))
>>> [v.code for v in check_plan_due("b1", 2026, [late])]
['branch.plan_due']
>>> check_plan_due("b1", 2026, [late], as_of=date(2026, 5, 15))
[]
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from volunteer_core._catalogue import Violation, register, violation
from volunteer_core._defaults import resolve_policy
from volunteer_core.model.activity import Activity
from volunteer_core.model.enums import ActivityKind
from volunteer_core.model.people import Team
from volunteer_core.model.plan import BranchPlan, HalfYearReport

if TYPE_CHECKING:
    from volunteer_core.policy import Policy

__all__ = [
    "check_branch_team",
    "check_plan_due",
    "check_report_due",
    "check_report_premature",
    "check_team_campaign",
    "deadline",
    "half_year_end",
]


def deadline(year: int, month_day: tuple[int, int]) -> date:
    """The deadline (month, day) in ``year``; 29 February falls back to the 28th in a common year.

    >>> deadline(2026, (2, 29))
    datetime.date(2026, 2, 28)
    """
    month, day = month_day
    try:
        return date(year, month, day)
    except ValueError:
        return date(year, month, day - 1)


def half_year_end(year: int, half: int) -> date:
    """The last day of a half-year: 30 June for H1, 31 December for H2.

    >>> half_year_end(2026, 1), half_year_end(2026, 2)
    (datetime.date(2026, 6, 30), datetime.date(2026, 12, 31))
    """
    return date(year, 6, 30) if half == 1 else date(year, 12, 31)


@register("branch.team")
def check_branch_team(branch_id: str, teams: Iterable[Team], policy: Policy | None = None) -> list[Violation]:
    """A branch has at least ``policy.min_teams_per_branch`` volunteer teams.

    >>> [v.code for v in check_branch_team("b1", [])]
    ['branch.team']
    """
    needed = resolve_policy(policy).min_teams_per_branch
    if needed is None:
        return []
    count = sum(1 for t in teams if t.branch_id == branch_id)
    if count >= needed:
        return []
    return [
        violation(
            "branch.team",
            branch_id,
            en=f"branch {branch_id} has {count} volunteer teams ({needed} expected)",
            zh=f"支部 {branch_id} 有志愿服务队 {count} 支（应至少 {needed} 支）",
            count=count,
            expected=needed,
        )
    ]


@register("team.campaign")
def check_team_campaign(
    team: Team, activities: Iterable[Activity], year: int, policy: Policy | None = None
) -> list[Violation]:
    """A team holds at least ``policy.min_campaigns_per_team`` TEAM_CAMPAIGN activities in the year."""
    needed = resolve_policy(policy).min_campaigns_per_team
    if needed is None:
        return []
    count = sum(
        1
        for a in activities
        if a.team_id == team.id and a.kind is ActivityKind.TEAM_CAMPAIGN and a.on.year == year
    )
    if count >= needed:
        return []
    return [
        violation(
            "team.campaign",
            team.id,
            en=f"team {team.name} held {count} concentrated activities in {year} ({needed} expected)",
            zh=f"志愿服务队 {team.name} {year} 年开展集中志愿服务活动 {count} 次（应至少 {needed} 次）",
            count=count,
            expected=needed,
            year=year,
        )
    ]


@register("branch.plan_due")
def check_plan_due(
    branch_id: str,
    year: int,
    plans: Iterable[BranchPlan],
    policy: Policy | None = None,
    *,
    as_of: date | None = None,
) -> list[Violation]:
    """The year's plan table is submitted by ``policy.plan_due``; missing after that date is a violation.

    ``as_of`` is the evaluation date: a plan not yet due is not judged, and a plan submitted after
    ``as_of`` is not yet known. ``as_of=None`` judges the whole year.
    """
    due_md = resolve_policy(policy).plan_due
    if due_md is None:
        return []
    due = deadline(year, due_md)
    submitted = [
        p.submitted_on
        for p in plans
        if p.branch_id == branch_id and p.year == year and (as_of is None or p.submitted_on <= as_of)
    ]
    if submitted:
        first = min(submitted)
        if first <= due:
            return []
        return [
            violation(
                "branch.plan_due",
                branch_id,
                en=f"the {year} plan of branch {branch_id} was submitted on {first}, after {due}",
                zh=f"支部 {branch_id} 的 {year} 年活动计划表于 {first} 报送，晚于 {due}",
                year=year,
                due=due.isoformat(),
                submitted_on=first.isoformat(),
            )
        ]
    if as_of is not None and as_of <= due:
        return []
    return [
        violation(
            "branch.plan_due",
            branch_id,
            en=f"branch {branch_id} has not submitted its {year} plan (due {due})",
            zh=f"支部 {branch_id} 未报送 {year} 年活动计划表（应于 {due} 前）",
            year=year,
            due=due.isoformat(),
            submitted_on=None,
        )
    ]


@register("branch.report_due")
def check_report_due(
    branch_id: str,
    year: int,
    reports: Iterable[HalfYearReport],
    policy: Policy | None = None,
    *,
    as_of: date | None = None,
) -> list[Violation]:
    """H1 report by 30 June, H2 by 31 December (inclusive, from ``policy.report_due``); a missing report
    after its date is a violation. ``as_of`` as in :func:`check_plan_due`.

    >>> from datetime import date
    >>> from volunteer_core import HalfYearReport
    >>> h1 = HalfYearReport(id="r1", branch_id="b1", year=2026, half=1, submitted_on=date(2026, 6, 30))
    >>> [v.details["half"] for v in check_report_due("b1", 2026, [h1])]
    [2]
    """
    dues = resolve_policy(policy).report_due
    if dues is None:
        return []
    items = [
        r
        for r in reports
        if r.branch_id == branch_id and r.year == year and (as_of is None or r.submitted_on <= as_of)
    ]
    found: list[Violation] = []
    for half, due_md in ((1, dues[0]), (2, dues[1])):
        due = deadline(year, due_md)
        submitted = [r.submitted_on for r in items if r.half == half]
        if submitted:
            first = min(submitted)
            if first <= due:
                continue
            found.append(
                violation(
                    "branch.report_due",
                    branch_id,
                    en=f"the H{half} {year} report of branch {branch_id} was submitted on {first}, after {due}",
                    zh=f"支部 {branch_id} {year} 年{'上' if half == 1 else '下'}半年活动开展情况于 {first} 报送，晚于 {due}",
                    year=year,
                    half=half,
                    due=due.isoformat(),
                    submitted_on=first.isoformat(),
                )
            )
        elif as_of is None or as_of > due:
            found.append(
                violation(
                    "branch.report_due",
                    branch_id,
                    en=f"branch {branch_id} has not submitted its H{half} {year} report (due {due})",
                    zh=f"支部 {branch_id} 未报送 {year} 年{'上' if half == 1 else '下'}半年活动开展情况（应于 {due} 前）",
                    year=year,
                    half=half,
                    due=due.isoformat(),
                    submitted_on=None,
                )
            )
    return found


@register("branch.report_premature")
def check_report_premature(
    branch_id: str,
    year: int,
    reports: Iterable[HalfYearReport],
    policy: Policy | None = None,
    *,
    as_of: date | None = None,
) -> list[Violation]:
    """A half-year report submitted before its half-year's last day (30 June for H1, 31 December for
    H2) is a WARNING, one per such report, in the order given: it cannot yet tell the whole half-year
    (000 §五 「6月底、12月底前将活动开展情况报送」 asks for what the half-year brought). The last day
    itself is on time. Judged under a policy that judges the half-year reports (``policy.report_due``
    set); ``branch.report_due`` is not changed by it (an early report still counts as submitted). A
    report submitted after ``as_of`` is not yet known.

    >>> from datetime import date
    >>> from volunteer_core import HalfYearReport
    >>> early = HalfYearReport(id="r2", branch_id="b1", year=2026, half=2, submitted_on=date(2026, 6, 30))
    >>> found = check_report_premature("b1", 2026, [early])
    >>> [(v.code, v.severity.value, v.details["period_end"]) for v in found]
    [('branch.report_premature', 'warning', '2026-12-31')]
    >>> on_time = HalfYearReport(id="r1", branch_id="b1", year=2026, half=1, submitted_on=date(2026, 6, 30))
    >>> check_report_premature("b1", 2026, [on_time])
    []
    """
    if resolve_policy(policy).report_due is None:
        return []
    found: list[Violation] = []
    for report in reports:
        if report.branch_id != branch_id or report.year != year:
            continue
        if as_of is not None and report.submitted_on > as_of:
            continue
        end = half_year_end(year, report.half)
        if report.submitted_on >= end:
            continue
        half_zh = "上" if report.half == 1 else "下"
        found.append(
            violation(
                "branch.report_premature",
                branch_id,
                en=(
                    f"the H{report.half} {year} report {report.id} of branch {branch_id} was submitted on "
                    f"{report.submitted_on}, before its half-year ends ({end})"
                ),
                zh=(
                    f"支部 {branch_id} {year} 年{half_zh}半年活动开展情况（{report.id}）于 {report.submitted_on} "
                    f"报送，早于半年结束（{end}）"
                ),
                year=year,
                half=report.half,
                report_id=report.id,
                submitted_on=report.submitted_on.isoformat(),
                period_end=end.isoformat(),
            )
        )
    return found
