"""JSON text: :func:`to_json`, :func:`from_json` and :func:`parse_json` (invalid JSON, ``NaN``, repeated
keys, nesting deeper than :data:`MAX_JSON_DEPTH` and numbers longer than :data:`MAX_JSON_NUMBER_LENGTH`
refused, each as one ``InvalidInput``).

>>> from volunteer_core import Branch
>>> from_json(Branch, to_json(Branch(id="b1", name="办公室党支部"))).name
'办公室党支部'
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from itertools import accumulate
from typing import Any, TypeVar

from volunteer_core.errors import InvalidInput
from volunteer_core.serialization._converter import structure, unstructure
from volunteer_core.serialization._errors import join, shown, too_large, type_error

__all__ = ["MAX_JSON_DEPTH", "MAX_JSON_NUMBER_LENGTH", "from_json", "parse_json", "to_json"]

T = TypeVar("T")

#: The deepest nesting of arrays and objects JSON text may have (an entity needs 4; a dataset 5). Checked by
#: a linear scan before the text is parsed, so a deep text never reaches the parser's recursion.
MAX_JSON_DEPTH = 100

#: The longest number JSON text may hold, in characters (sign, digits, point and exponent). Python reads
#: no integer of more than 4,300 digits; no number of ours needs more than 20.
MAX_JSON_NUMBER_LENGTH = 100

_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def _depth(text: str) -> int:
    """How deep the arrays and objects of ``text`` nest (brackets inside strings do not count): linear,
    every step in C."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:  # the common case: nothing to count
        return 0
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text) if '"' in text else text)
    return max(accumulate(map(_STEP.__getitem__, brackets)), default=0)


def _read_int(text: str) -> int:
    if len(text) > MAX_JSON_NUMBER_LENGTH:
        raise too_large(
            text,
            f"a number of {len(text)} characters, more than the maximum {MAX_JSON_NUMBER_LENGTH}",
            f"数字长 {len(text)} 个字符，超过上限 {MAX_JSON_NUMBER_LENGTH}",
        )
    return int(text)


def _read_float(text: str) -> float:
    if len(text) > MAX_JSON_NUMBER_LENGTH:
        _read_int(text)  # the same refusal
    number = float(text)
    if not math.isfinite(number):
        raise InvalidInput("", shown(text), message_en="not a finite number", message_zh="不是有限数值")
    return number


def to_json(obj: Any) -> str:
    """``obj`` as compact JSON text: fields in declaration order, non-ASCII kept as is.

    >>> from volunteer_core import Branch
    >>> to_json(Branch(id="b1", name="办公室党支部", organisation_id="o2"))
    '{"id":"b1","name":"办公室党支部","organisation_id":"o2","version":0}'
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
                shown(data[key]),
                message_en=f"the key {shown(key)!r} appears twice in one object",
                message_zh=f"同一对象中键 {shown(key)!r} 出现两次",
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


def parse_json(text: str | bytes) -> Any:
    """JSON text as plain data (dicts, lists, strings, numbers, booleans, None), read strictly.

    Raises one ``InvalidInput`` for invalid JSON, ``NaN`` / ``Infinity`` or a number too large for a
    float, a key repeated in one object (naming it), nesting deeper than :data:`MAX_JSON_DEPTH` and a
    number longer than :data:`MAX_JSON_NUMBER_LENGTH` characters (both ``input.too_large``), text that is
    not a ``str`` or UTF-8/16/32 ``bytes`` (``input.type``). Nothing else escapes.

    >>> parse_json('{"members": [{"id": "m1"}]}')
    {'members': [{'id': 'm1'}]}
    >>> parse_json('{"id": "m1", "id": "m2"}')
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ id: ...
    >>> parse_json("[" * 101 + "]" * 101)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.too_large: ...
    """
    if isinstance(text, bytes | bytearray):
        try:
            text = bytes(text).decode(json.detect_encoding(text))
        except (UnicodeDecodeError, LookupError):
            raise InvalidInput(
                "",
                None,
                message_en="not valid JSON: the bytes are not UTF-8, UTF-16 or UTF-32 text",
                message_zh="不是有效的 JSON：字节不是 UTF-8/16/32 文本",
            ) from None
        text = text.removeprefix("\ufeff")
    if not isinstance(text, str):
        raise type_error(text, "JSON text must be a str or bytes", "JSON 文本须为 str 或 bytes")
    depth = _depth(text)
    if depth > MAX_JSON_DEPTH:
        raise too_large(
            f"<JSON nested {depth} deep>",
            f"JSON nested {depth} deep, more than the maximum {MAX_JSON_DEPTH}",
            f"JSON 嵌套 {depth} 层，超过上限 {MAX_JSON_DEPTH} 层",
        )
    try:
        data = json.loads(
            text,
            parse_constant=_refuse_constant,
            parse_int=_read_int,
            parse_float=_read_float,
            object_pairs_hook=_json_object,
        )
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            "",
            shown(exc.doc[max(exc.pos - 20, 0) : exc.pos + 20]),
            message_en=f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})",
            message_zh=f"不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列",
        ) from None
    except InvalidInput:
        raise
    except RecursionError:  # pragma: no cover - the depth scan refuses such text first
        raise too_large(None, "JSON nested too deeply", "JSON 嵌套过深") from None
    except (ValueError, TypeError) as exc:  # NaN / Infinity
        raise InvalidInput(
            "", None, message_en=f"not valid JSON: {shown(str(exc))}", message_zh="不是有效的 JSON"
        ) from None
    duplicate = _duplicate_key(data)
    if duplicate is not None:
        raise duplicate
    return data


def from_json(cls: type[T], text: str | bytes) -> T:
    """Read a ``cls`` from JSON text (the inverse of :func:`to_json`).

    The text is read by :func:`parse_json`: invalid JSON (including ``NaN``, a key repeated in one object,
    too deep a nesting, too long a number) is an InvalidInput too.

    >>> from volunteer_core import Branch
    >>> from_json(Branch, '{"id": "b1", "name": "办公室党支部"}')
    Branch(id='b1', name='办公室党支部', organisation_id=None, version=0)
    >>> from_json(Branch, '{"id": "b1",')
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid: ...
    """
    return structure(parse_json(text), cls)
