"""Tests of volunteer_core.privacy.phone: mobiles and fixed lines validated, normalised and masked."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core.errors import InvalidInput
from volunteer_core.privacy import phone
from volunteer_core.privacy.phone import is_mobile, mask_phone, normalize_mobile, normalize_phone

# ---------------------------------------------------------------------------------------------------------
# strategies


mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)


# ---------------------------------------------------------------------------------------------------------
# phones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+86 139-1234-4859", "139****4859"),
        ("0086 13912344859", "139****4859"),
        ("8613912344859", "139****4859"),
        ("(+86)139 1234 4859", "139****4859"),
        ("１３９－１２３４－４８５９", "139****4859"),
        ("0594-2345678", "0594-*****78"),
        ("(0594)2345678", "0594-*****78"),
        ("010-87654321-801", "010-******21-***"),
        ("12912344859", "***********"),
        ("", ""),
    ],
)
def test_mask_phone(text: str, expected: str) -> None:
    assert mask_phone(text) == expected


@given(mobiles, st.sampled_from(["", "+86", "+86 ", "0086", "86"]), st.sampled_from(["", " ", "-"]))
def test_mask_phone_hides_the_middle_four_digits(mobile: str, prefix: str, sep: str) -> None:
    written = f"{prefix}{mobile[:3]}{sep}{mobile[3:7]}{sep}{mobile[7:]}"
    assert mask_phone(written) == f"{mobile[:3]}****{mobile[7:]}"


@given(st.text())
def test_mask_phone_reveals_at_most_seven_digits(text: str) -> None:
    assert sum(char.isdigit() for char in mask_phone(text)) <= 7


@pytest.mark.parametrize(
    "text", ["+86 139-1234-4859", "13912344859", "86 139 1234 4859", "１３９１２３４４８５９"]
)
def test_is_mobile_true(text: str) -> None:
    assert is_mobile(text)


@pytest.mark.parametrize(
    "value",
    ["12912344859", "1391234485", "139123448590", None, "", "⑱", 0, 13912344859, "0594-2345678", "   "],
)
def test_is_mobile_false(value: object) -> None:
    assert is_mobile(value) is False


@given(mobiles)
def test_normalize_mobile_round_trip(mobile: str) -> None:
    assert is_mobile(mobile)
    assert normalize_mobile(f"+86 {mobile[:3]}-{mobile[3:7]}-{mobile[7:]}") == mobile


def test_normalize_mobile_refuses_a_landline() -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_mobile("0594-2345678")
    assert caught.value.path == "phone"
    assert caught.value.value == "0594-*****78"
    assert "手机" in caught.value.message_zh
    assert "'0594-*****78'" in caught.value.message_en
    assert "23456" not in str(caught.value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("+86 139-1234-4859", "13912344859"),
        ("0594-2345678", "0594-2345678"),
        ("05942345678", "0594-2345678"),
        ("(0594) 234 5678", "0594-2345678"),
        ("+86 594 2345678", "0594-2345678"),
        ("010-8765-4321", "010-87654321"),
        ("02187654321", "021-87654321"),
        ("010-87654321-801", "010-87654321-801"),
        ("010-87654321转801", "010-87654321-801"),
    ],
)
def test_normalize_phone(text: str, expected: str) -> None:
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    "text", ["2345678", "0594-1345678", "0594-234567", "12912344859", "400-123-4567", "abc"]
)
def test_normalize_phone_refuses_with_every_character_hidden(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_phone(text, path="contact.phone")
    shown = caught.value.value
    assert caught.value.path == "contact.phone"
    assert caught.value.code == "input.invalid"
    assert set(shown) == {"*"}
    assert len(shown) == len(text)
    assert f"“{shown}”" in caught.value.message_zh
    assert repr(shown) in caught.value.message_en
    assert repr(text) not in str(caught.value)
    assert f"“{text}”" not in str(caught.value)


def test_normalize_phone_blank_is_required() -> None:
    with pytest.raises(InvalidInput) as caught:
        normalize_phone("  ")
    assert caught.value.code == "input.required"


# ---------------------------------------------------------------------------------------------------------
# the module's validate / is_valid / mask


def test_validate_and_mask_are_the_normaliser_and_the_mask() -> None:
    assert phone.validate is normalize_phone
    assert phone.mask is mask_phone


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+86 139-1234-4859", True),
        ("0594-2345678", True),
        ("010-87654321转801", True),
        ("2345678", False),
        ("12912344859", False),
        ("  ", False),
        (None, False),
        (13912344859, False),
    ],
)
def test_is_valid(value: object, expected: bool) -> None:
    assert phone.is_valid(value) is expected


@given(st.one_of(mobiles, st.text()))
def test_is_valid_agrees_with_validate(text: str) -> None:
    try:
        normalize_phone(text)
    except InvalidInput:
        assert phone.is_valid(text) is False
    else:
        assert phone.is_valid(text) is True
