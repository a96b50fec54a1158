"""The repositories and the unit of work of the SQL storage (SQLAlchemy Core, no ORM)."""

from __future__ import annotations

import builtins
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date
from typing import Any, Generic, TypeVar

import attrs
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg_dialect
from sqlalchemy.dialects import sqlite as sqlite_dialect

from volunteer_core.compliance import MemberTotals, _check_as_of, _check_year
from volunteer_core.errors import ConcurrencyConflict, InvalidInput, NotFound, StorageError, VolunteerError
from volunteer_core.model import (
    Activity,
    Beneficiary,
    Branch,
    BranchPlan,
    Demand,
    HalfYearReport,
    Member,
    Pairing,
    PartnerUnit,
    ServiceRecord,
    Team,
    Wish,
    WishStatus,
)
from volunteer_core.ports import (
    ActivityRepository,
    BeneficiaryRepository,
    BranchRepository,
    DemandRepository,
    LockRepository,
    MemberRepository,
    PairingRepository,
    PartnerUnitRepository,
    PlanRepository,
    RecordRepository,
    ReportRepository,
    TeamRepository,
    UnitOfWork,
    WishRepository,
)
from volunteer_core.storage.sql import _schema as s
from volunteer_core.storage.sql import _totals
from volunteer_core.storage.sql._engine import EngineLike, begin, end, resolve_engine
from volunteer_core.storage.sql._errors import integrity_info, translate
from volunteer_core.storage.sql._mapping import SPECS, Child, Spec

__all__ = ["SqlUnitOfWork"]

T = TypeVar("T")
_Where = sa.ColumnElement[bool]


def _is_year(year: object) -> bool:
    return isinstance(year, int) and not isinstance(year, bool) and 1 <= year <= 9999


def _year(year: int) -> dict[str, date]:
    """The bound parameters of a year: its first and last day."""
    return {"start": date(year, 1, 1), "end": date(year, 12, 31)}


def _in_year(column: sa.Column[Any]) -> _Where:
    return sa.and_(
        column >= sa.bindparam("start", type_=sa.Date), column <= sa.bindparam("end", type_=sa.Date)
    )


# -- prepared statements: built once per process, executed with bound parameters ---------------------


@attrs.frozen
class _Query:
    """A prepared query of a repository: its main rows, and for each child table the rows that belong to
    them (for more than one; one owner uses :func:`_child_rows`)."""

    main: sa.Select[Any]
    children: tuple[tuple[Child, sa.Select[Any]], ...]


_PREPARED: dict[tuple[str, str], _Query] = {}
_PREPARED_EXISTS: dict[tuple[str, str], sa.Select[Any]] = {}
_STATEMENTS: dict[tuple[str, str, str], Any] = {}


def _prepared(
    spec: Spec,
    name: str,
    where: Callable[[], _Where] | None,
    order: Callable[[], tuple[sa.ColumnElement[Any], ...]] | None,
) -> _Query:
    """The query ``name`` of ``spec``, built on first use (``where`` and ``order`` are only called then)."""
    query = _PREPARED.get((spec.name, name))
    if query is not None:
        return query
    table = spec.table
    condition = None if where is None else where()
    main = sa.select(table)
    if condition is not None:
        main = main.where(condition)
    main = main.order_by(*(order() if order is not None else (table.c.id,)))
    children = []
    for child in spec.children:
        parent = child.table.c[child.parent]
        of_many = sa.select(child.table)
        if condition is not None:
            of_many = of_many.where(parent.in_(sa.select(table.c.id).where(condition)))
        children.append((child, of_many.order_by(parent, *(child.table.c[c] for c in child.order))))
    query = _PREPARED[spec.name, name] = _Query(main, tuple(children))
    return query


def _child_rows(spec: Spec, child: Child) -> Any:
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


def _statement(kind: str, table: sa.Table, column: str = "") -> Any:
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


def _has_nul(params: dict[str, Any]) -> bool:
    return any(isinstance(v, str) and "\x00" in v for v in params.values())


def _leaves(value: Any, path: str) -> Iterator[tuple[str, Any]]:
    """(path, value) of every plain value inside an entity (fields, set elements, claims and items)."""
    if attrs.has(type(value)):
        for field in attrs.fields(type(value)):
            yield from _leaves(getattr(value, field.name), f"{path}.{field.name}" if path else field.name)
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    elif isinstance(value, frozenset):
        for item in value:
            yield path, item
    else:
        yield path, value


