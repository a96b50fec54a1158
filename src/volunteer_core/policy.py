"""Policy: every threshold and switch of the rules; the national layer and the presets of the five seeds.

A threshold set to ``None`` (a switch set to ``False``) switches its rule off; :data:`SWITCHES` says which
fields switch which rule. :data:`NATIONAL` holds what national texts lay down for everyone; each seed preset
is NATIONAL plus exactly the rules its seed states, with the seed's numbers, and cites file and section in
``Policy.sources``; :data:`DEFAULT` is the union the library is known by. Presets are frozen; derive a
local variant with ``attrs.evolve``:

>>> import attrs
>>> from volunteer_core import policies
>>> local = attrs.evolve(policies.DEFAULT, name="某县", min_annual_minutes=1800)
>>> local.min_annual_minutes, policies.DEFAULT.min_annual_minutes
(1800, 1200)
>>> policies.PUTIAN_2022.sources["branch.report_due"], policies.FUJIAN_GOV_2022.sources["branch.report_due"]
('002 §四', '000 §五')
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, cast

import attrs

from volunteer_core import calendar
from volunteer_core.errors import InvalidInput
from volunteer_core.money import Yuan, coerce_yuan

if TYPE_CHECKING:
    from volunteer_core._catalogue import Violation

__all__ = [
    "DEFAULT",
    "FUJIAN_GOV_2022",
    "LOUDI_2018",
    "MCA_LEIFENG",
    "MEILIE_2017",
    "NATIONAL",
    "NATIONAL_STARS",
    "PARTY_MEMBER_YEARLY_STARS",
    "PRESETS",
    "PUTIAN_2022",
    "STAR_TABLES",
    "SWITCHES",
    "Policy",
    "RuleSwitch",
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
        date(2024, month, day)  # a leap year: (2, 29) is a valid deadline
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


_CITED = re.compile(r"[a-z][a-z_]*(\.[a-z][a-z_]*)?")


def _citations(value: Any) -> Mapping[str, str]:
    """``sources``: a mapping of rule codes (or parameter names) to non-blank citations, kept read-only."""
    if not isinstance(value, Mapping):
        raise _bad(
            "sources", value, "must be a mapping of rule code → citation", "须为“规则代码 → 出处”的映射"
        )
    for key, citation in value.items():
        if not isinstance(key, str) or _CITED.fullmatch(key) is None:
            raise _bad(
                "sources",
                key,
                "keys are rule codes such as wish.value_cap, or parameter names",
                "键须为规则代码（如 wish.value_cap）或参数名",
            )
        if not isinstance(citation, str) or not citation.strip() or not citation.isprintable():
            raise _bad(
                f"sources[{key}]",
                citation,
                "must be a citation: one line of text naming the document and section",
                "须为一行文字，写明文件与章节",
            )
    return MappingProxyType(dict(value))


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


def _is_on(value: object) -> bool:
    """Whether a switching field's value turns its rule on: a flag that is True, a threshold that is not
    None, ``beyond_official_calendar == "warn"``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        return value == "warn"
    return value is not None


@attrs.frozen(kw_only=True)
class RuleSwitch:
    """How a :class:`Policy` switches one rule: the rule is on when one of the ``switches`` fields is on
    (a threshold that is not None, a flag that is True, ``beyond_official_calendar == "warn"``);
    ``parameters`` are the fields that set it further (the festival list of the festival window, …).

    >>> switch = SWITCHES["branch.plan_due"]
    >>> switch.is_on(DEFAULT), switch.is_on(NATIONAL), switch.settings(MCA_LEIFENG)
    (True, False, {'plan_due': (3, 9)})
    """

    code: str
    switches: tuple[str, ...]
    parameters: tuple[str, ...] = ()

    def is_on(self, policy: Policy) -> bool:
        """Whether ``policy`` switches this rule on."""
        return any(_is_on(getattr(policy, name)) for name in self.switches)

    def settings(self, policy: Policy) -> dict[str, Any]:
        """The values ``policy`` gives the rule's fields, switches first: the numbers it is judged by."""
        return {name: getattr(policy, name) for name in self.switches + self.parameters}


def _switch(code: str, *switches: str, parameters: tuple[str, ...] = ()) -> tuple[str, RuleSwitch]:
    return code, RuleSwitch(code=code, switches=switches, parameters=parameters)


_COVERAGE = ("coverage.organised", "coverage.registered", "coverage.trained", "coverage.participating")

