"""Personal data of beneficiaries: masking for public notices (公示) and validation of identifiers.

Masks (for exports meant to be published):

* :func:`mask_id_number` — first 6 and last 4 characters kept (``110105********002X``);
* :func:`mask_phone` — a mobile keeps the first 3 and last 4 digits (``139****4859``);
* :func:`mask_name` — the first character kept, one ``*`` per remaining character (``欧**``);
* :func:`mask_address` — kept up to the community / village / residential compound, rest ``***``.

Validators and normalisers (for input):

* :func:`is_mobile`, :func:`normalize_mobile`, :func:`normalize_phone`;
* :func:`normalize_id_number` (GB 11643, through ``stdnum.cn.ric``), :func:`id_number_birth_date`,
  :func:`id_number_gender`;
* :func:`normalize_credit_code` (GB 32100 unified social credit code, through ``stdnum.cn.uscc``).

Conventions shared by every function here:

* Full-width characters (``１３９``, ``Ｘ``, ``－``) are read as their ASCII forms and whitespace
  (including the ideographic space U+3000) is ignored.
* A value that is not a ``str`` is a programming error and raises ``TypeError`` (as ``Yuan.parse``
  does); :func:`is_mobile` alone never raises and answers ``False``.
* A malformed ``str`` given to a normaliser raises :class:`~volunteer_core.errors.InvalidInput` whose
  ``.path`` names the field and whose bilingual message names the value and the failed check.
  A mask never raises on a ``str``: what it cannot recognise it hides completely.

>>> mask_id_number("11010519491231002X"), mask_phone("+86 139-1234-4859"), mask_name("欧阳修")
('110105********002X', '139****4859', '欧**')
>>> mask_address("福建省莆田市城厢区龙桥街道凤山社区8号楼2单元301")
'福建省莆田市城厢区龙桥街道凤山社区***'
>>> normalize_id_number("11010519491231002x")
'11010519491231002X'
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Literal

from stdnum import exceptions as _stdnum_exceptions
from stdnum.cn import ric as _ric
from stdnum.cn import uscc as _uscc

from volunteer_core.errors import InvalidInput

__all__ = [
    "id_number_birth_date",
    "id_number_gender",
    "is_mobile",
    "mask_address",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "normalize_credit_code",
    "normalize_id_number",
    "normalize_mobile",
    "normalize_phone",
]

# ---------------------------------------------------------------------------------------------------------
# shared helpers

# Full-width ASCII (U+FF01..U+FF5E) → ASCII, the ideographic space → a space, every dash → "-".
_TO_ASCII: dict[int, int] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_TO_ASCII[0x3000] = 0x20
_TO_ASCII.update({ord(dash): ord("-") for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63"})


def _require_str(func: str, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{func}() reads a str, not {type(value).__name__}")
    return value


def _compact(text: str) -> str:
    """Full-width → ASCII, every whitespace character removed (the result may be shorter)."""
    return "".join(text.translate(_TO_ASCII).split())


# ---------------------------------------------------------------------------------------------------------
# phones

_MOBILE = re.compile(r"1[3-9][0-9]{9}", re.ASCII)
# Area codes: 010 and 02X have three digits, every other (03XX..09XX) four, so the split is never
# ambiguous even without a dash. Local numbers have 7 or 8 digits and begin with 2-9.
_LANDLINE = re.compile(
    r"(?P<area>0(?:10|2[0-9]|[3-9][0-9]{2}))-?"
    r"(?P<local>[2-9][0-9]{2,3}-?[0-9]{4})"
    r"(?:(?:-|转|ext\.?|x|#)(?P<ext>[0-9]{1,6}))?",
    re.ASCII | re.IGNORECASE,
)
_COUNTRY_PREFIXES = ("+86", "0086")


def _mobile_digits(text: str) -> str | None:
    """The 11 digits of a mainland mobile written in ``text``, or None."""
    digits = re.sub(r"[-()]", "", _compact(text))
    for prefix in (*_COUNTRY_PREFIXES, "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
            break
    return digits if _MOBILE.fullmatch(digits) else None


def _landline_parts(text: str) -> tuple[str, str, str] | None:
    """``(area, local, extension)`` of a mainland fixed line written in ``text``, or None."""
    compact = _compact(text)
    for prefix in _COUNTRY_PREFIXES:  # +86 594 2345678: the trunk 0 is dropped abroad
        if compact.startswith(prefix):
            compact = compact[len(prefix) :].lstrip("-")
            if not compact.startswith(("0", "(0")):
                compact = "0" + compact.lstrip("(").replace(")", "-", 1)
            break
    compact = re.sub(r"^\((0[0-9]{2,3})\)-?", r"\1-", compact)  # (0594)2345678
    match = _LANDLINE.fullmatch(compact)
    if match is None:
        return None
    return match["area"], match["local"].replace("-", ""), match["ext"] or ""


def _phone_error(path: str, text: str, label_en: str, label_zh: str, en: str, zh: str) -> InvalidInput:
    if not _compact(text):
        return InvalidInput(
            path,
            text,
            code="input.required",
            message_en=f"{label_en} ({path}) is blank",
            message_zh=f"{label_zh}（{path}）为空",
        )
    return InvalidInput(
        path,
        text,
        message_en=f"{label_en} ({path}) {text!r} {en}",
        message_zh=f"{label_zh}（{path}）“{text}”{zh}",
    )


def is_mobile(text: object) -> bool:
    """Whether ``text`` is a mainland China mobile number (``1[3-9]`` and 9 more digits).

    A ``+86``, ``0086`` or ``86`` prefix, spaces, dashes and parentheses are ignored. Never raises:
    anything that is not a ``str`` is simply not a mobile number.

    Args:
        text: the value to test.

    Returns:
        True for a mobile number, False for anything else.

    >>> is_mobile("+86 139-1234-4859"), is_mobile("12912344859"), is_mobile(None)
    (True, False, False)
    """
    if not isinstance(text, str):
        return False
    try:
        return _mobile_digits(text) is not None
    except Exception:  # defensive: a predicate must never raise
        return False


def normalize_mobile(text: str, *, path: str = "phone") -> str:
    """The 11 digits of a mainland mobile number.

    Args:
        text: the number as written (``+86 139-1234-4859``, ``１３９１２３４４８５９``, …).
        path: the field named in the error.

    Returns:
        The 11 ASCII digits.

    Raises:
        TypeError: ``text`` is not a str.
        InvalidInput: ``text`` is not a mobile number.

    >>> normalize_mobile("(+86) 139 1234 4859")
    '13912344859'
    >>> normalize_mobile("0594-2345678")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ phone: ...
    """
    _require_str("normalize_mobile", text)
    digits = _mobile_digits(text)
    if digits is None:
        raise _phone_error(
            path,
            text,
            "mobile number",
            "手机号码",
            "is not a mainland mobile number (11 digits starting 13–19)",
            "无效：应为以13–19开头的11位数字",
        )
    return digits


def normalize_phone(text: str, *, path: str = "phone") -> str:
    """A mainland mobile (11 digits) or fixed-line number (``0XXX-XXXXXXX``, ``-ext``).

    A fixed line needs its area code; a local number has 7 or 8 digits and does not begin with
    0 or 1. An extension written ``-801``, ``转801``, ``ext801`` or ``#801`` is kept as ``-801``.

    Args:
        text: the number as written.
        path: the field named in the error.

    Returns:
        ``13912344859``, ``0594-2345678`` or ``010-87654321-801``.

    Raises:
        TypeError: ``text`` is not a str.
        InvalidInput: ``text`` is neither a mobile nor a fixed-line number.

    >>> normalize_phone("+86 139-1234-4859"), normalize_phone("(0594)2345678")
    ('13912344859', '0594-2345678')
    >>> normalize_phone("01087654321转8")
    '010-87654321-8'
    >>> normalize_phone("2345678", path="contact.phone")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ contact.phone: ...
    """
    _require_str("normalize_phone", text)
    if _MOBILE.fullmatch(text):
        # Already normal (a stored number is): skip the clean-up. Loading 100,000 members from a
        # database spent a fifth of its time re-normalising their phones (bench/bench_sql.py).
        return text
    digits = _mobile_digits(text)
    if digits is not None:
        return digits
    parts = _landline_parts(text)
    if parts is None:
        raise _phone_error(
            path,
            text,
            "phone number",
            "电话号码",
            "is neither a mainland mobile (11 digits starting 13–19) nor a fixed line with its area code "
            "(0594-2345678)",
            "无效：应为11位手机号码或带区号的固定电话（如0594-2345678）",
        )
    area, local, ext = parts
    return f"{area}-{local}" + (f"-{ext}" if ext else "")


def mask_phone(text: str) -> str:
    """Mask a phone number for a public notice.

    * a mobile keeps its first 3 and last 4 digits: ``139****4859`` (always written as 11 characters,
      whatever prefix or separators the input had);
    * a fixed line keeps its area code and the last 2 digits of the local number, the extension is
      hidden: ``0594-*****78``, ``010-******21-***``;
    * anything else is not recognised and every character is hidden (one ``*`` per non-space character).

    Args:
        text: the number as written.

    Returns:
        The masked number; ``""`` for a blank one.

    Raises:
        TypeError: ``text`` is not a str.

    >>> mask_phone("13912344859"), mask_phone("+86 139-1234-4859")
    ('139****4859', '139****4859')
    >>> mask_phone("0594-2345678"), mask_phone("010-87654321-801"), mask_phone("12345")
    ('0594-*****78', '010-******21-***', '*****')
    """
    _require_str("mask_phone", text)
    digits = _mobile_digits(text)
    if digits is not None:
        return f"{digits[:3]}****{digits[7:]}"
    parts = _landline_parts(text)
    if parts is not None:
        area, local, ext = parts
        return f"{area}-{'*' * (len(local) - 2)}{local[-2:]}" + (f"-{'*' * len(ext)}" if ext else "")
    return "*" * len(_compact(text))


# ---------------------------------------------------------------------------------------------------------
# names


def mask_name(text: str) -> str:
    """Mask a person's name: the first character, then one ``*`` per remaining character.

    Whitespace is ignored (forms often pad two-character names to the width of three: ``张　三``).
    Every character after the first is hidden, the middle dot of a transliterated name included
    (``买买提·艾力`` → ``买*****``). A one-character name becomes ``*``: keeping "the first character"
    would publish the whole name.

    Args:
        text: the name.

    Returns:
        The masked name, as long as the name without its whitespace; ``""`` for a blank name.

    Raises:
        TypeError: ``text`` is not a str.

    >>> mask_name("张三"), mask_name("欧阳修"), mask_name(" 张　三 ")
    ('张*', '欧**', '张*')
    >>> mask_name("张"), mask_name("买买提·艾力")
    ('*', '买*****')
    """
    _require_str("mask_name", text)
    name = "".join(text.split())
    if len(name) <= 1:
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


# ---------------------------------------------------------------------------------------------------------
# addresses

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


# ---------------------------------------------------------------------------------------------------------
# resident identity card numbers (GB 11643)

# Province-level prefixes of GB/T 2260 (83: residence permits of Taiwan residents).
_PROVINCES = frozenset(
    str(code)
    for code in (
        *(11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50),
        *(51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83),
    )
)


def _id_error(path: str, value: object, en: str, zh: str, code: str = "input.invalid") -> InvalidInput:
    return InvalidInput(
        path,
        value,
        code=code,
        message_en=f"ID number ({path}) {value!r}: {en}",
        message_zh=f"身份证号码（{path}）“{value}”{zh}",
    )


def mask_id_number(text: str) -> str:
    """Mask a resident identity card number for a public notice.

    * 18 characters: first 6 + ``*`` × 8 + last 4 (``110105********002X``);
    * 15 characters (a first-generation number): first 6 + ``*`` × 5 + last 4;
    * longer than 18: first 6 and last 4 kept, everything between hidden;
    * any other length (a mistyped number): every character hidden, since keeping 10 characters of
      a short value would reveal most of it.

    Whitespace is removed, full-width characters read as ASCII and ``x`` upper-cased first; the
    result is as long as that compact form. The number is not validated.

    Args:
        text: the ID number.

    Returns:
        The masked number; ``""`` for a blank one.

    Raises:
        TypeError: ``text`` is not a str.

    >>> mask_id_number("11010519491231002X"), mask_id_number("110105 19491231 002x")
    ('110105********002X', '110105********002X')
    >>> mask_id_number("110105491231002"), mask_id_number("1101051949")
    ('110105*****1002', '**********')
    """
    _require_str("mask_id_number", text)
    number = _compact(text).upper()
    size = len(number)
    if size == 18 or size == 15 or size > 18:
        return number[:6] + "*" * (size - 10) + number[-4:]
    return "*" * size


def normalize_id_number(text: str, *, path: str = "id_number") -> str:
    """Validate an 18-character resident identity card number (GB 11643) and return its compact form.

    Whitespace is removed, full-width characters are read as ASCII and a final ``x`` is upper-cased,
    then ``stdnum.cn.ric`` checks the length, the format (17 digits and a digit or ``X``), the check
    digit and that the birth date is a real date. The address code only has to belong to a
    province-level division: ``stdnum`` also rejects a county code created after the birth year, but
    people keep the code assigned when their number was issued (python-stdnum issue #442), so real
    numbers of elderly residents would be refused. 15-digit first-generation numbers are no longer
    valid and are refused. The birth date is not compared with today (the library never reads a clock).

    Args:
        text: the ID number as written.
        path: the field named in the error.

    Returns:
        The 18 characters, ``X`` upper-case.

    Raises:
        TypeError: ``text`` is not a str.
        InvalidInput: ``text`` is not a valid number; the message says which check failed.

    >>> normalize_id_number(" 110105 19491231 002x ")
    '11010519491231002X'
    >>> normalize_id_number("110105194912310021")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ id_number: ... check digit ...
    """
    _require_str("normalize_id_number", text)
    number = _compact(text).upper()
    if not number:
        raise _id_error(path, text, "is blank", "为空", code="input.required")
    try:
        return str(_ric.validate(number))
    except _stdnum_exceptions.InvalidLength:
        if len(number) == 15:
            raise _id_error(
                path,
                text,
                "15-digit first-generation numbers are no longer valid; give the 18-character number",
                "是15位的第一代号码，已停止使用，请填写18位号码",
            ) from None
        raise _id_error(
            path,
            text,
            f"wrong length: 18 characters expected, got {len(number)}",
            f"长度错误：应为18位，实际为{len(number)}位",
        ) from None
    except _stdnum_exceptions.InvalidFormat:
        raise _id_error(
            path,
            text,
            "wrong format: 17 digits then a digit or X expected",
            "格式错误：应为17位数字加1位数字或X",
        ) from None
    except _stdnum_exceptions.InvalidChecksum:
        raise _id_error(
            path,
            text,
            "the check digit (last character) does not match (GB 11643)",
            "校验码（末位）不符（GB 11643）",
        ) from None
    except _stdnum_exceptions.ValidationError:  # InvalidComponent: birth date or address code
        pass
    try:
        _ric.get_birth_date(number)
    except _stdnum_exceptions.ValidationError:
        raise _id_error(
            path,
            text,
            f"the birth date {number[6:10]}-{number[10:12]}-{number[12:14]} does not exist",
            f"出生日期{number[6:10]}-{number[10:12]}-{number[12:14]}不存在",
        ) from None
    if number[:2] not in _PROVINCES:
        raise _id_error(
            path,
            text,
            f"the address code {number[:6]} is not an administrative division (GB/T 2260)",
            f"地址码{number[:6]}不是行政区划代码（GB/T 2260）",
        )
    return number


def id_number_birth_date(text: str, *, path: str = "id_number") -> date:
    """The birth date written in a resident identity card number (validated first).

    Args:
        text: the ID number.
        path: the field named in the error.

    Returns:
        The date of digits 7–14.

    Raises:
        TypeError: ``text`` is not a str.
        InvalidInput: ``text`` is not a valid number (see :func:`normalize_id_number`).

    >>> id_number_birth_date("11010519491231002X")
    datetime.date(1949, 12, 31)
    """
    number = normalize_id_number(text, path=path)
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_number_gender(text: str, *, path: str = "id_number") -> Literal["male", "female"]:
    """The gender recorded in a resident identity card number: the 17th digit is odd for men.

    Args:
        text: the ID number.
        path: the field named in the error.

    Returns:
        ``"male"`` or ``"female"``.

    Raises:
        TypeError: ``text`` is not a str.
        InvalidInput: ``text`` is not a valid number (see :func:`normalize_id_number`).

    >>> id_number_gender("11010519491231002X"), id_number_gender("360426199101010071")
    ('female', 'male')
    """
    number = normalize_id_number(text, path=path)
    return "male" if int(number[16]) % 2 == 1 else "female"


# ---------------------------------------------------------------------------------------------------------
# unified social credit codes (GB 32100)


def normalize_credit_code(text: str, *, path: str = "credit_code") -> str:
    """Validate a unified social credit code (统一社会信用代码, GB 32100) and return its compact form.

    Whitespace and dashes are removed, full-width characters read as ASCII and letters upper-cased;
    ``stdnum.cn.uscc`` then checks the length (18), the format (8 digits, then 10 characters of
    ``0-9 A-H J-N P-R T U W-Y``: no I, O, S, V, Z) and the check character.

    Args:
        text: the code as written.
        path: the field named in the error.

    Returns:
        The 18 characters, upper-case.

    Raises:
        TypeError: ``text`` is not a str.
        InvalidInput: ``text`` is not a valid code; the message says which check failed.

    >>> normalize_credit_code("9111 0000 6000 3734 1l")
    '91110000600037341L'
    >>> normalize_credit_code("91110000600037341A")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ credit_code: ... check character ...
    """
    _require_str("normalize_credit_code", text)
    code = _compact(text).replace("-", "").upper()

    def error(en: str, zh: str, kind: str = "input.invalid") -> InvalidInput:
        return InvalidInput(
            path,
            text,
            code=kind,
            message_en=f"unified social credit code ({path}) {text!r}: {en}",
            message_zh=f"统一社会信用代码（{path}）“{text}”{zh}",
        )

    if not code:
        raise error("is blank", "为空", "input.required")
    try:
        return str(_uscc.validate(code))
    except _stdnum_exceptions.InvalidLength:
        raise error(
            f"wrong length: 18 characters expected, got {len(code)}",
            f"长度错误：应为18位，实际为{len(code)}位",
        ) from None
    except _stdnum_exceptions.InvalidChecksum:
        raise error(
            "the check character (last) does not match (GB 32100)", "校验码（末位）不符（GB 32100）"
        ) from None
    except _stdnum_exceptions.ValidationError:
        raise error(
            "wrong format: 8 digits then 10 of 0-9 and A-Y without I, O, S, V, Z expected",
            "格式错误：应为8位数字加10位数字或大写字母（不含I、O、S、V、Z）",
        ) from None
