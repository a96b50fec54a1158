"""JSON Schemas of ``volunteer_core.serialization``: they describe what ``to_json`` writes."""

from __future__ import annotations

import importlib
import json
from typing import Any

import attrs
import pytest
from serialization_support import (
    EXAMPLES,
    TWO_CLAIMS,
    example_id,
    schema_problems,
)

from volunteer_core import (
    Activity,
    Branch,
    BranchPlan,
    Claim,
    DateRange,
    Organisation,
    Pairing,
    PlanItem,
    Qualification,
    Rule,
    Supporter,
    Violation,
    Wish,
    Yuan,
)
from volunteer_core import serialization as ser
from volunteer_core.aggregates import ENTITIES

# ---------------------------------------------------------------------------------------------------------
# JSON Schema


SCHEMA_CLASSES = [*ENTITIES, Claim, PlanItem, DateRange, Violation, Rule]


@pytest.mark.parametrize("cls", SCHEMA_CLASSES, ids=lambda cls: cls.__name__)
def test_schema_of_every_entity(cls: Any) -> None:
    schema = ser.json_schema(cls)
    assert isinstance(schema, dict)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == cls.__name__
    assert schema["description"]
    assert schema["type"] == "object"
    assert schema["additionalProperties"] is False
    fields = [a for a in attrs.fields(cls) if a.name != "check"]
    assert list(schema["properties"]) == [a.name for a in fields]
    assert schema["required"] == [a.name for a in fields if a.default is attrs.NOTHING]
    assert "version" not in schema["required"]
    json.dumps(schema)  # plain JSON


def test_json_schemas_names_every_class() -> None:
    schemas = ser.json_schemas()
    assert set(schemas) == {cls.__name__ for cls in SCHEMA_CLASSES}
    assert schemas["Branch"] == ser.json_schema(Branch)


def test_schema_details() -> None:
    wish = ser.json_schema(Wish)
    assert wish["required"] == ["id", "beneficiary_id", "kind", "content", "collected_on"]
    assert wish["properties"]["kind"] == {"enum": ["material", "cultural", "policy", "service"]}
    assert wish["properties"]["collected_on"] == {"type": "string", "format": "date"}
    money = {"type": "string", "pattern": r"^\d+(\.\d{1,2})?$"}
    assert wish["properties"]["value"]["anyOf"] == [money, {"type": "null"}]
    assert wish["properties"]["claims"]["items"] == {"$ref": "#/$defs/Claim"}
    assert wish["$defs"]["Claim"]["required"] == ["claimed_on"]
    assert wish["$defs"]["Claim"]["oneOf"][0] == {
        "required": ["member_id"],
        "properties": {"member_id": {"type": "string"}, "supporter_id": {"type": "null"}},
    }
    organisation = ser.json_schema(Organisation)
    assert organisation["required"] == ["id", "name", "kind"]
    assert organisation["properties"]["parent_id"] == {
        "anyOf": [{"type": "string"}, {"type": "null"}],
        "default": None,
    }
    assert organisation["properties"]["kind"]["enum"][:2] == ["work_committee", "organ_party_committee"]
    assert ser.json_schema(Supporter)["properties"]["kind"]["enum"] == [
        "community_volunteer", "caring_person", "social_organisation",
    ]  # fmt: skip
    assert ser.json_schema(Qualification)["required"] == ["id", "member_id", "name", "earned_on"]
    activity = ser.json_schema(Activity)["properties"]
    assert (
        activity["requires"]
        == activity["grants"]
        == {"type": "array", "items": {"type": "string"}, "uniqueItems": True, "default": []}
    )
    assert activity["grants_valid_months"]["anyOf"] == [{"type": "integer"}, {"type": "null"}]
    assert wish["$defs"]["Claim"]["additionalProperties"] is False
    assert wish["properties"]["status"]["default"] == "collected"
    assert ser.json_schema(BranchPlan)["$defs"]["PlanItem"]["required"] == ["line", "target"]
    pairing = ser.json_schema(Pairing)
    assert pairing["properties"]["period"] == {"$ref": "#/$defs/DateRange"}
    assert pairing["$defs"]["DateRange"]["required"] == ["start"]
    assert pairing["properties"]["branch_ids"]["uniqueItems"] is True
    assert "check" not in ser.json_schema(Rule)["properties"]
    assert ser.json_schema(Violation)["properties"]["details"]["type"] == "object"
    assert ser.json_schema(Yuan) == {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "Yuan",
        **money,
    }


@pytest.mark.parametrize("example", EXAMPLES, ids=example_id)
def test_every_example_conforms_to_its_schema(example: Any) -> None:
    schema = ser.json_schema(type(example))
    data = json.loads(ser.to_json(ser.structure(ser.unstructure(example), type(example))))
    assert schema_problems(data, schema, schema) == []
    try:
        jsonschema = importlib.import_module("jsonschema")
    except ImportError:
        return
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)


def test_the_tiny_schema_check_catches_problems() -> None:
    schema = ser.json_schema(Wish)
    data = json.loads(ser.to_json(TWO_CLAIMS))
    data["claims"][0]["pledged"] = "1.001"
    data["kind"] = "gift"
    data["extra"] = 1
    del data["id"]
    found = schema_problems(data, schema, schema)
    assert ".id: required" in found
    assert ".extra: unknown" in found
    assert any(p.startswith(".kind") for p in found)
    assert any(p.startswith(".claims[0].pledged") for p in found)


@pytest.mark.parametrize(
    ("claim", "fits"),
    [
        ({"member_id": "m1", "claimed_on": "2026-05-06"}, True),
        ({"supporter_id": "s1", "claimed_on": "2026-05-06", "member_id": None}, True),
        ({"member_id": "m1", "supporter_id": None, "claimed_on": "2026-05-06"}, True),
        ({"member_id": "m1", "supporter_id": "s1", "claimed_on": "2026-05-06"}, False),
        ({"claimed_on": "2026-05-06"}, False),
        ({"member_id": None, "supporter_id": None, "claimed_on": "2026-05-06"}, False),
    ],
    ids=["member", "supporter", "member, supporter null", "both", "neither", "both null"],
)
def test_the_claim_schema_says_a_member_or_a_supporter_exactly(claim: dict[str, Any], fits: bool) -> None:
    schema = ser.json_schema(Claim)
    assert (schema_problems(claim, schema, schema) == []) is fits
    try:
        jsonschema = importlib.import_module("jsonschema")
    except ImportError:
        return
    assert jsonschema.Draft202012Validator(schema).is_valid(claim) is fits
