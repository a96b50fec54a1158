"""Field validators and converters shared by the entities. Each raises ``InvalidInput`` naming the field.

Text is clean and bounded at construction. Three kinds of text, each with a documented maximum length:

* an **id** (:func:`identifier`, :func:`check_identifier`: an entity's id, a reference to one, an
  idempotency key; an element of a set of ids or labels): at most :data:`MAX_ID_LENGTH` characters, no
  surrounding spaces;
* a **name** (:func:`name_text`: a person's or a unit's name, a title, a community): one line, not blank, at
  most :data:`MAX_NAME_LENGTH` characters;
* **free text** (:func:`plain_text`, :func:`optional_text`: a wish's content, a summary, a reason, an
  address): at most :data:`MAX_TEXT_LENGTH` characters, tabs and line breaks (LF, CRLF) allowed.

None of them holds a control character (C0 ``U+0000``–``U+001F``, DEL ``U+007F``, C1 ``U+0080``–``U+009F``)
other than the tab and line breaks of free text, nor a lone surrogate (``"\\ud800"``: not a character, it
cannot be encoded, stored or exported); ids and names hold no line or paragraph separator
(``U+2028``/``U+2029``) either. A refusal names the field, the code point and its position; the value it
carries has such characters escaped (``\\x1b``), so that printing it is safe. Integers are bounded by
:data:`MAX_INTEGER` (what an SQL ``BIGINT`` holds).

>>> check_identifier("idempotency_key", "import-2026-05#17")
'import-2026-05#17'
>>> check_identifier("idempotency_key", "k\\x1b[2J")
Traceback (most recent call last):
...
volunteer_core.errors.InvalidInput: input.invalid @ idempotency_key: ...
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from enum import Enum
from typing import Any, TypeVar

import attrs

from volunteer_core.errors import InvalidInput
from volunteer_core.model.enums import (
    ActivityKind,
    BeneficiaryCategory,
    DemandStatus,
    Gender,
    OrganisationKind,
    PairingMode,
    PlanLine,
    RecordStatus,
    SupporterKind,
    UnitKind,
    WishKind,
    WishStatus,
)
from volunteer_core.money import Yuan, coerce_yuan

E = TypeVar("E", bound=Enum)

#: The longest id, in characters: an entity's id, a reference to one, an idempotency key, an element of a
#: set of ids or labels (``skills``, ``subtypes``). Generated ids (``rec-…`` with a UUID) are under 50.
MAX_ID_LENGTH = 128

#: The longest name, in characters: a person's, a branch's or a unit's name, an activity's title, a
#: community. Official names of units run to about 50 characters.
MAX_NAME_LENGTH = 200

#: The longest free text, in characters: a wish's content and evidence, a summary, a reason, measures, an
#: address.
MAX_TEXT_LENGTH = 10_000

#: The largest integer a field holds (minutes, a version): what an SQL ``BIGINT`` holds, 2^63 − 1.
MAX_INTEGER = 2**63 - 1

#: How many characters of a refused value an error shows (the rest is elided).
_SHOWN = 60

# Refused everywhere: C0 controls but tab and line feed, DEL, C1 controls, surrogates, and a carriage return
# not followed by a line feed (it rewinds a terminal line).
_BAD_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]|\r(?!\n)")
# Refused in ids and names: every control character, surrogates, line and paragraph separators.
_BAD_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
# What an error escapes in the value it carries.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def _fail(path: str, value: object, en: str, zh: str, code: str = "input.invalid") -> InvalidInput:
    return InvalidInput(path, value, code=code, message_en=en, message_zh=zh)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(text: str) -> str:
    """``text`` as an error may carry it: control characters and surrogates escaped (``\\x1b``), cut short.

    >>> shown("张三\\x1b[2J")
    '张三\\\\x1b[2J'
    """
    head = _UNSAFE.sub(_escape, text[:_SHOWN])
    return head if len(text) <= _SHOWN else f"{head}…({len(text)} chars)"


def check_text(path: str, value: str, *, limit: int, one_line: bool) -> str:
    """Refuse a text over ``limit`` characters or holding a control character or a lone surrogate (only
    tab and line breaks are allowed, and only when not ``one_line``); return ``value``.

    >>> check_text("summary", "第一行\\n第二行", limit=MAX_TEXT_LENGTH, one_line=False)
    '第一行\\n第二行'
    >>> check_text("name", "张三\\n", limit=MAX_NAME_LENGTH, one_line=True)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ name: ...
    """
    if len(value) > limit:
        raise _fail(
            path,
            shown(value),
            f"{len(value)} characters long, more than the maximum {limit}",
            f"长度 {len(value)} 个字符，超过上限 {limit}",
            "input.too_large",
        )
    if value.isprintable():  # the common case, in C: no control character, no surrogate, no separator
        return value
    found = (_BAD_IN_LINE if one_line else _BAD_IN_TEXT).search(value)
    if found is None:
        return value
    char, position = found[0], found.start() + 1
    if "\ud800" <= char <= "\udfff":
        en = (
            f"holds a lone surrogate U+{ord(char):04X} at character {position}: not text, it cannot be stored"
        )
        zh = f"第 {position} 个字符是孤立的代理码位 U+{ord(char):04X}，不是有效文本，无法保存"
    else:
        allowed = "none" if one_line else "only tab and line breaks"
        allowed_zh = "不允许任何控制字符" if one_line else "只允许制表符和换行"
        en = f"holds the control character U+{ord(char):04X} at character {position} ({allowed} allowed here)"
        zh = f"第 {position} 个字符是控制字符 U+{ord(char):04X}（此处{allowed_zh}）"
    raise _fail(path, shown(value), en, zh)


def check_identifier(path: str, value: object) -> str:
    """An id read for the field ``path`` (also an idempotency key): a non-empty ``str`` without
    surrounding spaces, at most :data:`MAX_ID_LENGTH` characters, no control character, no surrogate.
    Returns ``value``; raises ``InvalidInput`` naming ``path``.

    >>> check_identifier("member_id", "m-1")
    'm-1'
    >>> check_identifier("member_id", "m" * 129)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.too_large @ member_id: ...
    """
    if not isinstance(value, str) or not value or value != value.strip():
        raise _fail(
            path,
            shown(value) if isinstance(value, str) else value,
            "must be a non-empty string without surrounding spaces",
            "须为非空字符串且首尾无空格",
            "input.required" if value is None or (isinstance(value, str) and not value) else "input.invalid",
        )
    return check_text(path, value, limit=MAX_ID_LENGTH, one_line=True)


def identifier(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An id: see :func:`check_identifier`."""
    check_identifier(attribute.name, value)


