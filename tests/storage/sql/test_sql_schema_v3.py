"""Schema version 3 of the SQL storage: activities with several organising branches (``activity_branches``)
and a span (``activities.until``), and ``members.registered_on``.

A real version-2 database with data — made by the frozen version-2 DDL of ``schema_v2_support.py``, its
rows written by raw SQL as version 2 wrote them — is refused by a unit of work until ``create_schema``
migrates it in place; then every row is there (each activity organised by its lead), the new column and
table take data, and the schema is the one ``create_schema`` creates today. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from schema_v2_support import v2_ddl
from sql_support import ACTIVITY, BRANCH, MEMBER, RECORD
from test_sql_migration import _shape

from volunteer_core import Activity, Branch, InvalidInput, Pairing
from volunteer_core.calendar.dates import DateRange
from volunteer_core.errors import StorageError
from volunteer_core.storage.sql import SCHEMA_VERSION, SqlUnitOfWork, create_schema

B2 = Branch(id="b2", name="二支部")
PAIRING = Pairing(
    id="p1",
    branch_ids={"b1", "b2"},
    target_id="u1",
    mode="joint_branches",
    period=DateRange(date(2026, 1, 1)),
)
SPAN = Activity(
    id="a2",
    kind="festival",
    branch_id="b1",
    branch_ids={"b2"},
    on=date(2026, 9, 24),
    until=date(2026, 9, 26),
    title="中秋同过节",
    pairing_id="p1",
)


def _insert(conn: sa.Connection, table: str, **values: Any) -> None:
    names = ", ".join(f'"{k}"' for k in values)
    conn.execute(
        sa.text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(f':{k}' for k in values)})"), values
    )


@pytest.fixture
def v2_engine(legacy_sql_url: str) -> Iterator[sa.Engine]:
    """A new database holding the version-2 schema, as version 2's ``create_schema`` left it, with two
    branches, a member, a pairing, an activity and a record — written by raw SQL, as version 2 wrote them."""
    engine = sa.create_engine(legacy_sql_url)
    with engine.begin() as conn:
        for statement in v2_ddl(conn.dialect.name):
            conn.exec_driver_sql(statement, execution_options={"no_parameters": True})
        _insert(conn, "schema_version", id=1, version=2)
        _insert(conn, "branches", id="b1", name=BRANCH.name, version=0)
        _insert(conn, "branches", id="b2", name=B2.name, version=0)
        _insert(
            conn, "members", id="m1", name=MEMBER.name, branch_id="b1", joined_on=MEMBER.joined_on,
            volunteer_no="V1", version=0,
        )  # fmt: skip
        _insert(
            conn, "pairings", id="p1", target_id="u1", mode="joint_branches", period_start=date(2026, 1, 1),
            measures="", version=0,
        )  # fmt: skip
        _insert(conn, "pairing_branches", pairing_id="p1", branch_id="b1")
        _insert(conn, "pairing_branches", pairing_id="p1", branch_id="b2")
        _insert(
            conn, "activities", id="a1", kind="pairing", branch_id="b1", on=ACTIVITY.on, title=ACTIVITY.title,
            summary="", version=0,
        )  # fmt: skip
        _insert(
            conn, "records", id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
            on=RECORD.on, minutes=RECORD.minutes, status="confirmed", reason="", version=0,
        )  # fmt: skip
    yield engine
    engine.dispose()


def _version(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.text("SELECT version FROM schema_version")).scalar_one())


def test_a_version_2_database_is_refused_until_create_schema_migrates_it(v2_engine: sa.Engine) -> None:
    uow = SqlUnitOfWork(v2_engine)
    with pytest.raises(StorageError, match=r"version 2, older.*create_schema"):
        uow.begin()
    assert _version(v2_engine) == 2
    create_schema(v2_engine)
    assert _version(v2_engine) == SCHEMA_VERSION  # through 3 to 4
    with uow:  # every row survived; the stored activity is organised by its lead alone
        assert uow.branches.list() == [BRANCH, B2]
        assert uow.members.list() == [attrs.evolve(MEMBER, volunteer_no="V1")]
        assert uow.pairings.list() == [PAIRING]
        assert uow.activities.list() == [ACTIVITY]
        assert uow.activities.get("a1").branch_ids == {"b1"}
        assert uow.activities.get("a1").until is None
        assert uow.records.list() == [RECORD]
    with v2_engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT activity_id, branch_id FROM activity_branches").all()
        registered = conn.exec_driver_sql("SELECT registered_on FROM members").scalar_one()
    assert [tuple(row) for row in rows] == [("a1", "b1")]
    assert registered is None
    create_schema(v2_engine)  # idempotent
    with uow:
        assert uow.activities.list() == [ACTIVITY]


def test_a_migrated_database_takes_joint_activities_with_a_span(v2_engine: sa.Engine) -> None:
    create_schema(v2_engine)
    uow = SqlUnitOfWork(v2_engine)
    with uow:
        uow.activities.add(SPAN)
        uow.commit()
    with uow:
        assert uow.activities.get("a2") == SPAN
        assert uow.activities.get("a2").branch_ids == {"b1", "b2"}
        assert [a.id for a in uow.activities.in_year(2026)] == ["a1", "a2"]
    with pytest.raises(sa.exc.IntegrityError, match=r"ck_activities_until"), v2_engine.begin() as conn:
        conn.exec_driver_sql("""UPDATE activities SET "until" = '2026-09-23' WHERE id = 'a2'""")


def test_the_migrated_schema_is_the_created_one(
    v2_engine: sa.Engine, request: pytest.FixtureRequest, tmp_path: Any
) -> None:
    create_schema(v2_engine)
    if v2_engine.dialect.name == "sqlite":
        fresh = create_schema(f"sqlite:///{tmp_path / 'fresh.db'}")
    else:  # the test server's database: created by today's create_schema
        fresh = request.getfixturevalue("_postgres").engine
    assert _shape(v2_engine) == _shape(fresh)


def test_the_organisers_round_trip_and_are_replaced_on_update(sql_uow: SqlUnitOfWork) -> None:
    with sql_uow:
        for entity in (BRANCH, B2):
            sql_uow.branches.add(entity)
        sql_uow.pairings.add(PAIRING)
        sql_uow.activities.add(SPAN)
        sql_uow.commit()
    moved = attrs.evolve(_get(sql_uow, "a2"), branch_ids={"b1"}, until=None)
    with sql_uow:
        sql_uow.activities.update(moved)
        sql_uow.commit()
    found = _get(sql_uow, "a2")
    assert found.branch_ids == frozenset({"b1"})
    assert (found.until, found.version) == (None, 1)
    with sql_uow:
        assert sql_uow.activities.get_many(["a2"]) == {"a2": found}


def _get(uow: SqlUnitOfWork, activity_id: str) -> Activity:
    with uow:
        return uow.activities.get(activity_id)


def test_an_activity_ending_before_it_begins_is_refused_by_the_model() -> None:
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(SPAN, until=date(2026, 9, 23))
    assert caught.value.path == "until"
