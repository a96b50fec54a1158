"""A violation judged under a preset cites that preset's own document (``Policy.cite``), on every path that
judges: the year evaluation, ``validate_wish``, ``validate_record`` and ``check_pairings``."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from volunteer_core import (
    DateRange,
    HalfYearReport,
    Member,
    Pairing,
    ServiceRecord,
    Wish,
    evaluate_year,
    policies,
    validate_record,
    validate_wish,
)
from volunteer_core.policy import Policy
from volunteer_core.rules import RULES, check_pairings

MEMBER = Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1), skills={"急救"})
LATE_H1 = HalfYearReport(id="h1", branch_id="b1", year=2026, half=1, submitted_on=date(2026, 7, 9))


@pytest.mark.parametrize(
    ("policy", "source"),
    [(policies.PUTIAN_2022, "002 §四"), (policies.FUJIAN_GOV_2022, "000 §五")],
)
def test_a_late_report_cites_the_preset_it_was_judged_under(policy: Policy, source: str) -> None:
    report = evaluate_year(2026, members=[MEMBER], records=[], reports=[LATE_H1], policy=policy)
    late = [v for v in report.violations if v.code == "branch.report_due"]
    assert late
    assert {v.source for v in late} == {source}
    assert {v.source for v in report.branches["b1"].violations if v.code == "branch.report_due"} == {source}


def test_every_member_violation_of_the_year_cites_the_preset_where_it_has_a_citation() -> None:
    report = evaluate_year(2026, members=[MEMBER], records=[], policy=policies.PUTIAN_2022)
    for violation in report.members["m1"].violations:
        assert violation.source == policies.PUTIAN_2022.sources.get(
            violation.code, RULES[violation.code].source
        )


def test_validate_wish_cites_loudi_for_the_cap() -> None:
    wish = Wish(
        id="w1",
        beneficiary_id="p1",
        kind="cultural",
        content="书籍",
        collected_on=date(2026, 5, 1),
        value="500",
    )
    [cap] = [v for v in validate_wish(wish, policies.LOUDI_2018) if v.code == "wish.value_cap"]
    assert cap.source == policies.LOUDI_2018.sources["wish.value_cap"] == "004 §三"


def test_validate_record_and_check_pairings_cite_the_policy() -> None:
    record = ServiceRecord(
        id="r1",
        member_id="m1",
        activity_id="a1",
        branch_id="b1",
        kind="pairing",
        on=date(2026, 3, 5),
        minutes=60,
        recorded_on=date(2026, 4, 30),
    )
    national = policies.NATIONAL
    [late] = [v for v in validate_record(record, national) if v.code == "record.timeliness"]
    assert late.source == national.sources["record.timeliness"]
    custom = attrs.evolve(policies.FUJIAN_GOV_2022, sources={"pairing.duplicate": "某县〔2026〕1号"})
    twice = [
        Pairing(
            id=f"p{i}",
            branch_ids={"b1"},
            target_id="u1",
            mode="solo",
            period=DateRange(date(2026, 1, 1), None),
        )
        for i in (1, 2)
    ]
    [duplicate] = check_pairings(twice, custom)
    assert duplicate.source == "某县〔2026〕1号"
