"""JSON text: :func:`to_json` and :func:`from_json` (invalid JSON, ``NaN`` and repeated keys refused).

>>> from volunteer_core import Branch
>>> from_json(Branch, to_json(Branch(id="b1", name="办公室党支部"))).name
'办公室党支部'
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, TypeVar

from volunteer_core.errors import InvalidInput
from volunteer_core.serialization._converter import structure, unstructure
from volunteer_core.serialization._errors import join, type_error

__all__ = ["from_json", "to_json"]

T = TypeVar("T")


def to_json(obj: Any) -> str:
    """``obj`` as compact JSON text: fields in declaration order, non-ASCII kept as is.

    >>> from volunteer_core import Branch
    >>> to_json(Branch(id="b1", name="办公室党支部"))
    '{"id":"b1","name":"办公室党支部","version":0}'
    """
    data = unstructure(obj)
    try:
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            "",
            obj,
            code="input.type",
            message_en=f"cannot be written as JSON: {exc}",
            message_zh="无法写成 JSON",
        ) from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class _JsonObject(dict[str, Any]):
    """A JSON object as read, remembering the first key that appeared twice in it."""

    duplicate: str | None = None


def _json_object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    result = _JsonObject()
    for key, value in pairs:
        if key in result and result.duplicate is None:
            result.duplicate = key
        result[key] = value
    return result


def _duplicate_key(data: Any, path: str = "") -> InvalidInput | None:
    """The first key repeated within one object, anywhere in ``data`` (json keeps the last silently)."""
    if isinstance(data, _JsonObject):
        if data.duplicate is not None:
            key = data.duplicate
            return InvalidInput(
                join(path, key),
                data[key],
                message_en=f"the key {key!r} appears twice in one object",
                message_zh=f"同一对象中键 {key!r} 出现两次",
            )
        items: Iterable[tuple[str, Any]] = ((join(path, key), value) for key, value in data.items())
    elif isinstance(data, list):
        items = ((f"{path}[{index}]", value) for index, value in enumerate(data))
    else:
        return None
    for where, value in items:
        found = _duplicate_key(value, where)
        if found is not None:
            return found
    return None


def from_json(cls: type[T], text: str | bytes) -> T:
    """Read a ``cls`` from JSON text (the inverse of :func:`to_json`).

    Invalid JSON (including ``NaN`` and a key repeated in one object) is an InvalidInput too.

    >>> from volunteer_core import Branch
    >>> from_json(Branch, '{"id": "b1", "name": "办公室党支部"}')
    Branch(id='b1', name='办公室党支部', version=0)
    >>> from_json(Branch, '{"id": "b1",')
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid: ...
    """
    if not isinstance(text, str | bytes | bytearray):
        raise type_error(text, "JSON text must be a str or bytes", "JSON 文本须为 str 或 bytes")
    try:
        data = json.loads(text, parse_constant=_refuse_constant, object_pairs_hook=_json_object)
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            "",
            exc.doc[max(exc.pos - 20, 0) : exc.pos + 20],
            message_en=f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            message_zh=f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列",
        ) from None
    except (ValueError, TypeError) as exc:  # NaN / Infinity, undecodable bytes
        raise InvalidInput(
            "", None, message_en=f"not valid JSON: {exc}", message_zh="不是有效的 JSON"
        ) from None
    duplicate = _duplicate_key(data)
    if duplicate is not None:
        raise duplicate
    return structure(data, cls)
