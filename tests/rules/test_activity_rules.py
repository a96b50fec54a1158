"""``activity.festival_window`` (inclusive, across the turn of the year) and ``activity.summary``
(MCA_LEIFENG)."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from volunteer_core import Activity, Severity, policies
from volunteer_core.rules import check_activity, check_activity_summary, check_festival_window

D = date
NEW_YEAR_ONLY = attrs.evolve(policies.DEFAULT, festivals=frozenset({"new_year"}))
NATIONAL_DAY_ONLY = attrs.evolve(policies.DEFAULT, festivals=frozenset({"national_day"}))


def activity(on: date, kind: str = "festival", summary: str = "", aid: str = "a1") -> Activity:
    return Activity(id=aid, kind=kind, branch_id="b1", on=on, title="同过节", summary=summary)


# ---------------------------------------------------------------------------------------------------------
# activity.festival_window


@pytest.mark.parametrize("day", [D(2026, 10, 1), D(2026, 10, 8), D(2026, 9, 24)])
def test_within_seven_days_inclusive(day: date) -> None:
    assert check_festival_window(activity(day), NATIONAL_DAY_ONLY) == []


@pytest.mark.parametrize("day", [D(2026, 10, 9), D(2026, 9, 23), D(2026, 7, 20)])
def test_eight_days_away_is_a_violation(day: date) -> None:
    (v,) = check_festival_window(activity(day), NATIONAL_DAY_ONLY)
    assert v.code == "activity.festival_window"
    assert v.subject_id == "a1"
    assert v.severity is Severity.ERROR


def test_across_the_new_year_default_policy() -> None:
    # 2026-12-29 is 3 days before 元旦 2027; 国际志愿者日 (12-05) is 24 days back.
    assert check_festival_window(activity(D(2026, 12, 29))) == []


@pytest.mark.parametrize("day", [D(2026, 12, 25), D(2026, 12, 29), D(2027, 1, 8), D(2026, 1, 8)])
def test_across_the_new_year_within(day: date) -> None:
    assert check_festival_window(activity(day), NEW_YEAR_ONLY) == []


@pytest.mark.parametrize("day", [D(2026, 12, 24), D(2027, 1, 9), D(2026, 1, 9)])
def test_across_the_new_year_outside(day: date) -> None:
    assert [v.code for v in check_festival_window(activity(day), NEW_YEAR_ONLY)] == [
        "activity.festival_window"
    ]


def test_window_follows_the_policy() -> None:
    wide = attrs.evolve(NATIONAL_DAY_ONLY, festival_window_days=10)
    assert check_festival_window(activity(D(2026, 10, 11)), wide) == []
    assert len(check_festival_window(activity(D(2026, 10, 12)), wide)) == 1


def test_lunar_festival_counts() -> None:
    # 中秋 2026 is 2026-09-25
    mid_autumn = attrs.evolve(policies.DEFAULT, festivals=frozenset({"mid_autumn"}))
    assert check_festival_window(activity(D(2026, 10, 2)), mid_autumn) == []
    assert len(check_festival_window(activity(D(2026, 10, 3)), mid_autumn)) == 1


@pytest.mark.parametrize("kind", ["pairing", "community_service", "caring_action", "team_campaign", "other"])
def test_other_kinds_are_not_judged(kind: str) -> None:
    assert check_festival_window(activity(D(2026, 7, 20), kind=kind), NATIONAL_DAY_ONLY) == []


def test_rule_off_when_window_is_none() -> None:
    off = attrs.evolve(policies.DEFAULT, festival_window_days=None)
    assert check_festival_window(activity(D(2026, 7, 20)), off) == []


# ---------------------------------------------------------------------------------------------------------
# activity.summary


MCA = policies.MCA_LEIFENG


def test_summary_not_required_by_default() -> None:
    assert check_activity_summary(activity(D(2026, 3, 1), kind="pairing"), evaluated_on=D(2026, 12, 31)) == []


def test_summary_due_after_seven_days() -> None:
    a = activity(D(2026, 3, 1), kind="pairing")
    assert check_activity_summary(a, MCA, evaluated_on=D(2026, 3, 8)) == []
    (v,) = check_activity_summary(a, MCA, evaluated_on=D(2026, 3, 9))
    assert v.code == "activity.summary"
    assert v.subject_id == "a1"


def test_written_summary_satisfies_the_rule() -> None:
    a = activity(D(2026, 3, 1), kind="pairing", summary="走访3户，送米面油")
    assert check_activity_summary(a, MCA, evaluated_on=D(2026, 12, 31)) == []


def test_blank_summary_is_no_summary() -> None:
    a = activity(D(2026, 3, 1), kind="pairing", summary="   ")
    assert len(check_activity_summary(a, MCA, evaluated_on=D(2026, 12, 31))) == 1


def test_evaluation_date_defaults_to_31_december() -> None:
    assert check_activity_summary(activity(D(2026, 12, 24), kind="pairing"), MCA) == []
    assert len(check_activity_summary(activity(D(2026, 12, 23), kind="pairing"), MCA)) == 1


def test_check_activity_combines_both_rules() -> None:
    both = attrs.evolve(NATIONAL_DAY_ONLY, require_activity_summary=True)
    codes = sorted(
        v.code for v in check_activity(activity(D(2026, 7, 20)), both, evaluated_on=D(2026, 12, 31))
    )
    assert codes == ["activity.festival_window", "activity.summary"]
