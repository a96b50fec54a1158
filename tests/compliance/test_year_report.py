"""A whole organ's year (``evaluate_year``): the same as each member evaluated alone, one pass over any
iterable of records, the report's records and branches, and the branch, team, deadline, activity and
pairing rules it applies."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import attrs
import pytest
from compliance_support import YEAR, full_year, member, of, rec, reversal_of

from volunteer_core import (
    Activity,
    BranchPlan,
    DateRange,
    HalfYearReport,
    Pairing,
    RecordStatus,
    ServiceRecord,
    Team,
    evaluate_member_year,
    evaluate_year,
    policies,
)

D = date


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
