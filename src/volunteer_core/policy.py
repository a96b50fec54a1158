"""Policy: every threshold and switch of the rules, and the presets of the five seed documents.

A threshold set to ``None`` switches its rule off. Presets are frozen; derive a local variant with
``attrs.evolve``:

>>> import attrs
>>> from volunteer_core import policies
>>> local = attrs.evolve(policies.DEFAULT, name="某县", min_annual_minutes=1800)
>>> local.min_annual_minutes, policies.DEFAULT.min_annual_minutes
(1800, 1200)
"""

from __future__ import annotations

import itertools
from typing import Any, cast

import attrs

from volunteer_core import calendar
from volunteer_core.errors import InvalidInput
from volunteer_core.money import Yuan, coerce_yuan

__all__ = [
    "DEFAULT",
    "FUJIAN_GOV_2022",
    "LOUDI_2018",
    "MCA_LEIFENG",
    "MEILIE_2017",
    "NATIONAL_STARS",
    "PARTY_MEMBER_YEARLY_STARS",
    "PRESETS",
    "PUTIAN_2022",
    "STAR_TABLES",
    "Policy",
    "StarTable",
]


def _bad(name: str, value: object, en: str, zh: str) -> InvalidInput:
    return InvalidInput(name, value, message_en=en, message_zh=zh)


