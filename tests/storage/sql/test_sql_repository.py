"""The SQL repositories (``storage/sql/_repository.py``): what the database's constraints and types add —
wrong types refused as the reference refuses them, values the database cannot hold as ``InvalidInput``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import pytest
from sql_support import ACTIVITY, BRANCH, MEMBER, seed

from volunteer_core import Branch
from volunteer_core.errors import InvalidInput
from volunteer_core.storage.sql import SqlUnitOfWork


def test_wrong_types_are_refused_as_the_reference_does(sql_uow: SqlUnitOfWork) -> None:
    seed(sql_uow)
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


def _unchecked(entity: Branch, **values: Any) -> Branch:
    """``entity`` with ``values`` set past its validators (the model refuses a NUL or a huge version
    itself): what a storage must still refuse cleanly when handed one."""
    made = attrs.evolve(entity)
    for name, value in values.items():
        object.__setattr__(made, name, value)
    return made


def test_values_the_database_cannot_hold_are_invalid_input(sql_uow: SqlUnitOfWork) -> None:
    postgres = sql_uow.engine.dialect.name == "postgresql"
    with sql_uow:
        with pytest.raises(InvalidInput) as caught:
            sql_uow.branches.add(_unchecked(Branch(id="b9", name="大"), version=2**70))
        assert caught.value.path == "version"
        if postgres:  # PostgreSQL text holds no NUL character (SQLite's does)
            with pytest.raises(InvalidInput) as caught:
                sql_uow.branches.add(_unchecked(Branch(id="b1", name="x"), id="b\x001", name="x\x00y"))
            assert caught.value.path == "id"
        with pytest.raises(KeyError):
            sql_uow.branches.get("b\x002")
        assert not sql_uow.locks.is_locked("b\x002", 2026)
        sql_uow.branches.add(BRANCH)  # the transaction is still usable
        sql_uow.commit()
    with sql_uow:
        assert BRANCH in sql_uow.branches.list()


def test_members_in_branches_is_one_statement_per_thousand_branch_ids(sql_uow: SqlUnitOfWork) -> None:
    """``members.in_branches``: one ``branch_id IN (…)`` of at most 1,000 ids per statement (and one for
    the members' skills when several are found), never one statement per branch."""
    import sqlalchemy as sa

    from volunteer_core.storage.sql._repository import BRANCH_IDS_CHUNK

    assert BRANCH_IDS_CHUNK == 1000
    seed(sql_uow)
    with sql_uow:
        sql_uow.branches.add(attrs.evolve(BRANCH, id="b2"))
        sql_uow.members.add(attrs.evolve(MEMBER, id="m2", branch_id="b2", skills={"急救"}))
        sql_uow.commit()
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((" ".join(statement.split()), parameters))

    sa.event.listen(sql_uow.engine, "before_cursor_execute", record)
    try:
        with sql_uow:
            assert [m.id for m in sql_uow.members.in_branches(["b2", "b1", "b-none"])] == ["m1", "m2"]
            few = list(seen)
            seen.clear()
            wanted = ["b1", *(f"x{i:04d}" for i in range(1999)), "b2"]  # 2,001 ids: three chunks
            found = sql_uow.members.in_branches(wanted)
            assert [(m.id, m.skills) for m in found] == [("m1", MEMBER.skills), ("m2", frozenset({"急救"}))]
            many = list(seen)
    finally:
        sa.event.remove(sql_uow.engine, "before_cursor_execute", record)
    assert [s.startswith("SELECT members.") for s, _ in few] == [True, False]  # the members, their skills
    members = [(s, p) for s, p in many if s.startswith("SELECT members.")]
    assert len(members) == 3
    assert all("members.branch_id IN" in s for s, _ in members)
    assert [len(p) if isinstance(p, (list, tuple, dict)) else 0 for _, p in members] == [1000, 1000, 1]
    assert len(many) <= 2 * len(members)


def _activity_selects(sql_uow: SqlUnitOfWork, read: Callable[[], object]) -> list[str]:
    """The SELECT statements ``read`` executes in one transaction of ``sql_uow``."""
    import sqlalchemy as sa

    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)

    sa.event.listen(sql_uow.engine, "before_cursor_execute", record)
    try:
        with sql_uow:
            read()
    finally:
        sa.event.remove(sql_uow.engine, "before_cursor_execute", record)
    return seen


def test_activities_read_by_id_carry_every_child_exactly(sql_uow: SqlUnitOfWork) -> None:
    """``get`` and ``get_many`` give each activity its own organising branches, requirements and grants —
    none, one or many — also after an update in the same unit of work (whose cache of built entities
    must not hand back the old sets). On PostgreSQL each read is one statement, the children nested as
    arrays; elsewhere one per table."""
    seed(sql_uow)
    training = attrs.evolve(
        ACTIVITY, id="a-train", kind="training", grants={"急救", "消防"}, grants_valid_months=24
    )
    duty = attrs.evolve(ACTIVITY, id="a-duty", kind="other", requires={"急救"}, branch_ids={"b1", "b2", "b3"})
    stored = {a.id: a for a in (ACTIVITY, training, duty)}
    with sql_uow:
        sql_uow.branches.add(attrs.evolve(BRANCH, id="b2"))
        sql_uow.branches.add(attrs.evolve(BRANCH, id="b3"))
        sql_uow.activities.add(training)
        sql_uow.activities.add(duty)
        sql_uow.commit()
    with sql_uow:
        assert sql_uow.activities.get_many([*stored, "absent"]) == stored
        assert {i: sql_uow.activities.get(i) for i in stored} == stored
        assert sql_uow.activities.get("a1").branch_ids == frozenset({"b1"})
        assert sql_uow.activities.get("a1").requires == frozenset()
        fewer = sql_uow.activities.update(attrs.evolve(duty, branch_ids={"b1"}, requires=frozenset()))
        assert sql_uow.activities.get_many(["a-duty"]) == {"a-duty": fewer}
        assert sql_uow.activities.get("a-duty") == fewer
        assert fewer.branch_ids == frozenset({"b1"})
        sql_uow.commit()
    postgres = sql_uow.engine.dialect.name == "postgresql"
    many = _activity_selects(sql_uow, lambda: sql_uow.activities.get_many(stored))
    one = _activity_selects(sql_uow, lambda: sql_uow.activities.get("a-train"))
    assert len(many) == (1 if postgres else 4), many
    assert len(one) == (1 if postgres else 4), one
    if postgres:
        assert many[0].count("array_agg(") == 3


def test_an_invalid_stored_activity_is_a_storage_error_on_every_read(sql_uow: SqlUnitOfWork) -> None:
    """A row the entity refuses (a training's grants on what the database now says is a pairing) raises
    ``StorageError`` naming the aggregate, whether read by id, by ids or in a list."""
    import sqlalchemy as sa

    from volunteer_core.errors import StorageError
    from volunteer_core.storage.sql import _schema

    seed(sql_uow)
    with sql_uow:
        sql_uow.activities.add(attrs.evolve(ACTIVITY, id="a-train", kind="training", grants={"急救"}))
        sql_uow.commit()
    with sql_uow.engine.begin() as conn:
        activities = _schema.activities
        conn.execute(sa.update(activities).where(activities.c.id == "a-train").values(kind="pairing"))
    for read in (
        lambda: sql_uow.activities.get("a-train"),
        lambda: sql_uow.activities.get_many(["a-train"]),
        lambda: sql_uow.activities.list(),
    ):
        with sql_uow, pytest.raises(StorageError, match="a stored activity row is invalid"):
            read()
