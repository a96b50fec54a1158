"""The converter: hooks for every type of volunteer_core, :func:`configure_converter`, :func:`make_converter`,
:data:`converter`, and :func:`unstructure` / :func:`structure` on top of it.

>>> structure(unstructure(Yuan("12.5")), Yuan)
Yuan('12.50')
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
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.errors import IterableValidationError, IterableValidationNote
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from volunteer_core._catalogue import Rule
from volunteer_core.errors import InvalidInput
from volunteer_core.money import Yuan
from volunteer_core.serialization._errors import (
    as_invalid_input,
    bounded,
    invalid,
    join,
    shown,
    too_large,
    type_error,
)

__all__ = [
    "OMITTED",
    "configure_converter",
    "converter",
    "is_collection",
    "is_enum",
    "is_json_mapping",
    "make_converter",
    "structure",
    "unstructure",
]

T = TypeVar("T")

_YUAN_RE = re.compile(r"\d+(\.\d{1,2})?", re.ASCII)
_DECIMAL_RE = re.compile(r"-?\d+(\.\d+)?", re.ASCII)

#: The longest decimal number read (as text or an int), in characters; the deepest free-form JSON value.
#: The same bounds as JSON text's (:data:`~volunteer_core.serialization.MAX_JSON_NUMBER_LENGTH`,
#: :data:`~volunteer_core.serialization.MAX_JSON_DEPTH`).
_MAX_NUMBER_LENGTH = 100
_MAX_DEPTH = 100
_MAX_NUMBER_BITS = 332  # about 100 decimal digits
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)

#: Fields never serialised, per class (a rule's ``check`` is code, not data).
OMITTED: dict[type, tuple[str, ...]] = {Rule: ("check",)}


# -- value hooks ----------------------------------------------------------------------------------


# cattrs dispatches on ``str`` / ``int`` before anything else, and a StrEnum is a str: these hooks hand
# enums (``WishKind``, ``Severity`` …) over to the enum hook.


def _structure_str(value: Any, tp: Any) -> Any:
    if tp is not str and is_enum(tp):
        return _enum_structure(tp)(value, tp)
    if not isinstance(value, str):
        raise type_error(value, "must be a string", "须为字符串")
    if not value.isprintable() and any("\ud800" <= char <= "\udfff" for char in value):
        raise invalid(
            value,
            "holds a lone surrogate: not text, it cannot be stored",
            "含有孤立的代理码位，不是有效文本，无法保存",
        )
    return value


def _structure_int(value: Any, tp: Any) -> Any:
    if tp is not int and is_enum(tp):
        return _enum_structure(tp)(value, tp)
    if isinstance(value, bool) or not isinstance(value, int):
        raise type_error(value, "must be an integer", "须为整数")
    return value


def _unstructure_scalar(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value


def _structure_bool(value: Any, _: Any) -> bool:
    if not isinstance(value, bool):
        raise type_error(value, "must be true or false", "须为 true 或 false")
    return value


def _structure_float(value: Any, _: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise type_error(value, "must be a number", "须为数字")
    return float(value)


def _structure_yuan(value: Any, _: Any) -> Yuan:
    """Money from ``"300.00"`` / ``"300"`` or a whole number of yuan; never a float (inexact)."""
    if isinstance(value, Yuan):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise type_error(
            value, 'money must be a string like "300.00" (or whole yuan)', '金额须为形如"300.00"的字符串'
        )
    if isinstance(value, int):
        if value < 0:
            raise invalid(value, "money is never negative", "金额不能为负")
    elif not _YUAN_RE.fullmatch(value):
        raise invalid(
            value,
            'not an amount of yuan like "300.00" (digits, at most two decimals, no sign)',
            '不是形如"300.00"的金额（数字，最多两位小数，不带符号）',
        )
    try:
        return Yuan(value)
    except InvalidInput as err:  # over MAX_YUAN: the path is the caller's field, not Yuan's own "value"
        raise InvalidInput(
            "", err.value, code=err.code, message_en=err.message_en, message_zh=err.message_zh
        ) from None


def _structure_decimal(value: Any, _: Any) -> Decimal:
    """A Decimal from its text (``"12.5"``) or an int; never a float."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise type_error(value, "must be a decimal number written as a string", "须为字符串形式的十进制数")
    if (isinstance(value, str) and len(value) > _MAX_NUMBER_LENGTH) or (
        isinstance(value, int) and value.bit_length() > _MAX_NUMBER_BITS
    ):
        raise too_large(
            value,
            f"a number longer than {_MAX_NUMBER_LENGTH} characters",
            f"数字超过 {_MAX_NUMBER_LENGTH} 个字符",
        )
    if isinstance(value, str) and not _DECIMAL_RE.fullmatch(value):
        raise invalid(value, "not a decimal number like 12.5", "不是形如 12.5 的十进制数")
    try:
        return Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern already guards
        raise invalid(value, "not a decimal number", "不是十进制数") from None


def _structure_date(value: Any, _: Any) -> date:
    """A date from ``YYYY-MM-DD`` exactly (no time, no other layout); a ``date`` passes through."""
    if type(value) is date:
        return value
    if not isinstance(value, str):
        raise type_error(value, 'must be a date string "YYYY-MM-DD"', '须为"YYYY-MM-DD"格式的日期字符串')
    if _DATE_RE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise invalid(value, 'not a date "YYYY-MM-DD"', '不是"YYYY-MM-DD"格式的日期')