def _count(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _bad(attribute.name, value, "must be an integer ≥ 0 or None", "须为不小于0的整数或 None")


def _years(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _bad(attribute.name, value, "must be a whole number of years ≥ 1", "须为不小于1的整数年")


def _month_day(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    from datetime import date

    try:
        month, day = cast("tuple[int, int]", value)
        date(
            2024, month, day
        )  # a leap year: (2, 29) is a valid deadline  # a leap year: (2, 29) is a valid deadline
    except (TypeError, ValueError):
        raise _bad(attribute.name, value, "must be a (month, day) pair", "须为（月, 日）") from None


def _report_dues(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is None:
        return
    if not isinstance(value, tuple) or len(value) != 2:
        raise _bad(
            attribute.name,
            value,
            "must be two (month, day) pairs: H1, H2",
            "须为两个（月, 日）：上半年、下半年",
        )
    for item in value:
        _month_day(_inst, attribute, item)


def _festival_keys(value: Any) -> frozenset[str]:
    if isinstance(value, str) or not hasattr(value, "__iter__"):
        raise _bad("festivals", value, "must be a collection of festival keys", "须为节日代码集合")
    keys = frozenset(value)
    unknown = keys - calendar.FESTIVAL_KEYS
    if unknown:
        raise _bad(
            "festivals",
            sorted(unknown),
            f"unknown festival keys; known: {', '.join(sorted(calendar.FESTIVAL_KEYS))}",
            "未知的节日代码",
        )
    return keys


def _optional_cap(value: Any) -> Yuan | None:
    return None if value is None else coerce_yuan(value)


def _raise_or_warn(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value not in ("raise", "warn"):
        raise _bad(attribute.name, value, 'must be "raise" or "warn"', '须为 "raise" 或 "warn"')


def _to_tuple(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(value)
    return value


def _star_thresholds(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    ok = (
        isinstance(value, tuple)
        and len(value) <= 5
        and all(isinstance(h, int) and not isinstance(h, bool) and h > 0 for h in value)
        and all(a < b for a, b in itertools.pairwise(value))
    )
    if not ok:
        raise _bad(
            attribute.name,
            value,
            "must be at most five strictly increasing whole numbers of hours > 0",
            "须为不超过五个、严格递增的正整数小时数",
        )


@attrs.frozen(kw_only=True)
class StarTable:
    """A table of star levels (星级): the confirmed hours of 一星 … 五星 and whether it resets yearly.

    Apply it with :meth:`Policy.with_stars`.
    """

    name: str
    thresholds_hours: tuple[int, ...] = attrs.field(converter=_to_tuple, validator=_star_thresholds)
    yearly_reset: bool = False
    source: str = ""


#: 一星 … 五星 at 100 / 300 / 600 / 1000 / 1500 cumulative confirmed hours: 中国社区志愿者注册管理办法
#: Art 18, 志愿服务记录办法 (民政部 2012) and the platforms since (de-facto national practice). The default.
NATIONAL_STARS = StarTable(
    name="NATIONAL_STARS",
    thresholds_hours=(100, 300, 600, 1000, 1500),
    source="中国社区志愿者注册管理办法 Art 18; 志愿服务记录办法（民政部 2012）; de-facto national practice",
)

#: A party-member table that resets every calendar year: 8 / 10 / 15 / 20 / 25 hours in the year.
PARTY_MEMBER_YEARLY_STARS = StarTable(
    name="PARTY_MEMBER_YEARLY_STARS",
    thresholds_hours=(8, 10, 15, 20, 25),
    yearly_reset=True,
    source="local party-member practice (issue 6)",
)

#: Every star table by name.
STAR_TABLES: dict[str, StarTable] = {t.name: t for t in (NATIONAL_STARS, PARTY_MEMBER_YEARLY_STARS)}


@attrs.frozen(kw_only=True)
class Policy:
    """The thresholds and switches of every rule (see domain.md). ``None`` switches a rule off.

    >>> from volunteer_core import policies
    >>> str(policies.DEFAULT.wish_value_cap), policies.DEFAULT.plan_due
    ('300.00', (5, 15))
    >>> policies.MCA_LEIFENG.max_pairing_targets_per_branch
    1
    >>> policies.DEFAULT.retention_years
    10
    """

    #: A short name for reports.
    name: str = "DEFAULT"
    #: The seed document(s) and sections this policy follows.
    source: str = ""
    #: ``wish.value_cap``: a material wish's value is ≤ this (inclusive). None: no cap.
    wish_value_cap: Yuan | None = attrs.field(default=Yuan(300), converter=_optional_cap)
    #: ``member.annual_hours``: net confirmed minutes a year (inclusive). None: rule off.
    min_annual_minutes: int | None = attrs.field(default=1200, validator=_count)
    #: Decision (domain.md): pro-rate the annual minutes by full months of membership.
    prorate_annual_minutes: bool = True
    #: ``member.monthly_community``: COMMUNITY_SERVICE records in every full month. None: rule off.
    min_community_sessions_per_month: int | None = attrs.field(default=1, validator=_count)
    #: ``member.branch_activities``: below this is an ERROR. None: rule off.
    branch_activities_min: int | None = attrs.field(default=1, validator=_count)
    #: ``member.branch_activities``: below this (but at least the minimum) is a WARNING.
    branch_activities_target: int | None = attrs.field(default=2, validator=_count)
    #: ``member.caring_action``: CARING_ACTION records a year. None: rule off.
    min_caring_actions: int | None = attrs.field(default=1, validator=_count)
    #: ``member.skill``: declared skills per volunteer. None: rule off.
    min_skills: int | None = attrs.field(default=1, validator=_count)
    #: ``branch.team``: teams per branch. None: rule off.
    min_teams_per_branch: int | None = attrs.field(default=1, validator=_count)
    #: ``team.campaign``: TEAM_CAMPAIGN activities per team per year. None: rule off.
    min_campaigns_per_team: int | None = attrs.field(default=1, validator=_count)
    #: ``pairing.duplicate``: refuse overlapping pairings of one target.
    forbid_duplicate_pairings: bool = True
    #: ``pairing.single_target``: concurrent pairings a branch may hold. None: no limit.
    max_pairing_targets_per_branch: int | None = attrs.field(default=None, validator=_count)
    #: ``activity.festival_window``: days either side of a festival (inclusive). None: rule off.
    festival_window_days: int | None = attrs.field(default=7, validator=_count)
    #: The festivals of ``activity.festival_window`` (keys of :data:`volunteer_core.calendar.FESTIVAL_KEYS`).
    festivals: frozenset[str] = attrs.field(default=calendar.ALL_FESTIVALS, converter=_festival_keys)
    #: ``activity.summary``: require a written summary after every activity.
    require_activity_summary: bool = False
    #: ``activity.summary``: days after the activity before a missing summary is a violation.
    summary_due_days: int = attrs.field(default=7, validator=_count)
    #: ``branch.plan_due``: (month, day) by which the year's plan table is submitted. None: rule off.
    plan_due: tuple[int, int] | None = attrs.field(default=(5, 15), validator=_month_day)
    #: ``branch.report_due``: (month, day) of the H1 and H2 reports. None: rule off.
    report_due: tuple[tuple[int, int], tuple[int, int]] | None = attrs.field(
        default=((6, 30), (12, 31)), validator=_report_dues
    )
    #: ``record.timeliness``: official working days within which service is recorded.
    record_within_working_days: int = attrs.field(default=10, validator=_count)
    #: ``record.timeliness`` for a year beyond the official calendar's data (chinese-calendar):
    #: ``"raise"`` → ``InvalidInput``; ``"warn"`` → a ``record.timeliness_unknown`` WARNING. Never a
    #: silent Monday–Friday guess.
    beyond_official_calendar: str = attrs.field(default="raise", validator=_raise_or_warn)
    #: Star levels 一星 … 五星: confirmed hours (inclusive), strictly increasing, at most five.
    star_thresholds_hours: tuple[int, ...] = attrs.field(
        default=(100, 300, 600, 1000, 1500), converter=_to_tuple, validator=_star_thresholds
    )
    #: Star levels count the hours of the calendar year of ``as_of`` only (a yearly-reset table),
    #: instead of all hours up to ``as_of``.
    star_yearly_reset: bool = False
    #: ``record.sessions_per_day``: sign-in/sign-out sessions per member per activity per day (i志愿).
    max_sessions_per_day: int = attrs.field(default=3, validator=_count)
    #: 双报到: COMMUNITY_SERVICE counts toward ``member.monthly_community`` only at a community where the
    #: member was registered that day (``CommunityRegistration``; ``Member.community`` when none given).
    community_service_where_registered: bool = False
    #: Years a volunteer's service records are kept, at least (GB/T 40143-2021 §5.2.2: 志愿服务记录 kept
    #: no less than 10 years). Documentation for the host, not a rule: the library never deletes a record
    #: (the ledger is append-only); a host may archive records older than this, and erases a person's data
    #: on request with ``services.anonymise_member``, which keeps the records and every total.
    retention_years: int = attrs.field(default=10, validator=_years)

    def with_stars(self, table: StarTable) -> Policy:
        """This policy with the star table ``table``.

        >>> DEFAULT.with_stars(PARTY_MEMBER_YEARLY_STARS).star_thresholds_hours
        (8, 10, 15, 20, 25)
        """
        return attrs.evolve(
            self, star_thresholds_hours=table.thresholds_hours, star_yearly_reset=table.yearly_reset
        )

    def __attrs_post_init__(self) -> None:
        lo, target = self.branch_activities_min, self.branch_activities_target
        if lo is not None and target is not None and target < lo:
            raise _bad(
                "branch_activities_target",
                target,
                f"the target {target} is below the minimum {lo}",
                f"目标次数 {target} 低于最低次数 {lo}",
            )


#: The union the library is known by: 300-yuan cap, 20 h a year, monthly community service, 1–2 branch
#: activities, no duplicate pairings, 六个一, the Fujian deadlines and every festival of the seeds.
DEFAULT = Policy(
    name="DEFAULT",
    source="000 §四–五, 001 §(一)–(三), 002 §三–四, 003, 004 §三–四",
)

#: 闽政办党委〔2022〕11号 (000): 1–2 branch pairing/help activities a year per member (§四.1), no
#: 多头、重复结对 (§五.3), the plan table by mid-May and reports by end of June / December (§五), the
#: festival list of §四.3. It sets no hours, monthly service or 六个一 rules.
FUJIAN_GOV_2022 = Policy(
    name="FUJIAN_GOV_2022",
    source="000 闽政办党委〔2022〕11号 §四.1, §四.3, §五",
    min_annual_minutes=None,
    min_community_sessions_per_month=None,
    min_caring_actions=None,
    min_skills=None,
    min_teams_per_branch=None,
    min_campaigns_per_team=None,
    festivals=calendar.FUJIAN_FESTIVALS,
)

#: 民政部直属机关学雷锋结对帮扶志愿服务活动方案 (001): one pairing target per unit (§(一)), a written
#: summary after every activity (§(三)).
MCA_LEIFENG = Policy(
    name="MCA_LEIFENG",
    source="001 §(一), §(三)",
    min_annual_minutes=None,
    min_community_sessions_per_month=None,
    branch_activities_min=None,
    branch_activities_target=None,
    min_caring_actions=None,
    min_skills=None,
    min_teams_per_branch=None,
    min_campaigns_per_team=None,
    max_pairing_targets_per_branch=1,
    require_activity_summary=True,
    plan_due=None,
    report_due=None,
    festival_window_days=None,
)

#: 莆田市委党校党员志愿服务活动工作方案 (002): "六个一" (§三) and half-year reports (§四).
PUTIAN_2022 = Policy(
    name="PUTIAN_2022",
    source="002 §三 六个一, §四",
    branch_activities_min=None,
    branch_activities_target=None,
    plan_due=None,
    festival_window_days=None,
)

#: 梅列区2017年学雷锋志愿服务活动实施方案 (003): 一对一 / 多对一 pairings, 3·5 学雷锋日 and 12·5
#: 国际志愿者日.
MEILIE_2017 = Policy(
    name="MEILIE_2017",
    source="003 §三",
    min_annual_minutes=None,
    min_community_sessions_per_month=None,
    branch_activities_min=None,
    branch_activities_target=None,
    min_caring_actions=None,
    min_skills=None,
    min_teams_per_branch=None,
    min_campaigns_per_team=None,
    plan_due=None,
    report_due=None,
    festivals=calendar.MEILIE_FESTIVALS,
)

#: 娄直工发〔2018〕6号 (004): micro-wishes worth at most 300 yuan (§三), the lifecycle (§四), the
#: festival timeline (§三).
LOUDI_2018 = Policy(
    name="LOUDI_2018",
    source="004 娄直工发〔2018〕6号 §三, §四",
    min_annual_minutes=None,
    min_community_sessions_per_month=None,
    branch_activities_min=None,
    branch_activities_target=None,
    min_caring_actions=None,
    min_skills=None,
    min_teams_per_branch=None,
    min_campaigns_per_team=None,
    plan_due=None,
    report_due=None,
    festivals=calendar.LOUDI_FESTIVALS,
)

#: Every preset by name.
PRESETS: dict[str, Policy] = {
    p.name: p for p in (DEFAULT, FUJIAN_GOV_2022, MCA_LEIFENG, PUTIAN_2022, MEILIE_2017, LOUDI_2018)
}
