"""Hypothesis strategies for volunteer_core's values and entities (for integrators' property tests).

Every strategy draws **valid** objects by default: constructing them did not raise, the wish rules
give no ERROR, festival activities fall in the festival window, members declare a skill, lists of
pairings hold no duplicate, and :func:`datasets` draws a whole year whose references all resolve.
Keyword arguments narrow a strategy (``members(branch_id="b-1", year=2026)``); a few named switches
draw rule-breaking objects instead (``wishes(invalid="wish.value_cap")``, :func:`duplicate_pairings`).

Wishes are built the way production builds them: through the real transitions of
:class:`volunteer_core.Wish` (``screen``, ``publish``, ``claim``, ``withdraw_claim``, ``fulfil``,
``cancel``), so every drawn lifecycle state is one the library can actually reach.

Ids look like ``"m-17"`` (prefix, dash, number). A standalone strategy draws the number (so two draws
may collide: use ``st.lists(members(), unique_by=lambda m: m.id)``); inside :func:`datasets` ids are
counters, unique per entity type. Dates fall within 2000-01-01 … 2030-12-31 unless narrowed.

>>> from hypothesis import find
>>> from volunteer_core import WishStatus
>>> find(wishes(status=WishStatus.CLAIMED), lambda w: True).status is WishStatus.CLAIMED
True
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Final, TypeVar

import attrs
from hypothesis import assume
from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from volunteer_core import calendar
from volunteer_core.dates import DateRange
from volunteer_core.model import (
    Activity,
    ActivityKind,
    Beneficiary,
    BeneficiaryCategory,
    Branch,
    BranchPlan,
    Claim,
    Demand,
    DemandStatus,
    Gender,
    HalfYearReport,
    Member,
    Pairing,
    PairingMode,
    PartnerUnit,
    PlanItem,
    PlanLine,
    RecordStatus,
    ServiceRecord,
    Team,
    UnitKind,
    Wish,
    WishKind,
    WishStatus,
)
from volunteer_core.model.activity import MAX_MINUTES_PER_RECORD
from volunteer_core.money import Yuan
from volunteer_core.policy import DEFAULT, Policy

__all__ = [
    "ACTIVITY_INVALID",
    "DATE_MAX",
    "DATE_MIN",
    "MEMBER_INVALID",
    "WISH_INVALID",
    "Dataset",
    "activities",
    "beneficiaries",
    "branch_plans",
    "branches",
    "claims",
    "credit_codes",
    "datasets",
    "date_ranges",
    "dates",
    "demands",
    "duplicate_pairings",
    "half_year_reports",
    "id_numbers",
    "ids",
    "members",
    "mobiles",
    "pairing_lists",
    "pairings",
    "partner_units",
    "person_names",
    "plan_items",
    "reversals",
    "service_records",
    "teams",
    "wishes",
    "with_reversals",
    "yuan",
]

T = TypeVar("T")

#: The earliest date any strategy draws by default.
DATE_MIN: Final = date(2000, 1, 1)
#: The latest date any strategy draws by default.
DATE_MAX: Final = date(2030, 12, 31)

#: The rule codes ``wishes(invalid=...)`` knows how to break.
WISH_INVALID: Final = ("wish.value_cap", "wish.value_required", "wish.content_required")
#: The rule codes ``members(invalid=...)`` knows how to break.
MEMBER_INVALID: Final = ("member.skill",)
#: The rule codes ``activities(invalid=...)`` knows how to break.
ACTIVITY_INVALID: Final = ("activity.festival_window",)

# ---------------------------------------------------------------------------------------------------------
# vocabulary

_SURNAMES: Final = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾")
_COMPOUND_SURNAMES: Final = ("欧阳", "司马", "诸葛", "上官")
_GIVEN: Final = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华建国红玉兰春梅海燕"
_DEPARTMENTS: Final = (
    "办公室",
    "人事处",
    "财务处",
    "法规处",
    "机关第一",
    "机关第二",
    "信息中心",
    "离退休干部",
)
_TEAM_NAMES: Final = (
    "先锋志愿服务队",
    "红马甲志愿服务队",
    "邻里守望服务队",
    "关爱帮扶小分队",
    "文明实践服务队",
)
_SKILLS: Final = (
    "急救",
    "理发",
    "家电维修",
    "法律咨询",
    "心理疏导",
    "书法",
    "计算机",
    "医疗保健",
    "水电维修",
)
_COMMUNITIES: Final = (
    "凤山社区",
    "龙桥社区",
    "东园社区",
    "梅峰社区",
    "乐园社区",
    "荔园村",
    "下郑村",
    "大科村",
)
_DISTRICTS: Final = (
    "福建省莆田市城厢区龙桥街道",
    "福建省莆田市荔城区拱辰街道",
    "湖南省娄底市娄星区大科街道",
    "北京市朝阳区团结湖街道",
)
_UNIT_NAMES: Final = {
    UnitKind.NURSING_HOME: ("城厢区敬老院", "阳光养老院"),
    UnitKind.WELFARE_HOME: ("城厢区社会福利院", "儿童福利院"),
    UnitKind.SPECIAL_SCHOOL: ("莆田市特殊教育学校", "启智学校"),
    UnitKind.MIGRANT_CHILDREN_SCHOOL: ("外来务工人员子女学校", "新市民子弟小学"),
    UnitKind.HAPPY_HOME: ("凤山幸福家园", "龙桥幸福家园"),
    UnitKind.COMMUNITY: ("凤山社区居委会", "东园社区居委会"),
    UnitKind.VILLAGE: ("下郑村村委会", "大科村村委会"),
    UnitKind.OTHER: ("青年志愿者协会", "慈善总会"),
}
_WISH_CONTENTS: Final = {
    WishKind.MATERIAL: ("电饭煲", "书包和文具", "冬季棉被", "轮椅", "助听器", "台灯", "电风扇", "羽绒服"),
    WishKind.CULTURAL: ("陪老人看一场戏", "学习使用智能手机", "参观科技馆", "上一次书法课"),
    WishKind.POLICY: ("咨询低保申请政策", "办理残疾证", "了解医保报销"),
    WishKind.SERVICE: ("上门理发", "修理水管", "打扫卫生", "代购药品"),
}
_EVIDENCE: Final = ("", "低保证", "残疾证", "特困供养证明", "村委会证明")
_REASONS: Final = ("不符合征集条件", "已由其他渠道解决", "服务对象已搬离", "重复征集")
_ACTIVITY_TITLES: Final = {
    ActivityKind.PAIRING: ("结对帮扶走访", "结对共建座谈"),
    ActivityKind.PRACTICAL_HELP: ("为困难群众办实事", "上门维修"),
    ActivityKind.FESTIVAL: ("节日慰问", "同过节送温暖"),
    ActivityKind.COMMUNITY_SERVICE: ("社区环境整治", "社区义诊"),
    ActivityKind.CARING_ACTION: ("爱心捐赠", "义务献血"),
    ActivityKind.TEAM_CAMPAIGN: ("志愿服务队集中服务日", "学雷锋集中服务"),
    ActivityKind.TRAINING: ("志愿服务技能培训", "急救培训"),
    ActivityKind.OTHER: ("其他志愿服务", "文明劝导"),
}
# Real county-level division codes (GB/T 2260): Beijing Chaoyang, Putian Chengxiang, Loudi Louxing,
# De'an, Shanghai Pudong, Xianyou.
_REGION_CODES: Final = ("110105", "350302", "431302", "360426", "310115", "350322")
_BIRTH_MIN: Final = date(1930, 1, 1)
_BIRTH_MAX: Final = date(2020, 12, 31)

_FINAL_FOR_INVALID: Final = (WishStatus.COLLECTED, WishStatus.REJECTED, WishStatus.CANCELLED)


# ---------------------------------------------------------------------------------------------------------
# argument helpers (checked eagerly, when the strategy is built, not when it is drawn)


def _choice(
    name: str, value: str | Sequence[str] | None, default: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    """A fixed id, one of a non-empty sequence of ids, or the default strategy."""
    if value is None:
        return default
    if isinstance(value, str):
        return st.just(value)
    pool = list(value)
    if not pool:
        raise ValueError(f"{name} must not be empty")
    return st.sampled_from(pool)


def _enum_choice(name: str, value: T | Iterable[T] | None, every: Sequence[T]) -> st.SearchStrategy[T]:
    if value is None:
        return st.sampled_from(list(every))
    if isinstance(value, str) or not isinstance(value, Iterable):
        return st.just(value)
    pool = list(value)
    if not pool:
        raise ValueError(f"{name} must not be empty")
    return st.sampled_from(pool)


def _check_invalid(invalid: str | None, known: Sequence[str]) -> None:
    if invalid is not None and invalid not in known:
        raise ValueError(f"unknown invalid={invalid!r}; known: {', '.join(known)}")


def _check_bounds(lo: date, hi: date, lo_name: str, hi_name: str) -> None:
    if lo > hi:
        raise ValueError(f"{lo_name} {lo} is after {hi_name} {hi}")


def _days(n: int) -> timedelta:
    return timedelta(days=n)


# ---------------------------------------------------------------------------------------------------------
# values


def ids(prefix: str, *, max_number: int = 9999) -> st.SearchStrategy[str]:
    """Ids like ``"m-17"``: ``prefix``, a dash and a number from 1 to ``max_number``.

    >>> from hypothesis import find
    >>> find(ids("m"), lambda i: True)
    'm-1'
    """
    if not prefix or prefix != prefix.strip():
        raise ValueError("prefix must be a non-empty string without surrounding spaces")
    return st.integers(1, max_number).map(lambda n: f"{prefix}-{n}")


def yuan(min_fen: int = 0, max_fen: int = 1_000_000) -> st.SearchStrategy[Yuan]:
    """Exact amounts of money from ``min_fen`` to ``max_fen`` fen (default 0 … 10 000.00 yuan).

    >>> from hypothesis import find
    >>> find(yuan(min_fen=1, max_fen=30_000), lambda y: y.fen > 100)
    Yuan('1.01')
    """
    if min_fen < 0 or max_fen < min_fen:
        raise ValueError(f"need 0 <= min_fen <= max_fen, got {min_fen}, {max_fen}")
    return st.integers(min_fen, max_fen).map(Yuan.from_fen)


def dates(min_value: date = DATE_MIN, max_value: date = DATE_MAX) -> st.SearchStrategy[date]:
    """Dates within ``min_value`` … ``max_value`` (default 2000-01-01 … 2030-12-31).

    >>> from hypothesis import find
    >>> from datetime import date
    >>> find(dates(), lambda d: d.year == 2026).year
    2026
    """
    _check_bounds(min_value, max_value, "min_value", "max_value")
    return st.dates(min_value, max_value)


def date_ranges(
    min_start: date = DATE_MIN,
    max_start: date = DATE_MAX,
    open_end: bool | None = None,
    *,
    max_days: int = 5 * 366,
) -> st.SearchStrategy[DateRange]:
    """Closed date ranges starting within ``min_start`` … ``max_start``.

    ``open_end=None`` draws open-ended and closed ranges, ``True`` only open-ended ones, ``False`` only
    closed ones; a closed range lasts at most ``max_days`` days.

    >>> from hypothesis import find
    >>> find(date_ranges(open_end=True), lambda r: True).is_open
    True
    >>> find(date_ranges(open_end=False), lambda r: True).end is not None
    True
    """
    _check_bounds(min_start, max_start, "min_start", "max_start")
    if max_days < 0:
        raise ValueError("max_days must be >= 0")
    return _date_range(min_start, max_start, open_end, max_days)


@st.composite
def _date_range(
    draw: st.DrawFn, min_start: date, max_start: date, open_end: bool | None, max_days: int
) -> DateRange:
    start = draw(st.dates(min_start, max_start))
    is_open = draw(st.booleans()) if open_end is None else open_end
    if is_open:
        return DateRange(start)
    return DateRange(start, start + _days(draw(st.integers(0, max_days))))


def person_names() -> st.SearchStrategy[str]:
    """Chinese personal names: a surname (sometimes a compound one) and one or two characters.

    >>> from hypothesis import find
    >>> len(find(person_names(), lambda n: True)) >= 2
    True
    """
    surname = st.one_of(st.sampled_from(_SURNAMES), st.sampled_from(_COMPOUND_SURNAMES))
    given = st.text(alphabet=_GIVEN, min_size=1, max_size=2)
    return st.tuples(surname, given).map("".join)


def mobiles() -> st.SearchStrategy[str]:
    """Mainland mobile numbers (11 digits, ``1[3-9]…``).

    >>> from hypothesis import find
    >>> from volunteer_core.privacy import is_mobile
    >>> is_mobile(find(mobiles(), lambda m: True))
    True
    """
    return st.tuples(st.sampled_from("3456789"), st.text(alphabet="0123456789", min_size=9, max_size=9)).map(
        lambda parts: f"1{parts[0]}{parts[1]}"
    )


def _addresses(community: str) -> st.SearchStrategy[str]:
    if community.endswith("村"):
        tail = st.tuples(st.integers(1, 12), st.integers(1, 99)).map(lambda t: f"{t[0]}组{t[1]}号")
    else:
        tail = st.tuples(st.integers(1, 30), st.integers(1, 6), st.integers(101, 1802)).map(
            lambda t: f"{t[0]}号楼{t[1]}单元{t[2]}"
        )
    return st.tuples(st.sampled_from(_DISTRICTS), tail).map(lambda t: f"{t[0]}{community}{t[1]}")


def id_numbers(
    *,
    birth_date: date | None = None,
    gender: Gender | None = None,
    min_birth: date = _BIRTH_MIN,
    max_birth: date = _BIRTH_MAX,
) -> st.SearchStrategy[str]:
    """Valid 18-character resident ID numbers (GB 11643): real division code, birth date, sequence whose
    last digit is odd for men and even for women, and the check digit of ``stdnum.cn.ric``.

    >>> from hypothesis import find
    >>> from datetime import date
    >>> from volunteer_core.privacy import id_number_birth_date, id_number_gender
    >>> n = find(id_numbers(birth_date=date(1949, 12, 31), gender=Gender.FEMALE), lambda n: True)
    >>> id_number_birth_date(n), id_number_gender(n)
    (datetime.date(1949, 12, 31), 'female')
    """
    if birth_date is None:
        _check_bounds(min_birth, max_birth, "min_birth", "max_birth")
    born = st.just(birth_date) if birth_date is not None else st.dates(min_birth, max_birth)
    genders = st.just(gender) if gender is not None else st.sampled_from(list(Gender))
    return st.builds(
        _id_number, st.sampled_from(_REGION_CODES), born, st.integers(0, 99), genders, st.integers(0, 4)
    )


def _id_number(region: str, born: date, serial: int, gender: Gender, parity_digit: int) -> str:
    last = 2 * parity_digit + (1 if gender is Gender.MALE else 0)
    body = f"{region}{born:%Y%m%d}{serial:02d}{last}"
    # stdnum's calc_check_digit reads a full number and ignores its last character
    return body + str(ric.calc_check_digit(body + "0"))


def credit_codes() -> st.SearchStrategy[str]:
    """Valid unified social credit codes (GB 32100) with the check character of ``stdnum.cn.uscc``.

    >>> from hypothesis import find
    >>> from volunteer_core.privacy import normalize_credit_code
    >>> c = find(credit_codes(), lambda c: True)
    >>> normalize_credit_code(c) == c and len(c) == 18
    True
    """
    authority = st.sampled_from(("1", "5", "9"))
    kind = st.sampled_from(("1", "2", "3"))
    organisation = st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY", min_size=9, max_size=9)
    return st.builds(_credit_code, authority, kind, st.sampled_from(_REGION_CODES), organisation)


def _credit_code(authority: str, kind: str, region: str, organisation: str) -> str:
    body = f"{authority}{kind}{region}{organisation}"
    return body + str(uscc.calc_check_digit(body))


# ---------------------------------------------------------------------------------------------------------
# people and organisations


def branches(*, id: str | Sequence[str] | None = None) -> st.SearchStrategy[Branch]:
    """Party branches (党支部).

    >>> from hypothesis import find
    >>> find(branches(id="b-1"), lambda b: True).id
    'b-1'
    """
    names = st.sampled_from(_DEPARTMENTS).map(lambda d: f"{d}党支部")
    return st.builds(Branch, id=_choice("id", id, ids("b")), name=names)


def members(
    branch_id: str | Sequence[str] | None = None,
    year: int | None = None,
    *,
    id: str | Sequence[str] | None = None,
    full_year: bool = False,
    min_joined: date = DATE_MIN,
    max_joined: date = DATE_MAX,
    invalid: str | None = None,
) -> st.SearchStrategy[Member]:
    """Members (党员志愿者) with at least one skill.

    ``year`` draws members whose membership overlaps that year (``full_year=True``: covers all of it);
    ``branch_id`` fixes the branch (or picks from a sequence). ``invalid="member.skill"`` draws members
    without any skill.

    >>> from hypothesis import find
    >>> m = find(members(branch_id="b-1", year=2026), lambda m: True)
    >>> m.branch_id, m.is_member_on(m.joined_on), len(m.skills) >= 1
    ('b-1', True, True)
    """
    _check_invalid(invalid, MEMBER_INVALID)
    if full_year and year is None:
        raise ValueError("full_year=True needs a year")
    if year is not None:
        min_joined, max_joined = min(min_joined, date(year, 1, 1)), date(year, 12, 31)
        if full_year:
            max_joined = date(year, 1, 1)
    _check_bounds(min_joined, max_joined, "min_joined", "max_joined")
    return _member(
        _choice("id", id, ids("m")),
        _choice("branch_id", branch_id, ids("b")),
        year,
        full_year,
        min_joined,
        max_joined,
        invalid,
    )


@st.composite
def _member(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[str],
    branch_strategy: st.SearchStrategy[str],
    year: int | None,
    full_year: bool,
    min_joined: date,
    max_joined: date,
    invalid: str | None,
) -> Member:
    joined = draw(st.dates(min_joined, max_joined))
    left: date | None = None
    if draw(st.booleans()):
        lo = joined
        if year is not None:
            lo = max(joined, date(year, 12, 31) if full_year else date(year, 1, 1))
        left = draw(st.dates(lo, max(lo, DATE_MAX)))
    skills: frozenset[str] = frozenset()
    if invalid is None:
        skills = draw(st.frozensets(st.sampled_from(_SKILLS), min_size=1, max_size=3))
    return Member(
        id=draw(id_strategy),
        name=draw(person_names()),
        branch_id=draw(branch_strategy),
        joined_on=joined,
        left_on=left,
        skills=skills,
        phone=draw(st.none() | mobiles()),
        community=draw(st.none() | st.sampled_from(_COMMUNITIES)),
    )


def teams(
    branch_id: str | Sequence[str] | None = None,
    *,
    id: str | Sequence[str] | None = None,
    member_ids: Sequence[str] | None = None,
) -> st.SearchStrategy[Team]:
    """Volunteer teams (志愿服务队); ``member_ids`` is the pool the team's members are drawn from.

    >>> from hypothesis import find
    >>> t = find(teams(branch_id="b-1", member_ids=["m-1", "m-2"]), lambda t: len(t.member_ids) == 2)
    >>> t.branch_id, sorted(t.member_ids)
    ('b-1', ['m-1', 'm-2'])
    """
    if member_ids is None:
        pool = st.lists(ids("m"), max_size=5)
    elif member_ids:
        pool = st.lists(st.sampled_from(sorted(set(member_ids))), max_size=len(member_ids))
    else:
        pool = st.just([])
    return st.builds(
        Team,
        id=_choice("id", id, ids("t")),
        branch_id=_choice("branch_id", branch_id, ids("b")),
        name=st.sampled_from(_TEAM_NAMES),
        member_ids=pool.map(frozenset),
    )


def beneficiaries(
    *,
    id: str | Sequence[str] | None = None,
    category: BeneficiaryCategory | Iterable[BeneficiaryCategory] | None = None,
    with_id_number: bool | None = None,
    birth_date: date | None = None,
    gender: Gender | None = None,
) -> st.SearchStrategy[Beneficiary]:
    """Beneficiaries (服务对象), born 1930–2020, with a valid ID number (GB 11643) when they carry one.

    ``with_id_number``: None draws both, True/False forces it. ``birth_date`` and ``gender`` fix what the
    ID number encodes and what the record states; otherwise ``birth_date`` and ``gender`` are either
    absent or agree with the ID number.

    >>> from hypothesis import find
    >>> from datetime import date
    >>> b = find(beneficiaries(with_id_number=True, birth_date=date(1950, 3, 1), gender=Gender.MALE),
    ...          lambda b: True)
    >>> b.id_number[6:14], int(b.id_number[16]) % 2, b.birth_date, b.gender.value
    ('19500301', 1, datetime.date(1950, 3, 1), 'male')
    """
    return _beneficiary(
        _choice("id", id, ids("bf")),
        _enum_choice("category", category, list(BeneficiaryCategory)),
        with_id_number,
        birth_date,
        gender,
    )


@st.composite
def _beneficiary(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[str],
    categories: st.SearchStrategy[BeneficiaryCategory],
    with_id_number: bool | None,
    birth_date: date | None,
    gender: Gender | None,
) -> Beneficiary:
    born = birth_date if birth_date is not None else draw(st.dates(_BIRTH_MIN, _BIRTH_MAX))
    sex = gender if gender is not None else draw(st.sampled_from(list(Gender)))
    has_number = draw(st.booleans()) if with_id_number is None else with_id_number
    number = draw(id_numbers(birth_date=born, gender=sex)) if has_number else None
    community = draw(st.sampled_from(_COMMUNITIES))
    return Beneficiary(
        id=draw(id_strategy),
        name=draw(person_names()),
        category=draw(categories),
        community=community,
        id_number=number,
        phone=draw(st.none() | mobiles()),
        address=draw(st.none() | _addresses(community)),
        gender=sex if gender is not None or draw(st.booleans()) else None,
        birth_date=born if birth_date is not None or draw(st.booleans()) else None,
    )


def partner_units(
    *,
    id: str | Sequence[str] | None = None,
    kind: UnitKind | Iterable[UnitKind] | None = None,
    with_credit_code: bool | None = None,
) -> st.SearchStrategy[PartnerUnit]:
    """Partner units (结对共建单位), with a valid unified social credit code (GB 32100) when they carry one.

    >>> from hypothesis import find
    >>> u = find(partner_units(kind=UnitKind.WELFARE_HOME, with_credit_code=True), lambda u: True)
    >>> u.kind.label_zh, len(u.credit_code)
    ('福利院', 18)
    """
    return _partner_unit(
        _choice("id", id, ids("u")), _enum_choice("kind", kind, list(UnitKind)), with_credit_code
    )


@st.composite
def _partner_unit(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[str],
    kinds: st.SearchStrategy[UnitKind],
    with_credit_code: bool | None,
) -> PartnerUnit:
    kind = draw(kinds)
    has_code = draw(st.booleans()) if with_credit_code is None else with_credit_code
    return PartnerUnit(
        id=draw(id_strategy),
        name=draw(st.sampled_from(_UNIT_NAMES[kind])),
        kind=kind,
        credit_code=draw(credit_codes()) if has_code else None,
    )


# ---------------------------------------------------------------------------------------------------------
# pairings


def _modes(
    mode: PairingMode | Iterable[PairingMode] | None, branch_pool: Sequence[str] | None
) -> list[PairingMode]:
    wanted = list(PairingMode) if mode is None else [mode] if isinstance(mode, PairingMode) else list(mode)
    if branch_pool is not None and len(set(branch_pool)) < 2:
        allowed: list[PairingMode] = [m for m in wanted if m is not PairingMode.JOINT_BRANCHES]
        if not allowed:
            raise ValueError("JOINT_BRANCHES needs at least two distinct branch_ids")
        return allowed
    if not wanted:
        raise ValueError("mode must not be empty")
    return wanted


@st.composite
def _pairing_parts(
    draw: st.DrawFn,
    modes: Sequence[PairingMode],
    branch_pool: Sequence[str] | None,
    member_pool: Sequence[str] | None,
) -> tuple[PairingMode, frozenset[str], frozenset[str]]:
    mode = draw(st.sampled_from(modes))
    if mode is PairingMode.SOLO:
        size_lo, size_hi = 1, 1
    elif mode is PairingMode.JOINT_BRANCHES:
        size_lo, size_hi = 2, 3
    else:
        size_lo, size_hi = 1, 3
    if branch_pool is None:
        chosen = draw(st.lists(ids("b"), min_size=size_lo, max_size=size_hi, unique=True))
    else:
        pool = sorted(set(branch_pool))
        chosen = draw(
            st.lists(st.sampled_from(pool), min_size=size_lo, max_size=min(size_hi, len(pool)), unique=True)
        )
    if member_pool is None:
        people = draw(st.lists(ids("m"), max_size=3, unique=True))
    elif member_pool:
        people = draw(st.lists(st.sampled_from(sorted(set(member_pool))), max_size=3, unique=True))
    else:
        people = []
    return mode, frozenset(chosen), frozenset(people)


def pairings(
    *,
    id: str | Sequence[str] | None = None,
    target_ids: str | Sequence[str] | None = None,
    branch_ids: Sequence[str] | None = None,
    member_ids: Sequence[str] | None = None,
    mode: PairingMode | Iterable[PairingMode] | None = None,
    min_start: date = DATE_MIN,
    max_start: date = DATE_MAX,
    open_end: bool | None = None,
) -> st.SearchStrategy[Pairing]:
    """One pairing (结对): SOLO with one branch, JOINT_BRANCHES with two or three, JOINT_DEPARTMENT with
    one to three, drawn from ``branch_ids`` when given; members from ``member_ids``; the target from
    ``target_ids``. For lists without duplicates use :func:`pairing_lists`.

    >>> from hypothesis import find
    >>> p = find(pairings(target_ids=["u-1"], branch_ids=["b-1", "b-2"], mode=PairingMode.JOINT_BRANCHES),
    ...          lambda p: True)
    >>> p.target_id, sorted(p.branch_ids)
    ('u-1', ['b-1', 'b-2'])
    """
    modes = _modes(mode, branch_ids)
    periods = date_ranges(min_start, max_start, open_end)
    return _pairing(
        _choice("id", id, ids("pr")),
        _choice("target_ids", target_ids, ids("u")),
        _pairing_parts(modes, branch_ids, member_ids),
        periods,
    )


@st.composite
def _pairing(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[str],
    targets: st.SearchStrategy[str],
    parts: st.SearchStrategy[tuple[PairingMode, frozenset[str], frozenset[str]]],
    periods: st.SearchStrategy[DateRange],
) -> Pairing:
    mode, branch_set, member_set = draw(parts)
    return Pairing(
        id=draw(id_strategy),
        branch_ids=branch_set,
        target_id=draw(targets),
        mode=mode,
        period=draw(periods),
        member_ids=member_set,
        measures=draw(st.sampled_from(("", "定期走访慰问", "捐资助学", "节日慰问", "上门服务"))),
    )


def pairing_lists(
    *,
    target_ids: str | Sequence[str] | None = None,
    branch_ids: Sequence[str] | None = None,
    member_ids: Sequence[str] | None = None,
    mode: PairingMode | Iterable[PairingMode] | None = None,
    min_start: date = DATE_MIN,
    max_start: date = DATE_MAX,
    open_end: bool | None = None,
    min_size: int = 0,
    max_size: int = 5,
    id_prefix: str = "pr",
) -> st.SearchStrategy[list[Pairing]]:
    """Lists of pairings with unique ids (``pr-1``, ``pr-2``, …) and **no duplicate**: the periods of the
    pairings of one target never overlap (only the last of a target may be open-ended).

    >>> from hypothesis import find
    >>> from volunteer_core import find_duplicate_pairings
    >>> found = find(pairing_lists(target_ids=["u-1"], min_size=3), lambda ps: True)
    >>> len(found), find_duplicate_pairings(found)
    (3, [])
    """
    if not 0 <= min_size <= max_size:
        raise ValueError(f"need 0 <= min_size <= max_size, got {min_size}, {max_size}")
    _check_bounds(min_start, max_start, "min_start", "max_start")
    if (max_start - min_start).days + 1 < max_size:
        raise ValueError("the start window must hold at least max_size days")
    return _pairing_list(
        _choice("target_ids", target_ids, ids("u")),
        _pairing_parts(_modes(mode, branch_ids), branch_ids, member_ids),
        min_start,
        max_start,
        open_end,
        min_size,
        max_size,
        id_prefix,
    )


@st.composite
def _pairing_list(
    draw: st.DrawFn,
    targets: st.SearchStrategy[str],
    parts: st.SearchStrategy[tuple[PairingMode, frozenset[str], frozenset[str]]],
    min_start: date,
    max_start: date,
    open_end: bool | None,
    min_size: int,
    max_size: int,
    id_prefix: str,
) -> list[Pairing]:
    size = draw(st.integers(min_size, max_size))
    chosen = [draw(targets) for _ in range(size)]
    by_target = Counter(chosen)
    result: list[Pairing] = []
    for target, count in by_target.items():
        starts = sorted(
            draw(st.lists(st.dates(min_start, max_start), min_size=count, max_size=count, unique=True))
        )
        for index, start in enumerate(starts):
            last = index == len(starts) - 1
            if last:
                is_open = draw(st.booleans()) if open_end is None else open_end
                end = None if is_open else start + _days(draw(st.integers(0, 3 * 366)))
            else:
                end = draw(st.dates(start, starts[index + 1] - _days(1)))
            mode, branch_set, member_set = draw(parts)
            result.append(
                Pairing(
                    id=f"{id_prefix}-{len(result) + 1}",
                    branch_ids=branch_set,
                    target_id=target,
                    mode=mode,
                    period=DateRange(start, end),
                    member_ids=member_set,
                )
            )
    return draw(st.permutations(result))


def duplicate_pairings(
    *,
    target_ids: str | Sequence[str] | None = None,
    branch_ids: Sequence[str] | None = None,
    member_ids: Sequence[str] | None = None,
    max_size: int = 5,
    id_prefix: str = "pr",
) -> st.SearchStrategy[list[Pairing]]:
    """Rule-breaking lists of pairings (``pairing.duplicate``): a duplicate-free list plus one pairing
    whose period overlaps (closed intervals, the same day counts) that of another pairing of its target.

    >>> from hypothesis import find
    >>> from volunteer_core import find_duplicate_pairings
    >>> [v.code for v in find_duplicate_pairings(find(duplicate_pairings(), lambda ps: True))]
    ['pairing.duplicate']
    """
    if max_size < 1:
        raise ValueError("max_size must be >= 1")
    base = pairing_lists(
        target_ids=target_ids,
        branch_ids=branch_ids,
        member_ids=member_ids,
        min_size=1,
        max_size=max_size,
        id_prefix=id_prefix,
    )
    return _duplicated(base, _pairing_parts(_modes(None, branch_ids), branch_ids, member_ids), id_prefix)


@st.composite
def _duplicated(
    draw: st.DrawFn,
    base: st.SearchStrategy[list[Pairing]],
    parts: st.SearchStrategy[tuple[PairingMode, frozenset[str], frozenset[str]]],
    id_prefix: str,
) -> list[Pairing]:
    existing = draw(base)
    original = draw(st.sampled_from(existing))
    first, last = original.period.start, original.period.end
    latest = last if last is not None else first + _days(366)
    earliest = first if first <= DATE_MIN else max(DATE_MIN, first - _days(366))
    start = draw(st.dates(earliest, latest))
    reach = max(start, first)  # an end on or after the original's start keeps the overlap
    end = None if draw(st.booleans()) else draw(st.dates(reach, reach + _days(366)))
    mode, branch_set, member_set = draw(parts)
    duplicate = Pairing(
        id=f"{id_prefix}-{len(existing) + 1}",
        branch_ids=branch_set,
        target_id=original.target_id,
        mode=mode,
        period=DateRange(start, end),
        member_ids=member_set,
    )
    assert duplicate.period.overlaps(original.period)
    return draw(st.permutations([*existing, duplicate]))


# ---------------------------------------------------------------------------------------------------------
# activities and the ledger


@attrs.frozen
class _FestivalKeys:
    """What ``calendar.festivals`` reads of a policy (hashable, for the cache)."""

    festivals: frozenset[str]
    festival_window_days: int | None


@functools.lru_cache(maxsize=512)
def _festival_days(year: int, keys: frozenset[str]) -> tuple[date, ...]:
    if not calendar.MIN_YEAR <= year <= calendar.MAX_YEAR:
        return ()
    return tuple(f.on for f in calendar.festivals(year, _FestivalKeys(keys, None)))


@st.composite
def _festival_day(draw: st.DrawFn, lo: date, hi: date, policy: Policy) -> date:
    """A date within ``lo`` … ``hi`` and within the policy's festival window."""
    window = policy.festival_window_days
    if window is None:
        return draw(st.dates(lo, hi))
    year = draw(st.integers(lo.year, hi.year))
    near = [
        d
        for d in _festival_days(year, frozenset(policy.festivals))
        if lo - _days(window) <= d <= hi + _days(window)
    ]
    if not near:
        day = draw(st.dates(lo, hi))
        assume(calendar.within_festival_window(day, policy) is not None)
        return day
    festival = draw(st.sampled_from(near))
    day = festival + _days(draw(st.integers(-window, window)))
    return min(max(day, lo), hi)