#: Every rule a policy can switch off: rule code → :class:`RuleSwitch`. The other
#: rules (the wish lifecycle, the ledger, record status, …) hold whatever the policy.
SWITCHES: Mapping[str, RuleSwitch] = MappingProxyType(
    dict(
        (
            _switch("wish.value_cap", "wish_value_cap"),
            _switch("member.annual_hours", "min_annual_minutes", parameters=("prorate_annual_minutes",)),
            _switch(
                "member.monthly_community",
                "min_community_sessions_per_month",
                parameters=("community_service_where_registered",),
            ),
            _switch("member.branch_activities", "branch_activities_min", "branch_activities_target"),
            _switch("member.caring_action", "min_caring_actions"),
            _switch("member.skill", "min_skills"),
            _switch("branch.team", "min_teams_per_branch"),
            _switch("team.campaign", "min_campaigns_per_team"),
            _switch("pairing.duplicate", "forbid_duplicate_pairings"),
            _switch(
                "pairing.single_target", "max_pairing_targets_per_branch", "max_pairing_targets_per_unit"
            ),
            _switch("activity.festival_window", "festival_window_days", parameters=("festivals",)),
            _switch("activity.summary", "require_activity_summary", parameters=("summary_due_days",)),
            _switch("branch.plan_due", "plan_due"),
            _switch("branch.report_due", "report_due"),
            _switch("branch.report_premature", "report_due"),
            *(_switch(code, "require_coverage") for code in _COVERAGE),
            _switch("member.uninsured", "require_insurance"),
            _switch("member.untrained", "require_training"),
            _switch("record.timeliness", "record_within_working_days"),
            _switch("record.timeliness_unknown", "beyond_official_calendar"),
        )
    )
)


