"""Resident identity card numbers (居民身份证号码, GB 11643), checked through ``stdnum.cn.ric``.

:func:`validate` (= :func:`normalize_id_number`) returns the compact number or raises
:class:`~volunteer_core.errors.InvalidInput` naming the failed check; :func:`is_valid` never raises;
:func:`mask` (= :func:`mask_id_number`) hides it for a public notice; :func:`id_number_birth_date` and
:func:`id_number_gender` read what the number encodes.

>>> validate("11010519491231002x"), is_valid("110105194912310021"), mask("11010519491231002X")
('11010519491231002X', False, '110105********002X')
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from stdnum import exceptions as _stdnum_exceptions
from stdnum.cn import ric as _ric

from volunteer_core.errors import InvalidInput
from volunteer_core.privacy._text import compact as _compact
from volunteer_core.privacy._text import require_str as _require_str
from volunteer_core.privacy._text import shown as _shown

__all__ = [
    "id_number_birth_date",
    "id_number_gender",
    "is_valid",
    "mask",
    "mask_id_number",
    "normalize_id_number",
    "validate",
]

# Province-level prefixes of GB/T 2260 (83: residence permits of Taiwan residents).
_PROVINCES = frozenset(
    str(code)
    for code in (
        *(11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50),
        *(51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83),
    )
)


def _id_error(path: str, text: str, en: str, zh: str, code: str = "input.invalid") -> InvalidInput:
    """The error for ``text``: its value and messages carry the number masked (:func:`mask_id_number`:
    first 6 and last 4 kept when it has 15 or 18+ characters, every character hidden otherwise)."""
    masked = _shown(mask_id_number(text))
    return InvalidInput(
        path,
        masked,
        code=code,
        message_en=f"ID number ({path}) {masked!r}: {en}",
        message_zh=f"身份证号码（{path}）“{masked}”{zh}",
        personal=False,
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
        InvalidType: ``text`` is not a str (code ``input.type``; also a ``TypeError``).

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
        InvalidType: ``text`` is not a str (code ``input.type``; also a ``TypeError``).
        InvalidInput: ``text`` is not a valid number; the message says which check failed. Its value and
            messages carry the number masked as :func:`mask_id_number` masks it (a malformed number has
            every character hidden).

    >>> normalize_id_number(" 110105 19491231 002x ")
    '11010519491231002X'
    >>> normalize_id_number("110105194912310021")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ id_number: ... check digit ...
    """
    _require_str("normalize_id_number", text, path)
    number = _compact(text).upper()
    if not number:
        raise _id_error(path, text, "is blank", "为空", code="input.required")
    try:
        if len(number) != 18:  # as stdnum would say, without its slow clean-up of a long value
            raise _stdnum_exceptions.InvalidLength()
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
        raise _id_error(  # the digits are not repeated: a near-miss birth date is personal data too
            path,
            text,
            "the birth date (characters 7–14) does not exist",
            "出生日期（第7至14位）不存在",
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
        InvalidType: ``text`` is not a str (code ``input.type``; also a ``TypeError``).
        InvalidInput: ``text`` is not a valid number (see :func:`normalize_id_number`).

    >>> id_number_birth_date("11010519491231002X")
    datetime.date(1949, 12, 31)
    """
    number = normalize_id_number(_require_str("id_number_birth_date", text, path), path=path)
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_number_gender(text: str, *, path: str = "id_number") -> Literal["male", "female"]:
    """The gender recorded in a resident identity card number: the 17th digit is odd for men.

    Args:
        text: the ID number.
        path: the field named in the error.

    Returns:
        ``"male"`` or ``"female"``.

    Raises:
        InvalidType: ``text`` is not a str (code ``input.type``; also a ``TypeError``).
        InvalidInput: ``text`` is not a valid number (see :func:`normalize_id_number`).

    >>> id_number_gender("11010519491231002X"), id_number_gender("360426199101010071")
    ('female', 'male')
    """
    number = normalize_id_number(_require_str("id_number_gender", text, path), path=path)
    return "male" if int(number[16]) % 2 == 1 else "female"


def is_valid(text: object) -> bool:
    """Whether ``text`` is a valid 18-character ID number (:func:`normalize_id_number` accepts it).

    Never raises: anything that is not a ``str`` is simply not an ID number.

    >>> is_valid(" 110105 19491231 002x "), is_valid("110105194912310021"), is_valid(11010519491231002)
    (True, False, False)
    """
    if not isinstance(text, str):
        return False
    try:
        normalize_id_number(text)
    except InvalidInput:
        return False
    return True


#: :func:`normalize_id_number` under python-stdnum's name: the compact number, or InvalidInput.
validate = normalize_id_number
#: :func:`mask_id_number` under the name every identifier module of the package gives it.
mask = mask_id_number
