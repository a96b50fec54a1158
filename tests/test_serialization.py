"""Tests of ``volunteer_core.serialization`` (api.md "Serialization"; architecture.md house style).

Round trips are exact for every entity; every failure is ONE ``InvalidInput`` whose ``.path`` names the
field (``claims[1].pledged``); the JSON Schemas describe what ``to_json`` writes.
"""

from __future__ import annotations

import copy
import importlib
import json
import re
from datetime import date
from typing import Any

import attrs
import cattrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from volunteer_core import (
    RULES,
    Activity,
    Beneficiary,
    Branch,
    BranchPlan,
    Claim,
    DateRange,
    Demand,
    HalfYearReport,
    InvalidInput,
    Member,
    Pairing,
    PartnerUnit,
    PlanItem,
    Rule,
    ServiceRecord,
    Team,
    Violation,
    Wish,
    Yuan,
)
from volunteer_core import serialization as ser
from volunteer_core.model import ENTITIES
from volunteer_core.rules import violation
from volunteer_core.testing import strategies as vst

# ---------------------------------------------------------------------------------------------------------
# hand-built examples of every entity

D = date(2026, 5, 1)

TWO_CLAIMS = Wish(
    id="w1",
    beneficiary_id="p1",
    kind="material",
    content="一台电饭煲",
    collected_on=D,
    value="300",
    status="claimed",
    claims=(
        Claim(member_id="m1", claimed_on=date(2026, 5, 6), pledged="100"),
        Claim(member_id="m2", claimed_on=date(2026, 5, 6), pledged="200.00"),
    ),
    screened_on=date(2026, 5, 3),
    published_on=date(2026, 5, 5),
    evidence="低保证",
)

PLAN_ITEM = PlanItem(
    line="festival", target="城厢区社会福利院", measures="中秋送月饼", scheduled="9月", mode="joint_branches"
)
RECORD = ServiceRecord(
    id="r1",
    member_id="m1",
    activity_id="a1",
    branch_id="b1",
    kind="community_service",
    on=D,
    minutes=120,
    recorded_on=date(2026, 5, 2),
)

EXAMPLES: list[Any] = [
    Branch(id="b1", name="办公室党支部", version=3),
    Member(
        id="m1",
        name="张三",
        branch_id="b1",
        joined_on=date(2020, 7, 1),
        left_on=date(2026, 12, 31),
        skills={"急救", "心理疏导", "电工"},
        phone="13912344859",
        community="凤山社区",
    ),
    Member(id="m2", name="李四", branch_id="b1", joined_on=date(2021, 1, 1)),
    Team(id="t1", branch_id="b1", name="先锋队", member_ids={"m2", "m1", "m3"}),
    Beneficiary(
        id="p1",
        name="王五",
        category="elderly",
        community="凤山社区",
        id_number="1101 0519 4912 3100 2x",
        phone="13912344859",
        address="凤山社区3号楼",
        gender="female",
        birth_date=date(1949, 12, 31),
        subtypes={"独居", "空巢"},
    ),
    Beneficiary(id="p2", name="赵六", category="child", community="龙桥社区"),
    PartnerUnit(id="u1", name="城厢区社会福利院", kind="welfare_home", credit_code="91110000600037341L"),
    PartnerUnit(id="u2", name="凤山社区", kind="community"),
    Pairing(
        id="pa1",
        branch_ids={"b2", "b1"},
        target_id="u1",
        mode="joint_branches",
        period=DateRange(date(2026, 1, 1), date(2026, 12, 31)),
        member_ids={"m1"},
        measures="每月走访",
    ),
    Pairing(id="pa2", branch_ids={"b1"}, target_id="p1", mode="solo", period=DateRange(date(2026, 1, 1))),
    Activity(
        id="a1",
        kind="pairing",
        branch_id="b1",
        on=D,
        title="走访慰问",
        team_id="t1",
        pairing_id="pa1",
        summary="送去米面油",
    ),
    RECORD,
    RECORD.reversal(id="r2", recorded_on=date(2026, 5, 9)),
    TWO_CLAIMS,
    Wish(id="w2", beneficiary_id="p2", kind="service", content="辅导功课", collected_on=D),
    Claim(member_id="m1", claimed_on=D, pledged="12.50", fulfilled_on=date(2026, 5, 20)),
    Claim(member_id="m2", claimed_on=D, withdrawn_on=date(2026, 5, 2)),
    Demand(
        id="d1",
        community="凤山社区",
        content="为独居老人修水管",
        ordered_on=D,
        status="assigned",
        member_id="m1",
    ),
    BranchPlan(
        id="pl1",
        branch_id="b1",
        year=2026,
        submitted_on=date(2026, 5, 10),
        items=(PLAN_ITEM, PlanItem(line="pairing", target="凤山社区")),
    ),
    PLAN_ITEM,
    HalfYearReport(
        id="h1", branch_id="b1", year=2026, half=1, submitted_on=date(2026, 6, 30), summary="小结"
    ),
    violation(
        "pairing.duplicate",
        "pa1",
        en="pairings overlap",
        zh="结对重叠",
        target_id="u1",
        pairing_ids=["pa1", "pa2"],
        count=2,
        nested={"ok": True, "none": None},
    ),
    RULES["wish.value_cap"],
    DateRange(date(2026, 1, 1)),
    DateRange(date(2026, 1, 1), date(2026, 1, 1)),
]


