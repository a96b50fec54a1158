"""Reading and writing single cells: the formula-injection guard, money as people write it, dates,
性别, 年龄 and the labels of categories and kinds.

Every reader returns the value or raises :class:`CellError` (an :class:`~volunteer_core.errors.InvalidInput`
with a code and a bilingual message), whatever it is given: a 5,000-digit number, a control character, a
list. The import turns that into a :class:`~volunteer_core.forms.RowError` naming the row and the column.
A refused value is shown escaped and cut short in the message (:data:`SHOWN_CHARS`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, TypeVar

from volunteer_core.errors import InvalidInput
from volunteer_core.model.enums import BeneficiaryCategory, Gender, WishKind
from volunteer_core.money import Yuan

__all__ = [
    "MAX_AMOUNT_CHARS",
    "MAX_CELL_CHARS",
    "SHOWN_CHARS",
    "CellError",
    "guard",
    "is_blank",
    "needs_quote_prefix",
    "read_age",
    "read_category",
    "read_date",
    "read_gender",
    "read_money",
    "read_text",
    "read_wish_kind",
    "unguard",
]

E = TypeVar("E", bound=Enum)


#: The longest text a cell may hold, in characters: Excel's own limit (32,767). A longer cell in a file
#: makes the reader refuse the file (``input.too_large``).
MAX_CELL_CHARS = 32_767
_MAX_CELL_BITS = MAX_CELL_CHARS * 10 // 3 + 1  # an integer of more bits has more than MAX_CELL_CHARS digits
#: The longest money cell, in characters (``"玖仟玖佰玖拾玖万玖仟玖佰玖拾玖元玖角玖分"`` has 20): a longer one is
#: refused (``input.too_large``) before any numeral is read.
MAX_AMOUNT_CHARS = 64
#: How many characters of a refused cell a message shows; the rest is elided.
SHOWN_CHARS = 40


class CellError(InvalidInput):
    """A cell that cannot be read: an :class:`~volunteer_core.errors.InvalidInput` with ``code``
    (``input.invalid``, ``input.required``, ``input.too_large`` …) and why, in Chinese and English.

    >>> err = CellError("input.invalid", "“x”不是金额", "'x' is not an amount", value="x")
    >>> isinstance(err, InvalidInput), err.code, str(err)
    (True, 'input.invalid', "input.invalid: “x”不是金额；'x' is not an amount")
    """

    def __init__(self, code: str, message_zh: str, message_en: str, *, value: object = None) -> None:
        super().__init__("", value, code=code, message_en=message_en, message_zh=message_zh)

    def __str__(self) -> str:
        return f"{self.code}: {self.message_zh}；{self.message_en}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.code, self.message_zh, self.message_en, self.value))


def _rebuild(code: str, message_zh: str, message_en: str, value: object) -> CellError:
    return CellError(code, message_zh, message_en, value=value)


_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(value: object) -> str:
    r"""A cell as a message may show it: control characters and lone surrogates escaped (a terminal prints
    it safely), cut to :data:`SHOWN_CHARS` characters, a huge number described rather than written out.

    >>> shown("三百五"), shown("a\x1b[2Jb"), shown("9" * 5000)[:12], shown(10**5000)
    ('三百五', 'a\\x1b[2Jb', '999999999999', '<a number of about 5001 digits>')
    """
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"<a number of about {int(value.bit_length() * 0.30103) + 1} digits>"
    if isinstance(value, Decimal) and len(value.as_tuple().digits) > SHOWN_CHARS:
        return f"<a number of {len(value.as_tuple().digits)} digits>"
    if isinstance(value, str | int | float | Decimal | date | None):
        text = str(value)
    else:
        text = f"<{type(value).__name__}>"
    if len(text) > SHOWN_CHARS:
        text = f"{text[:SHOWN_CHARS]}…({len(text)} chars)"
    return _UNPRINTABLE.sub(_escape, text)


def _invalid(value: object, zh: str, en: str) -> CellError:
    text = shown(value)
    return CellError("input.invalid", f"“{text}”{zh}", f"'{text}' {en}", value=text)


def _too_long(value: str, limit: int, zh: str, en: str) -> CellError:
    text = shown(value)
    return CellError(
        "input.too_large",
        f"“{text}”有 {len(value)} 个字符，超过{zh}的上限 {limit}",
        f"'{text}' has {len(value)} characters, more than the limit of {limit} for {en}",
        value=text,
    )


# -- the formula-injection guard (OWASP "CSV injection") ---------------------------------------------

#: Characters that make a spreadsheet read a cell as a formula (or hide what follows).
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_GUARD = re.compile(r"^'*[=+\-@\t\r]")
_GUARDED = re.compile(r"^'+[=+\-@\t\r]")


def guard(text: str) -> str:
    """The text as a CSV cell: one ``'`` in front when it would start a formula.

    A text that already begins with apostrophes before a trigger gets one more, so that
    :func:`unguard` gives back exactly the original.

    >>> guard("=1+1"), guard("+86 139"), guard("'=x"), guard("it's"), guard("张三")
    ("'=1+1", "'+86 139", "''=x", "it's", '张三')
    """
    return "'" + text if _NEEDS_GUARD.match(text) else text


def needs_quote_prefix(text: str) -> bool:
    """Whether an XLSX text cell must carry Excel's quote prefix (it starts like a formula)."""
    return _NEEDS_GUARD.match(text) is not None


