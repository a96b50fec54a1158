"""Migrating the SQL schema (``storage/sql/_migrate.py``): a real version-1 database with data — made by the
frozen version-1 DDL of ``schema_v1_support.py`` — is refused by a unit of work until ``create_schema``
migrates it in place; then its data is all there, the ledger's triggers hold, the new table and column
work, and its schema is the one ``create_schema`` creates today. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from schema_v1_support import v1_ddl
from sql_support import ACTIVITY, BRANCH, MEMBER, RECORD

from volunteer_core import Beneficiary, Wish
from volunteer_core.errors import StorageError
from volunteer_core.storage.sql import SCHEMA_VERSION, SqlUnitOfWork, create_schema

REVERSAL = RECORD.reversal(id="rv1", recorded_on=date(2026, 3, 9))
PENDING = attrs.evolve(RECORD, id="rp", minutes=30, status="pending")
_RECORD_COLUMNS = ("member_id", "activity_id", "branch_id", "kind", "on", "minutes", "status", "reason")


def _insert(conn: sa.Connection, table: str, **values: Any) -> None:
    names = ", ".join(f'"{k}"' for k in values)
    conn.execute(
        sa.text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(f':{k}' for k in values)})"), values
    )


def _record_row(record: Any, **extra: Any) -> dict[str, Any]:
    row = {name: getattr(record, name) for name in _RECORD_COLUMNS}
    row["kind"], row["status"] = record.kind.value, record.status.value
    return {"id": record.id, **row, "reverses": record.reverses, "version": 0, **extra}


@pytest.fixture
def v1_engine(legacy_sql_url: str) -> Iterator[sa.Engine]:
    """A new database holding the version-1 schema, as version 1's ``create_schema`` left it, with a branch,
    a member, an activity, three records (one with an idempotency key, a reversal, a pending one) and a
    locked year — written by raw SQL, as version 1 wrote them."""
    engine = sa.create_engine(legacy_sql_url)
    with engine.begin() as conn:
        for statement in v1_ddl(conn.dialect.name):
            conn.exec_driver_sql(statement)
        _insert(conn, "schema_version", id=1, version=1)
        _insert(conn, "branches", id="b1", name=BRANCH.name, version=0)
        _insert(
            conn, "members", id="m1", name=MEMBER.name, branch_id="b1", joined_on=MEMBER.joined_on, version=0
        )
        _insert(
            conn, "activities", id="a1", kind="pairing", branch_id="b1", on=ACTIVITY.on, title=ACTIVITY.title,
            summary="", version=0,
        )  # fmt: skip
        _insert(conn, "records", **_record_row(RECORD, idempotency_key="k1"))
        _insert(conn, "records", **_record_row(REVERSAL, recorded_on=REVERSAL.recorded_on))
        _insert(conn, "records", **_record_row(PENDING))
        _insert(conn, "locks", branch_id="b1", year=2025)
    yield engine
    engine.dispose()


def _version(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT version FROM schema_version")).scalar_one())


def test_a_version_1_database_is_refused_until_create_schema_migrates_it(v1_engine: sa.Engine) -> None:
    uow = SqlUnitOfWork(v1_engine)
    with pytest.raises(
        StorageError, match=r"version 1, older.*create_schema\(url_or_engine\) once to migrate"
    ):
        uow.begin()
    assert _version(v1_engine) == 1
    assert create_schema(v1_engine) is v1_engine
    assert _version(v1_engine) == SCHEMA_VERSION  # through every step: 1 → 2 → 3 → 4
    with uow:  # every row survived, read through the storage
        assert uow.branches.list() == [BRANCH]
        assert uow.members.list() == [MEMBER]
        assert MEMBER.volunteer_no is None
        assert uow.activities.list() == [ACTIVITY]
        assert uow.records.list() == [RECORD, PENDING, REVERSAL]
        assert uow.records.by_idempotency_key("k1") == RECORD
        assert uow.records.reversal_of("r1") == REVERSAL
        assert uow.locks.list() == [("b1", 2025)]
    create_schema(v1_engine)  # idempotent
    with uow:
        assert uow.records.list() == [RECORD, PENDING, REVERSAL]


def test_a_migrated_database_holds_the_ledger_and_takes_the_new_data(v1_engine: sa.Engine) -> None:
    create_schema(v1_engine)
    for sql in ("UPDATE records SET minutes = 1", "DELETE FROM records WHERE id = 'rp'"):
        with pytest.raises(sa.exc.IntegrityError, match=r"ledger\.append_only"), v1_engine.begin() as conn:
            conn.exec_driver_sql(sql)
    uow = SqlUnitOfWork(v1_engine)
    wish = Wish(id="w1", beneficiary_id="p1", kind="material", content="电视", collected_on=date(2026, 5, 1))
    with uow:
        uow.members.update(attrs.evolve(MEMBER, volunteer_no="V3301062026001"))
        uow.beneficiaries.add(Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区"))
        uow.wishes.add(wish, idempotency_key="row-1")
        uow.commit()
    with uow:
        assert uow.members.get("m1").volunteer_no == "V3301062026001"
        assert uow.wishes.by_idempotency_key("row-1") == wish


def _column_constraint_names(engine: sa.Engine, table: str) -> dict[str, str]:
    """On SQLite, the name of each column's own foreign key (``col TYPE CONSTRAINT fk_… REFERENCES …``, as
    ``ALTER TABLE … ADD COLUMN`` writes it), which SQLAlchemy's reflection does not report."""
    if engine.dialect.name != "sqlite":
        return {}
    with engine.connect() as conn:
        sql = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).scalar_one()
    pattern = r'"?(\w+)"? [A-Z]+ CONSTRAINT "?(\w+)"? REFERENCES'
    return dict(re.findall(pattern, sql))


