"""Structuring errors of ``volunteer_core.serialization``: every failure is ONE ``InvalidInput`` whose
``.path`` names the field (``claims[1].pledged``); JSON text that is not valid JSON is refused too.
"""

from __future__ import annotations

from typing import Any

import pytest
from serialization_support import (
    TWO_CLAIMS,
    D,
    example_of,
    refused,
    wish_data,
)

from volunteer_core import (
    Beneficiary,
    Branch,
    BranchPlan,
    Claim,
    DateRange,
    InvalidInput,
    Pairing,
    PlanItem,
    Rule,
    Team,
    Violation,
    Wish,
    Yuan,
)
from volunteer_core import serialization as ser
from volunteer_core.aggregates import ENTITIES

# ---------------------------------------------------------------------------------------------------------
# errors: one InvalidInput naming the field


def test_float_money_is_refused_naming_the_field() -> None:
    data = wish_data()
    data["value"] = 300.0
    error = refused(data, Wish)
    assert (error.path, error.code, error.value) == ("value", "input.type", 300.0)


def test_float_money_in_a_claim_names_the_claim() -> None:
    data = wish_data()
    data["claims"][1]["pledged"] = 200.0
    error = refused(data, Wish)
    assert (error.path, error.code) == ("claims[1].pledged", "input.type")
    assert str(error).startswith("input.type @ claims[1].pledged: ")


def test_float_money_from_json_text() -> None:
    text = ser.to_json(TWO_CLAIMS).replace('"pledged":"200.00"', '"pledged":200.00')
    with pytest.raises(InvalidInput) as caught:
        ser.from_json(Wish, text)
    assert (caught.value.path, caught.value.code) == ("claims[1].pledged", "input.type")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (1.5, "input.type"),
        (True, "input.type"),
        (None, "input.type"),
        ([], "input.type"),
        (-1, "input.invalid"),
        ("-1", "input.invalid"),
        ("1.001", "input.invalid"),
        ("1.000", "input.invalid"),
        ("300元", "input.invalid"),
        (" 300", "input.invalid"),
        ("", "input.invalid"),
        ("1e3", "input.invalid"),
        ("３００", "input.invalid"),
    ],
)
def test_money_accepts_only_canonical_strings_and_whole_yuan(value: Any, code: str) -> None:
    error = refused(value, Yuan)
    assert (error.path, error.code) == ("", code)


def test_an_entity_code_surfaces_with_its_field() -> None:
    data = wish_data()
    data["claims"][1]["pledged"] = "0"  # Claim: a pledge must be more than 0
    error = refused(data, Wish)
    assert (error.path, error.code) == ("claims[1].pledged", "input.invalid")


def test_a_constructor_check_in_a_nested_claim_is_prefixed() -> None:
    data = wish_data()
    data["claims"][1]["withdrawn_on"] = "2026-05-01"  # before claimed_on
    error = refused(data, Wish)
    assert error.path == "claims[1].withdrawn_on"


def test_a_constructor_check_of_the_entity_itself() -> None:
    data = wish_data()
    data["screened_on"] = "2026-04-01"  # before collected_on
    assert refused(data, Wish).path == "screened_on"


def test_beneficiary_id_checksum_error_names_id_number() -> None:
    data = {
        "id": "p1",
        "name": "王五",
        "category": "elderly",
        "community": "凤山社区",
        "id_number": "110105194912310021",
    }
    error = refused(data, Beneficiary)
    assert (error.path, error.code) == ("id_number", "input.invalid")


def test_unknown_key_is_refused_with_its_path() -> None:
    data = wish_data()
    data["valeu"] = "1"
    error = refused(data, Wish)
    assert (error.path, error.code, error.value) == ("valeu", "input.unknown_key", "valeu")
    data = wish_data()
    data["claims"][0]["note"] = "x"
    assert refused(data, Wish).path == "claims[0].note"


def test_unknown_key_in_a_date_range_and_a_plan_item() -> None:
    pairing = ser.unstructure(example_of(Pairing))
    pairing["period"]["until"] = None
    assert (refused(pairing, Pairing).path, refused(pairing, Pairing).code) == (
        "period.until",
        "input.unknown_key",
    )
    plan = ser.unstructure(example_of(BranchPlan))
    plan["items"][1]["owner"] = "x"
    assert refused(plan, BranchPlan).path == "items[1].owner"


def test_missing_required_key() -> None:
    error = refused({"id": "b1"}, Branch)
    assert (error.path, error.code) == ("name", "input.required")
    data = wish_data()
    del data["claims"][1]["claimed_on"]
    error = refused(data, Wish)
    assert (error.path, error.code) == ("claims[1].claimed_on", "input.required")


