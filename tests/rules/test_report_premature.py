"""``branch.report_premature`` (000 §五): a half-year report submitted before its half-year's last day is
a WARNING — at the edges (the last day itself is on time), through the year report, and as a property."""

from __future__ import annotations

from datetime import date, timedelta

import attrs
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import HalfYearReport, Member, Policy, Severity, evaluate_year, policies
from volunteer_core.rules import RULES, check_report_due, check_report_premature

D = date
YEAR = 2026


def report(half: int, on: date, *, year: int = YEAR, branch: str = "b1", rid: str = "") -> HalfYearReport:
    return HalfYearReport(
        id=rid or f"h{half}-{on.isoformat()}", branch_id=branch, year=year, half=half, submitted_on=on
    )


def premature(
    *reports: HalfYearReport, policy: Policy | None = None, as_of: date | None = None
) -> list[tuple[int, str]]:
    found = check_report_premature("b1", YEAR, reports, policy, as_of=as_of)
    return [(v.details["half"], v.details["submitted_on"]) for v in found]


def test_an_h2_report_submitted_on_30_june_warns() -> None:
    (v,) = check_report_premature("b1", YEAR, [report(2, D(YEAR, 6, 30), rid="h2")])
    assert v.code == "branch.report_premature"
    assert v.severity is Severity.WARNING
    assert v.subject_id == "b1"
    assert v.source == "000 §五"
    assert v.details == {
        "year": YEAR,
        "half": 2,
        "report_id": "h2",
        "submitted_on": "2026-06-30",
        "period_end": "2026-12-31",
    }
    assert "2026-06-30" in v.message_en
    assert "2026-12-31" in v.message_en
    assert "下半年" in v.message_zh
    assert "早于半年结束" in v.message_zh


def test_a_report_of_2026_submitted_in_2025_warns() -> None:
    assert premature(report(1, D(2025, 3, 1)), report(2, D(2025, 3, 1))) == [
        (1, "2025-03-01"),
        (2, "2025-03-01"),
    ]


def test_the_last_day_of_the_half_year_is_on_time() -> None:
    assert premature(report(1, D(YEAR, 6, 30)), report(2, D(YEAR, 12, 31))) == []


def test_the_day_before_the_last_day_warns() -> None:
    assert premature(report(1, D(YEAR, 6, 29))) == [(1, "2026-06-29")]
    assert premature(report(2, D(YEAR, 12, 30))) == [(2, "2026-12-30")]


def test_a_late_report_is_not_premature() -> None:
    assert premature(report(1, D(YEAR, 7, 1)), report(2, D(YEAR + 1, 1, 5))) == []


def test_every_premature_report_warns_once() -> None:
    early, again = report(2, D(YEAR, 6, 30), rid="a"), report(2, D(YEAR, 11, 1), rid="b")
    found = check_report_premature("b1", YEAR, [early, again, report(2, D(YEAR, 12, 31), rid="c")])
    assert [v.details["report_id"] for v in found] == ["a", "b"]


def test_report_due_is_unchanged_by_an_early_report() -> None:
    """The early H2 report still counts as submitted: ``branch.report_due`` says nothing of H2."""
    reports = [report(1, D(YEAR, 6, 30)), report(2, D(YEAR, 6, 30))]
    assert check_report_due("b1", YEAR, reports) == []
    assert [v.details["half"] for v in check_report_premature("b1", YEAR, reports)] == [2]


def test_reports_of_other_branches_and_years_are_not_judged() -> None:
    others = [report(2, D(YEAR, 6, 30), branch="b2"), report(2, D(YEAR, 6, 30), year=YEAR + 1)]
    assert check_report_premature("b1", YEAR, others) == []


def test_a_report_submitted_after_as_of_is_not_yet_known() -> None:
    early = report(2, D(YEAR, 6, 30))
    assert premature(early, as_of=D(YEAR, 6, 29)) == []
    assert premature(early, as_of=D(YEAR, 6, 30)) == [(2, "2026-06-30")]


def test_a_policy_without_half_year_reports_does_not_judge_it() -> None:
    off = attrs.evolve(policies.DEFAULT, report_due=None)
    assert check_report_premature("b1", YEAR, [report(2, D(YEAR, 6, 30))], off) == []
    assert premature(report(2, D(YEAR, 6, 30)), policy=policies.PUTIAN_2022) == [(2, "2026-06-30")]


def test_the_rule_is_catalogued_as_a_warning_with_its_check() -> None:
    rule = RULES["branch.report_premature"]
    assert rule.severity is Severity.WARNING
    assert rule.check is check_report_premature
    assert rule.source == "000 §五"
    assert rule.title_zh
    assert rule.title_en


def test_the_year_report_warns_the_branch_and_keeps_members_compliant() -> None:
    m = Member(id="m1", name="甲", branch_id="b1", joined_on=D(2020, 1, 1), skills={"急救"})
    reports = [report(1, D(YEAR, 6, 30)), report(2, D(YEAR, 6, 30))]
    result = evaluate_year(YEAR, members=[m], records=[], reports=reports)
    found = [v for v in result.violations if v.code == "branch.report_premature"]
    assert [(v.subject_id, v.details["half"]) for v in found] == [("b1", 2)]
    assert found[0] in result.branches["b1"].violations
    assert not [v for v in result.violations if v.code == "branch.report_due"]


def test_the_year_report_does_not_know_a_report_submitted_after_as_of() -> None:
    m = Member(id="m1", name="甲", branch_id="b1", joined_on=D(2020, 1, 1))
    result = evaluate_year(
        YEAR, members=[m], records=[], reports=[report(2, D(YEAR, 6, 30))], as_of=D(YEAR, 6, 1)
    )
    assert "branch.report_premature" not in {v.code for v in result.violations}


@given(
    half=st.sampled_from([1, 2]),
    on=st.dates(min_value=D(YEAR - 1, 1, 1), max_value=D(YEAR + 1, 12, 31)),
)
def test_a_report_warns_exactly_when_it_precedes_its_half_years_last_day(half: int, on: date) -> None:
    end = D(YEAR, 6, 30) if half == 1 else D(YEAR, 12, 31)
    found = check_report_premature("b1", YEAR, [report(half, on)])
    assert bool(found) is (on < end)
    assert all(v.severity is Severity.WARNING for v in found)
    if found:
        assert (end - on) >= timedelta(days=1)
        assert found[0].details["period_end"] == end.isoformat()
