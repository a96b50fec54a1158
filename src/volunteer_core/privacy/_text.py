"""What the modules of :mod:`volunteer_core.privacy` share: full-width text read as ASCII, non-str refused.

>>> compact("１３９ １２３４\u3000４８５９")
'13912344859'
"""

from __future__ import annotations

__all__ = ["TO_ASCII", "compact", "require_str"]

# Full-width ASCII (U+FF01..U+FF5E) → ASCII, the ideographic space → a space, every dash → "-".
TO_ASCII: dict[int, int] = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
TO_ASCII[0x3000] = 0x20
TO_ASCII.update({ord(dash): ord("-") for dash in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63"})


def require_str(func: str, value: object) -> str:
    """``value`` itself if it is a ``str``; else ``TypeError`` naming the function ``func``.

    >>> require_str("mask_name", "张三")
    '张三'
    >>> require_str("mask_name", None)
    Traceback (most recent call last):
    ...
    TypeError: mask_name() reads a str, not NoneType
    """
    if not isinstance(value, str):
        raise TypeError(f"{func}() reads a str, not {type(value).__name__}")
    return value


def compact(text: str) -> str:
    """Full-width → ASCII, every whitespace character removed (the result may be shorter).

    >>> compact(" １１０１０５　19491231 002Ｘ ")
    '11010519491231002X'
    """
    return "".join(text.translate(TO_ASCII).split())
