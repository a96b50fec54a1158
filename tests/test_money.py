"""Edge tests of ``Yuan`` (api.md "Values"; domain.md "Money is exact")."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import volunteer_core as vc
from volunteer_core import InvalidInput, InvalidType, Yuan
from volunteer_core.money import coerce_yuan

# ---------------------------------------------------------------------------------------------------------
# construction


@pytest.mark.parametrize(
    ("value", "fen"),
    [
        (300, 30000),
        (0, 0),
        ("300", 30000),
        ("300.00", 30000),
        ("300.01", 30001),
        ("12.5", 1250),
        ("12.50", 1250),
        ("0.01", 1),
        ("1.000", 100),
        ("1.010", 101),
        (Decimal("300.01"), 30001),
        (Decimal("1.000"), 100),
        (Decimal("7"), 700),
    ],
)
def test_accepts_int_str_and_decimal_exact_to_the_fen(value: Any, fen: int) -> None:
    money = Yuan(value)
    assert money.fen == fen
    assert isinstance(money.fen, int)


def test_yuan_is_exported_at_top_level() -> None:
    assert vc.Yuan is Yuan


def test_three_hundred_and_three_hundred_and_one_fen_differ() -> None:
    assert Yuan("300.00") != Yuan("300.01")
    assert Yuan("300.00") < Yuan("300.01")
    assert Yuan("300.01").fen - Yuan("300.00").fen == 1


@pytest.mark.parametrize("value", ["1.001", "0.005", "300.009", Decimal("1.001"), Decimal("0.001")])
def test_sub_fen_precision_is_invalid_input(value: Any) -> None:
    with pytest.raises(InvalidInput):
        Yuan(value)


def test_invalid_input_is_a_value_error_with_code_and_path() -> None:
    with pytest.raises(ValueError, match="input") as caught:
        Yuan("1.001")
    err = caught.value
    assert isinstance(err, InvalidInput)
    assert isinstance(err.code, str)
    assert err.code
    assert isinstance(err.path, str)


@pytest.mark.parametrize("value", [0.3, 300.0, 1.5, float("nan")])
def test_float_raises_type_error(value: float) -> None:
    with pytest.raises(TypeError):
        Yuan(value)  # type: ignore[arg-type]


def test_float_is_refused_as_a_wrong_type() -> None:
    """A float is a wrong type (``input.type``): an ``InvalidInput`` that is also a ``TypeError``."""
    with pytest.raises(TypeError) as caught:
        Yuan(0.1)  # type: ignore[arg-type]
    assert isinstance(caught.value, InvalidType)
    assert caught.value.code == "input.type"


@pytest.mark.parametrize("value", [-1, "-1", "-0.01", "-300.00", Decimal("-0.01"), Decimal("-5")])
def test_negative_is_invalid_input(value: Any) -> None:
    with pytest.raises(InvalidInput):
        Yuan(value)


@pytest.mark.parametrize("value", ["", " ", "abc", "1.2.3", "12,5", "1e2", "三百", "..5", "NaN", "inf"])
def test_bad_strings_are_invalid_input(value: str) -> None:
    with pytest.raises(InvalidInput):
        Yuan(value)


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity")])
def test_non_finite_decimal_is_invalid_input(value: Decimal) -> None:
    with pytest.raises(InvalidInput):
        Yuan(value)


# ---------------------------------------------------------------------------------------------------------
# parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("300元", Yuan(300)),
        ("¥300", Yuan(300)),
        ("¥12.5", Yuan("12.50")),
        ("300.00", Yuan(300)),
        ("300.01元", Yuan("300.01")),
        ("0.5元", Yuan("0.50")),
    ],
)
def test_parse_reads_money_as_people_write_it(text: str, expected: Yuan) -> None:
    assert Yuan.parse(text) == expected


def test_parse_result_is_a_yuan() -> None:
    parsed = Yuan.parse("300元")
    assert isinstance(parsed, Yuan)
    assert parsed.fen == 30000


@pytest.mark.parametrize("text", ["", "元", "¥", "abc元", "1.001元", "¥-5", "-5元", "三百元"])
def test_parse_refuses_junk(text: str) -> None:
    with pytest.raises(InvalidInput):
        Yuan.parse(text)


# ---------------------------------------------------------------------------------------------------------
# arithmetic and comparisons


def test_addition_is_exact() -> None:
    assert Yuan("0.10") + Yuan("0.20") == Yuan("0.30")
    assert Yuan("299.99") + Yuan("0.01") == Yuan(300)
    assert isinstance(Yuan(1) + Yuan(2), Yuan)


def test_subtraction() -> None:
    assert Yuan(300) - Yuan("0.01") == Yuan("299.99")
    assert Yuan(300) - Yuan(300) == Yuan(0)


def test_subtraction_below_zero_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        Yuan(100) - Yuan("100.01")
    with pytest.raises(InvalidInput):
        Yuan(0) - Yuan("0.01")


def test_sum_of_yuan_without_a_start_value() -> None:
    total = sum([Yuan(100), Yuan(100), Yuan(100)])
    assert total == Yuan(300)
    assert isinstance(total, Yuan)


def test_sum_of_yuan_with_a_yuan_start() -> None:
    assert sum([Yuan("0.10")] * 10, Yuan(0)) == Yuan(1)


def test_comparisons() -> None:
    small, big = Yuan("299.99"), Yuan("300.00")
    assert small < big
    assert small <= big
    assert big > small
    assert big >= small
    assert big <= Yuan(300)
    assert big >= Yuan(300)
    assert not big < Yuan(300)
    assert not big > Yuan(300)
    assert small != big
    assert sorted([Yuan(3), Yuan(1), Yuan("2.50")]) == [Yuan(1), Yuan("2.50"), Yuan(3)]
    assert max(Yuan(1), Yuan("1.01")) == Yuan("1.01")


def test_equal_amounts_are_equal_whatever_their_spelling() -> None:
    assert Yuan(300) == Yuan("300") == Yuan("300.00") == Yuan(Decimal("300.000")) == Yuan.parse("300元")
    assert hash(Yuan(300)) == hash(Yuan("300.00"))
    assert len({Yuan(1), Yuan("1.00"), Yuan("1.0")}) == 1


def test_fen() -> None:
    assert Yuan("12.34").fen == 1234
    assert Yuan(0).fen == 0
    assert Yuan("0.05").fen == 5


@pytest.mark.parametrize(
    ("value", "text"),
    [(300, "300.00"), ("12.5", "12.50"), ("0.05", "0.05"), (0, "0.00"), ("1000.1", "1000.10")],
)
def test_str_has_two_decimals(value: Any, text: str) -> None:
    assert str(Yuan(value)) == text


# ---------------------------------------------------------------------------------------------------------
# properties

_FEN = st.integers(min_value=0, max_value=10**12)


def _from_fen(fen: int) -> Yuan:
    return Yuan(Decimal(fen).scaleb(-2))


@given(_FEN)
def test_parse_of_str_round_trips(fen: int) -> None:
    money = _from_fen(fen)
    assert money.fen == fen
    assert Yuan.parse(str(money)) == money
    assert Yuan(str(money)) == money


@given(_FEN, _FEN)
def test_add_then_subtract_gives_back(a: int, b: int) -> None:
    x, y = _from_fen(a), _from_fen(b)
    assert (x + y) - y == x
    assert (x + y).fen == a + b


@given(_FEN, _FEN)
def test_order_follows_fen(a: int, b: int) -> None:
    x, y = _from_fen(a), _from_fen(b)
    assert (x < y) == (a < b)
    assert (x == y) == (a == b)


# ---------------------------------------------------------------------------------------------------------
# coerce_yuan: how fields and policies read money


@pytest.mark.parametrize(("value", "fen"), [(300, 30000), ("12.5", 1250), (Decimal("0.10"), 10)])
def test_coerce_yuan_accepts_what_yuan_accepts(value: Any, fen: int) -> None:
    assert coerce_yuan(value).fen == fen


def test_coerce_yuan_passes_a_yuan_through() -> None:
    cap = Yuan("300")
    assert coerce_yuan(cap) is cap


@pytest.mark.parametrize("value", [0.5, None, [300], b"300"])
def test_coerce_yuan_refuses_other_types(value: Any) -> None:
    with pytest.raises(TypeError):
        coerce_yuan(value)


@pytest.mark.parametrize("value", ["1.001", "-1", "abc"])
def test_coerce_yuan_refuses_bad_amounts_as_invalid_input(value: str) -> None:
    with pytest.raises(InvalidInput):
        coerce_yuan(value)
