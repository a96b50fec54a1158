"""JSON Schemas (draft 2020-12) of what :func:`~volunteer_core.serialization.to_json` writes.

>>> schema = json_schema(Yuan)
>>> schema["title"], schema["type"], schema["pattern"] == YUAN_PATTERN
('Yuan', 'string', True)
"""

from __future__ import annotations

import typing
from collections.abc import Set as AbstractSet
from datetime import date
from decimal import Decimal
from types import NoneType, UnionType
from typing import Any

import attrs

from volunteer_core._catalogue import Rule, Violation
from volunteer_core.aggregates import ENTITIES
from volunteer_core.calendar.dates import DateRange
from volunteer_core.model import Claim, PlanItem
from volunteer_core.money import Yuan
from volunteer_core.serialization._converter import (
    OMITTED,
    converter,
    is_collection,
    is_enum,
    is_json_mapping,
)

__all__ = ["YUAN_PATTERN", "json_schema", "json_schemas"]

#: The canonical text of an amount of yuan in JSON (also the JSON Schema ``pattern``).
YUAN_PATTERN = r"^\d+(\.\d{1,2})?$"
_DECIMAL_PATTERN = r"^-?\d+(\.\d+)?$"

#: The ``$schema`` of every schema :func:`json_schema` returns.
_DIALECT = "https://json-schema.org/draft/2020-12/schema"

#: Constraints across fields that a schema can say, by class: a claim names a member or a supporter,
#: exactly one of them (``Claim``'s own check; the other is null or absent).
_ACROSS_FIELDS: dict[type, dict[str, Any]] = {
    Claim: {
        "oneOf": [
            {
                "required": ["member_id"],
                "properties": {"member_id": {"type": "string"}, "supporter_id": {"type": "null"}},
            },
            {
                "required": ["supporter_id"],
                "properties": {"supporter_id": {"type": "string"}, "member_id": {"type": "null"}},
            },
        ]
    },
}

#: What :func:`json_schemas` covers, beyond the entities: their parts, rules' output and values.
_SCHEMA_CLASSES: tuple[type, ...] = (*ENTITIES, Claim, PlanItem, DateRange, Violation, Rule)


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
    if is_collection(tp):
        schema: dict[str, Any] = {"type": "array", "items": _schema_of(typing.get_args(tp)[0], defs)}
        if origin in (frozenset, set, AbstractSet):
            schema["uniqueItems"] = True
        return schema
    if is_json_mapping(tp):
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
    if is_enum(tp):
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
    omitted = OMITTED.get(cls, ())
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
    result.update(_ACROSS_FIELDS.get(cls, {}))
    return result


def json_schema(cls: type) -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of the JSON that :func:`to_json` writes for ``cls``.

    Derived from the attrs fields and type hints: ``required`` lists the fields without a default,
    unknown keys are refused (``additionalProperties: false``), enums list their values, money is a
    string matching :data:`YUAN_PATTERN`, dates have ``format: date``, nested classes (``Claim``,
    ``PlanItem``, ``DateRange``) sit in ``$defs``. A claim's ``oneOf`` says it names a member or a
    supporter, exactly one of them. The entity's other checks (an ID number's checksum, a date order)
    are not expressed: :func:`structure` applies them.

    >>> from volunteer_core import Wish
    >>> schema = json_schema(Wish)
    >>> schema["title"], schema["required"], schema["additionalProperties"]
    ('Wish', ['id', 'beneficiary_id', 'kind', 'content', 'collected_on'], False)
    >>> schema["properties"]["claims"]["items"], list(schema["$defs"])
    ({'$ref': '#/$defs/Claim'}, ['Claim'])
    >>> [option["required"] for option in schema["$defs"]["Claim"]["oneOf"]]
    [['member_id'], ['supporter_id']]
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
