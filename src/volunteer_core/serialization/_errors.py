"""Structuring failures as ONE :class:`~volunteer_core.errors.InvalidInput` whose ``.path`` names the field.

cattrs reports a failure as a tree of exception groups; :func:`as_invalid_input` walks it in input order
and keeps the first leaf, naming where it happened (``claims[1].pledged``).

>>> join("claims[1]", "pledged")
'claims[1].pledged'
>>> invalid(-1, "money is never negative", "金额不能为负").at("value").path
'value'
"""

from __future__ import annotations

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

__all__ = ["as_invalid_input", "invalid", "join", "type_error"]


def type_error(value: object, en: str, zh: str) -> InvalidInput:
    """A value of the wrong JSON type; the path is filled in by the caller's position."""
    shown = "null" if value is None else type(value).__name__
    return InvalidInput(
        "", value, code="input.type", message_en=f"{en}, not {shown}", message_zh=f"{zh}，而不是 {shown}"
    )


def invalid(value: object, en: str, zh: str) -> InvalidInput:
    return InvalidInput("", value, code="input.invalid", message_en=en, message_zh=zh)


def join(path: str, name: str) -> str:
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
        return InvalidInput(
            join(path, keys[0]),
            keys[0],
            code="input.unknown_key",
            message_en=f"unknown key(s) {', '.join(keys)} for {exc.cl.__name__} (known: {known})",
            message_zh=f"{exc.cl.__name__} 不认识的字段：{'、'.join(keys)}（可用字段：{known}）",
        )
    if isinstance(exc, KeyError):
        return InvalidInput(
            path,
            None,
            code="input.required",
            message_en="a required key is missing",
            message_zh="缺少必填字段",
        )
    if isinstance(exc, TypeError | AttributeError):
        return InvalidInput(path, None, code="input.type", message_en=str(exc), message_zh="类型不正确")
    return InvalidInput(path, None, code="input.invalid", message_en=str(exc), message_zh="取值无效")


def as_invalid_input(exc: BaseException) -> InvalidInput:
    """Reduce any structuring failure to ONE InvalidInput: the first in input order.

    The others are attached as notes (shown in tracebacks) so that nothing is lost.
    """
    found: list[InvalidInput] = []
    _collect(exc, "", found)
    if not found:  # an empty group cannot come from cattrs, but never return nothing
        found.append(_leaf(ValueError(str(exc)), ""))
    first = found[0]
    for other in found[1:]:
        first.add_note(f"also: {other}")
    return first
