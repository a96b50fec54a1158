"""Tests of volunteer_core.privacy.id_number: GB 11643 numbers validated, read and masked."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum.cn import ric

from volunteer_core.errors import InvalidInput
from volunteer_core.privacy import id_number
from volunteer_core.privacy.id_number import (
    id_number_birth_date,
    id_number_gender,
    mask_id_number,
    normalize_id_number,
)

VALID_ID = "11010519491231002X"

# ---------------------------------------------------------------------------------------------------------
# strategies


# Real county-level codes (Beijing Chaoyang, Putian Chengxiang, Loudi Louxing, De'an, Shanghai Pudong).
REGION_CODES = ("110105", "350302", "431302", "360426", "310115", "350322")


@st.composite
def valid_id_numbers(draw: st.DrawFn) -> str:
    """18-character ID numbers with a correct GB 11643 check digit."""
    region = draw(st.sampled_from(REGION_CODES))
    born = draw(st.dates(min_value=date(1920, 1, 1), max_value=date(2020, 12, 31)))
    sequence = draw(st.integers(min_value=0, max_value=999))
    body = f"{region}{born:%Y%m%d}{sequence:03d}"
    return body + gb11643_check_digit(body)


def gb11643_check_digit(body: str) -> str:
    """ISO 7064 MOD 11-2, computed independently of stdnum."""
    weights = [2 ** (17 - i) % 11 for i in range(17)]
    total = sum(int(digit) * weight for digit, weight in zip(body, weights, strict=True))
    return "10X98765432"[total % 11]


# ---------------------------------------------------------------------------------------------------------
# mask_id_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11010519491231002x", "110105********002X"),
        (" 110105 1949 1231 002X\t", "110105********002X"),
        ("１１０１０５１９４９１２３１００２Ｘ", "110105********002X"),
        ("110105491231002", "110105*****1002"),
        ("1101051949123100", "****************"),
        ("123", "***"),
        ("", ""),
        ("1101051949123100201234", "110105************1234"),
    ],
)
def test_mask_id_number(text: str, expected: str) -> None:
    assert mask_id_number(text) == expected


@given(valid_id_numbers())
def test_mask_id_number_keeps_length_and_ends(number: str) -> None:
    masked = mask_id_number(number)
    assert len(masked) == len(number) == 18
    assert masked[:6] == number[:6]
    assert masked[-4:] == number[-4:]
    assert masked[6:14] == "*" * 8


@given(st.text())
def test_mask_id_number_reveals_at_most_ten_characters(text: str) -> None:
    masked = mask_id_number(text)
    assert sum(char != "*" for char in masked) <= 10


# ---------------------------------------------------------------------------------------------------------
# ID numbers


def test_normalize_id_number_valid() -> None:
    assert normalize_id_number(VALID_ID) == VALID_ID
    assert normalize_id_number("360426199101010071") == "360426199101010071"


def test_normalize_id_number_wrong_last_character() -> None:
    changed = VALID_ID[:-1] + "1"
    with pytest.raises(InvalidInput) as caught:
        normalize_id_number(changed)
    assert caught.value.path == "id_number"
    assert caught.value.code == "input.invalid"
    assert caught.value.value == "110105********0021"
    assert "校验码" in caught.value.message_zh
    assert "check digit" in caught.value.message_en
    assert "“110105********0021”" in caught.value.message_zh
    assert "19491231" not in str(caught.value)


def test_normalize_id_number_strips_spaces_and_accepts_lower_x() -> None:
    assert normalize_id_number(" 110105 19491231 002X ") == VALID_ID
    assert normalize_id_number("11010519491231002x") == VALID_ID
    assert normalize_id_number("１１０１０５１９４９１２３１００２ｘ") == VALID_ID


def _with_check_digit(body: str) -> str:
    return body + ric.calc_check_digit(body + "0")


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("1101051949123100", "长度", "length"),
        ("110105491231002", "15位", "15-digit"),
        ("A1010519491231002X", "格式", "format"),
        (_with_check_digit("11010519491331002"), "出生日期", "birth date"),
        (_with_check_digit("11010519490230002"), "出生日期", "birth date"),
        (_with_check_digit("99010519491231002"), "地址码", "address code"),
    ],
)
def test_normalize_id_number_names_the_failed_check(text: str, zh: str, en: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_id_number(text, path="beneficiary.id_number")
    assert caught.value.path == "beneficiary.id_number"
    assert caught.value.value == mask_id_number(text)
    assert zh in caught.value.message_zh
    assert en in caught.value.message_en
    assert "1949" not in str(caught.value)
    assert "491231" not in str(caught.value)


def test_normalize_id_number_blank_is_required() -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_id_number(" ")
    assert caught.value.code == "input.required"


def test_normalize_id_number_accepts_county_codes_newer_than_the_birth() -> None:
    # 娄星区 (431302) dates from 1999; people born earlier carry the code assigned at issue.
    number = _with_check_digit("43130219650505002")
    assert normalize_id_number(number) == number


@given(valid_id_numbers())
def test_generated_id_numbers_validate(number: str) -> None:
    assert gb11643_check_digit(number[:17]) == ric.calc_check_digit(number)
    assert normalize_id_number(number.lower()) == number
    assert id_number_birth_date(number) == date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    assert id_number_gender(number) == ("male" if int(number[16]) % 2 else "female")


@given(valid_id_numbers(), st.sampled_from("0123456789X"))
def test_changing_the_check_digit_fails(number: str, last: str) -> None:
    assume(last != number[-1])
    with pytest.raises(InvalidInput) as caught:
        normalize_id_number(number[:-1] + last)
    assert caught.value.path == "id_number"


def test_id_number_birth_date_and_gender() -> None:
    assert id_number_birth_date(VALID_ID) == date(1949, 12, 31)
    assert id_number_gender(VALID_ID) == "female"
    assert id_number_gender("360426199101010071") == "male"
    with pytest.raises(InvalidInput):
        id_number_gender(VALID_ID[:-1] + "1")


# ---------------------------------------------------------------------------------------------------------
# the module's validate / is_valid / mask


def test_validate_and_mask_are_the_normaliser_and_the_mask() -> None:
    assert id_number.validate is normalize_id_number
    assert id_number.mask is mask_id_number


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (VALID_ID, True),
        ("11010519491231002x", True),
        (" 110105 19491231 002X ", True),
        (VALID_ID[:-1] + "1", False),
        ("110105491231002", False),
        ("", False),
        (None, False),
        (11010519491231002, False),
    ],
)
def test_is_valid(value: object, expected: bool) -> None:
    assert id_number.is_valid(value) is expected


@given(st.one_of(valid_id_numbers(), st.text()))
def test_is_valid_agrees_with_validate(text: str) -> None:
    try:
        normalize_id_number(text)
    except InvalidInput:
        assert id_number.is_valid(text) is False
    else:
        assert id_number.is_valid(text) is True