def _example(cls: type[Any]) -> Any:
    """The first example of ``cls``."""
    return next(example for example in EXAMPLES if type(example) is cls)


def _id(example: Any) -> str:
    return f"{type(example).__name__}-{getattr(example, 'id', '')}"


def test_examples_cover_every_entity_and_part() -> None:
    covered = {type(example) for example in EXAMPLES}
    assert set(ENTITIES) | {Claim, PlanItem, Violation, Rule, DateRange} <= covered


# ---------------------------------------------------------------------------------------------------------
# round trips


@pytest.mark.parametrize("example", EXAMPLES, ids=_id)
def test_unstructure_then_structure_is_exact(example: Any) -> None:
    data = ser.unstructure(example)
    assert ser.structure(data, type(example)) == example


@pytest.mark.parametrize("example", EXAMPLES, ids=_id)
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


@pytest.mark.parametrize("example", EXAMPLES, ids=_id)
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
    }
    assert ser.from_json(Wish, ser.to_json(TWO_CLAIMS)).claims == TWO_CLAIMS.claims


def test_yuan_serialises_as_a_string_with_two_decimals() -> None:
    assert ser.unstructure(Yuan(300)) == "300.00"
    assert ser.to_json(Yuan("0.5")) == '"0.50"'
    assert '"value":"300.00"' in ser.to_json(TWO_CLAIMS)


def test_to_json_is_compact_and_keeps_chinese() -> None:
    text = ser.to_json(Branch(id="b1", name="办公室党支部"))
    assert text == '{"id":"b1","name":"办公室党支部","version":0}'


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
    v = _example(Violation)
    again = ser.from_json(Violation, ser.to_json(v))
    assert again == v
    assert again.details["pairing_ids"] == ["pa1", "pa2"]


def test_lists_of_entities() -> None:
    wishes = [TWO_CLAIMS, TWO_CLAIMS]
    assert ser.structure(ser.unstructure(wishes), list[Wish]) == wishes
    bad = ser.unstructure(wishes)
    bad[1]["claims"][0]["pledged"] = 1.5
    error = _refused(bad, list[Wish])
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
# errors: one InvalidInput naming the field


def _refused(data: Any, cls: Any) -> InvalidInput:
    with pytest.raises(InvalidInput) as caught:
        ser.structure(data, cls)
    error = caught.value
    assert type(error) is InvalidInput
    assert error.message_en
    assert error.message_zh
    return error


def _wish_data() -> dict[str, Any]:
    data = ser.unstructure(TWO_CLAIMS)
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def test_float_money_is_refused_naming_the_field() -> None:
    data = _wish_data()
    data["value"] = 300.0
    error = _refused(data, Wish)
    assert (error.path, error.code, error.value) == ("value", "input.type", 300.0)


def test_float_money_in_a_claim_names_the_claim() -> None:
    data = _wish_data()
    data["claims"][1]["pledged"] = 200.0
    error = _refused(data, Wish)
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
    error = _refused(value, Yuan)
    assert (error.path, error.code) == ("", code)


def test_an_entity_code_surfaces_with_its_field() -> None:
    data = _wish_data()
    data["claims"][1]["pledged"] = "0"  # Claim: a pledge must be more than 0
    error = _refused(data, Wish)
    assert (error.path, error.code) == ("claims[1].pledged", "input.invalid")