def optional_identifier(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """None or an id."""
    if value is not None:
        identifier(inst, attribute, value)


def name_text(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A name: a one-line str that is not blank, at most :data:`MAX_NAME_LENGTH` characters."""
    if not isinstance(value, str) or not value.strip():
        shown_value = shown(value) if isinstance(value, str) else value
        raise _fail(attribute.name, shown_value, "must not be blank", "不能为空", "input.required")
    check_text(attribute.name, value, limit=MAX_NAME_LENGTH, one_line=True)


def plain_text(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Free text: a str, possibly empty, at most :data:`MAX_TEXT_LENGTH` characters (tabs and line breaks
    allowed)."""
    if not isinstance(value, str):
        raise _fail(attribute.name, value, "must be a string", "须为字符串", "input.type")
    check_text(attribute.name, value, limit=MAX_TEXT_LENGTH, one_line=False)


def optional_text(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """None or a str."""
    if value is not None:
        plain_text(inst, attribute, value)


def a_date(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A ``datetime.date`` (not a datetime)."""
    if type(value) is not date:
        raise _fail(attribute.name, value, "must be a date (datetime.date)", "须为日期", "input.type")


def optional_date(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """None or a date."""
    if value is not None:
        a_date(inst, attribute, value)


def _shown_int(value: object) -> object:
    """An int as an error may carry it: one over 64 bits is described (``str`` of one over 4,300 digits
    raises ``ValueError``)."""
    if isinstance(value, int) and value.bit_length() > 64:
        return f"<an integer of about {round(value.bit_length() * 0.30103)} digits>"
    return value


def _within_bounds(path: str, value: int) -> None:
    if abs(value) > MAX_INTEGER:
        raise _fail(
            path,
            _shown_int(value),
            f"beyond the largest integer, {MAX_INTEGER}",
            f"超出整数上限 {MAX_INTEGER}",
            "input.too_large",
        )


def an_int(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An int (not a bool), at most :data:`MAX_INTEGER` either way."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(attribute.name, value, "must be an integer", "须为整数", "input.type")
    _within_bounds(attribute.name, value)


def version(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A version number: an int from 0 to :data:`MAX_INTEGER`."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(attribute.name, _shown_int(value), "must be an integer ≥ 0", "须为不小于0的整数")
    _within_bounds(attribute.name, value)


def member_of(enum: type[E]) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator accepting only members of ``enum``."""

    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, enum):
            allowed = ", ".join(str(m.value) for m in enum)
            raise _fail(attribute.name, value, f"must be one of {allowed}", f"须为以下之一：{allowed}")

    return check


def enum_value(enum: type[E], value: Any) -> Any:
    """Read an enum member from itself or its value (a str or an int); anything else passes to the
    validator, which refuses it."""
    if isinstance(value, enum) or not isinstance(value, str | int):
        return value
    try:
        return enum(value)
    except (ValueError, TypeError):
        return value


def to_frozenset(value: Any) -> Any:
    """An iterable (never a bare string) of hashable items as a frozenset; anything else passes to the
    validator, which refuses it."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return value
    try:
        return frozenset(value)
    except TypeError:  # an unhashable element (a list in the list)
        return value


def id_set(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A frozenset whose every element is a non-blank one-line string of at most :data:`MAX_ID_LENGTH`
    characters."""
    if not isinstance(value, frozenset):
        raise _fail(
            attribute.name, value, "must be a collection of strings, not a single value", "须为字符串集合"
        )
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise _fail(
                attribute.name,
                shown(item) if isinstance(item, str) else item,
                "every element must be a non-empty string",
                "每个元素须为非空字符串",
            )
        check_text(attribute.name, item, limit=MAX_ID_LENGTH, one_line=True)


def to_optional_yuan(value: Any) -> Any:
    """Money or None: Yuan, int, str and Decimal become Yuan; anything else passes to the validator."""
    if value is None or isinstance(value, Yuan):
        return value
    try:
        return coerce_yuan(value)
    except (InvalidInput, TypeError):
        return value


def yuan(path: str, value: object) -> Yuan:
    """Read money for the field ``path``: a float or another type raises InvalidType (a TypeError too), bad
    text or an amount over the maximum InvalidInput, both naming it."""
    if isinstance(value, Yuan):
        return value
    try:
        return coerce_yuan(value)
    except InvalidInput as err:
        raise type(err)(
            path, err.value, code=err.code, message_en=err.message_en, message_zh=err.message_zh
        ) from None


def optional_yuan(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """None or Yuan (a float raises InvalidType, bad text InvalidInput, both naming the field)."""
    if value is not None:
        yuan(attribute.name, value)


def to_tuple(value: Any) -> Any:
    """Any iterable (not a str) as a tuple; anything else passes to the validator."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return value
    return tuple(value)


def tuple_of(
    item_type: type, label_en: str, label_zh: str
) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator: a tuple whose every element is an ``item_type``."""

    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, tuple):
            raise _fail(attribute.name, value, f"must be a sequence of {label_en}", f"须为{label_zh}序列")
        for index, item in enumerate(value):
            if not isinstance(item, item_type):
                raise _fail(f"{attribute.name}[{index}]", item, f"must be a {label_en}", f"须为{label_zh}")

    return check


def check_order(path: str, earlier: date | None, later: date | None, earlier_name: str) -> None:
    """Raise when ``later`` is before ``earlier`` (both given)."""
    if earlier is not None and later is not None and later < earlier:
        raise _fail(
            path,
            later,
            f"{path} {later} is before {earlier_name} {earlier}",
            f"{path} {later} 早于 {earlier_name} {earlier}",
        )


# Named converters (the attrs mypy plugin understands named functions, not closures).


def to_activity_kind(value: Any) -> Any:
    """Read a ActivityKind from a member or its value."""
    return enum_value(ActivityKind, value)


def to_beneficiary_category(value: Any) -> Any:
    """Read a BeneficiaryCategory from a member or its value."""
    return enum_value(BeneficiaryCategory, value)


def to_demand_status(value: Any) -> Any:
    """Read a DemandStatus from a member or its value."""
    return enum_value(DemandStatus, value)


def to_gender(value: Any) -> Any:
    """Read a Gender from a member or its value."""
    return enum_value(Gender, value)


def to_organisation_kind(value: Any) -> Any:
    """Read an OrganisationKind from a member or its value."""
    return enum_value(OrganisationKind, value)


def to_supporter_kind(value: Any) -> Any:
    """Read a SupporterKind from a member or its value."""
    return enum_value(SupporterKind, value)


def to_pairing_mode(value: Any) -> Any:
    """Read a PairingMode from a member or its value."""
    return enum_value(PairingMode, value)


def to_plan_line(value: Any) -> Any:
    """Read a PlanLine from a member or its value."""
    return enum_value(PlanLine, value)


def to_record_status(value: Any) -> Any:
    """Read a RecordStatus from a member or its value."""
    return enum_value(RecordStatus, value)


def to_unit_kind(value: Any) -> Any:
    """Read a UnitKind from a member or its value."""
    return enum_value(UnitKind, value)


def to_wish_kind(value: Any) -> Any:
    """Read a WishKind from a member or its value."""
    return enum_value(WishKind, value)


def to_wish_status(value: Any) -> Any:
    """Read a WishStatus from a member or its value."""
    return enum_value(WishStatus, value)
