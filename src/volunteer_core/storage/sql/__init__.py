"""SQL storage of :mod:`volunteer_core.ports` on SQLAlchemy 2 Core: SQLite (a file — the embedded
default), PostgreSQL (psycopg 3), MySQL and MariaDB (PyMySQL), and any other SQLAlchemy dialect on a
portable path (:data:`DIALECTS`, :func:`dialect_of`). Needs the extra ``volunteer-core[sql]``.

* :func:`create_schema` creates the tables — primary and foreign keys, CHECKs, UNIQUE idempotency keys,
  an index for every query, the ledger's triggers — and records the schema version
  (:data:`SCHEMA_VERSION`). On an existing database it migrates it in place, keeping its data, one
  version after the other (each version's changes: ``_migrate.py``); it is idempotent, and refuses a
  database newer than the code. A :class:`SqlUnitOfWork` on an older database raises ``StorageError``
  saying to run it.
* :class:`SqlUnitOfWork` implements the unit of work, one repository per row of the table of aggregates
  and the locks, with the semantics of :mod:`volunteer_core.ports` (and of the reference,
  :mod:`volunteer_core.storage.memory`); the organisation tree's ``subtree`` is one recursive query.
* The ledger holds in the database too, whoever writes to it: triggers on SQLite, PostgreSQL, MySQL and
  MariaDB refuse an
  ``UPDATE`` of a record's booked columns or of a decided record, any ``DELETE``, a record added or
  decided in a locked (branch, year) and a reversal that does not mirror its original; the storage turns
  such a refusal into the ``RuleViolation`` the use-cases raise (``ledger.append_only``,
  ``ledger.year_locked``, ``ledger.already_reversed``, ``ledger.reversal_mismatch``).

Money is stored as integer fen, minutes as integers, dates as ``DATE``, enums as their values, sets,
claims and plan items in child tables. Driver errors never leak: a lost race becomes
``ConcurrencyConflict`` (a duplicate idempotency key or reversal that a concurrent transaction stored
first included: the retry then sees it), a constraint ``InvalidInput`` naming the field, a trigger's
refusal ``RuleViolation``, anything else ``StorageError``.

Transactions: ``BEGIN IMMEDIATE`` on SQLite (WAL, busy timeout 15 s — ``?timeout=SECONDS`` in the URL
sets another), ``SERIALIZABLE`` on PostgreSQL, MySQL and MariaDB (where reads lock what they read: a
reader waits for a writer of the same rows). Share one engine between the units of work of a process
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

from volunteer_core.storage.sql._dialects import DIALECTS, Dialect, UnknownDialectWarning, dialect_of
from volunteer_core.storage.sql._maintenance import empty_test_database
from volunteer_core.storage.sql._migrate import SCHEMA_VERSION, create_schema
from volunteer_core.storage.sql._uow import SqlUnitOfWork

__all__ = [
    "DIALECTS",
    "SCHEMA_VERSION",
    "Dialect",
    "SqlUnitOfWork",
    "UnknownDialectWarning",
    "create_schema",
    "dialect_of",
    "empty_test_database",
]