def _unstorable(err: Exception, entity: Any, idempotency_key: str | None) -> VolunteerError:
    """``InvalidInput`` naming the field whose value the database cannot hold, else ``StorageError``."""
    candidates = [*_leaves(entity, ""), ("idempotency_key", idempotency_key)]
    for path, value in candidates:
        if isinstance(value, str) and "\x00" in value:
            return InvalidInput(
                path,
                value,
                message_en="the database cannot store the NUL character (\\x00)",
                message_zh="数据库不能存储空字符（\\x00）",
            )
    for path, value in candidates:
        if isinstance(value, int) and not isinstance(value, bool) and not -(2**63) <= value < 2**63:
            return InvalidInput(
                path,
                value,
                message_en="the number is too large to store",
                message_zh="数值过大，无法存储",
            )
    return translate(err, "store a value")


def _reversal_of() -> _Where:
    return s.records.c.reverses == sa.bindparam("reverses")


def _by_on_then_id() -> tuple[sa.ColumnElement[Any], ...]:
    return (s.records.c.on, s.records.c.id)


#: How many values one ``IN (…)`` of a bulk read binds (SQLite allows 32766 variables, psycopg 65535).
_IN_CHUNK = 2000


def _distinct_ids(values: Iterable[object], postgres: bool) -> list[str]:
    """The distinct strings of ``values``, in order, that could name a stored row (PostgreSQL stores no
    NUL character: such a value matches nothing)."""
    seen: dict[str, None] = {}
    for value in values:
        if isinstance(value, str) and not (postgres and "\x00" in value):
            seen[value] = None
    return list(seen)


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield list(values[start : start + _IN_CHUNK])


def _ids_in(column: sa.Column[Any], name: str = "ids") -> _Where:
    return column.in_(sa.bindparam(name, expanding=True))


#: The records of a chunk of idempotency keys, with their keys (``records.by_idempotency_keys``).
_BY_KEYS = sa.select(s.records).where(_ids_in(s.records.c.idempotency_key, "keys"))


@contextmanager
def _unprepared(conn: sa.Connection) -> Iterator[None]:
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


class _Transaction:
    """One open transaction: its connection, its open record streams, and whether it lost a race."""

    def __init__(self, engine: sa.Engine) -> None:
        self.conn = begin(engine)
        self.postgres = engine.dialect.name == "postgresql"
        self.streams: set[sa.CursorResult[Any]] = set()
        self.closed = False
        self.doomed: ConcurrencyConflict | None = None

    @contextmanager
    def io(self, action: str) -> Iterator[sa.Connection]:
        """Talk to the database; driver errors become the library's (a lost race dooms the transaction)."""
        if self.closed:
            raise StorageError(
                f"事务已结束（{action}）；the transaction has ended: cannot {action} (use `with uow:`)"
            )
        if self.doomed is not None:
            raise ConcurrencyConflict(str(self.doomed))
        try:
            yield self.conn
        except VolunteerError:
            raise
        except sa.exc.SQLAlchemyError as err:
            translated = translate(err, action)
            if isinstance(translated, ConcurrencyConflict):
                self.doomed = translated
            raise translated from err

    def finish(self, *, commit: bool) -> None:
        """Close the streams, then commit or roll back, and give the connection back."""
        if self.closed:
            return
        self.closed = True
        for result in list(self.streams):
            with suppress(sa.exc.SQLAlchemyError):
                result.close()
        self.streams.clear()
        if commit and self.doomed is not None:
            end(self.conn, commit=False)
            raise ConcurrencyConflict(str(self.doomed))
        end(self.conn, commit=commit)