@attrs.frozen(kw_only=True)
class Policy:
    """The thresholds and switches of every rule (docs/rules.md, docs/presets.md). ``None`` switches a
    rule off.

    ``sources`` maps each rule the policy switches on to the text it follows (file and section: ``"002
    §四"``); :meth:`cite` puts that citation on the rule's violations. A variant derived with
    ``attrs.evolve`` keeps its preset's citations; give ``sources=`` to cite a local text.

    >>> from volunteer_core import policies
    >>> str(policies.DEFAULT.wish_value_cap), policies.DEFAULT.plan_due
    ('300.00', (5, 15))
    >>> policies.MCA_LEIFENG.max_pairing_targets_per_branch, policies.MCA_LEIFENG.plan_due
    (1, (3, 9))
    >>> policies.DEFAULT.retention_years, policies.DEFAULT.beyond_official_calendar
    (10, 'warn')
    >>> policies.LOUDI_2018.rules_on()[:2]
    ('wish.value_cap', 'activity.festival_window')
    """

    #: A short name for reports.
    name: str = "DEFAULT"
    #: The document(s) this policy follows, in one line.
    source: str = ""
    #: What this policy follows, each with its citation (file and section): rule codes
    #: (``"wish.value_cap": "004 §三"``), and for the national layer the parameters that are not rules
    #: (``star_thresholds_hours``, ``retention_years``) and ``certificates`` (the fields a 志愿服务记录证明
    #: carries). :meth:`cite` puts a rule's citation on its violations. Read-only.
    sources: Mapping[str, str] = attrs.field(factory=dict, converter=_citations, hash=False)
    #: ``wish.value_cap``: a wish's value is ≤ this (inclusive). None: no cap.
    wish_value_cap: Yuan | None = attrs.field(default=Yuan(300), converter=_optional_cap)
    #: ``member.annual_hours``: net confirmed minutes a year (inclusive). None: rule off.
    min_annual_minutes: int | None = attrs.field(default=1200, validator=_count)
    #: Decision (docs/index.md, where the documents are silent): pro-rate the annual minutes by full months of membership.
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
    #: ``pairing.single_target``: concurrent pairing targets the branches of one organisation of kind 单位
    #: hold together (001 §(一) 「各单位…确定一个结对服务对象」): each branch counts for its nearest ancestor
    #: of kind UNIT (``Branch.organisation_id`` and the tree above it). None: no limit.
    max_pairing_targets_per_unit: int | None = attrs.field(default=None, validator=_count)
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
    #: ``branch.report_due`` and ``branch.report_premature``: (month, day) of the H1 and H2 reports.
    #: None: both rules off.
    report_due: tuple[tuple[int, int], tuple[int, int]] | None = attrs.field(
        default=((6, 30), (12, 31)), validator=_report_dues
    )
    #: 四覆盖 (002 §三): ``coverage.organised``, ``coverage.registered``, ``coverage.trained`` and
    #: ``coverage.participating`` — every branch has a team, and every member is registered, trained and
    #: serving in the year. False: the four rules are off.
    require_coverage: bool = False
    #: ``member.uninsured``: a member is assigned, accepts a demand and gets a record only on a day
    #: their 人身意外伤害综合保险 covers (``Member.insured_until``; 003 §四.5).
    require_insurance: bool = False
    #: ``member.untrained``: a member serves in an activity that ``requires`` qualifications only while
    #: holding each, unexpired (先培训再上岗, 2024 national opinions §四.3).
    require_training: bool = True
    #: ``record.timeliness``: official working days within which service is recorded.
    record_within_working_days: int = attrs.field(default=10, validator=_count)
    #: ``record.timeliness`` for a year beyond the official calendar's data (packaged or registered):
    #: ``"warn"`` (the default) → a ``record.timeliness_unknown`` WARNING, everything else judged;
    #: ``"raise"`` → ``InvalidInput`` (``calendar.unknown_year``). Never a silent Monday–Friday guess.
    beyond_official_calendar: str = attrs.field(default="warn", validator=_raise_or_warn)
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

    def rules_on(self) -> tuple[str, ...]:
        """The codes of the rules this policy switches on, in the order of :data:`SWITCHES`.

        >>> NATIONAL.rules_on()
        ('member.untrained', 'record.timeliness', 'record.timeliness_unknown')
        """
        return tuple(code for code, switch in SWITCHES.items() if switch.is_on(self))

    def cite(self, violations: Iterable[Violation]) -> list[Violation]:
        """The violations with ``source`` replaced by this policy's citation of their rule, where it has
        one (``sources[code]``); others unchanged. The rules cite every text a rule comes from; a preset
        cites its own.

        >>> from datetime import date
        >>> from volunteer_core import HalfYearReport, rules
        >>> late = HalfYearReport(id="h1", branch_id="b1", year=2026, half=1, submitted_on=date(2026, 7, 1))
        >>> h2 = HalfYearReport(id="h2", branch_id="b1", year=2026, half=2, submitted_on=date(2026, 12, 31))
        >>> found = rules.check_report_due("b1", 2026, [late, h2], PUTIAN_2022)
        >>> [v.source for v in found], [v.source for v in PUTIAN_2022.cite(found)]
        (['000 §五, 002 §四'], ['002 §四'])
        """
        cited: list[Violation] = []
        for found in violations:
            citation = self.sources.get(found.code)
            cited.append(found if citation is None else attrs.evolve(found, source=citation))
        return cited

    def __attrs_post_init__(self) -> None:
        lo, target = self.branch_activities_min, self.branch_activities_target
        if lo is not None and target is not None and target < lo:
            raise _bad(
                "branch_activities_target",
                target,
                f"the target {target} is below the minimum {lo}",
                f"目标次数 {target} 低于最低次数 {lo}",
            )


# --- the national layer and the presets -------------------------------------------------------

_RECORDS_2020 = "志愿服务记录与证明出具办法（试行）2020"
_OPINIONS_2024 = "中办国办《关于健全新时代志愿服务体系的意见》2024"

