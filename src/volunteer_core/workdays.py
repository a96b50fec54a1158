"""China's official working days: the code lives in :mod:`volunteer_core.calendar.workdays`.

This path keeps working as a re-export.

>>> from volunteer_core.workdays import is_working_day
>>> is_working_day.__module__
'volunteer_core.calendar.workdays'
"""

from __future__ import annotations

from volunteer_core.calendar.workdays import (
    CalendarUnknown,
    covered_years,
    is_working_day,
    nth_working_day_after,
    working_days_between,
    working_days_exceed,
)

__all__ = [
    "CalendarUnknown",
    "covered_years",
    "is_working_day",
    "nth_working_day_after",
    "working_days_between",
    "working_days_exceed",
]
