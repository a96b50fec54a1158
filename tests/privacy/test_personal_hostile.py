"""Hostile input to :mod:`volunteer_core.privacy.personal` (issue 15): ``mask_unknown`` refuses a non-str
like every other privacy function, and a path of 200,000 brackets is read in linear time (the regex it
replaced backtracked quadratically on it)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core.errors import InvalidInput, InvalidType
from volunteer_core.privacy import personal
from volunteer_core.privacy.personal import mask_unknown, personal_field

BRACKETS = 200_000


@pytest.mark.parametrize(
    "value",
    [None, 0, 13912344859, 1.5, True, [], {}, b"139", object(), date(2026, 5, 1), 10**5000],
    ids=[
        "None",
        "0",
        "a phone as int",
        "1.5",
        "True",
        "[]",
        "{}",
        "bytes",
        "object()",
        "date",
        "5,000 digits",
    ],
)
def test_mask_unknown_refuses_what_is_not_text(value: Any) -> None:
    with pytest.raises(InvalidType) as caught:
        mask_unknown(value)
    error = caught.value
    assert (error.path, error.code) == ("text", "input.type")
    assert isinstance(error, TypeError)
    assert f"mask_unknown() reads a str, not {type(value).__name__}" == error.message_en
    assert "13912344859" not in str(error)


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("[" * BRACKETS, None),
        ("]" * BRACKETS, None),
        ("[]" * BRACKETS, None),
        ("phone" + "[0]" * BRACKETS, "phone"),
        ("rows" + "[0]" * BRACKETS + ".id_number[1]", "id_number"),
        ("[0]" * BRACKETS + "x", None),
        ("phone" + "[" * BRACKETS + "]", "phone"),
        ("phone[" + "]" * BRACKETS, None),
        ("address" + "[x]" * BRACKETS, "address"),
    ],
    ids=[
        "[…",
        "]…",
        "[][]…",
        "phone[0][0]…",
        "rows[0]….id_number[1]",
        "[0]…x",
        "phone[[[…]",
        "phone[]]]…",
        "address[x]…",
    ],
)
def test_a_path_of_200000_brackets_is_read(path: str, field: str | None) -> None:
    assert personal_field(path) == field


def test_an_error_at_a_path_of_200000_brackets_masks_by_its_leaf() -> None:
    error = InvalidInput("rows" + "[0]" * BRACKETS + ".phone", "13912344859")
    assert error.value == "139****4859"
    assert InvalidInput("[" * BRACKETS, "13912344859").value == "13912344859"


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("phone[0][1]", "phone"),
        ("a.b[2].mobile", "mobile"),
        ("phone[0]x", None),
        ("phone[[0]", "phone"),
        ("x.phone[a[b]", "phone"),
    ],
)
def test_only_trailing_indexes_are_taken_off(path: str, field: str | None) -> None:
    assert personal_field(path) == field
    leaf = re.sub(r"(?:\[[^\]]*\])+$", "", path).rsplit(".", 1)[-1]  # the regex it replaced
    assert personal_field(path) == personal_field(leaf)


@given(st.text(alphabet="[]._0aphone", max_size=30))
def test_the_leaf_is_what_the_regex_it_replaced_left(path: str) -> None:
    leaf = re.sub(r"(?:\[[^\]]*\])+$", "", path).rsplit(".", 1)[-1]
    assert personal._leaf(path) == leaf