class _Repo(Generic[T]):
    """The operations every repository has, for the entities of one :class:`Spec`."""

    name = ""

    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow
        self.spec: Spec = SPECS[self.name]

    @property
    def _tx(self) -> _Transaction:
        return self._uow._transaction()

    # -- reading ------------------------------------------------------------------------------

    def _load(
        self,
        name: str,
        params: dict[str, Any],
        where: Callable[[], _Where] | None = None,
        order: Callable[[], tuple[sa.ColumnElement[Any], ...]] | None = None,
    ) -> builtins.list[T]:
        """The entities of the prepared query ``name`` (built once from ``where``, with bound parameters,
        ordered by ``order`` — default: by id), children included: one query per table, whatever the
        number of entities."""
        spec = self.spec
        query = _prepared(spec, name, where, order)
        tx = self._tx
        if tx.postgres and _has_nul(params):
            return []  # PostgreSQL stores no NUL character: nothing can match
        with tx.io(f"read {spec.name}") as conn:
            rows = conn.execute(query.main, params).mappings().all()
            if not rows:
                return []
            grouped: dict[str, dict[str, list[sa.RowMapping]]] = {}
            for child, of_many in query.children:
                # .all(): one fetchall, where iterating the result fetched row by row (a third of the
                # time of members.list() at 100,000 members, bench/bench_sql.py)
                if len(rows) == 1:
                    child_rows = (
                        conn.execute(_child_rows(spec, child), {"parent": rows[0]["id"]}).mappings().all()
                    )
                else:
                    child_rows = conn.execute(of_many, params).mappings().all()
                groups: dict[str, list[sa.RowMapping]] = {}
                for child_row in child_rows:
                    groups.setdefault(child_row[child.parent], []).append(child_row)
                grouped[child.field] = groups
        try:
            return [
                spec.from_row(
                    row, {c.field: c.build(grouped[c.field].get(row["id"], ())) for c in spec.children}
                )
                for row in rows
            ]
        except InvalidInput as err:
            raise StorageError(
                f"数据库中的{spec.kind}数据无效；a stored {spec.kind} row is invalid: {err}"
            ) from err

    def get(self, entity_id: str) -> T:
        """The stored entity with this id; ``NotFound`` when there is none."""
        if isinstance(entity_id, str):
            table = self.spec.table
            found = self._load("id", {"id": entity_id}, lambda: table.c.id == sa.bindparam("id"))
            if found:
                return found[0]
        raise NotFound(self.spec.kind, entity_id)

    def list(self) -> builtins.list[T]:
        """Every stored entity, ordered by id."""
        return self._load("all", {})

    def get_many(self, entity_ids: Iterable[str]) -> dict[str, T]:
        """The stored entities with these ids, keyed by id: one ``id IN (…)`` query per chunk of ids
        (and one per child table)."""
        table = self.spec.table
        found: dict[str, T] = {}
        tx = self._tx
        with _unprepared(tx.conn):
            for chunk in _chunks(_distinct_ids(entity_ids, tx.postgres)):
                for entity in self._load("ids", {"ids": chunk}, lambda: _ids_in(table.c.id)):
                    found[entity.id] = entity  # type: ignore[attr-defined]
        return found

    def _exists(self, table: sa.Table, column: str, value: Any) -> bool:
        query = _PREPARED_EXISTS.get((table.name, column))
        if query is None:
            query = sa.select(sa.literal(1)).select_from(table).where(table.c[column] == sa.bindparam("v"))
            query = _PREPARED_EXISTS[table.name, column] = query.limit(1)
        tx = self._tx
        if tx.postgres and _has_nul({"v": value}):
            return False
        with tx.io(f"read {table.name}") as conn:
            return conn.execute(query, {"v": value}).first() is not None

    # -- writing ------------------------------------------------------------------------------

    def _check_type(self, entity: object) -> None:
        if not isinstance(entity, self.spec.cls):
            raise InvalidInput(
                "entity",
                repr(entity),
                code="input.type",
                message_en=f"{self.spec.name} stores {self.spec.cls.__name__} objects, not {type(entity).__name__}",
                message_zh=f"须为 {self.spec.cls.__name__}",
            )

    def _children(self, conn: sa.Connection, entity: Any, *, replace: bool) -> None:
        for child in self.spec.children:
            if replace:
                conn.execute(_statement("delete", child.table, child.parent), {"parent": entity.id})
            rows = child.to_rows(getattr(entity, child.field))
            if rows:
                conn.execute(
                    _statement("insert", child.table), [{child.parent: entity.id, **row} for row in rows]
                )

    def _write(
        self,
        entity: Any,
        statements: Callable[[sa.Connection], None],
        *,
        adding: bool,
        idempotency_key: str | None = None,
    ) -> None:
        """Run ``statements`` atomically (a savepoint unless it is one statement on SQLite, where a
        failed statement undoes itself); an integrity error becomes ``InvalidInput`` naming the field,
        and the transaction stays usable."""
        tx = self._tx
        action = f"{'add' if adding else 'update'} a {self.spec.kind}"
        # a new entity naming itself (a record adjusting itself) names what does not exist yet — refused
        # as the reference does, once the insert has shown that nothing comes before (duplicates)
        naming_itself = (
            next(
                (r for r in self.spec.references(entity) if r[1] == self.spec.name and r[2] == entity.id),
                None,
            )
            if adding
            else None
        )
        with tx.io(action) as conn:
            needed = tx.postgres or bool(self.spec.children) or naming_itself is not None
            savepoint = conn.begin_nested() if needed else None
            try:
                statements(conn)
            except sa.exc.IntegrityError as err:
                if savepoint is not None:
                    savepoint.rollback()
                raise self._explain(err, entity, adding=adding, idempotency_key=idempotency_key) from err
            except (sa.exc.DataError, OverflowError) as err:  # a value it cannot hold: NUL in text, huge int
                if savepoint is not None and savepoint.is_active:
                    savepoint.rollback()
                raise _unstorable(err, entity, idempotency_key) from err
            except BaseException:
                if savepoint is not None and savepoint.is_active:
                    with suppress(sa.exc.SQLAlchemyError):
                        savepoint.rollback()
                raise
            if naming_itself is not None:
                assert savepoint is not None
                savepoint.rollback()
                raise self._dangling(*naming_itself)
            if savepoint is not None:
                savepoint.commit()

    def _explain(
        self, err: sa.exc.IntegrityError, entity: Any, *, adding: bool, idempotency_key: str | None
    ) -> VolunteerError:
        """Which field made the write fail — in the reference implementation's order: the idempotency
        key, the id, then each reference. The failed statement decided; these look-ups only explain it."""
        spec = self.spec
        records = s.records
        if idempotency_key is not None and self._exists(records, "idempotency_key", idempotency_key):
            return InvalidInput(
                "idempotency_key",
                idempotency_key,
                code="input.duplicate",
                message_en=f"idempotency key {idempotency_key!r} is already stored",
                message_zh=f"幂等键 {idempotency_key!r} 已存在",
            )
        if adding and self._exists(spec.table, "id", entity.id):
            return self._duplicate("id", entity.id)
        if spec.name == "records" and entity.reverses is not None:
            reversals: list[Any] = self._load("reverses", {"reverses": entity.reverses}, _reversal_of)
            if reversals and reversals[0].id != entity.id:
                return self._duplicate("reverses", entity.reverses)
        references = list(spec.references(entity))
        for path, target, value in references:
            if not self._exists(SPECS[target].table, "id", value):
                return self._dangling(path, target, value)
        info = integrity_info(err)
        name = info.name or ""
        if info.kind == "unique":
            field = next((f for f in ("idempotency_key", "reverses") if name.endswith(f)), "id")
            duplicate = idempotency_key if field == "idempotency_key" else getattr(entity, field)
            return self._duplicate(field, duplicate)
        if info.kind == "foreign_key" and references:
            column = name.removeprefix(f"fk_{info.table}_") if info.table else ""
            path, target, value = next(
                (r for r in references if r[0] == column or r[0].endswith(f".{column}")), references[0]
            )
            return self._dangling(path, target, value)
        if info.kind in ("check", "not_null") and name:
            field = name.removeprefix(f"ck_{info.table}_") if info.table else name
            if info.kind == "check" and info.table is None:  # SQLite names only the constraint
                field = next(
                    (name.removeprefix(f"ck_{t}_") for t in s.metadata.tables if name.startswith(f"ck_{t}_")),
                    name,
                )
            return InvalidInput(
                field,
                getattr(entity, field, None),
                code="input.required" if info.kind == "not_null" else "input.invalid",
                message_en=f"the storage refused {field} ({err.orig})",
                message_zh=f"{field} 不符合存储约束",
            )
        return translate(err, f"store a {spec.kind}")

    def _duplicate(self, field: str, value: Any) -> InvalidInput:
        kind = self.spec.kind
        if field == "reverses":
            return InvalidInput(
                "reverses",
                value,
                code="input.duplicate",
                message_en=f"record {value!r} is already reversed",
                message_zh=f"记录 {value!r} 已被冲销",
            )
        return InvalidInput(
            field,
            value,
            code="input.duplicate",
            message_en=f"a {kind} with {field} {value!r} is already stored",
            message_zh=f"编号为 {value!r} 的{kind}已存在",
        )

    @staticmethod
    def _dangling(path: str, target: str, value: str) -> InvalidInput:
        return InvalidInput(
            path,
            value,
            code="input.reference",
            message_en=f"{path} names no stored {SPECS[target].kind} ({value!r})",
            message_zh=f"{path} 引用的 {value!r} 不存在",
        )

    def _insert(self, entity: Any, *, idempotency_key: str | None = None) -> None:
        row = self.spec.to_row(entity)
        if idempotency_key is not None:
            row["idempotency_key"] = idempotency_key

        def statements(conn: sa.Connection) -> None:
            conn.execute(_statement("insert", self.spec.table), row)
            self._children(conn, entity, replace=False)

        self._write(entity, statements, adding=True, idempotency_key=idempotency_key)

    def add(self, entity: T) -> T:
        """Store a new entity as given (one INSERT that fails on a stored id) and return it."""
        self._check_type(entity)
        self._insert(entity)
        return entity

    def update(self, entity: T) -> T:
        """``UPDATE … WHERE id = :id AND version = :version``; store and return it with version + 1."""
        self._check_type(entity)
        current: Any = entity
        table = self.spec.table
        row = self.spec.to_row(current)
        del row["id"]
        row["version"] = current.version + 1
        row["_id"], row["_version"] = current.id, current.version
        matched = False

        def statements(conn: sa.Connection) -> None:
            nonlocal matched
            result = conn.execute(_statement("update", table), row)
            if result.rowcount == 0:
                return
            matched = True
            self._children(conn, current, replace=True)

        self._write(current, statements, adding=False)
        if not matched:
            with self._tx.io(f"read {self.spec.name}") as conn:
                stored = conn.execute(_statement("version", table), {"_id": current.id}).scalar()
            if stored is None:
                raise NotFound(self.spec.kind, current.id)
            kind = self.spec.kind
            raise ConcurrencyConflict(
                f"{kind} {current.id!r} 已被修改（存储版本 {stored}，提交版本 {current.version}）；"
                f"{kind} {current.id!r} changed meanwhile: stored version {stored}, given {current.version}"
            )
        return attrs.evolve(current, version=current.version + 1)  # type: ignore[no-any-return]