def is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, Enum)


@functools.cache
def _enum_structure(tp: type[Enum]) -> Callable[[Any, Any], Enum]:
    allowed = [member.value for member in tp]
    shown = ", ".join(str(value) for value in allowed)

    def structure_enum(value: Any, _: Any) -> Enum:
        if isinstance(value, tp):
            return value
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise type_error(value, f"must be one of {shown}", f"须为以下之一：{shown}")
        try:
            return tp(value)
        except ValueError:
            raise invalid(value, f"must be one of {shown}", f"须为以下之一：{shown}") from None

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


def is_collection(tp: Any) -> bool:
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
                raise type_error(value, "must be an array", "须为数组")
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


def is_json_mapping(tp: Any) -> bool:
    """``Mapping[str, Any]`` / ``dict[str, Any]``: free-form JSON objects (a violation's details)."""
    return typing.get_origin(tp) in (Mapping, dict) and typing.get_args(tp) == (str, Any)


def _json_value(value: Any, path: str, depth: int = 1) -> Any:
    """Check (and copy) a JSON value read back: null, booleans, numbers, strings, arrays, objects — no
    lone surrogate in a string, no number over about 100 digits, no nesting deeper than 100."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if value.bit_length() > _MAX_NUMBER_BITS:
            raise too_large(value, "a number of more than 100 digits", "数字超过 100 位").at(path)
        return value
    if isinstance(value, str):
        if not value.isprintable() and any("\ud800" <= char <= "\udfff" for char in value):
            raise InvalidInput(
                path,
                shown(value),
                message_en="holds a lone surrogate: not text, it cannot be stored",
                message_zh="含有孤立的代理码位，不是有效文本，无法保存",
            )
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidInput(path, value, message_en="not a finite number", message_zh="不是有限数值")
        return value
    if depth > _MAX_DEPTH and isinstance(value, list | tuple | Mapping):
        raise too_large(
            value, f"nested deeper than the maximum {_MAX_DEPTH}", f"嵌套超过 {_MAX_DEPTH} 层上限"
        ).at(path)
    if isinstance(value, list | tuple):
        return [_json_value(item, f"{path}[{index}]", depth + 1) for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        result: dict[str, Any] = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise InvalidInput(
                    path,
                    shown(key),
                    code="input.type",
                    message_en="keys must be strings",
                    message_zh="键须为字符串",
                )
            result[_json_value(key, path, depth)] = _json_value(item, join(path, key), depth + 1)
        return result
    raise InvalidInput(
        path,
        shown(value),
        code="input.type",
        message_en=f"must be a JSON value, not {type(value).__name__}",
        message_zh=f"须为 JSON 值，而不是 {type(value).__name__}",
    )


def _structure_json_mapping(value: Any, _: Any) -> dict[str, Any]:
    if not isinstance(value, Mapping):
        raise type_error(value, "must be an object", "须为对象")
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
        overrides = {name: override(omit=True) for name in OMITTED.get(cls, ())}
        generated = make_dict_structure_fn(
            cls,
            conv,
            _cattrs_forbid_extra_keys=True,
            _cattrs_detailed_validation=conv.detailed_validation,
            **overrides,  # type: ignore[arg-type]
        )

        def structure_class(value: Any, tp: Any) -> Any:
            if not isinstance(value, Mapping):
                raise type_error(value, f"must be an object ({cls.__name__})", f"须为对象（{cls.__name__}）")
            return generated(value, tp)

        return structure_class

    return factory


def _class_unstructure(conv: cattrs.Converter) -> Callable[[Any], Callable[[Any], dict[str, Any]]]:
    def factory(cls: Any) -> Callable[[Any], dict[str, Any]]:
        overrides = {name: override(omit=True) for name in OMITTED.get(cls, ())}
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

    conv.register_unstructure_hook_factory(is_enum, _enum_unstructure)
    conv.register_structure_hook_factory(is_enum, _enum_structure)
    conv.register_unstructure_hook_factory(is_collection, _collection_unstructure(conv))
    conv.register_structure_hook_factory(is_collection, _collection_structure(conv))
    conv.register_unstructure_hook_factory(is_json_mapping, _json_mapping_unstructure(conv))
    conv.register_structure_hook_factory(is_json_mapping, lambda _tp: _structure_json_mapping)
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
    {'member_id': 'm1', 'claimed_on': '2026-05-06', 'pledged': '100.00', 'fulfilled_on': None, 'withdrawn_on': None, 'supporter_id': None}
    """
    return converter.unstructure(obj)


def structure(data: Any, cls: type[T]) -> T:
    """Build a ``cls`` from plain JSON data (the inverse of :func:`unstructure`).

    Raises:
        InvalidInput: for any failure, whatever ``data`` is, with ``.path`` naming the field
            (``claims[1].pledged``), ``.code`` one of ``input.unknown_key``, ``input.required``,
            ``input.type``, ``input.invalid``, ``input.too_large`` or the entity's own code, and a
            ``.value`` safe to print (long text cut short, control characters escaped, containers named).

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
    except InvalidInput as exc:
        raise bounded(exc) from None
    except Exception as exc:
        raise as_invalid_input(exc) from None