def unguard(text: str) -> str:
    """Remove the guard :func:`guard` put in front of a text (one ``'`` before a trigger).

    >>> unguard("'=1+1"), unguard("''=x"), unguard("'abc"), unguard("=raw")
    ('=1+1', "'=x", "'abc", '=raw')
    """
    return text[1:] if _GUARDED.match(text) else text


# -- plain cells -------------------------------------------------------------------------------------

#: What forms write in an optional cell to say "nothing".
_EMPTY_MARKS = frozenset({"无", "/", "-", "—", "——", "－", "\\"})


def read_text(value: object) -> str:
    """A cell as text: stripped, the guard removed, numbers written without a trailing ``.0``.

    A number too long to write out (more than :data:`MAX_CELL_CHARS` digits) raises :class:`CellError`
    (``input.too_large``); the readers never produce one.

    >>> read_text(" '=1+1 "), read_text(300.0), read_text(True)
    ('=1+1', '300', '是')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int) and value.bit_length() > 64:
        # str() of an int over 4,300 digits raises ValueError; Decimal writes it out, within the cell limit
        text = str(Decimal(value)) if value.bit_length() <= _MAX_CELL_BITS else ""
        if not text or len(text) > MAX_CELL_CHARS:
            raise CellError(
                "input.too_large",
                f"{shown(value)}超过单元格上限 {MAX_CELL_CHARS} 个字符",
                f"{shown(value)} is longer than the limit of {MAX_CELL_CHARS} characters for a cell",
                value=shown(value),
            )
        return text
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return unguard(str(value).strip()).strip()


def is_blank(text: str) -> bool:
    """Whether a cell's text says nothing: empty, or a conventional mark for "none" (无, /, —)."""
    return not text or text in _EMPTY_MARKS


# -- money -------------------------------------------------------------------------------------------

_CN_DIGITS = "零一二三四五六七八九壹贰叁肆伍陆柒捌玖"
_CN_UNITS = "十百千万拾佰仟"
_CN_CHARS = frozenset(_CN_DIGITS + _CN_UNITS + "两〇貳參陸萬点點元圆块角毛分整正")
_CN_AMOUNT = re.compile(
    r"^(?P<yuan>[^元圆块角毛分]*)"
    r"(?:[元圆块](?:(?P<jiao>[^元圆块角毛分])[角毛])?(?:(?P<fen>[^元圆块角毛分])分)?)?"
    r"[整正]?$"
)
_CN_PREFIXES = ("人民币", "¥", "RMB", "CNY")


def _cn_integer(text: str, original: str) -> int:
    """A Chinese-numeral integer through cn2an's strict mode (no guessing: 三百五 is refused)."""
    try:
        import cn2an
    except ImportError as err:  # pragma: no cover - cn2an is a dependency of the forms
        raise CellError(
            "input.invalid",
            f"“{shown(original)}”：读取中文数字需要 cn2an（pip install cn2an）",
            f"'{shown(original)}': reading Chinese numerals needs cn2an (pip install cn2an)",
        ) from err
    try:
        number = cn2an.cn2an(text, "strict")
    except Exception:  # cn2an's errors are not a documented family: any of them means "not a numeral"
        raise _invalid(original, "不是可以确定的金额", "is not an amount that can be read exactly") from None
    if isinstance(number, bool) or not isinstance(number, int) or number < 0:
        raise _invalid(original, "不是可以确定的金额", "is not an amount that can be read exactly")
    return number


def _cn_digit(char: str, original: str) -> int:
    number = _cn_integer(char, original)
    if not 0 <= number <= 9:
        raise _invalid(original, "不是可以确定的金额", "is not an amount that can be read exactly")
    return number


