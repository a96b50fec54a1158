"""Tests of volunteer_core.privacy.credit_code: GB 32100 unified social credit codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc

from volunteer_core.errors import InvalidInput
from volunteer_core.privacy import credit_code
from volunteer_core.privacy.credit_code import normalize_credit_code

VALID_CREDIT_CODE = "91110000600037341L"

# ---------------------------------------------------------------------------------------------------------
# credit codes


def test_normalize_credit_code_valid() -> None:
    assert normalize_credit_code(VALID_CREDIT_CODE) == VALID_CREDIT_CODE
    assert normalize_credit_code("9111-0000-6000-3734-1l") == VALID_CREDIT_CODE
    assert uscc.is_valid(VALID_CREDIT_CODE)


@pytest.mark.parametrize(
    ("text", "zh", "en"),
    [
        ("91110000600037341A", "校验码", "check character"),
        ("9111000060003734", "长度", "length"),
        ("A1110000600037341L", "格式", "format"),
        ("9111000060003734IL", "格式", "format"),
    ],
)
def test_bad_credit_code(text: str, zh: str, en: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_credit_code(text)
    assert caught.value.path == "credit_code"
    assert caught.value.code == "input.invalid"
    assert caught.value.value == text
    assert zh in caught.value.message_zh
    assert en in caught.value.message_en
    assert text in caught.value.message_zh


# ---------------------------------------------------------------------------------------------------------
# the module's validate / is_valid


def test_validate_is_the_normaliser() -> None:
    assert credit_code.validate is normalize_credit_code


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (VALID_CREDIT_CODE, True),
        ("9111-0000-6000-3734-1l", True),
        ("91110000600037341A", False),
        ("9111000060003734", False),
        ("", False),
        (None, False),
    ],
)
def test_is_valid(value: object, expected: bool) -> None:
    assert credit_code.is_valid(value) is expected


@given(st.text(alphabet="0123456789ABCDEFGHJKLMNPQRTUWXY- ", max_size=22))
def test_is_valid_agrees_with_validate(text: str) -> None:
    try:
        normalize_credit_code(text)
    except InvalidInput:
        assert credit_code.is_valid(text) is False
    else:
        assert credit_code.is_valid(text) is True
