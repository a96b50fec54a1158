"""Activity rules: ``activity.festival_window`` (000 §四.3, 004 §三) and ``activity.summary`` (001 §(三)).

>>> from datetime import date
>>> from volunteer_core import Activity
>>> a = Activity(id="a1", kind="festival", branch_id="b1", on=date(2026, 10, 2), title="中秋国庆慰问")
>>> check_festival_window(a)
[]
>>> far = Activity(id="a2", kind="festival", branch_id="b1", on=date(2026, 7, 20), title="同过节")
>>> [v.code for v in check_festival_window(far)]
['activity.festival_window']
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from volunteer_core import calendar
from volunteer_core._catalogue import Violation, register, violation
from volunteer_core._defaults import resolve_policy
from volunteer_core.model.activity import Activity
from volunteer_core.model.enums import ActivityKind

if TYPE_CHECKING:
    from volunteer_core.policy import Policy

__all__ = ["check_activity", "check_activity_summary", "check_festival_window"]


@register("activity.festival_window")
def check_festival_window(activity: Activity, policy: Policy | None = None) -> list[Violation]:
    """A FESTIVAL activity lies within ``policy.festival_window_days`` (inclusive) of one of the
    policy's festivals, looking across the turn of the year. Other kinds are not judged."""
    policy = resolve_policy(policy)
    window = policy.festival_window_days
    if activity.kind is not ActivityKind.FESTIVAL or window is None:
        return []
    if not policy.festivals:
        return [
            violation(
                "activity.festival_window",
                activity.id,
                en="the policy lists no festivals",
                zh="政策未列出任何节日",
                window_days=window,
            )
        ]
    festival, distance = calendar.nearest_festival(activity.on, policy)
    if distance <= window:
        return []
    return [
        violation(
            "activity.festival_window",
            activity.id,
            en=f"festival activity '{activity.title}' on {activity.on} is {distance} days from the nearest "
            f"festival ({festival.name_en}, {festival.on}); at most {window} allowed",
            zh=f"同过节活动“{activity.title}”（{activity.on}）距最近的节日（{festival.name_zh}，{festival.on}）"
            f"{distance} 天，超过 {window} 天",
            nearest=festival.key,
            nearest_on=festival.on.isoformat(),
            distance_days=distance,
            window_days=window,
        )
    ]


@register("activity.summary")
def check_activity_summary(
    activity: Activity, policy: Policy | None = None, *, evaluated_on: date | None = None
) -> list[Violation]:
    """When ``policy.require_activity_summary``, an activity more than ``policy.summary_due_days`` before
    ``evaluated_on`` (default: 31 December of the activity's year) has a non-empty summary.

    >>> from datetime import date
    >>> from volunteer_core import Activity, policies
    >>> a = Activity(id="a1", kind="pairing", branch_id="b1", on=date(2026, 3, 1), title="走访慰问")
    >>> [v.code for v in check_activity_summary(a, policies.MCA_LEIFENG, evaluated_on=date(2026, 3, 9))]
    ['activity.summary']
    >>> check_activity_summary(a, policies.MCA_LEIFENG, evaluated_on=date(2026, 3, 8))
    []
    """
    policy = resolve_policy(policy)
    if not policy.require_activity_summary or activity.summary.strip():
        return []
    on = evaluated_on or date(activity.on.year, 12, 31)
    overdue = (on - activity.on).days
    if overdue <= policy.summary_due_days:
        return []
    return [
        violation(
            "activity.summary",
            activity.id,
            en=f"activity '{activity.title}' on {activity.on} has no written summary "
            f"({overdue} days later; due within {policy.summary_due_days})",
            zh=f"活动“{activity.title}”（{activity.on}）已过 {overdue} 天仍未总结（应在 {policy.summary_due_days} 天内）",
            days_since=overdue,
            due_days=policy.summary_due_days,
        )
    ]


def check_activity(
    activity: Activity, policy: Policy | None = None, *, evaluated_on: date | None = None
) -> list[Violation]:
    """Both activity rules."""
    return [
        *check_festival_window(activity, policy),
        *check_activity_summary(activity, policy, evaluated_on=evaluated_on),
    ]
