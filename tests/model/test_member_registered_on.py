"""``Member.registered_on``: the day the member registered with the time bank (注册登记, 002 §三 四覆盖) —
optional, a date, free of ``joined_on``; kept by serialization."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from volunteer_core import Member
from volunteer_core.errors import InvalidInput
from volunteer_core.serialization import structure, unstructure


def member(registered_on: object) -> Member:
    return Member(
        id="m1",
        name="张三",
        branch_id="b1",
        joined_on=date(2024, 3, 1),
        registered_on=registered_on,  # type: ignore[arg-type]
    )


def test_registered_on_is_optional() -> None:
    assert Member(id="m1", name="张三", branch_id="b1", joined_on=date(2024, 3, 1)).registered_on is None


def test_registered_on_may_precede_joining_the_branch() -> None:
    assert member(date(2019, 5, 1)).registered_on == date(2019, 5, 1)


@pytest.mark.parametrize("bad", ["2026-01-01", datetime(2026, 1, 1, 8), 20260101])
def test_registered_on_must_be_a_date(bad: object) -> None:
    with pytest.raises(InvalidInput) as caught:
        member(bad)
    assert caught.value.path == "registered_on"
    assert caught.value.code == "input.type"


def test_registered_on_survives_serialization() -> None:
    m = member(date(2021, 1, 1))
    data = unstructure(m)
    assert data["registered_on"] == "2021-01-01"
    assert structure(data, Member) == m