def test_missing_optional_keys_take_their_defaults() -> None:
    assert ser.structure({"id": "b1", "name": "支部"}, Branch) == Branch(id="b1", name="支部")


def test_bad_enum_value_names_the_field() -> None:
    data = wish_data()
    data["kind"] = "gift"
    error = refused(data, Wish)
    assert (error.path, error.code) == ("kind", "input.invalid")
    assert "material" in error.message_en
    plan = ser.unstructure(example_of(BranchPlan))
    plan["items"][1]["line"] = "PAIRING"
    assert refused(plan, BranchPlan).path == "items[1].line"
    v = ser.unstructure(example_of(Violation))
    v["severity"] = "fatal"
    assert refused(v, Violation).path == "severity"


def test_enums_are_read_as_members() -> None:
    v = ser.structure(ser.unstructure(example_of(Violation)), Violation)
    assert type(v.severity).__name__ == "Severity"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("2026-5-1", "input.invalid"),
        ("2026-02-30", "input.invalid"),
        ("2026-05-01T00:00:00", "input.invalid"),
        ("2026-05-01 08:00", "input.invalid"),
        ("20260501", "input.invalid"),
        ("2026/05/01", "input.invalid"),
        ("", "input.invalid"),
        (20260501, "input.type"),
        (None, "input.type"),
    ],
)
def test_bad_date_is_refused(text: Any, code: str) -> None:
    data = wish_data()
    data["collected_on"] = text
    error = refused(data, Wish)
    assert (error.path, error.code) == ("collected_on", code)


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", 5), ("name", None), ("version", "1"), ("version", 1.0), ("version", True)],
)
def test_no_silent_coercion_of_strings_and_integers(field: str, value: Any) -> None:
    error = refused({"id": "b1", "name": "支部", field: value}, Branch)
    assert (error.path, error.code) == (field, "input.type")


def test_a_string_is_not_a_set_of_ids() -> None:
    data = ser.unstructure(example_of(Team))
    data["member_ids"] = "m1"
    assert (refused(data, Team).path, refused(data, Team).code) == ("member_ids", "input.type")
    data["member_ids"] = ["m1", 2]
    assert refused(data, Team).path == "member_ids[1]"


def test_details_must_be_json() -> None:
    data = ser.unstructure(example_of(Violation))
    data["details"] = {"when": D}
    error = refused(data, Violation)
    assert (error.path, error.code) == ("details.when", "input.type")
    data["details"] = ["x"]
    assert refused(data, Violation).path == "details"


def test_several_problems_give_one_error_the_first_in_field_order() -> None:
    data = {"name": 5, "extra": 1}
    error = refused(data, Branch)
    assert (error.path, error.code) == ("id", "input.required")
    notes = getattr(error, "__notes__", [])
    assert any("@ name" in note for note in notes)
    assert any("input.unknown_key @ extra" in note for note in notes)


@pytest.mark.parametrize("cls", [*ENTITIES, Claim, PlanItem, DateRange, Violation, Rule])
@pytest.mark.parametrize("junk", [None, "", 0, "⑱", [], {}, 1.5, True, {"⑱": 1}, [{}]])
def test_junk_is_always_one_invalid_input(cls: Any, junk: Any) -> None:
    error = refused(junk, cls)
    assert error.code in {"input.type", "input.required", "input.unknown_key"}


# ---------------------------------------------------------------------------------------------------------
# JSON text


@pytest.mark.parametrize(
    "text",
    ['{"id": "b1",', "", "NaN", '{"id": "b1", "name": NaN}', "{'id': 'b1'}", b"\xff\xfe\x00", "[1] [2]"],
)
def test_invalid_json_text(text: str | bytes) -> None:
    with pytest.raises(InvalidInput) as caught:
        ser.from_json(Branch, text)
    assert (caught.value.path, caught.value.code) == ("", "input.invalid")


def test_json_text_must_be_text() -> None:
    with pytest.raises(InvalidInput) as caught:
        ser.from_json(Branch, None)  # type: ignore[arg-type]
    assert caught.value.code == "input.type"


def test_a_key_repeated_in_one_object_is_refused_with_its_path() -> None:
    text = ser.to_json(TWO_CLAIMS).replace('"member_id":"m2"', '"member_id":"m2","member_id":"m3"')
    with pytest.raises(InvalidInput) as caught:
        ser.from_json(Wish, text)
    assert (caught.value.path, caught.value.code) == ("claims[1].member_id", "input.invalid")


def test_json_bytes_are_read() -> None:
    assert ser.from_json(Wish, ser.to_json(TWO_CLAIMS).encode()) == TWO_CLAIMS
