"""The organisation tree in the SQL storage (``storage/sql/_tree.py``): ``subtree`` is one statement (a
recursive CTE) and the other queries one each, SQLite answers them from their indexes, and a cycle written
behind the storage's back (raw SQL) ends the recursion instead of looping — on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import attrs
import pytest
import sqlalchemy as sa

from volunteer_core import Branch, Member, Organisation, Qualification
from volunteer_core.errors import InvalidInput
from volunteer_core.storage.sql import SqlUnitOfWork, create_schema


def org(organisation_id: str, parent_id: str | None = None) -> Organisation:
    return Organisation(id=organisation_id, name="某单位", kind="unit", parent_id=parent_id)


def _seed(sql_uow: SqlUnitOfWork) -> SqlUnitOfWork:
    """a → (b → (d, e), c), branches under d and c, a member with two qualifications."""
    with sql_uow:
        for organisation in (org("a"), org("b", "a"), org("c", "a"), org("d", "b"), org("e", "b")):
            sql_uow.organisations.add(organisation)
        sql_uow.branches.add(Branch(id="b1", name="一支部", organisation_id="d"))
        sql_uow.branches.add(Branch(id="b2", name="二支部", organisation_id="c"))
        sql_uow.members.add(Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)))
        for name in ("急救", "心理疏导"):
            sql_uow.qualifications.add(
                Qualification(id=f"q-{name}", member_id="m1", name=name, earned_on=date(2026, 1, 1))
            )
        sql_uow.commit()
    return sql_uow


@pytest.fixture
def tree(sql_uow: SqlUnitOfWork) -> SqlUnitOfWork:
    return _seed(sql_uow)


@contextmanager
def statements(engine: sa.Engine) -> Iterator[list[tuple[str, Any]]]:
    """The statements (and their parameters) the block runs on ``engine``, savepoints aside."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if "SAVEPOINT" not in statement.upper():
            seen.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def test_each_query_is_one_statement(tree: SqlUnitOfWork) -> None:
    with tree:
        with statements(tree.engine) as seen:
            assert [o.id for o in tree.organisations.subtree("a")] == ["a", "b", "d", "e", "c"]
        assert len(seen) == 1
        assert "RECURSIVE" in seen[0][0].upper()
        for query in (
            lambda: tree.organisations.children("b"),
            lambda: tree.organisations.children(None),
            lambda: tree.branches.in_organisations(["d", "c", "x"]),
            lambda: tree.qualifications.for_member("m1"),
        ):
            with statements(tree.engine) as seen:
                assert query()
            assert len(seen) == 1


def test_sqlite_answers_the_tree_from_its_indexes(tmp_path: Path) -> None:
    """SQLite's plans (PostgreSQL plans tables this small as it likes)."""
    tree = _seed(SqlUnitOfWork(create_schema(f"sqlite:///{tmp_path / 'tree.db'}")))
    try:
        _plans_use_their_indexes(tree)
    finally:
        tree.engine.dispose()


def _plans_use_their_indexes(tree: SqlUnitOfWork) -> None:
    with tree:
        for query, index in (
            (lambda: tree.organisations.subtree("a"), "ix_organisations_parent_id_id"),
            (lambda: tree.organisations.children("b"), "ix_organisations_parent_id_id"),
            (lambda: tree.branches.in_organisations(["d"]), "ix_branches_organisation_id_id"),
            (lambda: tree.qualifications.for_member("m1"), "ix_qualifications_member_id_id"),
        ):
            with statements(tree.engine) as seen:
                query()
            (statement, parameters), *_ = seen
            with tree.engine.connect() as conn:
                plan = " ".join(
                    row[-1] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
                )
            assert index in plan, plan


def _close_a_cycle_behind_the_storage(uow: SqlUnitOfWork) -> None:
    """a → b → d, then a's parent set to d by raw SQL: a loop the storage would have refused."""
    with uow.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE organisations SET parent_id = 'd' WHERE id = 'a'")


def test_a_cycle_written_behind_the_storage_ends_the_recursion(tree: SqlUnitOfWork) -> None:
    _close_a_cycle_behind_the_storage(tree)
    with tree:
        assert [o.id for o in tree.organisations.subtree("b")] == ["b", "d", "a", "c", "e"]
        assert [o.id for o in tree.organisations.subtree("a")] == ["a", "b", "d", "e", "c"]
        assert tree.organisations.children(None) == []
        b = tree.organisations.get("b")
        with pytest.raises(InvalidInput) as caught:  # b under c: up from c, c → a → d → b
            tree.organisations.update(attrs.evolve(b, parent_id="c"))
        assert caught.value.code == "input.cycle"
        c = tree.organisations.get("c")  # c under e: up from e, e → b → a → d → b (seen): the walk ends
        assert tree.organisations.update(attrs.evolve(c, parent_id="e")).parent_id == "e"


def test_the_tree_constraint_of_the_schema_refuses_a_self_parent(tree: SqlUnitOfWork) -> None:
    with (
        pytest.raises(sa.exc.IntegrityError, match="ck_organisations_parent_id"),
        tree.engine.begin() as conn,
    ):
        conn.exec_driver_sql("UPDATE organisations SET parent_id = id WHERE id = 'c'")