@st.composite
def _off_festival_day(draw: st.DrawFn, lo: date, hi: date, policy: Policy) -> date:
    day = draw(st.dates(lo, hi))
    assume(calendar.within_festival_window(day, policy) is None)
    return day


def activities(
    *,
    id: str | Sequence[str] | None = None,
    kind: ActivityKind | Iterable[ActivityKind] | None = None,
    branch_id: str | Sequence[str] | None = None,
    team_id: str | Sequence[str] | None = None,
    pairing_id: str | Sequence[str] | None = None,
    year: int | None = None,
    min_on: date = DATE_MIN,
    max_on: date = DATE_MAX,
    policy: Policy | None = None,
    invalid: str | None = None,
) -> st.SearchStrategy[Activity]:
    """Activities with a title and a written summary. FESTIVAL activities fall within the policy's
    festival window (``activity.festival_window``); TEAM_CAMPAIGN ones name a team; ``team_id`` and
    ``pairing_id``, when given, are set on every activity (``pairing_id`` only on PAIRING ones).
    ``invalid="activity.festival_window"`` draws FESTIVAL activities far from every festival.

    >>> from hypothesis import find
    >>> from volunteer_core.rules import check_activity
    >>> a = find(activities(kind=ActivityKind.FESTIVAL, year=2026), lambda a: True)
    >>> a.on.year, check_activity(a)
    (2026, [])
    """
    _check_invalid(invalid, ACTIVITY_INVALID)
    policy = DEFAULT if policy is None else policy
    if invalid is not None:
        if policy.festival_window_days is None:
            raise ValueError("this policy has no festival window to break")
        kind = ActivityKind.FESTIVAL
    if year is not None:
        min_on, max_on = max(min_on, date(year, 1, 1)), min(max_on, date(year, 12, 31))
    _check_bounds(min_on, max_on, "min_on", "max_on")
    return _activity(
        _choice("id", id, ids("a")),
        _enum_choice("kind", kind, list(ActivityKind)),
        _choice("branch_id", branch_id, ids("b")),
        None if team_id is None else _choice("team_id", team_id, ids("t")),
        None if pairing_id is None else _choice("pairing_id", pairing_id, ids("pr")),
        min_on,
        max_on,
        policy,
        invalid,
    )


