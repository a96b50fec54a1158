"""Entities ↔ rows: which table holds which entity, how each field becomes a column, and back.

Every row of the table of aggregates (:data:`volunteer_core.aggregates.AGGREGATES`) is stored in the
table of the same name (``_schema.py``); its columns are derived from the entity's fields: a plain field
is a column of the same name (an enum stored as its value); money (:class:`~volunteer_core.Yuan`) an
integer column ``<field>_fen``; a :class:`~volunteer_core.DateRange` two dates ``<field>_start`` and
``<field>_end``. A collection field is declared here as a child table: a set one row per element, a
sequence (claims, plan items) one row per element with its ``position``. Reading builds the entity
through its constructor, so a stored row is validated again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import Enum
from typing import Any

import attrs
import sqlalchemy as sa

from volunteer_core.aggregates import AGGREGATES, Aggregate
from volunteer_core.calendar.dates import DateRange
from volunteer_core.model import Claim, PlanItem
from volunteer_core.money import Yuan
from volunteer_core.storage.sql import _schema as s

__all__ = ["REUSED", "SPECS", "Child", "Spec", "built_again", "built_nested"]

Row = Mapping[Any, Any]  # a result row's mapping (column name → value)


def _db(value: Any) -> Any:
    """A field value as a column value: an enum member as its value."""
    return value.value if isinstance(value, Enum) else value


@attrs.frozen
class Child:
    """A collection field stored in a child table (``parent`` names the owner's id)."""

    field: str
    table: sa.Table
    parent: str
    to_rows: Callable[[Any], list[dict[str, Any]]]
    build: Callable[[Sequence[Row]], Any]
    order: tuple[str, ...] = ()
    #: a set child's one column of values (None: a sequence of rows, such as claims)
    column: str | None = None

    @property
    def label(self) -> str:
        """The name of the column that carries a set child's values inside its owner's row (the
        nested read of :func:`built_nested`)."""
        return f"_child_{self.field}"


def _set_child(field: str, table: sa.Table, parent: str, column: str) -> Child:
    return Child(
        field,
        table,
        parent,
        to_rows=lambda values: [{column: v} for v in sorted(values)],
        build=lambda rows: frozenset(r[column] for r in rows),
        order=(column,),
        column=column,
    )


@attrs.frozen
class _Column:
    """How one field of an entity is stored in its main table, and read back."""

    field: str
    to_row: Callable[[Any], dict[str, Any]]
    from_row: Callable[[Row], Any]


def _plain(name: str) -> _Column:
    def to_row(entity: Any) -> dict[str, Any]:
        return {name: _db(getattr(entity, name))}

    def from_row(row: Row) -> Any:
        return row[name]

    return _Column(name, to_row, from_row)


def _money(name: str) -> _Column:
    def to_row(entity: Any) -> dict[str, Any]:
        return {f"{name}_fen": _fen(getattr(entity, name))}

    def from_row(row: Row) -> Any:
        return _yuan(row[f"{name}_fen"])

    return _Column(name, to_row, from_row)


def _period(name: str) -> _Column:
    def to_row(entity: Any) -> dict[str, Any]:
        period = getattr(entity, name)
        return {f"{name}_start": period.start, f"{name}_end": period.end}

    def from_row(row: Row) -> Any:
        return DateRange(row[f"{name}_start"], row[f"{name}_end"])

    return _Column(name, to_row, from_row)


def _columns(cls: type[Any], table: sa.Table, children: Sequence[Child]) -> tuple[_Column, ...]:
    """The main-table columns of every field of ``cls`` that is not a child table, by naming convention:
    the column of the same name, else ``<field>_fen`` (money), else ``<field>_start``/``_end`` (a period)."""
    in_children = {child.field for child in children}
    columns = []
    for field in attrs.fields(cls):
        name = field.name
        if name in in_children:
            continue
        if name in table.c:
            columns.append(_plain(name))
        elif f"{name}_fen" in table.c:
            columns.append(_money(name))
        elif f"{name}_start" in table.c:
            columns.append(_period(name))
        else:
            raise TypeError(f"table {table.name} has no column for {cls.__name__}.{name}")
    return tuple(columns)


@attrs.frozen
class Spec:
    """How one aggregate's entities are stored: its main table and its child tables."""

    aggregate: Aggregate
    table: sa.Table
    children: tuple[Child, ...] = ()
    columns: tuple[_Column, ...] = attrs.field(init=False)

    @columns.default
    def _derive_columns(self) -> tuple[_Column, ...]:
        return _columns(self.aggregate.entity, self.table, self.children)

    @property
    def name(self) -> str:
        """The repository / table name (``"members"``)."""
        return self.aggregate.name

    @property
    def kind(self) -> str:
        """How ``NotFound`` and messages name one entity."""
        return self.aggregate.label_en

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields stored as the column of the same name (money, periods and children aside)."""
        return tuple(c.field for c in self.columns if c.field in self.table.c)

    @property
    def cls(self) -> type[Any]:
        """The entity class."""
        return self.aggregate.entity

    def to_row(self, entity: Any) -> dict[str, Any]:
        """The main table's row for ``entity`` (children excluded)."""
        row: dict[str, Any] = {}
        for column in self.columns:
            row.update(column.to_row(entity))
        return row

    def from_row(self, row: Row, children: Mapping[str, Any] | None = None) -> Any:
        """The entity for a main-table row and its children's values (field → value)."""
        values = {column.field: column.from_row(row) for column in self.columns}
        if children:
            values.update(children)
        return self.cls(**values)

    def references(self, entity: Any) -> Iterator[tuple[str, str, str]]:
        """(field path, referenced repository, id) for every non-null reference, in the table of
        aggregates' order (the reference implementation's)."""
        return self.aggregate.references_of(entity)


def _fen(money: Yuan | None) -> int | None:
    return None if money is None else money.fen


def _yuan(fen: int | None) -> Yuan | None:
    return None if fen is None else Yuan.from_fen(int(fen))


def _claim_rows(claims: tuple[Claim, ...]) -> list[dict[str, Any]]:
    return [
        {
            "position": index,
            "member_id": c.member_id,
            "claimed_on": c.claimed_on,
            "pledged_fen": _fen(c.pledged),
            "fulfilled_on": c.fulfilled_on,
            "withdrawn_on": c.withdrawn_on,
            "supporter_id": c.supporter_id,
        }
        for index, c in enumerate(claims)
    ]


def _claims(rows: Sequence[Row]) -> tuple[Claim, ...]:
    return tuple(
        Claim(
            member_id=r["member_id"],
            claimed_on=r["claimed_on"],
            pledged=_yuan(r["pledged_fen"]),
            fulfilled_on=r["fulfilled_on"],
            withdrawn_on=r["withdrawn_on"],
            supporter_id=r["supporter_id"],
        )
        for r in rows
    )


def _item_rows(items: tuple[PlanItem, ...]) -> list[dict[str, Any]]:
    return [
        {
            "position": index,
            "line": item.line.value,
            "target": item.target,
            "measures": item.measures,
            "scheduled": item.scheduled,
            "mode": item.mode.value,
        }
        for index, item in enumerate(items)
    ]


def _items(rows: Sequence[Row]) -> tuple[PlanItem, ...]:
    return tuple(
        PlanItem(
            line=r["line"],
            target=r["target"],
            measures=r["measures"],
            scheduled=r["scheduled"],
            mode=r["mode"],
        )
        for r in rows
    )


#: The collection fields stored in child tables, by aggregate; every other field is a column.
_CHILDREN: dict[str, tuple[Child, ...]] = {
    "members": (_set_child("skills", s.member_skills, "member_id", "skill"),),
    "teams": (_set_child("member_ids", s.team_members, "team_id", "member_id"),),
    "beneficiaries": (_set_child("subtypes", s.beneficiary_subtypes, "beneficiary_id", "subtype"),),
    "pairings": (
        _set_child("branch_ids", s.pairing_branches, "pairing_id", "branch_id"),
        _set_child("member_ids", s.pairing_members, "pairing_id", "member_id"),
    ),
    "activities": (
        _set_child("branch_ids", s.activity_branches, "activity_id", "branch_id"),
        _set_child("requires", s.activity_requires, "activity_id", "qualification"),
        _set_child("grants", s.activity_grants, "activity_id", "qualification"),
    ),
    "wishes": (
        Child("claims", s.wish_claims, "wish_id", to_rows=_claim_rows, build=_claims, order=("position",)),
    ),
    "plans": (
        Child("items", s.plan_items, "plan_id", to_rows=_item_rows, build=_items, order=("position",)),
    ),
}

#: repository name → its storage: the table of the same name, for every row of the table of aggregates
SPECS: dict[str, Spec] = {
    a.name: Spec(a, s.metadata.tables[a.name], _CHILDREN.get(a.name, ())) for a in AGGREGATES
}


#: The aggregates whose rows are read again and again by imports (each batch of ``record_services`` reads
#: its activities and members): an entity is immutable, so the one built from a row is reused when the
#: very same row — every column, every child row — is read again, in any transaction (the rows are read
#: from the database every time; only building and validating the entity is saved).
REUSED = frozenset({"activities", "members"})
#: How many entities of one aggregate a unit of work's cache keeps (then it starts again, empty).
_BUILT_LIMIT = 20_000

#: A cache of built entities: aggregate name → (row, children) → entity. Each unit of work holds its own
#: (never the process: what one caller read — names, phones — is not kept for another).
BuiltCache = dict[str, dict[tuple[Any, ...], Any]]


def built_again(
    spec: Spec, rows: Sequence[Row], grouped: Mapping[str, Mapping[str, Sequence[Row]]], cache: BuiltCache
) -> list[Any]:
    """The entities of ``rows`` (children from ``grouped``), each reused from ``cache`` (the unit of
    work's) when the same row and children were built before, else built (and kept)."""
    built = cache.setdefault(spec.name, {})
    entities = []
    for row in rows:
        children = {c.field: c.build(grouped[c.field].get(row["id"], ())) for c in spec.children}
        key = (tuple(row.values()), tuple(children.values()))
        entities.append(_reused(built, key, lambda: spec.from_row(row, children)))  # noqa: B023 (called at once)
    return entities


def _reused(built: dict[tuple[Any, ...], Any] | None, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    """The entity ``built`` keeps under ``key``, else the one ``build`` makes (kept; ``built`` None: no
    cache)."""
    if built is None:
        return build()
    entity = built.get(key)
    if entity is None:
        entity = build()
        if len(built) >= _BUILT_LIMIT:
            built.clear()
        built[key] = entity
    return entity


def built_nested(spec: Spec, rows: Sequence[Any], cache: BuiltCache | None) -> list[Any]:
    """The entities of ``rows`` read with their set children nested (each row: the main table's columns,
    then one array of values per child, NULL for none — ``_queries.Query.nested``), reused from
    ``cache`` as :func:`built_again` does (the same keys: what one read builds, the other reuses)."""
    width = len(spec.table.c)
    fields = [child.field for child in spec.children]
    built = None if cache is None else cache.setdefault(spec.name, {})
    entities = []
    for row in rows:
        values = tuple(row)
        sets = tuple(frozenset(value) if value else _NONE for value in values[width:])
        key = (values[:width], sets)
        # the children's mapping and the row's are made only for an entity not kept
        entities.append(
            _reused(built, key, lambda: spec.from_row(row._mapping, dict(zip(fields, sets, strict=True))))  # noqa: B023
        )
    return entities


_NONE: frozenset[Any] = frozenset()
