"""JSON for every entity: one cattrs converter of our own, strict structuring and JSON Schemas.

Dates are ISO strings (``"2026-05-01"``), money (:class:`~volunteer_core.Yuan`) a string with two
decimals (``"300.00"``), enums their value, sets sorted lists, tuples lists, and a
:class:`~volunteer_core.DateRange` an object ``{"start": ..., "end": ...}``. Structuring refuses unknown
keys, missing required keys, values of the wrong JSON type (a float for money, a number for a string)
and anything the entity's own constructor refuses; every failure is one
:class:`~volunteer_core.errors.InvalidInput` whose ``.path`` names the field (``claims[1].pledged``).

The converter follows cattrs' ``preconf/json.py``: :func:`configure_converter` is the reusable part,
:func:`make_converter` builds one, :data:`converter` is the module's own. The global cattrs converter
is never touched.

>>> from datetime import date
>>> from volunteer_core import Wish
>>> wish = Wish(id="w1", beneficiary_id="p1", kind="material", content="一台电饭煲",
...             collected_on=date(2026, 5, 1), value="300")
>>> text = to_json(wish)
>>> text[:60]
'{"id":"w1","beneficiary_id":"p1","kind":"material","content"'
>>> '"value":"300.00"' in text
True
>>> from_json(Wish, text) == wish
True
>>> from_json(Wish, text.replace('"300.00"', '300.5'))
Traceback (most recent call last):
...
volunteer_core.errors.InvalidInput: input.type @ value: ...

.. versionadded:: 0.1.0
"""

from __future__ import annotations

import functools
import json
import re
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import Enum
from types import NoneType, UnionType
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    ForbiddenExtraKeysError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from volunteer_core._catalogue import Rule, Violation
from volunteer_core.dates import DateRange
from volunteer_core.errors import InvalidInput
from volunteer_core.model import ENTITIES, Claim, PlanItem
from volunteer_core.money import Yuan

__all__ = [
    "YUAN_PATTERN",
    "configure_converter",
    "converter",
    "from_json",
    "json_schema",
    "json_schemas",
    "make_converter",
    "structure",
    "to_json",
    "unstructure",
]

T = TypeVar("T")

#: The canonical text of an amount of yuan in JSON (also the JSON Schema ``pattern``).
YUAN_PATTERN = r"^\d+(\.\d{1,2})?$"
_YUAN_RE = re.compile(r"\d+(\.\d{1,2})?", re.ASCII)
_DECIMAL_RE = re.compile(r"-?\d+(\.\d+)?", re.ASCII)
_DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

#: The ``$schema`` of every schema :func:`json_schema` returns.
_DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: What :func:`json_schemas` covers, beyond the entities: their parts, rules' output and values.
_SCHEMA_CLASSES: tuple[type, ...] = (*ENTITIES, Claim, PlanItem, DateRange, Violation, Rule)

#: Fields never serialised, per class (a rule's ``check`` is code, not data).
_OMITTED: dict[type, tuple[str, ...]] = {Rule: ("check",)}


# -- errors ---------------------------------------------------------------------------------------


def _type_error(value: object, en: str, zh: str) -> InvalidInput:
    """A value of the wrong JSON type; the path is filled in by the caller's position."""
    shown = "null" if value is None else type(value).__name__
    return InvalidInput(
        "", value, code="input.type", message_en=f"{en}, not {shown}", message_zh=f"{zh}，而不是 {shown}"
    )


def _invalid(value: object, en: str, zh: str) -> InvalidInput:
    return InvalidInput("", value, code="input.invalid", message_en=en, message_zh=zh)


def _join(path: str, name: str) -> str:
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
            where = path if attribute is None else _join(path, attribute.name)
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
            _join(path, keys[0]),
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


def _as_invalid_input(exc: BaseException) -> InvalidInput:
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


# -- value hooks ----------------------------------------------------------------------------------


# cattrs dispatches on ``str`` / ``int`` before anything else, and a StrEnum is a str: these hooks hand
# enums (``WishKind``, ``Severity`` …) over to the enum hook.


def _structure_str(value: Any, tp: Any) -> Any:
    if tp is not str and _is_enum(tp):
        return _enum_structure(tp)(value, tp)
    if not isinstance(value, str):
        raise _type_error(value, "must be a string", "须为字符串")
    return value


def _structure_int(value: Any, tp: Any) -> Any:
    if tp is not int and _is_enum(tp):
        return _enum_structure(tp)(value, tp)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _type_error(value, "must be an integer", "须为整数")
    return value


