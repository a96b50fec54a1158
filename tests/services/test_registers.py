"""Registering master data (``volunteer_core.services.registers``), on every storage."""

from __future__ import annotations

from datetime import date

import pytest
from services_support import MakeUow

from volunteer_core import Branch, Member, Wish, services
from volunteer_core.errors import InvalidInput


def test_add_entities_stores_in_order_one_transaction_per_batch(make_uow: MakeUow) -> None:
    uow = make_uow()
    branches = [Branch(id=f"b{i}", name=f"支部{i}") for i in range(5)]
    member = Member(id="m1", name="张三", branch_id="b4", joined_on=date(2020, 1, 1))
    assert services.add_entities(uow, [*branches, member], batch_size=2) == 6
    with uow:
        assert sorted(b.id for b in uow.branches.list()) == [f"b{i}" for i in range(5)]
        assert uow.members.get("m1") == member


def test_add_entities_refuses_entities_with_a_use_case_and_a_bad_batch_size(make_uow: MakeUow) -> None:
    uow = make_uow()
    wish = Wish(id="w1", beneficiary_id="p1", kind="service", content="理发", collected_on=date(2026, 5, 1))
    with pytest.raises(InvalidInput) as refused:
        services.add_entities(uow, [Branch(id="b1", name="一支部"), wish], batch_size=1)
    assert (refused.value.code, refused.value.path) == ("input.type", "entities[1]")
    for size in (0, True, 1.5):
        with pytest.raises(InvalidInput) as bad:
            services.add_entities(uow, [], batch_size=size)  # type: ignore[arg-type]
        assert bad.value.path == "batch_size"
    with uow:
        assert [b.id for b in uow.branches.list()] == ["b1"]  # the batch before the refusal stays


def test_a_reference_to_an_entity_not_stored_is_refused(make_uow: MakeUow) -> None:
    uow = make_uow()
    orphan = Member(id="m1", name="张三", branch_id="b9", joined_on=date(2020, 1, 1))
    with pytest.raises(InvalidInput) as refused:
        services.add_entities(uow, [orphan])
    assert (refused.value.code, refused.value.path) == ("input.reference", "branch_id")
    with uow:
        assert uow.members.list() == []
