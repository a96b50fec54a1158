"""The member rules as pure functions: ``member.annual_hours`` (inclusive), ``member.branch_activities``
(ERROR below the minimum, WARNING below the target), ``member.caring_action``, ``member.skill``,
``member.monthly_community``."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import attrs
import pytest

from volunteer_core import RULES, Member, Severity, Violation, policies
from volunteer_core.rules import (
    check_annual_hours,
    check_branch_activities,
    check_caring_action,
    check_monthly_community,
    check_skill,
)

D = date
MEMBER = Member(id="m1", name="张三", branch_id="b1", joined_on=D(2020, 1, 1), skills={"急救"})


def test_annual_hours_inclusive() -> None:
    assert check_annual_hours(MEMBER, net_minutes=1200, required_minutes=1200) == []
    (v,) = check_annual_hours(MEMBER, net_minutes=1199, required_minutes=1200)
    assert v.code == "member.annual_hours"
    assert v.subject_id == "m1"
    assert v.severity is Severity.ERROR


def test_annual_hours_prorated_requirement() -> None:
    assert check_annual_hours(MEMBER, net_minutes=1100, required_minutes=1100) == []
    assert len(check_annual_hours(MEMBER, net_minutes=1099, required_minutes=1100)) == 1


@pytest.mark.parametrize(
    ("count", "severity"), [(0, Severity.ERROR), (1, Severity.WARNING), (2, None), (5, None)]
)
def test_branch_activities(count: int, severity: Severity | None) -> None:
    found = check_branch_activities(MEMBER, count=count)
    if severity is None:
        assert found == []
    else:
        (v,) = found
        assert v.code == "member.branch_activities"
        assert v.severity is severity
        assert v.subject_id == "m1"


def test_branch_activities_thresholds_follow_the_policy() -> None:
    strict = attrs.evolve(policies.DEFAULT, branch_activities_min=2, branch_activities_target=3)
    assert check_branch_activities(MEMBER, count=1, policy=strict)[0].severity is Severity.ERROR
    assert check_branch_activities(MEMBER, count=2, policy=strict)[0].severity is Severity.WARNING
    assert check_branch_activities(MEMBER, count=3, policy=strict) == []


def test_caring_action() -> None:
    (v,) = check_caring_action(MEMBER, count=0)
    assert v.code == "member.caring_action"
    assert v.subject_id == "m1"
    assert check_caring_action(MEMBER, count=1) == []


def test_skill() -> None:
    assert check_skill(MEMBER) == []
    (v,) = check_skill(attrs.evolve(MEMBER, skills=frozenset()))
    assert v.code == "member.skill"
    assert v.subject_id == "m1"


def test_skill_off_in_fujian_preset() -> None:
    assert check_skill(attrs.evolve(MEMBER, skills=frozenset()), policies.FUJIAN_GOV_2022) == []


def test_monthly_community() -> None:
    assert check_monthly_community(MEMBER, months_missing=()) == []
    (v,) = check_monthly_community(MEMBER, months_missing=(2, 7))
    assert v.code == "member.monthly_community"
    assert v.subject_id == "m1"


DOMAIN_CODES = (
    "wish.value_cap",
    "wish.value_required",
    "wish.transition",
    "wish.claim_total",
    "member.annual_hours",
    "member.monthly_community",
    "member.branch_activities",
    "member.caring_action",
    "member.skill",
    "branch.team",
    "team.campaign",
    "pairing.duplicate",
    "pairing.single_target",
    "activity.festival_window",
    "activity.summary",
    "branch.plan_due",
    "branch.report_due",
    "ledger.already_reversed",
    "ledger.year_locked",
    "record.timeliness",
    "wish.content_required",
    "record.status",
)


@pytest.mark.parametrize("code", DOMAIN_CODES)
def test_every_domain_rule_is_catalogued(code: str) -> None:
    rule = RULES[code]
    assert rule.code == code
    assert rule.title_zh
    assert rule.title_en
    assert rule.source
    assert rule.statement


def test_violation_carries_the_documented_fields() -> None:
    (v,) = check_skill(attrs.evolve(MEMBER, skills=frozenset()))
    assert isinstance(v, Violation)
    assert v.code == "member.skill"
    assert v.severity is Severity.ERROR
    assert v.subject_id == "m1"
    assert v.message_zh
    assert v.message_en
    assert v.source == RULES["member.skill"].source
    assert "002" in v.source
    assert isinstance(v.details, Mapping)
