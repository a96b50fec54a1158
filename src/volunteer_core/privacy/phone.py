"""Mainland China phone numbers: mobiles (``1[3-9]`` + 9 digits) and fixed lines with their area code.

:func:`validate` (= :func:`normalize_phone`) returns a number's normal form or raises
:class:`~volunteer_core.errors.InvalidInput`; :func:`is_valid` never raises; :func:`mask`
(= :func:`mask_phone`) hides it for a public notice. :func:`is_mobile` and :func:`normalize_mobile`
accept mobiles only.

>>> validate("+86 139-1234-4859"), is_valid("0594-2345678"), mask("13912344859")
('13912344859', True, '139****4859')
"""

from __future__ import annotations

import re

from volunteer_core.errors import InvalidInput
from volunteer_core.privacy._text import compact as _compact
from volunteer_core.privacy._text import require_str as _require_str
from volunteer_core.privacy._text import shown as _shown

__all__ = [
    "is_mobile",
    "is_valid",
    "mask",
    "mask_phone",
    "normalize_mobile",
    "normalize_phone",
    "validate",
]

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
    """The error for ``text``: its value and messages carry the number masked (:func:`mask_phone`: a
    mobile or fixed line shown as a public notice shows it, anything else with every character hidden)."""
    if not _compact(text):
        return InvalidInput(
            path,
            "",
            code="input.required",
            message_en=f"{label_en} ({path}) is blank",
            message_zh=f"{label_zh}（{path}）为空",
            personal=False,
        )
    masked = _shown(mask_phone(text))
    return InvalidInput(
        path,
        masked,
        message_en=f"{label_en} ({path}) {masked!r} {en}",
        message_zh=f"{label_zh}（{path}）“{masked}”{zh}",
        personal=False,
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
        InvalidType: ``text`` is not a str (code ``input.type``; also a ``TypeError``).
        InvalidInput: ``text`` is not a mobile number.

    >>> normalize_mobile("(+86) 139 1234 4859")
    '13912344859'
    >>> normalize_mobile("0594-2345678")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ phone: ...
    """
    _require_str("normalize_mobile", text, path)
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
        InvalidType: ``text`` is not a str (code ``input.type``; also a ``TypeError``).
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
    _require_str("normalize_phone", text, path)
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
        InvalidType: ``text`` is not a str (code ``input.type``; also a ``TypeError``).

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


def is_valid(text: object) -> bool:
    """Whether ``text`` is a mainland mobile or fixed-line number (:func:`normalize_phone` accepts it).

    Never raises: anything that is not a ``str`` is simply not a phone number.

    >>> is_valid("010-87654321转801"), is_valid("2345678"), is_valid(None)
    (True, False, False)
    """
    if not isinstance(text, str):
        return False
    try:
        normalize_phone(text)
    except InvalidInput:
        return False
    return True


#: :func:`normalize_phone` under python-stdnum's name: the normal form, or InvalidInput.
validate = normalize_phone
#: :func:`mask_phone` under the name every identifier module of the package gives it.
mask = mask_phone