@st.composite
def _activity(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[str],
    kinds: st.SearchStrategy[ActivityKind],
    branch_strategy: st.SearchStrategy[str],
    team_strategy: st.SearchStrategy[str] | None,
    pairing_strategy: st.SearchStrategy[str] | None,
    min_on: date,
    max_on: date,
    policy: Policy,
    invalid: str | None,
) -> Activity:
    kind = draw(kinds)
    if invalid is not None:
        on = draw(_off_festival_day(min_on, max_on, policy))
    elif kind is ActivityKind.FESTIVAL:
        on = draw(_festival_day(min_on, max_on, policy))
    else:
        on = draw(st.dates(min_on, max_on))
    team: str | None = None
    if team_strategy is not None:
        team = draw(team_strategy)
    elif kind is ActivityKind.TEAM_CAMPAIGN:
        team = draw(ids("t"))
    pairing = (
        draw(pairing_strategy) if pairing_strategy is not None and kind is ActivityKind.PAIRING else None
    )
    title = draw(st.sampled_from(_ACTIVITY_TITLES[kind]))
    return Activity(
        id=draw(id_strategy),
        kind=kind,
        branch_id=draw(branch_strategy),
        on=on,
        title=title,
        team_id=team,
        pairing_id=pairing,
        summary=f"{title}顺利开展",
    )