class _Branches(_Repo[Branch], BranchRepository):
    name = "branches"


class _Members(_Repo[Member], MemberRepository):
    name = "members"

    def in_branch(self, branch_id: str) -> list[Member]:
        if not isinstance(branch_id, str):
            return []
        return self._load(
            "branch", {"branch_id": branch_id}, lambda: s.members.c.branch_id == sa.bindparam("branch_id")
        )


class _Teams(_Repo[Team], TeamRepository):
    name = "teams"


class _Beneficiaries(_Repo[Beneficiary], BeneficiaryRepository):
    name = "beneficiaries"


class _Units(_Repo[PartnerUnit], PartnerUnitRepository):
    name = "units"


class _Pairings(_Repo[Pairing], PairingRepository):
    name = "pairings"

    def for_target(self, target_id: str) -> list[Pairing]:
        if not isinstance(target_id, str):
            return []
        return self._load(
            "target", {"target_id": target_id}, lambda: s.pairings.c.target_id == sa.bindparam("target_id")
        )

    def for_branch(self, branch_id: str) -> list[Pairing]:
        if not isinstance(branch_id, str):
            return []
        pb = s.pairing_branches
        return self._load(
            "branch",
            {"branch_id": branch_id},
            lambda: s.pairings.c.id.in_(
                sa.select(pb.c.pairing_id).where(pb.c.branch_id == sa.bindparam("branch_id"))
            ),
        )


