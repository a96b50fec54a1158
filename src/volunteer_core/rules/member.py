"""Member rules of "六个一" (002 §三) and the branch-activity rule (000 §四.1).

Each check takes the facts :mod:`volunteer_core.compliance` gathered for one member and year, and
returns the violations; the year evaluation decides which annual rules are still *pending*.

>>> from datetime import date
>>> from volunteer_core import Member
>>> m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))
>>> [v.code for v in check_annual_hours(m, net_minutes=1199, required_minutes=1200)]
['member.annual_hours']
>>> check_annual_hours(m, net_minutes=1200, required_minutes=1200)
[]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from volunteer_core._catalogue import Violation, register, violation
from volunteer_core._defaults import resolve_policy
from volunteer_core.model.enums import Severity
from volunteer_core.model.people import Member

if TYPE_CHECKING:
    from volunteer_core.policy import Policy

__all__ = [
    "check_annual_hours",
    "check_branch_activities",
    "check_caring_action",
    "check_monthly_community",
    "check_skill",
]


def _hours(minutes: int) -> str:
    sign = "-" if minutes < 0 else ""
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h}h{m:02d}m"


@register("member.annual_hours")
def check_annual_hours(member: Member, *, net_minutes: int, required_minutes: int) -> list[Violation]:
    """Net confirmed minutes of the year ≥ the (pro-rated) requirement, inclusive."""
    if net_minutes >= required_minutes:
        return []
    return [
        violation(
            "member.annual_hours",
            member.id,
            en=f"{member.name} served {_hours(net_minutes)} this year, {_hours(required_minutes)} required",
            zh=f"{member.name} 本年度志愿服务 {net_minutes} 分钟，应不少于 {required_minutes} 分钟",
            net_minutes=net_minutes,
            required_minutes=required_minutes,
            shortfall_minutes=required_minutes - net_minutes,
        )
    ]


@register("member.monthly_community")
def check_monthly_community(member: Member, *, months_missing: Sequence[int]) -> list[Violation]:
    """Every judged full month of membership has enough COMMUNITY_SERVICE records."""
    if not months_missing:
        return []
    months = ", ".join(str(m) for m in months_missing)
    return [
        violation(
            "member.monthly_community",
            member.id,
            en=f"{member.name} did no community service in month(s) {months}",
            zh=f"{member.name} 在 {'、'.join(f'{m}月' for m in months_missing)} 未参加社区志愿服务",
            months_missing=list(months_missing),
        )
    ]


@register("member.branch_activities")
def check_branch_activities(member: Member, *, count: int, policy: Policy | None = None) -> list[Violation]:
    """Distinct PAIRING activities of the member's own branch: below the minimum is an ERROR, below the
    target a WARNING."""
    policy = resolve_policy(policy)
    low, target = policy.branch_activities_min, policy.branch_activities_target
    if low is not None and count < low:
        severity, needed = Severity.ERROR, low
    elif target is not None and count < target:
        severity, needed = Severity.WARNING, target
    else:
        return []
    return [
        violation(
            "member.branch_activities",
            member.id,
            severity=severity,
            en=f"{member.name} took part in {count} pairing/help activities of branch {member.branch_id}"
            f" ({needed} expected)",
            zh=f"{member.name} 参加本支部结对帮扶活动 {count} 次（应 {needed} 次）",
            count=count,
            expected=needed,
        )
    ]


@register("member.caring_action")
def check_caring_action(member: Member, *, count: int, policy: Policy | None = None) -> list[Violation]:
    """At least ``policy.min_caring_actions`` CARING_ACTION records a year."""
    needed = resolve_policy(policy).min_caring_actions
    if needed is None or count >= needed:
        return []
    return [
        violation(
            "member.caring_action",
            member.id,
            en=f"{member.name} took part in {count} caring actions this year ({needed} expected)",
            zh=f"{member.name} 本年度参加奉献爱心行动 {count} 次（应 {needed} 次）",
            count=count,
            expected=needed,
        )
    ]


@register("member.skill")
def check_skill(member: Member, policy: Policy | None = None) -> list[Violation]:
    """At least ``policy.min_skills`` declared skills.

    >>> from datetime import date
    >>> from volunteer_core import Member
    >>> [v.code for v in check_skill(Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)))]
    ['member.skill']
    """
    needed = resolve_policy(policy).min_skills
    if needed is None or len(member.skills) >= needed:
        return []
    return [
        violation(
            "member.skill",
            member.id,
            en=f"{member.name} declared {len(member.skills)} volunteer skills ({needed} expected)",
            zh=f"{member.name} 登记志愿服务技能 {len(member.skills)} 项（应至少 {needed} 项）",
            count=len(member.skills),
            expected=needed,
        )
    ]