def _unstructure_scalar(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _structure_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise _type_error(value, "must be true or false", "须为 true 或 false")
    return value


def _structure_float(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _type_error(value, "must be a number", "须为数字")
    return float(value)


def _structure_yuan(value: Any, _: Any) -> Yuan:
    """Money from ``"300.00"`` / ``"300"`` or a whole number of yuan; never a float (inexact)."""
    if isinstance(value, Yuan):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _type_error(
            value, 'money must be a string like "300.00" (or whole yuan)', '金额须为形如"300.00"的字符串'
        )
    if isinstance(value, int):
        if value < 0:
            raise _invalid(value, "money is never negative", "金额不能为负")
        return Yuan(value)
    if not _YUAN_RE.fullmatch(value):
        raise _invalid(
            value,
            'not an amount of yuan like "300.00" (digits, at most two decimals, no sign)',
            '不是形如"300.00"的金额（数字，最多两位小数，不带符号）',
        )
    return Yuan(value)


def _structure_decimal(value: Any, _: Any) -> Decimal:
    """A Decimal from its text (``"12.5"``) or an int; never a float."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _type_error(value, "must be a decimal number written as a string", "须为字符串形式的十进制数")
    if isinstance(value, str) and not _DECIMAL_RE.fullmatch(value):
        raise _invalid(value, "not a decimal number like 12.5", "不是形如 12.5 的十进制数")
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern already guards
        raise _invalid(value, "not a decimal number", "不是十进制数") from None


def _structure_date(value: Any, _: Any) -> date:
    """A date from ``YYYY-MM-DD`` exactly (no time, no other layout); a ``date`` passes through."""
    if type(value) is date:
        return value
    if not isinstance(value, str):
        raise _type_error(value, 'must be a date string "YYYY-MM-DD"', '须为"YYYY-MM-DD"格式的日期字符串')
    if _DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise _invalid(value, 'not a date "YYYY-MM-DD"', '不是"YYYY-MM-DD"格式的日期')


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Enum)


@functools.cache
def _enum_structure(tp: type[Enum]) -> Callable[[Any, Any], Enum]:
    allowed = [member.value for member in tp]
    shown = ", ".join(str(value) for value in allowed)

    def structure_enum(value: Any, _: Any) -> Enum:
        if isinstance(value, tp):
            return value
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise _type_error(value, f"must be one of {shown}", f"须为以下之一：{shown}")
        try:
            return tp(value)
        except ValueError:
            raise _invalid(value, f"must be one of {shown}", f"须为以下之一：{shown}") from None

    return structure_enum


def _enum_unstructure(_tp: Any) -> Callable[[Enum], Any]:
    def unstructure_enum(member: Enum) -> Any:
        return member.value

    return unstructure_enum


_COLLECTIONS: dict[Any, Callable[[Iterable[Any]], Any]] = {
    list: list,
    Sequence: tuple,
    tuple: tuple,
    frozenset: frozenset,
    AbstractSet: frozenset,
    set: set,
}


def _is_collection(tp: Any) -> bool:
    """A homogeneous collection: ``list[X]``, ``tuple[X, ...]``, ``frozenset[X]``, ``set[X]``."""
    origin = typing.get_origin(tp)
    if origin not in _COLLECTIONS:
        return False
    args = typing.get_args(tp)
    if origin is tuple:
        return len(args) == 2 and args[1] is Ellipsis
    return len(args) == 1


def _collection_structure(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    def factory(tp: Any) -> Callable[[Any, Any], Any]:
        origin = typing.get_origin(tp)
        element = typing.get_args(tp)[0]
        build = _COLLECTIONS[origin]
        unordered = origin in (frozenset, set, AbstractSet)
        accepted: tuple[type, ...] = (list, tuple, frozenset, set) if unordered else (list, tuple)
        element_hook = conv.get_structure_hook(element)

        def structure_collection(value: Any, _: Any) -> Any:
            if not isinstance(value, accepted):
                raise _type_error(value, "must be an array", "须为数组")
            items: list[Any] = []
            errors: list[Exception] = []
            sequence = typing.cast(Iterable[Any], value)
            for index, item in enumerate(sequence):
                try:
                    items.append(element_hook(item, element))
                except Exception as exc:
                    exc.add_note(IterableValidationNote(f"Structuring {tp} @ index {index}", index, element))
                    errors.append(exc)
            if errors:
                raise IterableValidationError(f"While structuring {tp}", errors, tp)
            return build(items)

        return structure_collection

    return factory


def _collection_unstructure(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any], list[Any]]]:
    def factory(tp: Any) -> Callable[[Any], list[Any]]:
        origin = typing.get_origin(tp)
        element = typing.get_args(tp)[0]
        unordered = origin in (frozenset, set, AbstractSet)

        def unstructure_collection(value: Iterable[Any]) -> list[Any]:
            items = [conv.unstructure(item, unstructure_as=element) for item in value]
            if unordered:  # sets have no order: sort for a deterministic output
                items.sort(key=_sort_key)
            return items

        return unstructure_collection

    return factory


def _sort_key(item: Any) -> tuple[str, str]:
    return (type(item).__name__, json.dumps(item, ensure_ascii=False, sort_keys=True, default=str))


def _is_json_mapping(tp: Any) -> bool:
    """``Mapping[str, Any]`` / ``dict[str, Any]``: free-form JSON objects (a violation's details)."""
    return typing.get_origin(tp) in (Mapping, dict) and typing.get_args(tp) == (str, Any)


def _json_value(value: Any, path: str) -> Any:
    """Check (and copy) a JSON value read back: null, booleans, numbers, strings, arrays, objects."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidInput(path, value, message_en="not a finite number", message_zh="不是有限数值")
        return value
    if isinstance(value, list | tuple):
        return [_json_value(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInput(
                    path, key, code="input.type", message_en="keys must be strings", message_zh="键须为字符串"
                )
            result[key] = _json_value(item, _join(path, key))
        return result
    raise InvalidInput(
        path,
        value,
        code="input.type",
        message_en=f"must be a JSON value, not {type(value).__name__}",
        message_zh=f"须为 JSON 值，而不是 {type(value).__name__}",
    )


def _structure_json_mapping(value: Any, _: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise _type_error(value, "must be an object", "须为对象")
    result = _json_value(value, "")
    assert isinstance(result, dict)
    return result


def _json_mapping_unstructure(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any], dict[str, Any]]]:
    def factory(_tp: Any) -> Callable[[Any], dict[str, Any]]:
        def unstructure_json_mapping(value: Mapping[str, Any]) -> dict[str, Any]:
            return {str(key): _plain(conv, item) for key, item in value.items()}

        return unstructure_json_mapping

    return factory


def _plain(conv: cattrs.Converter, value: Any) -> Any:
    """Any value as JSON data, by its runtime type (a violation's details hold whatever a rule put there)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Mapping):
        return {str(key): _plain(conv, item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(conv, item) for item in value]
    if isinstance(value, set | frozenset):
        return sorted((_plain(conv, item) for item in value), key=_sort_key)
    return conv.unstructure(value)


# -- attrs classes --------------------------------------------------------------------------------


def _class_structure(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any, Any], Any]]:
    def factory(cls: Any) -> Callable[[Any, Any], Any]:
        overrides = {name: override(omit=True) for name in _OMITTED.get(cls, ())}
        generated = make_dict_structure_fn(
            cls,
            conv,
            _cattrs_forbid_extra_keys=True,
            _cattrs_detailed_validation=conv.detailed_validation,
            **overrides,  # type: ignore[arg-type]
        )

        def structure_class(value: Any, tp: Any) -> Any:
            if not isinstance(value, Mapping):
                raise _type_error(value, f"must be an object ({cls.__name__})", f"须为对象（{cls.__name__}）")
            return generated(value, tp)

        return structure_class

    return factory


def _class_unstructure(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any], dict[str, Any]]]:
    def factory(cls: Any) -> Callable[[Any], dict[str, Any]]:
        overrides = {name: override(omit=True) for name in _OMITTED.get(cls, ())}
        return make_dict_unstructure_fn(cls, conv, **overrides)  # type: ignore[arg-type]

    return factory


# -- the converter --------------------------------------------------------------------------------


def configure_converter(conv: cattrs.Converter) -> None:
    """Teach ``conv`` the types of volunteer_core, strictly (the reusable part of :func:`make_converter`).

    Registers: ``Yuan`` ↔ ``"300.00"`` (read from such a string or a whole number of yuan; a float is
    refused), ``Decimal`` ↔ its text, ``date`` ↔ ``"YYYY-MM-DD"``, enums ↔ their value, sets ↔ sorted
    arrays, tuples ↔ arrays, free-form ``Mapping[str, Any]`` ↔ objects, attrs classes ↔ objects (unknown
    keys refused; a ``Rule`` without its ``check``), and strict ``str`` / ``int`` / ``bool`` / ``float``
    (no silent ``str(5)`` or ``int("5")``).

    >>> import cattrs
    >>> from volunteer_core import Yuan
    >>> conv = cattrs.Converter()
    >>> configure_converter(conv)
    >>> conv.unstructure(Yuan(300)), conv.structure("12.5", Yuan)
    ('300.00', Yuan('12.50'))
    """
    conv.register_structure_hook(str, _structure_str)
    conv.register_structure_hook(int, _structure_int)
    conv.register_unstructure_hook(str, _unstructure_scalar)
    conv.register_unstructure_hook(int, _unstructure_scalar)
    conv.register_unstructure_hook(Enum, _unstructure_scalar)
    conv.register_structure_hook(bool, _structure_bool)
    conv.register_structure_hook(float, _structure_float)

    conv.register_unstructure_hook(Yuan, str)
    conv.register_structure_hook(Yuan, _structure_yuan)
    conv.register_unstructure_hook(Decimal, str)
    conv.register_structure_hook(Decimal, _structure_decimal)
    conv.register_unstructure_hook(date, date.isoformat)
    conv.register_structure_hook(date, _structure_date)

    conv.register_unstructure_hook_factory(_is_enum, _enum_unstructure)
    conv.register_structure_hook_factory(_is_enum, _enum_structure)
    conv.register_unstructure_hook_factory(_is_collection, _collection_unstructure(conv))
    conv.register_structure_hook_factory(_is_collection, _collection_structure(conv))
    conv.register_unstructure_hook_factory(_is_json_mapping, _json_mapping_unstructure(conv))
    conv.register_structure_hook_factory(_is_json_mapping, lambda _tp: _structure_json_mapping)
    # a set / tuple met at run time (e.g. inside an un-annotated value)
    conv.register_unstructure_hook(frozenset, lambda value: _plain(conv, value))
    conv.register_unstructure_hook(set, lambda value: _plain(conv, value))
    conv.register_unstructure_hook(tuple, lambda value: _plain(conv, value))

    conv.register_unstructure_hook_factory(attrs.has, _class_unstructure(conv))
    conv.register_structure_hook_factory(attrs.has, _class_structure(conv))


def make_converter() -> cattrs.Converter:
    """A new converter configured by :func:`configure_converter`: unknown keys refused, detailed validation on.

    >>> from datetime import date
    >>> from volunteer_core import DateRange
    >>> conv = make_converter()
    >>> conv.unstructure(DateRange(date(2026, 1, 1)))
    {'start': '2026-01-01', 'end': None}
    """
    conv = cattrs.Converter(forbid_extra_keys=True, detailed_validation=True)
    configure_converter(conv)
    return conv


#: The converter of volunteer_core (never the global cattrs one). Prefer :func:`structure`, which turns
#: every failure into one InvalidInput; ``converter.structure`` raises cattrs' error groups.
converter: cattrs.Converter = make_converter()


# -- the public functions -------------------------------------------------------------------------


def unstructure(obj: Any) -> Any:
    """``obj`` (an entity, a value, or a list / dict of them) as plain JSON data.

    >>> from datetime import date
    >>> from volunteer_core import Claim
    >>> unstructure(Claim(member_id="m1", claimed_on=date(2026, 5, 6), pledged="100"))
    {'member_id': 'm1', 'claimed_on': '2026-05-06', 'pledged': '100.00', 'fulfilled_on': None, 'withdrawn_on': None}
    """
    return converter.unstructure(obj)


def structure(data: Any, cls: type[T]) -> T:
    """Build a ``cls`` from plain JSON data (the inverse of :func:`unstructure`).

    Raises:
        InvalidInput: for any failure, with ``.path`` naming the field (``claims[1].pledged``) and
            ``.code`` one of ``input.unknown_key``, ``input.required``, ``input.type``,
            ``input.invalid`` or the entity's own code.

    >>> from volunteer_core import Claim
    >>> structure({"member_id": "m1", "claimed_on": "2026-05-06", "pledged": "100"}, Claim).pledged
    Yuan('100.00')
    >>> structure({"member_id": "m1", "claimed_on": "2026-05-06", "pledgd": "100"}, Claim)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.unknown_key @ pledgd: ...
    """
    try:
        return converter.structure(data, cls)
    except InvalidInput:
        raise
    except Exception as exc:
        raise _as_invalid_input(exc) from None


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
                _join(path, key),
                data[key],
                message_en=f"the key {key!r} appears twice in one object",
                message_zh=f"同一对象中键 {key!r} 出现两次",
            )
        items: Iterable[tuple[str, Any]] = ((_join(path, key), value) for key, value in data.items())
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
        raise _type_error(text, "JSON text must be a str or bytes", "JSON 文本须为 str 或 bytes")
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


