"""A qualification's own invariants (model/qualification.py): valid from the day it is earned to the day it
expires, both included (先培训再上岗); no expiry before it is earned."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import InvalidInput, Qualification

EARNED, EXPIRES = date(2026, 3, 5), date(2029, 3, 4)


def qualification(expires_on: date | None = EXPIRES, earned_on: date = EARNED) -> Qualification:
    return Qualification(id="q1", member_id="m1", name="急救", earned_on=earned_on, expires_on=expires_on)


@pytest.mark.parametrize(("day", "valid"), [
    (EARNED - timedelta(days=1), False),
    (EARNED, True),
    (EXPIRES, True),
    (EXPIRES + timedelta(days=1), False),
])  # fmt: skip
def test_valid_from_the_day_earned_to_the_day_it_expires(day: date, valid: bool) -> None:
    assert qualification().is_valid_on(day) is valid


def test_without_expiry_it_stays_valid() -> None:
    lasting = qualification(expires_on=None)
    assert lasting.is_valid_on(date(9999, 12, 31))
    assert not lasting.is_valid_on(EARNED - timedelta(days=1))


def test_earned_and_expiring_the_same_day_is_valid_that_day_only() -> None:
    one_day = qualification(expires_on=EARNED)
    assert one_day.is_valid_on(EARNED)
    assert not one_day.is_valid_on(EARNED + timedelta(days=1))


def test_an_expiry_before_it_is_earned_is_refused() -> None:
    with pytest.raises(InvalidInput) as caught:
        qualification(expires_on=EARNED - timedelta(days=1))
    assert (caught.value.path, caught.value.code) == ("expires_on", "input.invalid")


@pytest.mark.parametrize(("field", "value"), [("member_id", ""), ("name", ""), ("activity_id", " a1")])
def test_the_references_and_the_name_are_checked(field: str, value: str) -> None:
    fields = {"id": "q1", "member_id": "m1", "name": "急救", "earned_on": EARNED, field: value}
    with pytest.raises(InvalidInput) as caught:
        Qualification(**fields)  # type: ignore[arg-type]
    assert caught.value.path == field


@given(st.dates(), st.integers(0, 5000), st.dates())
def test_valid_exactly_within_its_days(earned: date, lasts: int, day: date) -> None:
    try:
        expires = earned + timedelta(days=lasts)
    except OverflowError:
        expires = date.max
    held = qualification(expires_on=expires, earned_on=earned)
    assert held.is_valid_on(day) is (earned <= day <= expires)