def service_records(
    *,
    id: str | Sequence[str] | None = None,
    activity: Activity | st.SearchStrategy[Activity] | None = None,
    member_id: str | Sequence[str] | None = None,
    min_minutes: int = 1,
    max_minutes: int = MAX_MINUTES_PER_RECORD,
    status: RecordStatus | Iterable[RecordStatus] | None = RecordStatus.CONFIRMED,
    recorded: bool | None = None,
) -> st.SearchStrategy[ServiceRecord]:
    """Ordinary ledger entries (1 … 1440 minutes) at an activity, copying its kind, branch and date.

    ``status`` defaults to CONFIRMED (None: any). ``recorded``: None draws ``recorded_on`` as absent or
    0–5 days after the service (always within ``record.timeliness``), True/False forces it. For reversals
    see :func:`reversals` and :func:`with_reversals`.

    >>> from hypothesis import find
    >>> r = find(service_records(member_id="m-1"), lambda r: r.minutes > 60)
    >>> r.member_id, r.minutes, r.reverses
    ('m-1', 61, None)
    """
    if not 1 <= min_minutes <= max_minutes <= MAX_MINUTES_PER_RECORD:
        raise ValueError(f"need 1 <= min_minutes <= max_minutes <= {MAX_MINUTES_PER_RECORD}")
    if activity is None:
        activity_strategy: st.SearchStrategy[Activity] = activities()
    elif isinstance(activity, Activity):
        activity_strategy = st.just(activity)
    else:
        activity_strategy = activity
    return _service_record(
        _choice("id", id, ids("r")),
        activity_strategy,
        _choice("member_id", member_id, ids("m")),
        st.integers(min_minutes, max_minutes),
        _enum_choice("status", status, list(RecordStatus)),
        recorded,
    )


