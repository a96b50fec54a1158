"""四覆盖 in the year report under PUTIAN_2022: each ``coverage.*`` rule fires on a branch that misses it and
is silent on one that does not; the facts come from the records (confirmed, not reversed, in the year);
``YearReport.coverage``, the branch's violations, the member rows, the HTML, and the same result through
``evaluate_year_totals`` and the use-case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from compliance_support import LONG_AGO, YEAR, full_year, of, rec, reversal_of

from volunteer_core import (
    Activity,
    Branch,
    Member,
    RecordStatus,
    ServiceRecord,
    Team,
    YearReport,
    evaluate_year,
    policies,
    services,
)
from volunteer_core.compliance import evaluate_year_totals, member_year_totals
from volunteer_core.ports import UnitOfWork

D = date
PUTIAN = policies.PUTIAN_2022
REGISTERED = D(2021, 1, 1)
CODES = ("coverage.organised", "coverage.registered", "coverage.trained", "coverage.participating")


TRAINING_DAY = D(YEAR, 4, 2)


def registered(
    mid: str,
    *,
    branch: str = "b1",
    on: date | None = REGISTERED,
    joined_on: date = LONG_AGO,
    left_on: date | None = None,
) -> Member:
    return Member(
        id=mid,
        name=f"党员{mid}",
        branch_id=branch,
        joined_on=joined_on,
        left_on=left_on,
        skills={"急救"},
        registered_on=on,
    )


def training(
    mid: str,
    on: date = TRAINING_DAY,
    *,
    branch: str = "b1",
    status: RecordStatus = RecordStatus.CONFIRMED,
) -> ServiceRecord:
    return rec("training", on, 90, mid=mid, branch=branch, activity=f"train-{branch}", status=status)


def judge(
    members: list[Member],
    records: list[ServiceRecord],
    *,
    teams: tuple[Team, ...] = (Team(id="t1", branch_id="b1", name="先锋队"),),
    as_of: date | None = None,
) -> YearReport:
    return evaluate_year(YEAR, members=members, records=records, teams=teams, policy=PUTIAN, as_of=as_of)


def coverage_codes(report: YearReport, branch: str) -> list[str]:
    return [v.code for v in report.branches[branch].violations if v.code.startswith("coverage.")]


def test_a_branch_that_covers_all_four_is_silent() -> None:
    members = [registered("m1"), registered("m2")]
    report = judge(members, [training("m1"), training("m2")])
    assert coverage_codes(report, "b1") == []
    assert report.coverage["b1"].complete
    assert report.coverage["b1"].members == ("m1", "m2")


def test_each_rule_fires_on_the_branch_that_misses_it_and_not_on_the_other() -> None:
    """b1 covers everything; b2 has no team, an unregistered member, an untrained one and one who never
    served."""
    members = [
        registered("a1"),
        registered("b-unreg", branch="b2", on=None),
        registered("b-untrained", branch="b2"),
        registered("b-idle", branch="b2"),
    ]
    records = [
        training("a1"),
        training("b-unreg", branch="b2"),
        rec("community_service", D(YEAR, 5, 1), 60, mid="b-untrained", branch="b2"),
        training("b-idle", branch="b2"),
        rec("community_service", D(YEAR, 5, 1), 60, mid="b-idle", branch="b2"),
    ]
    idle = reversal_of(records[-1], D(YEAR, 5, 3))
    report = judge(members, [*records, idle])
    assert coverage_codes(report, "b1") == []
    assert [
        (v.code, v.details["member_ids"]) for v in report.branches["b2"].violations if v.code in CODES
    ] == [
        ("coverage.organised", ["b-idle", "b-unreg", "b-untrained"]),
        ("coverage.registered", ["b-unreg"]),
        ("coverage.trained", ["b-untrained"]),
    ]
    # b-idle's only service besides training was reversed, but the training stands: b-idle served
    assert "b-idle" not in report.coverage["b2"].not_participating


def test_participating_fires_for_a_member_whose_only_record_was_reversed() -> None:
    service = rec("community_service", D(YEAR, 5, 1), 60, mid="m2")
    report = judge(
        [registered("m1"), registered("m2")], [training("m1"), service, reversal_of(service, D(YEAR, 5, 2))]
    )
    (v,) = of(report.violations, "coverage.participating")
    assert (v.subject_id, v.details["member_ids"]) == ("b1", ["m2"])
    assert report.members["m2"].attendances == 0


@pytest.mark.parametrize(
    "record",
    [
        pytest.param(training("m1", status=RecordStatus.PENDING), id="pending"),
        pytest.param(training("m1", status=RecordStatus.REJECTED), id="rejected"),
        pytest.param(training("m1", D(YEAR - 1, 12, 31)), id="last-year"),
        pytest.param(training("m1", D(YEAR + 1, 1, 1)), id="next-year"),
        pytest.param(rec("caring_action", D(YEAR, 3, 1), 60, mid="m1"), id="not-training"),
    ],
)
def test_a_record_that_is_not_a_confirmed_training_of_the_year_does_not_train(record: ServiceRecord) -> None:
    report = judge([registered("m1")], [record])
    assert "coverage.trained" in coverage_codes(report, "b1")


def test_a_reversed_training_does_not_train() -> None:
    t = training("m1")
    other = rec("community_service", D(YEAR, 5, 1), 60, mid="m1")
    report = judge([registered("m1")], [t, reversal_of(t, D(YEAR, 4, 5)), other])
    assert coverage_codes(report, "b1") == ["coverage.trained"]
    assert (report.members["m1"].trainings, report.members["m1"].attendances) == (0, 1)


def test_an_adjustment_is_not_taking_part() -> None:
    fix = ServiceRecord(
        id="adj1",
        member_id="m1",
        activity_id="a1",
        branch_id="b1",
        kind="training",
        on=D(YEAR, 3, 1),
        minutes=30,
        adjusts="r-old",
    )
    report = judge([registered("m1")], [fix])
    assert coverage_codes(report, "b1") == ["coverage.trained", "coverage.participating"]


def test_training_at_another_branchs_activity_counts() -> None:
    report = judge([registered("m1")], [training("m1", branch="b9")])
    assert coverage_codes(report, "b1") == []


def test_registration_on_the_years_last_day_counts_the_next_day_does_not() -> None:
    report = judge(
        [registered("m1", on=D(YEAR, 12, 31)), registered("m2", on=D(YEAR + 1, 1, 1))],
        [training("m1"), training("m2")],
    )
    (v,) = of(report.violations, "coverage.registered")
    assert v.details["member_ids"] == ["m2"]


def test_members_of_the_year_only_are_judged() -> None:
    members = [
        registered("m1"),
        registered("joined-last-day", joined_on=D(YEAR, 12, 31)),
        registered("left-last-year", left_on=D(YEAR - 1, 12, 31)),
    ]
    report = judge(members, [training("m1")])
    assert report.coverage["b1"].members == ("joined-last-day", "m1")
    (v,) = of(report.violations, "coverage.trained")
    assert v.details["member_ids"] == ["joined-last-day"]


def test_coverage_is_a_branch_matter_members_stay_compliant() -> None:
    full = [*full_year("m1"), training("m1")]
    unregistered = judge([registered("m1", on=None)], full)
    assert coverage_codes(unregistered, "b1") == ["coverage.registered"]
    assert unregistered.members["m1"].compliant
    assert all(v.subject_id == "b1" for v in of(unregistered.violations, "coverage.registered"))


def test_a_branch_without_members_is_judged_on_its_team_only() -> None:
    report = evaluate_year(
        YEAR, members=[], records=[], branches=[Branch(id="b3", name="三支部")], policy=PUTIAN
    )
    assert coverage_codes(report, "b3") == ["coverage.organised"]
    assert report.coverage["b3"].members == ()


def test_before_the_years_end_the_member_coverages_are_pending() -> None:
    report = judge([registered("m1", on=None)], [], teams=(), as_of=D(YEAR, 6, 30))
    assert coverage_codes(report, "b1") == ["coverage.organised"]
    assert report.coverage["b1"].pending == (
        "coverage.registered",
        "coverage.trained",
        "coverage.participating",
    )


def test_policies_without_coverage_keep_no_coverage() -> None:
    report = evaluate_year(YEAR, members=[registered("m1", on=None)], records=[])
    assert report.coverage == {}
    assert not [v for v in report.violations if v.code.startswith("coverage.")]
    assert report.coverage_records() == []


def test_the_member_rows_carry_the_facts_and_the_coverage_rows_the_counts() -> None:
    report = judge([registered("m1"), registered("m2", on=None)], [training("m1")])
    rows = {r["member_id"]: r for r in report.to_records()}
    assert (rows["m1"]["registered_on"], rows["m1"]["trainings"], rows["m1"]["attendances"]) == (
        REGISTERED,
        1,
        1,
    )
    assert (rows["m2"]["registered_on"], rows["m2"]["trainings"], rows["m2"]["attendances"]) == (None, 0, 0)
    (row,) = report.coverage_records()
    assert row["branch_id"] == "b1"
    assert (row["members"], row["registered"], row["trained"], row["participating"]) == (2, 1, 1, 1)
    assert (row["unregistered"], row["untrained"], row["complete"]) == ("m2", "m2", False)


def test_the_html_shows_the_coverage() -> None:
    html = judge([registered("m1"), registered("m2", on=None)], [training("m1")])._repr_html_()
    assert "四覆盖" in html
    assert "1/2（缺 missing: 党员m2）" in html  # members by name
    assert "四覆盖" not in evaluate_year(YEAR, members=[registered("m1")], records=[])._repr_html_()


def test_the_coverage_dataframe_needs_pandas_or_says_so() -> None:
    report = judge([registered("m1")], [training("m1")])
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="coverage_dataframe"):
            report.coverage_dataframe()
    else:
        frame = report.coverage_dataframe()
        assert list(frame["branch_id"]) == ["b1"]


def _dataset() -> tuple[list[Member], list[ServiceRecord]]:
    members = [registered("m1"), registered("m2", on=None), registered("m3", branch="b2")]
    service = rec("community_service", D(YEAR, 5, 1), 60, mid="m3", branch="b2")
    records = [training("m1"), training("m2"), service, reversal_of(service, D(YEAR, 5, 2)), training("m1")]
    return members, records


def test_evaluate_year_totals_gives_the_same_coverage() -> None:
    members, records = _dataset()
    teams = [Team(id="t1", branch_id="b1", name="先锋队")]
    streamed = evaluate_year(YEAR, members=members, records=records, teams=teams, policy=PUTIAN)
    totals = member_year_totals(records, YEAR, branch_of={m.id: m.branch_id for m in members})
    folded = evaluate_year_totals(YEAR, members=members, totals=totals.values(), teams=teams, policy=PUTIAN)
    assert folded.coverage == streamed.coverage
    assert folded.violations == streamed.violations
    assert [v.code for v in folded.branches["b2"].violations if v.code in CODES] == [
        "coverage.organised",
        "coverage.trained",
        "coverage.participating",
    ]
    assert totals["m1"].trainings == 2
    assert totals["m3"].attendances == 0


def test_the_use_case_judges_coverage_on_every_storage_with_and_without_pushdown(
    make_uow: Callable[[], UnitOfWork],
) -> None:
    """Memory, SQLite and PostgreSQL: the storage's aggregates (``GROUP BY`` in SQL) give the coverage
    the records give."""
    members, records = _dataset()
    teams = [Team(id="t1", branch_id="b1", name="先锋队")]
    activities = [
        Activity(id="train-b1", kind="training", branch_id="b1", on=TRAINING_DAY, title="志愿服务培训"),
        Activity(
            id=records[2].activity_id,
            kind="community_service",
            branch_id="b2",
            on=D(YEAR, 5, 1),
            title="社区服务",
        ),
    ]
    uow = make_uow()
    services.add_entities(
        uow, [Branch(id="b1", name="一支部"), Branch(id="b2", name="二支部"), *members, *teams, *activities]
    )
    with uow:
        for record in records:
            uow.records.add(record)
        uow.commit()
    pushed = services.evaluate_year(uow, YEAR, policy=PUTIAN)
    streamed = services.evaluate_year(uow, YEAR, policy=PUTIAN, pushdown=False)
    core = evaluate_year(YEAR, members=members, records=records, teams=teams, policy=PUTIAN)
    assert pushed.coverage == streamed.coverage
    assert pushed.coverage == core.coverage
    assert pushed.coverage["b1"].unregistered == ("m2",)
    assert pushed.coverage["b2"].not_participating == ("m3",)
    assert of(pushed.violations, "coverage.participating", "b2")
