"""A supporter's own invariants (model/supporter.py): who besides members claims wishes (004 §四), the kind read
from its value, ``contact`` a phone checked and masked as members' phones are (repr, errors), a social
organisation's credit code normalised and checked."""

from __future__ import annotations

import pytest

from volunteer_core import InvalidInput, Supporter, SupporterKind


def test_the_kind_is_read_from_its_value_and_labelled() -> None:
    assert Supporter(id="s1", name="王爱心", kind="caring_person").kind is SupporterKind.CARING_PERSON
    assert [k.label_zh for k in SupporterKind] == ["社区志愿者", "爱心人士", "社会组织"]
    with pytest.raises(InvalidInput) as caught:
        Supporter(id="s1", name="王爱心", kind="donor")
    assert caught.value.path == "kind"


@pytest.mark.parametrize("contact", ["13912344859", "0594-2345678"])
def test_a_contact_is_kept_and_masked_in_the_repr(contact: str) -> None:
    supporter = Supporter(id="s1", name="王爱心", kind="caring_person", contact=contact)
    assert supporter.contact == contact
    assert contact not in repr(supporter)
    assert "*" in repr(supporter)


@pytest.mark.parametrize("contact", ["1391234485", "139123448590", "12345", "not a phone"])
def test_a_contact_that_is_no_phone_is_refused_and_masked(contact: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        Supporter(id="s1", name="王爱心", kind="caring_person", contact=contact)
    error = caught.value
    assert (error.path, error.code) == ("contact", "input.invalid")
    assert contact not in str(error)
    assert contact not in repr(error.value)


def test_a_credit_code_is_normalised_and_checked() -> None:
    organisation = Supporter(
        id="s2", name="凤山慈善会", kind="social_organisation", credit_code="91110000600037341l"
    )
    assert organisation.credit_code == "91110000600037341L"
    with pytest.raises(InvalidInput) as caught:
        Supporter(id="s2", name="凤山慈善会", kind="social_organisation", credit_code="91110000600037341X")
    assert caught.value.path == "credit_code"


@pytest.mark.parametrize(("field", "value"), [("id", ""), ("name", " "), ("name", "")])
def test_the_id_and_the_name_are_required(field: str, value: str) -> None:
    fields = {"id": "s1", "name": "王爱心", "kind": "caring_person", field: value}
    with pytest.raises(InvalidInput) as caught:
        Supporter(**fields)  # type: ignore[arg-type]
    assert caught.value.path == field