@st.composite
def _service_record(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[str],
    activity_strategy: st.SearchStrategy[Activity],
    member_strategy: st.SearchStrategy[str],
    minutes: st.SearchStrategy[int],
    statuses: st.SearchStrategy[RecordStatus],
    recorded: bool | None,
) -> ServiceRecord:
    activity = draw(activity_strategy)
    return ServiceRecord.for_activity(
        activity,
        id=draw(id_strategy),
        member_id=draw(member_strategy),
        minutes=draw(minutes),
        recorded_on=draw(_recorded_on(activity.on, recorded)),
        status=draw(statuses),
    )


def _recorded_on(on: date, recorded: bool | None) -> st.SearchStrategy[date | None]:
    later = st.integers(0, 5).map(lambda n: on + _days(n))
    if recorded is None:
        return st.none() | later
    return later if recorded else st.none()


def reversals(
    records: st.SearchStrategy[ServiceRecord] | None = None,
    *,
    id: str | Sequence[str] | None = None,
) -> st.SearchStrategy[tuple[ServiceRecord, ServiceRecord]]:
    """Pairs ``(original, reversal)``: an ordinary record and the entry that cancels it (same member,
    activity, branch, kind and date; negated minutes; entered 0–30 days after the original).

    >>> from hypothesis import find
    >>> original, reversal = find(reversals(), lambda pair: True)
    >>> reversal.reverses == original.id, reversal.minutes == -original.minutes
    (True, True)
    """
    return _reversal(service_records() if records is None else records, _choice("id", id, ids("r")))


@st.composite
def _reversal(
    draw: st.DrawFn, records: st.SearchStrategy[ServiceRecord], id_strategy: st.SearchStrategy[str]
) -> tuple[ServiceRecord, ServiceRecord]:
    original = draw(records)
    new_id = draw(id_strategy.filter(lambda i: i != original.id))
    entered = (original.recorded_on or original.on) + _days(draw(st.integers(0, 30)))
    return original, original.reversal(id=new_id, recorded_on=entered)


def with_reversals(
    records: Sequence[ServiceRecord], *, max_reversals: int | None = None, id_prefix: str = "r"
) -> st.SearchStrategy[list[ServiceRecord]]:
    """``records`` followed by the reversals of some of their ordinary entries (each reversed at most
    once), with fresh ids ``<id_prefix>-<n>`` that collide with no id of ``records``.

    >>> from hypothesis import find
    >>> from datetime import date
    >>> r = ServiceRecord(id="r-1", member_id="m-1", activity_id="a-1", branch_id="b-1",
    ...                   kind="pairing", on=date(2026, 3, 5), minutes=90)
    >>> ledger = find(with_reversals([r]), lambda rs: len(rs) == 2)
    >>> [(x.id, x.minutes, x.reverses) for x in ledger]
    [('r-1', 90, None), ('r-2', -90, 'r-1')]
    """
    items = list(records)
    return _with_reversals(items, max_reversals, id_prefix)


