"""Tests of volunteer_core.privacy.name: names masked for a public notice."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core.privacy.name import mask_name

# ---------------------------------------------------------------------------------------------------------
# mask_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("张三", "张*"),
        ("欧阳修", "欧**"),
        ("张　三", "张*"),
        ("  李四  ", "李*"),
        ("张", "*"),
        ("买买提·艾力", "买*****"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask_name(text: str, expected: str) -> None:
    assert mask_name(text) == expected


@given(st.text())
def test_mask_name_preserves_length(text: str) -> None:
    name = "".join(text.split())
    masked = mask_name(text)
    assert len(masked) == len(name)
    assert masked[1:] == "*" * (len(name) - 1)
    if len(name) >= 2:
        assert masked[0] == name[0]
