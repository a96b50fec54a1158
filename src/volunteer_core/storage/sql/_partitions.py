"""The partitioned layout of PostgreSQL (``create_schema(url, partitions=N)``): the ledger hash-partitioned
by member, the shape a distributed PostgreSQL (Citus) spreads over its workers.

* ``members`` is ``PARTITION BY HASH (id)`` and ``records`` ``PARTITION BY HASH (member_id)``, ``N``
  partitions each (``members_p0`` … , ``records_p0`` …) with the same modulus: partition ``k`` of both
  holds the same members, so the pushdown's per-member ``GROUP BY`` and its join of records to members
  run partition by partition (partitionwise aggregation and join, ``_totals.py``).
* PostgreSQL requires the partition key in every PRIMARY KEY and UNIQUE constraint of a partitioned table:
  the primary key of ``records`` is ``(id, member_id)``. What needs a record id unique across partitions
  lives in ``record_keys``, an unpartitioned table of one narrow row per record — ``id`` (its primary
  key: one record per id), ``member_id``, ``reverses`` (UNIQUE: a record is reversed at most once),
  ``adjusts`` and ``idempotency_key`` (UNIQUE), ``reverses`` and ``adjusts`` foreign keys to its ``id``
  (what the unpartitioned schema's ``records`` holds in its own constraints). An ``AFTER INSERT`` trigger
  on ``records`` fills it, whoever inserts; it refuses every ``UPDATE``, ``DELETE`` and ``TRUNCATE``
  (``ledger.append_only``). A record's id, member, reversal, adjustment and key are booked: the ledger's
  triggers refuse to change them, so ``record_keys`` never drifts from ``records``.
* The ledger's triggers (``_triggers.py``) sit on the partitioned ``records`` (PostgreSQL clones row
  triggers to every partition); a ``TRUNCATE`` of one partition is refused as well.
* The layout is read from PostgreSQL's catalogue (:func:`stored_partitions`), the one place that cannot
  disagree with the tables: ``create_schema`` refuses to lay an existing database out otherwise.

>>> tables = partitioned_metadata().tables
>>> {name: tables[name].dialect_options["postgresql"]["partition_by"] for name in PARTITION_KEYS}
{'members': 'HASH (id)', 'records': 'HASH (member_id)'}
>>> [c.name for c in tables["records"].primary_key], sorted(c.name for c in tables["record_keys"].primary_key)
(['id', 'member_id'], ['id'])
"""

from __future__ import annotations

from functools import cache

import sqlalchemy as sa
from sqlalchemy.sql.elements import conv

from volunteer_core.errors import InvalidInput
from volunteer_core.storage.sql import _schema as s
from volunteer_core.storage.sql._dialects import dialect_of
from volunteer_core.storage.sql._triggers import PG_SQLSTATES, install_ledger_triggers

__all__ = [
    "KEYS_FIXED_TRIGGER",
    "MAX_PARTITIONS",
    "PARTITION_KEYS",
    "check_layout",
    "check_partitions",
    "create_partitioned",
    "partitioned_metadata",
    "stored_partitions",
]

#: The most partitions ``create_schema`` lays out (each is a table of its own: planning time grows with them).
MAX_PARTITIONS = 1024

#: The partitioned tables and the column each is hashed on: both hold one member's rows in partition k.
PARTITION_KEYS = {"members": "id", "records": "member_id"}

#: The foreign keys of ``records`` that name ``records`` itself: ``record_keys`` holds them instead.
_SELF_REFERENCES = ("reverses", "adjusts")

_KEYS_FIXED = (
    "ledger.append_only: 记录的编号、冲销、调整与幂等键一经登记不能修改或删除；"
    "the ids, reversals, adjustments and idempotency keys of records are never changed or deleted"
)


