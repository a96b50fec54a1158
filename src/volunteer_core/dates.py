"""Dates and closed date ranges: the code lives in :mod:`volunteer_core.calendar.dates`.

This path keeps working as a re-export.

>>> from volunteer_core.dates import DateRange
>>> DateRange.__module__
'volunteer_core.calendar.dates'
"""

from __future__ import annotations

from volunteer_core.calendar.dates import DateRange, first_day, last_day, year_bounds

__all__ = ["DateRange", "first_day", "last_day", "year_bounds"]
