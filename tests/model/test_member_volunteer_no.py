"""``Member.volunteer_no``: the national volunteer number (全国志愿服务信息系统 志愿者编号), optional."""

from __future__ import annotations

from datetime import date

import attrs
import pytest

from volunteer_core import InvalidInput, Member


def member(**kw: object) -> Member:
    return Member(id="m1", name="张伟", branch_id="b1", joined_on=date(2020, 1, 1), **kw)  # type: ignore[arg-type]


def test_it_is_optional_and_none_by_default() -> None:
    assert member().volunteer_no is None
    assert member(volunteer_no=None).volunteer_no is None


@pytest.mark.parametrize("number", ["35030012345", "3503-2020-000123", "ZJ2020_0001", "V" * 64])
def test_identifier_like_numbers_are_kept_as_given(number: str) -> None:
    assert member(volunteer_no=number).volunteer_no == number
    assert attrs.evolve(member(), volunteer_no=number).volunteer_no == number


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("", "input.required"),
        (" 35030012345", "input.invalid"),
        ("3503 0012345", "input.invalid"),
        ("35030012345\n", "input.invalid"),
        ("3503\u30000012345", "input.invalid"),  # ideographic space
        ("3503\x000012345", "input.invalid"),
        ("V" * 65, "input.too_large"),
        (35030012345, "input.type"),
    ],
)
def test_other_values_are_refused_naming_the_field(number: object, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        member(volunteer_no=number)
    error = caught.value
    assert (error.path, error.code) == ("volunteer_no", code)
    assert "志愿者编号" in error.message_zh
    assert "volunteer number" in error.message_en


def test_the_repr_shows_it_and_nothing_else_changes() -> None:
    text = repr(member(volunteer_no="35030012345"))
    assert "volunteer_no='35030012345'" in text
    assert text.replace("volunteer_no='35030012345'", "volunteer_no=None") == repr(member())
