"""The contract of an access store (:class:`volunteer_core.http._access.AccessStore`): tokens and the audit
trail of the HTTP service, proved the same on every implementation.

A host subclasses :class:`AccessStoreContract` and overrides the fixture ``store`` (a fresh, empty store
for each test); a store on a SQL database subclasses :class:`SqlAccessStoreContract`, whose store has an
``engine``, and also gets the tests that go around the store to the database itself::

    from volunteer_core.testing.access_contract import SqlAccessStoreContract

    class TestMyAccessStore(SqlAccessStoreContract):
        @pytest.fixture
        def store(self, my_empty_database_url):
            return SqlAccessStore(my_empty_database_url)

What is proved: issue → authenticate → revoke → authenticate gives None; the secret is kept nowhere (only
its digest); a duplicate id or digest is ``InvalidInput`` ``input.duplicate`` and changes nothing; revoking
an unknown token is ``NotFound``, revoking twice keeps the first time; tokens come back in the order
issued, their times timezone-aware; audit entries round-trip with increasing ids, ``after`` / ``limit``
page them, and 8 threads appending at once lose none. On SQL, also: no column of ``service_tokens`` holds
the secret, and the database refuses a raw ``UPDATE`` / ``DELETE`` of ``service_audit``, a raw ``UPDATE``
of a token's role, a second revocation and a ``DELETE`` of a token (``access.append_only``), leaving the
rows as they were.

>>> AccessStoreContract.__test__, SqlAccessStoreContract.__test__
(False, False)
"""

from __future__ import annotations

import hashlib
import threading
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, ClassVar

import attrs
import pytest

from volunteer_core.errors import InvalidInput, NotFound
from volunteer_core.http import AccessStore, AuditEntry, Role, Token

__all__ = ["AccessStoreContract", "SqlAccessStoreContract"]

#: A fixed moment the tests issue tokens and write entries at.
T0 = datetime(2026, 3, 1, 8, 30, 15, 123456, tzinfo=UTC)
_THREADS = 8
_PER_THREAD = 5


