"""The schema's version: :func:`create_schema` creates the schema of a new database and migrates an older
one in place to :data:`SCHEMA_VERSION`.

The versions:

1. the first schema;
2. the ledger held by the database (``_triggers.py``: no UPDATE of a record's booked columns or of a
   decided record, no DELETE, nothing of a locked (branch, year), reversals that mirror their original),
   the idempotency keys of wishes (table ``wish_keys``) and the national volunteer number
   (``members.volunteer_no``);
3. activities with several organising branches and a span (table ``activity_branches``, filled with each
   stored activity's lead; ``activities.until`` with its CHECK ``ck_activities_until``) and the day a
   member registered with the time bank (``members.registered_on``);
4. the organisation tree, supporters and qualifications (tables ``organisations``, ``supporters``,
   ``qualifications``, ``activity_requires``, ``activity_grants``); ``branches.organisation_id`` (a foreign
   key to ``organisations``), ``members.insured_until``, ``activities.grants_valid_months`` (with its
   CHECK); the referral of a wish (``wishes.referred_to``, ``referred_on``, ``referral_outcome``, and
   ``ck_wishes_status`` accepting ``'referred'``); a claim by a supporter (``wish_claims.member_id``
   nullable, ``wish_claims.supporter_id`` and the CHECK ``ck_wish_claims_claimant``: exactly one of the
   two). PostgreSQL alters the tables in place; SQLite, which cannot alter a CHECK or a NOT NULL, rebuilds
   ``wishes``, ``wish_keys`` and ``wish_claims`` (:func:`_rebuild_on_sqlite`).

The layout is not a version: a PostgreSQL database created with ``partitions=N`` (``_partitions.py``)
has the same tables and columns, ``members`` and ``records`` hash-partitioned by member, plus the table
``record_keys``. The layout is read from PostgreSQL's catalogue, not recorded in ``schema_version``: the
catalogue cannot disagree with the tables.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa

from volunteer_core.errors import StorageError
from volunteer_core.storage.sql import _schema as s
from volunteer_core.storage.sql._dialects import dialect_of, mysql_ddl
from volunteer_core.storage.sql._engine import EngineLike, resolve_engine, transaction
from volunteer_core.storage.sql._partitions import (
    check_layout,
    check_partitions,
    create_partitioned,
    stored_partitions,
)
from volunteer_core.storage.sql._triggers import install_ledger_triggers

__all__ = ["SCHEMA_VERSION", "check_version", "create_schema"]

#: The schema version this code writes and reads; ``create_schema`` migrates an older database to it
#: and refuses a newer one.
SCHEMA_VERSION = 4


def _stored_version(conn: sa.Connection) -> int | None:
    """The version recorded in the database, or None for a database without our schema."""
    if not sa.inspect(conn).has_table(s.schema_version.name):
        return None
    found = conn.execute(sa.select(s.schema_version.c.version).where(s.schema_version.c.id == 1)).scalar()
    return None if found is None else int(found)


def check_version(stored: int | None) -> None:
    """Raise ``StorageError`` unless ``stored`` is this code's :data:`SCHEMA_VERSION`, saying what to do.

    >>> check_version(SCHEMA_VERSION)
    >>> check_version(1)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.StorageError: 数据库结构版本 1 过旧，请运行一次 create_schema() 就地迁移（数据保留）；...
    """
    if stored is None:
        raise StorageError(
            "数据库尚未建表，请先调用 create_schema(); the database has no volunteer_core schema: "
            "call volunteer_core.storage.sql.create_schema(url_or_engine) first"
        )
    if stored > SCHEMA_VERSION:
        raise StorageError(
            f"数据库结构版本 {stored} 高于本程序支持的 {SCHEMA_VERSION}，请升级 volunteer-core；"
            f"the database schema is version {stored}, newer than this code's {SCHEMA_VERSION}: "
            "upgrade volunteer-core"
        )
    if stored < SCHEMA_VERSION:
        raise StorageError(
            f"数据库结构版本 {stored} 过旧，请运行一次 create_schema() 就地迁移（数据保留）；"
            f"the database schema is version {stored}, older than this code's {SCHEMA_VERSION}: run "
            "volunteer_core.storage.sql.create_schema(url_or_engine) once to migrate it in place "
            "(the data is kept)"
        )


def _columns(conn: sa.Connection, table: sa.Table) -> set[str]:
    return {column["name"] for column in sa.inspect(conn).get_columns(table.name)}


def _add_column(conn: sa.Connection, column: sa.Column[object]) -> None:
    """Add a nullable column of this code's schema to its table, unless the table has it."""
    table = column.table
    if column.name in _columns(conn, table):
        return
    preparer = conn.dialect.identifier_preparer
    kind = column.type.compile(dialect=conn.dialect)
    conn.exec_driver_sql(
        f"ALTER TABLE {preparer.format_table(table)} ADD COLUMN {preparer.format_column(column)} {kind}"
    )


