"""Tests of volunteer_core.privacy.personal: which fields are personal, how errors and reprs show them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core.privacy.personal import (
    MAX_SHOWN_LENGTH,
    PERSONAL_FIELDS,
    mask_field,
    mask_unknown,
    masked_repr,
    personal_field,
)

# ---------------------------------------------------------------------------------------------------------
# personal_field


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("id_number", "id_number"),
        ("rows[3].id_number", "id_number"),
        ("beneficiaries[2].phone", "phone"),
        ("phone[0]", "phone"),
        ("contact_phone", "phone"),
        ("mobile", "mobile"),
        ("home_address", "address"),
        ("guardian_id_number", "id_number"),
        ("address", "address"),
        ("name", None),
        ("phones", None),
        ("telephone", None),
        ("phone.kind", None),
        ("", None),
        ("[3]", None),
    ],
)
def test_personal_field(path: str, field: str | None) -> None:
    assert personal_field(path) == field


def test_personal_field_of_a_non_str_is_none() -> None:
    assert personal_field(None) is None  # type: ignore[arg-type]


def test_every_personal_field_has_a_mask() -> None:
    assert set(PERSONAL_FIELDS) == {"id_number", "phone", "mobile", "address", "birth_date"}
    assert PERSONAL_FIELDS["phone"]("13912344859") == "139****4859"


# ---------------------------------------------------------------------------------------------------------
# mask_field


@pytest.mark.parametrize(
    ("path", "value", "shown"),
    [
        ("id_number", "11010519491231002X", "110105********002X"),
        ("rows[1].id_number", "1101051949123100", "****************"),  # 16: malformed, all hidden
        ("phone", "+86 139 1234 4859", "139****4859"),
        ("phone", "0594-2345678", "0594-*****78"),
        ("phone", "12345", "*****"),
        ("address", "福建省莆田市城厢区凤山社区8号楼", "福建省莆田市城厢区凤山社区***"),
        ("id_number", 110105491231002, "110105*****1002"),
        ("note", "13912344859", "***********"),  # no personal field: the unknown mask
        ("phone", None, None),
        ("phone", True, True),
        ("phone", [13912344859], "<list>"),
        ("phone", b"13912344859", "<bytes>"),
    ],
)
def test_mask_field(path: str, value: object, shown: object) -> None:
    assert mask_field(path, value) == shown


@given(st.text(max_size=200), st.sampled_from(["id_number", "phone", "address", "note"]))
def test_mask_field_never_longer_than_the_bound(text: str, path: str) -> None:
    shown = mask_field(path, text)
    assert isinstance(shown, str)
    assert len(shown) <= MAX_SHOWN_LENGTH


def test_a_10_mb_value_is_shown_in_40_characters() -> None:
    shown = mask_field("phone", "1" * 10_000_000)
    assert shown == "*" * (MAX_SHOWN_LENGTH - 1) + "…"


def test_a_5000_digit_number_is_shown_by_its_type() -> None:
    assert mask_field("id_number", 10**5000) == "<int>"  # str() of it would raise ValueError


def test_mask_unknown_hides_every_character() -> None:
    assert mask_unknown("139 1234 4859") == "*" * 11


# ---------------------------------------------------------------------------------------------------------
# masked_repr


def test_masked_repr() -> None:
    assert masked_repr("phone")("13912344859") == "'139****4859'"
    assert masked_repr("id_number")("11010519491231002X") == "'110105********002X'"
    assert masked_repr("address")(None) == "None"
    assert masked_repr("phone").__name__ == "masked_repr_phone"


@pytest.mark.parametrize("junk", ["\x00", "\x1b", "\x9b", "\ud800"])
def test_mask_field_escapes_what_a_terminal_would_obey(junk: str) -> None:
    shown = mask_field("id_number", f"11010519491231002{junk}")
    assert isinstance(shown, str)
    assert junk not in shown
    assert "\\" in shown
