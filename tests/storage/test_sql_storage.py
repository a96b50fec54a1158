"""What only the SQL storage has: the schema (constraints, indexes, version), streaming, engines and
URLs, and the translation of driver errors."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa

from volunteer_core import Activity, Beneficiary, Branch, Member, Pairing, ServiceRecord, Wish, Yuan
from volunteer_core.dates import DateRange
from volunteer_core.errors import ConcurrencyConflict, InvalidInput, StorageError
from volunteer_core.model import ENTITIES, Claim, PlanItem
from volunteer_core.storage.sql import SCHEMA_VERSION, SqlUnitOfWork, create_schema

BRANCH = Branch(id="b1", name="办公室党支部")
MEMBER = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 7, 1))
ACTIVITY = Activity(id="a1", kind="pairing", branch_id="b1", on=date(2026, 3, 5), title="探访")
RECORD = ServiceRecord(
    id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing", on=date(2026, 3, 5), minutes=60
)


def _seed(uow: SqlUnitOfWork, records: int = 0) -> None:
    with uow:
        uow.branches.add(BRANCH)
        uow.members.add(MEMBER)
        uow.activities.add(ACTIVITY)
        for i in range(records):
            uow.records.add(attrs.evolve(RECORD, id=f"r{i:03d}", on=date(2026, 1 + i % 12, 1 + i % 28)))
        uow.commit()


@pytest.fixture
def sql_uow(sql_url: str) -> Iterator[SqlUnitOfWork]:
    uow = SqlUnitOfWork(sql_url)
    yield uow
    uow.engine.dispose()


@pytest.fixture
def pg_engine(request: pytest.FixtureRequest) -> sa.Engine:
    """The PostgreSQL test database, emptied."""
    database = request.getfixturevalue("_postgres")
    database.empty()
    engine: sa.Engine = database.engine
    return engine


# -- the schema ---------------------------------------------------------------------------------------


def test_create_schema_is_idempotent_and_records_its_version(sql_uow: SqlUnitOfWork) -> None:
    _seed(sql_uow)
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
    _seed(sql_uow)
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
            date(2026, 5, 1) if conn.dialect.name == "postgresql" else "2026-05-01",
        )
        assert conn.exec_driver_sql("SELECT position, member_id, pledged_fen FROM wish_claims").one() == (
            0,
            "m1",
            1,
        )
    columns = {c["name"]: c["type"] for c in sa.inspect(sql_uow.engine).get_columns("records")}
    assert isinstance(columns["on"], sa.Date)
    assert isinstance(columns["minutes"], sa.Integer)


def _raw_insert(engine: sa.Engine, table: str, **values: Any) -> None:
    names = ", ".join(f'"{k}"' for k in values)
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
    _seed(sql_uow)
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
        "members": [("branch_id",)],
        "pairings": [("target_id",)],
        "pairing_branches": [("branch_id",)],
        "activities": [("on",)],
        "records": [("on",), ("member_id", "on"), ("reverses",), ("idempotency_key",)],
        "wishes": [("status",)],
        "wish_claims": [("wish_id",)],
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
    assert claim_fks == {("wish_id", "wishes"), ("member_id", "members")}


def test_postgres_ids_sort_by_code_point_whatever_the_database_collation(pg_engine: sa.Engine) -> None:
    with pg_engine.connect() as conn:
        collations = conn.exec_driver_sql(
            "SELECT table_name, column_name, collation_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND column_name IN ('id', 'branch_id', 'member_id') "
            "AND table_name <> 'schema_version'"
        ).all()
    assert collations
    assert {row[2] for row in collations} == {"C"}, collations


def test_postgres_engines_from_urls_are_serializable_with_a_lock_timeout(postgres_url: str) -> None:
    uow = SqlUnitOfWork(postgres_url)
    try:
        with uow.engine.connect() as conn:
            assert conn.exec_driver_sql("SHOW lock_timeout").scalar() == "15s"
            assert conn.exec_driver_sql("SHOW transaction_isolation").scalar() == "serializable"
    finally:
        uow.engine.dispose()


# -- repositories: what the constraints add ----------------------------------------------------------


def test_a_record_is_reversed_once(sql_uow: SqlUnitOfWork) -> None:
    _seed(sql_uow)
    with sql_uow:
        sql_uow.records.add(RECORD)
        sql_uow.records.add(RECORD.reversal(id="rev1", recorded_on=date(2026, 3, 9)))
        with pytest.raises(InvalidInput) as caught:
            sql_uow.records.add(RECORD.reversal(id="rev2", recorded_on=date(2026, 3, 9)))
        assert (caught.value.code, caught.value.path) == ("input.duplicate", "reverses")
        assert sql_uow.records.reversal_of("r1") is not None
        sql_uow.commit()


def test_in_year_streams_in_chunks_and_ends_with_its_transaction(sql_url: str) -> None:
    uow = SqlUnitOfWork(sql_url, chunk_size=2)
    try:
        _seed(uow, records=30)
        with uow:
            stream = uow.records.in_year(2026)
            first = [next(stream) for _ in range(3)]
            uow.records.add(attrs.evolve(RECORD, id="r999", on=date(2026, 12, 31)))  # writing meanwhile
            assert uow.members.get("m1") == MEMBER  # and reading
            rest = list(stream)
            assert len(first) + len(rest) >= 30
            assert [r.on for r in first + rest] == sorted(r.on for r in first + rest)
            unfinished = uow.records.in_year(2026)
            next(unfinished)
            uow.commit()
        with pytest.raises(StorageError):
            next(unfinished)
    finally:
        uow.engine.dispose()


def test_an_open_transaction_is_needed(sql_uow: SqlUnitOfWork) -> None:
    with pytest.raises(StorageError):
        sql_uow.branches.list()
    with pytest.raises(StorageError):
        sql_uow.commit()


def test_wrong_types_are_refused_as_the_reference_does(sql_uow: SqlUnitOfWork) -> None:
    _seed(sql_uow)
    with sql_uow:
        with pytest.raises(InvalidInput) as caught:
            sql_uow.branches.add(MEMBER)  # type: ignore[arg-type]
        assert caught.value.code == "input.type"
        with pytest.raises(KeyError):  # NotFound is a KeyError
            sql_uow.members.get(1)  # type: ignore[arg-type]
        assert sql_uow.records.by_idempotency_key(1) is None  # type: ignore[arg-type]
        assert sql_uow.records.in_year("2026") is not None  # type: ignore[arg-type]
        assert list(sql_uow.records.in_year("2026")) == []  # type: ignore[arg-type]
        assert sql_uow.plans.for_branch("b1", 2026.0) == []  # type: ignore[arg-type]


def test_values_the_database_cannot_hold_are_invalid_input(sql_uow: SqlUnitOfWork) -> None:
    postgres = sql_uow.engine.dialect.name == "postgresql"
    with sql_uow:
        with pytest.raises(InvalidInput) as caught:
            sql_uow.branches.add(Branch(id="b9", name="大", version=2**70))
        assert caught.value.path == "version"
        with_nul = Branch(id="b\x001", name="x\x00y")
        if postgres:  # PostgreSQL text holds no NUL character
            with pytest.raises(InvalidInput) as caught:
                sql_uow.branches.add(with_nul)
            assert caught.value.path == "id"
        else:
            sql_uow.branches.add(with_nul)
            assert sql_uow.branches.get("b\x001") == with_nul
        with pytest.raises(KeyError):
            sql_uow.branches.get("b\x002")
        assert not sql_uow.locks.is_locked("b\x002", 2026)
        sql_uow.branches.add(BRANCH)  # the transaction is still usable
        sql_uow.commit()
    with sql_uow:
        assert BRANCH in sql_uow.branches.list()


# -- engines, URLs and driver errors -------------------------------------------------------------------


def test_urls_and_engines(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'u.db'}"
    engine = create_schema(url)
    try:
        assert SqlUnitOfWork(engine).engine is engine
        assert "u.db" in repr(SqlUnitOfWork(url))
    finally:
        engine.dispose()
    assert SqlUnitOfWork("postgresql://someone@localhost/db").engine.dialect.driver == "psycopg"
    for bad in ("not a url", "mysql://localhost/db"):
        with pytest.raises(InvalidInput):
            SqlUnitOfWork(bad)
    with pytest.raises(InvalidInput):
        SqlUnitOfWork(42)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        SqlUnitOfWork(url, chunk_size=0)


def test_an_in_memory_database_works(tmp_path: Path) -> None:
    uow = SqlUnitOfWork(create_schema("sqlite://"))
    with uow:
        uow.branches.add(BRANCH)
        uow.commit()
    with uow:
        assert uow.branches.list() == [BRANCH]
    assert SqlUnitOfWork(uow.engine).engine is uow.engine


def test_a_locked_sqlite_database_is_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    create_schema(f"sqlite:///{path}").dispose()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    uow = SqlUnitOfWork(f"sqlite:///{path}?timeout=0.2")
    try:
        with pytest.raises(ConcurrencyConflict), uow:
            pass
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with uow:
        assert uow.branches.list() == []
    uow.engine.dispose()


def test_a_broken_database_is_a_storage_error(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'broken.db'}"
    uow = SqlUnitOfWork(create_schema(url))
    with uow:
        uow.branches.list()
    with uow.engine.begin() as conn:
        conn.exec_driver_sql("DROP TABLE locks")
    try:
        with uow:
            with pytest.raises(StorageError) as caught:
                uow.locks.list()
            assert not isinstance(caught.value, ConcurrencyConflict)
            assert isinstance(caught.value.__cause__, sa.exc.SQLAlchemyError)
    finally:
        uow.engine.dispose()


# -- PostgreSQL: SERIALIZABLE ------------------------------------------------------------------------------


def test_postgres_a_concurrent_update_is_a_conflict(pg_engine: sa.Engine) -> None:
    setup = SqlUnitOfWork(pg_engine)
    with setup:
        setup.branches.add(BRANCH)
        setup.commit()
    first, second = SqlUnitOfWork(pg_engine), SqlUnitOfWork(pg_engine)
    with first, second:
        mine = first.branches.get("b1")
        theirs = second.branches.get("b1")
        first.branches.update(attrs.evolve(mine, name="第一"))
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.branches.update(attrs.evolve(theirs, name="第二"))
        with pytest.raises(ConcurrencyConflict):  # the transaction lost: it can only be rolled back
            second.branches.list()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    with second:
        assert second.branches.get("b1").name == "第一"


def test_postgres_a_predicate_race_is_a_conflict(pg_engine: sa.Engine) -> None:
    """Write skew: both see no pairing of the target and add one; serializable isolation refuses one."""
    period = DateRange(date(2026, 1, 1))
    first, second = SqlUnitOfWork(pg_engine), SqlUnitOfWork(pg_engine)
    with first, second:
        assert first.pairings.for_target("u1") == []
        assert second.pairings.for_target("u1") == []
        first.pairings.add(Pairing(id="pr1", branch_ids={"b1"}, target_id="u1", mode="solo", period=period))
        second.pairings.add(Pairing(id="pr2", branch_ids={"b2"}, target_id="u1", mode="solo", period=period))
        first.commit()
        with pytest.raises(ConcurrencyConflict):
            second.commit()
    with first:
        assert [p.id for p in first.pairings.for_target("u1")] == ["pr1"]