# -- JSON Schema ----------------------------------------------------------------------------------


def _description(cls: type) -> str | None:
    """The first paragraph of the docstring, on one line."""
    doc = cls.__doc__
    if not doc:
        return None
    paragraph = doc.strip().split("\n\n", 1)[0]
    return " ".join(paragraph.split())


def _schema_of(tp: Any, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The schema of one type; attrs classes go to ``defs`` and are referenced."""
    if tp is Any:
        return {}
    origin = typing.get_origin(tp)
    if origin is UnionType or origin is typing.Union:
        options = [arg for arg in typing.get_args(tp) if arg is not NoneType]
        inner: dict[str, Any] = (
            _schema_of(options[0], defs)
            if len(options) == 1
            else {"anyOf": [_schema_of(arg, defs) for arg in options]}
        )
        if NoneType in typing.get_args(tp):
            return {"anyOf": [inner, {"type": "null"}]}
        return inner
    if _is_collection(tp):
        schema: dict[str, Any] = {"type": "array", "items": _schema_of(typing.get_args(tp)[0], defs)}
        if origin in (frozenset, set, AbstractSet):
            schema["uniqueItems"] = True
        return schema
    if _is_json_mapping(tp):
        return {"type": "object"}
    if tp is Yuan:
        return {"type": "string", "pattern": YUAN_PATTERN}
    if tp is Decimal:
        return {"type": "string", "pattern": _DECIMAL_PATTERN}
    if tp is date:
        return {"type": "string", "format": "date"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is str:
        return {"type": "string"}
    if _is_enum(tp):
        return {"enum": [member.value for member in tp]}
    if attrs.has(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder: a class that contains itself refers to itself
            defs[name] = _object_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema for {tp!r}")


def _object_schema(cls: type, defs: dict[str, dict[str, Any]]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    omitted = _OMITTED.get(cls, ())
    properties: dict[str, Any] = {}
    required: list[str] = []
    for field in attrs.fields(cls):
        if field.name in omitted:
            continue
        schema = dict(_schema_of(hints[field.name], defs))
        if field.default is attrs.NOTHING:
            required.append(field.name)
        else:
            default = field.default
            if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
                default = None if default.takes_self else default.factory()
            schema["default"] = converter.unstructure(default)
        properties[field.name] = schema
    result: dict[str, Any] = {"title": cls.__name__}
    description = _description(cls)
    if description:
        result["description"] = description
    result.update(
        {"type": "object", "properties": properties, "required": required, "additionalProperties": False}
    )
    return result


def json_schema(cls: type) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of the JSON that :func:`to_json` writes for ``cls``.

    Derived from the attrs fields and type hints: ``required`` lists the fields without a default,
    unknown keys are refused (``additionalProperties: false``), enums list their values, money is a
    string matching :data:`YUAN_PATTERN`, dates have ``format: date``, nested classes (``Claim``,
    ``PlanItem``, ``DateRange``) sit in ``$defs``. The entity's own checks (an ID number's checksum,
    a date order) are not expressed: :func:`structure` applies them.

    >>> from volunteer_core import Wish
    >>> schema = json_schema(Wish)
    >>> schema["title"], schema["required"], schema["additionalProperties"]
    ('Wish', ['id', 'beneficiary_id', 'kind', 'content', 'collected_on'], False)
    >>> schema["properties"]["claims"]["items"], list(schema["$defs"])
    ({'$ref': '#/$defs/Claim'}, ['Claim'])
    """
    defs: dict[str, dict[str, Any]] = {}
    body = _object_schema(cls, defs) if attrs.has(cls) else {"title": cls.__name__, **_schema_of(cls, defs)}
    schema: dict[str, Any] = {"$schema": _DIALECT, **body}
    if defs:
        schema["$defs"] = defs
    return schema


def json_schemas() -> dict[str, dict[str, Any]]:
    """The schema of every entity, of their parts (``Claim``, ``PlanItem``, ``DateRange``) and of
    ``Violation`` and ``Rule``, by class name.

    >>> schemas = json_schemas()
    >>> "Wish" in schemas and "Violation" in schemas and schemas["Branch"]["required"] == ["id", "name"]
    True
    """
    return {cls.__name__: json_schema(cls) for cls in _SCHEMA_CLASSES}
