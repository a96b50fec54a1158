"""Strategies for values: ids, amounts of money, dates and date ranges, names, mobile numbers, ID numbers
and unified social credit codes.

>>> from hypothesis import find
>>> find(yuan(max_fen=30_000), lambda y: y.fen > 0)
Yuan('0.01')
"""

from __future__ import annotations

from datetime import date
from typing import Final

from hypothesis import strategies as st
from stdnum.cn import ric, uscc

from volunteer_core.calendar.dates import DateRange
from volunteer_core.model import Gender
from volunteer_core.money import Yuan
from volunteer_core.testing.strategies._common import BIRTH_MAX, BIRTH_MIN, check_bounds, days

__all__ = [
    "DATE_MAX",
    "DATE_MIN",
    "credit_codes",
    "date_ranges",
    "dates",
    "id_numbers",
    "ids",
    "mobiles",
    "person_names",
    "yuan",
]

#: The earliest date any strategy draws by default.
DATE_MIN: Final = date(2000, 1, 1)
#: The latest date any strategy draws by default.
DATE_MAX: Final = date(2030, 12, 31)

_SURNAMES: Final = tuple("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾")
_COMPOUND_SURNAMES: Final = ("欧阳", "司马", "诸葛", "上官")
_GIVEN: Final = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华建国红玉兰春梅海燕"
# Real county-level division codes (GB/T 2260): Beijing Chaoyang, Putian Chengxiang, Loudi Louxing,
# De'an, Shanghai Pudong, Xianyou.
_REGION_CODES: Final = ("110105", "350302", "431302", "360426", "310115", "350322")


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
    check_bounds(min_value, max_value, "min_value", "max_value")
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
    check_bounds(min_start, max_start, "min_start", "max_start")
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
    return DateRange(start, start + days(draw(st.integers(0, max_days))))


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


def id_numbers(
    *,
    birth_date: date | None = None,
    gender: Gender | None = None,
    min_birth: date = BIRTH_MIN,
    max_birth: date = BIRTH_MAX,
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
        check_bounds(min_birth, max_birth, "min_birth", "max_birth")
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
