"""Unified social credit codes (统一社会信用代码, GB 32100), checked through ``stdnum.cn.uscc``.

:func:`validate` (= :func:`normalize_credit_code`) returns the compact code or raises
:class:`~volunteer_core.errors.InvalidInput` naming the failed check; :func:`is_valid` never raises. A
unit's code is public information: nothing masks it.

>>> validate("9111-0000-6000-3734-1l"), is_valid("91110000600037341A")
('91110000600037341L', False)
"""

from __future__ import annotations

from stdnum import exceptions as _stdnum_exceptions
from stdnum.cn import uscc as _uscc

from volunteer_core.errors import InvalidInput
from volunteer_core.privacy._text import compact as _compact
from volunteer_core.privacy._text import require_str as _require_str
from volunteer_core.privacy._text import shown as _shown

__all__ = ["is_valid", "normalize_credit_code", "validate"]


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
        InvalidType: ``text`` is not a str (code ``input.type``; also a ``TypeError``).
        InvalidInput: ``text`` is not a valid code; the message says which check failed.

    >>> normalize_credit_code("9111 0000 6000 3734 1l")
    '91110000600037341L'
    >>> normalize_credit_code("91110000600037341A")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ credit_code: ... check character ...
    """
    _require_str("normalize_credit_code", text, path)
    code = _compact(text).replace("-", "").upper()

    def error(en: str, zh: str, kind: str = "input.invalid") -> InvalidInput:
        written = _shown(text)  # a unit's code is public, but a 10 MB one is not repeated
        return InvalidInput(
            path,
            written,
            code=kind,
            message_en=f"unified social credit code ({path}) {written!r}: {en}",
            message_zh=f"统一社会信用代码（{path}）“{written}”{zh}",
        )

    if not code:
        raise error("is blank", "为空", "input.required")
    try:
        if len(code) != 18:  # as stdnum would say, without its slow clean-up of a long value
            raise _stdnum_exceptions.InvalidLength()
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


def is_valid(text: object) -> bool:
    """Whether ``text`` is a valid unified social credit code (:func:`normalize_credit_code` accepts it).

    Never raises: anything that is not a ``str`` is simply not a code.

    >>> is_valid("91110000600037341L"), is_valid("91110000600037341A"), is_valid(None)
    (True, False, False)
    """
    if not isinstance(text, str):
        return False
    try:
        normalize_credit_code(text)
    except InvalidInput:
        return False
    return True


#: :func:`normalize_credit_code` under python-stdnum's name: the compact code, or InvalidInput.
validate = normalize_credit_code