@st.composite
def _with_reversals(
    draw: st.DrawFn, records: list[ServiceRecord], max_reversals: int | None, id_prefix: str
) -> list[ServiceRecord]:
    reversed_already = {r.reverses for r in records if r.reverses is not None}
    candidates = [r for r in records if r.reverses is None and r.minutes > 0 and r.id not in reversed_already]
    if not candidates:
        return list(records)
    limit = len(candidates) if max_reversals is None else min(max_reversals, len(candidates))
    chosen = draw(st.lists(st.sampled_from(candidates), max_size=limit, unique_by=lambda r: r.id))
    used = {r.id for r in records}
    counter = len(records)
    result = list(records)
    for original in chosen:
        counter += 1
        while f"{id_prefix}-{counter}" in used:
            counter += 1
        new_id = f"{id_prefix}-{counter}"
        used.add(new_id)
        entered = (original.recorded_on or original.on) + _days(draw(st.integers(0, 30)))
        result.append(original.reversal(id=new_id, recorded_on=entered))
    return result


# ---------------------------------------------------------------------------------------------------------
# wishes


def claims(
    *, member_id: str | Sequence[str] | None = None, min_on: date = DATE_MIN, max_on: date = DATE_MAX
) -> st.SearchStrategy[Claim]:
    """Standalone claims (认领): live, withdrawn or fulfilled, with or without a pledged amount.
    Claims attached to wishes come from :func:`wishes`, through the real ``Wish.claim``.

    >>> from hypothesis import find
    >>> find(claims(member_id="m-1"), lambda c: c.is_live).member_id
    'm-1'
    """
    _check_bounds(min_on, max_on, "min_on", "max_on")
    return _claim(_choice("member_id", member_id, ids("m")), min_on, max_on)


@st.composite
def _claim(draw: st.DrawFn, member_strategy: st.SearchStrategy[str], min_on: date, max_on: date) -> Claim:
    claimed = draw(st.dates(min_on, max_on))
    state = draw(st.sampled_from(("live", "withdrawn", "fulfilled")))
    later = draw(st.dates(claimed, max(claimed, max_on)))
    return Claim(
        member_id=draw(member_strategy),
        claimed_on=claimed,
        pledged=draw(st.none() | yuan(1, 30_000)),
        withdrawn_on=later if state == "withdrawn" else None,
        fulfilled_on=later if state == "fulfilled" else None,
    )


def wishes(
    status: WishStatus | Iterable[WishStatus] | None = None,
    *,
    id: str | Sequence[str] | None = None,
    kind: WishKind | Iterable[WishKind] | None = None,
    beneficiary_id: str | Sequence[str] | None = None,
    member_ids: Sequence[str] | None = None,
    max_claims: int = 3,
    min_date: date = DATE_MIN,
    max_date: date = DATE_MAX,
    policy: Policy | None = None,
    invalid: str | None = None,
) -> st.SearchStrategy[Wish]:
    """Wishes (微心愿) in any lifecycle state, reached through the real transitions of
    :class:`volunteer_core.Wish`: ``screen``, ``publish``, ``claim`` (one-to-one or many-to-one, at most
    ``max_claims`` live claims, members from ``member_ids``), ``withdraw_claim``, ``fulfil``, ``cancel``.

    By default ``validate_wish`` finds nothing wrong (material wishes carry 0.01 … the policy's cap).
    ``invalid`` draws a wish breaking exactly one rule, one of :data:`WISH_INVALID`:
    ``"wish.value_cap"`` (a material value above the cap), ``"wish.value_required"`` (a material wish
    without value, or of value 0), ``"wish.content_required"`` (blank content). Since screening refuses
    such a wish, it can only be COLLECTED, REJECTED or CANCELLED; asking for another status raises
    ``ValueError``.

    >>> from hypothesis import find
    >>> w = find(wishes(status=WishStatus.FULFILLED, kind=WishKind.MATERIAL), lambda w: len(w.claims) > 1)
    >>> w.status.value, w.pledged_total == w.value, len(w.live_claims) >= 1
    ('fulfilled', True, True)
    >>> from volunteer_core import validate_wish
    >>> [v.code for v in validate_wish(find(wishes(invalid="wish.value_cap"), lambda w: True))]
    ['wish.value_cap']
    """
    _check_invalid(invalid, WISH_INVALID)
    policy = DEFAULT if policy is None else policy
    statuses = _enum_choice("status", status, list(WishStatus))
    if invalid is not None:
        wanted = (
            [status]
            if isinstance(status, WishStatus)
            else list(WishStatus)
            if status is None
            else list(status)
        )
        reachable = [s for s in wanted if s in _FINAL_FOR_INVALID]
        if not reachable:
            raise ValueError(
                f"a wish breaking {invalid} is refused by screening: it can only be "
                + ", ".join(s.name for s in _FINAL_FOR_INVALID)
            )
        statuses = st.sampled_from(reachable)
    kinds = _enum_choice("kind", kind, list(WishKind))
    if invalid in ("wish.value_cap", "wish.value_required"):
        wanted_kinds = (
            [kind] if isinstance(kind, WishKind) else list(WishKind) if kind is None else list(kind)
        )
        if WishKind.MATERIAL not in wanted_kinds:
            raise ValueError(f"{invalid} concerns MATERIAL wishes")
        kinds = st.just(WishKind.MATERIAL)
    if invalid == "wish.value_cap" and policy.wish_value_cap is None:
        raise ValueError("this policy has no value cap to break")
    if max_claims < 1:
        raise ValueError("max_claims must be >= 1")
    if member_ids is not None and not member_ids:
        raise ValueError("member_ids must not be empty")
    _check_bounds(min_date, max_date, "min_date", "max_date")
    return _wish(
        statuses,
        _choice("id", id, ids("w")),
        kinds,
        _choice("beneficiary_id", beneficiary_id, ids("bf")),
        None if member_ids is None else sorted(set(member_ids)),
        max_claims,
        min_date,
        max_date,
        policy,
        invalid,
    )


def _wish_value(kind: WishKind, policy: Policy, invalid: str | None) -> st.SearchStrategy[Yuan | None]:
    cap = policy.wish_value_cap
    if invalid == "wish.value_cap":
        assert cap is not None
        return yuan(cap.fen + 1, cap.fen + 1_000_000)
    if invalid == "wish.value_required":
        return st.sampled_from([None, Yuan(0)])
    if kind is WishKind.MATERIAL:
        return yuan(1, cap.fen if cap is not None else 1_000_000)
    return st.none() | yuan(1, 100_000)


@attrs.define
class _Clock:
    """The date of the latest step; each step moves it on by 0–20 days, never past ``last``."""

    draw: st.DrawFn
    day: date
    last: date

    def next(self) -> date:
        self.day = min(self.day + _days(self.draw(st.integers(0, 20))), self.last)
        return self.day


@st.composite
def _wish(
    draw: st.DrawFn,
    statuses: st.SearchStrategy[WishStatus],
    id_strategy: st.SearchStrategy[str],
    kinds: st.SearchStrategy[WishKind],
    beneficiary_strategy: st.SearchStrategy[str],
    member_pool: list[str] | None,
    max_claims: int,
    min_date: date,
    max_date: date,
    policy: Policy,
    invalid: str | None,
) -> Wish:
    target = draw(statuses)
    kind = draw(kinds)
    content = draw(st.sampled_from(_WISH_CONTENTS[kind]))
    if invalid == "wish.content_required":
        content = draw(st.sampled_from(("", " ", "\u3000", "  \n")))
    collected = draw(st.dates(min_date, max_date))
    wish = Wish(
        id=draw(id_strategy),
        beneficiary_id=draw(beneficiary_strategy),
        kind=kind,
        content=content,
        collected_on=collected,
        value=draw(_wish_value(kind, policy, invalid)),
        evidence=draw(st.sampled_from(_EVIDENCE)),
    )
    if member_pool is None:
        member_pool = draw(st.lists(ids("m"), min_size=1, max_size=max_claims + 2, unique=True))
    clock = _Clock(draw, collected, max_date)
    if target is WishStatus.CANCELLED:
        sources = [WishStatus.COLLECTED]
        if invalid is None:
            sources += [WishStatus.SCREENED, WishStatus.PUBLISHED, WishStatus.CLAIMED]
        wish = _reach(draw, wish, draw(st.sampled_from(sources)), clock, member_pool, max_claims, policy)
        return wish.cancel(clock.next(), draw(st.sampled_from(_REASONS)))
    return _reach(draw, wish, target, clock, member_pool, max_claims, policy)


