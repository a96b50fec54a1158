"""The schema of the SQL storage (``storage/sql/_schema.py``): ``create_schema`` and its version, the
constraints the database enforces by itself, an index for every query, and the collation of ids."""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from sql_support import MEMBER, RECORD, seed

from volunteer_core import Beneficiary, Wish, Yuan
from volunteer_core.errors import StorageError
from volunteer_core.storage.sql import SCHEMA_VERSION, SqlUnitOfWork, create_schema


def test_create_schema_is_idempotent_and_records_its_version(sql_uow: SqlUnitOfWork) -> None:
    seed(sql_uow)
    assert create_schema(sql_uow.engine) is sql_uow.engine
    create_schema(sql_uow.engine)
    with sql_uow.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT id, version FROM schema_version").all() == [(1, SCHEMA_VERSION)]
    with sql_uow:
        assert sql_uow.members.list() == [MEMBER]


def test_a_newer_schema_is_refused(blank_sql_url: str) -> None:
    engine = create_schema(blank_sql_url)
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"UPDATE schema_version SET version = {SCHEMA_VERSION + 1}")
        with pytest.raises(StorageError, match="newer"):
            create_schema(engine)
        with pytest.raises(StorageError, match="newer"), SqlUnitOfWork(engine):
            pass
    finally:
        engine.dispose()


def test_a_database_without_the_schema_is_refused(blank_sql_url: str) -> None:
    uow = SqlUnitOfWork(blank_sql_url)
    try:
        with pytest.raises(StorageError, match="create_schema"), uow:
            pass
        create_schema(uow.engine)
        with uow:
            assert uow.branches.list() == []
    finally:
        uow.engine.dispose()


def _raw_insert(engine: sa.Engine, table: str, **values: Any) -> None:
    quote = (
        engine.dialect.identifier_preparer.quote_identifier
    )  # "on" is reserved: quoted as the database does
    names = ", ".join(quote(k) for k in values)
    marks = ", ".join(f":{k}" for k in values)
    with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys = ON")
            conn.commit()
        with conn.begin():
            conn.execute(sa.text(f"INSERT INTO {table} ({names}) VALUES ({marks})"), values)


_RECORD_ROW = {
    "member_id": "m1",
    "activity_id": "a1",
    "branch_id": "b1",
    "kind": "pairing",
    "on": date(2026, 3, 5),
    "minutes": 60,
    "status": "confirmed",
    "reason": "",
    "version": 0,
}


