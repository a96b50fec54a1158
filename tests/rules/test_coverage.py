"""四覆盖 (002 §三): ``coverage.organised``, ``coverage.registered``, ``coverage.trained`` and
``coverage.participating`` — each fires on a branch that misses it and is silent on one that does not,
at the edges of the year and of membership, and as a property per rule."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import Member, Severity, Team, Violation, policies
from volunteer_core.rules import (
    RULES,
    BranchCoverage,
    branch_coverage,
    check_coverage_organised,
    check_coverage_participating,
    check_coverage_registered,
    check_coverage_trained,
)
from volunteer_core.rules.coverage import COVERAGE_CODES, COVERAGE_COLUMNS, members_during

D = date
YEAR = 2026
PUTIAN = policies.PUTIAN_2022
TEAM = Team(id="t1", branch_id="b1", name="先锋队")
LONG_AGO = D(2020, 1, 1)
REGISTERED = D(2021, 1, 1)


def member(
    mid: str,
    *,
    branch: str = "b1",
    joined_on: date = LONG_AGO,
    left_on: date | None = None,
    registered_on: date | None = REGISTERED,
) -> Member:
    return Member(
        id=mid,
        name=f"党员{mid}",
        branch_id=branch,
        joined_on=joined_on,
        left_on=left_on,
        registered_on=registered_on,
    )


def named(found: Iterable[Violation]) -> list[tuple[str, str, list[str]]]:
    return [(v.code, v.subject_id, v.details["member_ids"]) for v in found]


# -- which members are judged ------------------------------------------------------------------------------


def test_members_during_the_year_are_judged_at_both_edges() -> None:
    ms = [
        member("joined-last-day", joined_on=D(YEAR, 12, 31)),
        member("joined-next-year", joined_on=D(YEAR + 1, 1, 1)),
        member("left-first-day", left_on=D(YEAR, 1, 1)),
        member("left-last-year", left_on=D(YEAR - 1, 12, 31)),
        member("other-branch", branch="b2"),
    ]
    assert [m.id for m in members_during("b1", ms, YEAR)] == ["joined-last-day", "left-first-day"]


# -- coverage.organised ------------------------------------------------------------------------------------


def test_organised_fires_on_a_branch_without_a_team_naming_all_its_members() -> None:
    ms = [member("m2"), member("m1"), member("gone", left_on=D(YEAR - 1, 6, 1))]
    found = check_coverage_organised("b1", YEAR, members=ms, teams=[], policy=PUTIAN)
    assert named(found) == [("coverage.organised", "b1", ["m1", "m2"])]
    (v,) = found
    assert v.severity is Severity.ERROR
    assert v.source == "002 §三"
    assert v.details["members"] == 2
    assert "组织动员" in v.message_zh
    assert "no volunteer team" in v.message_en


def test_organised_is_silent_on_a_branch_with_a_team() -> None:
    assert check_coverage_organised("b1", YEAR, members=[member("m1")], teams=[TEAM], policy=PUTIAN) == []


def test_a_team_of_another_branch_does_not_organise_this_one() -> None:
    other = Team(id="t2", branch_id="b2", name="别队")
    found = check_coverage_organised("b1", YEAR, members=[member("m1")], teams=[other], policy=PUTIAN)
    assert [v.code for v in found] == ["coverage.organised"]


# -- coverage.registered -----------------------------------------------------------------------------------


def test_registered_fires_for_members_never_registered() -> None:
    ms = [member("m1"), member("m2", registered_on=None), member("m3", registered_on=None)]
    found = check_coverage_registered("b1", YEAR, members=ms, policy=PUTIAN)
    assert named(found) == [("coverage.registered", "b1", ["m2", "m3"])]
    assert found[0].severity is Severity.ERROR
    assert "m2" in found[0].message_en
    assert "注册登记" in found[0].message_zh


def test_registered_on_the_years_last_day_counts_the_next_day_does_not() -> None:
    on_time = member("m1", registered_on=D(YEAR, 12, 31))
    late = member("m2", registered_on=D(YEAR + 1, 1, 1))
    found = check_coverage_registered("b1", YEAR, members=[on_time, late], policy=PUTIAN)
    assert named(found) == [("coverage.registered", "b1", ["m2"])]


def test_registered_before_joining_the_branch_counts() -> None:
    early = member("m1", joined_on=D(YEAR, 3, 1), registered_on=D(2019, 5, 1))
    assert check_coverage_registered("b1", YEAR, members=[early], policy=PUTIAN) == []


def test_registered_is_silent_when_everyone_registered() -> None:
    assert check_coverage_registered("b1", YEAR, members=[member("m1"), member("m2")], policy=PUTIAN) == []


# -- coverage.trained and coverage.participating -----------------------------------------------------------


def test_trained_fires_for_members_without_training() -> None:
    ms = [member("m1"), member("m2")]
    found = check_coverage_trained("b1", YEAR, members=ms, trained={"m1", "someone-else"}, policy=PUTIAN)
    assert named(found) == [("coverage.trained", "b1", ["m2"])]
    assert "培训" in found[0].message_zh
    assert check_coverage_trained("b1", YEAR, members=ms, trained={"m1", "m2"}, policy=PUTIAN) == []


def test_participating_fires_for_members_who_did_not_serve() -> None:
    ms = [member("m1"), member("m2")]
    found = check_coverage_participating("b1", YEAR, members=ms, participating=["m2"], policy=PUTIAN)
    assert named(found) == [("coverage.participating", "b1", ["m1"])]
    assert "志愿服务活动" in found[0].message_zh
    assert (
        check_coverage_participating("b1", YEAR, members=ms, participating=["m1", "m2"], policy=PUTIAN) == []
    )


def test_a_branch_without_members_misses_no_member_coverage() -> None:
    assert check_coverage_registered("b1", YEAR, members=[], policy=PUTIAN) == []
    assert check_coverage_trained("b1", YEAR, members=[], trained=(), policy=PUTIAN) == []
    assert check_coverage_participating("b1", YEAR, members=[], participating=(), policy=PUTIAN) == []


def test_a_long_list_is_cut_in_the_message_and_whole_in_the_details() -> None:
    ms = [member(f"m{i:02d}", registered_on=None) for i in range(25)]
    (v,) = check_coverage_registered("b1", YEAR, members=ms, policy=PUTIAN)
    assert len(v.details["member_ids"]) == 25
    assert "and 15 more" in v.message_en
    assert "另 15 人" in v.message_zh
    assert "m24" not in v.message_en


# -- the policy switch -------------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", [policies.DEFAULT, policies.NATIONAL, policies.FUJIAN_GOV_2022, None])
def test_policies_without_coverage_judge_nothing(policy: policies.Policy | None) -> None:
    ms = [member("m1", registered_on=None)]
    assert check_coverage_organised("b1", YEAR, members=ms, teams=[], policy=policy) == []
    assert check_coverage_registered("b1", YEAR, members=ms, policy=policy) == []
    assert check_coverage_trained("b1", YEAR, members=ms, trained=(), policy=policy) == []
    assert check_coverage_participating("b1", YEAR, members=ms, participating=(), policy=policy) == []


def test_the_four_rules_are_catalogued_with_their_checks() -> None:
    checks = (
        check_coverage_organised,
        check_coverage_registered,
        check_coverage_trained,
        check_coverage_participating,
    )
    for code, check in zip(COVERAGE_CODES, checks, strict=True):
        rule = RULES[code]
        assert rule.check is check
        assert rule.source == "002 §三"
        assert rule.severity is Severity.ERROR
        assert "全覆盖" in rule.title_zh
        assert "四覆盖" in rule.title_en


# -- branch_coverage: the four at once ---------------------------------------------------------------------


def test_a_branch_that_covers_everything_is_complete() -> None:
    ms = [member("m1"), member("m2")]
    c = branch_coverage(
        "b1", YEAR, members=ms, teams=[TEAM], trained={"m1", "m2"}, participating={"m1", "m2"}, policy=PUTIAN
    )
    assert c.complete
    assert c.violations == ()
    assert c.members == ("m1", "m2")
    assert c.to_record()["complete"] is True


def test_a_branch_that_misses_each_gets_each() -> None:
    ms = [member("m1", registered_on=None), member("m2")]
    c = branch_coverage("b1", YEAR, members=ms, teams=[], trained={"m2"}, participating={"m1"}, policy=PUTIAN)
    assert named(c.violations) == [
        ("coverage.organised", "b1", ["m1", "m2"]),
        ("coverage.registered", "b1", ["m1"]),
        ("coverage.trained", "b1", ["m1"]),
        ("coverage.participating", "b1", ["m2"]),
    ]
    assert (c.unregistered, c.untrained, c.not_participating) == (("m1",), ("m1",), ("m2",))
    assert not c.complete
    assert c.pending == ()


def test_before_the_years_end_the_member_coverages_are_pending() -> None:
    ms = [member("m1", registered_on=D(YEAR, 7, 1))]
    c = branch_coverage(
        "b1", YEAR, members=ms, teams=[], trained=(), participating=(), policy=PUTIAN, as_of=D(YEAR, 6, 30)
    )
    assert [v.code for v in c.violations] == ["coverage.organised"]
    assert c.pending == ("coverage.registered", "coverage.trained", "coverage.participating")
    assert c.unregistered == ("m1",)  # registered after as_of: not yet known
    later = branch_coverage(
        "b1", YEAR, members=ms, teams=[TEAM], trained=(), participating=(), policy=PUTIAN, as_of=D(YEAR, 7, 1)
    )
    assert later.unregistered == ()
    assert later.pending == ("coverage.trained", "coverage.participating")


def test_before_the_years_end_a_member_who_has_not_joined_yet_is_not_judged() -> None:
    ms = [member("m1"), member("m2", joined_on=D(YEAR, 9, 1))]
    c = branch_coverage(
        "b1", YEAR, members=ms, teams=[], trained=(), participating=(), policy=PUTIAN, as_of=D(YEAR, 8, 31)
    )
    assert c.members == ("m1",)
    assert named(c.violations) == [("coverage.organised", "b1", ["m1"])]


def test_as_of_on_the_last_day_judges_the_year() -> None:
    c = branch_coverage(
        "b1",
        YEAR,
        members=[member("m1")],
        teams=[TEAM],
        trained=(),
        participating=(),
        policy=PUTIAN,
        as_of=D(YEAR, 12, 31),
    )
    assert [v.code for v in c.violations] == ["coverage.trained", "coverage.participating"]
    assert c.pending == ()


def test_without_the_switch_branch_coverage_holds_the_facts_only() -> None:
    c = branch_coverage(
        "b1", YEAR, members=[member("m1", registered_on=None)], teams=[], trained=(), participating=()
    )
    assert (c.violations, c.pending, c.unregistered) == ((), (), ("m1",))


def test_the_record_has_the_columns_in_order() -> None:
    c = BranchCoverage(
        branch_id="b1",
        year=YEAR,
        members=("m1", "m2"),
        teams=0,
        unregistered=("m1",),
        untrained=("m1", "m2"),
        not_participating=(),
    )
    record = c.to_record()
    assert tuple(record) == COVERAGE_COLUMNS
    assert (record["registered"], record["trained"], record["participating"]) == (1, 0, 2)
    assert record["untrained"] == "m1,m2"
    assert record["organised"] is False
    assert "<table" in c._repr_html_()


# -- a property per rule -----------------------------------------------------------------------------------

_IDS = st.lists(st.sampled_from([f"m{i}" for i in range(8)]), unique=True, max_size=8)
_DAYS = st.none() | st.dates(min_value=D(YEAR - 2, 1, 1), max_value=D(YEAR + 1, 12, 31))


@st.composite
def _members(draw: st.DrawFn) -> list[Member]:
    return [
        member(
            mid,
            branch=draw(st.sampled_from(["b1", "b2"])),
            joined_on=draw(st.dates(min_value=D(YEAR - 1, 1, 1), max_value=D(YEAR + 1, 3, 1))),
            registered_on=draw(_DAYS),
        )
        for mid in draw(_IDS)
    ]


def _judged(ms: list[Member]) -> list[Member]:
    return [m for m in ms if m.branch_id == "b1" and m.joined_on <= D(YEAR, 12, 31)]


@given(ms=_members(), has_team=st.booleans())
def test_organised_fires_exactly_without_a_team(ms: list[Member], has_team: bool) -> None:
    found = check_coverage_organised("b1", YEAR, members=ms, teams=[TEAM] if has_team else [], policy=PUTIAN)
    expected = [] if has_team else [("coverage.organised", "b1", sorted(m.id for m in _judged(ms)))]
    assert named(found) == expected


@given(ms=_members())
def test_registered_names_exactly_those_unregistered_by_the_years_end(ms: list[Member]) -> None:
    missing = sorted(
        m.id for m in _judged(ms) if m.registered_on is None or m.registered_on > D(YEAR, 12, 31)
    )
    found = check_coverage_registered("b1", YEAR, members=ms, policy=PUTIAN)
    assert named(found) == ([("coverage.registered", "b1", missing)] if missing else [])


@given(ms=_members(), trained=_IDS)
def test_trained_names_exactly_those_not_trained(ms: list[Member], trained: list[str]) -> None:
    missing = sorted(m.id for m in _judged(ms) if m.id not in trained)
    found = check_coverage_trained("b1", YEAR, members=ms, trained=set(trained), policy=PUTIAN)
    assert named(found) == ([("coverage.trained", "b1", missing)] if missing else [])


@given(ms=_members(), serving=_IDS)
def test_participating_names_exactly_those_who_did_not_serve(ms: list[Member], serving: list[str]) -> None:
    missing = sorted(m.id for m in _judged(ms) if m.id not in serving)
    found = check_coverage_participating("b1", YEAR, members=ms, participating=set(serving), policy=PUTIAN)
    assert named(found) == ([("coverage.participating", "b1", missing)] if missing else [])
