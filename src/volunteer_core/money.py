"""Exact money: :class:`Yuan`, counted in fen (分), never a float.

>>> Yuan("300") == Yuan.parse("300元") == Yuan.parse("¥300.00")
True
>>> str(Yuan("12.5") + Yuan(1))
'13.50'
>>> Yuan("1.001")
Traceback (most recent call last):
...
volunteer_core.errors.InvalidInput: input.invalid @ value: ...

No amount exceeds :data:`MAX_YUAN`; a larger one (``Yuan(10**30)``, a 5,000-digit string) is an
``InvalidInput`` with code ``input.too_large``, and a value of the wrong type (``None``, a float) an
:class:`~volunteer_core.errors.InvalidType` (an ``InvalidInput`` that is also a ``TypeError``).
"""

from __future__ import annotations

import re
from decimal import Decimal, DecimalException
from typing import Any, SupportsIndex

from volunteer_core.errors import InvalidInput, InvalidType

__all__ = ["MAX_FEN", "MAX_YUAN", "Yuan", "coerce_yuan"]

#: The largest amount of money, in fen: 10^14 fen = 1,000,000,000,000.00 yuan (a trillion yuan). No wish,
#: pledge or cap comes near it, and it sits far inside what an SQL ``BIGINT`` of fen holds (9.2 × 10^18).
MAX_FEN = 10**14

