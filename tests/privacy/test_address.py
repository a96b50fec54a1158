"""Tests of volunteer_core.privacy.address: addresses masked for a public notice."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core.privacy.address import mask_address

# ---------------------------------------------------------------------------------------------------------
# mask_address


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("福建省莆田市城厢区龙桥街道凤山社区8号楼2单元301", "福建省莆田市城厢区龙桥街道凤山社区***"),
        ("湖南省娄底市娄星区大科街道某某村3组12号", "湖南省娄底市娄星区大科街道某某村***"),
        ("福建省莆田市荔城区幸福小区5栋", "福建省莆田市荔城区幸福小区***"),
        ("某某县某某镇光明村委会旁", "某某县某某镇光明村委会***"),
        ("某某街道凤山社区居委会", "某某街道凤山社区居委会"),
        ("北京市东城区东华门街道南池子大街12号", "北京市东城区东华门街道***"),
        ("河北省石家庄市长安区某某街道某某路12号", "河北省石家庄市长安区某某街道***"),
        ("某某县城关镇人民路三十五号", "某某县城关镇***"),
        ("某某县城关镇第三组", "某某县城关镇***"),
        ("万达广场A座1203", "万达广场***"),
        ("凤山社区华联超市旁", "凤山社区***"),
        ("　凤山社区８号 ", "凤山社区***"),
        ("人民路301", "人民路***"),
        ("长安路东段某处某地", "长安路东段某***"),
        ("12号楼", "***"),
        ("", ""),
    ],
)
def test_mask_address(text: str, expected: str) -> None:
    assert mask_address(text) == expected


@given(st.text())
def test_mask_address_never_shows_a_digit(text: str) -> None:
    masked = mask_address(text)
    assert not any(char.isdigit() for char in masked)
    assert len(masked) <= len(text.strip()) + 3


@given(st.text(alphabet="省市区县街道镇乡社区村小区花园苑里号栋楼单元室组凤山幸福0123456789一二三十"))
def test_mask_address_never_shows_a_numbered_unit(text: str) -> None:
    masked = mask_address(text)
    for unit in ("一号", "二号", "三号", "十号", "一栋", "三组", "十组", "二楼"):
        assert unit not in masked
