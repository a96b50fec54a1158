"""The table of aggregates: complete, in dependency order, and what the ports and both storages are built from."""

from __future__ import annotations

import typing
from datetime import date

import attrs
import pytest

from volunteer_core import Branch, Member, Wish, ports
from volunteer_core.aggregates import AGGREGATES, AGGREGATES_BY_NAME, ENTITIES, aggregate_of
from volunteer_core.errors import InvalidInput
from volunteer_core.storage.memory import InMemoryUnitOfWork


def test_every_repository_of_the_unit_of_work_is_a_row_and_every_row_a_repository() -> None:
    hinted = typing.get_type_hints(ports.UnitOfWork)
    repositories = {name for name, hint in hinted.items() if name != "locks"}
    assert repositories == set(AGGREGATES_BY_NAME)
    for aggregate in AGGREGATES:
        hint = hinted[aggregate.name]  # a port class, or Repository[Entity] for one without queries
        assert ports.port_of(aggregate.name) is (typing.get_origin(hint) or hint)


def test_rows_are_in_dependency_order_and_name_real_fields() -> None:
    seen: set[str] = set()
    for aggregate in AGGREGATES:
        field_names = {f.name for f in attrs.fields(aggregate.entity)}
        assert {"id", "version"} <= field_names, aggregate.name
        for reference in aggregate.references:
            assert reference.target in seen | {aggregate.name}, (aggregate.name, reference.field)
            assert reference.field.partition("[]")[0] in field_names, (aggregate.name, reference.field)
        seen.add(aggregate.name)
    assert tuple(a.entity for a in AGGREGATES) == ENTITIES
    assert len(set(ENTITIES)) == len(ENTITIES)


def test_references_of_expands_sequence_fields_in_order() -> None:
    from volunteer_core import Claim

    wish = Wish(
        id="w1",
        beneficiary_id="p1",
        kind="service",
        content="陪护",
        collected_on=date(2026, 5, 1),
        status="claimed",
        claims=(
            Claim(member_id="m1", claimed_on=date(2026, 5, 6)),
            Claim(member_id="m2", claimed_on=date(2026, 5, 7)),
        ),
    )
    assert list(aggregate_of(wish).references_of(wish)) == [
        ("beneficiary_id", "beneficiaries", "p1"),
        ("claims[0].member_id", "members", "m1"),
        ("claims[1].member_id", "members", "m2"),
    ]


def test_aggregate_of_refuses_what_is_not_stored() -> None:
    assert aggregate_of(Member).name == "members"
    with pytest.raises(InvalidInput) as caught:
        aggregate_of("a string")
    assert caught.value.code == "input.type"


def test_ports_references_are_the_tables() -> None:
    assert ports.REFERENCES["members"] == (("branch_id", "branches"),)
    assert ports.REFERENCES["wishes"] == (("beneficiary_id", "beneficiaries"),)  # attribute names only
    assert ("claims[].member_id", "members") in [
        (r.field, r.target) for r in AGGREGATES_BY_NAME["wishes"].references
    ]
    assert set(ports.REFERENCES) == set(AGGREGATES_BY_NAME)


def test_a_storage_has_one_repository_per_row_implementing_its_port() -> None:
    from volunteer_core.storage.sql import SqlUnitOfWork, create_schema

    for uow in (InMemoryUnitOfWork(), SqlUnitOfWork(create_schema("sqlite://"))):
        for aggregate in AGGREGATES:
            assert isinstance(getattr(uow, aggregate.name), ports.port_of(aggregate.name)), aggregate.name
        with uow:
            uow.branches.add(Branch(id="b1", name="办公室党支部"))
            with pytest.raises(InvalidInput) as caught:
                uow.members.add(Member(id="m1", name="张三", branch_id="b9", joined_on=date(2026, 1, 2)))
            assert caught.value.code == "input.reference"
            assert "branch" in str(caught.value)