#: What national texts lay down for everyone, each citing its text: service is recorded within 10 official
#: working days (2020 measures, Art 11; a year beyond the known calendar is a WARNING, not a guess), the
#: star levels 100 / 300 / 600 / 1000 / 1500 hours (:data:`NATIONAL_STARS`), the fields a certificate
#: carries (2020 measures Art 15, 民发〔2015〕149号: :mod:`volunteer_core.certificates`), records kept
#: 10 years (GB/T 40143-2021), training before service that needs a qualification (2024 opinions §四.3
#: 「先培训再上岗」: ``member.untrained``). Every rule of the five seeds is off.
NATIONAL = Policy(
    name="NATIONAL",
    source=f"{_RECORDS_2020}; 志愿服务记录办法（民政部 2012）; GB/T 40143-2021; {_OPINIONS_2024}",
    sources={
        "member.untrained": f"{_OPINIONS_2024} §四.3",
        "record.timeliness": f"{_RECORDS_2020}, Art 11",
        "record.timeliness_unknown": f"{_RECORDS_2020}, Art 11; 国务院办公厅 节假日安排",
        "star_thresholds_hours": NATIONAL_STARS.source,
        "certificates": f"{_RECORDS_2020}, Art 15; 民发〔2015〕149号",
        "retention_years": "GB/T 40143-2021 §5.2.2",
    },
    wish_value_cap=None,
    min_annual_minutes=None,
    min_community_sessions_per_month=None,
    branch_activities_min=None,
    branch_activities_target=None,
    min_caring_actions=None,
    min_skills=None,
    min_teams_per_branch=None,
    min_campaigns_per_team=None,
    forbid_duplicate_pairings=False,
    max_pairing_targets_per_branch=None,
    max_pairing_targets_per_unit=None,
    festival_window_days=None,
    require_activity_summary=False,
    plan_due=None,
    report_due=None,
    require_coverage=False,
    require_insurance=False,
    require_training=True,
    record_within_working_days=10,
    beyond_official_calendar="warn",
    star_thresholds_hours=NATIONAL_STARS.thresholds_hours,
    star_yearly_reset=NATIONAL_STARS.yearly_reset,
    retention_years=10,
)


def _cites(**by_code: str) -> dict[str, str]:
    """NATIONAL's citations and a seed's (keyword names spell rule codes with ``__`` for the dot)."""
    return {**NATIONAL.sources, **{code.replace("__", "."): text for code, text in by_code.items()}}


_SIX_ONES = "002 §三 六个一"
_FOUR_COVERAGES = "002 §三 四覆盖"

#: 闽政办党委〔2022〕11号 (000): NATIONAL and each member's 1–2 共建、帮扶 activities of their branch a
#: year (§四.1 「每年至少参加1-2次」), 同过节 within 7 days of the festivals of §四.3
#: (``calendar.FUJIAN_FESTIVALS``), no 多头、重复结对 (§五.3), the plan table by mid-May (15 May) and the
#: reports by the end of June and of December (§五, closing paragraph), none before its half-year ends.
FUJIAN_GOV_2022 = attrs.evolve(
    NATIONAL,
    name="FUJIAN_GOV_2022",
    source="000 闽政办党委〔2022〕11号",
    sources=_cites(
        member__branch_activities="000 §四.1",
        pairing__duplicate="000 §五.3",
        activity__festival_window="000 §四.3",
        branch__plan_due="000 §五",
        branch__report_due="000 §五",
        branch__report_premature="000 §五",
    ),
    branch_activities_min=1,
    branch_activities_target=2,
    forbid_duplicate_pairings=True,
    festival_window_days=7,
    festivals=calendar.FUJIAN_FESTIVALS,
    plan_due=(5, 15),
    report_due=((6, 30), (12, 31)),
)

#: 民政部直属机关学雷锋结对帮扶志愿服务活动方案 (001): NATIONAL and one pairing target per unit, reported
#: 「于3月9日(星期五)前」 (§(一): ``plan_due=(3, 9)``; each branch, and the branches of each 单位 together,
#: hold one), a written summary after every activity (§(三)).
MCA_LEIFENG = attrs.evolve(
    NATIONAL,
    name="MCA_LEIFENG",
    source="001 民政部直属机关学雷锋结对帮扶志愿服务活动方案",
    sources=_cites(
        pairing__single_target="001 §(一)",
        activity__summary="001 §(三)",
        branch__plan_due="001 §(一)",
    ),
    max_pairing_targets_per_branch=1,
    max_pairing_targets_per_unit=1,
    require_activity_summary=True,
    plan_due=(3, 9),
)

#: 莆田市委党校2022年党员志愿服务活动工作方案 (002): NATIONAL and "六个一" (§三: a team per branch, a
#: concentrated activity per team, a skill per volunteer, community service every month, 20 hours a year, a
#: caring action a year), "四覆盖" (§三: organised, registered, trained, participating) and the 半年小结 by
#: the end of June and of December (§四, closing paragraph), none before its half-year ends.
PUTIAN_2022 = attrs.evolve(
    NATIONAL,
    name="PUTIAN_2022",
    source="002 莆田市委党校党员志愿服务活动工作方案（2022）",
    sources=_cites(
        member__annual_hours=_SIX_ONES,
        member__monthly_community=_SIX_ONES,
        member__caring_action=_SIX_ONES,
        member__skill=_SIX_ONES,
        branch__team=_SIX_ONES,
        team__campaign=_SIX_ONES,
        branch__report_due="002 §四",
        branch__report_premature="002 §四",
        **{code.replace(".", "__"): _FOUR_COVERAGES for code in _COVERAGE},
    ),
    min_annual_minutes=1200,
    min_community_sessions_per_month=1,
    min_caring_actions=1,
    min_skills=1,
    min_teams_per_branch=1,
    min_campaigns_per_team=1,
    report_due=((6, 30), (12, 31)),
    require_coverage=True,
)

