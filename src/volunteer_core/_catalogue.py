"""Rule codes, their bilingual titles, statements and sources; :class:`Violation` and :class:`Rule`.

This module sits below the model so that transitions and rules can share one catalogue. The public
names are re-exported by :mod:`volunteer_core.rules` and the package top level.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, Self, TypeVar

import attrs

from volunteer_core._trusted import trusted_constructor
from volunteer_core.errors import InvalidType
from volunteer_core.model.enums import Severity

__all__ = ["RULES", "Rule", "Violation", "Violations", "validate", "validator", "violation"]


def _freeze_details(value: Mapping[str, Any] | None) -> Mapping[str, Any]:
    """A mapping as a dict of its own, None as an empty one; anything else is left as it is, for
    :func:`_mapping` to refuse (a converter that called ``dict()`` on it would raise a raw error)."""
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return dict(value)
    return value


def _mapping(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """``details`` is a mapping; anything else is :class:`~volunteer_core.errors.InvalidType` naming it."""
    if not isinstance(value, Mapping):
        kind = type(value).__name__
        raise InvalidType(
            attribute.name,
            value,
            message_en=f"must be a mapping (a dict of detail names to values), not {kind}",
            message_zh=f"须为映射（细节名称到取值的字典），不是 {kind}",
        )


@attrs.frozen(kw_only=True)
class Rule:
    """One rule of the catalogue: a stable ``code``, bilingual titles, the precise ``statement`` and
    the ``source`` (seed file and section). ``check`` is the pure function that applies it, when the
    rule is checked by a function of its own (transition rules are checked by the ``Wish`` methods).
    """

    code: str
    title_zh: str
    title_en: str
    source: str
    statement: str
    severity: Severity = Severity.ERROR
    check: Callable[..., Any] | None = attrs.field(default=None, eq=False, repr=False)


@attrs.frozen(kw_only=True, eq=True)
class Violation:
    """A breach of a rule: what was judged (``subject_id``), by which rule (``code``), how serious.

    >>> from volunteer_core.rules import Violation, Severity
    >>> v = violation("wish.value_cap", "w1", en="value 300.01 exceeds the cap 300.00",
    ...               zh="价值 300.01 元超过上限 300.00 元", value="300.01")
    >>> str(v)
    'wish.value_cap: value 300.01 exceeds the cap 300.00 (004 §三)'
    >>> v.severity is Severity.ERROR, v.details["value"]
    (True, '300.01')
    """

    code: str
    severity: Severity
    subject_id: str
    message_zh: str
    message_en: str
    source: str
    details: Mapping[str, Any] = attrs.field(
        factory=dict, converter=_freeze_details, validator=_mapping, hash=False
    )

    @property
    def is_error(self) -> bool:
        """True for an ERROR."""
        return self.severity is Severity.ERROR

    def message(self, lang: str = "en") -> str:
        """The message in ``"zh"`` or ``"en"``."""
        return self.message_zh if lang.startswith("zh") else self.message_en

    def __str__(self) -> str:
        return f"{self.code}: {self.message_en} ({self.source})"

    def _repr_html_(self) -> str:
        """The violation as a one-row HTML table (notebooks)."""
        from volunteer_core.notebook.html import violation_html

        return violation_html(self)


class Violations(tuple[Violation, ...]):
    """A tuple of violations that a notebook shows as a table: ``Violations(report.violations)``.

    >>> Violations([]) == ()
    True
    """

    __slots__ = ()

    def __new__(cls, violations: Iterable[Violation] = ()) -> Self:
        return super().__new__(cls, violations)

    def _repr_html_(self) -> str:
        """The violations as an HTML table with counts (notebooks)."""
        from volunteer_core.notebook.html import violations_html

        return violations_html(self)


def violation(
    code: str,
    subject_id: str,
    *,
    en: str,
    zh: str,
    severity: Severity | None = None,
    **details: Any,
) -> Violation:
    """Build a :class:`Violation` of a catalogued rule: source and default severity come from ``RULES``.

    ``details`` arrive as a dict of their own (the keyword arguments), what the class's converter would
    make of them: the violation is built without running it (a year's evaluation builds thousands).

    >>> v = violation("member.skill", "m1", en="no skill", zh="没有技能", skills=0)
    >>> v == Violation(code="member.skill", severity=v.severity, subject_id="m1", message_zh="没有技能",
    ...                message_en="no skill", source=v.source, details={"skills": 0})
    True
    """
    rule = _REGISTRY[code]
    return _trusted_violation(code, severity or rule.severity, subject_id, zh, en, rule.source, details)


_trusted_violation = trusted_constructor(Violation)

_Check = TypeVar("_Check", bound=Callable[..., Any])


def register(code: str) -> Callable[[_Check], _Check]:
    """Attach the decorated pure function to the catalogued rule ``code`` as its ``check`` (its type
    is kept)."""

    def attach(func: _Check) -> _Check:
        _REGISTRY[code] = attrs.evolve(_REGISTRY[code], check=func)
        return func

    return attach


#: entity class → the function that judges every rule of that entity (registered by ``rules/``)
_VALIDATORS: dict[type[Any], Callable[..., list[Violation]]] = {}

_Validator = TypeVar("_Validator", bound=Callable[..., list[Violation]])


def validator(entity: type[Any]) -> Callable[[_Validator], _Validator]:
    """Register the decorated function as the one that judges every rule of ``entity`` — e.g.
    :func:`volunteer_core.rules.validate_wish` for ``Wish``. The model's transitions reach it through
    :func:`validate`, so that the model never imports ``rules/`` (the arrows point from rules to model).
    """

    def attach(func: _Validator) -> _Validator:
        _VALIDATORS[entity] = func
        return func

    return attach


def validate(entity: object, policy: Any) -> list[Violation]:
    """The violations the validator registered for ``type(entity)`` finds under ``policy``.

    The validators are registered when ``volunteer_core.rules`` is imported, which importing any part of
    ``volunteer_core`` does (the package imports it first).

    >>> from datetime import date
    >>> from volunteer_core import Wish, policies
    >>> w = Wish(id="w1", beneficiary_id="p1", kind="material", content="轮椅",
    ...          collected_on=date(2026, 5, 1), value="300.01")
    >>> [v.code for v in validate(w, policies.DEFAULT)]
    ['wish.value_cap']
    """
    for cls in type(entity).__mro__:  # a subclass of Wish is judged as a Wish
        check = _VALIDATORS.get(cls)
        if check is not None:
            return check(entity, policy)
    raise KeyError(f"no validator is registered for {type(entity).__name__}")


def _rule(
    code: str, title_zh: str, title_en: str, source: str, statement: str, severity: Severity = Severity.ERROR
) -> Rule:
    return Rule(
        code=code, title_zh=title_zh, title_en=title_en, source=source, statement=statement, severity=severity
    )


_REGISTRY: dict[str, Rule] = {
    r.code: r
    for r in (
        _rule(
            "wish.value_cap",
            "微心愿价值上限",
            "micro-wish value cap",
            "004 §三",
            "A wish's value, whatever its kind (a wish that costs money is a 物资 need), must be ≤ "
            "policy.wish_value_cap (default 300.00 yuan, inclusive): 300.00 passes, 300.01 fails. A wish "
            "without a value is not judged, nor a wish referred instead of rejected (refer_wish: REFERRED, or "
            "its referral resolved) — the department it was referred to meets it; the cap still bounds what "
            "claimants pledge.",
        ),
        _rule(
            "wish.value_required",
            "物质类心愿须标明价值",
            "material wishes carry a value",
            "004 §三",
            "A MATERIAL wish without a value, or with a value ≤ 0, is invalid; non-material wishes may carry none.",
        ),
        _rule(
            "wish.content_required",
            "心愿须写明内容",
            "a wish says what is wished",
            "004 附件1",
            "A wish's content is not blank.",
        ),
        _rule(
            "wish.transition",
            "微心愿流程",
            "wish lifecycle",
            "004 §四",
            "COLLECTED → SCREENED (approved) or REJECTED (with a reason) → PUBLISHED → CLAIMED (⇄ PUBLISHED "
            "when the last claim is withdrawn) → FULFILLED; CANCELLED from COLLECTED, SCREENED, PUBLISHED or "
            "CLAIMED; REJECTED, FULFILLED, CANCELLED are final. REFERRED (转介, to a named department or "
            "organisation, with a reason) from COLLECTED, SCREENED or PUBLISHED; a referral is resolved to "
            "FULFILLED, or to CANCELLED with the reason it closed unmet; a referred wish is not cancelled. Any "
            "other move is refused. FULFILLED needs a live claim, a fulfilment date not before the latest "
            "claim date, and for a material wish a pledged total equal to its value.",
        ),
        _rule(
            "wish.claim_total",
            "认领总额不超过心愿价值",
            "claims never exceed the wish",
            "004 §四(三)",
            "The pledged amounts of all live claims on a material wish sum to ≤ its value; a claimant (a "
            "member or a supporter: 社区志愿者、爱心人士、社会组织) holds at most one live claim per wish; only "
            "PUBLISHED or partly-claimed wishes take claims. One-to-one, many-to-one and one-to-many are all "
            "allowed.",
        ),
        _rule(
            "member.annual_hours",
            "每年志愿服务不少于20小时",
            "at least 20 hours a year",
            "002 §三 六个一",
            "The net confirmed minutes (records minus reversals) of a member in a calendar year must be ≥ "
            "policy.min_annual_minutes (default 1200, inclusive); for a member who joins or leaves within the "
            "year the requirement is ceil(1200 × full_months / 12).",
        ),
        _rule(
            "member.monthly_community",
            "每月参加社区志愿服务",
            "community service every month",
            "002 §三 六个一",
            "In every full month of membership of the year, at least "
            "policy.min_community_sessions_per_month (default 1) COMMUNITY_SERVICE records. A month is a full "
            "month of membership when the member joined on or before its first day and had not left before "
            "its last day. When policy.community_service_where_registered (双报到), only service at an "
            "activity whose community is one where the member was registered that day counts.",
        ),
        _rule(
            "member.branch_activities",
            "每年参加1至2次本支部结对帮扶活动",
            "1–2 branch activities a year",
            "000 §四.1",
            "The number of distinct 共建、帮扶 activities organised by the member's own branch — led or "
            "co-organised (Activity.branch_ids; an activity of a JOINT_BRANCHES or JOINT_DEPARTMENT pairing "
            "belongs to every branch of the pairing) — that the member took part in during the year (confirmed "
            "records, not reversed, on the activity's date); 共建、帮扶 = PAIRING activities, and FESTIVAL or "
            "PRACTICAL_HELP activities linked to one of the branch's pairings (Activity.pairing_id); each "
            "counted once per member. Below policy.branch_activities_min (default 1) is an ERROR, below "
            "policy.branch_activities_target (default 2) a WARNING.",
        ),
        _rule(
            "member.caring_action",
            "每年参加一次奉献爱心行动",
            "one caring action a year",
            "002 §三 六个一",
            "At least policy.min_caring_actions (default 1) CARING_ACTION records a year.",
        ),
        _rule(
            "member.skill",
            "每名志愿者至少掌握一项技能",
            "one skill per volunteer",
            "002 §三 六个一",
            "At least policy.min_skills (default 1) declared skills.",
        ),
        _rule(
            "member.uninsured",
            "志愿者须在保险有效期内参加服务",
            "insured before service",
            "003 §四.5",
            "When policy.require_insurance, a member whose insurance (Member.insured_until) does not cover the "
            "service date is not assigned a demand, does not accept one and gets no service record (ERROR).",
        ),
        _rule(
            "member.untrained",
            "先培训再上岗",
            "trained before service",
            "中办国办《关于健全新时代志愿服务体系的意见》2024 §四.3",
            "When policy.require_training, a member serves in an activity that requires qualifications "
            "(Activity.requires) only while holding each of them, earned and not expired on the service date "
            "(ERROR): no record, no acceptance of a demand for it.",
        ),
        _rule(
            "branch.team",
            "每个支部至少组建一支志愿服务队",
            "a team per branch",
            "002 §三 六个一",
            "At least policy.min_teams_per_branch (default 1) teams per branch.",
        ),
        _rule(
            "team.campaign",
            "每支队伍至少开展一次集中志愿服务活动",
            "a concentrated activity per team",
            "002 §三 六个一",
            "At least policy.min_campaigns_per_team (default 1) TEAM_CAMPAIGN activities per team per year.",
        ),
        _rule(
            "pairing.duplicate",
            "避免多头结对、重复结对",
            "no duplicate pairings",
            "000 §五.3",
            "Two pairings whose periods overlap (closed intervals, same day counts) and that share a target "
            "are duplicates, whether the same branch paired twice (重复结对) or several branches paired "
            "separately (多头结对). A joint pairing is one pairing with several branches and a many-to-one "
            "pairing is one pairing with several members: neither is a duplicate of itself. Reported once "
            "per group of chained overlapping pairings of a target.",
        ),
        _rule(
            "pairing.single_target",
            "每个单位确定一个结对服务对象",
            "one target per unit",
            "001 §(一)",
            "When policy.max_pairing_targets_per_unit is set (MCA preset: 1), the branches of one organisation "
            "of kind 单位 (the nearest such ancestor of each branch) together hold at most that many "
            "distinct pairing targets on any one day (closed periods; a joint pairing counts for every unit of "
            "its branches); policy.max_pairing_targets_per_branch bounds each branch's concurrent pairings.",
        ),
        _rule(
            "activity.festival_window",
            "同过节活动在节日前后开展",
            "festival activities fall on festivals",
            "000 §四.3, 004 §三",
            "A FESTIVAL activity's date is within policy.festival_window_days (default 7, inclusive) of one "
            "of the policy's festivals, looking across the turn of the year.",
        ),
        _rule(
            "activity.summary",
            "每次活动后及时总结",
            "a summary after every activity",
            "001 §(三)",
            "When policy.require_activity_summary, every activity more than policy.summary_due_days before "
            "the evaluation date (as_of, else 31 December) has a non-empty summary.",
        ),
        _rule(
            "branch.plan_due",
            "5月中旬前报送活动计划表",
            "plan table by mid-May",
            "000 §五",
            "The branch's BranchPlan for year Y is submitted on or before policy.plan_due (default 15 May) of "
            "Y; a missing plan after that date is a violation too.",
        ),
        _rule(
            "branch.report_due",
            "6月底、12月底前报送活动开展情况",
            "half-year reports",
            "000 §五, 002 §四",
            "HalfYearReports for H1 by 30 June and for H2 by 31 December (inclusive); a missing report after "
            "its date is a violation.",
        ),
        _rule(
            "branch.report_premature",
            "活动开展情况在半年结束时报送",
            "a report follows its half-year",
            "000 §五",
            "A HalfYearReport submitted before the last day of its half-year (30 June for H1, 31 December for "
            "H2, of the report's year) is a WARNING: it cannot yet report the whole half-year. Judged when "
            "the half-year reports are (policy.report_due set).",
            Severity.WARNING,
        ),
        _rule(
            "coverage.organised",
            "组织动员全覆盖",
            "every branch organised (四覆盖)",
            "002 §三",
            "When policy.require_coverage, a branch has at least one volunteer team; otherwise one ERROR for "
            "the branch naming its members of the year (joined on or before 31 December, not left before "
            "1 January).",
        ),
        _rule(
            "coverage.registered",
            "党员志愿者注册登记全覆盖",
            "every member registered (四覆盖)",
            "002 §三",
            "When policy.require_coverage, every member of the branch during the year registered with the "
            "time bank: Member.registered_on set, on or before 31 December of the year; otherwise one ERROR "
            "for the branch naming the members missing.",
        ),
        _rule(
            "coverage.trained",
            "接受组织管理和培训全覆盖",
            "every member trained (四覆盖)",
            "002 §三",
            "When policy.require_coverage, every member of the branch during the year has a confirmed, not "
            "reversed record at a TRAINING activity dated in the year; otherwise one ERROR for the branch "
            "naming the members missing.",
        ),
        _rule(
            "coverage.participating",
            "参加志愿服务活动全覆盖",
            "every member serving (四覆盖)",
            "002 §三",
            "When policy.require_coverage, every member of the branch during the year has a confirmed, not "
            "reversed record dated in the year (any activity); otherwise one ERROR for the branch naming the "
            "members missing.",
        ),
        _rule(
            "ledger.already_reversed",
            "一条记录只能冲销一次",
            "a record is reversed once",
            "002 (时间银行)",
            "Reversing a record that already has a reversal, or reversing a reversal, is refused.",
        ),
        _rule(
            "ledger.reversal_mismatch",
            "冲销记录须与原记录对应",
            "a reversal mirrors its original",
            "002 (时间银行)",
            "A reversal has its original's member, activity, branch, kind and date and the negated minutes.",
        ),
        _rule(
            "ledger.append_only",
            "台账只增不改",
            "the ledger is append-only",
            "志愿服务记录与证明出具办法（试行）2020 (记录留存，以新记录更正)",
            "A stored record never changes except a PENDING record's decision (status, decided_by, "
            "decided_on, reason); nothing is deleted — at the port and in the database.",
        ),
        _rule(
            "ledger.idempotency_conflict",
            "同一幂等键只对应一个请求",
            "one key, one request",
            "— (integrity)",
            "An idempotency key reused with a different request (member, activity, minutes, date, kind) is "
            "refused.",
        ),
        _rule(
            "ledger.year_locked",
            "已报送年度不得更改",
            "a filed year is closed",
            "002 §四 (台账)",
            "After lock_year(branch, year), no record of that branch dated in that year is added, confirmed, "
            "rejected, reversed or updated; corrections go into an open year as adjustments.",
        ),
        _rule(
            "record.timeliness",
            "服务时长在10个工作日内记录",
            "record within 10 working days",
            "志愿服务记录与证明出具办法（试行）2020, Art 11",
            "WARNING when more than policy.record_within_working_days (10) official working days d with "
            "on < d ≤ recorded_on passed.",
            Severity.WARNING,
        ),
        _rule(
            "demand.transition",
            "点单派单接单流程",
            "dispatch lifecycle",
            "002 §三; 志愿服务条例 Art 25",
            "ORDERED → ASSIGNED (to a member or a team) → ACCEPTED (by that member) → DONE; a member may "
            "decline (back to ORDERED, never forced); CANCELLED from any state but DONE and CANCELLED.",
        ),
        _rule(
            "record.status",
            "仅已确认的时长计入",
            "only confirmed hours count",
            "志愿服务记录与证明出具办法（试行）2020, Art 6–7",
            "PENDING and REJECTED records count toward nothing.",
            Severity.WARNING,
        ),
        _rule(
            "record.transition",
            "服务时长须经组织确认",
            "hours are confirmed by the organiser",
            "志愿服务记录与证明出具办法（试行）2020, Art 6–7",
            "A self-reported record (report_service) is PENDING until the activity's organiser confirms it "
            "(CONFIRMED) or rejects it with a reason (REJECTED); only a PENDING record is decided, once, and "
            "never by the member who reported it. An organiser's entry (record_service) is CONFIRMED from "
            "the start.",
        ),
        _rule(
            "record.duration",
            "服务时长不超过活动时长",
            "no more minutes than the activity lasted",
            "志愿服务记录与证明出具办法（试行）2020 (服务时间为实际提供服务的时间，不含往返交通时间)",
            "When the activity states its length (Activity.duration_minutes), a record's minutes do not "
            "exceed it (inclusive). Travel time is not service time.",
        ),
        _rule(
            "record.activity_date",
            "服务日期在活动日期内",
            "a record is on its activity's date",
            "002 §三",
            "A record's date (on) lies within its activity's date, or its span on … until (Activity.until, "
            "inclusive). Refused by the use-cases (record_service, report_service, record_services, "
            "complete_demand); reported by validate_record(record, activity=...) and by the year evaluation "
            "for confirmed records already stored (not reversed), in the member's year (subject: the "
            "record). Such a record counts in the member's minutes and participation only — not toward a "
            "month's community service, a branch activity, a caring action or a training. A reversal carries "
            "its original's date and is judged like it; adjustments are dated in an open year and are not "
            "judged.",
        ),
        _rule(
            "record.sessions_per_day",
            "每人每天每个活动签到签退次数有限",
            "sessions per member, activity and day",
            "i志愿 platform rule (签到签退)",
            "At most policy.max_sessions_per_day (default 3, inclusive) records — sign-in/sign-out sessions — "
            "per member per activity per day; rejected records and reversed ones do not take a session.",
        ),
        _rule(
            "record.timeliness_unknown",
            "法定工作日安排未知",
            "official working days unknown",
            "志愿服务记录与证明出具办法（试行）2020, Art 11; 国务院办公厅 节假日安排",
            "When record.timeliness needs the official working days of a year that chinese-calendar does not "
            'cover and policy.beyond_official_calendar is "warn", a WARNING says timeliness was not judged '
            '(with "raise", InvalidInput calendar.unknown_year). Monday–Friday is never assumed.',
            Severity.WARNING,
        ),
    )
}

#: Every rule code → :class:`Rule`. Read-only.
RULES: Mapping[str, Rule] = MappingProxyType(_REGISTRY)
