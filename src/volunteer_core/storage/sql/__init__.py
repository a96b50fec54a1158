"""SQL storage of :mod:`volunteer_core.ports` on SQLAlchemy 2 Core: SQLite (a file — the embedded
default) and PostgreSQL (psycopg 3). Needs the extra ``volunteer-core[sql]``.

* :func:`create_schema` creates the tables — primary and foreign keys, CHECKs, UNIQUE idempotency keys,
  an index for every query — and records the schema version (:data:`SCHEMA_VERSION`) so that later
  releases can migrate; it is idempotent and refuses a database newer than the code.
* :class:`SqlUnitOfWork` implements the unit of work and its 13 repositories with the semantics of
  :mod:`volunteer_core.ports` (and of the reference, :mod:`volunteer_core.storage.memory`).

Money is stored as integer fen, minutes as integers, dates as ``DATE``, enums as their values, sets,
claims and plan items in child tables. Driver errors never leak: a lost race becomes
``ConcurrencyConflict``, a constraint ``InvalidInput`` naming the field, anything else ``StorageError``.

Transactions: ``BEGIN IMMEDIATE`` on SQLite (WAL, busy timeout 15 s — ``?timeout=SECONDS`` in the URL
sets another), ``SERIALIZABLE`` on PostgreSQL. Share one engine between the units of work of a process
(``SqlUnitOfWork(engine)``, or ``uow.engine``): one unit of work per thread, each transaction on its own
pooled connection.

>>> from datetime import date
>>> from volunteer_core import Branch, Member
>>> uow = SqlUnitOfWork(create_schema("sqlite://"))  # in memory; "sqlite:///volunteer.db" for a file
>>> with uow:
...     _ = uow.branches.add(Branch(id="b1", name="办公室党支部"))
...     _ = uow.members.add(Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 7, 1)))
...     uow.commit()
>>> with uow:
...     [m.name for m in uow.members.in_branch("b1")], uow.members.get("m1").version
(['张三'], 0)
>>> with uow:
...     uow.members.add(Member(id="m2", name="李四", branch_id="b9", joined_on=date(2021, 1, 1)))
Traceback (most recent call last):
...
volunteer_core.errors.InvalidInput: input.reference @ branch_id: ...
"""

from volunteer_core.storage.sql._migrate import SCHEMA_VERSION, create_schema
from volunteer_core.storage.sql._uow import SqlUnitOfWork

__all__ = ["SCHEMA_VERSION", "SqlUnitOfWork", "create_schema"]
