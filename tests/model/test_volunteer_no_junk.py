"""``Member.volunteer_no`` fed hostile text (issue 15): control characters, lone surrogates and an over-long
number are refused like every one-line text — the error names the field and the volunteer number, carries
the value escaped and cut short, and can always be written."""

from __future__ import annotations

from datetime import date

import pytest

from volunteer_core import InvalidInput, Member


def refused(number: str) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        Member(id="m1", name="张伟", branch_id="b1", joined_on=date(2020, 1, 1), volunteer_no=number)
    error = caught.value
    assert error.path == "volunteer_no"
    assert error.message_zh.startswith("志愿者编号")
    assert error.message_en.startswith("the national volunteer number")
    text = str(error)
    text.encode("utf-8")
    assert len(text) < 600
    return error


@pytest.mark.parametrize(
    ("number", "shown", "position"),
    [
        ("3503\x1b[2J", "3503\\x1b[2J", 5),
        ("\ud800", "\\ud800", 1),
        ("35\x0030", "35\\x0030", 3),
        ("35\x85", "35\\x85", 3),
        ("35\u2028", "35\\u2028", 3),
    ],
    ids=["ANSI", "lone surrogate", "NUL", "C1", "line separator"],
)
def test_a_control_character_or_a_surrogate_is_refused_escaped(
    number: str, shown: str, position: int
) -> None:
    error = refused(number)
    assert (error.code, error.value) == ("input.invalid", shown)
    assert f"at character {position}" in error.message_en
    assert f"第 {position} 个字符" in error.message_zh
    assert number not in str(error)


def test_64_characters_pass_and_65_are_too_large() -> None:
    assert Member(id="m1", name="张伟", branch_id="b1", joined_on=date(2020, 1, 1), volunteer_no="V" * 64)
    error = refused("V" * 65)
    assert error.code == "input.too_large"
    assert "more than the maximum 64" in error.message_en


def test_10_mb_is_refused_in_a_short_message() -> None:
    error = refused("9" * 10_000_000)
    assert error.code == "input.too_large"
    assert error.value == "9" * 60 + "…(10000000 chars)"


@pytest.mark.parametrize(
    ("number", "shown"),
    [("3503 001", "3503 001"), ("3503\u200b001", "3503\u200b001"), ("", "")],
    ids=["space", "zero-width space", "empty"],
)
def test_a_blank_or_a_hidden_character_is_refused_with_the_number_shown(number: str, shown: str) -> None:
    error = refused(number)
    assert error.value == shown
    assert f"“{shown}”" in error.message_zh
    assert "must be 1–64 printable characters without spaces" in error.message_en
