"""China's calendar as the programmes use it: dates and closed date ranges, festivals, official working days.

* :mod:`volunteer_core.calendar.dates` — :class:`DateRange`, the first / last day of a month, a year's bounds;
* :mod:`volunteer_core.calendar.festival_dates` — the festivals of "同过节" (lunar, fixed and rule-based),
  :func:`festivals`, :func:`nearest_festival`, :func:`within_festival_window`;
* :mod:`volunteer_core.calendar.workdays` — official working days (工作日, 调休 included), read from the
  ``chinese-calendar`` package and from the years a host registers (:func:`register_official_year`).

Every public name of the three modules is importable from here.

>>> from datetime import date
>>> from types import SimpleNamespace
>>> [f.name_zh for f in festivals(2026, SimpleNamespace(festivals=frozenset({"mid_autumn"})))]
['中秋节']
>>> str(year_bounds(2026)), last_day(2028, 2)
('2026-01-01..2026-12-31', datetime.date(2028, 2, 29))
"""

from __future__ import annotations

from volunteer_core.calendar.dates import DateRange, first_day, last_day, year_bounds
from volunteer_core.calendar.festival_dates import (
    ALL_FESTIVALS,
    FESTIVAL_KEYS,
    FESTIVAL_NAMES,
    FUJIAN_FESTIVALS,
    LOUDI_FESTIVALS,
    MAX_YEAR,
    MEILIE_FESTIVALS,
    MIN_YEAR,
    Festival,
    FestivalPolicy,
    festivals,
    nearest_festival,
    within_festival_window,
)
from volunteer_core.calendar.workdays import (
    FIRST_OFFICIAL_YEAR,
    LAST_OFFICIAL_YEAR,
    CalendarUnknown,
    OfficialYear,
    covered_years,
    is_working_day,
    known_years,
    nth_working_day_after,
    read_official_year,
    register_official_year,
    register_official_year_from,
    registered_official_year,
    registered_official_years,
    working_days_between,
    working_days_exceed,
)

__all__ = [
    "ALL_FESTIVALS",
    "FESTIVAL_KEYS",
    "FESTIVAL_NAMES",
    "FIRST_OFFICIAL_YEAR",
    "FUJIAN_FESTIVALS",
    "LAST_OFFICIAL_YEAR",
    "LOUDI_FESTIVALS",
    "MAX_YEAR",
    "MEILIE_FESTIVALS",
    "MIN_YEAR",
    "CalendarUnknown",
    "DateRange",
    "Festival",
    "FestivalPolicy",
    "OfficialYear",
    "covered_years",
    "festivals",
    "first_day",
    "is_working_day",
    "known_years",
    "last_day",
    "nearest_festival",
    "nth_working_day_after",
    "read_official_year",
    "register_official_year",
    "register_official_year_from",
    "registered_official_year",
    "registered_official_years",
    "within_festival_window",
    "working_days_between",
    "working_days_exceed",
    "year_bounds",
]
