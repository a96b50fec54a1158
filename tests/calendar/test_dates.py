"""Edge tests of ``DateRange`` (api.md "Values"; domain.md: intervals are closed, ``end`` may be open)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

import volunteer_core as vc
from volunteer_core import DateRange, InvalidInput

D = date


def test_date_range_is_exported_at_top_level() -> None:
    assert vc.DateRange is DateRange


def test_start_after_end_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        DateRange(D(2026, 3, 1), D(2026, 2, 28))


def test_start_after_end_by_one_day_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        DateRange(D(2026, 3, 2), D(2026, 3, 1))


def test_one_day_range_is_fine() -> None:
    day = DateRange(D(2026, 3, 1), D(2026, 3, 1))
    assert day.contains(D(2026, 3, 1))
    assert not day.contains(D(2026, 3, 2))
    assert not day.contains(D(2026, 2, 28))


def test_end_defaults_to_open() -> None:
    ongoing = DateRange(D(2026, 1, 1))
    assert ongoing.end is None
    assert ongoing.start == D(2026, 1, 1)


def test_keyword_construction() -> None:
    r = DateRange(start=D(2026, 1, 1), end=D(2026, 12, 31))
    assert r == DateRange(D(2026, 1, 1), D(2026, 12, 31))


def test_contains_is_inclusive_at_both_ends() -> None:
    r = DateRange(D(2026, 1, 1), D(2026, 6, 30))
    assert r.contains(D(2026, 1, 1))
    assert r.contains(D(2026, 6, 30))
    assert r.contains(D(2026, 3, 15))
    assert not r.contains(D(2025, 12, 31))
    assert not r.contains(D(2026, 7, 1))


def test_open_range_contains_any_later_day() -> None:
    r = DateRange(D(2026, 1, 1))
    assert r.contains(D(2026, 1, 1))
    assert r.contains(D(2100, 12, 31))
    assert r.contains(D(9999, 12, 31))
    assert not r.contains(D(2025, 12, 31))


def test_ending_the_day_another_starts_overlaps() -> None:
    first = DateRange(D(2026, 1, 1), D(2026, 6, 30))
    second = DateRange(D(2026, 6, 30), D(2026, 12, 31))
    assert first.overlaps(second)
    assert second.overlaps(first)


def test_ending_the_day_before_another_starts_does_not_overlap() -> None:
    first = DateRange(D(2026, 1, 1), D(2026, 6, 29))
    second = DateRange(D(2026, 6, 30), D(2026, 12, 31))
    assert not first.overlaps(second)
    assert not second.overlaps(first)


def test_open_ranges_overlap_each_other() -> None:
    assert DateRange(D(2026, 1, 1)).overlaps(DateRange(D(2030, 1, 1)))
    assert DateRange(D(2030, 1, 1)).overlaps(DateRange(D(2026, 1, 1)))


def test_open_range_against_closed_range() -> None:
    ongoing = DateRange(D(2026, 6, 30))
    assert ongoing.overlaps(DateRange(D(2026, 1, 1), D(2026, 6, 30)))
    assert not ongoing.overlaps(DateRange(D(2026, 1, 1), D(2026, 6, 29)))
    assert ongoing.overlaps(DateRange(D(2027, 1, 1), D(2027, 1, 1)))


def test_nested_ranges_overlap() -> None:
    outer = DateRange(D(2026, 1, 1), D(2026, 12, 31))
    inner = DateRange(D(2026, 5, 1), D(2026, 5, 1))
    assert outer.overlaps(inner)
    assert inner.overlaps(outer)


def test_range_overlaps_itself() -> None:
    r = DateRange(D(2026, 1, 1), D(2026, 1, 1))
    assert r.overlaps(r)


@pytest.mark.parametrize("bad", ["2026-01-01", None, 20260101])
def test_start_must_be_a_date(bad: object) -> None:
    with pytest.raises(InvalidInput):
        DateRange(bad)  # type: ignore[arg-type]


def test_datetime_is_not_a_date() -> None:
    with pytest.raises(InvalidInput):
        DateRange(datetime(2026, 1, 1, 12, 0))


_DAYS = st.dates(min_value=D(2000, 1, 1), max_value=D(2050, 12, 31))


@given(_DAYS, _DAYS, _DAYS, _DAYS)
def test_overlaps_is_symmetric_and_means_a_shared_day(a: date, b: date, c: date, d: date) -> None:
    x = DateRange(min(a, b), max(a, b))
    y = DateRange(min(c, d), max(c, d))
    assert x.overlaps(y) == y.overlaps(x)
    shared = max(x.start, y.start) <= min(max(a, b), max(c, d))
    assert x.overlaps(y) == shared


@given(_DAYS, _DAYS, _DAYS)
def test_contains_matches_bounds(a: date, b: date, day: date) -> None:
    r = DateRange(min(a, b), max(a, b))
    assert r.contains(day) == (min(a, b) <= day <= max(a, b))