def _foreign_keys(engine: sa.Engine, inspector: Any, table: str) -> list[tuple[str, list[str], str]]:
    named = _column_constraint_names(engine, table)
    return sorted(
        (
            f["name"] or named.get(f["constrained_columns"][0], ""),
            f["constrained_columns"],
            f["referred_table"],
        )
        for f in inspector.get_foreign_keys(table)
    )


def _shape(engine: sa.Engine) -> dict[str, Any]:
    """Everything of a schema but the order of columns: tables, columns, keys (foreign keys by name, on
    SQLite a column's own named one too), indexes, CHECKs, triggers."""
    inspector = sa.inspect(engine)
    shape: dict[str, Any] = {}
    for table in sorted(inspector.get_table_names()):
        shape[table] = (
            sorted((c["name"], c["nullable"], type(c["type"]).__name__) for c in inspector.get_columns(table)),
            inspector.get_pk_constraint(table),
            _foreign_keys(engine, inspector, table),
            sorted((u["name"] or "", u["column_names"]) for u in inspector.get_unique_constraints(table)),
            sorted((i["name"] or "", i["column_names"]) for i in inspector.get_indexes(table)),
            sorted(c["name"] or "" for c in inspector.get_check_constraints(table)),
        )  # fmt: skip
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            triggers = conn.exec_driver_sql("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        else:
            triggers = conn.exec_driver_sql(
                "SELECT t.tgname, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE NOT t.tgisinternal"
            )
        shape["triggers"] = sorted(tuple(row) for row in triggers)
    return shape


def test_the_migrated_schema_is_the_created_one(
    v1_engine: sa.Engine, request: pytest.FixtureRequest, tmp_path: Any
) -> None:
    create_schema(v1_engine)
    if v1_engine.dialect.name == "sqlite":
        fresh = create_schema(f"sqlite:///{tmp_path / 'fresh.db'}")
    else:  # the test server's database: created by today's create_schema
        fresh = request.getfixturevalue("_postgres").engine
    migrated = _shape(v1_engine)
    assert len(migrated["triggers"]) >= 3
    assert migrated == _shape(fresh)
