"""One open transaction of the SQL storage: its connection, its open record streams, and whether it
lost a race."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import sqlalchemy as sa

from volunteer_core.errors import ConcurrencyConflict, StorageError, VolunteerError
from volunteer_core.storage.sql._dialects import dialect_of
from volunteer_core.storage.sql._engine import begin, end
from volunteer_core.storage.sql._errors import translate


class Transaction:
    """One open transaction: its connection, its open record streams, and whether it lost a race."""

    def __init__(self, engine: sa.Engine) -> None:
        self.conn = begin(engine)
        self.dialect = dialect_of(engine)
        #: text cannot hold U+0000 (PostgreSQL): a value with one is never stored, so never found
        self.postgres = self.dialect.rejects_nul
        #: a failed statement aborts the whole transaction (PostgreSQL; assumed on the portable path):
        #: a write that may fail runs inside a savepoint
        self.aborts_on_error = self.dialect.family in ("postgresql", "portable")
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
                # a lost race: roll back at once, so that the winner is not kept waiting for our locks
                # (InnoDB keeps them after a lock wait timeout; a unit of work may stay open a while)
                self.doomed = translated
                with suppress(sa.exc.SQLAlchemyError):
                    self.conn.rollback()
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