def _reach(
    draw: st.DrawFn,
    wish: Wish,
    target: WishStatus,
    clock: _Clock,
    member_pool: list[str],
    max_claims: int,
    policy: Policy,
) -> Wish:
    """Move a COLLECTED wish to ``target`` (not CANCELLED) through the real transitions."""
    if target is WishStatus.COLLECTED:
        return wish
    if target is WishStatus.REJECTED:
        return wish.screen(False, clock.next(), reason=draw(st.sampled_from(_REASONS)), policy=policy)
    wish = wish.screen(True, clock.next(), policy=policy)
    if target is WishStatus.SCREENED:
        return wish
    wish = wish.publish(clock.next(), policy=policy)
    # claims taken and withdrawn again: PUBLISHED → CLAIMED → PUBLISHED
    for _ in range(draw(st.integers(0, 2 if target is WishStatus.PUBLISHED else 1))):
        member = draw(st.sampled_from(member_pool))
        wish = wish.claim(member, clock.next(), pledged=_partial(draw, wish), policy=policy)
        wish = wish.withdraw_claim(member, clock.next())
    if target is WishStatus.PUBLISHED:
        return wish
    full = wish.kind is WishKind.MATERIAL if target is WishStatus.FULFILLED else draw(st.booleans())
    most = min(max_claims, len(member_pool))
    if wish.value is not None:
        most = min(most, wish.value.fen)  # every claim pledges at least one fen
    count = draw(st.integers(1, most))
    claimants = draw(st.permutations(member_pool))[:count]
    for index, member in enumerate(claimants):
        remaining = wish.remaining
        pledged: Yuan | None = None
        if remaining is not None:
            still = count - 1 - index  # claims still to come after this one
            if full and still == 0:
                pledged = None  # Wish.claim pledges all that remains
            else:
                upper = remaining.fen - still if full else remaining.fen
                if upper < 1:
                    break
                pledged = Yuan.from_fen(draw(st.integers(1, upper)))
        wish = wish.claim(member, clock.next(), pledged=pledged, policy=policy)
    if target is WishStatus.CLAIMED:
        live = [c.member_id for c in wish.live_claims]
        for member in live[: draw(st.integers(0, len(live) - 1))]:
            wish = wish.withdraw_claim(member, clock.next())
        return wish
    return wish.fulfil(clock.next())


def _partial(draw: st.DrawFn, wish: Wish) -> Yuan | None:
    remaining = wish.remaining
    if remaining is None:
        return None
    return Yuan.from_fen(draw(st.integers(1, remaining.fen)))


# ---------------------------------------------------------------------------------------------------------
# dispatch, plans and reports


def demands(
    status: DemandStatus | Iterable[DemandStatus] | None = None,
    *,
    id: str | Sequence[str] | None = None,
    member_id: str | Sequence[str] | None = None,
    team_id: str | Sequence[str] | None = None,
    activity_id: str | Sequence[str] | None = None,
    min_on: date = DATE_MIN,
    max_on: date = DATE_MAX,
) -> st.SearchStrategy[Demand]:
    """Demands (点单) in any status: assigned ones name a member or a team, accepted and done ones a
    member, done ones an activity; declined and cancelled ones a reason.

    >>> from hypothesis import find
    >>> d = find(demands(DemandStatus.DONE), lambda d: True)
    >>> d.status.value, d.member_id is not None, d.activity_id is not None
    ('done', True, True)
    """
    _check_bounds(min_on, max_on, "min_on", "max_on")
    return _demand(
        _enum_choice("status", status, list(DemandStatus)),
        _choice("id", id, ids("d")),
        _choice("member_id", member_id, ids("m")),
        _choice("team_id", team_id, ids("t")),
        _choice("activity_id", activity_id, ids("a")),
        min_on,
        max_on,
    )


@st.composite
def _demand(
    draw: st.DrawFn,
    statuses: st.SearchStrategy[DemandStatus],
    id_strategy: st.SearchStrategy[str],
    member_strategy: st.SearchStrategy[str],
    team_strategy: st.SearchStrategy[str],
    activity_strategy: st.SearchStrategy[str],
    min_on: date,
    max_on: date,
) -> Demand:
    status = draw(statuses)
    member: str | None = None
    team: str | None = None
    if status in (DemandStatus.ACCEPTED, DemandStatus.DONE, DemandStatus.DECLINED):
        member = draw(member_strategy)
        team = draw(st.none() | team_strategy)
    elif status is DemandStatus.ASSIGNED:
        member = draw(st.none() | member_strategy)
        team = draw(team_strategy) if member is None else draw(st.none() | team_strategy)
    reason = (
        draw(st.sampled_from(_REASONS)) if status in (DemandStatus.DECLINED, DemandStatus.CANCELLED) else ""
    )
    return Demand(
        id=draw(id_strategy),
        community=draw(st.sampled_from(_COMMUNITIES)),
        content=draw(st.sampled_from(_WISH_CONTENTS[WishKind.SERVICE])),
        ordered_on=draw(st.dates(min_on, max_on)),
        status=status,
        member_id=member,
        team_id=team,
        activity_id=draw(activity_strategy) if status is DemandStatus.DONE else None,
        reason=reason,
    )


def plan_items() -> st.SearchStrategy[PlanItem]:
    """Rows of a branch plan table (活动计划表).

    >>> from hypothesis import find
    >>> find(plan_items(), lambda i: True).target != ""
    True
    """
    line_titles = {
        PlanLine.PAIRING: ("定期走访", "结对帮扶"),
        PlanLine.PRACTICAL_HELP: ("上门维修", "代办事务"),
        PlanLine.FESTIVAL: ("中秋送月饼", "春节慰问"),
    }
    return st.sampled_from(list(PlanLine)).flatmap(
        lambda line: st.builds(
            PlanItem,
            line=st.just(line),
            target=st.sampled_from([n for names in _UNIT_NAMES.values() for n in names]),
            measures=st.sampled_from(line_titles[line]),
            scheduled=st.sampled_from(("", "3月", "每季度", "9月中秋前", "全年")),
            mode=st.sampled_from(list(PairingMode)),
        )
    )


def branch_plans(
    *,
    id: str | Sequence[str] | None = None,
    branch_id: str | Sequence[str] | None = None,
    year: int | None = None,
    policy: Policy | None = None,
) -> st.SearchStrategy[BranchPlan]:
    """Branch plans submitted in time: from 1 January of their year to the policy's ``plan_due``.

    >>> from hypothesis import find
    >>> from datetime import date
    >>> p = find(branch_plans(year=2026), lambda p: True)
    >>> p.year, p.submitted_on <= date(2026, 5, 15)
    (2026, True)
    """
    due = (DEFAULT if policy is None else policy).plan_due or (12, 31)
    years = st.just(year) if year is not None else st.integers(DATE_MIN.year, DATE_MAX.year)
    return _branch_plan(_choice("id", id, ids("pl")), _choice("branch_id", branch_id, ids("b")), years, due)


@st.composite
def _branch_plan(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[str],
    branch_strategy: st.SearchStrategy[str],
    years: st.SearchStrategy[int],
    due: tuple[int, int],
) -> BranchPlan:
    year = draw(years)
    month, day = due
    if (month, day) == (2, 29) and not _is_leap(year):
        day = 28
    return BranchPlan(
        id=draw(id_strategy),
        branch_id=draw(branch_strategy),
        year=year,
        submitted_on=draw(st.dates(date(year, 1, 1), date(year, month, day))),
        items=draw(st.lists(plan_items(), max_size=3)),
    )


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def half_year_reports(
    *,
    id: str | Sequence[str] | None = None,
    branch_id: str | Sequence[str] | None = None,
    year: int | None = None,
    half: int | None = None,
) -> st.SearchStrategy[HalfYearReport]:
    """Half-year reports submitted within their half (H1 by 30 June, H2 by 31 December).

    >>> from hypothesis import find
    >>> r = find(half_year_reports(year=2026, half=2), lambda r: True)
    >>> r.half, r.submitted_on.month >= 7
    (2, True)
    """
    if half not in (None, 1, 2):
        raise ValueError("half is 1, 2 or None")
    years = st.just(year) if year is not None else st.integers(DATE_MIN.year, DATE_MAX.year)
    halves = st.just(half) if half is not None else st.sampled_from((1, 2))
    return _half_year_report(
        _choice("id", id, ids("hr")), _choice("branch_id", branch_id, ids("b")), years, halves
    )