def check_partitions(partitions: object, dialect: str) -> int | None:
    """``partitions`` checked: None (no partitioning), or an integer from 2 to :data:`MAX_PARTITIONS` on
    PostgreSQL; anything else is ``InvalidInput`` at ``partitions`` — another database (SQLite) is not
    partitioned rather than silently laid out otherwise than asked.

    >>> check_partitions(4, "postgresql"), check_partitions(None, "sqlite")
    (4, None)
    >>> check_partitions(4, "sqlite")
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ partitions: ...
    """
    if partitions is None:
        return None
    if isinstance(partitions, bool) or not isinstance(partitions, int):
        raise InvalidInput(
            "partitions",
            repr(partitions),
            code="input.type",
            message_en="partitions is the number of hash partitions: an integer, or None",
            message_zh="partitions 为哈希分区数：须为整数或 None",
        )
    if not 2 <= partitions <= MAX_PARTITIONS:
        raise InvalidInput(
            "partitions",
            partitions,
            message_en=f"partitions must be from 2 to {MAX_PARTITIONS} (None: no partitioning)",
            message_zh=f"partitions 须在 2 到 {MAX_PARTITIONS} 之间（None 表示不分区）",
        )
    if dialect != "postgresql":
        raise InvalidInput(
            "partitions",
            partitions,
            message_en=f"partitions is a PostgreSQL layout: a {dialect} database is not partitioned "
            "(leave partitions out)",
            message_zh=f"分区（partitions）仅适用于 PostgreSQL，{dialect} 数据库不分区，请去掉该参数",
        )
    return partitions


def stored_partitions(conn: sa.Connection) -> int | None:
    """How many hash partitions the database's ``records`` has (PostgreSQL's catalogue), None when it
    is not partitioned (or not PostgreSQL)."""
    if dialect_of(conn).family != "postgresql":
        return None
    kind = conn.exec_driver_sql("SELECT relkind FROM pg_class WHERE oid = to_regclass('records')").scalar()
    if kind != "p":
        return None
    found = conn.exec_driver_sql(
        "SELECT count(*) FROM pg_inherits WHERE inhparent = to_regclass('records')"
    ).scalar()
    return int(found or 0)


def _layout(partitions: int | None) -> str:
    return "unpartitioned" if partitions is None else f"hash-partitioned by member in {partitions} partitions"


def check_layout(stored: int | None, wanted: int | None) -> None:
    """``InvalidInput`` at ``partitions`` when a layout is asked (``wanted``) that differs from the
    database's (``stored``): ``create_schema`` never re-partitions a database.

    >>> check_layout(4, None), check_layout(4, 4), check_layout(None, None)
    (None, None, None)
    >>> check_layout(None, 4)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ partitions: ...
    """
    if wanted is None or stored == wanted:
        return
    zh = "不分区" if stored is None else f"按党员哈希分为 {stored} 个分区"
    raise InvalidInput(
        "partitions",
        wanted,
        message_en=f"the database is {_layout(stored)}: create_schema does not lay an existing database out "
        f"again (partitions={wanted}); create a new database and copy the data into it",
        message_zh=f"该数据库已建表且{zh}，create_schema 不会重新分区（partitions={wanted}）；"
        "请新建数据库并导入数据",
    )


def _partitioned(table: sa.Table, meta: sa.MetaData, primary_key: tuple[str, ...]) -> sa.Table:
    """``table`` hash-partitioned on :data:`PARTITION_KEYS` in ``meta``: its columns, CHECKs and indexes,
    its foreign keys but those to itself, ``primary_key`` (which holds the partition key), no UNIQUE."""
    columns = [
        sa.Column(
            c.name,
            c.type,
            *(
                sa.ForeignKey(fk.target_fullname, ondelete=fk.ondelete)
                for fk in c.foreign_keys
                if fk.column.table is not table
            ),
            nullable=c.nullable,
            server_default=c.server_default,
        )
        for c in table.columns
    ]
    checks = [
        sa.CheckConstraint(c.sqltext, name=conv(str(c.name)))
        for c in table.constraints
        if isinstance(c, sa.CheckConstraint)
    ]
    indexes = [sa.Index(conv(str(i.name)), *(c.name for c in i.columns)) for i in table.indexes]
    return sa.Table(
        table.name,
        meta,
        *columns,
        sa.PrimaryKeyConstraint(*primary_key, name=conv(f"pk_{table.name}")),
        *checks,
        *indexes,
        postgresql_partition_by=f"HASH ({PARTITION_KEYS[table.name]})",
    )