def test_a_constructor_check_in_a_nested_claim_is_prefixed() -> None:
    data = _wish_data()
    data["claims"][1]["withdrawn_on"] = "2026-05-01"  # before claimed_on
    error = _refused(data, Wish)
    assert error.path == "claims[1].withdrawn_on"


def test_a_constructor_check_of_the_entity_itself() -> None:
    data = _wish_data()
    data["screened_on"] = "2026-04-01"  # before collected_on
    assert _refused(data, Wish).path == "screened_on"


def test_beneficiary_id_checksum_error_names_id_number() -> None:
    data = {
        "id": "p1",
        "name": "王五",
        "category": "elderly",
        "community": "凤山社区",
        "id_number": "110105194912310021",
    }
    error = _refused(data, Beneficiary)
    assert (error.path, error.code) == ("id_number", "input.invalid")


def test_unknown_key_is_refused_with_its_path() -> None:
    data = _wish_data()
    data["valeu"] = "1"
    error = _refused(data, Wish)
    assert (error.path, error.code, error.value) == ("valeu", "input.unknown_key", "valeu")
    data = _wish_data()
    data["claims"][0]["note"] = "x"
    assert _refused(data, Wish).path == "claims[0].note"


def test_unknown_key_in_a_date_range_and_a_plan_item() -> None:
    pairing = ser.unstructure(_example(Pairing))
    pairing["period"]["until"] = None
    assert (_refused(pairing, Pairing).path, _refused(pairing, Pairing).code) == (
        "period.until",
        "input.unknown_key",
    )
    plan = ser.unstructure(_example(BranchPlan))
    plan["items"][1]["owner"] = "x"
    assert _refused(plan, BranchPlan).path == "items[1].owner"


def test_missing_required_key() -> None:
    error = _refused({"id": "b1"}, Branch)
    assert (error.path, error.code) == ("name", "input.required")
    data = _wish_data()
    del data["claims"][1]["claimed_on"]
    error = _refused(data, Wish)
    assert (error.path, error.code) == ("claims[1].claimed_on", "input.required")


def test_missing_optional_keys_take_their_defaults() -> None:
    assert ser.structure({"id": "b1", "name": "支部"}, Branch) == Branch(id="b1", name="支部")


def test_bad_enum_value_names_the_field() -> None:
    data = _wish_data()
    data["kind"] = "gift"
    error = _refused(data, Wish)
    assert (error.path, error.code) == ("kind", "input.invalid")
    assert "material" in error.message_en
    plan = ser.unstructure(_example(BranchPlan))
    plan["items"][1]["line"] = "PAIRING"
    assert _refused(plan, BranchPlan).path == "items[1].line"
    v = ser.unstructure(_example(Violation))
    v["severity"] = "fatal"
    assert _refused(v, Violation).path == "severity"


def test_enums_are_read_as_members() -> None:
    v = ser.structure(ser.unstructure(_example(Violation)), Violation)
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
    data = _wish_data()
    data["collected_on"] = text
    error = _refused(data, Wish)
    assert (error.path, error.code) == ("collected_on", code)


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", 5), ("name", None), ("version", "1"), ("version", 1.0), ("version", True)],
)
def test_no_silent_coercion_of_strings_and_integers(field: str, value: Any) -> None:
    error = _refused({"id": "b1", "name": "支部", field: value}, Branch)
    assert (error.path, error.code) == (field, "input.type")


def test_a_string_is_not_a_set_of_ids() -> None:
    data = ser.unstructure(_example(Team))
    data["member_ids"] = "m1"
    assert (_refused(data, Team).path, _refused(data, Team).code) == ("member_ids", "input.type")
    data["member_ids"] = ["m1", 2]
    assert _refused(data, Team).path == "member_ids[1]"


def test_details_must_be_json() -> None:
    data = ser.unstructure(_example(Violation))
    data["details"] = {"when": D}
    error = _refused(data, Violation)
    assert (error.path, error.code) == ("details.when", "input.type")
    data["details"] = ["x"]
    assert _refused(data, Violation).path == "details"


