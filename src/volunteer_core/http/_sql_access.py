"""Tokens and the audit trail in two tables beside the library's data: :class:`SqlAccessStore`.

The tables (SQLAlchemy Core, created idempotently when the store is made, whatever else the database
holds — the library's schema or nothing):

* ``service_tokens`` — ``id`` (primary key), ``digest`` (unique: the SHA-256 of the secret; the secret
  itself is never stored), ``role`` (CHECK: ``read``, ``record``, ``decide``, ``administer``),
  ``scope``, ``label``, ``issued_at``, ``revoked_at``;
* ``service_audit`` — ``id`` (increasing, the primary key), ``at``, ``token_id``, ``role``, ``scope``,
  ``method``, ``path``, ``status``, ``entity_id``, ``idempotency_key``, ``code``.

Times are stored in UTC without a zone (a naive time given is taken as UTC) and come back
timezone-aware (UTC).

The database itself holds the trail append-only, as it holds the ledger (``storage/sql/_triggers.py``):
on SQLite, PostgreSQL and MySQL / MariaDB, triggers refuse any ``UPDATE`` or ``DELETE`` of
``service_audit`` (and PostgreSQL's ``TRUNCATE``), any ``DELETE`` of ``service_tokens`` and any
``UPDATE`` of a token but the one that sets its ``revoked_at`` once. Whatever writes to the database —
this store, another program, a SQL prompt — gets a refusal whose message begins with
:data:`APPEND_ONLY` (``access.append_only: …``); through the store it is ``InvalidInput`` with that code.
The portable path of an unknown database installs no trigger (the store never updates but to revoke).

Engines, transactions and driver errors are the SQL storage's (``_engine.py``, ``_dialects.py``,
``_errors.py``): SQLite writes in ``BEGIN IMMEDIATE``, the servers in ``SERIALIZABLE`` transactions,
a lost race is retried.

>>> from datetime import datetime, timezone
>>> from volunteer_core.http._access import Role
>>> store = SqlAccessStore("sqlite://")
>>> token, secret = store.issue(role=Role.READ, scope="*", at=datetime(2026, 1, 1, tzinfo=timezone.utc))
>>> store.authenticate(secret) == token, store.authenticate("vct_wrong")
(True, None)
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import attrs
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

from volunteer_core.errors import ConcurrencyConflict, InvalidInput, NotFound
from volunteer_core.http._access import AccessStore, AuditEntry, Role, Token, in_utc
from volunteer_core.storage.sql import dialect_of
from volunteer_core.storage.sql.beside import (
    CODE_TYPE,
    ID_TYPE,
    EngineLike,
    connect,
    db_errors,
    integrity_info,
    mysql_collation,
    mysql_ddl,
    resolve_engine,
    transaction,
)

__all__ = ["APPEND_ONLY", "SqlAccessStore", "metadata", "service_audit", "service_tokens"]

#: The code of a refused change of the audit trail or of a token (the triggers' messages begin with it).
APPEND_ONLY = "access.append_only"

_T = TypeVar("_T")
#: How many times a step that lost a race (``ConcurrencyConflict``) is tried, waiting a little longer
#: each time (10 ms, 20 ms, … ): SQLite refuses at once, without its busy timeout, a new connection's
#: switch to WAL while another holds a lock.
_ATTEMPTS = 8


def _retrying(step: Callable[[], _T]) -> _T:
    """``step()``, again after a short, growing pause when it lost a race; the last conflict is raised."""
    for attempt in range(_ATTEMPTS):
        try:
            return step()
        except ConcurrencyConflict:
            if attempt == _ATTEMPTS - 1:
                raise
            time.sleep(0.01 * 2**attempt * (0.5 + random.random()))  # jitter, not a secret
    raise AssertionError("unreachable")  # pragma: no cover


class _UtcDateTime(sa.TypeDecorator[datetime]):
    """A time stored in UTC without a zone (microseconds kept on MySQL too), read back aware."""

    impl = sa.DateTime
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name in ("mysql", "mariadb"):
            return dialect.type_descriptor(mysql.DATETIME(fsp=6))
        return dialect.type_descriptor(sa.DateTime())

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


#: The store's own tables (not the library's schema version: they live beside it).
metadata = sa.MetaData(
    naming_convention={
        "pk": "pk_%(table_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    }
)
_ID = ID_TYPE
_CODE = CODE_TYPE
_ROLES = ", ".join(f"'{role.value}'" for role in Role)

service_tokens = sa.Table(
    "service_tokens",
    metadata,
    sa.Column("id", _ID, primary_key=True),
    sa.Column("digest", _CODE, nullable=False, unique=True),
    sa.Column("role", _CODE, nullable=False),
    sa.Column("scope", _ID, nullable=False),
    sa.Column("label", sa.Text(), nullable=False),
    sa.Column("issued_at", _UtcDateTime(), nullable=True),
    sa.Column("revoked_at", _UtcDateTime(), nullable=True),
    sa.CheckConstraint(f"role IN ({_ROLES})", name="role"),
)

service_audit = sa.Table(
    "service_audit",
    metadata,
    sa.Column(
        "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
    ),
    sa.Column("at", _UtcDateTime(), nullable=False),
    sa.Column("token_id", _ID, nullable=False),
    sa.Column("role", _CODE, nullable=False),
    sa.Column("scope", _ID, nullable=False),
    sa.Column("method", _CODE, nullable=False),
    sa.Column("path", sa.Text(), nullable=False),
    sa.Column("status", sa.Integer(), nullable=False),
    sa.Column("entity_id", sa.Text(), nullable=False),
    sa.Column("idempotency_key", sa.Text(), nullable=False),
    sa.Column("code", _CODE, nullable=False),
    sqlite_autoincrement=True,  # ids never reused, even of a last row removed outside the triggers
)

# ---------------------------------------------------------------------------------------------------------
# the triggers

_AUDIT_MESSAGE = f"{APPEND_ONLY}: 审计记录只能追加，不能修改或删除；the audit trail is append-only"
_TOKEN_MESSAGE = f"{APPEND_ONLY}: 令牌不能删除，只能撤销一次；a token is never deleted, only revoked once"
#: PostgreSQL: a SQLSTATE of class 23 (integrity constraint violation), so drivers report an integrity error
_PG_SQLSTATE = "23VA1"
#: The columns of a token no UPDATE may change.
_TOKEN_FIXED = ("id", "digest", "role", "scope", "label", "issued_at")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sqlite_ddl() -> list[str]:
    changed = " OR ".join(f'NEW."{c}" IS NOT OLD."{c}"' for c in _TOKEN_FIXED)
    refuse_audit = f"SELECT RAISE(ABORT, {_literal(_AUDIT_MESSAGE)})"
    refuse_token = f"SELECT RAISE(ABORT, {_literal(_TOKEN_MESSAGE)})"
    return [
        f"CREATE TRIGGER IF NOT EXISTS service_audit_update BEFORE UPDATE ON service_audit "
        f"BEGIN {refuse_audit}; END",
        f"CREATE TRIGGER IF NOT EXISTS service_audit_delete BEFORE DELETE ON service_audit "
        f"BEGIN {refuse_audit}; END",
        f"CREATE TRIGGER IF NOT EXISTS service_tokens_update BEFORE UPDATE ON service_tokens BEGIN "
        f"{refuse_token} WHERE OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR {changed}; END",
        f"CREATE TRIGGER IF NOT EXISTS service_tokens_delete BEFORE DELETE ON service_tokens "
        f"BEGIN {refuse_token}; END",
    ]


def _pg_ddl() -> list[str]:
    changed = " OR ".join(f'NEW."{c}" IS DISTINCT FROM OLD."{c}"' for c in _TOKEN_FIXED)
    audit = f"RAISE EXCEPTION USING ERRCODE = '{_PG_SQLSTATE}', MESSAGE = {_literal(_AUDIT_MESSAGE)}"
    token = f"RAISE EXCEPTION USING ERRCODE = '{_PG_SQLSTATE}', MESSAGE = {_literal(_TOKEN_MESSAGE)}"
    triggers = (
        ("service_audit_update", "service_audit", "BEFORE UPDATE", "ROW", "service_audit_refuse"),
        ("service_audit_delete", "service_audit", "BEFORE DELETE", "ROW", "service_audit_refuse"),
        ("service_audit_truncate", "service_audit", "BEFORE TRUNCATE", "STATEMENT", "service_audit_refuse"),
        ("service_tokens_update", "service_tokens", "BEFORE UPDATE", "ROW", "service_tokens_update"),
        ("service_tokens_delete", "service_tokens", "BEFORE DELETE", "ROW", "service_tokens_refuse"),
        (
            "service_tokens_truncate",
            "service_tokens",
            "BEFORE TRUNCATE",
            "STATEMENT",
            "service_tokens_refuse",
        ),
    )
    return [
        "CREATE OR REPLACE FUNCTION service_audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n  {audit};\nEND\n$$",
        "CREATE OR REPLACE FUNCTION service_tokens_refuse() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n  {token};\nEND\n$$",
        "CREATE OR REPLACE FUNCTION service_tokens_update() RETURNS trigger LANGUAGE plpgsql AS $$\n"
        f"BEGIN\n  IF OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR {changed} THEN\n    {token};\n"
        "  END IF;\n  RETURN NEW;\nEND\n$$",
        *(f"DROP TRIGGER IF EXISTS {name} ON {table}" for name, table, *_ in triggers),
        *(
            f"CREATE TRIGGER {name} {when} ON {table} FOR EACH {each} EXECUTE FUNCTION {function}()"
            for name, table, when, each, function in triggers
        ),
    ]


def _mysql_ddl() -> list[str]:
    """MySQL / MariaDB: ``SIGNAL SQLSTATE '45000'`` (messages of at most 128 characters); no TRUNCATE
    trigger exists there (revoke ``DROP`` on the two tables, which TRUNCATE needs)."""
    changed = " OR ".join(f"NOT (NEW.`{c}` <=> OLD.`{c}`)" for c in _TOKEN_FIXED)
    audit = f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = {_literal(_AUDIT_MESSAGE)}"
    token = f"SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = {_literal(_TOKEN_MESSAGE)}"
    names = ("service_audit_update", "service_audit_delete", "service_tokens_update", "service_tokens_delete")
    return [
        *(f"DROP TRIGGER IF EXISTS {name}" for name in names),
        f"CREATE TRIGGER service_audit_update BEFORE UPDATE ON service_audit FOR EACH ROW BEGIN {audit}; END",
        f"CREATE TRIGGER service_audit_delete BEFORE DELETE ON service_audit FOR EACH ROW BEGIN {audit}; END",
        "CREATE TRIGGER service_tokens_update BEFORE UPDATE ON service_tokens FOR EACH ROW BEGIN "
        f"IF OLD.revoked_at IS NOT NULL OR NEW.revoked_at IS NULL OR {changed} THEN {token}; END IF; END",
        f"CREATE TRIGGER service_tokens_delete BEFORE DELETE ON service_tokens FOR EACH ROW BEGIN {token}; END",
    ]


#: PostgreSQL: the advisory lock that serialises two processes creating the tables at once.
_PG_LOCK = 7212027


def create_access_tables(engine: sa.Engine) -> None:
    """Create the two tables and their triggers unless they exist, in one transaction; running it again
    changes nothing. Two processes starting together wait for each other: ``BEGIN IMMEDIATE`` on SQLite,
    the schema's named lock on MySQL / MariaDB, an advisory lock on PostgreSQL — taken in a ``READ
    COMMITTED`` transaction there, so that the look-up after it sees the tables the other process just
    committed (a ``SERIALIZABLE`` snapshot, taken by the lock's own statement, would not)."""
    action = "create the tables of tokens and the audit trail"
    family = dialect_of(engine).family
    if family == "postgresql":
        with db_errors(action), engine.connect() as conn:
            conn.execution_options(isolation_level="READ COMMITTED")
            with conn.begin():
                conn.execute(sa.text(f"SELECT pg_advisory_xact_lock({_PG_LOCK})"))
                metadata.create_all(conn, checkfirst=True)
                _run(conn, _pg_ddl())
        return
    with transaction(engine, action) as conn:
        if family == "mysql":
            collation = mysql_collation(conn)
            for table in metadata.tables.values():
                table.dialect_kwargs.update(
                    {"mysql_engine": "InnoDB", "mysql_charset": "utf8mb4", "mysql_collate": collation}
                )
            with mysql_ddl(conn):
                metadata.create_all(conn, checkfirst=True)
                _run(conn, _mysql_ddl())
        else:
            metadata.create_all(conn, checkfirst=True)
            if family == "sqlite":  # the portable path has no triggers: the store only ever revokes
                _run(conn, _sqlite_ddl())


def _run(conn: sa.Connection, statements: list[str]) -> None:
    for ddl in statements:  # no parameters: the drivers must not read "%" or ":" in them as placeholders
        conn.exec_driver_sql(ddl, execution_options={"no_parameters": True})


# ---------------------------------------------------------------------------------------------------------
# the store


def _is_refusal(err: sa.exc.DBAPIError) -> bool:
    return f"{APPEND_ONLY}:" in str(err.orig)


def refusal(err: sa.exc.DBAPIError, table: str) -> InvalidInput | None:
    """``InvalidInput`` ``access.append_only`` naming ``table`` for a refusal of the triggers, else None."""
    if not _is_refusal(err):
        return None
    return InvalidInput(
        table,
        None,
        code=APPEND_ONLY,
        message_en=f"the database refused to change or delete a row of {table}: the audit trail is "
        "append-only, and a token is only ever revoked, once",
        message_zh=f"数据库拒绝修改或删除 {table} 的记录：审计记录只能追加，令牌只能撤销一次",
        personal=False,
    )


def _token(row: sa.Row[Any]) -> Token:
    return Token(
        id=row.id,
        digest=row.digest,
        role=Role(row.role),
        scope=row.scope,
        label=row.label,
        issued_at=row.issued_at,
        revoked_at=row.revoked_at,
    )


def _entry(row: sa.Row[Any]) -> AuditEntry:
    return AuditEntry(
        id=int(row.id),
        at=row.at,
        token_id=row.token_id,
        role=Role(row.role),
        scope=row.scope,
        method=row.method,
        path=row.path,
        status=int(row.status),
        entity_id=row.entity_id,
        idempotency_key=row.idempotency_key,
        code=row.code,
    )


class SqlAccessStore(AccessStore):
    """The service's tokens and audit trail in the tables ``service_tokens`` and ``service_audit`` of a
    SQL database (the one holding the data, or any other): thread-safe, shared by processes.

    Args:
        url_or_engine: a database URL (``"sqlite:///volunteer.db"``, ``"postgresql://…"``,
            ``"mysql://…"``) or an :class:`sqlalchemy.Engine`, as :class:`~volunteer_core.storage.sql.
            SqlUnitOfWork` takes. The tables and triggers are created when absent.

    >>> from datetime import datetime, timezone
    >>> store = SqlAccessStore("sqlite://")
    >>> at = datetime(2026, 3, 1, 8, 30, tzinfo=timezone.utc)
    >>> entry = store.append_audit(AuditEntry(at=at, token_id="t1", role=Role.RECORD, scope="*",
    ...                                       method="POST", path="/v1/records", status=201))
    >>> entry.id, store.audit()[0].at == at
    (1, True)
    """

    def __init__(self, url_or_engine: EngineLike) -> None:
        self._engine = resolve_engine(url_or_engine)
        _retrying(lambda: create_access_tables(self._engine))

    @property
    def engine(self) -> sa.Engine:
        """The engine the store uses."""
        return self._engine

    # --- plumbing

    def _write(self, action: str, table: str, step: Callable[[sa.Connection], _T]) -> _T:
        """Run ``step`` in one transaction, again on a lost race (a few times); a refusal of the
        triggers becomes ``InvalidInput`` ``access.append_only``."""

        def attempt() -> _T:
            with transaction(self._engine, action) as conn:
                try:
                    return step(conn)
                except sa.exc.DBAPIError as err:
                    refused = refusal(err, table)
                    if refused is not None:
                        raise refused from err
                    raise

        return _retrying(attempt)

    def _read(self, action: str, query: sa.Select[Any]) -> list[sa.Row[Any]]:
        """The rows of one query, outside a write transaction, again on a lost race (a few times)."""

        def attempt() -> list[sa.Row[Any]]:
            with connect(self._engine, action) as conn:
                return list(conn.execute(query))

        return _retrying(attempt)

    # --- tokens

    def add_token(self, token: Token) -> Token:
        values = {
            "id": token.id,
            "digest": token.digest,
            "role": token.role.value,
            "scope": token.scope,
            "label": token.label,
            "issued_at": token.issued_at,
            "revoked_at": token.revoked_at,
        }

        def step(conn: sa.Connection) -> Token:
            try:
                conn.execute(sa.insert(service_tokens).values(**values))
            except sa.exc.IntegrityError as err:
                if integrity_info(err).kind != "unique":
                    raise
                raise InvalidInput(
                    "token",
                    token.id,
                    code="input.duplicate",
                    message_en="a token with this id or secret is already stored",
                    message_zh="已有相同编号或密钥的令牌",
                ) from err
            return _stored(conn, token.id)

        return self._write("store a token", "service_tokens", step)

    def token_by_digest(self, digest: str) -> Token | None:
        rows = self._read("read a token", sa.select(service_tokens).where(service_tokens.c.digest == digest))
        return _token(rows[0]) if rows else None

    def tokens(self) -> list[Token]:
        t = service_tokens
        query = sa.select(t).order_by(sa.case((t.c.issued_at.is_(None), 0), else_=1), t.c.issued_at, t.c.id)
        return [_token(row) for row in self._read("list the tokens", query)]

    def revoke(self, token_id: str, *, at: datetime) -> Token:
        t = service_tokens

        def step(conn: sa.Connection) -> Token:
            found = conn.execute(sa.select(t.c.id).where(t.c.id == token_id)).first()
            if found is None:
                raise NotFound("token", token_id)
            conn.execute(
                sa.update(t).where(t.c.id == token_id, t.c.revoked_at.is_(None)).values(revoked_at=at)
            )
            return _stored(conn, token_id)

        return self._write("revoke a token", "service_tokens", step)

    # --- the audit trail

    def append_audit(self, entry: AuditEntry) -> AuditEntry:
        values = {
            "at": entry.at,
            "token_id": entry.token_id,
            "role": entry.role.value,
            "scope": entry.scope,
            "method": entry.method,
            "path": entry.path,
            "status": entry.status,
            "entity_id": entry.entity_id,
            "idempotency_key": entry.idempotency_key,
            "code": entry.code,
        }

        def step(conn: sa.Connection) -> AuditEntry:
            key = conn.execute(sa.insert(service_audit).values(**values)).inserted_primary_key
            assert key is not None
            return attrs.evolve(entry, id=int(key[0]), at=in_utc(entry.at))

        return self._write("append to the audit trail", "service_audit", step)

    def audit(self, *, after: int | None = None, limit: int = 100) -> list[AuditEntry]:
        a = service_audit
        query = sa.select(a).order_by(a.c.id).limit(max(limit, 0))
        if after is not None:
            query = query.where(a.c.id > after)
        return [_entry(row) for row in self._read("read the audit trail", query)]


def _stored(conn: sa.Connection, token_id: str) -> Token:
    row = conn.execute(sa.select(service_tokens).where(service_tokens.c.id == token_id)).one()
    return _token(row)
