"""Member rules of "六个一" (002 §三) and the branch-activity rule (000 §四.1).

Each check takes the facts :mod:`volunteer_core.compliance` gathered for one member and year, and
returns the violations; the year evaluation decides which annual rules are still *pending*.
:func:`organising_branches` and :func:`credited_branches` say which branches an activity counts for as a
共建、帮扶 activity (``member.branch_activities``).

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
from volunteer_core.errors import InvalidInput
from volunteer_core.model.activity import Activity
from volunteer_core.model.enums import ActivityKind, PairingMode, Severity
from volunteer_core.model.pairing import Pairing
from volunteer_core.model.people import Member

if TYPE_CHECKING:
    from volunteer_core.policy import Policy

__all__ = [
    "check_annual_hours",
    "check_branch_activities",
    "check_caring_action",
    "check_monthly_community",
    "check_skill",
    "credited_branches",
    "organising_branches",
]

#: Pairing modes whose activities belong to every branch of the pairing (支部联合, 联合厅局).
JOINT_MODES = frozenset({PairingMode.JOINT_BRANCHES, PairingMode.JOINT_DEPARTMENT})
#: Kinds that count as 共建、帮扶 when linked to one of the branch's pairings (同过节, 办实事).
LINKED_KINDS = frozenset({ActivityKind.FESTIVAL, ActivityKind.PRACTICAL_HELP})
#: Kinds that can count as 共建、帮扶 for a branch at all: :func:`credited_branches` gives every other kind none.
CREDITABLE_KINDS = frozenset({ActivityKind.PAIRING, *LINKED_KINDS})


def _its_pairing(activity: Activity, pairing: Pairing | None) -> Pairing | None:
    """``pairing`` when it is ``activity``'s (``pairing_id``); None for an activity without one."""
    if activity.pairing_id is None or pairing is None:
        return None
    if pairing.id != activity.pairing_id:
        raise InvalidInput(
            "pairing",
            pairing.id,
            message_en=f"activity {activity.id} is linked to pairing {activity.pairing_id}, not {pairing.id}",
            message_zh=f"活动 {activity.id} 关联结对 {activity.pairing_id}，而非 {pairing.id}",
        )
    return pairing


def organising_branches(activity: Activity, pairing: Pairing | None = None) -> frozenset[str]:
    """Every branch that organises ``activity`` (000 §四.1): its lead and co-organisers
    (``Activity.branch_ids``) and — for an activity of a JOINT_BRANCHES or JOINT_DEPARTMENT pairing
    (``pairing``: the activity's own, by ``pairing_id``) — every branch of the pairing, even when the
    activity was entered under one branch only.

    >>> from datetime import date
    >>> from volunteer_core import Activity, DateRange, Pairing
    >>> joint = Pairing(id="p1", branch_ids={"b1", "b2"}, target_id="u1", mode="joint_branches",
    ...                 period=DateRange(date(2025, 1, 1)))
    >>> visit = Activity(id="a1", kind="pairing", branch_id="b1", on=date(2025, 4, 3), title="走访",
    ...                  pairing_id="p1")
    >>> sorted(organising_branches(visit)), sorted(organising_branches(visit, joint))
    (['b1'], ['b1', 'b2'])
    """
    linked = _its_pairing(activity, pairing)
    if linked is not None and linked.mode in JOINT_MODES:
        return activity.branch_ids | linked.branch_ids
    return activity.branch_ids


def credited_branches(activity: Activity, pairing: Pairing | None = None) -> frozenset[str]:
    """The branches for which ``activity`` is a 共建、帮扶 activity (``member.branch_activities``): for a
    PAIRING activity, every branch organising it (:func:`organising_branches`); for a FESTIVAL or
    PRACTICAL_HELP activity linked to a pairing (``pairing``: the activity's own), the organising branches
    that are branches of that pairing; for any other activity, none. Without ``pairing`` a linked
    activity counts for no branch (which branches the pairing has is unknown).

    >>> from datetime import date
    >>> from volunteer_core import Activity, DateRange, Pairing
    >>> own = Pairing(id="p1", branch_ids={"b1"}, target_id="ben1", mode="solo",
    ...               period=DateRange(date(2025, 1, 1)))
    >>> mid_autumn = Activity(id="a1", kind="festival", branch_id="b1", on=date(2025, 10, 6),
    ...                       title="中秋同过节", pairing_id="p1")
    >>> sorted(credited_branches(mid_autumn, own)), sorted(credited_branches(mid_autumn))
    (['b1'], [])
    """
    linked = _its_pairing(activity, pairing)
    if activity.kind is ActivityKind.PAIRING:
        return organising_branches(activity, linked)
    if activity.kind in LINKED_KINDS and linked is not None:
        return organising_branches(activity, linked) & linked.branch_ids
    return frozenset()


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
    """Distinct 共建、帮扶 activities organised by the member's own branch — led or co-organised — that the
    member took part in during the year (``count``; :func:`credited_branches` says which activities count
    for which branch): below ``policy.branch_activities_min`` an ERROR, below
    ``policy.branch_activities_target`` a WARNING.

    >>> from datetime import date
    >>> from volunteer_core import Member
    >>> m = Member(id="m2", name="李四", branch_id="b2", joined_on=date(2020, 1, 1))
    >>> [(v.code, v.severity.value) for v in check_branch_activities(m, count=1)], check_branch_activities(m, count=2)
    ([('member.branch_activities', 'warning')], [])
    """
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
            en=f"{member.name} took part in {count} pairing/help activities organised by branch "
            f"{member.branch_id} ({needed} expected)",
            zh=f"{member.name} 参加本支部（含联合组织）共建、帮扶活动 {count} 次（应 {needed} 次）",
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