class _Activities(_Repo[Activity], ActivityRepository):
    name = "activities"

    def in_year(self, year: int) -> list[Activity]:
        if not _is_year(year):
            return []
        return self._load("year", _year(year), lambda: _in_year(s.activities.c.on))


class _Records(_Repo[ServiceRecord], RecordRepository):
    name = "records"

    def add(self, entity: ServiceRecord, *, idempotency_key: str | None = None) -> ServiceRecord:
        """Append a record, with its idempotency key (UNIQUE) when given — one INSERT."""
        self._check_type(entity)
        if idempotency_key is not None and not isinstance(idempotency_key, str):
            raise InvalidInput(
                "idempotency_key",
                repr(idempotency_key),
                code="input.type",
                message_en="an idempotency key is a string",
                message_zh="幂等键须为字符串",
            )
        self._insert(entity, idempotency_key=idempotency_key)
        return entity

    def in_year(self, year: int) -> Iterator[ServiceRecord]:
        """The year's records by ``on``, then id — streamed: a server-side cursor on PostgreSQL, the
        SQLite cursor stepping lazily; fetched ``uow.chunk_size`` rows at a time."""
        if not _is_year(year):
            return iter(())
        r = s.records
        tx = self._tx
        query = _prepared(self.spec, "year", lambda: _in_year(r.c.on), _by_on_then_id).main
        with tx.io("read records") as conn:
            result = conn.execute(query, _year(year), execution_options={"yield_per": self._uow.chunk_size})
        tx.streams.add(result)
        return self._stream(tx, result)

    def _stream(self, tx: _Transaction, result: sa.CursorResult[Any]) -> Iterator[ServiceRecord]:
        spec = self.spec
        rows = result.mappings()
        chunk = self._uow.chunk_size
        try:
            while True:
                with tx.io("read records"):
                    batch: Sequence[sa.RowMapping] = rows.fetchmany(chunk)
                if not batch:
                    return
                try:
                    built = [spec.from_row(row) for row in batch]
                except InvalidInput as err:
                    raise StorageError(f"数据库中的服务记录无效；a stored record is invalid: {err}") from err
                for record in built:
                    if tx.closed:
                        raise StorageError(
                            "事务已结束，记录流不能继续读取；the transaction of this record stream has ended"
                        )
                    yield record
        finally:
            tx.streams.discard(result)
            with suppress(sa.exc.SQLAlchemyError):
                result.close()

    def for_member(self, member_id: str, year: int) -> list[ServiceRecord]:
        if not isinstance(member_id, str) or not _is_year(year):
            return []
        r = s.records
        return self._load(
            "member_year",
            {"member_id": member_id, **_year(year)},
            lambda: sa.and_(r.c.member_id == sa.bindparam("member_id"), _in_year(r.c.on)),
            _by_on_then_id,
        )

    def by_idempotency_key(self, key: str) -> ServiceRecord | None:
        if not isinstance(key, str):
            return None
        found = self._load(
            "idempotency_key", {"key": key}, lambda: s.records.c.idempotency_key == sa.bindparam("key")
        )
        return found[0] if found else None

    def reversal_of(self, record_id: str) -> ServiceRecord | None:
        if not isinstance(record_id, str):
            return None
        found = self._load("reverses", {"reverses": record_id}, _reversal_of)
        return found[0] if found else None

    # -- bulk forms (see ports.RecordRepository): one statement per chunk instead of one per item

    def by_idempotency_keys(self, keys: Iterable[str]) -> dict[str, ServiceRecord]:
        """The records of these keys: one ``idempotency_key IN (…)`` query per chunk of keys."""
        tx = self._tx
        spec = self.spec
        found: dict[str, ServiceRecord] = {}
        with tx.io("read records") as conn, _unprepared(conn):
            for chunk in _chunks(_distinct_ids(keys, tx.postgres)):
                for row in conn.execute(_BY_KEYS, {"keys": chunk}).mappings():
                    try:
                        found[row["idempotency_key"]] = spec.from_row(row)
                    except InvalidInput as err:
                        raise StorageError(
                            f"数据库中的服务记录无效；a stored record is invalid: {err}"
                        ) from err
        return found

    def for_members(self, member_ids: Iterable[str], year: int) -> dict[str, list[ServiceRecord]]:
        """The members' records of the year: one ``member_id IN (…)`` query per chunk of ids."""
        found: dict[str, list[ServiceRecord]] = {m: [] for m in member_ids}
        if not _is_year(year):
            return found
        r = s.records
        tx = self._tx
        with _unprepared(tx.conn):
            for chunk in _chunks(_distinct_ids(found, tx.postgres)):
                records = self._load(
                    "members_year",
                    {"ids": chunk, **_year(year)},
                    lambda: sa.and_(_ids_in(r.c.member_id), _in_year(r.c.on)),
                    _by_on_then_id,
                )
                for record in records:  # by on, then id: each member's list keeps that order
                    found[record.member_id].append(record)
        return found

    def add_many(self, entries: Sequence[tuple[ServiceRecord, str | None]]) -> list[ServiceRecord]:
        """Append the records with one ``executemany`` INSERT inside a savepoint. When it fails (a
        duplicate, a dangling reference, a value the database cannot hold), the savepoint is rolled back
        and the entries are added again one by one through :meth:`add`, so that the error raised is
        exactly the one ``add`` gives for the first refused entry."""
        entries = builtins.list(entries)
        spec = self.spec
        rows: builtins.list[dict[str, Any]] = []
        for record, key in entries:
            if (
                not isinstance(record, ServiceRecord)
                or (key is not None and not isinstance(key, str))
                or any(
                    target == "records" and value == record.id for _, target, value in spec.references(record)
                )
            ):
                return super().add_many(entries)  # refused before any insert: add's own checks decide
            row = spec.to_row(record)
            row["idempotency_key"] = key
            rows.append(row)
        if len(rows) <= 1:
            return super().add_many(entries)
        tx = self._tx
        with tx.io("add service records") as conn:
            savepoint = conn.begin_nested()
            try:
                conn.execute(_statement("insert", spec.table), rows)
            except (sa.exc.IntegrityError, sa.exc.DataError, OverflowError):
                savepoint.rollback()
                failed = True
            except BaseException:
                if savepoint.is_active:
                    with suppress(sa.exc.SQLAlchemyError):
                        savepoint.rollback()
                raise
            else:
                savepoint.commit()
                failed = False
        if failed:  # one by one: the first refused entry raises what add raises for it
            return super().add_many(entries)
        return [record for record, _ in entries]


