"""Dates in China's calendar: closed intervals and months of a year.

All dates are ``datetime.date`` values meant in Asia/Shanghai; the library never reads a clock.

>>> from datetime import date
>>> r = DateRange(date(2026, 1, 1), date(2026, 1, 31))
>>> r.contains(date(2026, 1, 31)), r.overlaps(DateRange(date(2026, 1, 31)))
(True, True)
"""

from __future__ import annotations

import calendar as _stdcalendar
from datetime import date

import attrs

from volunteer_core.errors import InvalidInput

__all__ = ["DateRange", "first_day", "last_day", "year_bounds"]


def _check_date(field: str, value: object) -> None:
    if not isinstance(value, date) or type(value) is not date:
        # datetime is a subclass of date; a time of day has no meaning here
        raise InvalidInput(
            field, value, message_en="must be a datetime.date", message_zh="必须是日期（datetime.date）"
        )


@attrs.frozen(order=False)
class DateRange:
    """A closed interval of dates ``[start, end]``; ``end=None`` means open-ended (ongoing).

    >>> from datetime import date
    >>> DateRange(date(2026, 3, 1), date(2026, 2, 1))
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ end: ...

    .. versionadded:: 0.1.0
    """

    start: date
    end: date | None = None

    def __attrs_post_init__(self) -> None:
        _check_date("start", self.start)
        if self.end is not None:
            _check_date("end", self.end)
            if self.start > self.end:
                raise InvalidInput(
                    "end",
                    self.end,
                    message_en=f"end {self.end} is before start {self.start}",
                    message_zh=f"结束日期 {self.end} 早于开始日期 {self.start}",
                )

    def contains(self, day: date) -> bool:
        """Whether ``day`` lies in the interval (both ends included)."""
        return self.start <= day and (self.end is None or day <= self.end)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.contains(day)

    def overlaps(self, other: DateRange) -> bool:
        """Whether two closed intervals share at least one day (ending the day another starts overlaps).

        >>> from datetime import date
        >>> a = DateRange(date(2026, 1, 1), date(2026, 6, 30))
        >>> a.overlaps(DateRange(date(2026, 6, 30))), a.overlaps(DateRange(date(2026, 7, 1)))
        (True, False)
        """
        return (self.end is None or other.start <= self.end) and (
            other.end is None or self.start <= other.end
        )

    @property
    def is_open(self) -> bool:
        """True when the interval has no end."""
        return self.end is None

    def __str__(self) -> str:
        return f"{self.start.isoformat()}..{self.end.isoformat() if self.end else ''}"


def first_day(year: int, month: int) -> date:
    """The first day of a month.

    >>> first_day(2026, 2)
    datetime.date(2026, 2, 1)
    """
    return date(year, month, 1)


def last_day(year: int, month: int) -> date:
    """The last day of a month.

    >>> last_day(2028, 2)
    datetime.date(2028, 2, 29)
    """
    return date(year, month, _stdcalendar.monthrange(year, month)[1])


def year_bounds(year: int) -> DateRange:
    """The calendar year as a closed range.

    >>> str(year_bounds(2026))
    '2026-01-01..2026-12-31'
    """
    return DateRange(date(year, 1, 1), date(year, 12, 31))
