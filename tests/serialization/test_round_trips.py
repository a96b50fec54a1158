"""Round trips of ``volunteer_core.serialization`` (api.md "Serialization"): exact for every entity, in
plain JSON, and for anything the strategies draw.

The examples live in ``serialization_support.py``.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from serialization_support import (
    EXAMPLES,
    MIXED_CLAIMS,
    REFERRED,
    TWO_CLAIMS,
    D,
    example_id,
    example_of,
    refused,
    schema_problems,
)

from volunteer_core import (
    RULES,
    Branch,
    Claim,
    DateRange,
    InvalidInput,
    PlanItem,
    Rule,
    Team,
    Violation,
    Wish,
    Yuan,
)
from volunteer_core import serialization as ser
from volunteer_core.aggregates import ENTITIES
from volunteer_core.rules import violation
from volunteer_core.testing import strategies as vst


def test_examples_cover_every_entity_and_part() -> None:
    covered = {type(example) for example in EXAMPLES}
    assert set(ENTITIES) | {Claim, PlanItem, Violation, Rule, DateRange} <= covered


# ---------------------------------------------------------------------------------------------------------
# round trips


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_unstructure_then_structure_is_exact(example: Any) -> None:
    data = ser.unstructure(example)
    assert ser.structure(data, type(example)) == example


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_to_json_then_from_json_is_exact(example: Any) -> None:
    text = ser.to_json(example)
    again = ser.from_json(type(example), text)
    assert again == example
    assert ser.to_json(again) == text  # and the text is stable


def _is_plain_json(data: Any) -> bool:
    """Only the exact JSON types (no enum member, no str subclass, no tuple)."""
    if data is None or type(data) in (bool, int, float, str):
        return True
    if type(data) is list:
        return all(_is_plain_json(item) for item in data)
    if type(data) is dict:
        return all(type(key) is str and _is_plain_json(value) for key, value in data.items())
    return False


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_unstructure_gives_plain_json_in_field_order(example: Any) -> None:
    data = ser.unstructure(example)
    assert _is_plain_json(data)
    expected = [a.name for a in attrs.fields(type(example)) if a.name != "check"]
    assert list(data) == expected
    assert json.loads(ser.to_json(example)) == data


def test_wish_with_two_claims_as_json() -> None:
    data = json.loads(ser.to_json(TWO_CLAIMS))
    assert data["value"] == "300.00"
    assert data["kind"] == "material"
    assert data["status"] == "claimed"
    assert data["collected_on"] == "2026-05-01"
    assert [c["pledged"] for c in data["claims"]] == ["100.00", "200.00"]
    assert data["claims"][0] == {
        "member_id": "m1",
        "claimed_on": "2026-05-06",
        "pledged": "100.00",
        "fulfilled_on": None,
        "withdrawn_on": None,
        "supporter_id": None,
    }
    assert ser.from_json(Wish, ser.to_json(TWO_CLAIMS)).claims == TWO_CLAIMS.claims


def test_a_wish_claimed_by_a_supporter_and_referred_as_json() -> None:
    data = json.loads(ser.to_json(MIXED_CLAIMS))
    assert [(c["member_id"], c["supporter_id"]) for c in data["claims"]] == [
        (None, "s1"),
        ("m1", None),
        (None, "s1"),
    ]
    assert ser.from_json(Wish, ser.to_json(MIXED_CLAIMS)) == MIXED_CLAIMS
    referred = json.loads(ser.to_json(REFERRED))
    assert (referred["referred_to"], referred["referred_on"], referred["referral_outcome"]) == (
        "城厢区民政局", "2026-05-04", "已办结",
    )  # fmt: skip
    legacy = {
        key: value for key, value in ser.unstructure(TWO_CLAIMS).items() if not key.startswith("referr")
    }
    for claim in legacy["claims"]:
        del claim["supporter_id"]
    assert ser.structure(legacy, Wish) == TWO_CLAIMS, "JSON written before the new fields still reads"


@pytest.mark.parametrize(
    ("claim", "path", "code"),
    [
        ({"claimed_on": "2026-05-06"}, "claims[0].member_id", "input.required"),
        ({"claimed_on": "2026-05-06", "member_id": None, "supporter_id": None}, "claims[0].member_id", "input.required"),
        ({"claimed_on": "2026-05-06", "member_id": "m1", "supporter_id": "s1"}, "claims[0].supporter_id", "input.invalid"),
    ],
    ids=["neither", "both null", "both"],
)  # fmt: skip
def test_a_claim_names_a_member_or_a_supporter_exactly(claim: dict[str, Any], path: str, code: str) -> None:
    data = ser.unstructure(TWO_CLAIMS)
    data["claims"][0] = {**claim, "pledged": "100.00"}
    error = refused(data, Wish)
    assert (error.path, error.code) == (path, code)


def test_yuan_serialises_as_a_string_with_two_decimals() -> None:
    assert ser.unstructure(Yuan(300)) == "300.00"
    assert ser.to_json(Yuan("0.5")) == '"0.50"'
    assert '"value":"300.00"' in ser.to_json(TWO_CLAIMS)


def test_to_json_is_compact_and_keeps_chinese() -> None:
    text = ser.to_json(Branch(id="b1", name="办公室党支部"))
    assert text == '{"id":"b1","name":"办公室党支部","organisation_id":null,"version":0}'


def test_sets_are_written_sorted_whatever_the_insertion_order() -> None:
    one = Team(id="t1", branch_id="b1", name="队", member_ids=["m3", "m1", "m2"])
    two = Team(id="t1", branch_id="b1", name="队", member_ids=["m2", "m3", "m1"])
    assert ser.unstructure(one)["member_ids"] == ["m1", "m2", "m3"]
    assert ser.to_json(one) == ser.to_json(two)


def test_date_range_is_an_object_with_null_end() -> None:
    assert ser.unstructure(DateRange(date(2026, 1, 1))) == {"start": "2026-01-01", "end": None}


def test_rule_is_written_without_its_check_function() -> None:
    rule = RULES["wish.value_cap"]
    data = ser.unstructure(rule)
    assert "check" not in data
    assert ser.structure(data, Rule) == rule
    with pytest.raises(InvalidInput) as caught:
        ser.structure({**data, "check": None}, Rule)
    assert (caught.value.path, caught.value.code) == ("check", "input.unknown_key")


def test_violation_details_round_trip() -> None:
    v = example_of(Violation)
    again = ser.from_json(Violation, ser.to_json(v))
    assert again == v
    assert again.details["pairing_ids"] == ["pa1", "pa2"]


def test_lists_of_entities() -> None:
    wishes = [TWO_CLAIMS, TWO_CLAIMS]
    assert ser.structure(ser.unstructure(wishes), list[Wish]) == wishes
    bad = ser.unstructure(wishes)
    bad[1]["claims"][0]["pledged"] = 1.5
    error = refused(bad, list[Wish])
    assert (error.path, error.code) == ("[1].claims[0].pledged", "input.type")


def test_accepts_whole_yuan_as_an_int_and_already_built_values() -> None:
    assert ser.structure(300, Yuan) == Yuan(300)
    assert ser.structure("300", Yuan) == Yuan("300.00")
    assert ser.structure(Yuan(3), Yuan) == Yuan(3)
    assert ser.structure(D, date) == D


def test_converter_is_our_own_and_strict() -> None:
    assert ser.converter is not cattrs.global_converter
    assert ser.converter.forbid_extra_keys
    assert ser.converter.detailed_validation
    assert isinstance(ser.make_converter(), cattrs.Converter)
    assert ser.make_converter() is not ser.converter
    # the global converter is untouched: it still coerces like stock cattrs
    assert cattrs.structure("5", int) == 5


# ---------------------------------------------------------------------------------------------------------
# properties


@given(st.integers(min_value=0, max_value=10**12))
def test_any_amount_round_trips_through_its_text(fen: int) -> None:
    money = Yuan.from_fen(fen)
    text = ser.to_json(money)
    assert re.fullmatch(r'"\d+\.\d{2}"', text)
    assert ser.from_json(Yuan, text) == money


@given(st.dates())
def test_any_date_round_trips(day: date) -> None:
    assert ser.from_json(date, ser.to_json(day)) == day


@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=30000), st.dates(date(2026, 5, 1), date(2027, 5, 1))),
        max_size=5,
    )
)
def test_any_wish_with_claims_round_trips(pledges: list[tuple[int, date]]) -> None:
    claims = tuple(
        Claim(member_id=f"m{index}", claimed_on=day, pledged=Yuan.from_fen(fen))
        for index, (fen, day) in enumerate(pledges)
    )
    wish = Wish(
        id="w1",
        beneficiary_id="p1",
        kind="material",
        content="书包",
        collected_on=D,
        value="300",
        claims=claims,
    )
    assert ser.from_json(Wish, ser.to_json(wish)) == wish


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(), lambda inner: st.lists(inner)))
def test_any_json_detail_round_trips(value: Any) -> None:
    v = violation("wish.value_cap", "w1", en="x", zh="x", value=value)
    assert ser.from_json(Violation, ser.to_json(v)) == v


_DATASET_SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _entities(dataset: vst.Dataset) -> list[Any]:
    return [
        *dataset.organisations,
        *dataset.supporters,
        *dataset.qualifications,
        *dataset.branches,
        *dataset.members,
        *dataset.teams,
        *dataset.beneficiaries,
        *dataset.units,
        *dataset.pairings,
        *dataset.activities,
        *dataset.records,
        *dataset.wishes,
    ]


@_DATASET_SETTINGS
@given(st.booleans().flatmap(lambda extended: vst.datasets(reversals=True, organisations=extended)))
def test_every_entity_of_a_drawn_dataset_round_trips(dataset: vst.Dataset) -> None:
    for entity in _entities(dataset):
        cls = type(entity)
        assert ser.structure(ser.unstructure(entity), cls) == entity
        text = ser.to_json(entity)
        assert ser.from_json(cls, text) == entity
        schema = ser.json_schema(cls)
        assert schema_problems(json.loads(text), schema, schema) == []


@_DATASET_SETTINGS
@given(vst.datasets(organisations=True))
def test_a_whole_dataset_round_trips(dataset: vst.Dataset) -> None:
    assert ser.from_json(vst.Dataset, ser.to_json(dataset)) == dataset


@_DATASET_SETTINGS
@given(st.one_of(vst.demands(), vst.branch_plans(), vst.half_year_reports(), vst.claims(), vst.plan_items()))
def test_entities_outside_datasets_round_trip(entity: Any) -> None:
    assert ser.from_json(type(entity), ser.to_json(entity)) == entity
