"""Tests of volunteer_core.calendar.workdays: official working days, refusals, and the package's old paths.

The timeliness rule that reads these days is tested with the time-bank rules.
"""

from __future__ import annotations

import pickle
from datetime import date, datetime

import pytest

from volunteer_core import calendar, dates, workdays
from volunteer_core.calendar import dates as calendar_dates
from volunteer_core.calendar import workdays as wd
from volunteer_core.errors import InvalidInput


def test_covered_years_are_a_range_of_known_years() -> None:
    years = wd.covered_years()
    assert isinstance(years, range)
    assert 2025 in years
    assert years.start > 1990  # the data begins with the official notices, not a guess


@pytest.mark.parametrize("day", [datetime(2025, 10, 8, 9, 0), "2025-10-08", None, 20251008])
def test_only_a_date_is_read(day: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        wd.is_working_day(day)  # type: ignore[arg-type]
    assert (caught.value.code, caught.value.path) == ("input.type", "on")


def test_an_unknown_year_names_the_day_and_survives_pickling() -> None:
    day = date(max(wd.covered_years()) + 1, 3, 2)
    with pytest.raises(wd.CalendarUnknown) as caught:
        wd.is_working_day(day)
    assert caught.value.code == "calendar.unknown_year"
    assert caught.value.day == day
    again = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(again, wd.CalendarUnknown)
    assert (again.day, again.code, again.path) == (day, "calendar.unknown_year", "on")


def test_no_working_day_lies_in_an_empty_span() -> None:
    assert wd.working_days_between(date(2025, 10, 9), date(2025, 10, 9)) == 0
    assert wd.working_days_between(date(2025, 10, 9), date(2025, 10, 1)) == 0
    assert not wd.working_days_exceed(date(2025, 10, 9), date(2025, 10, 1), 0)


@pytest.mark.parametrize("n", [0, -1, True, 1.5, "3"])
def test_nth_working_day_needs_a_positive_integer(n: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        wd.nth_working_day_after(date(2025, 9, 30), n)  # type: ignore[arg-type]
    assert caught.value.path == "n"


def test_the_first_working_day_after_a_friday_is_monday() -> None:
    assert wd.nth_working_day_after(date(2025, 11, 7), 1) == date(2025, 11, 10)


def test_old_paths_and_the_package_give_the_same_objects() -> None:
    for name in workdays.__all__:
        assert getattr(workdays, name) is getattr(wd, name) is getattr(calendar, name), name
    for name in dates.__all__:
        assert getattr(dates, name) is getattr(calendar_dates, name) is getattr(calendar, name), name
    assert set(calendar.__all__) >= {*workdays.__all__, *dates.__all__}
    for name in calendar.__all__:
        assert hasattr(calendar, name), name