def test_several_problems_give_one_error_the_first_in_field_order() -> None:
    data = {"name": 5, "extra": 1}
    error = _refused(data, Branch)
    assert (error.path, error.code) == ("id", "input.required")
    notes = getattr(error, "__notes__", [])
    assert any("@ name" in note for note in notes)
    assert any("input.unknown_key @ extra" in note for note in notes)


@pytest.mark.parametrize("cls", [*ENTITIES, Claim, PlanItem, DateRange, Violation, Rule])
@pytest.mark.parametrize("junk", [None, "", 0, "⑱", [], {}, 1.5, True, {"⑱": 1}, [{}]])
def test_junk_is_always_one_invalid_input(cls: Any, junk: Any) -> None:
    error = _refused(junk, cls)
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
    assert wish["$defs"]["Claim"]["required"] == ["member_id", "claimed_on"]
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


def _problems(instance: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "") -> list[str]:
    """A tiny JSON Schema check: the keywords json_schema() writes ($ref, anyOf, enum, type, pattern,
    format date, items, uniqueItems, properties, required, additionalProperties)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return _problems(instance, root["$defs"][name], root, path)
    if "anyOf" in schema:
        options = [_problems(instance, option, root, path) for option in schema["anyOf"]]
        return [] if any(not found for found in options) else [f"{path}: no option of anyOf fits"]
    if "enum" in schema and instance not in schema["enum"]:
        return [f"{path}: {instance!r} not in enum"]
    kinds: dict[str, type | tuple[type, ...]] = {
        "string": str,
        "integer": int,
        "number": (int, float),
        "boolean": bool,
        "null": type(None),
        "object": dict,
        "array": list,
    }
    kind = schema.get("type")
    if kind is not None and (
        not isinstance(instance, kinds[kind]) or (kind == "integer" and isinstance(instance, bool))
    ):
        return [f"{path}: not {kind}"]
    found: list[str] = []
    if "pattern" in schema and not re.search(schema["pattern"], instance):
        found.append(f"{path}: {instance!r} does not match {schema['pattern']}")
    if schema.get("format") == "date":
        date.fromisoformat(instance)
    if "items" in schema:
        for index, item in enumerate(instance):
            found += _problems(item, schema["items"], root, f"{path}[{index}]")
        if schema.get("uniqueItems") and len({json.dumps(i) for i in instance}) != len(instance):
            found.append(f"{path}: duplicate items")
    if kind == "object":
        properties = schema.get("properties", {})
        found += [f"{path}.{key}: required" for key in schema.get("required", []) if key not in instance]
        if schema.get("additionalProperties") is False:
            found += [f"{path}.{key}: unknown" for key in instance if key not in properties]
        for key, value in instance.items():
            if key in properties:
                found += _problems(value, properties[key], root, f"{path}.{key}")
    return found


@pytest.mark.parametrize("example", EXAMPLES, ids=_id)
def test_every_example_conforms_to_its_schema(example: Any) -> None:
    schema = ser.json_schema(type(example))
    data = json.loads(ser.to_json(ser.structure(ser.unstructure(example), type(example))))
    assert _problems(data, schema, schema) == []
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
    found = _problems(data, schema, schema)
    assert ".id: required" in found
    assert ".extra: unknown" in found
    assert any(p.startswith(".kind") for p in found)
    assert any(p.startswith(".claims[0].pledged") for p in found)


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
@given(vst.datasets(reversals=True))
def test_every_entity_of_a_drawn_dataset_round_trips(dataset: vst.Dataset) -> None:
    for entity in _entities(dataset):
        cls = type(entity)
        assert ser.structure(ser.unstructure(entity), cls) == entity
        text = ser.to_json(entity)
        assert ser.from_json(cls, text) == entity
        schema = ser.json_schema(cls)
        assert _problems(json.loads(text), schema, schema) == []


@_DATASET_SETTINGS
@given(vst.datasets())
def test_a_whole_dataset_round_trips(dataset: vst.Dataset) -> None:
    assert ser.from_json(vst.Dataset, ser.to_json(dataset)) == dataset


@_DATASET_SETTINGS
@given(st.one_of(vst.demands(), vst.branch_plans(), vst.half_year_reports(), vst.claims(), vst.plan_items()))
def test_entities_outside_datasets_round_trip(entity: Any) -> None:
    assert ser.from_json(type(entity), ser.to_json(entity)) == entity