def digest(secret: str) -> str:
    """The SHA-256 of ``secret`` in hex: what a store keeps instead of the secret."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _entry(n: int, *, token_id: str = "tok-1", at: datetime = T0) -> AuditEntry:
    return AuditEntry(
        at=at + timedelta(seconds=n),
        token_id=token_id,
        role=Role.RECORD,
        scope="b-1",
        method="POST",
        path=f"/v1/records/{n}",
        status=201,
        entity_id=f"r-{n}",
        idempotency_key=f"k-{n}",
        code="",
    )


class AccessStoreContract:
    """What every :class:`~volunteer_core.http._access.AccessStore` does; override the fixture ``store``."""

    __test__: ClassVar[bool] = False

    @pytest.fixture
    def store(self) -> AccessStore:
        """A fresh, empty store: override it."""
        pytest.fail("define the fixture `store` (a fresh, empty AccessStore) in the subclass", pytrace=False)

    # --- tokens

    def test_issue_authenticate_revoke(self, store: AccessStore) -> None:
        token, secret = store.issue(role=Role.DECIDE, scope="o-1", label="港口支部", at=T0)
        assert secret.startswith("vct_")
        assert store.authenticate(secret) == token
        assert (token.role, token.scope, token.label, token.issued_at) == (Role.DECIDE, "o-1", "港口支部", T0)
        revoked = store.revoke(token.id, at=T0 + timedelta(days=1))
        assert revoked.revoked_at == T0 + timedelta(days=1)
        assert store.authenticate(secret) is None
        assert store.token_by_digest(digest(secret)) == revoked  # still there, revoked

    def test_authenticate_refuses_unknown_and_malformed(self, store: AccessStore) -> None:
        _, secret = store.issue(role=Role.READ, scope="*", at=T0)
        assert store.authenticate(secret + "x") is None
        assert store.authenticate(secret[4:]) is None  # without the prefix
        assert store.authenticate("vct_" + "a" * 300) is None
        assert store.authenticate("") is None

    def test_secret_never_kept(self, store: AccessStore) -> None:
        token, secret = store.issue(role=Role.ADMINISTER, scope="*", at=T0)
        for kept in store.tokens():
            assert all(secret not in str(value) for value in attrs.astuple(kept))
        assert token.digest == digest(secret)
        assert secret not in repr(token)

    def test_round_trip_of_a_token(self, store: AccessStore) -> None:
        token = Token(
            id="tok-a",
            digest=digest("vct_a"),
            role=Role.RECORD,
            scope="b-1",
            label="窗口 window",
            issued_at=T0,
            revoked_at=None,
        )
        assert store.add_token(token) == token
        assert store.tokens() == [token]
        found = store.token_by_digest(digest("vct_a"))
        assert found == token
        assert found is not None
        assert found.issued_at is not None
        assert found.issued_at.utcoffset() == timedelta(0)

    def test_times_come_back_in_utc(self, store: AccessStore) -> None:
        beijing = timezone(timedelta(hours=8))
        at = datetime(2026, 3, 1, 16, 30, tzinfo=beijing)
        store.issue(role=Role.READ, scope="*", at=at)
        (kept,) = store.tokens()
        assert kept.issued_at == at  # the same moment
        assert kept.issued_at is not None
        assert kept.issued_at.utcoffset() == timedelta(0)
        assert kept.issued_at.hour == 8

    @pytest.mark.parametrize("clash", ["id", "digest"])
    def test_duplicate_refused(self, store: AccessStore, clash: str) -> None:
        first = Token(id="tok-a", digest=digest("vct_a"), role=Role.READ, scope="*", issued_at=T0)
        store.add_token(first)
        second = Token(
            id="tok-a" if clash == "id" else "tok-b",
            digest=digest("vct_a" if clash == "digest" else "vct_b"),
            role=Role.ADMINISTER,
            scope="*",
            issued_at=T0,
        )
        with pytest.raises(InvalidInput) as refused:
            store.add_token(second)
        assert refused.value.code == "input.duplicate"
        assert store.tokens() == [first]

    def test_revoke_unknown(self, store: AccessStore) -> None:
        with pytest.raises(NotFound):
            store.revoke("tok-none", at=T0)

    def test_revoke_twice_keeps_the_first_time(self, store: AccessStore) -> None:
        token, _ = store.issue(role=Role.READ, scope="*", at=T0)
        first = store.revoke(token.id, at=T0 + timedelta(hours=1))
        again = store.revoke(token.id, at=T0 + timedelta(hours=2))
        assert again == first
        assert again.revoked_at == T0 + timedelta(hours=1)
        assert store.tokens() == [first]

    def test_tokens_in_the_order_issued(self, store: AccessStore) -> None:
        issued = [store.issue(role=Role.READ, scope="*", at=T0 + timedelta(minutes=n))[0] for n in range(5)]
        assert store.tokens() == issued

    def test_unknown_digest(self, store: AccessStore) -> None:
        assert store.token_by_digest(digest("vct_none")) is None

    # --- the audit trail

    def test_audit_round_trip_and_increasing_ids(self, store: AccessStore) -> None:
        appended = [store.append_audit(_entry(n)) for n in range(5)]
        ids = [entry.id for entry in appended]
        assert all(isinstance(i, int) for i in ids)
        assert ids == sorted(ids)  # type: ignore[type-var]
        assert len(set(ids)) == 5
        assert store.audit() == appended
        assert [attrs.evolve(entry, id=None) for entry in appended] == [_entry(n) for n in range(5)]
        assert all(entry.at.utcoffset() == timedelta(0) for entry in store.audit())

    def test_audit_pages(self, store: AccessStore) -> None:
        appended = [store.append_audit(_entry(n)) for n in range(7)]
        first = store.audit(limit=3)
        assert first == appended[:3]
        second = store.audit(after=first[-1].id, limit=3)
        assert second == appended[3:6]
        assert store.audit(after=second[-1].id, limit=3) == appended[6:]
        assert store.audit(after=appended[-1].id) == []
        assert store.audit(limit=0) == []

    def test_concurrent_appends_keep_every_entry(self, store: AccessStore) -> None:
        errors: list[BaseException] = []
        start = threading.Barrier(_THREADS)

        def append(thread: int) -> None:
            try:
                start.wait()
                for n in range(_PER_THREAD):
                    store.append_audit(_entry(thread * 100 + n, token_id=f"tok-{thread}"))
            except BaseException as err:  # reported by the main thread
                errors.append(err)

        threads = [threading.Thread(target=append, args=(t,)) for t in range(_THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        kept = store.audit(limit=1000)
        assert len(kept) == _THREADS * _PER_THREAD
        ids = [entry.id for entry in kept]
        assert len(set(ids)) == len(ids)
        assert ids == sorted(ids)  # type: ignore[type-var]
        assert {e.entity_id for e in kept} == {
            f"r-{t * 100 + n}" for t in range(_THREADS) for n in range(_PER_THREAD)
        }


class SqlAccessStoreContract(AccessStoreContract):
    """:class:`AccessStoreContract` and what a store on SQL must also hold in the database itself: the
    fixture ``store`` gives a store with an ``engine`` attribute (an :class:`sqlalchemy.Engine`) on a
    database with triggers (SQLite, PostgreSQL, MySQL / MariaDB)."""

    __test__: ClassVar[bool] = False

    @staticmethod
    def _engine(store: AccessStore) -> Any:
        engine = getattr(store, "engine", None)
        assert engine is not None, "the store of SqlAccessStoreContract has an `engine`"
        return engine

    def _refused(self, store: AccessStore, sql: str, **params: Any) -> None:
        import sqlalchemy as sa

        with pytest.raises(sa.exc.DBAPIError) as refused, self._engine(store).begin() as conn:
            conn.execute(sa.text(sql), params)
        assert "access.append_only" in str(refused.value.orig)

    def test_no_column_holds_the_secret(self, store: AccessStore) -> None:
        import sqlalchemy as sa

        _, secret = store.issue(role=Role.ADMINISTER, scope="*", label="ops", at=T0)
        with self._engine(store).connect() as conn:
            rows = conn.execute(sa.text("SELECT * FROM service_tokens")).all()
        assert len(rows) == 1
        assert all(secret not in str(cell) for cell in rows[0])
        assert digest(secret) in {str(cell) for cell in rows[0]}

    def test_database_refuses_update_and_delete_of_the_audit(self, store: AccessStore) -> None:
        kept = [store.append_audit(_entry(n)) for n in range(3)]
        self._refused(store, "UPDATE service_audit SET status = 200 WHERE id = :id", id=kept[1].id)
        self._refused(store, "UPDATE service_audit SET path = '/elsewhere'")
        self._refused(store, "DELETE FROM service_audit WHERE id = :id", id=kept[0].id)
        self._refused(store, "DELETE FROM service_audit")
        assert store.audit() == kept

    def test_database_refuses_changing_a_token(self, store: AccessStore) -> None:
        token, secret = store.issue(role=Role.READ, scope="b-1", at=T0)
        self._refused(store, "UPDATE service_tokens SET role = 'administer' WHERE id = :id", id=token.id)
        self._refused(store, "UPDATE service_tokens SET scope = '*' WHERE id = :id", id=token.id)
        self._refused(store, "DELETE FROM service_tokens WHERE id = :id", id=token.id)
        assert store.tokens() == [token]
        assert store.authenticate(secret) == token

    def test_database_allows_one_revocation(self, store: AccessStore) -> None:
        import sqlalchemy as sa

        token, secret = store.issue(role=Role.READ, scope="*", at=T0)
        revoked_at = datetime(2026, 3, 2, 9, 0)  # stored naive, in UTC
        with self._engine(store).begin() as conn:
            conn.execute(
                sa.text("UPDATE service_tokens SET revoked_at = :at WHERE id = :id"),
                {"at": revoked_at, "id": token.id},
            )
        assert store.authenticate(secret) is None
        self._refused(
            store,
            "UPDATE service_tokens SET revoked_at = :at WHERE id = :id",
            at=datetime(2026, 3, 3, 9, 0),
            id=token.id,
        )
        self._refused(store, "UPDATE service_tokens SET revoked_at = NULL WHERE id = :id", id=token.id)
        (kept,) = store.tokens()
        assert kept.revoked_at == revoked_at.replace(tzinfo=UTC)