@st.composite
def _half_year_report(
    draw: st.DrawFn,
    id_strategy: st.SearchStrategy[str],
    branch_strategy: st.SearchStrategy[str],
    years: st.SearchStrategy[int],
    halves: st.SearchStrategy[int],
) -> HalfYearReport:
    year, half = draw(years), draw(halves)
    lo, hi = (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))
    return HalfYearReport(
        id=draw(id_strategy),
        branch_id=draw(branch_strategy),
        year=year,
        half=half,
        submitted_on=draw(st.dates(lo, hi)),
        summary=draw(st.sampled_from(("", "上半年开展结对帮扶活动", "全年工作小结"))),
    )


# ---------------------------------------------------------------------------------------------------------
# datasets


@attrs.frozen(kw_only=True)
class Dataset:
    """A year of a small organisation whose references all resolve: members, teams, activities and
    records point to drawn branches; teams, pairings, records and claims to drawn members; pairings to
    drawn units or beneficiaries; activities to their branch's teams and pairings; records to drawn
    activities, copying their kind, branch and date; wishes to drawn beneficiaries.
    Ids are unique per entity type (``b-1``, ``m-1``, ``t-1``, ``bf-1``, ``u-1``, ``pr-1``, ``a-1``,
    ``r-1``, ``w-1``).
    """

    year: int
    branches: tuple[Branch, ...]
    members: tuple[Member, ...]
    teams: tuple[Team, ...]
    beneficiaries: tuple[Beneficiary, ...]
    units: tuple[PartnerUnit, ...]
    pairings: tuple[Pairing, ...]
    activities: tuple[Activity, ...]
    records: tuple[ServiceRecord, ...]
    wishes: tuple[Wish, ...]


def datasets(
    year: int = 2026,
    *,
    max_branches: int = 4,
    max_members: int = 12,
    max_activities: int = 12,
    max_records: int = 60,
    max_wishes: int = 4,
    reversals: bool = False,
    policy: Policy | None = None,
) -> st.SearchStrategy[Dataset]:
    """A :class:`Dataset` for ``year``: 1 … ``max_branches`` branches each with one or two teams,
    1 … ``max_members`` members whose membership overlaps the year, partner units and beneficiaries,
    duplicate-free pairings, activities and ordinary records dated in the year (a member at most once per
    activity and at most ``policy.max_sessions_per_day`` times a day, only while a member), and wishes in
    any state. ``reversals=True`` adds the reversals of some records (they count in ``max_records``).

    >>> from hypothesis import find
    >>> d = find(datasets(), lambda d: len(d.records) > 0)
    >>> {r.activity_id for r in d.records} <= {a.id for a in d.activities}
    True
    """
    for name, value in (
        ("max_branches", max_branches),
        ("max_members", max_members),
        ("max_activities", max_activities),
    ):
        if value < 1:
            raise ValueError(f"{name} must be >= 1")
    if max_records < 0 or max_wishes < 0:
        raise ValueError("max_records and max_wishes must be >= 0")
    if not calendar.MIN_YEAR <= year <= calendar.MAX_YEAR:
        raise ValueError(f"year must be within {calendar.MIN_YEAR}..{calendar.MAX_YEAR}")
    return _dataset(
        year,
        max_branches,
        max_members,
        max_activities,
        max_records,
        max_wishes,
        reversals,
        DEFAULT if policy is None else policy,
    )


@st.composite
def _dataset(
    draw: st.DrawFn,
    year: int,
    max_branches: int,
    max_members: int,
    max_activities: int,
    max_records: int,
    max_wishes: int,
    with_reversal: bool,
    policy: Policy,
) -> Dataset:
    first, last = date(year, 1, 1), date(year, 12, 31)

    branch_count = draw(st.integers(1, max_branches))
    branch_ids = [f"b-{i}" for i in range(1, branch_count + 1)]
    branch_list = [draw(branches(id=b)) for b in branch_ids]

    member_count = draw(st.integers(1, max_members))
    member_list = [
        draw(members(branch_id=branch_ids, year=year, id=f"m-{i}")) for i in range(1, member_count + 1)
    ]
    by_branch: dict[str, list[str]] = {b: [m.id for m in member_list if m.branch_id == b] for b in branch_ids}

    team_list: list[Team] = []
    for b in branch_ids:
        for _ in range(draw(st.integers(1, 2))):
            pool = by_branch[b]
            team_list.append(draw(teams(branch_id=b, id=f"t-{len(team_list) + 1}", member_ids=pool)))
    teams_of = {b: [t.id for t in team_list if t.branch_id == b] for b in branch_ids}

    beneficiary_list = [draw(beneficiaries(id=f"bf-{i}")) for i in range(1, draw(st.integers(0, 4)) + 1)]
    unit_list = [draw(partner_units(id=f"u-{i}")) for i in range(1, draw(st.integers(0, 3)) + 1)]
    target_ids = [u.id for u in unit_list] + [b.id for b in beneficiary_list]
    pairing_list: list[Pairing] = []
    if target_ids:
        pairing_list = draw(
            pairing_lists(
                target_ids=target_ids,
                branch_ids=branch_ids,
                member_ids=[m.id for m in member_list],
                min_start=date(year - 2, 1, 1),
                max_start=last,
                max_size=4,
            )
        )
        pairing_list = sorted(pairing_list, key=lambda p: int(p.id.split("-")[1]))
    pairings_of = {b: [p.id for p in pairing_list if b in p.branch_ids] for b in branch_ids}

    activity_list: list[Activity] = []
    for i in range(1, draw(st.integers(1, max_activities)) + 1):
        b = draw(st.sampled_from(branch_ids))
        kind = draw(st.sampled_from(list(ActivityKind)))
        team = teams_of[b] if kind is ActivityKind.TEAM_CAMPAIGN else None
        paired = pairings_of[b] if kind is ActivityKind.PAIRING and pairings_of[b] else None
        activity_list.append(
            draw(
                activities(
                    id=f"a-{i}",
                    kind=kind,
                    branch_id=b,
                    team_id=team,
                    pairing_id=paired,
                    year=year,
                    policy=policy,
                )
            )
        )

    record_list: list[ServiceRecord] = []
    seen: set[tuple[str, str]] = set()
    per_day: Counter[tuple[str, date]] = Counter()
    wanted = draw(st.integers(0, max_records))
    for _ in range(wanted):
        activity = draw(st.sampled_from(activity_list))
        present = [m.id for m in member_list if m.is_member_on(activity.on)]
        if not present:
            continue
        member = draw(st.sampled_from(present))
        if (member, activity.id) in seen or per_day[(member, activity.on)] >= policy.max_sessions_per_day:
            continue
        seen.add((member, activity.id))
        per_day[(member, activity.on)] += 1
        record_list.append(
            ServiceRecord.for_activity(
                activity,
                id=f"r-{len(record_list) + 1}",
                member_id=member,
                minutes=draw(st.integers(30, 480)),
                recorded_on=draw(_recorded_on(activity.on, None)),
            )
        )
    if with_reversal and record_list:
        room = max_records - len(record_list)
        record_list = draw(with_reversals(record_list, max_reversals=room))

    wish_list: list[Wish] = []
    if beneficiary_list:
        member_ids = [m.id for m in member_list]
        for i in range(1, draw(st.integers(0, max_wishes)) + 1):
            wish_list.append(
                draw(
                    wishes(
                        id=f"w-{i}",
                        beneficiary_id=[b.id for b in beneficiary_list],
                        member_ids=member_ids,
                        min_date=first,
                        max_date=last,
                        policy=policy,
                    )
                )
            )

    return Dataset(
        year=year,
        branches=tuple(branch_list),
        members=tuple(member_list),
        teams=tuple(team_list),
        beneficiaries=tuple(beneficiary_list),
        units=tuple(unit_list),
        pairings=tuple(pairing_list),
        activities=tuple(activity_list),
        records=tuple(record_list),
        wishes=tuple(wish_list),
    )


# ``st.from_type(Dataset)`` (the other types are registered by the hypothesis entry point).
st.register_type_strategy(Dataset, datasets())
