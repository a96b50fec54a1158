"""Money is bounded: no amount over ``MAX_YUAN``; huge digits, huge exponents and wrong types are InvalidInput
(issue 15 "Raw exceptions", "Bounded work")."""

from __future__ import annotations

import pickle
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core.errors import InvalidInput, InvalidType
from volunteer_core.money import MAX_FEN, MAX_YUAN, Yuan, coerce_yuan

# ---------------------------------------------------------------------------------------------------------
# the maximum, at its edge


def test_the_maximum_is_a_trillion_yuan_and_fits_a_bigint_of_fen() -> None:
    assert Yuan(10**12) == MAX_YUAN
    assert MAX_YUAN.fen == MAX_FEN
    assert MAX_FEN * 1000 < 2**63 - 1


@pytest.mark.parametrize(
    "value", [10**12, "1000000000000", "1000000000000.00", Decimal("1000000000000.00"), "1,000,000,000,000元"]
)
def test_the_maximum_itself_is_accepted(value: Any) -> None:
    money = Yuan.parse(value) if isinstance(value, str) and "," in value else Yuan(value)
    assert money == MAX_YUAN


@pytest.mark.parametrize(
    "value",
    [
        10**12 + 1,
        10**30,
        "1000000000000.01",
        Decimal("1000000000000.01"),
        Decimal("1E+999999999"),
        "9" * 5000,
        "9" * 30,
    ],
)
def test_one_fen_over_the_maximum_and_beyond_is_too_large(value: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        Yuan(value)
    assert caught.value.code == "input.too_large"
    assert "1000000000000" in caught.value.message_en
    assert "上限" in caught.value.message_zh


def test_from_fen_and_arithmetic_stay_under_the_maximum() -> None:
    assert Yuan.from_fen(MAX_FEN) == MAX_YUAN
    with pytest.raises(InvalidInput) as caught:
        Yuan.from_fen(MAX_FEN + 1)
    assert caught.value.code == "input.too_large"
    with pytest.raises(InvalidInput):
        MAX_YUAN + Yuan("0.01")
    with pytest.raises(InvalidInput):
        MAX_YUAN * 2


# ---------------------------------------------------------------------------------------------------------
# the inputs: no raw ValueError, no giant message


@pytest.mark.parametrize("reader", [Yuan, Yuan.parse, coerce_yuan])
def test_five_thousand_digits_is_invalid_input_not_value_error(reader: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        reader("9" * 5000)
    assert caught.value.code == "input.too_large"
    assert len(str(caught.value)) < 300


def test_leading_zeros_do_not_count_as_digits() -> None:
    assert Yuan("0" * 5000 + "12.50") == Yuan("12.50")
    assert Yuan.parse("0" * 5000 + "1元") == Yuan(1)


def test_a_ten_megabyte_amount_is_refused_with_a_short_message() -> None:
    with pytest.raises(InvalidInput) as caught:
        Yuan.parse("1" * 10_000_000)
    assert len(str(caught.value)) < 300
    assert "10000000 chars" in str(caught.value)


def test_a_huge_int_is_described_not_written_out() -> None:
    # str() of an int over 4,300 digits raises ValueError: the error must not try
    with pytest.raises(InvalidInput) as caught:
        Yuan(10**5000)
    assert "digits" in str(caught.value)
    assert len(str(caught.value)) < 300


def test_a_decimal_of_many_digits_is_described_not_written_out() -> None:
    with pytest.raises(InvalidInput) as caught:
        Yuan(Decimal("1." + "0" * 100_000 + "1"))
    assert caught.value.code == "input.invalid"
    assert len(str(caught.value)) < 300


def test_a_decimal_more_precise_than_the_context_is_not_rounded_into_an_amount() -> None:
    # 31 significant digits: multiplied by 100 in a 28-digit context it would round to 100 fen
    with pytest.raises(InvalidInput):
        Yuan(Decimal("1.0000000000000000000000000000001"))


@pytest.mark.parametrize("value", [Decimal("-1E+999999999"), Decimal("-0.01")])
def test_negative_decimals_are_refused_however_large(value: Decimal) -> None:
    with pytest.raises(InvalidInput) as caught:
        Yuan(value)
    assert caught.value.code == "input.invalid"


@pytest.mark.parametrize(
    "value", [Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("1E-999999999")]
)
def test_odd_decimals_are_invalid_input(value: Decimal) -> None:
    with pytest.raises(InvalidInput):
        Yuan(value)


# ---------------------------------------------------------------------------------------------------------
# wrong types: the InvalidInput family, still a TypeError


@pytest.mark.parametrize("value", [0.3, 1.5, float("nan"), None, b"300", [300], object(), True])
def test_wrong_types_are_invalid_type(value: Any) -> None:
    with pytest.raises(InvalidType) as caught:
        Yuan(value)
    assert caught.value.code == "input.type"
    assert isinstance(caught.value, TypeError)
    assert isinstance(caught.value, InvalidInput)


@pytest.mark.parametrize("value", [None, 300, 1.5, b"300"])
def test_parse_of_a_non_string_is_invalid_type(value: Any) -> None:
    with pytest.raises(InvalidType):
        Yuan.parse(value)


@pytest.mark.parametrize("value", [None, 1.5, True, "x"])
def test_from_fen_of_a_non_int_is_invalid_type(value: Any) -> None:
    with pytest.raises(InvalidType):
        Yuan.from_fen(value)


def test_float_message_names_the_float_in_both_languages() -> None:
    with pytest.raises(InvalidType) as caught:
        coerce_yuan(0.1)
    assert "0.1" in caught.value.message_en
    assert "浮点数" in caught.value.message_zh


def test_invalid_type_survives_pickling_and_a_path_prefix() -> None:
    with pytest.raises(InvalidType) as caught:
        Yuan(None)  # type: ignore[arg-type]
    moved = caught.value.at("claims[0]")
    assert type(moved) is InvalidType
    assert moved.path == "claims[0].value"
    again = pickle.loads(pickle.dumps(moved))
    assert type(again) is InvalidType
    assert again.path == "claims[0].value"


# ---------------------------------------------------------------------------------------------------------
# properties: any junk text is an amount or an InvalidInput, nothing else


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("0123456789.,¥元-"), max_size=60))
def test_any_text_is_an_amount_or_invalid_input(text: str) -> None:
    for reader in (Yuan, Yuan.parse):
        try:
            money = reader(text)
        except InvalidInput:
            continue
        assert 0 <= money.fen <= MAX_FEN


@given(st.integers(min_value=0, max_value=MAX_FEN))
def test_every_amount_up_to_the_maximum_round_trips(fen: int) -> None:
    money = Yuan.from_fen(fen)
    assert Yuan(str(money)) == money
    assert Yuan(money.decimal) == money
