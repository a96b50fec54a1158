"""The repr and str of an entity never show a full ID number, phone or address (issue 15).

Reprs land in logs, tracebacks and notebooks. Every attrs class of the model with a personal field (a
name :func:`volunteer_core.privacy.personal_field` recognises) shows that field through
:func:`volunteer_core.privacy.masked_repr`; the stored value itself is unchanged.
"""

from __future__ import annotations

import inspect
from datetime import date
from typing import Any

import attrs
import pytest

from volunteer_core import Beneficiary, Member, model
from volunteer_core.aggregates import ENTITIES
from volunteer_core.privacy import personal_field

ID = "11010519491231002X"
MOBILE = "13912344859"
ADDRESS = "福建省莆田市城厢区龙桥街道凤山社区8号楼2单元301"


def _model_classes() -> list[type[Any]]:
    """Every attrs class of the model: the aggregates' entities and the values they hold."""
    found = {*ENTITIES}
    found.update(c for _, c in inspect.getmembers(model, inspect.isclass) if attrs.has(c))
    return sorted(found, key=lambda c: c.__name__)


PERSONAL = [
    (cls, field.name)
    for cls in _model_classes()
    for field in attrs.fields(cls)
    if personal_field(field.name) is not None
]


def test_the_model_has_personal_fields() -> None:
    names = {(cls.__name__, name) for cls, name in PERSONAL}
    assert {("Member", "phone"), ("Beneficiary", "id_number"), ("Beneficiary", "phone")} <= names
    assert ("Beneficiary", "address") in names


@pytest.mark.parametrize(("cls", "name"), PERSONAL, ids=lambda p: getattr(p, "__name__", p))
def test_every_personal_field_has_a_masking_repr(cls: type[Any], name: str) -> None:
    show = attrs.fields_dict(cls)[name].repr
    assert callable(show), f"{cls.__name__}.{name} is shown by the default repr"
    for value in (ID, MOBILE, ADDRESS):
        assert value not in show(value)


def test_beneficiary_repr_and_str() -> None:
    b = Beneficiary(
        id="p1",
        name="王五",
        category="elderly",
        community="凤山社区",
        id_number=ID,
        phone=MOBILE,
        address=ADDRESS,
    )
    for text in (repr(b), str(b), repr([b]), f"{b}"):
        assert ID not in text
        assert "19491231" not in text
        assert MOBILE not in text
        assert "8号楼" not in text
        assert "id_number='110105********002X'" in text
        assert "phone='139****4859'" in text
        assert "address='福建省莆田市城厢区龙桥街道凤山社区***'" in text
    assert (b.id_number, b.phone, b.address) == (ID, MOBILE, ADDRESS)  # only the repr is masked


def test_member_repr_and_str() -> None:
    m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1), phone=MOBILE)
    for text in (repr(m), str(m)):
        assert MOBILE not in text
        assert "phone='139****4859'" in text
        assert "name='张三'" in text  # members are the public actors: their names are shown
    assert m.phone == MOBILE


def test_a_person_without_personal_data_shows_none() -> None:
    m = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))
    assert "phone=None" in repr(m)