def _add_checked_column(conn: sa.Connection, column: sa.Column[object], check: sa.CheckConstraint) -> None:
    """Add a nullable column with its named CHECK (``check``, a constraint of the same table), unless the
    table has the column: one ``ALTER TABLE`` on SQLite (a column constraint, which SQLite stores as
    part of the table), a column and a table constraint on PostgreSQL."""
    table = column.table
    if column.name in _columns(conn, table):
        return
    preparer = conn.dialect.identifier_preparer
    kind = column.type.compile(dialect=conn.dialect)
    name = preparer.quote(str(check.name))
    condition = str(check.sqltext)
    target = preparer.format_table(table)
    added = f"ADD COLUMN {preparer.format_column(column)} {kind}"
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(f"ALTER TABLE {target} {added} CONSTRAINT {name} CHECK ({condition})")
    else:
        conn.exec_driver_sql(f"ALTER TABLE {target} {added}, ADD CONSTRAINT {name} CHECK ({condition})")


def _check_of(table: sa.Table, name: str) -> sa.CheckConstraint:
    return next(
        c
        for c in table.constraints
        if isinstance(c, sa.CheckConstraint) and str(c.name) == f"ck_{table.name}_{name}"
    )


def _to_3(conn: sa.Connection) -> None:
    """Version 2 → 3: ``activity_branches`` (each stored activity's lead), ``activities.until``,
    ``members.registered_on``."""
    if not sa.inspect(conn).has_table(s.activity_branches.name):
        s.activity_branches.create(conn)
        ab, a = s.activity_branches, s.activities
        conn.execute(
            sa.insert(ab).from_select(["activity_id", "branch_id"], sa.select(a.c.id, a.c.branch_id))
        )
    _add_checked_column(conn, s.activities.c.until, _check_of(s.activities, "until"))
    _add_column(conn, s.members.c.registered_on)
    install_ledger_triggers(conn)  # version 3's triggers also refuse a reversal of an unconfirmed record


def _add_reference(conn: sa.Connection, column: sa.Column[object]) -> None:
    """Add a nullable column with its named foreign key, unless the table has the column: on SQLite a
    column constraint (``ADD COLUMN … CONSTRAINT fk_… REFERENCES …``, allowed for a column whose default is
    NULL), on PostgreSQL a column and a table constraint."""
    table = column.table
    if column.name in _columns(conn, table):
        return
    preparer = conn.dialect.identifier_preparer
    key = next(iter(column.foreign_keys))
    name = preparer.quote(str(key.constraint.name))  # type: ignore[union-attr]
    target = f"{preparer.format_table(key.column.table)} ({preparer.format_column(key.column)})"
    added = f"ADD COLUMN {preparer.format_column(column)} {column.type.compile(dialect=conn.dialect)}"
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(
            f"ALTER TABLE {preparer.format_table(table)} {added} CONSTRAINT {name} REFERENCES {target}"
        )
    else:
        conn.exec_driver_sql(
            f"ALTER TABLE {preparer.format_table(table)} {added}, "
            f"ADD CONSTRAINT {name} FOREIGN KEY ({preparer.format_column(column)}) REFERENCES {target}"
        )


#: The tables version 4 changes beyond new columns (a CHECK, a NOT NULL), in dependency order: SQLite
#: rebuilds them together — every table whose foreign key names one of them is among them.
_REBUILT = (s.wishes, s.wish_keys, s.wish_claims)


def _rebuild_on_sqlite(conn: sa.Connection, tables: tuple[sa.Table, ...]) -> None:
    """Rebuild ``tables`` as this code's schema declares them, keeping every row, inside the caller's
    transaction: rename the old tables (``<name>_v3``; SQLite points their foreign keys at each other's
    new names), drop their indexes (they keep their names), create the new tables with their indexes,
    copy the columns both have in dependency order (a new column takes its default), and drop the old
    tables children first (nothing else references them: no cascade reaches the copied rows)."""
    old = {table.name: f"{table.name}_v3" for table in tables}
    for table in tables:
        conn.exec_driver_sql(f'ALTER TABLE "{table.name}" RENAME TO "{old[table.name]}"')
    indexes = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN "
        f"({', '.join(repr(name) for name in old.values())})"
    ).scalars()
    for index in list(indexes):
        conn.exec_driver_sql(f'DROP INDEX "{index}"')
    for table in tables:
        table.create(conn)
    for table in tables:
        there = _columns_of(conn, old[table.name])
        kept = ", ".join(f'"{column.name}"' for column in table.columns if column.name in there)
        conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({kept}) SELECT {kept} FROM "{old[table.name]}"')
    for table in reversed(tables):
        conn.exec_driver_sql(f'DROP TABLE "{old[table.name]}"')


def _columns_of(conn: sa.Connection, name: str) -> set[str]:
    return {column["name"] for column in sa.inspect(conn).get_columns(name)}


