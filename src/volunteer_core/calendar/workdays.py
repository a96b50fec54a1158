"""China's official working days (工作日), make-up working days (调休) included.

The State Council announces each year's public holidays and the weekend days worked in exchange
(调休上班) late in the year before; no formula can predict them. This module reads them from the
maintained ``chinese-calendar`` package (``import chinese_calendar``, the packaged data) and from the years
a host registers from the notice the day it is published (:func:`register_official_year`, or a TOML / JSON
file: :func:`register_official_year_from`). For any other year it raises :class:`CalendarUnknown`
(code ``calendar.unknown_year``) — it never falls back to a Monday–Friday guess.

>>> from datetime import date
>>> is_working_day(date(2025, 10, 8)), is_working_day(date(2025, 10, 11))  # 国庆节 / 调休 Saturday
(False, True)
>>> working_days_between(date(2025, 9, 30), date(2025, 10, 11))  # 10-09, 10-10 and the Saturday 10-11
3

A registered year answers like a packaged one (``registered_official_year`` registers for a ``with`` block):

>>> example = OfficialYear(year=2031, holidays=[(date(2031, 1, 1), date(2031, 1, 3))],
...                        workdays=[date(2031, 1, 5)], source="示例，非官方通知 an example")
>>> with registered_official_year(example):
...     is_working_day(date(2031, 1, 2)), is_working_day(date(2031, 1, 5)), 2031 in known_years()
(False, True, True)
>>> 2031 in known_years()
False
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from types import MappingProxyType
from typing import Any

import attrs

from volunteer_core.calendar._official import (
    FIRST_OFFICIAL_YEAR,
    LAST_OFFICIAL_YEAR,
    OfficialYear,
    read_official_year,
)
from volunteer_core.calendar.dates import DateRange
from volunteer_core.errors import InvalidInput

__all__ = [
    "FIRST_OFFICIAL_YEAR",
    "LAST_OFFICIAL_YEAR",
    "CalendarUnknown",
    "OfficialYear",
    "covered_years",
    "is_working_day",
    "known_years",
    "nth_working_day_after",
    "read_official_year",
    "register_official_year",
    "register_official_year_from",
    "registered_official_year",
    "registered_official_years",
    "working_days_between",
    "working_days_exceed",
]

_ONE_DAY = timedelta(days=1)


def _library() -> Any:
    try:
        import chinese_calendar
    except ImportError as err:  # pragma: no cover - a core dependency
        raise ImportError(
            "volunteer_core needs the 'chinesecalendar' package for official working days: "
            "pip install chinesecalendar"
        ) from err
    return chinese_calendar


@functools.cache
def covered_years() -> range:
    """The years whose official calendar is packaged: the installed ``chinese-calendar`` knows them.
    Registered years are not among them (:func:`known_years` lists both).

    >>> 2025 in covered_years()
    True
    """
    holidays = _library().holidays
    return range(min(holidays).year, max(holidays).year + 1)


# --- the registry of years hosts add ---------------------------------------------------------------------


@attrs.frozen
class _Registry:
    """What is registered, immutable: readers take the current one without a lock."""

    #: year → its registered schedule.
    years: Mapping[int, OfficialYear]
    #: every day a registered schedule lists → True worked, False off (a later year's December bridge wins).
    listed: Mapping[date, bool]


def _registry_of(years: Mapping[int, OfficialYear]) -> _Registry:
    listed: dict[date, bool] = {}
    for year in sorted(years):
        schedule = years[year]
        listed.update(dict.fromkeys(schedule.holidays, False))
        listed.update(dict.fromkeys(schedule.workdays, True))
    return _Registry(MappingProxyType(dict(years)), MappingProxyType(listed))


_registry = _registry_of({})
_registering = threading.Lock()


def _answer(registry: _Registry, day: date) -> bool | None:
    """Whether ``day`` is worked under ``registry`` and the packaged data; None when not known."""
    listed = registry.listed.get(day)
    if listed is not None:
        return listed
    if day.year in registry.years:
        return day.weekday() < 5
    if day.year in covered_years():
        return bool(_library().is_workday(day))
    return None


def _stated(registry: _Registry, day: date) -> bool | None:
    """What a notice expressly says of ``day`` (listed by a registered year, or by the packaged data of a
    year not registered); None when it is only a Monday–Friday default or not known."""
    listed = registry.listed.get(day)
    if listed is not None:
        return listed
    if day.year not in registry.years and day.year in covered_years():
        library = _library()
        if day in library.workdays:
            return True
        if day in library.holidays:
            return False
    return None


def known_years() -> tuple[int, ...]:
    """Every year whose official working days are known, packaged or registered, in order.

    >>> known = known_years()
    >>> set(covered_years()) <= set(known)
    True
    """
    return tuple(sorted({*covered_years(), *_registry.years}))


def registered_official_years() -> Mapping[int, OfficialYear]:
    """The years registered in this process (year → schedule), read-only; the packaged years are not listed.

    >>> dict(registered_official_years())
    {}
    """
    return _registry.years


def _said(answer: bool) -> tuple[str, str]:
    return ("a working day", "上班") if answer else ("a day off", "放假")


def _conflict(before: _Registry, schedule: OfficialYear, day: date, was: bool, now: bool) -> InvalidInput:
    packaged = day not in before.listed and day.year not in before.years
    whom_en = "the packaged calendar (chinese-calendar)" if packaged else "the registered calendar"
    whom_zh = "内置日历（chinese-calendar）" if packaged else "已登记的日历"
    was_en, was_zh = _said(was)
    now_en, now_zh = _said(now)
    return InvalidInput(
        "year",
        schedule.year,
        code="calendar.conflict",
        message_en=f"{day}: {whom_en} says {was_en}, this schedule of {schedule.year} says {now_en}; "
        "pass replace=True to replace it",
        message_zh=f"{day}：{whom_zh}为{was_zh}，{schedule.year} 年的这份安排为{now_zh}；如需替换请传 replace=True",
    )


def _days_judged(schedule: OfficialYear, old: OfficialYear | None) -> list[date]:
    days = {date(schedule.year, 1, 1) + timedelta(days=n) for n in range(366)}
    days = {d for d in days if d.year == schedule.year}
    days |= schedule.holidays | schedule.workdays
    if old is not None:
        days |= old.holidays | old.workdays
    return sorted(days)


def _register(schedule: OfficialYear, *, replace: bool) -> OfficialYear | None:
    """Register ``schedule``; return what it replaced. Refuses (``calendar.conflict``) to change what the
    calendar already says of a day unless ``replace``."""
    global _registry
    if not isinstance(schedule, OfficialYear):
        raise InvalidInput(
            "schedule",
            schedule,
            code="input.type",
            message_en="must be an OfficialYear",
            message_zh="须为 OfficialYear（某年节假日安排）",
        )
    with _registering:
        before = _registry
        old = before.years.get(schedule.year)
        after = _registry_of({**before.years, schedule.year: schedule})
        if not replace:
            for day in _days_judged(schedule, old):
                was = _answer(before, day) if day.year == schedule.year else _stated(before, day)
                now = _answer(after, day)
                if was is not None and now is not None and was != now:
                    raise _conflict(before, schedule, day, was, now)
        _registry = after
        return old


def _unregister(schedule: OfficialYear, previous: OfficialYear | None) -> None:
    """Undo the registration of ``schedule`` (if it is still the one registered), restoring ``previous``."""
    global _registry
    with _registering:
        years = dict(_registry.years)
        if years.get(schedule.year) is not schedule:
            return
        if previous is None:
            del years[schedule.year]
        else:
            years[schedule.year] = previous
        _registry = _registry_of(years)


def register_official_year(
    year: int,
    *,
    holidays: Iterable[date | tuple[date, date] | DateRange],
    workdays: Iterable[date],
    source: str,
    replace: bool = False,
) -> OfficialYear:
    """Add ``year``'s official schedule from the State Council's notice, for every working-day count of this
    process (``is_working_day``, ``record.timeliness``) — the day the notice is published, without waiting
    for a package release.

    ``holidays`` are the days off: dates, inclusive ``(start, end)`` pairs or closed ``DateRange`` s;
    ``workdays`` the weekend days worked (调休上班); ``source`` the notice (国务院办公厅关于2027年部分节假日安排
    的通知, 国办发明电〔…〕…号). Checked as :class:`OfficialYear` says. Thread-safe.

    A year already known — packaged (``chinese-calendar``) or registered — is replaced only with
    ``replace=True``; without it, registering a schedule that says the same of every day is accepted (so a
    host's start-up code keeps working after ``chinesecalendar`` ships the year), one that differs on a day
    is refused (``InvalidInput``, code ``calendar.conflict``, naming the first such day). A schedule's days of
    the December before may refine that year's Monday–Friday defaults, not a day another notice lists.

    >>> from datetime import date
    >>> schedule = register_official_year(2032, holidays=[date(2032, 1, 1)], workdays=[],
    ...                                   source="示例，非官方通知 an example")
    >>> is_working_day(date(2032, 1, 1)), is_working_day(date(2032, 1, 2))
    (False, True)
    >>> _unregister(schedule, None)  # (tests clean up: registered_official_year is the with-block form)
    """
    schedule = OfficialYear(year=year, holidays=holidays, workdays=workdays, source=source)
    _register(schedule, replace=replace)
    return schedule


def register_official_year_from(path: str | os.PathLike[str], *, replace: bool = False) -> OfficialYear:
    """Read a schedule file (:func:`read_official_year`: TOML or JSON) and register it as
    :func:`register_official_year` does.

    >>> import pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "2033.json"
    >>> _ = file.write_text('{"year": 2033, "source": "示例 example", "holidays": [["2033-01-01", '
    ...                     '"2033-01-03"]], "workdays": []}', encoding="utf-8")
    >>> schedule = register_official_year_from(file)
    >>> is_working_day(date(2033, 1, 3))
    False
    >>> _unregister(schedule, None)
    """
    schedule = read_official_year(path)
    _register(schedule, replace=replace)
    return schedule


@contextlib.contextmanager
def registered_official_year(schedule: OfficialYear, *, replace: bool = False) -> Iterator[OfficialYear]:
    """Register ``schedule`` for a ``with`` block, then restore what was registered for its year before —
    for tests (registration is process-global).

    >>> from datetime import date
    >>> example = OfficialYear(year=2034, holidays=[date(2034, 1, 1)], workdays=[], source="示例 example")
    >>> with registered_official_year(example):
    ...     is_working_day(date(2034, 1, 1))
    False
    >>> 2034 in registered_official_years()
    False
    """
    previous = _register(schedule, replace=replace)
    try:
        yield schedule
    finally:
        _unregister(schedule, previous)


class CalendarUnknown(InvalidInput):
    """A day lies in a year whose official schedule is neither packaged nor registered (code
    ``calendar.unknown_year``)."""

    def __init__(self, day: date) -> None:
        years = covered_years()
        registered = ", ".join(str(y) for y in sorted(_registry.years)) or "none"
        registered_zh = "、".join(str(y) for y in sorted(_registry.years)) or "无"
        super().__init__(
            "on",
            day,
            code="calendar.unknown_year",
            message_en=f"the official working days of {day.year} are not known (chinese-calendar covers "
            f"{years.start}–{years.stop - 1}; registered: {registered}); register the State Council's "
            f"notice with register_official_year({day.year}, …), or update chinesecalendar",
            message_zh=f"{day.year} 年的法定工作日安排未知（chinese-calendar 收录 {years.start}–{years.stop - 1} "
            f"年；已登记：{registered_zh}），请按国务院办公厅通知用 register_official_year({day.year}, …) 登记，"
            "或升级 chinesecalendar",
        )
        self.day = day

    def __reduce__(self) -> tuple[Any, ...]:
        return (CalendarUnknown, (self.day,))


def is_working_day(day: date) -> bool:
    """Whether ``day`` is an official working day in China: Monday–Friday unless a public holiday, plus
    the weekend days worked in exchange (调休). A year neither packaged nor registered raises
    :class:`CalendarUnknown`.

    >>> from datetime import date
    >>> is_working_day(date(2030, 1, 2))
    Traceback (most recent call last):
    ...
    volunteer_core.calendar.workdays.CalendarUnknown: calendar.unknown_year @ on: ...
    """
    if type(day) is not date:
        raise InvalidInput("on", day, code="input.type", message_en="must be a date", message_zh="须为日期")
    answer = _answer(_registry, day)
    if answer is None:
        raise CalendarUnknown(day)
    return answer


def working_days_between(after: date, until: date) -> int:
    """The number of official working days d with ``after < d ≤ until`` (0 when ``until ≤ after``)."""
    count = 0
    day = after + _ONE_DAY
    while day <= until:
        count += is_working_day(day)
        day += _ONE_DAY
    return count


def working_days_exceed(after: date, until: date, limit: int) -> bool:
    """Whether more than ``limit`` official working days d lie in ``after < d ≤ until``.

    Reads the calendar only as far as it must: a span of at most ``limit`` calendar days needs no
    calendar at all, and counting stops at the working day that passes the limit — so a late year
    beyond the data raises only when the answer really depends on it.

    >>> from datetime import date
    >>> working_days_exceed(date(2031, 1, 1), date(2031, 1, 5), 10)  # 4 days: no calendar needed
    False
    """
    if (until - after).days <= limit:
        return False
    count = 0
    day = after + _ONE_DAY
    while day <= until:
        if is_working_day(day):
            count += 1
            if count > limit:
                return True
        day += _ONE_DAY
    return False


def nth_working_day_after(day: date, n: int) -> date:
    """The ``n``-th official working day after ``day`` (``n ≥ 1``): the last day to record service done on
    ``day`` within ``n`` working days.

    >>> from datetime import date
    >>> nth_working_day_after(date(2025, 9, 30), 10)  # across 国庆 and the 调休 Saturday 10-11
    datetime.date(2025, 10, 21)
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidInput("n", n, message_en="must be an integer ≥ 1", message_zh="须为正整数")
    current = day
    while n:
        current += _ONE_DAY
        n -= is_working_day(current)
    return current
