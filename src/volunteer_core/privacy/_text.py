"""What the modules of :mod:`volunteer_core.privacy` share: full-width text read as ASCII, non-str refused.

>>> compact("１３９ １２３４\u3000４８５９")
'13912344859'
"""

from __future__ import annotations

import re

from volunteer_core.errors import InvalidType

__all__ = ["MAX_SHOWN_LENGTH", "TO_ASCII", "compact", "require_str", "shown"]

#: The longest value an error or a repr shows (re-exported by :mod:`volunteer_core.privacy.personal`).
MAX_SHOWN_LENGTH = 40

# Full-width ASCII (U+FF01..U+FF5E) → ASCII, the ideographic space → a space, every dash → "-".
TO_ASCII: dict[int, int] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
TO_ASCII[0x3000] = 0x20
TO_ASCII.update({ord(dash): ord("-") for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63"})


def require_str(func: str, value: object, path: str = "text") -> str:
    """``value`` itself if it is a ``str``; else :class:`~volunteer_core.errors.InvalidType` (an
    ``InvalidInput`` that is also a ``TypeError``, code ``input.type``) at ``path`` naming the function
    ``func``. The wrong value is shown masked: it may be an ID number typed as a number.

    >>> require_str("mask_name", "张三")
    '张三'
    >>> require_str("normalize_id_number", 11010519491231002, "id_number")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidType: input.type @ id_number: normalize_id_number() 须为字符串，不是 int；...
    """
    if not isinstance(value, str):
        kind = type(value).__name__
        raise InvalidType(
            path,
            value,
            message_en=f"{func}() reads a str, not {kind}",
            message_zh=f"{func}() 须为字符串，不是 {kind}",
            personal=True,
        )
    return value


def compact(text: str) -> str:
    """Full-width → ASCII, every whitespace character removed (the result may be shorter).

    >>> compact(" １１０１０５　19491231 002Ｘ ")
    '11010519491231002X'
    """
    return "".join(text.translate(TO_ASCII).split())


# What a message must not carry raw: control characters, lone surrogates, line and paragraph separators.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """``text`` (a masked value) as a message carries it: control characters and lone surrogates escaped
    (``\\x00``), then cut to :data:`MAX_SHOWN_LENGTH` characters, the last being ``…``.

    >>> shown("*" * 50)
    '***************************************…'
    >>> shown("139****4859"), shown("110105********02X\\x00")
    ('139****4859', '110105********02X\\\\x00')
    """
    text = _UNSAFE.sub(_escape, text[: MAX_SHOWN_LENGTH * 2])
    return text if len(text) <= MAX_SHOWN_LENGTH else text[: MAX_SHOWN_LENGTH - 1] + "…"
