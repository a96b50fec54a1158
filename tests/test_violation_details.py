"""``Violation(details=…)`` (issue 15): a mapping (or None) is kept as a dict of its own; anything else is
refused with an InvalidInput naming ``details`` — not a TypeError or ValueError from ``dict()``."""

from __future__ import annotations

from collections import OrderedDict
from datetime import date
from types import MappingProxyType
from typing import Any

import attrs
import pytest

from volunteer_core.errors import InvalidInput, InvalidType
from volunteer_core.rules import Violation, violation

BASE = violation("wish.value_cap", "w1", en="value 300.01 exceeds the cap", zh="价值超过上限", value="300.01")

NOT_MAPPINGS: dict[str, Any] = {
    "str": "value=300.01",
    '""': "",
    "0": 0,
    "1.5": 1.5,
    "True": True,
    "False": False,
    "a date": date(2026, 5, 1),
    "object()": object(),
    "[]": [],
    "a list of pairs": [("value", "300.01")],
    "a set": {"value"},
    "bytes": b"value",
    "5,000-digit int": 10**5000,
}


@pytest.mark.parametrize("details", NOT_MAPPINGS.values(), ids=NOT_MAPPINGS.keys())
def test_details_that_are_not_a_mapping_are_refused_naming_the_field(details: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(BASE, details=details)
    error = caught.value
    assert isinstance(error, InvalidType)
    assert (error.path, error.code) == ("details", "input.type")
    assert f"not {type(details).__name__}" in error.message_en
    assert len(str(error)) < 600


@pytest.mark.parametrize(
    "details",
    [{"value": "300.01"}, OrderedDict(value="300.01"), MappingProxyType({"value": "300.01"})],
    ids=["dict", "OrderedDict", "MappingProxyType"],
)
def test_a_mapping_is_kept_as_a_dict_of_its_own(details: Any) -> None:
    built = attrs.evolve(BASE, details=details)
    assert built.details == {"value": "300.01"}
    assert type(built.details) is dict
    assert built.details is not details


def test_none_and_no_details_are_empty() -> None:
    fields = {f.name: getattr(BASE, f.name) for f in attrs.fields(Violation) if f.name != "details"}
    assert Violation(**fields).details == {}
    assert Violation(**fields, details=None).details == {}