def _alter_on_postgres(conn: sa.Connection) -> None:
    """Version 4's changes of ``wishes`` and ``wish_claims`` in place (``ALTER TABLE``)."""
    w, c = s.wishes, s.wish_claims
    if "referred_to" not in _columns(conn, w):
        status = _check_of(w, "status")
        conn.exec_driver_sql(
            "ALTER TABLE wishes ADD COLUMN referred_to TEXT NOT NULL DEFAULT '', "
            "ADD COLUMN referred_on DATE, ADD COLUMN referral_outcome TEXT NOT NULL DEFAULT '', "
            f"DROP CONSTRAINT {status.name}, ADD CONSTRAINT {status.name} CHECK ({status.sqltext})"
        )
    if "supporter_id" not in _columns(conn, c):
        claimant = _check_of(c, "claimant")
        conn.exec_driver_sql("ALTER TABLE wish_claims ALTER COLUMN member_id DROP NOT NULL")
        _add_reference(conn, c.c.supporter_id)
        conn.exec_driver_sql(
            f"ALTER TABLE wish_claims ADD CONSTRAINT {claimant.name} CHECK ({claimant.sqltext})"
        )


def _to_4(conn: sa.Connection) -> None:
    """Version 3 → 4: the organisation tree, supporters and qualifications; the new columns of branches,
    members, activities and wishes; claims by supporters (see the module docstring)."""
    for table in (s.organisations, s.supporters, s.qualifications, s.activity_requires, s.activity_grants):
        table.create(conn, checkfirst=True)
    _add_reference(conn, s.branches.c.organisation_id)
    for index in s.branches.indexes:
        index.create(conn, checkfirst=True)
    _add_column(conn, s.members.c.insured_until)
    _add_checked_column(
        conn, s.activities.c.grants_valid_months, _check_of(s.activities, "grants_valid_months")
    )
    if conn.dialect.name == "sqlite":
        if "supporter_id" not in _columns(conn, s.wish_claims):
            _rebuild_on_sqlite(conn, _REBUILT)
    else:
        _alter_on_postgres(conn)


def _to_2(conn: sa.Connection) -> None:
    """Version 1 → 2: the ledger's triggers, ``wish_keys``, ``members.volunteer_no``."""
    s.wish_keys.create(conn, checkfirst=True)
    _add_column(conn, s.members.c.volunteer_no)
    install_ledger_triggers(conn)


#: version → the step that takes a database of the version before it there
_STEPS: dict[int, Callable[[sa.Connection], None]] = {2: _to_2, 3: _to_3, 4: _to_4}


def create_schema(url_or_engine: EngineLike, *, partitions: int | None = None) -> sa.Engine:
    """Create the tables, constraints, indexes and triggers of a new database, or migrate an existing
    database in place to this code's :data:`SCHEMA_VERSION`; return the engine used.

    ``url_or_engine`` is a database URL (``"sqlite:///volunteer.db"``,
    ``"postgresql+psycopg://user@host/db"``) or an :class:`sqlalchemy.Engine`. It is idempotent: on a
    database that already has this version it changes nothing; on one of an older version (a
    :class:`~volunteer_core.storage.sql.SqlUnitOfWork` refuses it, saying to run this) it runs each
    migration step in turn and keeps every row. A database whose recorded version is newer than this
    code's is refused with ``StorageError`` and left untouched. Everything happens in one transaction: a
    step that fails leaves the database as it was.

    ``partitions=N`` (PostgreSQL only, 2 ≤ N ≤ 1024) lays a new database out hash-partitioned by member:
    ``members`` and ``records`` in ``N`` partitions each, the shape a distributed PostgreSQL spreads
    over its workers (``_partitions.py``; docs/national-scale.md). ``InvalidInput`` at ``partitions``
    for another database (SQLite), a number out of range, or an existing database laid out otherwise
    (it is never re-partitioned); ``None`` keeps an existing database's layout and creates a new one
    unpartitioned.

    >>> engine = create_schema("sqlite://")
    >>> engine is create_schema(engine)
    True
    """
    engine = resolve_engine(url_or_engine)
    family = dialect_of(engine).family
    wanted = check_partitions(partitions, family)
    with transaction(engine, "create or migrate the schema") as conn:
        if family == "postgresql":
            # serialise concurrent create_schema calls on one database
            conn.execute(sa.text("SELECT pg_advisory_xact_lock(7212026)"))
        if family == "mysql":
            with mysql_ddl(conn):
                _create_or_migrate(conn, wanted)
        else:
            _create_or_migrate(conn, wanted)
    return engine


def _create_or_migrate(conn: sa.Connection, wanted: int | None) -> None:
    """Create the schema of a new database (hash-partitioned in ``wanted`` partitions, when given), or
    migrate an older one, inside the caller's transaction."""
    stored = _stored_version(conn)
    if stored is not None and stored > SCHEMA_VERSION:
        check_version(stored)
    if stored is None:
        if wanted is None:
            s.metadata.create_all(conn, checkfirst=True)
            install_ledger_triggers(conn)
        else:
            create_partitioned(conn, wanted)
        conn.execute(sa.insert(s.schema_version).values(id=1, version=SCHEMA_VERSION))
        return
    check_layout(stored_partitions(conn), wanted)
    for version in range(stored + 1, SCHEMA_VERSION + 1):
        _STEPS[version](conn)
    s.metadata.create_all(conn, checkfirst=True)
    if stored < SCHEMA_VERSION:
        conn.execute(
            sa.update(s.schema_version).where(s.schema_version.c.id == 1).values(version=SCHEMA_VERSION)
        )