class _Wishes(_Repo[Wish], WishRepository):
    name = "wishes"

    def with_status(self, status: WishStatus) -> list[Wish]:
        return self._load(
            "status",
            {"status": WishStatus(status).value},
            lambda: s.wishes.c.status == sa.bindparam("status"),
        )


class _Demands(_Repo[Demand], DemandRepository):
    name = "demands"


class _Plans(_Repo[BranchPlan], PlanRepository):
    name = "plans"

    def for_branch(self, branch_id: str, year: int) -> list[BranchPlan]:
        if not isinstance(branch_id, str) or not _is_year(year):
            return []
        p = s.plans
        return self._load(
            "branch_year",
            {"branch_id": branch_id, "year": year},
            lambda: sa.and_(p.c.branch_id == sa.bindparam("branch_id"), p.c.year == sa.bindparam("year")),
            lambda: (p.c.submitted_on, p.c.id),
        )


class _Reports(_Repo[HalfYearReport], ReportRepository):
    name = "reports"

    def for_branch(self, branch_id: str, year: int) -> list[HalfYearReport]:
        if not isinstance(branch_id, str) or not _is_year(year):
            return []
        r = s.reports
        return self._load(
            "branch_year",
            {"branch_id": branch_id, "year": year},
            lambda: sa.and_(r.c.branch_id == sa.bindparam("branch_id"), r.c.year == sa.bindparam("year")),
            lambda: (r.c.half, r.c.submitted_on, r.c.id),
        )


