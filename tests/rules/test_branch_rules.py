"""Branch and team rules at their edges: ``branch.team``, ``team.campaign``, ``branch.plan_due``
(15 May inclusive) and ``branch.report_due`` (30 June / 31 December inclusive)."""

from __future__ import annotations

from datetime import date

import attrs

from volunteer_core import Activity, BranchPlan, HalfYearReport, Severity, Team, policies
from volunteer_core.rules import check_branch_team, check_plan_due, check_report_due, check_team_campaign

D = date


def plan(on: date, *, year: int = 2026, branch: str = "b1", pid: str = "pl1") -> BranchPlan:
    return BranchPlan(id=pid, branch_id=branch, year=year, submitted_on=on)


def report(half: int, on: date, *, year: int = 2026, branch: str = "b1") -> HalfYearReport:
    return HalfYearReport(id=f"hr{half}-{on}", branch_id=branch, year=year, half=half, submitted_on=on)


def campaign(on: date, *, team: str | None = "t1", kind: str = "team_campaign", aid: str = "a1") -> Activity:
    return Activity(id=aid, kind=kind, branch_id="b1", on=on, title="集中志愿服务", team_id=team)


# ---------------------------------------------------------------------------------------------------------
# branch.team


def test_branch_without_team() -> None:
    (v,) = check_branch_team("b1", [])
    assert v.code == "branch.team"
    assert v.subject_id == "b1"
    assert v.severity is Severity.ERROR


def test_branch_with_a_team() -> None:
    assert check_branch_team("b1", [Team(id="t1", branch_id="b1", name="先锋队")]) == []


def test_team_of_another_branch_does_not_count() -> None:
    assert [v.code for v in check_branch_team("b1", [Team(id="t1", branch_id="b2", name="先锋队")])] == [
        "branch.team"
    ]


def test_branch_team_off_in_fujian_preset() -> None:
    assert check_branch_team("b1", [], policies.FUJIAN_GOV_2022) == []


# ---------------------------------------------------------------------------------------------------------
# team.campaign


TEAM = Team(id="t1", branch_id="b1", name="先锋队")


def test_team_without_campaign() -> None:
    (v,) = check_team_campaign(TEAM, [], 2026)
    assert v.code == "team.campaign"
    assert v.subject_id == "t1"


def test_team_with_campaign_in_the_year() -> None:
    assert check_team_campaign(TEAM, [campaign(D(2026, 12, 31))], 2026) == []
    assert check_team_campaign(TEAM, [campaign(D(2026, 1, 1))], 2026) == []


def test_campaign_of_another_year_does_not_count() -> None:
    assert len(check_team_campaign(TEAM, [campaign(D(2025, 12, 31))], 2026)) == 1
    assert len(check_team_campaign(TEAM, [campaign(D(2027, 1, 1))], 2026)) == 1


def test_other_kind_or_other_team_does_not_count() -> None:
    assert len(check_team_campaign(TEAM, [campaign(D(2026, 5, 1), kind="community_service")], 2026)) == 1
    assert len(check_team_campaign(TEAM, [campaign(D(2026, 5, 1), team="t2")], 2026)) == 1
    assert len(check_team_campaign(TEAM, [campaign(D(2026, 5, 1), team=None)], 2026)) == 1


# ---------------------------------------------------------------------------------------------------------
# branch.plan_due


def test_plan_on_15_may_is_on_time() -> None:
    assert check_plan_due("b1", 2026, [plan(D(2026, 5, 15))]) == []


def test_plan_early_is_on_time() -> None:
    assert check_plan_due("b1", 2026, [plan(D(2026, 1, 2))]) == []


def test_plan_on_16_may_is_late() -> None:
    (v,) = check_plan_due("b1", 2026, [plan(D(2026, 5, 16))])
    assert v.code == "branch.plan_due"
    assert v.subject_id == "b1"
    assert v.severity is Severity.ERROR


def test_missing_plan_is_a_violation() -> None:
    (v,) = check_plan_due("b1", 2026, [])
    assert v.code == "branch.plan_due"
    assert v.subject_id == "b1"


def test_plan_of_another_branch_or_year_does_not_count() -> None:
    assert len(check_plan_due("b1", 2026, [plan(D(2026, 5, 1), branch="b2")])) == 1
    assert len(check_plan_due("b1", 2026, [plan(D(2026, 5, 1), year=2027)])) == 1


def test_missing_plan_before_the_deadline_is_not_yet_due() -> None:
    assert check_plan_due("b1", 2026, [], as_of=D(2026, 5, 15)) == []
    assert len(check_plan_due("b1", 2026, [], as_of=D(2026, 5, 16))) == 1


def test_plan_deadline_follows_the_policy() -> None:
    june = attrs.evolve(policies.DEFAULT, plan_due=(6, 1))
    assert check_plan_due("b1", 2026, [plan(D(2026, 6, 1))], june) == []
    assert len(check_plan_due("b1", 2026, [plan(D(2026, 6, 2))], june)) == 1


def test_plan_rule_off() -> None:
    assert check_plan_due("b1", 2026, [], policies.PUTIAN_2022) == []


# ---------------------------------------------------------------------------------------------------------
# branch.report_due


def test_both_reports_on_their_last_day_are_on_time() -> None:
    assert check_report_due("b1", 2026, [report(1, D(2026, 6, 30)), report(2, D(2026, 12, 31))]) == []


def test_h1_on_1_july_is_late() -> None:
    found = check_report_due("b1", 2026, [report(1, D(2026, 7, 1)), report(2, D(2026, 12, 31))])
    assert [v.code for v in found] == ["branch.report_due"]
    assert found[0].subject_id == "b1"


def test_h2_on_new_years_day_is_late() -> None:
    found = check_report_due("b1", 2026, [report(1, D(2026, 6, 1)), report(2, D(2027, 1, 1))])
    assert [v.code for v in found] == ["branch.report_due"]


def test_missing_reports_are_violations() -> None:
    assert [v.code for v in check_report_due("b1", 2026, [])] == ["branch.report_due"] * 2
    only_h1 = check_report_due("b1", 2026, [report(1, D(2026, 6, 30))])
    assert [v.code for v in only_h1] == ["branch.report_due"]


def test_reports_not_yet_due() -> None:
    assert check_report_due("b1", 2026, [], as_of=D(2026, 6, 30)) == []
    assert len(check_report_due("b1", 2026, [], as_of=D(2026, 7, 1))) == 1
    assert len(check_report_due("b1", 2026, [report(1, D(2026, 6, 3))], as_of=D(2026, 12, 31))) == 0


def test_report_of_another_branch_does_not_count() -> None:
    found = check_report_due(
        "b1", 2026, [report(1, D(2026, 6, 1), branch="b2"), report(2, D(2026, 12, 1), branch="b2")]
    )
    assert len(found) == 2
