"""The repositories of the organisation tree in the SQL storage, and the queries that hang on it: the
organisations (``children``, ``subtree`` as one recursive CTE, cycles refused on update), the branches of
some organisations (``in_organisations``) and a member's qualifications (``for_member``).

Recursive CTEs run on SQLite and PostgreSQL alike; each uses ``UNION`` (not ``UNION ALL``), so that a
cycle written behind the storage's back ends the recursion instead of looping. On PostgreSQL the
transaction is SERIALIZABLE: the rows a recursive read touched are tracked like any other read, so a
concurrent change of the subtree makes one of the two transactions fail with ``ConcurrencyConflict``.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Sequence
from contextlib import suppress
from typing import Any

import sqlalchemy as sa

from volunteer_core.errors import ConcurrencyConflict, InvalidInput, NotFound
from volunteer_core.model import Branch, Organisation, Qualification
from volunteer_core.model.organisation import check_no_cycle
from volunteer_core.ports import BranchRepository, OrganisationRepository, QualificationRepository
from volunteer_core.storage.sql import _schema as s
from volunteer_core.storage.sql._queries import (
    any_of,
    chunks,
    distinct_ids,
    has_nul,
    ids_in,
    statement,
    unprepared,
)
from volunteer_core.storage.sql._repository import Repo

__all__ = ["Branches", "Organisations", "Qualifications", "ancestors_query", "subtree_condition"]


def subtree_condition() -> sa.ColumnElement[bool]:
    """``organisations.id IN (…)`` the ids of the subtree of the organisation ``:root`` (itself included):
    one recursive CTE that goes down by ``parent_id``.

    >>> from volunteer_core.storage.sql import create_schema
    >>> engine = create_schema("sqlite://")
    >>> with engine.connect() as conn:
    ...     conn.execute(sa.select(s.organisations.c.id).where(subtree_condition()), {"root": "o1"}).all()
    []
    """
    o = s.organisations
    tree = sa.select(o.c.id).where(o.c.id == sa.bindparam("root")).cte("subtree", recursive=True)
    below = sa.select(o.c.id).join(tree, o.c.parent_id == tree.c.id)
    tree = tree.union(below)
    return o.c.id.in_(sa.select(tree.c.id))


def ancestors_query() -> sa.Select[Any]:
    """``(id, parent_id)`` of the organisation ``:start`` and of every organisation above it: one recursive
    CTE that goes up by ``parent_id``.

    >>> from volunteer_core.storage.sql import create_schema
    >>> engine = create_schema("sqlite://")
    >>> with engine.connect() as conn:
    ...     conn.execute(ancestors_query(), {"start": "o1"}).all()
    []
    """
    o = s.organisations
    up = (
        sa.select(o.c.id, o.c.parent_id)
        .where(o.c.id == sa.bindparam("start"))
        .cte("ancestors", recursive=True)
    )
    above = sa.select(o.c.id, o.c.parent_id).join(up, o.c.id == up.c.parent_id)
    up = up.union(above)
    return sa.select(up.c.id, up.c.parent_id)


_ANCESTORS = ancestors_query()


class Organisations(Repo[Organisation], OrganisationRepository):
    """The organisation tree (see the module docstring)."""

    def children(self, parent_id: str | None) -> list[Organisation]:
        o = s.organisations
        if parent_id is None:
            return self._load("roots", {}, lambda: o.c.parent_id.is_(None))
        if not isinstance(parent_id, str):
            return []
        return self._load(
            "children", {"parent_id": parent_id}, lambda: o.c.parent_id == sa.bindparam("parent_id")
        )

    def subtree(self, organisation_id: str) -> list[Organisation]:
        found = (
            self._load("subtree", {"root": organisation_id}, subtree_condition)
            if isinstance(organisation_id, str)
            else []
        )
        by_parent: dict[str | None, list[Organisation]] = {}
        root = None
        for organisation in found:  # ordered by id: each node's children come in order
            if organisation.id == organisation_id:
                root = organisation
            else:
                by_parent.setdefault(organisation.parent_id, []).append(organisation)
        if root is None:
            raise NotFound(self.spec.kind, organisation_id)
        ordered: list[Organisation] = []
        stack = [root]
        seen: set[str] = set()
        while stack:  # depth-first, pre-order
            node = stack.pop()
            if node.id in seen:
                continue
            seen.add(node.id)
            ordered.append(node)
            stack.extend(reversed(by_parent.get(node.id, [])))
        return ordered

    def update(self, entity: Organisation) -> Organisation:
        """Refuse a new parent inside the node's own subtree (``input.cycle @ parent_id``), after what the
        reference refuses first (a missing id, a stale version); then update as every repository does."""
        self._check_type(entity)
        if isinstance(entity.parent_id, str):
            try:
                check_no_cycle(entity, self._parents_from(entity.parent_id).get)
            except InvalidInput:
                self._check_current(entity)
                raise
        return super().update(entity)

    def _parents_from(self, start: str) -> dict[str, str | None]:
        """The stored parent of ``start`` and of every organisation above it (one query)."""
        tx = self._tx
        if tx.postgres and has_nul({"start": start}):
            return {}
        with tx.io("read organisations") as conn:
            rows = conn.execute(_ANCESTORS, {"start": start}).all()
        return {row[0]: row[1] for row in rows}

    def _check_current(self, entity: Organisation) -> None:
        """``NotFound`` or ``ConcurrencyConflict`` when ``entity`` is not the stored version."""
        with self._tx.io("read organisations") as conn:
            stored = conn.execute(statement("version", s.organisations), {"_id": entity.id}).scalar()
        if stored is None:
            raise NotFound(self.spec.kind, entity.id)
        if stored != entity.version:
            kind = self.spec.kind
            raise ConcurrencyConflict(
                f"{kind} {entity.id!r} 已被修改（存储版本 {stored}，提交版本 {entity.version}）；"
                f"{kind} {entity.id!r} changed meanwhile: stored version {stored}, given {entity.version}"
            )


class Branches(Repo[Branch], BranchRepository):
    """Branches, found by the organisations they hang under."""

    def in_organisations(self, organisation_ids: Iterable[str]) -> builtins.list[Branch]:
        tx = self._tx
        found: dict[str, Branch] = {}
        with unprepared(tx.conn):
            for chunk in chunks(distinct_ids(organisation_ids, tx.postgres)):
                for branch in self._load(
                    "organisations", {"ids": chunk}, lambda: ids_in(s.branches.c.organisation_id)
                ):
                    found[branch.id] = branch
        return [found[key] for key in sorted(found)]


class Qualifications(Repo[Qualification], QualificationRepository):
    """Members' qualifications, found by member."""

    def for_member(self, member_id: str) -> list[Qualification]:
        if not isinstance(member_id, str):
            return []
        q = s.qualifications
        return self._load(
            "member", {"member_id": member_id}, lambda: q.c.member_id == sa.bindparam("member_id")
        )

    def for_members(self, member_ids: Iterable[str]) -> dict[str, builtins.list[Qualification]]:
        """The members' qualifications, each list by id: one ``member_id = ANY(…)`` query per chunk."""
        found: dict[str, builtins.list[Qualification]] = {m: [] for m in member_ids}
        q = s.qualifications
        tx = self._tx
        with unprepared(tx.conn):
            for chunk in chunks(distinct_ids(found, tx.postgres)):
                for qualification in self._load("members", {"ids": chunk}, lambda: any_of(q.c.member_id)):
                    found[qualification.member_id].append(qualification)
        return found

    def add_many(self, qualifications: Sequence[Qualification]) -> builtins.list[Qualification]:
        """One ``executemany`` INSERT inside a savepoint; when the database refuses any row (a duplicate,
        a dangling reference, a value it cannot hold), the savepoint is rolled back and each is added
        through ``add``, so that the first refused one raises exactly what ``add`` raises for it."""
        items = builtins.list(qualifications)
        if len(items) <= 1 or not all(isinstance(q, Qualification) for q in items):
            return super().add_many(items)
        table = self.spec.table
        rows = [self.spec.to_row(q) for q in items]
        with self._tx.io("add qualifications") as conn:
            savepoint = conn.begin_nested()
            try:
                conn.execute(statement("insert", table), rows)
            except (sa.exc.IntegrityError, sa.exc.DataError, OverflowError):
                savepoint.rollback()
                return super().add_many(items)
            except BaseException:
                if savepoint.is_active:
                    with suppress(sa.exc.SQLAlchemyError):
                        savepoint.rollback()
                raise
            savepoint.commit()
        return items