#: 梅列区2017年学雷锋志愿服务活动实施方案 (003): NATIONAL and its 节假日 visits (§三（一）1 「节假日探望」
#: of 空巢老人) judged against every official public holiday, 7 days either side, with 3·5 学雷锋日 and
#: 12·5 国际志愿者日 kept for its 大型便民利民志愿服务 (§三（二）5): ``calendar.MEILIE_FESTIVALS``; and its
#: volunteers insured before they serve (§四.5 「为志愿者办理人身意外伤害综合保险」: ``member.uninsured``).
#: Its 一对一 / 多对一 pairings are allowed everywhere; it bans no duplicate pairing.
MEILIE_2017 = attrs.evolve(
    NATIONAL,
    name="MEILIE_2017",
    source="003 梅列区2017年学雷锋志愿服务活动实施方案",
    sources=_cites(
        activity__festival_window="003 §三（一）1, 003 §三（二）5",
        member__uninsured="003 §四.5",
    ),
    festival_window_days=7,
    festivals=calendar.MEILIE_FESTIVALS,
    require_insurance=True,
)

#: 娄直工发〔2018〕6号 (004): NATIONAL and micro-wishes worth at most 300 yuan (§三 「经济价值300元以内」),
#: the festival timeline of §三 items 1–6 (``calendar.LOUDI_FESTIVALS``, 7 days either side).
LOUDI_2018 = attrs.evolve(
    NATIONAL,
    name="LOUDI_2018",
    source="004 娄直工发〔2018〕6号",
    sources=_cites(wish__value_cap="004 §三", activity__festival_window="004 §三"),
    wish_value_cap=Yuan(300),
    festival_window_days=7,
    festivals=calendar.LOUDI_FESTIVALS,
)

#: The union the library is known by: NATIONAL and the 300-yuan cap (004), 20 h a year, monthly community
#: service and the rest of 六个一 (002), 1–2 branch activities, no duplicate pairings, the plan table by
#: 15 May and the half-year reports (000, 002), and every festival of the seeds. Not in it: one target
#: per unit and a summary after every activity (001), 四覆盖 (002), insurance before service (003) —
#: switch them on with ``attrs.evolve``.
DEFAULT = attrs.evolve(
    NATIONAL,
    name="DEFAULT",
    source="000 §四–五, 002 §三–四, 003 §三, 004 §三",
    sources=_cites(
        wish__value_cap="004 §三",
        member__annual_hours=_SIX_ONES,
        member__monthly_community=_SIX_ONES,
        member__branch_activities="000 §四.1",
        member__caring_action=_SIX_ONES,
        member__skill=_SIX_ONES,
        branch__team=_SIX_ONES,
        team__campaign=_SIX_ONES,
        pairing__duplicate="000 §五.3",
        activity__festival_window="000 §四.3, 003 §三（一）1, 003 §三（二）5, 004 §三",
        branch__plan_due="000 §五",
        branch__report_due="000 §五, 002 §四",
        branch__report_premature="000 §五, 002 §四",
    ),
    wish_value_cap=Yuan(300),
    min_annual_minutes=1200,
    min_community_sessions_per_month=1,
    branch_activities_min=1,
    branch_activities_target=2,
    min_caring_actions=1,
    min_skills=1,
    min_teams_per_branch=1,
    min_campaigns_per_team=1,
    forbid_duplicate_pairings=True,
    festival_window_days=7,
    festivals=calendar.ALL_FESTIVALS,
    plan_due=(5, 15),
    report_due=((6, 30), (12, 31)),
)

#: Every preset by name: the national layer, the union and one per seed document.
PRESETS: dict[str, Policy] = {
    p.name: p for p in (DEFAULT, NATIONAL, FUJIAN_GOV_2022, MCA_LEIFENG, PUTIAN_2022, MEILIE_2017, LOUDI_2018)
}
