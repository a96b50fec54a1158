"""Hand-built examples of every entity and the checks the serialization tests share (not a test module)."""

from __future__ import annotations

import copy
import json
import re
from datetime import date
from typing import Any

import pytest

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
    Organisation,
    Pairing,
    PartnerUnit,
    PlanItem,
    Qualification,
    ServiceRecord,
    Supporter,
    Team,
    Wish,
)
from volunteer_core import serialization as ser
from volunteer_core.rules import violation

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

#: A wish claimed by a member and by a supporter, the supporter's first claim withdrawn.
MIXED_CLAIMS = Wish(
    id="w3",
    beneficiary_id="p1",
    kind="material",
    content="助听器",
    collected_on=D,
    value="300",
    status="claimed",
    claims=(
        Claim(supporter_id="s1", claimed_on=date(2026, 5, 6), pledged="150", withdrawn_on=date(2026, 5, 7)),
        Claim(member_id="m1", claimed_on=date(2026, 5, 6), pledged="150"),
        Claim(supporter_id="s1", claimed_on=date(2026, 5, 8), pledged="150"),
    ),
    screened_on=date(2026, 5, 3),
    published_on=date(2026, 5, 5),
)
#: A wish beyond members' means, referred to a department and resolved.
REFERRED = Wish(
    id="w4",
    beneficiary_id="p1",
    kind="policy",
    content="办理残疾证",
    collected_on=D,
    status="fulfilled",
    screened_on=date(2026, 5, 3),
    fulfilled_on=date(2026, 6, 1),
    reason="需民政部门办理",
    referred_to="城厢区民政局",
    referred_on=date(2026, 5, 4),
    referral_outcome="已办结",
)

EXAMPLES: list[Any] = [
    Organisation(id="o1", name="市直机关工委", kind="work_committee"),
    Organisation(id="o2", name="市民政局", kind="unit", parent_id="o1", version=2),
    Branch(id="b1", name="办公室党支部", version=3),
    Branch(id="b2", name="人事处党支部", organisation_id="o2"),
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
    Member(
        id="m2", name="李四", branch_id="b1", joined_on=date(2021, 1, 1), insured_until=date(2026, 12, 31)
    ),
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
    Activity(
        id="a2",
        kind="training",
        branch_id="b1",
        on=D,
        title="急救培训",
        grants={"急救", "心肺复苏"},
        grants_valid_months=36,
    ),
    Activity(id="a3", kind="community_service", branch_id="b1", on=D, title="马拉松保障", requires={"急救"}),
    RECORD,
    RECORD.reversal(id="r2", recorded_on=date(2026, 5, 9)),
    Qualification(
        id="q1", member_id="m1", name="急救", earned_on=D, expires_on=date(2029, 4, 30), activity_id="a2"
    ),
    Qualification(id="q2", member_id="m2", name="心理疏导", earned_on=date(2024, 1, 1)),
    Supporter(id="s1", name="林爱心", kind="caring_person", contact="13912344859"),
    Supporter(id="s2", name="凤山慈善会", kind="social_organisation", credit_code="91110000600037341L"),
    TWO_CLAIMS,
    MIXED_CLAIMS,
    REFERRED,
    Wish(id="w2", beneficiary_id="p2", kind="service", content="辅导功课", collected_on=D),
    Claim(member_id="m1", claimed_on=D, pledged="12.50", fulfilled_on=date(2026, 5, 20)),
    Claim(member_id="m2", claimed_on=D, withdrawn_on=date(2026, 5, 2)),
    Claim(supporter_id="s1", claimed_on=D, pledged="150"),
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


def example_of(cls: type[Any]) -> Any:
    """The first example of ``cls``."""
    return next(example for example in EXAMPLES if type(example) is cls)


def example_id(example: Any) -> str:
    """A test id for an example: its class and id."""
    return f"{type(example).__name__}-{getattr(example, 'id', '')}"


def refused(data: Any, cls: Any) -> InvalidInput:
    """The one InvalidInput (with both messages) that structuring ``data`` as ``cls`` raises."""
    with pytest.raises(InvalidInput) as caught:
        ser.structure(data, cls)
    error = caught.value
    assert type(error) is InvalidInput
    assert error.message_en
    assert error.message_zh
    return error


def wish_data() -> dict[str, Any]:
    """A fresh copy of the plain data of :data:`TWO_CLAIMS`."""
    data = ser.unstructure(TWO_CLAIMS)
    assert isinstance(data, dict)
    return copy.deepcopy(data)


def schema_problems(instance: Any, schema: dict[str, Any], root: dict[str, Any], path: str = "") -> list[str]:
    """A tiny JSON Schema check: the keywords json_schema() writes ($ref, anyOf, oneOf, enum, type,
    pattern, format date, items, uniqueItems, properties, required, additionalProperties)."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/$defs/")
        return schema_problems(instance, root["$defs"][name], root, path)
    if "anyOf" in schema:
        options = [schema_problems(instance, option, root, path) for option in schema["anyOf"]]
        return [] if any(not found for found in options) else [f"{path}: no option of anyOf fits"]
    if "oneOf" in schema:
        fitting = sum(not schema_problems(instance, option, root, path) for option in schema["oneOf"])
        rest = {key: value for key, value in schema.items() if key != "oneOf"}
        misfit = [] if fitting == 1 else [f"{path}: {fitting} options of oneOf fit, not one"]
        return misfit + schema_problems(instance, rest, root, path)
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
            found += schema_problems(item, schema["items"], root, f"{path}[{index}]")
        if schema.get("uniqueItems") and len({json.dumps(i) for i in instance}) != len(instance):
            found.append(f"{path}: duplicate items")
    if isinstance(instance, dict):  # properties and required apply to objects, with or without "type"
        properties = schema.get("properties", {})
        found += [f"{path}.{key}: required" for key in schema.get("required", []) if key not in instance]
        if schema.get("additionalProperties") is False:
            found += [f"{path}.{key}: unknown" for key in instance if key not in properties]
        for key, value in instance.items():
            if key in properties:
                found += schema_problems(value, properties[key], root, f"{path}.{key}")
    return found
