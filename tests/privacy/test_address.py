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


# ---------------------------------------------------------------------------------------------------------
# house numbers in every numeral system (issue 15: 拾, 壹佰, 叁, 卅 came back unmasked)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("解放路十号宿舍", "解放路***"),
        ("解放路拾号宿舍", "解放路***"),
        ("人民路壹佰号", "人民路***"),
        ("幸福路叁号大院", "幸福路***"),
        ("人民路卅号", "人民路***"),
        ("人民路廿三号", "人民路***"),
        ("人民路卌号", "人民路***"),
        ("人民路两百号", "人民路***"),
        ("人民路二〇一号", "人民路***"),
        ("人民路二○一号", "人民路***"),
        ("人民路贰佰零叁号", "人民路***"),
        ("人民路貳佰零參號", "人民路***"),
        ("人民路１２号", "人民路***"),
        ("凤山社区第五栋", "凤山社区***"),
        ("凤山社区陆號樓", "凤山社区***"),
        ("凤山社区二3号", "凤山社区***"),
        ("三门峡市湖滨区", "三门峡市湖滨区"),
    ],
)
def test_mask_address_reads_every_numeral_system(text: str, expected: str) -> None:
    assert mask_address(text) == expected


_LOWER = "零一二三四五六七八九"
_FORMAL = "零壹贰叁肆伍陆柒捌玖"
_FORMAL_TRADITIONAL = "零壹貳參肆伍陸柒捌玖"


def _positional(n: int, digits: str, units: str, two: str) -> str:
    """``n`` (1–9999) read the Chinese way: 一千零二十, 壹佰零叁, 两百; ``units`` are 十百千 or 拾佰仟."""
    parts: list[str] = []
    pending_zero = False
    for power in (3, 2, 1, 0):
        digit = n // 10**power % 10
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append(digits[0])
            pending_zero = False
        word = two if digit == 2 and power >= 2 else digits[digit]
        if power == 1 and digit == 1 and not parts:
            word = ""  # 十二, not 一十二
        parts.append(word + ("" if power == 0 else units[power - 1]))
    return "".join(parts)


def _contracted(n: int) -> str:
    """20–49 with 廿, 卅 or 卌: 廿三, 卅, 卌五."""
    return "廿卅卌"[n // 10 - 2] + ("" if n % 10 == 0 else _LOWER[n % 10])


@st.composite
def house_numbers(draw: st.DrawFn) -> str:
    """A house, building or room number in one of the systems people write them in."""
    n = draw(st.integers(min_value=1, max_value=9999))
    system = draw(
        st.sampled_from(
            [
                "ascii",
                "full-width",
                "lower",
                "lower-two",
                "formal",
                "formal-traditional",
                "digits",
                "contracted",
            ]
        )
    )
    if system == "ascii":
        return str(n)
    if system == "full-width":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if system == "lower":
        return _positional(n, _LOWER, "十百千", "二")
    if system == "lower-two":
        return _positional(n, _LOWER, "十百千", "两")
    if system == "formal":
        return _positional(n, _FORMAL, "拾佰仟", "贰")
    if system == "formal-traditional":
        return _positional(n, _FORMAL_TRADITIONAL, "拾佰仟", "貳")
    if system == "digits":
        zero = draw(st.sampled_from("〇○零"))
        return "".join(zero if c == "0" else _LOWER[int(c)] for c in str(n))
    return _contracted(draw(st.integers(min_value=20, max_value=49)))


def test_the_numeral_writers() -> None:
    assert _positional(1020, _LOWER, "十百千", "二") == "一千零二十"
    assert _positional(12, _LOWER, "十百千", "二") == "十二"
    assert _positional(203, _FORMAL, "拾佰仟", "贰") == "贰佰零叁"
    assert _positional(200, _LOWER, "十百千", "两") == "两百"
    assert _contracted(23) == "廿三"


_NUMBER_CHARACTERS = frozenset(
    _LOWER + _FORMAL + _FORMAL_TRADITIONAL + "十百千拾佰仟两廿卅卌〇○0123456789０１２３４５６７８９"
)
_PLACES = st.lists(
    st.sampled_from(
        ["福建省", "莆田市", "城厢区", "龙桥街道", "凤山社区", "解放路", "幸福", "某某村", "人民路"]
    ),
    max_size=5,
).map("".join)
_AFTER = st.sampled_from(["", "宿舍", "大院", "小区", "附近", "凤山社区"])


@given(_PLACES, house_numbers(), st.sampled_from(["号", "號", "栋", "幢", "楼", "室", "组", "单元"]), _AFTER)
def test_any_house_number_is_masked(place: str, number: str, unit: str, after: str) -> None:
    address = place + number + unit + after
    masked = mask_address(address)
    assert masked.endswith("***"), (address, masked)
    assert not _NUMBER_CHARACTERS & set(masked), (address, masked)
    assert unit not in masked[len(place) :], (address, masked)