_MAX_INT_DIGITS = len(str(MAX_FEN // 100))
_CENT = Decimal("0.01")

_PLAIN = re.compile(r"^(?P<int>\d+)(?:\.(?P<frac>\d+))?$")
_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_PREFIXES = ("¥", "￥", "RMB", "rmb", "CNY", "cny")
_SUFFIXES = ("元整", "元", "圆整", "圆", "块钱", "块")

#: How many characters of a refused text an error shows (the rest is elided).
_SHOWN = 40


def _shown(value: object) -> object:
    """``value`` as an error may hold it: a long text cut short, a huge number described, not written out
    (``str`` of an int over 4,300 digits raises ``ValueError``)."""
    if isinstance(value, str) and len(value) > _SHOWN:
        return f"{value[:_SHOWN]}…({len(value)} chars)"
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"<an integer of about {round(value.bit_length() * 0.30103)} digits>"
    if isinstance(value, Decimal) and len(value.as_tuple().digits) > _SHOWN:
        return f"<a decimal of {len(value.as_tuple().digits)} digits>"
    return value


def _bad(value: object, en: str, zh: str) -> InvalidInput:
    return InvalidInput("value", _shown(value), code="input.invalid", message_en=en, message_zh=zh)


def _too_large(value: object) -> InvalidInput:
    return InvalidInput(
        "value",
        _shown(value),
        code="input.too_large",
        message_en=f"more than the largest amount, {MAX_FEN // 100} yuan",
        message_zh=f"超过金额上限 {MAX_FEN // 100} 元",
    )


def _wrong_type(value: object, en: str, zh: str) -> InvalidType:
    shown = "None" if value is None else type(value).__name__
    return InvalidType(
        "value", _shown(value), message_en=f"{en}, not {shown}", message_zh=f"{zh}，而不是 {shown}"
    )


def _fen_from_text(text: str, original: object) -> int:
    match = _PLAIN.match(text)
    if match is None:
        raise _bad(original, "not an amount of yuan like '300' or '12.50'", "不是形如“300”或“12.50”的金额")
    whole = match["int"].lstrip("0")
    if len(whole) > _MAX_INT_DIGITS:  # before int(): Python refuses to read over 4,300 digits
        raise _too_large(original)
    frac = (match["frac"] or "").rstrip("0")
    if len(frac) > 2:
        raise _bad(original, "more precise than one fen (0.01 yuan)", "精度超过一分（0.01元）")
    return int(whole or "0") * 100 + int(frac.ljust(2, "0"))


def _fen_from_decimal(value: Decimal) -> int:
    try:
        if not value.is_finite():
            raise _bad(value, "not a finite amount", "不是有限金额")
        if value < 0:
            raise _bad(value, "money is never negative", "金额不能为负")
        if value > MAX_FEN // 100:  # compared before any arithmetic: the exponent may be huge
            raise _too_large(value)
        cents = value.quantize(_CENT)
        if cents != value:
            raise _bad(value, "more precise than one fen (0.01 yuan)", "精度超过一分（0.01元）")
        return int(cents.scaleb(2))
    except DecimalException:
        raise _bad(value, "not an amount of yuan", "不是金额") from None


class Yuan:
    """An exact, non-negative amount of money in yuan, kept as an integer number of fen.

    Accepts an ``int`` (whole yuan), a ``str`` (``"300"``, ``"12.50"``) or a ``Decimal``, from 0 to
    :data:`MAX_YUAN`. A ``float`` (inexact) or any other type raises
    :class:`~volunteer_core.errors.InvalidType` (a ``TypeError`` too); a malformed string, a sub-fen
    precision or a negative amount raises :class:`~volunteer_core.errors.InvalidInput`, an amount over
    :data:`MAX_YUAN` one with code ``input.too_large``.

    >>> Yuan(300).fen
    30000
    >>> Yuan("1.000")
    Yuan('1.00')
    >>> sum([Yuan("0.10"), Yuan("0.20")], Yuan(0)) == Yuan("0.30")
    True
    >>> Yuan(0.3)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidType: input.type @ value: 浮点数不精确，请用字符串或 Decimal；Yuan does not accept float 0.3: use a str or Decimal (value: 0.3)
    >>> Yuan(10**30)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.too_large @ value: ...

    .. versionadded:: 0.1.0
    """

    __slots__ = ("_fen",)
    _fen: int

    def __init__(self, value: int | str | Decimal | Yuan) -> None:
        if isinstance(value, Yuan):
            fen = value._fen
        elif isinstance(value, bool):
            raise _wrong_type(value, "Yuan does not accept a bool", "金额不能是布尔值")
        elif isinstance(value, float):
            raise InvalidType(
                "value",
                value,
                message_en=f"Yuan does not accept float {value!r}: use a str or Decimal",
                message_zh="浮点数不精确，请用字符串或 Decimal",
            )
        elif isinstance(value, int):
            if value > MAX_FEN // 100:
                raise _too_large(value)
            fen = value * 100
        elif isinstance(value, Decimal):
            fen = _fen_from_decimal(value)
        elif isinstance(value, str):
            text = value.strip()
            negative = text.startswith("-")
            fen = _fen_from_text(text[1:] if negative else text, value)
            if negative and fen:
                fen = -fen
            elif fen > MAX_FEN:
                raise _too_large(value)
        else:
            raise _wrong_type(value, "Yuan accepts int, str or Decimal", "金额须为整数、字符串或 Decimal")
        if fen < 0:
            raise _bad(value, "money is never negative", "金额不能为负")
        object.__setattr__(self, "_fen", fen)

    @classmethod
    def from_fen(cls, fen: int) -> Yuan:
        """Build from an integer number of fen (0 to :data:`MAX_FEN`).

        >>> Yuan.from_fen(30001)
        Yuan('300.01')
        """
        if isinstance(fen, bool) or not isinstance(fen, int):
            raise _wrong_type(fen, "fen must be an int", "分数须为整数")
        result = cls.__new__(cls)
        if fen < 0:
            raise _bad(fen, "money is never negative", "金额不能为负")
        if fen > MAX_FEN:
            raise _too_large(_shown(fen) if fen.bit_length() > 64 else Decimal(fen).scaleb(-2))
        object.__setattr__(result, "_fen", fen)
        return result

    @classmethod
    def parse(cls, text: str) -> Yuan:
        """Read money as people write it: ``"300元"``, ``"¥12.5"``, ``"300.00"``, ``"1,000元"``.

        Chinese numerals (``"三百元"``) are not read here: they belong to the forms layer.

        >>> Yuan.parse(" ￥12.5 ")
        Yuan('12.50')
        >>> Yuan.parse("1,200.00元")
        Yuan('1200.00')
        >>> Yuan.parse("三百元")
        Traceback (most recent call last):
        ...
        volunteer_core.errors.InvalidInput: input.invalid @ value: ...
        """
        if isinstance(text, Yuan):
            return text
        if not isinstance(text, str):
            raise _wrong_type(text, "Yuan.parse reads a str", "Yuan.parse 读取字符串")
        body = text.strip()
        for prefix in _PREFIXES:
            if body.startswith(prefix):
                body = body[len(prefix) :].strip()
                break
        for suffix in _SUFFIXES:
            if body.endswith(suffix):
                body = body[: -len(suffix)].strip()
                break
        if _GROUPED.match(body):
            body = body.replace(",", "")
        if not body:
            raise _bad(text, "no amount given", "未给出金额")
        return cls.from_fen(_fen_from_text(body, text))

    @property
    def fen(self) -> int:
        """The amount in fen (1 yuan = 100 fen)."""
        return self._fen

    @property
    def decimal(self) -> Decimal:
        """The amount as a ``Decimal`` with two places.

        >>> Yuan(3).decimal
        Decimal('3.00')
        """
        return Decimal(self._fen).scaleb(-2)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Yuan is immutable")

    def __str__(self) -> str:
        return f"{self._fen // 100}.{self._fen % 100:02d}"

    def __repr__(self) -> str:
        return f"Yuan('{self}')"

    def __hash__(self) -> int:
        return hash(("Yuan", self._fen))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Yuan):
            return self._fen == other._fen
        return NotImplemented

    def __lt__(self, other: Yuan) -> bool:
        if not isinstance(other, Yuan):
            return NotImplemented
        return self._fen < other._fen

    def __le__(self, other: Yuan) -> bool:
        if not isinstance(other, Yuan):
            return NotImplemented
        return self._fen <= other._fen

    def __gt__(self, other: Yuan) -> bool:
        if not isinstance(other, Yuan):
            return NotImplemented
        return self._fen > other._fen

    def __ge__(self, other: Yuan) -> bool:
        if not isinstance(other, Yuan):
            return NotImplemented
        return self._fen >= other._fen

    def __bool__(self) -> bool:
        return self._fen != 0

    def __add__(self, other: Yuan) -> Yuan:
        if not isinstance(other, Yuan):
            return NotImplemented
        return Yuan.from_fen(self._fen + other._fen)

    def __radd__(self, other: object) -> Yuan:
        # sum() starts from the int 0
        if isinstance(other, int) and not isinstance(other, bool) and other == 0:
            return self
        return NotImplemented

    def __sub__(self, other: Yuan) -> Yuan:
        if not isinstance(other, Yuan):
            return NotImplemented
        fen = self._fen - other._fen
        if fen < 0:
            raise InvalidInput(
                "value",
                f"{self} - {other}",
                code="input.invalid",
                message_en=f"{self} - {other} would be negative",
                message_zh=f"{self} - {other} 结果为负",
            )
        return Yuan.from_fen(fen)

    def __mul__(self, factor: SupportsIndex) -> Yuan:
        if isinstance(factor, bool | float) or not hasattr(factor, "__index__"):
            return NotImplemented
        return Yuan.from_fen(self._fen * factor.__index__())

    __rmul__ = __mul__

    def __reduce__(self) -> tuple[Any, ...]:
        return (Yuan.from_fen, (self._fen,))


def coerce_yuan(value: object) -> Yuan:
    """Accept what ``Yuan()`` accepts (a Yuan passes through): how fields and policies read money.

    Anything that is not a ``Yuan``, ``int``, ``str`` or ``Decimal`` (a ``float`` too) is an
    :class:`~volunteer_core.errors.InvalidType` (a ``TypeError`` too) naming its type, and a bad amount an
    ``InvalidInput``.

    >>> coerce_yuan("12.5"), coerce_yuan(300)
    (Yuan('12.50'), Yuan('300.00'))
    >>> cap = Yuan(300)
    >>> coerce_yuan(cap) is cap
    True
    >>> coerce_yuan([300])
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidType: input.type @ value: 金额须为 Yuan、整数、字符串或 Decimal，而不是 list；money must be Yuan, int, str or Decimal, not list ...
    """
    if isinstance(value, Yuan):
        return value
    if isinstance(value, float):
        raise InvalidType(
            "value",
            value,
            message_en=f"money does not accept float {value!r}: use a str or Decimal",
            message_zh="浮点数不精确，请用字符串或 Decimal",
        )
    if isinstance(value, int | str | Decimal):
        return Yuan(value)
    raise _wrong_type(
        value, "money must be Yuan, int, str or Decimal", "金额须为 Yuan、整数、字符串或 Decimal"
    )


#: The largest amount of money: :data:`MAX_FEN` fen, a trillion yuan.
MAX_YUAN = Yuan.from_fen(MAX_FEN)
