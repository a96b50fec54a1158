"""Tests of volunteer_core.testing.strategies.values: money, dates and date ranges, ids, ID numbers,
credit codes, mobile numbers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from stdnum.cn import uscc
from strategies_support import gb11643_check_digit

import volunteer_core as vc
from volunteer_core.testing import strategies as vcst


@given(vcst.yuan(min_fen=5, max_fen=30_000))
def test_yuan_bounds(amount: vc.Yuan) -> None:
    assert isinstance(amount, vc.Yuan)
    assert 5 <= amount.fen <= 30_000


@given(vcst.yuan())
def test_yuan_default_is_non_negative(amount: vc.Yuan) -> None:
    assert amount.fen >= 0


def test_yuan_refuses_bad_bounds() -> None:
    with pytest.raises(ValueError, match="min_fen"):
        vcst.yuan(min_fen=-1)
    with pytest.raises(ValueError, match="min_fen"):
        vcst.yuan(min_fen=10, max_fen=5)


@given(vcst.date_ranges())
def test_date_ranges_default_window(period: vc.DateRange) -> None:
    assert vcst.DATE_MIN <= period.start <= vcst.DATE_MAX
    assert period.end is None or period.end >= period.start


@given(
    vcst.date_ranges(min_start=date(2026, 1, 1), max_start=date(2026, 12, 31), open_end=True),
    vcst.date_ranges(min_start=date(2026, 1, 1), max_start=date(2026, 12, 31), open_end=False),
)
def test_date_ranges_open_end_switch(open_period: vc.DateRange, closed: vc.DateRange) -> None:
    assert open_period.is_open
    assert open_period.start.year == 2026
    assert closed.end is not None
    assert closed.start.year == 2026


@given(vcst.dates())
def test_dates_default_window(day: date) -> None:
    assert vcst.DATE_MIN <= day <= vcst.DATE_MAX


@given(vcst.ids("m"))
def test_ids_shape(value: str) -> None:
    prefix, number = value.split("-")
    assert prefix == "m"
    assert int(number) >= 1


@given(vcst.id_numbers())
def test_id_numbers_have_a_correct_check_digit(number: str) -> None:
    assert len(number) == 18
    assert number[-1] == gb11643_check_digit(number[:17])
    assert vc.privacy.normalize_id_number(number) == number
    born = vc.privacy.id_number_birth_date(number)
    assert date(1930, 1, 1) <= born <= date(2020, 12, 31)


@given(vcst.credit_codes())
def test_credit_codes_are_valid(code: str) -> None:
    assert uscc.is_valid(code)
    assert vc.privacy.normalize_credit_code(code) == code


@given(vcst.mobiles())
def test_mobiles(number: str) -> None:
    assert vc.privacy.is_mobile(number)
