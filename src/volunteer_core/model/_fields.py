"""Field validators and converters shared by the entities. Each raises ``InvalidInput`` naming the field."""

from __future__ import annotations

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
    PairingMode,
    PlanLine,
    RecordStatus,
    UnitKind,
    WishKind,
    WishStatus,
)
from volunteer_core.money import Yuan, coerce_yuan

E = TypeVar("E", bound=Enum)


def _fail(path: str, value: object, en: str, zh: str, code: str = "input.invalid") -> InvalidInput:
    return InvalidInput(path, value, code=code, message_en=en, message_zh=zh)


def identifier(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An id: a non-empty str without surrounding whitespace."""
    if not isinstance(value, str) or not value or value != value.strip():
        raise _fail(
            attribute.name,
            value,
            "must be a non-empty string without surrounding spaces",
            "须为非空字符串且首尾无空格",
            "input.required" if value in ("", None) else "input.invalid",
        )


def optional_identifier(inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """None or an id."""
    if value is not None:
        identifier(inst, attribute, value)


def name_text(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A required text: a str that is not blank."""
    if not isinstance(value, str) or not value.strip():
        raise _fail(attribute.name, value, "must not be blank", "不能为空", "input.required")


def plain_text(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A str, possibly empty."""
    if not isinstance(value, str):
        raise _fail(attribute.name, value, "must be a string", "须为字符串", "input.type")


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


def an_int(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """An int (not a bool)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(attribute.name, value, "must be an integer", "须为整数", "input.type")


def version(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A version number: an int ≥ 0."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _fail(attribute.name, value, "must be an integer ≥ 0", "须为不小于0的整数")


def member_of(enum: type[E]) -> Callable[[object, attrs.Attribute[Any], object], None]:
    """A validator accepting only members of ``enum``."""

    def check(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
        if not isinstance(value, enum):
            allowed = ", ".join(str(m.value) for m in enum)
            raise _fail(attribute.name, value, f"must be one of {allowed}", f"须为以下之一：{allowed}")

    return check


def enum_value(enum: type[E], value: Any) -> Any:
    """Read an enum member from itself or its value; unknown values pass to the validator."""
    if isinstance(value, enum):
        return value
    try:
        return enum(value)
    except (ValueError, TypeError):
        return value


def to_frozenset(value: Any) -> Any:
    """An iterable (never a bare string) as a frozenset; anything else passes to the validator."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        return value
    return frozenset(value)


def id_set(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """A frozenset whose every element is a non-blank string."""
    if not isinstance(value, frozenset):
        raise _fail(
            attribute.name, value, "must be a collection of strings, not a single value", "须为字符串集合"
        )
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise _fail(
                attribute.name, item, "every element must be a non-empty string", "每个元素须为非空字符串"
            )


def to_optional_yuan(value: Any) -> Any:
    """Money or None: Yuan, int, str and Decimal become Yuan; anything else passes to the validator."""
    if value is None or isinstance(value, Yuan):
        return value
    try:
        return coerce_yuan(value)
    except (InvalidInput, TypeError):
        return value


def yuan(path: str, value: object) -> Yuan:
    """Read money for the field ``path``: a float raises TypeError, bad text InvalidInput, both naming it."""
    if isinstance(value, Yuan):
        return value
    try:
        return coerce_yuan(value)
    except TypeError as err:
        raise TypeError(f"{path}: {err}") from None
    except InvalidInput as err:
        raise InvalidInput(
            path, value, code=err.code, message_en=err.message_en, message_zh=err.message_zh
        ) from None


def optional_yuan(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """None or Yuan (a float raises TypeError, bad text InvalidInput, both naming the field)."""
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
