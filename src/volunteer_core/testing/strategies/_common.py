"""What several strategy modules share: the vocabulary they draw from and the argument helpers.

Private to :mod:`volunteer_core.testing.strategies`; its names carry no underscore because the module
itself is private.

>>> from hypothesis import find
>>> find(choice("id", ["b-1", "b-2"], st.just("b-9")), lambda i: True) in {"b-1", "b-2"}
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Final, TypeVar

from hypothesis import strategies as st

from volunteer_core.model import UnitKind, WishKind

__all__ = [
    "BIRTH_MAX",
    "BIRTH_MIN",
    "COMMUNITIES",
    "REASONS",
    "UNIT_NAMES",
    "WISH_CONTENTS",
    "check_bounds",
    "check_invalid",
    "choice",
    "days",
    "enum_choice",
    "recording_dates",
]

T = TypeVar("T")

# ---------------------------------------------------------------------------------------------------------
# vocabulary

#: Communities and villages of members, beneficiaries and demands.
COMMUNITIES: Final = (
    "凤山社区",
    "龙桥社区",
    "东园社区",
    "梅峰社区",
    "乐园社区",
    "荔园村",
    "下郑村",
    "大科村",
)
#: Names of partner units by kind (also the targets of plan items).
UNIT_NAMES: Final = {
    UnitKind.NURSING_HOME: ("城厢区敬老院", "阳光养老院"),
    UnitKind.WELFARE_HOME: ("城厢区社会福利院", "儿童福利院"),
    UnitKind.SPECIAL_SCHOOL: ("莆田市特殊教育学校", "启智学校"),
    UnitKind.MIGRANT_CHILDREN_SCHOOL: ("外来务工人员子女学校", "新市民子弟小学"),
    UnitKind.HAPPY_HOME: ("凤山幸福家园", "龙桥幸福家园"),
    UnitKind.COMMUNITY: ("凤山社区居委会", "东园社区居委会"),
    UnitKind.VILLAGE: ("下郑村村委会", "大科村村委会"),
    UnitKind.OTHER: ("青年志愿者协会", "慈善总会"),
}
#: What a wish asks for, by kind (service wishes are also what demands ask for).
WISH_CONTENTS: Final = {
    WishKind.MATERIAL: ("电饭煲", "书包和文具", "冬季棉被", "轮椅", "助听器", "台灯", "电风扇", "羽绒服"),
    WishKind.CULTURAL: ("陪老人看一场戏", "学习使用智能手机", "参观科技馆", "上一次书法课"),
    WishKind.POLICY: ("咨询低保申请政策", "办理残疾证", "了解医保报销"),
    WishKind.SERVICE: ("上门理发", "修理水管", "打扫卫生", "代购药品"),
}
#: Why a wish is rejected or cancelled, or a demand declined or cancelled.
REASONS: Final = ("不符合征集条件", "已由其他渠道解决", "服务对象已搬离", "重复征集")
#: The earliest birth date of a drawn beneficiary (and of an ID number by default).
BIRTH_MIN: Final = date(1930, 1, 1)
#: The latest birth date of a drawn beneficiary (and of an ID number by default).
BIRTH_MAX: Final = date(2020, 12, 31)


# ---------------------------------------------------------------------------------------------------------
# argument helpers (checked eagerly, when the strategy is built, not when it is drawn)


def choice(
    name: str, value: str | Sequence[str] | None, default: st.SearchStrategy[str]
) -> st.SearchStrategy[str]:
    """A fixed id, one of a non-empty sequence of ids, or the default strategy.

    >>> choice("id", [], st.just("b-9"))
    Traceback (most recent call last):
    ...
    ValueError: id must not be empty
    """
    if value is None:
        return default
    if isinstance(value, str):
        return st.just(value)
    pool = list(value)
    if not pool:
        raise ValueError(f"{name} must not be empty")
    return st.sampled_from(pool)


def enum_choice(name: str, value: T | Iterable[T] | None, every: Sequence[T]) -> st.SearchStrategy[T]:
    """A fixed member, one of a non-empty iterable of members, or any of ``every``.

    >>> from hypothesis import find
    >>> find(enum_choice("kind", UnitKind.VILLAGE, list(UnitKind)), lambda k: True)
    <UnitKind.VILLAGE: 'village'>
    """
    if value is None:
        return st.sampled_from(list(every))
    if isinstance(value, str) or not isinstance(value, Iterable):
        return st.just(value)
    pool = list(value)
    if not pool:
        raise ValueError(f"{name} must not be empty")
    return st.sampled_from(pool)


def check_invalid(invalid: str | None, known: Sequence[str]) -> None:
    """Refuse an ``invalid=`` switch that is not one of the ``known`` rule codes.

    >>> check_invalid("member.nonsense", ("member.skill",))
    Traceback (most recent call last):
    ...
    ValueError: unknown invalid='member.nonsense'; known: member.skill
    """
    if invalid is not None and invalid not in known:
        raise ValueError(f"unknown invalid={invalid!r}; known: {', '.join(known)}")


def check_bounds(lo: date, hi: date, lo_name: str, hi_name: str) -> None:
    """Refuse a window whose lower bound ``lo`` is after its upper bound ``hi``.

    >>> check_bounds(date(2026, 2, 1), date(2026, 1, 1), "min_on", "max_on")
    Traceback (most recent call last):
    ...
    ValueError: min_on 2026-02-01 is after max_on 2026-01-01
    """
    if lo > hi:
        raise ValueError(f"{lo_name} {lo} is after {hi_name} {hi}")


def days(n: int) -> timedelta:
    """``n`` days, to add to a date.

    >>> date(2026, 1, 31) + days(1)
    datetime.date(2026, 2, 1)
    """
    return timedelta(days=n)


def recording_dates(on: date, recorded: bool | None) -> st.SearchStrategy[date | None]:
    """The ``recorded_on`` of a record of service ``on``: 0–5 days later, or absent.

    ``recorded``: None draws both, True only dates, False only None.

    >>> from hypothesis import find
    >>> find(recording_dates(date(2026, 3, 5), True), lambda d: True)
    datetime.date(2026, 3, 5)
    """
    later = st.integers(0, 5).map(lambda n: on + days(n))
    if recorded is None:
        return st.none() | later
    return later if recorded else st.none()