@cache
def partitioned_metadata() -> sa.MetaData:
    """Every table of the schema (``_schema.py``), ``members`` and ``records`` hash-partitioned (without
    their partitions, which :func:`create_partitioned` adds), and ``record_keys``; built once."""
    meta = sa.MetaData(naming_convention=s.metadata.naming_convention)
    for table in s.metadata.sorted_tables:
        if table is s.members:
            _partitioned(table, meta, ("id",))
        elif table is s.records:
            r = _partitioned(table, meta, ("id", "member_id"))
            # what the UNIQUE constraints of the unpartitioned records served: the look-ups by them
            sa.Index(conv("ix_records_reverses"), r.c.reverses)
            sa.Index(conv("ix_records_idempotency_key"), r.c.idempotency_key)
        else:
            table.to_metadata(meta)
    identifier = s.records.c.id.type
    sa.Table(
        "record_keys",
        meta,
        sa.Column("id", identifier, primary_key=True),
        sa.Column("member_id", identifier, nullable=False),
        sa.Column("reverses", identifier, sa.ForeignKey("record_keys.id"), unique=True),
        sa.Column("adjusts", identifier, sa.ForeignKey("record_keys.id")),
        sa.Column("idempotency_key", identifier, unique=True),
    )
    return meta


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


#: The trigger that keeps ``record_keys`` as written (no UPDATE, no DELETE).
KEYS_FIXED_TRIGGER = (
    "CREATE TRIGGER ledger_record_keys_fixed BEFORE UPDATE OR DELETE ON record_keys "
    "FOR EACH ROW EXECUTE FUNCTION ledger_record_keys_fixed()"
)


def _ddl(partitions: int) -> list[str]:
    """The partitions, ``record_keys``'s triggers and the refusal of a TRUNCATE of one partition."""
    statements = [
        f"CREATE TABLE {table}_p{k} PARTITION OF {table} FOR VALUES WITH (MODULUS {partitions}, REMAINDER {k})"
        for table in PARTITION_KEYS
        for k in range(partitions)
    ]
    statements += [
        f"CREATE TRIGGER ledger_records_truncate BEFORE TRUNCATE ON records_p{k} "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_records_delete()"
        for k in range(partitions)
    ]
    columns = '"id", "member_id", "reverses", "adjusts", "idempotency_key"'
    return [
        *statements,
        """CREATE OR REPLACE FUNCTION ledger_record_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO record_keys ("""
        + columns
        + """) VALUES (NEW.id, NEW.member_id, NEW.reverses, NEW.adjusts, NEW.idempotency_key);
  RETURN NULL;
END
$$""",
        f"""CREATE OR REPLACE FUNCTION ledger_record_keys_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = '{PG_SQLSTATES["ledger.append_only"]}', MESSAGE = {_literal(_KEYS_FIXED)};
END
$$""",
        "CREATE TRIGGER ledger_records_keys AFTER INSERT ON records "
        "FOR EACH ROW EXECUTE FUNCTION ledger_record_keys()",
        KEYS_FIXED_TRIGGER,
        "CREATE TRIGGER ledger_record_keys_truncate BEFORE TRUNCATE ON record_keys "
        "FOR EACH STATEMENT EXECUTE FUNCTION ledger_record_keys_fixed()",
    ]


def create_partitioned(conn: sa.Connection, partitions: int) -> None:
    """Create the partitioned schema of a new PostgreSQL database inside the caller's transaction:
    every table (:func:`partitioned_metadata`), the ``partitions`` partitions of ``members`` and
    ``records``, the ledger's triggers and ``record_keys``'s."""
    partitioned_metadata().create_all(conn, checkfirst=True)
    install_ledger_triggers(conn)
    for ddl in _ddl(partitions):  # no parameters: psycopg must not read a "%" as a placeholder
        conn.exec_driver_sql(ddl, execution_options={"no_parameters": True})
