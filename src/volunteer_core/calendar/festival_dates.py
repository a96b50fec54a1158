"""Festivals: the days around which the programmes hold their "同过节" activities.

A festival is lunar (春节, 端午, 中秋, 重阳, and 除夕 the day before 春节), a solar term (清明),
fixed on the Gregorian calendar (元旦, 学雷锋日, 国庆, …) or rule-based (全国助残日, the third
Sunday of May). Each has a stable ``key``; a policy chooses the keys it celebrates
(``policy.festivals``). Lunar dates and 清明 come from borax (never a leap month) for the years
1950–2100, with the corrections listed in ``_OVERRIDES``; outside those years the library refuses
instead of guessing.

The lists the presets choose from are here too: :data:`FUJIAN_FESTIVALS` (000 §四.3),
:data:`LOUDI_FESTIVALS` (004 §三), :data:`PUBLIC_HOLIDAYS` (the official public holidays) and
:data:`MEILIE_FESTIVALS` (003: its 节假日 visits and its two 重要节点).

>>> from types import SimpleNamespace
>>> from datetime import date
>>> p = SimpleNamespace(festivals=frozenset({"spring_festival", "mid_autumn"}), festival_window_days=7)
>>> [(f.name_zh, f.on.isoformat()) for f in festivals(2026, p)]
[('春节', '2026-02-17'), ('中秋节', '2026-09-25')]
>>> festival, distance = nearest_festival(date(2026, 10, 1), p)
>>> festival.name_en, distance
('Mid-Autumn Festival', 6)
>>> within_festival_window(date(2026, 10, 3), p) is None
True
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import Protocol

import attrs
from borax.calendars.festivals2 import LunarFestival, TermFestival
from dateutil.relativedelta import SU, relativedelta

from volunteer_core.errors import InvalidInput

__all__ = [
    "ALL_FESTIVALS",
    "FESTIVAL_KEYS",
    "FESTIVAL_NAMES",
    "FUJIAN_FESTIVALS",
    "LOUDI_FESTIVALS",
    "MAX_YEAR",
    "MEILIE_FESTIVALS",
    "MIN_YEAR",
    "PUBLIC_HOLIDAYS",
    "Festival",
    "FestivalPolicy",
    "festivals",
    "nearest_festival",
    "within_festival_window",
]

#: The first and last years (inclusive) for which festival dates are known.
MIN_YEAR = 1950
MAX_YEAR = 2100


@attrs.frozen(kw_only=True)
class Festival:
    """One festival in one year.

    ``key`` is the stable identifier (``"mid_autumn"``); ``name_zh`` / ``name_en`` are for people;
    ``on`` is the Gregorian date.

    >>> from datetime import date
    >>> f = Festival(key="national_day", name_zh="国庆节", name_en="National Day", on=date(2026, 10, 1))
    >>> f.on.isoformat(), f.key
    ('2026-10-01', 'national_day')
    """

    key: str
    name_zh: str
    name_en: str
    on: date


class FestivalPolicy(Protocol):
    """What this module reads from a policy: ``festivals`` (keys) and ``festival_window_days``
    (None: no window, the ``activity.festival_window`` rule is off).

    :class:`volunteer_core.policy.Policy` satisfies it; so does any stand-in object.

    >>> from types import SimpleNamespace
    >>> p = SimpleNamespace(festivals=frozenset({"new_year"}), festival_window_days=3)
    >>> [f.key for f in festivals(2026, p)]
    ['new_year']
    """

    @property
    def festivals(self) -> Collection[str]:
        """The keys of the festivals observed (``"spring_festival"``, …)."""
        ...

    @property
    def festival_window_days(self) -> int | None:
        """Days before or after a festival its activities may fall; None: not judged."""
        ...


# --- the rules -------------------------------------------------------------------------------


@attrs.frozen
class _Fixed:
    """The same Gregorian month and day every year."""

    month: int
    day: int

    def on(self, year: int) -> date:
        return date(year, self.month, self.day)


@attrs.frozen
class _Lunar:
    """A lunar month/day (never the leap month), shifted by ``offset_days`` Gregorian days."""

    month: int
    day: int
    offset_days: int = 0

    def on(self, year: int) -> date:
        solar: date = LunarFestival(month=self.month, day=self.day, leap=0).at(year).to_solar_date()
        return solar + timedelta(days=self.offset_days)


@attrs.frozen
class _SolarTerm:
    """The day of a solar term (节气) in Beijing time, e.g. 清明: the day the sun reaches 15° of
    ecliptic longitude (4 or 5 April in 1950–2100; borax agrees with an ephemeris every year)."""

    name: str

    def on(self, year: int) -> date:
        solar: date = TermFestival(self.name).at(year)
        return solar


@attrs.frozen
class _NthWeekday:
    """The ``n``-th Sunday of a month (the only weekday rule the seeds need)."""

    month: int
    n: int

    def on(self, year: int) -> date:
        return date(year, 1, 1) + relativedelta(month=self.month, day=1, weekday=SU(+self.n))


_Rule = _Fixed | _Lunar | _SolarTerm | _NthWeekday


@attrs.frozen
class _Entry:
    name_zh: str
    name_en: str
    rule: _Rule


# The catalogue: every festival the policy documents name (docs/sources: 000 §四.3, 003, 004 §三), and
# the official public holidays (清明 among them) that 003's 节假日 are.
_CATALOGUE: Mapping[str, _Entry] = MappingProxyType(
    {
        # lunar
        "spring_festival": _Entry("春节", "Spring Festival", _Lunar(1, 1)),
        "dragon_boat": _Entry("端午节", "Dragon Boat Festival", _Lunar(5, 5)),
        "mid_autumn": _Entry("中秋节", "Mid-Autumn Festival", _Lunar(8, 15)),
        "double_ninth": _Entry("重阳节", "Double Ninth Festival", _Lunar(9, 9)),
        # 除夕 is the day before 春节 of the same Gregorian year (whether 腊月 has 29 or 30 days).
        "new_years_eve": _Entry("除夕", "Chinese New Year's Eve", _Lunar(1, 1, offset_days=-1)),
        # solar term
        "qingming": _Entry("清明节", "Qingming Festival", _SolarTerm("清明")),
        # fixed
        "new_year": _Entry("元旦", "New Year's Day", _Fixed(1, 1)),
        "learn_from_leifeng": _Entry("学雷锋日", "Learn from Lei Feng Day", _Fixed(3, 5)),
        "womens_day": _Entry("三八妇女节", "International Women's Day", _Fixed(3, 8)),
        "labour_day": _Entry("五一劳动节", "Labour Day", _Fixed(5, 1)),
        "childrens_day": _Entry("六一儿童节", "Children's Day", _Fixed(6, 1)),
        "party_founding": _Entry("七一建党节", "CPC Founding Day", _Fixed(7, 1)),
        "army_day": _Entry("八一建军节", "Army Day", _Fixed(8, 1)),
        "victory_day": _Entry("抗战胜利纪念日", "Victory Day of the War of Resistance", _Fixed(9, 3)),
        "charity_day": _Entry("中华慈善日", "China Charity Day", _Fixed(9, 5)),
        "national_day": _Entry("国庆节", "National Day", _Fixed(10, 1)),
        "disability_day": _Entry(
            "国际残疾人日", "International Day of Persons with Disabilities", _Fixed(12, 3)
        ),
        "volunteer_day": _Entry("国际志愿者日", "International Volunteer Day", _Fixed(12, 5)),
        # rule-based: the third Sunday of May
        "disabled_persons_day": _Entry(
            "全国助残日", "National Day for Helping the Disabled", _NthWeekday(5, 3)
        ),
    }
)

# Corrections to borax, by (key, year). 中秋 2089: the new moon of 八月 falls minutes before midnight
# Beijing time on 2089-09-04, so 八月 begins that day and 十五 is 09-18 (borax says 09-19).
# Not corrected, on purpose: 重阳 2057 (the new moon of 九月 is within seconds of midnight on
# 2057-09-29, undecidable) keeps borax's 2057-10-07. Borax is right, and the lunardate package
# wrong, on 中秋 1978: the new moon of 八月 is at 00:08 on 1978-09-03 Beijing time, so 09-17.
_OVERRIDES: Mapping[tuple[str, int], date] = MappingProxyType(
    {
        ("mid_autumn", 2089): date(2089, 9, 18),
    }
)

#: Every festival key the library knows.
FESTIVAL_KEYS: frozenset[str] = frozenset(_CATALOGUE)

#: key → (name_zh, name_en), for showing a policy's festivals without a year.
FESTIVAL_NAMES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {key: (entry.name_zh, entry.name_en) for key, entry in _CATALOGUE.items()}
)

#: Seed 000 (闽政办党委〔2022〕11号) §四.3 "我和帮扶对象同过节": 春节、端午、中秋、重阳、元旦、
#: 三八、五一、六一、国庆、国际残疾人日、全国助残日.
FUJIAN_FESTIVALS: frozenset[str] = frozenset(
    {
        "spring_festival",
        "dragon_boat",
        "mid_autumn",
        "double_ninth",
        "new_year",
        "womens_day",
        "labour_day",
        "childrens_day",
        "national_day",
        "disability_day",
        "disabled_persons_day",
    }
)

#: Seed 004 (Loudi 2018) §三 items 1–6: 元旦、春节; 3.5 学雷锋日、12.5 国际志愿者日; 六一; 中秋、重阳;
#: 七一、八一、九三、十一 (国庆). (The text numbers them 1, 2, 4, 5, 6: there is no item 3.)
LOUDI_FESTIVALS: frozenset[str] = frozenset(
    {
        "new_year",
        "spring_festival",
        "learn_from_leifeng",
        "volunteer_day",
        "childrens_day",
        "mid_autumn",
        "double_ninth",
        "party_founding",
        "army_day",
        "victory_day",
        "national_day",
    }
)

#: The official public holidays (全国年节及纪念日放假办法 Art 2, the 节假日 of 国务院 notices): 元旦, 春节,
#: 清明, 五一, 端午, 中秋, 国庆. Since 2025 除夕 is a day off too; it is the day
#: before 春节 and so inside any window around it, and is not listed.
PUBLIC_HOLIDAYS: frozenset[str] = frozenset(
    {"new_year", "spring_festival", "qingming", "labour_day", "dragon_boat", "mid_autumn", "national_day"}
)

#: Seed 003 (Meilie 2017): its 节假日探望 of 空巢老人 (§三（一）1) and the other 节假日 services
#: (§三（一）2–3) are judged against every official public holiday (:data:`PUBLIC_HOLIDAYS`); 3·5
#: 学雷锋日 and 12·5 国际志愿者日, the 重要节点 of its 大型便民利民志愿服务 (§三（二）5), are kept in
#: the list so that an activity held on them is not flagged.
MEILIE_FESTIVALS: frozenset[str] = PUBLIC_HOLIDAYS | {"learn_from_leifeng", "volunteer_day"}

#: Every key: the union of the presets' lists, with 除夕 and 中华慈善日 which no
#: seed preset lists.
ALL_FESTIVALS: frozenset[str] = FESTIVAL_KEYS


# --- validation ------------------------------------------------------------------------------


def _check_year(year: object, path: str = "year") -> int:
    if not isinstance(year, int) or isinstance(year, bool):
        raise InvalidInput(
            path, year, code="input.type", message_en="must be an int year", message_zh="年份必须是整数"
        )
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise InvalidInput(
            path,
            year,
            message_en=f"festival dates are known only for {MIN_YEAR}–{MAX_YEAR}",
            message_zh=f"节日日期仅支持 {MIN_YEAR}–{MAX_YEAR} 年",
        )
    return int(year)


def _check_day(day: object) -> date:
    if type(day) is not date:  # a datetime's time of day has no meaning here
        raise InvalidInput(
            "day",
            day,
            code="input.type",
            message_en="must be a datetime.date",
            message_zh="必须是日期（datetime.date）",
        )
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise InvalidInput(
            "day",
            day,
            message_en=f"festival dates are known only for {MIN_YEAR}–{MAX_YEAR}",
            message_zh=f"节日日期仅支持 {MIN_YEAR}–{MAX_YEAR} 年",
        )
    return day


def _resolve(policy: FestivalPolicy | None) -> FestivalPolicy:
    if policy is None:
        from volunteer_core.policy import DEFAULT  # lazy: policy.py imports this module

        return DEFAULT
    return policy


def _keys(policy: FestivalPolicy) -> frozenset[str]:
    keys = policy.festivals
    if isinstance(keys, str):  # a lone key would iterate as characters
        keys = (keys,)
    unknown = frozenset(keys) - FESTIVAL_KEYS
    if unknown:
        raise InvalidInput(
            "policy.festivals",
            sorted(unknown),
            message_en=f"unknown festival keys {sorted(unknown)}",
            message_zh=f"未知的节日 {sorted(unknown)}",
        )
    return frozenset(keys)


# --- computing -------------------------------------------------------------------------------


@functools.lru_cache(maxsize=MAX_YEAR - MIN_YEAR + 1)
def _all_festivals(year: int) -> tuple[Festival, ...]:
    """Every catalogued festival of a (checked) year, sorted by (date, key)."""
    result = [
        Festival(
            key=key,
            name_zh=entry.name_zh,
            name_en=entry.name_en,
            on=_OVERRIDES.get((key, year)) or entry.rule.on(year),
        )
        for key, entry in _CATALOGUE.items()
    ]
    result.sort(key=lambda f: (f.on, f.key))
    return tuple(result)


def festivals(year: int, policy: FestivalPolicy | None = None) -> list[Festival]:
    """The policy's festivals in ``year``, sorted by date (then key).

    ``policy=None`` means :data:`volunteer_core.policy.DEFAULT`. Only ``policy.festivals`` is read.
    A year outside 1950–2100, or one that is not an ``int``, raises
    :class:`~volunteer_core.errors.InvalidInput` with ``path == "year"``.

    >>> from types import SimpleNamespace
    >>> p = SimpleNamespace(festivals=frozenset({"new_years_eve", "disabled_persons_day", "volunteer_day"}))
    >>> [(f.key, f.on.isoformat()) for f in festivals(2026, p)]
    [('new_years_eve', '2026-02-16'), ('disabled_persons_day', '2026-05-17'), ('volunteer_day', '2026-12-05')]
    >>> festivals(2101, p)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ year: ...
    """
    checked = _check_year(year)
    keys = _keys(_resolve(policy))
    return [f for f in _all_festivals(checked) if f.key in keys]


def nearest_festival(day: date, policy: FestivalPolicy | None = None) -> tuple[Festival, int]:
    """The policy's festival nearest to ``day``, and the distance in days (never negative).

    Looks across the turn of the year (the previous, same and next year, as far as 1950–2100 go).
    On a tie the earlier festival wins; two festivals on one date are ordered by key. ``day``
    outside 1950–2100 raises ``InvalidInput`` at ``"day"``; a policy without festivals raises
    ``InvalidInput`` at ``"policy.festivals"``.

    >>> from datetime import date
    >>> from types import SimpleNamespace
    >>> p = SimpleNamespace(festivals=frozenset({"new_year", "national_day"}))
    >>> f, distance = nearest_festival(date(2026, 12, 30), p)
    >>> f.on.isoformat(), distance
    ('2027-01-01', 2)
    """
    checked = _check_day(day)
    keys = _keys(_resolve(policy))
    if not keys:
        raise InvalidInput(
            "policy.festivals",
            frozenset(),
            message_en="the policy has no festivals",
            message_zh="政策未设定任何节日",
        )
    best: tuple[int, date, str, Festival] | None = None
    for year in (checked.year - 1, checked.year, checked.year + 1):
        if not MIN_YEAR <= year <= MAX_YEAR:
            continue
        for f in _all_festivals(year):
            if f.key not in keys:
                continue
            candidate = (abs((f.on - checked).days), f.on, f.key, f)
            if best is None or candidate[:3] < best[:3]:
                best = candidate
    # every year has every festival, so the day's own year always supplies a candidate
    assert best is not None
    return best[3], best[0]


def within_festival_window(
    day: date, policy: FestivalPolicy | None = None, window_days: int | None = None
) -> Festival | None:
    """The nearest of the policy's festivals if ``day`` is within ``window_days`` of it, else None.

    The window is inclusive and looks across the turn of the year; ``window_days`` defaults to
    ``policy.festival_window_days`` (a policy whose window is None, the rule being off, raises
    ``InvalidInput`` unless ``window_days`` is given). A policy without festivals has no window:
    the answer is None.

    >>> from datetime import date
    >>> from types import SimpleNamespace
    >>> p = SimpleNamespace(festivals=frozenset({"new_year"}), festival_window_days=7)
    >>> within_festival_window(date(2026, 12, 25), p).on.isoformat()
    '2027-01-01'
    >>> within_festival_window(date(2026, 12, 24), p) is None
    True
    """
    resolved = _resolve(policy)
    window: object
    if window_days is None:
        window, path = resolved.festival_window_days, "policy.festival_window_days"
        if window is None:
            raise InvalidInput(
                path,
                None,
                message_en="the policy has no festival window (the rule is off); pass window_days",
                message_zh="政策未设定节日窗口（该规则未启用）；请传入 window_days",
            )
    else:
        window, path = window_days, "window_days"
    if not isinstance(window, int) or isinstance(window, bool) or window < 0:
        raise InvalidInput(
            path,
            window,
            message_en="must be a whole number of days ≥ 0",
            message_zh="必须是不小于 0 的整数天数",
        )
    checked = _check_day(day)
    if not _keys(resolved):
        return None
    festival, distance = nearest_festival(checked, resolved)
    return festival if distance <= window else None
