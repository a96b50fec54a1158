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
# A numbered sub-unit written in Chinese numerals: 十二号, 三组, 第五栋.
_CJK_NUMBERED = re.compile(
    r"第?[零〇一二三四五六七八九十百千两]+(?:号|栋|幢|座|楼|层|室|单元|组|排|户|弄|巷)"
)


def _address_bound(text: str) -> int:
    """Index of the first character that may start a house number: any digit (ASCII, full-width,
    circled, Roman…), any Latin letter (``A座``) or a numbered unit in Chinese numerals."""
    bound = len(text)
    for index, char in enumerate(text):
        if unicodedata.category(char) in ("Nd", "No", "Nl") or (char.isascii() and char.isalpha()):
            bound = index
            break
    match = _CJK_NUMBERED.search(text, 0, bound)
    return match.start() if match else bound


def mask_address(text: str) -> str:
    """Mask an address for a public notice: keep the community / village / compound, hide the rest.

    The kept part ends after the last community, village or residential-compound marker (社区,
    居委会, 村委会, 村, 小区, 新村, 花园, 家园, 苑, 园, 公寓, 大院, 大厦, 里, …) or administrative
    unit (省, 市, 区, 县, 街道, 镇, 乡, …), whichever comes later, and always before the first
    character that may start a house number (any digit or Latin letter, or a numbered unit in Chinese
    numerals such as ``十二号`` or ``三组``): a house, building, unit, room or village-group number is
    never visible. Without any marker or unit, at most the first 6 characters are kept. Whatever is
    dropped is replaced by ``***``; an address with nothing to hide is returned unchanged.

    A marker found inside another word (the 里 of 里水镇, the 花园 of 花园路) can only make the kept
    part shorter than ideal, never reveal a number.

    Args:
        text: the address.

    Returns:
        The masked address (surrounding whitespace removed); ``""`` for a blank one.

    Raises:
        TypeError: ``text`` is not a str.

    >>> mask_address("福建省莆田市城厢区龙桥街道凤山社区8号楼2单元301")
    '福建省莆田市城厢区龙桥街道凤山社区***'
    >>> mask_address("湖南省娄底市娄星区大科街道某某村3组12号")
    '湖南省娄底市娄星区大科街道某某村***'
    >>> mask_address("福建省莆田市荔城区幸福小区5栋")
    '福建省莆田市荔城区幸福小区***'
    >>> mask_address("上海市浦东新区张江镇碧波路690号"), mask_address("人民路十二号")
    ('上海市浦东新区张江镇***', '人民路***')
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
