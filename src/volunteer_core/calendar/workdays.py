"""China's official working days (工作日), make-up working days (调休) included.

The State Council announces each year's public holidays and the weekend days worked in exchange
(调休上班) late in the year before; no formula can predict them. This module reads them from the
maintained ``chinese-calendar`` package (``import chinese_calendar``) for the years it covers, and for any
other year raises :class:`~volunteer_core.errors.InvalidInput` (code ``calendar.unknown_year``) — it
never falls back to a Monday–Friday guess.

>>> from datetime import date
>>> is_working_day(date(2025, 10, 8)), is_working_day(date(2025, 10, 11))  # 国庆节 / 调休 Saturday
(False, True)
>>> working_days_between(date(2025, 9, 30), date(2025, 10, 11))  # 10-09, 10-10 and the Saturday 10-11
3
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from volunteer_core.errors import InvalidInput

__all__ = [
    "CalendarUnknown",
    "covered_years",
    "is_working_day",
    "nth_working_day_after",
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


def covered_years() -> range:
    """The years whose official calendar the installed ``chinese-calendar`` knows.

    >>> 2025 in covered_years()
    True
    """
    holidays = _library().holidays
    return range(min(holidays).year, max(holidays).year + 1)


class CalendarUnknown(InvalidInput):
    """A day lies in a year beyond the official calendar's data (code ``calendar.unknown_year``)."""

    def __init__(self, day: date) -> None:
        years = covered_years()
        super().__init__(
            "on",
            day,
            code="calendar.unknown_year",
            message_en=f"the official working days of {day.year} are not known (chinese-calendar covers "
            f"{years.start}–{years.stop - 1}); update chinesecalendar",
            message_zh=f"{day.year} 年的法定工作日安排未知（chinese-calendar 收录 {years.start}–{years.stop - 1} "
            "年），请升级 chinesecalendar",
        )
        self.day = day

    def __reduce__(self) -> tuple[Any, ...]:
        return (CalendarUnknown, (self.day,))


def is_working_day(day: date) -> bool:
    """Whether ``day`` is an official working day in China: Monday–Friday unless a public holiday, plus
    the weekend days worked in exchange (调休). A year beyond the data raises :class:`CalendarUnknown`.

    >>> from datetime import date
    >>> is_working_day(date(2030, 1, 2))
    Traceback (most recent call last):
    ...
    volunteer_core.calendar.workdays.CalendarUnknown: calendar.unknown_year @ on: ...
    """
    if type(day) is not date:
        raise InvalidInput("on", day, code="input.type", message_en="must be a date", message_zh="须为日期")
    if day.year not in covered_years():
        raise CalendarUnknown(day)
    return bool(_library().is_workday(day))


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
