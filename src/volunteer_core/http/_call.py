"""One request as the route table's operations see it: the unit of work, the caller, the parsed
parameters and body, and the scope and masking helpers every operation shares."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import attrs

from volunteer_core.errors import InvalidInput, NotFound
from volunteer_core.http._access import ALL, AccessStore, Principal
from volunteer_core.http._problems import HttpProblem
from volunteer_core.policy import DEFAULT, PRESETS, Policy
from volunteer_core.ports import UnitOfWork
from volunteer_core.privacy.personal import mask_field, personal_field
from volunteer_core.serialization import YUAN_PATTERN, parse_json, structure

__all__ = [
    "MAX_LIMIT",
    "MAX_YEAR",
    "MIN_YEAR",
    "Call",
    "Field",
    "Outcome",
    "field_schema",
    "masked",
    "read_fields",
]

T = TypeVar("T")

#: The most entities one list page holds (``limit``), and the most items of a batch.
MAX_LIMIT = 1000
#: The years the service accepts (the command line's ``--year`` bounds).
MIN_YEAR = 1950
#: The last year the service accepts.
MAX_YEAR = 2100
#: The longest ``Idempotency-Key`` header accepted.
MAX_IDEMPOTENCY_KEY = 200

#: Field names masked for a caller without ``administer`` besides the library's personal fields: a
#: supporter's contact (a phone number, masked as one).
_ALSO_PERSONAL = frozenset({"contact"})


#: Fields left out (null) for a caller without ``administer``: a birth date is the eight digits an ID
#: number's mask hides, and a masked date would not be a date.
_HIDDEN = frozenset({"birth_date"})


def _is_personal(key: str) -> bool:
    return key in _ALSO_PERSONAL or personal_field(key) is not None


def masked(data: Any) -> Any:
    """JSON data with every personal field's value masked (ID numbers, phones, addresses, contacts) and
    birth dates left out.

    >>> masked({"id": "p1", "phone": "13912344859", "items": [{"id_number": "110105194912310021"}]})
    {'id': 'p1', 'phone': '139****4859', 'items': [{'id_number': '110105********0021'}]}
    >>> masked({"id_number": "11010519491231002X", "birth_date": "1949-12-31"})
    {'id_number': '110105********002X', 'birth_date': None}
    """
    if isinstance(data, dict):
        return {
            key: (
                None
                if key in _HIDDEN
                else mask_field("phone" if key in _ALSO_PERSONAL else key, value)
                if _is_personal(key) and isinstance(value, str | int) and not isinstance(value, bool)
                else masked(value)
            )
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [masked(item) for item in data]
    return data


@attrs.frozen(kw_only=True)
class Field:
    """One field of a small action body (``{on, reason}``) or of a query: its type and whether it is
    required. Types: ``date``, ``str``, ``bool``, ``int``, ``yuan``."""

    name: str
    type: str
    required: bool = True
    description: str = ""


_PYTHON_TYPES: dict[str, Any] = {"date": date, "str": str, "bool": bool, "int": int, "sint": int}


def field_schema(field: Field) -> dict[str, Any]:
    """The JSON Schema of one action-body field (an optional one may be null).

    >>> field_schema(Field(name="on", type="date"))
    {'type': 'string', 'format': 'date'}
    """
    schema: dict[str, Any]
    if field.type == "date":
        schema = {"type": "string", "format": "date"}
    elif field.type == "yuan":
        schema = {"type": "string", "pattern": YUAN_PATTERN}
    elif field.type == "int":
        schema = {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}
    elif field.type == "sint":
        schema = {"type": "integer", "minimum": -(2**31), "maximum": 2**31 - 1}
    else:
        schema = {"type": {"str": "string", "bool": "boolean"}[field.type]}
    if not field.required:
        schema = {**schema, "type": [schema["type"], "null"]}
    if field.description:
        schema["description"] = field.description
    return schema


def read_fields(data: Any, fields: Iterable[Field]) -> dict[str, Any]:
    """An action body read against its fields: an object, no unknown key, every required field present,
    each value of its type (the library's converter); absent optional fields are left out.

    >>> read_fields({"on": "2026-05-01"}, [Field(name="on", type="date")])
    {'on': datetime.date(2026, 5, 1)}
    """
    fields = list(fields)
    if not isinstance(data, dict):
        raise InvalidInput(
            "$",
            "<" + type(data).__name__ + ">",
            code="input.type",
            message_en="the body must be a JSON object",
            message_zh="请求体须为 JSON 对象",
        )
    known = {f.name: f for f in fields}
    for key in data:
        if key not in known:
            raise InvalidInput(
                f"$.{key}",
                None,
                code="input.unknown_key",
                message_en=f"unknown field {key!r}",
                message_zh=f"未知字段 {key!r}",
            )
    out: dict[str, Any] = {}
    for f in fields:
        if f.name not in data or data[f.name] is None:
            if f.required:
                raise InvalidInput(
                    f"$.{f.name}",
                    None,
                    code="input.required",
                    message_en=f"{f.name} is required",
                    message_zh=f"缺少必填字段 {f.name}",
                )
            continue
        value = data[f.name]
        if f.type == "yuan":
            if not isinstance(value, str):
                raise InvalidInput(
                    f"$.{f.name}",
                    value if isinstance(value, int | float) else None,
                    code="input.type",
                    message_en='an amount is a string such as "300.00"',
                    message_zh='金额须为字符串，如 "300.00"',
                )
            out[f.name] = value
            continue
        try:
            out[f.name] = structure(value, _PYTHON_TYPES[f.type])
        except InvalidInput as err:
            raise err.at(f"$.{f.name}") from None
        if f.type in ("int", "sint") and not (-(2**31) <= out[f.name] < 2**31):
            raise InvalidInput(
                f"$.{f.name}",
                out[f.name],
                code="input.too_large",
                message_en="the number is out of range",
                message_zh="数值超出范围",
            )
    return out


@attrs.frozen(kw_only=True)
class Outcome:
    """What an operation answers: status, a JSON-ready payload (or raw bytes with their media type),
    the entity it wrote (for the audit trail)."""

    status: int = 200
    payload: Any = None
    content: bytes | None = None
    media_type: str = "application/json"
    entity_id: str = ""
    headers: Mapping[str, str] = attrs.field(factory=dict)


def _policy(name: str | None) -> Policy | None:
    if name is None:
        return None
    found = {key.lower(): p for key, p in PRESETS.items()}.get(name.lower())
    if found is None:
        raise InvalidInput(
            "policy",
            name,
            code="input.invalid",
            message_en=f"unknown policy preset; one of {', '.join(PRESETS)}",
            message_zh=f"未知政策预设，可选：{', '.join(PRESETS)}",
        )
    return found


@attrs.define(kw_only=True)
class Call:
    """One request handed to an operation of the route table."""

    uow: UnitOfWork
    access: AccessStore
    principal: Principal
    path: Mapping[str, str]
    query: Mapping[str, list[str]]
    body: bytes
    idempotency_key: str | None
    default_policy: Policy = DEFAULT
    clock: Callable[[], datetime]
    certificate_secret: bytes | None = None
    media_type: str = ""
    entity_id: str = ""
    _organisations: frozenset[str] | None = None
    _organisations_read: bool = False

    # --- parameters --------------------------------------------------------------------------------------
    def param(self, name: str) -> str | None:
        """A query parameter given once (repeated → 422), or None."""
        values = self.query.get(name, [])
        if len(values) > 1:
            raise InvalidInput(
                name,
                None,
                code="input.invalid",
                message_en=f"the query parameter {name} is given more than once",
                message_zh=f"查询参数 {name} 重复",
            )
        return values[0] if values else None

    def int_param(self, name: str, *, low: int, high: int, default: int | None = None) -> int | None:
        """An integer query (or path) parameter within ``low``–``high``."""
        text = self.path.get(name) if name in self.path else self.param(name)
        if text is None:
            return default
        return _integer(name, text, low, high)

    def date_param(self, name: str) -> date | None:
        """A date query parameter (``YYYY-MM-DD``)."""
        text = self.param(name)
        if text is None:
            return None
        try:
            return structure(text, date)
        except InvalidInput as err:
            raise err.at(name) from None

    def bool_param(self, name: str, *, default: bool = False) -> bool:
        """A boolean query parameter (``true``/``false``)."""
        text = self.param(name)
        if text is None:
            return default
        if text.lower() in ("true", "1"):
            return True
        if text.lower() in ("false", "0"):
            return False
        raise InvalidInput(
            name, text, code="input.type", message_en="must be true or false", message_zh="须为 true 或 false"
        )

    def policy(self) -> Policy:
        """The ``policy`` query parameter's preset, else the service's."""
        return _policy(self.param("policy")) or self.default_policy

    def json(self) -> Any:
        """The body as JSON (the library's strict reader); malformed → 400 ``input.json``."""
        try:
            return parse_json(self.body)
        except InvalidInput as err:
            if err.code == "input.too_large":
                raise
            raise HttpProblem(
                400, "input.json", err.message_zh, err.message_en, field=err.path or None
            ) from None

    def fields(self, fields: Iterable[Field]) -> dict[str, Any]:
        """The body read as an action body with these fields."""
        return read_fields(self.json(), fields)

    def entity(self, cls: type[T], data: Any = None, *, path: str = "$") -> T:
        """The body (or ``data``) structured as a ``cls`` by the library's converter."""
        try:
            return structure(self.json() if data is None else data, cls)
        except InvalidInput as err:
            raise err.at(path) from None

    # --- scope -------------------------------------------------------------------------------------------
    def out_of_scope(self, field: str, value: object) -> HttpProblem:
        """The 403 ``http.out_of_scope`` naming ``field``."""
        return HttpProblem(
            403,
            "http.out_of_scope",
            f"{field} 不在这个令牌的范围内",
            f"{field} lies outside the token's scope",
            field=field,
            value=value if isinstance(value, str) else None,
        )

    def require(self, branches: Iterable[str] | None, field: str, value: object) -> None:
        """Refuse a write unless every branch in ``branches`` lies in the scope (None: no branch — any)."""
        if branches is None or self.principal.branch_ids is None:
            return
        branches = list(branches)
        if not branches or not all(self.principal.covers(b) for b in branches):
            raise self.out_of_scope(field, value)

    def visible(self, branches: Iterable[str] | None) -> bool:
        """Whether an entity of these branches may be read (None: of no branch — readable by any)."""
        if branches is None or self.principal.branch_ids is None:
            return True
        return any(self.principal.covers(b) for b in branches)

    def member_branch(self, member_id: object) -> str | None:
        """The branch of a stored member, None if unknown (the use-case reports that itself)."""
        if not isinstance(member_id, str):
            return None
        with self.uow:
            try:
                return self.uow.members.get(member_id).branch_id
            except NotFound:
                return None

    def require_member(self, member_id: object, field: str = "member_id") -> None:
        """Refuse a write naming a member outside the scope."""
        if member_id is None or self.principal.branch_ids is None:
            return
        branch = self.member_branch(member_id)
        if branch is not None and not self.principal.covers(branch):
            raise self.out_of_scope(field, member_id)

    def require_branch(self, branch_id: object, field: str = "branch_id") -> None:
        """Refuse a write naming a branch outside the scope."""
        if self.principal.branch_ids is None:
            return
        if not isinstance(branch_id, str) or not self.principal.covers(branch_id):
            raise self.out_of_scope(field, branch_id)

    def organisations(self) -> frozenset[str] | None:
        """The organisation ids the scope reaches (its subtree), None for ``"*"``."""
        if self.principal.scope == ALL:
            return None
        if not self._organisations_read:
            with self.uow:
                try:
                    nodes = self.uow.organisations.subtree(self.principal.scope)
                except NotFound:
                    nodes = []
            self._organisations = frozenset(o.id for o in nodes)
            self._organisations_read = True
        return self._organisations

    def shown(self, data: Any) -> Any:
        """JSON data as this caller may see it: masked unless ``administer``."""
        return data if self.principal.unmasked else masked(data)

    def today(self) -> date:
        """The service clock's day in China (UTC+8), as the use-cases date what they enter by default."""
        return (self.clock().astimezone(UTC) + timedelta(hours=8)).date()


def _integer(name: str, text: str, low: int, high: int) -> int:
    digits = text[1:] if text[:1] in "+-" else text
    if not (digits.isascii() and digits.isdigit() and len(digits) <= 12):
        raise InvalidInput(
            name,
            text,
            code="input.type",
            message_en=f"{name} must be an integer",
            message_zh=f"{name} 须为整数",
        )
    value = int(text)
    if not low <= value <= high:
        raise InvalidInput(
            name,
            value,
            code="input.invalid",
            message_en=f"{name} must be within {low}–{high}",
            message_zh=f"{name} 须在 {low}–{high} 之间",
        )
    return value


def dumps(data: Any) -> bytes:
    """JSON bytes of JSON-ready data (UTF-8, compact)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