@pytest.mark.parametrize(
    ("table", "values"),
    [
        ("records", {**_RECORD_ROW, "id": "x1", "minutes": 0}),
        ("records", {**_RECORD_ROW, "id": "x1", "minutes": 1441}),
        ("records", {**_RECORD_ROW, "id": "x1", "kind": "picnic"}),
        ("records", {**_RECORD_ROW, "id": "x1", "member_id": "m9"}),
        ("records", {**_RECORD_ROW, "id": "x1", "recorded_on": date(2026, 3, 4)}),
        ("records", {**_RECORD_ROW, "id": "x1", "reverses": "r000", "minutes": -60}),  # reversed already
        ("records", {**_RECORD_ROW, "id": "x1", "idempotency_key": "k"}),  # key stored already
        ("records", {**_RECORD_ROW, "id": "r000"}),
        (
            "wishes",
            {
                "id": "w1",
                "beneficiary_id": "p9",
                "kind": "material",
                "content": "x",
                "collected_on": date(2026, 1, 1),
                "status": "collected",
                "reason": "",
                "evidence": "",
                "version": 0,
            },
        ),
        (
            "wishes",
            {
                "id": "w1",
                "beneficiary_id": "p1",
                "kind": "material",
                "content": "x",
                "value_fen": -1,
                "collected_on": date(2026, 1, 1),
                "status": "collected",
                "reason": "",
                "evidence": "",
                "version": 0,
            },
        ),
        (
            "members",
            {
                "id": "m2",
                "name": "李四",
                "branch_id": "b1",
                "joined_on": date(2026, 1, 2),
                "left_on": date(2026, 1, 1),
                "version": 0,
            },
        ),
        ("branches", {"id": "b2", "name": "x", "version": -1}),
        (
            "reports",
            {
                "id": "h1",
                "branch_id": "b1",
                "year": 2026,
                "half": 3,
                "submitted_on": date(2026, 6, 30),
                "summary": "",
                "version": 0,
            },
        ),
    ],
)
def test_the_database_enforces_its_constraints(
    sql_uow: SqlUnitOfWork, table: str, values: dict[str, Any]
) -> None:
    seed(sql_uow)
    with sql_uow:
        sql_uow.beneficiaries.add(Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区"))
        sql_uow.records.add(attrs.evolve(RECORD, id="r000"), idempotency_key="k")
        sql_uow.records.add(attrs.evolve(RECORD, id="r000-rev", reverses="r000", minutes=-60))
        sql_uow.commit()
    with pytest.raises(sa.exc.IntegrityError):
        _raw_insert(sql_uow.engine, table, **values)


def test_the_value_cap_is_not_a_constraint(sql_uow: SqlUnitOfWork) -> None:
    with sql_uow:
        sql_uow.beneficiaries.add(Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区"))
        wish = Wish(
            id="w1",
            beneficiary_id="p1",
            kind="material",
            content="电视",
            collected_on=date(2026, 5, 1),
            value="5000",
        )
        sql_uow.wishes.add(wish)
        sql_uow.commit()
    with sql_uow:
        assert sql_uow.wishes.get("w1").value == Yuan(5000)


def test_every_query_has_an_index(sql_uow: SqlUnitOfWork) -> None:
    inspector = sa.inspect(sql_uow.engine)

    def leading(table: str) -> set[tuple[str | None, ...]]:
        found: set[tuple[str | None, ...]] = {
            tuple(ix["column_names"]) for ix in inspector.get_indexes(table)
        }
        found |= {tuple(uq["column_names"]) for uq in inspector.get_unique_constraints(table)}
        found.add(tuple(inspector.get_pk_constraint(table)["constrained_columns"]))
        return {cols[:n] for cols in found for n in range(1, len(cols) + 1)}

    expected: dict[str, list[tuple[str, ...]]] = {
        "organisations": [("parent_id",)],
        "branches": [("organisation_id",)],
        "qualifications": [("member_id",)],
        "members": [("branch_id",)],
        "pairings": [("target_id",)],
        "pairing_branches": [("branch_id",)],
        "activities": [("on",)],
        "records": [("on",), ("member_id", "on"), ("reverses",), ("idempotency_key",)],
        "wishes": [("status",)],
        "wish_claims": [("wish_id",)],
        "wish_keys": [("key",)],
        "plans": [("branch_id", "year")],
        "reports": [("branch_id", "year")],
        "locks": [("branch_id", "year")],
    }
    for table, prefixes in expected.items():
        for prefix in prefixes:
            assert prefix in leading(table), (table, prefix)
    fks = {
        (fk["constrained_columns"][0], fk["referred_table"]) for fk in inspector.get_foreign_keys("records")
    }
    assert fks == {
        ("member_id", "members"),
        ("activity_id", "activities"),
        ("branch_id", "branches"),
        ("reverses", "records"),
        ("adjusts", "records"),
    }
    claim_fks = {
        (fk["constrained_columns"][0], fk["referred_table"])
        for fk in inspector.get_foreign_keys("wish_claims")
    }
    assert claim_fks == {("wish_id", "wishes"), ("member_id", "members"), ("supporter_id", "supporters")}


def test_postgres_ids_sort_by_code_point_whatever_the_database_collation(pg_engine: sa.Engine) -> None:
    with pg_engine.connect() as conn:
        collations = conn.exec_driver_sql(
            "SELECT table_name, column_name, collation_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name IN ('id', 'branch_id', 'member_id', 'parent_id', "
            "'organisation_id', 'supporter_id') "
            "AND table_name <> 'schema_version'"
        ).all()
    assert collations
    assert {row[2] for row in collations} == {"C"}, collations