def _chinese_amount(text: str, original: str) -> Yuan:
    """三百元, 贰佰伍拾元整, 一百二十元五角, 三百点五 → exact fen."""
    body = text.replace("两", "二").replace("〇", "零").replace("貳", "贰").replace("參", "叁")
    body = body.replace("陸", "陆").replace("萬", "万").replace("點", "点")
    match = _CN_AMOUNT.match(body)
    if match is None or (not match["yuan"] and not match["jiao"] and not match["fen"]):
        raise _invalid(original, "不是可以确定的金额", "is not an amount that can be read exactly")
    whole, _, fraction = (match["yuan"] or "零").partition("点")
    if "点" in fraction or (fraction and (match["jiao"] or match["fen"])):
        raise _invalid(original, "不是可以确定的金额", "is not an amount that can be read exactly")
    fen = _cn_integer(whole, original) * 100
    if fraction:
        digits = [_cn_digit(char, original) for char in fraction]
        while digits and digits[-1] == 0:
            digits.pop()
        if len(digits) > 2:
            raise _invalid(original, "精度超过一分（0.01元）", "is more precise than one fen (0.01 yuan)")
        fen += sum(d * 10 ** (1 - i) for i, d in enumerate(digits))
    if match["jiao"]:
        fen += _cn_digit(match["jiao"], original) * 10
    if match["fen"]:
        fen += _cn_digit(match["fen"], original)
    return Yuan.from_fen(fen)


def read_money(value: object) -> Yuan | None:
    """Money as people write it, read exactly: ``300``, ``"300元"``, ``"¥300"``, ``"300.00"``,
    ``"1,200元"``, ``"三百元"``, ``"贰佰伍拾元整"``, ``"一百二十元五角"``. ``None`` for a blank cell.

    Chinese numerals go through cn2an in its strict mode; anything that could be read more than one
    way (``"三百五"``, ``"300-500元"``, ``"约300元"``, ``"3百元"``) raises :class:`CellError` — never a guess.

    >>> [str(read_money(v)) for v in ("300元", "¥300", "300.00", "三百元", "贰佰伍拾元", 12)]
    ['300.00', '300.00', '300.00', '300.00', '250.00', '12.00']
    >>> read_money("三百五")
    Traceback (most recent call last):
    ...
    volunteer_core.forms._cells.CellError: input.invalid: “三百五”不是可以确定的金额；'三百五' is not an amount that can be read exactly
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise _invalid(value, "不是金额", "is not an amount")
    if isinstance(value, int):
        if value < 0:
            raise _invalid(value, "金额不能为负", "money is never negative")
        return _yuan(value, value)
    if isinstance(value, float | Decimal):
        try:
            amount = Decimal(repr(value)) if isinstance(value, float) else value
        except ArithmeticError:
            raise _invalid(value, "不是精确到分的金额", "is not an amount exact to the fen") from None
        return _yuan(amount, value)
    if not isinstance(value, str):
        raise _invalid(value, "不是金额", "is not an amount")
    if len(value) > MAX_AMOUNT_CHARS * 4:  # before any normalisation; spaces are allowed, within reason
        raise _too_long(value, MAX_AMOUNT_CHARS, "金额", "an amount")
    original = read_text(value)
    if is_blank(original):
        return None
    text = "".join(unicodedata.normalize("NFKC", original).split())
    if len(text) > MAX_AMOUNT_CHARS:
        raise _too_long(original, MAX_AMOUNT_CHARS, "金额", "an amount")
    if any(char in _CN_CHARS for char in text) and not any(char.isdigit() for char in text):
        for prefix in _CN_PREFIXES:
            if text.startswith(prefix):
                text = text[len(prefix) :]
                break
        return _chinese_amount(text, original)
    try:
        return Yuan.parse(text.removeprefix("人民币"))
    except InvalidInput as err:
        raise _refused(original, err) from None


def _refused(original: object, err: InvalidInput) -> CellError:
    """The refusal of :class:`Yuan` as a cell's error, keeping its code (``input.too_large`` …)."""
    text = shown(original)
    return CellError(
        "input.too_large" if err.code == "input.too_large" else "input.invalid",
        f"“{text}”不是可以确定的金额：{err.message_zh}",
        f"'{text}' is not an exact amount: {err.message_en}",
        value=text,
    )


def _yuan(amount: int | Decimal, original: object) -> Yuan:
    try:
        return Yuan(amount)
    except InvalidInput as err:
        raise _refused(original, err) from None
    except ArithmeticError:
        raise _invalid(original, "不是精确到分的金额", "is not an amount exact to the fen") from None


# -- dates, age, gender ------------------------------------------------------------------------------

_DATE = re.compile(
    r"^(?P<y>\d{4})(?:[-/.年](?P<m>\d{1,2})[-/.月](?P<d>\d{1,2})日?|(?P<m2>\d{2})(?P<d2>\d{2}))$"
)


