"""The repository of the SQL storage: what every aggregate's repository does (get, add, update, list and
the bulk read), and the repositories whose ports add queries of their own (except the ledger's, in
``_records.py``)."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs
import sqlalchemy as sa

from volunteer_core.aggregates import Aggregate
from volunteer_core.compliance import valid_branch_ids
from volunteer_core.errors import (
    ConcurrencyConflict,
    InvalidInput,
    NotFound,
    RuleViolation,
    StorageError,
    VolunteerError,
)
from volunteer_core.model import (
    Activity,
    BranchPlan,
    HalfYearReport,
    Member,
    Pairing,
    Wish,
    WishStatus,
)
from volunteer_core.ports import (
    ActivityRepository,
    MemberRepository,
    PairingRepository,
    PlanRepository,
    ReportRepository,
    WishRepository,
)
from volunteer_core.storage.sql import _schema as s
from volunteer_core.storage.sql._errors import constraint_refusal, integrity_info, ledger_violation, translate
from volunteer_core.storage.sql._keys import KeyStore, check_key, duplicate_key
from volunteer_core.storage.sql._mapping import REUSED, SPECS, Spec, built_again, built_nested
from volunteer_core.storage.sql._queries import (
    PREPARED_EXISTS,
    Where,
    any_of,
    child_rows_of_one,
    chunks,
    distinct_ids,
    has_nul,
    ids_in,
    is_year,
    prepared,
    statement,
    unprepared,
    within_year,
    year_params,
)
from volunteer_core.storage.sql._transaction import Transaction

if TYPE_CHECKING:
    from volunteer_core.storage.sql._uow import SqlUnitOfWork

T = TypeVar("T")


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


class Repo(Generic[T]):
    """The operations every repository has, for the entities of one :class:`Spec`."""

    #: where the repository keeps idempotency keys (None: it takes none)
    keys: KeyStore | None = None

    def __init__(self, uow: SqlUnitOfWork, aggregate: Aggregate) -> None:
        self._uow = uow
        self.spec: Spec = SPECS[aggregate.name]

    @property
    def _tx(self) -> Transaction:
        return self._uow._transaction()

    # -- reading ------------------------------------------------------------------------------

    def _load(
        self,
        name: str,
        params: dict[str, Any],
        where: Callable[[], Where] | None = None,
        order: Callable[[], tuple[sa.ColumnElement[Any], ...]] | None = None,
        *,
        by_id: bool = False,
    ) -> builtins.list[T]:
        """The entities of the prepared query ``name`` (built once from ``where``, with bound parameters,
        ordered by ``order`` — default: by id), children included: one query per table, whatever the
        number of entities. ``by_id`` (a read of entities named by id): on PostgreSQL, an aggregate whose
        children are all sets is read in one statement, each child's values an array in its owner's row
        (the same rows read; ``record_services`` reads a batch's activities this way)."""
        spec = self.spec
        query = prepared(spec, name, where, order)
        tx = self._tx
        if tx.postgres and has_nul(params):
            return []  # PostgreSQL stores no NUL character: nothing can match
        if by_id and tx.postgres and query.nested is not None:
            with tx.io(f"read {spec.name}") as conn:
                nested_rows = conn.execute(query.nested, params).all()
            with self._stored_rows():
                return built_nested(spec, nested_rows, self._uow.built if spec.name in REUSED else None)
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
                        conn.execute(child_rows_of_one(spec, child), {"parent": rows[0]["id"]})
                        .mappings()
                        .all()
                    )
                else:
                    child_rows = conn.execute(of_many, params).mappings().all()
                groups: dict[str, list[sa.RowMapping]] = {}
                for child_row in child_rows:
                    groups.setdefault(child_row[child.parent], []).append(child_row)
                grouped[child.field] = groups
        with self._stored_rows():
            if spec.name in REUSED:
                return built_again(spec, rows, grouped, self._uow.built)
            return [
                spec.from_row(
                    row, {c.field: c.build(grouped[c.field].get(row["id"], ())) for c in spec.children}
                )
                for row in rows
            ]

    @contextmanager
    def _stored_rows(self) -> Iterator[None]:
        """Building entities from stored rows: a row the entity refuses is ``StorageError``."""
        try:
            yield
        except InvalidInput as err:
            kind = self.spec.kind
            raise StorageError(f"数据库中的{kind}数据无效；a stored {kind} row is invalid: {err}") from err

    def get(self, entity_id: str) -> T:
        """The stored entity with this id; ``NotFound`` when there is none."""
        if isinstance(entity_id, str):
            table = self.spec.table
            found = self._load("id", {"id": entity_id}, lambda: table.c.id == sa.bindparam("id"), by_id=True)
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
        with unprepared(tx.conn):
            for chunk in chunks(distinct_ids(entity_ids, tx.postgres)):
                for entity in self._load("ids", {"ids": chunk}, lambda: any_of(table.c.id), by_id=True):
                    found[entity.id] = entity  # type: ignore[attr-defined]
        return found

    def _exists(self, table: sa.Table, column: str, value: Any) -> bool:
        query = PREPARED_EXISTS.get((table.name, column))
        if query is None:
            query = sa.select(sa.literal(1)).select_from(table).where(table.c[column] == sa.bindparam("v"))
            query = PREPARED_EXISTS[table.name, column] = query.limit(1)
        tx = self._tx
        if tx.postgres and has_nul({"v": value}):
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
                conn.execute(statement("delete", child.table, child.parent), {"parent": entity.id})
            rows = child.to_rows(getattr(entity, child.field))
            if rows:
                conn.execute(
                    statement("insert", child.table), [{child.parent: entity.id, **row} for row in rows]
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
            separate_key = (
                idempotency_key is not None
                and self.keys is not None
                and self.keys.table is not self.spec.table
            )
            needed = (
                tx.aborts_on_error or bool(self.spec.children) or naming_itself is not None or separate_key
            )
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
        """Why the write failed — in the reference implementation's order: the idempotency key, the id,
        the repository's rules (:meth:`_rule_refusal`: the ledger's), then each reference. The failed
        statement decided; these look-ups only explain it."""
        spec = self.spec
        keys = self.keys
        first = self._refusal(entity, adding=adding, idempotency_key=idempotency_key)
        if first is None:
            first = self._rule_refusal(entity, adding=adding)
        if first is not None:
            return first
        references = list(spec.references(entity))
        for path, target, value in references:
            if not self._exists(SPECS[target].table, "id", value):
                return self._dangling(path, target, value)
        info = integrity_info(err)
        name = info.name or ""
        if info.kind == "ledger":  # a trigger's refusal that the rows read here do not explain better
            return RuleViolation(ledger_violation(name, entity.id))
        if info.kind == "unique":
            field = next((f for f in ("idempotency_key", "reverses") if name.endswith(f)), "id")
            if keys is not None and keys.table is not spec.table and info.table == keys.table.name:
                field = "idempotency_key"
            duplicate = idempotency_key if field == "idempotency_key" else getattr(entity, field)
            if field == "reverses" and self._exists(spec.table, "reverses", duplicate):
                return RuleViolation(ledger_violation("ledger.already_reversed", entity.id))
            if field != "id":  # taken, yet not visible in this transaction: a concurrent one took it
                return self._lost_race(field, duplicate)
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
            return constraint_refusal(info.kind, field, getattr(entity, field, None))
        return translate(err, f"store a {spec.kind}")

    def _refusal(self, entity: Any, *, adding: bool, idempotency_key: str | None) -> VolunteerError | None:
        """What the reference refuses first: an idempotency key already stored (:meth:`_key_refusal`),
        then, when adding, an id already stored."""
        keys = self.keys
        if (
            idempotency_key is not None
            and keys is not None
            and self._exists(keys.table, keys.column, idempotency_key)
        ):
            return self._key_refusal(entity, idempotency_key)
        if adding and self._exists(self.spec.table, "id", entity.id):
            return self._duplicate("id", entity.id)
        return None

    def _key_refusal(self, entity: Any, key: str) -> VolunteerError:
        """The refusal of ``entity`` with an idempotency key already stored."""
        return duplicate_key(key)

    def _rule_refusal(self, entity: Any, *, adding: bool) -> VolunteerError | None:
        """A rule of the aggregate that refuses the write, checked after the id and before the
        references (none by default; the ledger's for records)."""
        return None

    def _lost_race(self, field: str, value: Any) -> ConcurrencyConflict:
        """A unique ``field`` taken by a transaction this one cannot see: the transaction lost a race
        (it can only be rolled back; a retry sees the winner)."""
        conflict = ConcurrencyConflict(
            f"{field} {value!r} 已被并发事务占用，请重试；a concurrent transaction stored {field} {value!r} "
            "first: retry"
        )
        self._tx.doomed = conflict
        return conflict

    def _duplicate(self, field: str, value: Any) -> InvalidInput:
        kind = self.spec.kind
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
        keys = self.keys
        key_row: dict[str, Any] | None = None
        if idempotency_key is not None and keys is not None:
            if keys.table is self.spec.table:
                row[keys.column] = idempotency_key
            else:
                key_row = {keys.column: idempotency_key, keys.owner: entity.id}

        def statements(conn: sa.Connection) -> None:
            conn.execute(statement("insert", self.spec.table), row)
            self._children(conn, entity, replace=False)
            if key_row is not None and keys is not None:
                conn.execute(statement("insert", keys.table), key_row)

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
            result = conn.execute(statement("update", table), row)
            if result.rowcount == 0:
                return
            matched = True
            self._children(conn, current, replace=True)

        self._write(current, statements, adding=False)
        if not matched:
            with self._tx.io(f"read {self.spec.name}") as conn:
                stored = conn.execute(statement("version", table), {"_id": current.id}).scalar()
            if stored is None:
                raise NotFound(self.spec.kind, current.id)
            kind = self.spec.kind
            raise ConcurrencyConflict(
                f"{kind} {current.id!r} 已被修改（存储版本 {stored}，提交版本 {current.version}）；"
                f"{kind} {current.id!r} changed meanwhile: stored version {stored}, given {current.version}"
            )
        return attrs.evolve(current, version=current.version + 1)  # type: ignore[no-any-return]


#: How many branch ids one ``members.branch_id IN (…)`` of ``members.in_branches`` binds.
BRANCH_IDS_CHUNK = 1000


class Members(Repo[Member], MemberRepository):
    def in_branch(self, branch_id: str) -> list[Member]:
        if not isinstance(branch_id, str):
            return []
        return self._load(
            "branch", {"branch_id": branch_id}, lambda: s.members.c.branch_id == sa.bindparam("branch_id")
        )

    def in_branches(self, branch_ids: Iterable[str]) -> list[Member]:
        """One ``branch_id IN (…)`` query per :data:`BRANCH_IDS_CHUNK` branch ids (and one per child
        table), whatever the number of branches."""
        tx = self._tx
        wanted = sorted(valid_branch_ids(branch_ids))
        found: dict[str, Member] = {}
        with unprepared(tx.conn):
            for chunk in chunks(distinct_ids(wanted, tx.postgres), BRANCH_IDS_CHUNK):
                for member in self._load("branches", {"ids": chunk}, lambda: ids_in(s.members.c.branch_id)):
                    found[member.id] = member
        return [found[key] for key in sorted(found)]


class Pairings(Repo[Pairing], PairingRepository):
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


class Activities(Repo[Activity], ActivityRepository):
    def in_year(self, year: int) -> list[Activity]:
        if not is_year(year):
            return []
        return self._load("year", year_params(year), lambda: within_year(s.activities.c.on))


class Wishes(Repo[Wish], WishRepository):
    keys = KeyStore(s.wish_keys, "key", "wish_id")

    def add(self, entity: Wish, *, idempotency_key: str | None = None) -> Wish:
        """Store a new wish, with its idempotency key when given (the key's row in the same savepoint)."""
        self._check_type(entity)
        check_key(idempotency_key)
        self._insert(entity, idempotency_key=idempotency_key)
        return entity

    def by_idempotency_key(self, key: str) -> Wish | None:
        if not isinstance(key, str):
            return None
        k = s.wish_keys
        found = self._load(
            "idempotency_key",
            {"key": key},
            lambda: (
                s.wishes.c.id
                == sa.select(k.c.wish_id).where(k.c.key == sa.bindparam("key")).scalar_subquery()
            ),
        )
        return found[0] if found else None

    def with_status(self, status: WishStatus) -> list[Wish]:
        return self._load(
            "status",
            {"status": WishStatus(status).value},
            lambda: s.wishes.c.status == sa.bindparam("status"),
        )


class Plans(Repo[BranchPlan], PlanRepository):
    def for_branch(self, branch_id: str, year: int) -> list[BranchPlan]:
        if not isinstance(branch_id, str) or not is_year(year):
            return []
        p = s.plans
        return self._load(
            "branch_year",
            {"branch_id": branch_id, "year": year},
            lambda: sa.and_(p.c.branch_id == sa.bindparam("branch_id"), p.c.year == sa.bindparam("year")),
            lambda: (p.c.submitted_on, p.c.id),
        )


class Reports(Repo[HalfYearReport], ReportRepository):
    def for_branch(self, branch_id: str, year: int) -> list[HalfYearReport]:
        if not isinstance(branch_id, str) or not is_year(year):
            return []
        r = s.reports
        return self._load(
            "branch_year",
            {"branch_id": branch_id, "year": year},
            lambda: sa.and_(r.c.branch_id == sa.bindparam("branch_id"), r.c.year == sa.bindparam("year")),
            lambda: (r.c.half, r.c.submitted_on, r.c.id),
        )