_IS_LOCKED = sa.select(sa.literal(1)).where(
    s.locks.c.branch_id == sa.bindparam("branch_id"), s.locks.c.year == sa.bindparam("year")
)
_LOCK = {
    "postgresql": pg_dialect.insert(s.locks).on_conflict_do_nothing(),
    "sqlite": sqlite_dialect.insert(s.locks).on_conflict_do_nothing(),
}


class _Locks(LockRepository):
    def __init__(self, uow: SqlUnitOfWork) -> None:
        self._uow = uow

    def is_locked(self, branch_id: str, year: int) -> bool:
        if not isinstance(branch_id, str) or not _is_year(year):
            return False
        tx = self._uow._transaction()
        if tx.postgres and _has_nul({"branch_id": branch_id}):
            return False
        with tx.io("read locks") as conn:
            found = conn.execute(_IS_LOCKED, {"branch_id": branch_id, "year": year}).first()
        return found is not None

    def lock(self, branch_id: str, year: int) -> None:
        if not isinstance(branch_id, str) or not branch_id:
            raise InvalidInput(
                "branch_id", branch_id, code="input.type", message_en="must be an id", message_zh="须为编号"
            )
        if not _is_year(year):
            raise InvalidInput(
                "year", year, code="input.type", message_en="must be a year", message_zh="须为年份"
            )
        tx = self._uow._transaction()
        with tx.io("lock a year") as conn:
            conn.execute(_LOCK[conn.dialect.name], {"branch_id": branch_id, "year": year})

    def list(self) -> list[tuple[str, int]]:
        t = s.locks
        with self._uow._transaction().io("read locks") as conn:
            rows = conn.execute(sa.select(t.c.branch_id, t.c.year).order_by(t.c.branch_id, t.c.year)).all()
        return [(row[0], int(row[1])) for row in rows]


