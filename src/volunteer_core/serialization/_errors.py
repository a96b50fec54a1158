"""Structuring failures as ONE :class:`~volunteer_core.errors.InvalidInput` whose ``.path`` names the field.

cattrs reports a failure as a tree of exception groups; :func:`as_invalid_input` walks it in input order
and keeps the first leaf, naming where it happened (``claims[1].pledged``).

>>> join("claims[1]", "pledged")
'claims[1].pledged'
>>> invalid(-1, "money is never negative", "金额不能为负").at("value").path
'value'
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

import attrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)

from volunteer_core.errors import InvalidInput

__all__ = ["as_invalid_input", "bounded", "invalid", "join", "shown", "too_large", "type_error"]

#: How many characters of a refused text (or of a foreign exception's message) an error shows.
_SHOWN = 60
# What an error escapes in a text it carries: control characters, surrogates, line separators.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def shown(value: object) -> object:
    """``value`` as an error may carry it, safe to print whatever it was: a text cut short with its
    control characters and surrogates escaped, a huge number described, a container or a foreign object
    named by its type and size (its ``repr`` may be huge, deep or may raise).

    >>> shown("张三\\x1b[2J"), shown(10**5000), shown([[1], [2]]), shown(12)
    ('张三\\\\x1b[2J', '<an integer of about 5000 digits>', '<list of 2 items>', 12)
    """
    if value is None or isinstance(value, bool | float | Decimal | date):
        return value
    if isinstance(value, int):
        return (
            f"<an integer of about {round(value.bit_length() * 0.30103)} digits>"
            if value.bit_length() > 64
            else value
        )
    if isinstance(value, str):
        head = _UNSAFE.sub(_escape, value[:_SHOWN])
        return head if len(value) <= _SHOWN else f"{head}…({len(value)} chars)"
    if isinstance(value, bytes | bytearray):
        return f"<{type(value).__name__} of {len(value)} bytes>"
    if isinstance(value, list | tuple | dict | set | frozenset):
        return f"<{type(value).__name__} of {len(value)} items>"
    return f"<{type(value).__name__}>"


def bounded(err: InvalidInput) -> InvalidInput:
    """``err`` with a value that is safe to print (see :func:`shown`); ``err`` itself when it already was."""
    value = shown(err.value)
    if value is err.value:
        return err
    copy = type(err)(err.path, value, code=err.code, message_en=err.message_en, message_zh=err.message_zh)
    for note in getattr(err, "__notes__", ()):
        copy.add_note(note)
    return copy


def too_large(value: object, en: str, zh: str) -> InvalidInput:
    """Input over a documented limit (``input.too_large``)."""
    return InvalidInput("", shown(value), code="input.too_large", message_en=en, message_zh=zh)


def type_error(value: object, en: str, zh: str) -> InvalidInput:
    """A value of the wrong JSON type; the path is filled in by the caller's position."""
    shown = "null" if value is None else type(value).__name__
    return InvalidInput(
        "", value, code="input.type", message_en=f"{en}, not {shown}", message_zh=f"{zh}，而不是 {shown}"
    )


def invalid(value: object, en: str, zh: str) -> InvalidInput:
    return InvalidInput("", value, code="input.invalid", message_en=en, message_zh=zh)


def join(path: str, name: str) -> str:
    """``path.name``; a key read from the input is shown as :func:`shown` shows text (cut short, control
    characters escaped), so that no path grows with the input.

    >>> join("details", "k" * 100)[:20], len(join("details", "k" * 100)) < 100
    ('details.kkkkkkkkkkkk', True)
    """
    if len(name) > _SHOWN or not name.isprintable():  # the common case, a field's name, passes as is
        name = str(shown(name))
    return f"{path}.{name}" if path else name


def _note(exc: BaseException, kind: type[str]) -> Any:
    """The first cattrs validation note of class ``kind`` attached to ``exc`` (None if absent)."""
    for note in getattr(exc, "__notes__", ()):
        if note.__class__ is kind:
            return note
    return None


def _collect(exc: BaseException, path: str, found: list[InvalidInput]) -> None:
    """Walk a cattrs error group depth first, in input order, turning every leaf into an InvalidInput."""
    if not isinstance(exc, BaseExceptionGroup):
        found.append(_leaf(exc, path))
        return
    for sub in exc.exceptions:
        where = path
        if isinstance(exc, ClassValidationError):
            attribute = _note(sub, AttributeValidationNote)
            where = path if attribute is None else join(path, attribute.name)
        elif isinstance(exc, IterableValidationError):
            item = _note(sub, IterableValidationNote)
            where = path if item is None else f"{path}[{item.index}]"
        _collect(sub, where, found)


def _leaf(exc: BaseException, path: str) -> InvalidInput:
    """One failure as an InvalidInput at ``path``."""
    if isinstance(exc, InvalidInput):
        return exc.at(path)
    if isinstance(exc, ForbiddenExtraKeysError):
        keys = sorted(str(key) for key in exc.extra_fields)
        known = ", ".join(a.name for a in attrs.fields(exc.cl)) if attrs.has(exc.cl) else ""
        listed = [str(shown(key)) for key in keys[:5]] + ([f"… ({len(keys)})"] if len(keys) > 5 else [])
        return InvalidInput(
            join(path, keys[0]),
            shown(keys[0]),
            code="input.unknown_key",
            message_en=f"unknown key(s) {', '.join(listed)} for {exc.cl.__name__} (known: {known})",
            message_zh=f"{exc.cl.__name__} 不认识的字段：{'、'.join(listed)}（可用字段：{known}）",
        )
    if isinstance(exc, KeyError):
        return InvalidInput(
            path,
            None,
            code="input.required",
            message_en="a required key is missing",
            message_zh="缺少必填字段",
        )
    message = shown(str(exc))
    if isinstance(exc, RecursionError):
        return InvalidInput(
            path,
            None,
            code="input.too_large",
            message_en="nested too deeply to read",
            message_zh="嵌套过深，无法读取",
        )
    if isinstance(exc, TypeError | AttributeError):
        return InvalidInput(path, None, code="input.type", message_en=f"{message}", message_zh="类型不正确")
    return InvalidInput(path, None, code="input.invalid", message_en=f"{message}", message_zh="取值无效")


def as_invalid_input(exc: BaseException) -> InvalidInput:
    """Reduce any structuring failure to ONE InvalidInput: the first in input order.

    The others are attached as notes (shown in tracebacks) so that nothing is lost.
    """
    found: list[InvalidInput] = []
    _collect(exc, "", found)
    if not found:  # an empty group cannot come from cattrs, but never return nothing
        found.append(_leaf(ValueError(str(exc)), ""))
    first = bounded(found[0])
    for other in found[1:5]:
        first.add_note(f"also: {bounded(other)}")
    if len(found) > 5:
        first.add_note(f"also: {len(found) - 5} more")
    return first
