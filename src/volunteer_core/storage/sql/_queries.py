"""Prepared statements of the SQL storage: built once per process, executed with bound parameters,
and the small helpers the repositories share to build and bind them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date
from typing import Any

import attrs
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.visitors import InternalTraversal, iterate, replacement_traverse

from volunteer_core.storage.sql import _schema as s
from volunteer_core.storage.sql._mapping import Child, Spec

Where = sa.ColumnElement[bool]


def is_year(year: object) -> bool:
    return isinstance(year, int) and not isinstance(year, bool) and 1 <= year <= 9999


def year_params(year: int) -> dict[str, date]:
    """The bound parameters of a year: its first and last day."""
    return {"start": date(year, 1, 1), "end": date(year, 12, 31)}


def within_year(column: sa.Column[Any]) -> Where:
    return sa.and_(
        column >= sa.bindparam("start", type_=sa.Date), column <= sa.bindparam("end", type_=sa.Date)
    )


# -- prepared statements: built once per process, executed with bound parameters ---------------------


@attrs.frozen
class Query:
    """A prepared query of a repository: its main rows, and for each child table the rows that belong to
    them (for more than one; one owner uses :func:`child_rows_of_one`)."""

    main: sa.Select[Any]
    children: tuple[tuple[Child, sa.Select[Any]], ...]
    #: PostgreSQL: the main rows with every child's values nested as an array (one statement where
    #: ``main`` and ``children`` are one per table) — a read by id of an aggregate whose children are all
    #: sets (:func:`_nested`)
    nested: sa.Select[Any] | None = None


_PREPARED: dict[tuple[str, str], Query] = {}
PREPARED_EXISTS: dict[tuple[str, str], sa.Select[Any]] = {}
_STATEMENTS: dict[tuple[str, str, str], Any] = {}


def prepared(
    spec: Spec,
    name: str,
    where: Callable[[], Where] | None,
    order: Callable[[], tuple[sa.ColumnElement[Any], ...]] | None,
) -> Query:
    """The query ``name`` of ``spec``, built on first use (``where`` and ``order`` are only called then)."""
    query = _PREPARED.get((spec.name, name))
    if query is not None:
        return query
    table = spec.table
    condition = None if where is None else where()
    main = sa.select(table)
    if condition is not None:
        main = main.where(condition)
    ordering = order() if order is not None else (table.c.id,)
    main = main.order_by(*ordering)
    children = []
    for child in spec.children:
        parent = child.table.c[child.parent]
        of_many = sa.select(child.table)
        if condition is not None:
            of_many = of_many.where(parent.in_(sa.select(table.c.id).where(condition)))
        children.append((child, of_many.order_by(parent, *(child.table.c[c] for c in child.order))))
    nested = None
    if condition is not None and spec.children and all(child.column is not None for child in spec.children):
        nested = _nested(spec, condition, ordering)
    query = _PREPARED[spec.name, name] = Query(main, tuple(children), nested)
    return query


def _nested(
    spec: Spec, condition: Where, ordering: tuple[sa.ColumnElement[Any], ...]
) -> sa.Select[Any] | None:
    """The main rows of ``condition`` — a read by id, which names the owner's id alone (``id = ANY(:ids)``,
    ``id = :id``) — with each set child's values as an array: per child table one ``array_agg … GROUP BY``
    owner of the child rows the same condition on the owner column picks, left-joined on the owner's id
    (NULL: none). Each child table is read once, hashed: 3.2 ms for a batch's 663 activities, where a
    correlated subquery per owner and child took 4.8 ms. None for any other condition."""
    table = spec.table
    named = {
        element for element in iterate(condition) if isinstance(element, sa.Column) and element.table is table
    }
    if named != {table.c.id}:
        return None
    joined: sa.FromClause = table
    arrays = []
    for child in spec.children:
        assert child.column is not None
        owner = child.table.c[child.parent]

        def moved(element: Any, _owner: sa.Column[Any] = owner, **_kw: Any) -> Any:
            return _owner if element is table.c.id else None

        values = (
            sa.select(
                owner.label("owner"),
                # the driver's list as it comes (psycopg reads a text[]): no per-element processing
                sa.func.array_agg(child.table.c[child.column], type_=sa.types.NullType()).label("elements"),
            )
            .where(replacement_traverse(condition, {}, moved))
            .group_by(owner)
            .subquery(f"{child.label}_of")
        )
        joined = joined.outerjoin(values, values.c.owner == table.c.id)
        arrays.append(values.c.elements.label(child.label))
    return sa.select(table, *arrays).select_from(joined).where(condition).order_by(*ordering)


def child_rows_of_one(spec: Spec, child: Child) -> Any:
    """The child rows of one owner (bound parameter ``parent``), in order."""
    statement = _STATEMENTS.get(("children", spec.name, child.field))
    if statement is None:
        parent = child.table.c[child.parent]
        statement = (
            sa.select(child.table)
            .where(parent == sa.bindparam("parent"))
            .order_by(*(child.table.c[c] for c in child.order))
        )
        _STATEMENTS["children", spec.name, child.field] = statement
    return statement


def statement(kind: str, table: sa.Table, column: str = "") -> Any:
    """A prepared INSERT, UPDATE (by ``_id`` and ``_version``), version look-up or DELETE (by ``parent``)."""
    key = (kind, table.name, column)
    statement = _STATEMENTS.get(key)
    if statement is None:
        if kind == "insert":
            statement = sa.insert(table)
        elif kind == "update":
            statement = sa.update(table).where(
                table.c.id == sa.bindparam("_id"), table.c.version == sa.bindparam("_version")
            )
        elif kind == "version":
            statement = sa.select(table.c.version).where(table.c.id == sa.bindparam("_id"))
        else:
            statement = sa.delete(table).where(table.c[column] == sa.bindparam("parent"))
        _STATEMENTS[key] = statement
    return statement


def has_nul(params: dict[str, Any]) -> bool:
    return any(isinstance(v, str) and "\x00" in v for v in params.values())


def reversal_condition() -> Where:
    return s.records.c.reverses == sa.bindparam("reverses")


def by_on_then_id() -> tuple[sa.ColumnElement[Any], ...]:
    return (s.records.c.on, s.records.c.id)


#: How many values one ``IN (…)`` of a bulk read binds (SQLite allows 32766 variables, psycopg 65535).
_IN_CHUNK = 2000


def distinct_ids(values: Iterable[object], postgres: bool) -> list[str]:
    """The distinct strings of ``values``, in order, that could name a stored row (PostgreSQL stores no
    NUL character: such a value matches nothing)."""
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str) and not (postgres and "\x00" in value):
            seen[value] = None
    return list(seen)


def chunks(values: Sequence[str], size: int = _IN_CHUNK) -> Iterator[list[str]]:
    """``values`` cut into lists of at most ``size`` (the values one ``IN (…)`` binds)."""
    for start in range(0, len(values), size):
        yield list(values[start : start + size])


class _AnyOf(sa.sql.expression.ColumnElement[bool]):
    """``column IN (…)`` of the list bound as ``name``: on PostgreSQL ``column = ANY(:name)`` with the
    list as one array parameter, elsewhere an expanding ``IN`` (one parameter per value)."""

    inherit_cache = True
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy's declaration, a list by its convention)
        ("column", InternalTraversal.dp_clauseelement),
        ("name", InternalTraversal.dp_string),
    ]
    type = sa.Boolean()
    _is_implicitly_boolean = True  # a predicate: no "= 1" after it where booleans are integers

    def __init__(self, column: sa.Column[Any], name: str) -> None:
        self.column = column
        self.name = name


@compiles(_AnyOf)
def _expanding_in(element: _AnyOf, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column.in_(sa.bindparam(element.name, expanding=True)), **kw))


@compiles(_AnyOf, "postgresql")
def _any_of_array(element: _AnyOf, compiler: Any, **kw: Any) -> str:
    # one parameter whatever the number of values: the statement's text is the same for every chunk,
    # where an expanding IN renders (and psycopg parses again) one placeholder per value
    values = sa.bindparam(element.name, type_=postgresql.ARRAY(sa.String()))
    return str(compiler.process(element.column == sa.any_(values), **kw))


def ids_in(column: sa.Column[Any], name: str = "ids") -> Where:
    return column.in_(sa.bindparam(name, expanding=True))


def any_of(column: sa.Column[Any], name: str = "ids") -> Where:
    """``column`` is one of the values bound as ``name`` (a list): ``= ANY(array)`` on PostgreSQL — one
    parameter, the statement's text the same for every chunk — an expanding ``IN (…)`` elsewhere. The
    bulk reads of a batch of records (``record_services``) use it: an expanding ``IN`` of 1,000 ids is
    rendered, and parsed again by psycopg, value by value on every call.

    >>> from volunteer_core.storage.sql import _schema as s
    >>> str(any_of(s.members.c.id).compile(dialect=postgresql.dialect()))
    'members.id = ANY (%(ids)s::VARCHAR[])'
    """
    return _AnyOf(column, name)


#: The records of a chunk of idempotency keys, with their keys (``records.by_idempotency_keys``).
BY_KEYS = sa.select(s.records).where(any_of(s.records.c.idempotency_key, "keys"))


@contextmanager
def unprepared(conn: sa.Connection) -> Iterator[None]:
    """Run the block's statements unprepared on psycopg (no server-side prepared statement). A bulk
    ``IN (…)`` read that psycopg prepares while a table is still small gets a generic plan — a
    sequential scan — which PostgreSQL keeps reusing as the table grows, until the next ``ANALYZE``
    (a fresh database's first import got several times slower); planned each time, it uses the index."""
    raw: Any = None
    with suppress(sa.exc.SQLAlchemyError):  # a closed connection: the statements will say so
        raw = conn.connection.dbapi_connection
    threshold = getattr(raw, "prepare_threshold", None)
    if threshold is None:  # SQLite, or preparing already off
        yield
        return
    raw.prepare_threshold = None
    try:
        yield
    finally:
        raw.prepare_threshold = threshold
