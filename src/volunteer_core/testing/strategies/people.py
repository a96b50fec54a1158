"""Strategies for people and organisations: party branches, members, teams, beneficiaries and partner
units.

>>> from hypothesis import find
>>> find(teams(branch_id="b-1"), lambda t: True).branch_id
'b-1'
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Final

import attrs
from hypothesis import strategies as st

from volunteer_core.model import (
    Beneficiary,
    BeneficiaryCategory,
    Branch,
    Gender,
    Member,
    PartnerUnit,
    Team,
    UnitKind,
)
from volunteer_core.testing.strategies._common import (
    BIRTH_MAX,
    BIRTH_MIN,
    COMMUNITIES,
    UNIT_NAMES,
    check_bounds,
    check_invalid,
    choice,
    enum_choice,
)
from volunteer_core.testing.strategies.values import (
    DATE_MAX,
    DATE_MIN,
    credit_codes,
    id_numbers,
    ids,
    mobiles,
    person_names,
)

__all__ = ["MEMBER_INVALID", "beneficiaries", "branches", "members", "partner_units", "teams"]

#: The rule codes ``members(invalid=...)`` knows how to break.
MEMBER_INVALID: Final = ("member.skill",)

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
_DISTRICTS: Final = (
    "福建省莆田市城厢区龙桥街道",
    "福建省莆田市荔城区拱辰街道",
    "湖南省娄底市娄星区大科街道",
    "北京市朝阳区团结湖街道",
)


def branches(
    *, id: str | Sequence[str] | None = None, organisation_id: str | Sequence[str] | None = None
) -> st.SearchStrategy[Branch]:
    """Party branches (党支部); ``organisation_id`` hangs them in the organisation tree (one id, or one of a
    sequence of ids; by default a branch hangs nowhere).

    >>> from hypothesis import find
    >>> find(branches(id="b-1", organisation_id=["o-2", "o-3"]), lambda b: b.organisation_id == "o-3").id
    'b-1'
    """
    names = st.sampled_from(_DEPARTMENTS).map(lambda d: f"{d}党支部")
    if organisation_id is None:
        return st.builds(Branch, id=choice("id", id, ids("b")), name=names)
    return st.builds(
        Branch,
        id=choice("id", id, ids("b")),
        name=names,
        organisation_id=choice("organisation_id", organisation_id, ids("o")),
    )


def members(
    branch_id: str | Sequence[str] | None = None,
    year: int | None = None,
    *,
    id: str | Sequence[str] | None = None,
    full_year: bool = False,
    min_joined: date = DATE_MIN,
    max_joined: date = DATE_MAX,
    invalid: str | None = None,
    insurance: bool = True,
) -> st.SearchStrategy[Member]:
    """Members (党员志愿者) with at least one skill.

    ``year`` draws members whose membership overlaps that year (``full_year=True``: covers all of it);
    ``branch_id`` fixes the branch (or picks from a sequence). ``invalid="member.skill"`` draws members
    without any skill. ``insurance`` (on by default) draws ``insured_until``: none, or a day from the
    membership's start (with a ``year``, often its last day); off, every member is uninsured.

    >>> from hypothesis import find
    >>> m = find(members(branch_id="b-1", year=2026), lambda m: True)
    >>> m.branch_id, m.is_member_on(m.joined_on), len(m.skills) >= 1
    ('b-1', True, True)
    """
    check_invalid(invalid, MEMBER_INVALID)
    if full_year and year is None:
        raise ValueError("full_year=True needs a year")
    if year is not None:
        min_joined, max_joined = min(min_joined, date(year, 1, 1)), date(year, 12, 31)
        if full_year:
            max_joined = date(year, 1, 1)
    check_bounds(min_joined, max_joined, "min_joined", "max_joined")
    return _member(
        choice("id", id, ids("m")),
        choice("branch_id", branch_id, ids("b")),
        year,
        full_year,
        min_joined,
        max_joined,
        invalid,
        insurance,
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
    insurance: bool,
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
    member = Member(
        id=draw(id_strategy),
        name=draw(person_names()),
        branch_id=draw(branch_strategy),
        joined_on=joined,
        left_on=left,
        skills=skills,
        phone=draw(st.none() | mobiles()),
        community=draw(st.none() | st.sampled_from(COMMUNITIES)),
    )
    if not insurance:
        return member
    covers: list[st.SearchStrategy[date | None]] = [st.none(), st.dates(joined, max(joined, DATE_MAX))]
    if year is not None and joined <= date(year, 12, 31):
        covers.append(st.just(date(year, 12, 31)))
    return attrs.evolve(member, insured_until=draw(st.one_of(covers)))


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
        id=choice("id", id, ids("t")),
        branch_id=choice("branch_id", branch_id, ids("b")),
        name=st.sampled_from(_TEAM_NAMES),
        member_ids=pool.map(frozenset),
    )


def _addresses(community: str) -> st.SearchStrategy[str]:
    if community.endswith("村"):
        tail = st.tuples(st.integers(1, 12), st.integers(1, 99)).map(lambda t: f"{t[0]}组{t[1]}号")
    else:
        tail = st.tuples(st.integers(1, 30), st.integers(1, 6), st.integers(101, 1802)).map(
            lambda t: f"{t[0]}号楼{t[1]}单元{t[2]}"
        )
    return st.tuples(st.sampled_from(_DISTRICTS), tail).map(lambda t: f"{t[0]}{community}{t[1]}")


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
        choice("id", id, ids("bf")),
        enum_choice("category", category, list(BeneficiaryCategory)),
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
    born = birth_date if birth_date is not None else draw(st.dates(BIRTH_MIN, BIRTH_MAX))
    sex = gender if gender is not None else draw(st.sampled_from(list(Gender)))
    has_number = draw(st.booleans()) if with_id_number is None else with_id_number
    number = draw(id_numbers(birth_date=born, gender=sex)) if has_number else None
    community = draw(st.sampled_from(COMMUNITIES))
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
        choice("id", id, ids("u")), enum_choice("kind", kind, list(UnitKind)), with_credit_code
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
        name=draw(st.sampled_from(UNIT_NAMES[kind])),
        kind=kind,
        credit_code=draw(credit_codes()) if has_code else None,
    )