#: Engines whose schema version was found right (checked once per engine, at its first transaction).
_CHECKED_ENGINES: weakref.WeakSet[sa.Engine] = weakref.WeakSet()


class SqlUnitOfWork(UnitOfWork):
    """A unit of work on a SQL database: SQLite (a file, the embedded default) or PostgreSQL.

    ``url_or_engine`` is a URL (``"sqlite:///volunteer.db"``, ``"postgresql+psycopg://user@host/db"``;
    ``"postgresql://"`` means psycopg 3) or an :class:`sqlalchemy.Engine` shared by many units of work
    (each takes its own connection from the engine's pool for each transaction). The schema must exist:
    see :func:`~volunteer_core.storage.sql.create_schema`. ``chunk_size`` is how many rows
    ``records.in_year`` fetches at a time.

    Every ``with uow:`` is one transaction — ``BEGIN IMMEDIATE`` on SQLite (writers queue, up to a busy
    timeout), ``SERIALIZABLE`` on PostgreSQL — committed by :meth:`commit`, rolled back otherwise.
    A lost race (serialization failure, deadlock, locked database) raises ``ConcurrencyConflict``; after
    one, the transaction can only be rolled back. One object per thread.
    """

    def __init__(self, url_or_engine: EngineLike, *, chunk_size: int = 1000) -> None:
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise InvalidInput(
                "chunk_size", chunk_size, message_en="must be an integer ≥ 1", message_zh="须为正整数"
            )
        #: the SQLAlchemy engine this unit of work draws its connections from
        self.engine = resolve_engine(url_or_engine)
        self.chunk_size = chunk_size
        self._tx: _Transaction | None = None
        self.branches = _Branches(self)
        self.members = _Members(self)
        self.teams = _Teams(self)
        self.beneficiaries = _Beneficiaries(self)
        self.units = _Units(self)
        self.pairings = _Pairings(self)
        self.activities = _Activities(self)
        self.records = _Records(self)
        self.wishes = _Wishes(self)
        self.demands = _Demands(self)
        self.plans = _Plans(self)
        self.reports = _Reports(self)
        self.locks = _Locks(self)

    def __repr__(self) -> str:
        return f"SqlUnitOfWork({self.engine.url.render_as_string(hide_password=True)!r})"

    def _transaction(self) -> _Transaction:
        if self._tx is None:
            raise StorageError("no open transaction: use `with uow:`（请在 with uow: 块内使用）")
        return self._tx

    def begin(self) -> None:
        """Start a transaction; ``StorageError`` when one is already open on this object."""
        if self._tx is not None:
            raise StorageError("a transaction is already open on this unit of work（事务已打开）")
        tx = _Transaction(self.engine)
        if self.engine not in _CHECKED_ENGINES:
            try:
                self._check_schema(tx)
            except BaseException:
                tx.finish(commit=False)
                raise
            _CHECKED_ENGINES.add(self.engine)
        self._tx = tx

    @staticmethod
    def _check_schema(tx: _Transaction) -> None:
        table = s.schema_version
        try:  # on failure the transaction is discarded: no savepoint needed
            stored = tx.conn.execute(sa.select(table.c.version).where(table.c.id == 1)).scalar()
        except (sa.exc.OperationalError, sa.exc.ProgrammingError) as err:
            if "schema_version" not in str(err.orig):
                raise translate(err, "read the schema version") from err
            stored = None
        except sa.exc.SQLAlchemyError as err:
            raise translate(err, "read the schema version") from err
        s.check_version(None if stored is None else int(stored))

    def commit(self) -> None:
        """Make every write of this transaction durable and visible to others, atomically; a
        serialization failure at commit raises ``ConcurrencyConflict`` (nothing is stored)."""
        tx = self._transaction()
        self._tx = None
        tx.finish(commit=True)

    def rollback(self) -> None:
        """Discard every write not yet committed; harmless after a commit or when nothing is open."""
        tx, self._tx = self._tx, None
        if tx is not None:
            tx.finish(commit=False)

    def member_year_totals(self, year: int, *, as_of: date | None = None) -> dict[str, MemberTotals]:
        """The per-member aggregates of the year computed in the database: two ``GROUP BY`` statements
        instead of streaming every record (see :meth:`volunteer_core.ports.UnitOfWork.member_year_totals`)."""
        year, as_of = _check_year(year), _check_as_of(as_of)
        tx = self._transaction()
        with tx.io("aggregate the year's records") as conn:
            return _totals.member_year_totals(conn, year, as_of)
