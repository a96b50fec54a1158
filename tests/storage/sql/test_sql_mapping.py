"""Entities ↔ rows (``storage/sql/_mapping.py``): every field of every entity has its column, child table or
conversion; money is fen, dates are dates, enums their values."""

from __future__ import annotations

from datetime import date

import attrs
import sqlalchemy as sa
from sql_support import seed

from volunteer_core import Beneficiary, Wish, Yuan
from volunteer_core.aggregates import ENTITIES
from volunteer_core.model import Claim, PlanItem
from volunteer_core.storage.sql import SqlUnitOfWork


def test_every_entity_field_is_stored() -> None:
    """Guards against a model change the SQL mapping does not follow: every attrs field of every entity,
    claim and plan item has its column, child table or conversion."""
    from volunteer_core.storage.sql._mapping import SPECS

    for spec in SPECS.values():
        stored = set(spec.fields) | {child.field for child in spec.children}
        stored |= {"value"} if spec.name == "wishes" else set()
        stored |= {"period"} if spec.name == "pairings" else set()
        assert {f.name for f in attrs.fields(spec.cls)} == stored, spec.name
        assert set(spec.fields) <= set(spec.table.c.keys()), spec.name
    assert {spec.cls for spec in SPECS.values()} == set(ENTITIES)
    claim_columns = set(SPECS["wishes"].children[0].table.c.keys())
    assert {f.name for f in attrs.fields(Claim)} - {"pledged"} <= claim_columns
    item_columns = set(SPECS["plans"].children[0].table.c.keys())
    assert {f.name for f in attrs.fields(PlanItem)} <= item_columns


def test_columns_hold_fen_dates_and_enum_values(sql_uow: SqlUnitOfWork) -> None:
    seed(sql_uow)
    wish = Wish(
        id="w1",
        beneficiary_id="p1",
        kind="material",
        content="轮椅",
        collected_on=date(2026, 5, 1),
        value=Yuan("299.99"),
        status="claimed",
        claims=(Claim(member_id="m1", claimed_on=date(2026, 5, 2), pledged=Yuan("0.01")),),
        screened_on=date(2026, 5, 1),
        published_on=date(2026, 5, 1),
    )
    with sql_uow:
        sql_uow.beneficiaries.add(Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区"))
        sql_uow.wishes.add(wish)
        sql_uow.commit()
    with sql_uow.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT value_fen, status, collected_on FROM wishes").one() == (
            29999,
            "claimed",
            date(2026, 5, 1) if conn.dialect.name != "sqlite" else "2026-05-01",
        )
        assert conn.exec_driver_sql("SELECT position, member_id, pledged_fen FROM wish_claims").one() == (
            0,
            "m1",
            1,
        )
    columns = {c["name"]: c["type"] for c in sa.inspect(sql_uow.engine).get_columns("records")}
    assert isinstance(columns["on"], sa.Date)
    assert isinstance(columns["minutes"], sa.Integer)