def read_date(value: object) -> date | None:
    """A date cell: a spreadsheet date, ``2026-05-01``, ``2026/5/1``, ``2026.5.1``, ``2026年5月1日`` or
    ``20260501``. ``None`` for a blank cell; two-digit years and impossible dates are refused.

    >>> read_date("2026年5月1日"), read_date("2026/5/1") == read_date("20260501")
    (datetime.date(2026, 5, 1), True)
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = read_text(value)
    if is_blank(text):
        return None
    match = _DATE.match("".join(unicodedata.normalize("NFKC", text).split()))
    if match is None:
        raise _invalid(text, "不是日期（如 2026-05-01）", "is not a date (like 2026-05-01)")
    month = match["m"] or match["m2"]
    day = match["d"] or match["d2"]
    try:
        return date(int(match["y"]), int(month), int(day))
    except ValueError:
        raise _invalid(text, "不是有效日期", "is not a valid date") from None


_AGE = re.compile(r"^(\d{1,3})(?:周岁|岁)?$")


def read_age(value: object) -> int | None:
    """年龄: a whole number of years 0–150, ``78`` or ``78岁``; ``None`` for a blank cell."""
    if isinstance(value, int) and not isinstance(value, bool):
        age = value
    elif isinstance(value, float) and value.is_integer():
        age = int(value)
    else:
        text = read_text(value)
        if is_blank(text):
            return None
        match = _AGE.match("".join(unicodedata.normalize("NFKC", text).split()))
        if match is None:
            raise _invalid(text, "不是年龄（整数）", "is not an age (whole years)")
        age = int(match[1])
    if not 0 <= age <= 150:
        raise _invalid(value, "不是合理的年龄", "is not a plausible age")
    return age


def _lookup(enum: type[E], table: Mapping[str, E], value: object, what_zh: str, what_en: str) -> E | None:
    text = read_text(value)
    if is_blank(text):
        return None
    key = "".join(unicodedata.normalize("NFKC", text).split()).lower()
    found = table.get(key)
    if found is None:
        allowed = "、".join(dict.fromkeys(getattr(m, "label_zh", m.value) for m in enum))
        raise CellError(
            "input.invalid",
            f"{what_zh}“{shown(text)}”无法识别，应为：{allowed}",
            f"unknown {what_en} '{shown(text)}'; expected one of {allowed}",
            value=shown(text),
        )
    return found


def _table(enum: type[E], aliases: Mapping[str, E]) -> dict[str, E]:
    table: dict[str, E] = {}
    for member in enum:
        table[str(member.value).lower()] = member
        table[member.name.lower()] = member
        table[str(getattr(member, "label_zh", member.value)).lower()] = member
    table.update({key.lower(): member for key, member in aliases.items()})
    return table


_GENDERS = _table(Gender, {"男性": Gender.MALE, "女性": Gender.FEMALE, "m": Gender.MALE, "f": Gender.FEMALE})

_CATEGORIES = _table(
    BeneficiaryCategory,
    {
        # the wording of 000 §三
        "老年人": BeneficiaryCategory.ELDERLY,
        "老人": BeneficiaryCategory.ELDERLY,
        "老年人群体": BeneficiaryCategory.ELDERLY,
        "未成年人": BeneficiaryCategory.CHILD,
        "未成年人群体": BeneficiaryCategory.CHILD,
        "儿童": BeneficiaryCategory.CHILD,
        "困难残疾人": BeneficiaryCategory.DISABLED,
        "残疾人": BeneficiaryCategory.DISABLED,
        "困难群众": BeneficiaryCategory.HARDSHIP,
        "生活困难群众": BeneficiaryCategory.HARDSHIP,
        "特殊人群": BeneficiaryCategory.SPECIAL,
    },
)

_WISH_KINDS = _table(
    WishKind,
    {
        # the wording of 004 §三
        "生活物资需求": WishKind.MATERIAL,
        "物资": WishKind.MATERIAL,
        "物资类": WishKind.MATERIAL,
        "精神文化需求": WishKind.CULTURAL,
        "文化": WishKind.CULTURAL,
        "政策扶持需求": WishKind.POLICY,
        "政策": WishKind.POLICY,
        "服务": WishKind.SERVICE,
        "微关怀": WishKind.SERVICE,
    },
)


def read_gender(value: object) -> Gender | None:
    """性别: 男 / 女 (also 男性, 女性, male, female, M, F); ``None`` for a blank cell."""
    return _lookup(Gender, _GENDERS, value, "性别", "gender")


def read_category(value: object) -> BeneficiaryCategory | None:
    """服务对象类别: 老 / 幼 / 残 / 困 / 特 (or the seed's longer wording, or the enum value)."""
    return _lookup(BeneficiaryCategory, _CATEGORIES, value, "服务对象类别", "beneficiary category")


def read_wish_kind(value: object) -> WishKind | None:
    """心愿类别: 生活物资 / 精神文化 / 政策扶持 / 微服务 (or 004's wording, or the enum value)."""
    return _lookup(WishKind, _WISH_KINDS, value, "心愿类别", "wish kind")
