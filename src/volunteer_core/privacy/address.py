"""Addresses: masked for a public notice, kept up to the community / village / residential compound.

>>> mask_address("福建省莆田市城厢区龙桥街道凤山社区8号楼2单元301")
'福建省莆田市城厢区龙桥街道凤山社区***'
"""

from __future__ import annotations

import re
import unicodedata

from volunteer_core.privacy._text import TO_ASCII as _TO_ASCII
from volunteer_core.privacy._text import require_str as _require_str

__all__ = ["mask_address"]

# Community / village / residential-compound markers, longest first so that 村委会 wins over 村.
_MARKER_WORDS = (
    "村民委员会",
    "居民委员会",
    "村委会",
    "居委会",
    "社区",
    "小区",
    "新村",
    "家园",
    "花园",
    "公寓",
    "大院",
    "宿舍",
    "山庄",
    "大厦",
    "广场",
    "村",
    "屯",
    "寨",
    "苑",
    "园",
    "里",
)
_MARKER = re.compile("|".join(sorted(_MARKER_WORDS, key=len, reverse=True)))
# Administrative units, down to the township / sub-district. 市 after 超/菜/集/夜/门 is a market.
_ADMIN = re.compile(r"特别行政区|街道办事处|街道办|街道|苏木|(?<![超菜集夜门股])市|省|州|盟|区|县|旗|镇|乡")
# The characters of a number written in Chinese: 〇 ○ 零 一 … 九 两 十 百 千, the formal (大写) 壹 … 玖 拾
# 佰 仟 (simplified and traditional forms) and the contractions 廿 (20), 卅 (30), 卌 (40). ASCII and
# full-width digits need no list: any digit bounds the kept part (see _address_bound).
_NUMERALS = "〇○零一二三四五六七八九十百千两兩壹贰貳叁參肆伍陆陸柒捌玖拾佰仟廿卄卅卌"
# What a house, building, unit, room or village-group number is counted in (simplified and traditional).
_UNITS = "号|號|栋|棟|幢|座|楼|樓|层|層|室|单元|單元|组|組|排|户|戶|弄|巷"
# A numbered sub-unit written in Chinese numerals: 十二号, 三组, 第五栋, 拾号, 壹佰号, 卅号.
_CJK_NUMBERED = re.compile(f"第?[{_NUMERALS}]+(?:{_UNITS})")
_NUMERALS_OR_ORDINAL = frozenset(_NUMERALS + "第")


def _address_bound(text: str) -> int:
    """Index of the first character that may start a house number: any digit (ASCII, full-width,
    circled, Roman, 〇…), any Latin letter (``A座``) or a numbered unit in Chinese numerals — and
    before any Chinese numeral written just before it (the 二 of ``二〇一号``, of ``二3号``)."""
    bound = len(text)
    for index, char in enumerate(text):
        if unicodedata.category(char) in ("Nd", "No", "Nl") or (char.isascii() and char.isalpha()):
            bound = index
            break
    match = _CJK_NUMBERED.search(text)
    if match is not None and match.start() < bound:
        bound = match.start()
    while bound > 0 and text[bound - 1] in _NUMERALS_OR_ORDINAL:
        bound -= 1
    return bound


def mask_address(text: str) -> str:
    """Mask an address for a public notice: keep the community / village / compound, hide the rest.

    The kept part ends after the last community, village or residential-compound marker (社区,
    居委会, 村委会, 村, 小区, 新村, 花园, 家园, 苑, 园, 公寓, 大院, 大厦, 里, …) or administrative
    unit (省, 市, 区, 县, 街道, 镇, 乡, …), whichever comes later, and always before the first
    character that may start a house number (any digit or Latin letter, or a numbered unit in Chinese
    numerals such as ``十二号`` or ``三组``): a house, building, unit, room or village-group number is
    never visible. Chinese numerals are read in every form a house number is written in: 一 … 九 and
    十百千 with 〇, ○, 零 and 两; the formal 壹贰叁肆伍陆柒捌玖拾佰仟 (traditional forms too); 廿, 卅 and
    卌; ASCII and full-width digits are digits. Without any marker or unit, at most the first 6
    characters are kept. Whatever is dropped is replaced by ``***``; an address with nothing to hide is
    returned unchanged.

    A marker found inside another word (the 里 of 里水镇, the 花园 of 花园路) can only make the kept
    part shorter than ideal, never reveal a number.

    Args:
        text: the address.

    Returns:
        The masked address (surrounding whitespace removed); ``""`` for a blank one.

    Raises:
        InvalidType: ``text`` is not a str (code ``input.type``; also a ``TypeError``).

    >>> mask_address("福建省莆田市城厢区龙桥街道凤山社区8号楼2单元301")
    '福建省莆田市城厢区龙桥街道凤山社区***'
    >>> mask_address("湖南省娄底市娄星区大科街道某某村3组12号")
    '湖南省娄底市娄星区大科街道某某村***'
    >>> mask_address("福建省莆田市荔城区幸福小区5栋")
    '福建省莆田市荔城区幸福小区***'
    >>> mask_address("上海市浦东新区张江镇碧波路690号"), mask_address("人民路十二号")
    ('上海市浦东新区张江镇***', '人民路***')
    >>> mask_address("解放路拾号宿舍"), mask_address("幸福路叁号大院"), mask_address("人民路卅号")
    ('解放路***', '幸福路***', '人民路***')
    """
    _require_str("mask_address", text)
    address = text.strip()
    ascii_address = address.translate(_TO_ASCII)  # one-to-one: indexes stay aligned
    bound = _address_bound(ascii_address)
    head = ascii_address[:bound]
    cut = max((m.end() for m in (*_MARKER.finditer(head), *_ADMIN.finditer(head))), default=0)
    if cut == 0:
        cut = min(6, bound)
    if cut >= len(address):
        return address
    return address[:cut] + "***"
