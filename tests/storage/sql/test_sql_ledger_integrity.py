"""The ledger held by the database itself (``storage/sql/_triggers.py``) and mapped back to the rule codes
(``_errors.py``, ``_records.py``), on SQLite and PostgreSQL: raw SQL that breaks the ledger fails in the
database; with the storage's own checks switched off, the triggers' refusals still come out of the port
as the same ``RuleViolation``; ``add_many`` checks a batch in bulk. What the port refuses, in which order,
is the contract's (``testing/contract/ledger.py``, run on SQL by ``test_contract_sql.py``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from sql_support import ACTIVITY, BRANCH, MEMBER, RECORD

from volunteer_core import Branch, ServiceRecord
from volunteer_core.errors import ConcurrencyConflict, InvalidInput, RuleViolation
from volunteer_core.storage.sql import SqlUnitOfWork, _records

OTHER_MEMBER = attrs.evolve(MEMBER, id="m2", name="李四")
OTHER_BRANCH = Branch(id="b2", name="机关第二党支部")
PENDING = attrs.evolve(RECORD, id="rp", status="pending", minutes=30)
REVERSAL = RECORD.reversal(id="rv1", recorded_on=date(2026, 3, 9))
CONFIRMED = attrs.evolve(RECORD, id="rc", minutes=30)  # a second confirmed record, reversible
# columns of a raw INSERT of a record, r1's values
_ROW: dict[str, Any] = {
    "member_id": "m1",
    "activity_id": "a1",
    "branch_id": "b1",
    "kind": "pairing",
    "on": date(2026, 3, 5),
    "minutes": 60,
    "status": "confirmed",
    "reason": "",
    "version": 0,
}


def _seed(uow: SqlUnitOfWork) -> SqlUnitOfWork:
    """b1 and b2; m1 and m2 of b1; a1; r1 (confirmed, 60 minutes, key k1) and rp (pending), of 2026."""
    with uow:
        uow.branches.add(BRANCH)
        uow.branches.add(OTHER_BRANCH)
        uow.members.add(MEMBER)
        uow.members.add(OTHER_MEMBER)
        uow.activities.add(ACTIVITY)
        uow.records.add(RECORD, idempotency_key="k1")
        uow.records.add(PENDING)
        uow.commit()
    return uow


@pytest.fixture
def uow(sql_uow: SqlUnitOfWork) -> SqlUnitOfWork:
    """A SQL storage (SQLite, PostgreSQL) holding :func:`_seed`'s ledger."""
    return _seed(sql_uow)


def _lock(uow: SqlUnitOfWork, branch_id: str = "b1", year: int = 2026) -> None:
    with uow:
        uow.locks.lock(branch_id, year)
        uow.commit()


def _raw(engine: sa.Engine, sql: str, **params: Any) -> None:
    """Run ``sql`` in a transaction of its own on a plain connection, as a DBA or another program would."""
    if engine.dialect.name in ("mysql", "mariadb"):  # standard "quoted" identifiers in MySQL's quotes
        sql = sql.replace('"', "`")
    with engine.begin() as conn:
        conn.execute(sa.text(sql), params)


def _insert_sql(**values: Any) -> tuple[str, dict[str, Any]]:
    row = {**_ROW, **values}
    names = ", ".join(f'"{k}"' for k in row)
    return f"INSERT INTO records ({names}) VALUES ({', '.join(f':{k}' for k in row)})", row


def _rows(engine: sa.Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as conn:
        return list(conn.execute(sa.text("SELECT * FROM records ORDER BY id")).all())


# -- raw SQL fails in the database ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE records SET minutes = 1",
        "UPDATE records SET minutes = 1 WHERE id = 'rp'",  # a pending record's booked column
        "UPDATE records SET \"on\" = '2026-03-04' WHERE id = 'rp'",
        "UPDATE records SET kind = 'training' WHERE id = 'r1'",
        "UPDATE records SET reverses = 'rp', minutes = -60 WHERE id = 'r1'",
        "UPDATE records SET idempotency_key = 'k2' WHERE id = 'r1'",  # keys are part of the ledger
        "UPDATE records SET reason = '补充' WHERE id = 'r1'",  # any change of a decided record
        "UPDATE records SET status = 'rejected', decided_by = 'o1', reason = '重复' WHERE id = 'r1'",
        "DELETE FROM records",
        "DELETE FROM records WHERE id = 'rp'",
    ],
)
def test_raw_sql_that_rewrites_the_ledger_fails_in_the_database(uow: SqlUnitOfWork, sql: str) -> None:
    before = _rows(uow.engine)
    with pytest.raises(sa.exc.IntegrityError, match=r"ledger\.append_only"):
        _raw(uow.engine, sql)
    assert _rows(uow.engine) == before


def test_postgres_refuses_a_truncate_of_the_ledger(pg_engine: sa.Engine) -> None:
    with pytest.raises(sa.exc.IntegrityError, match=r"ledger\.append_only"):
        _raw(pg_engine, "TRUNCATE records")


def test_raw_sql_stores_a_pending_records_decision(uow: SqlUnitOfWork) -> None:
    _raw(
        uow.engine,
        "UPDATE records SET status = 'confirmed', decided_by = 'o1', decided_on = :on, reason = '',"
        " version = version + 1 WHERE id = 'rp'",
        on=date(2026, 3, 6),
    )
    with uow:
        assert uow.records.get("rp") == attrs.evolve(PENDING.confirm(by="o1", on=date(2026, 3, 6)), version=1)
    with pytest.raises(sa.exc.IntegrityError, match=r"ledger\.append_only"):  # decided once
        _raw(uow.engine, "UPDATE records SET status = 'rejected' WHERE id = 'rp'")


def test_raw_sql_adds_and_decides_nothing_in_a_locked_year(uow: SqlUnitOfWork) -> None:
    _lock(uow)
    sql, row = _insert_sql(id="r9")
    with pytest.raises(sa.exc.IntegrityError, match=r"ledger\.year_locked"):
        _raw(uow.engine, sql, **row)
    with pytest.raises(sa.exc.IntegrityError, match=r"ledger\.year_locked"):
        _raw(uow.engine, "UPDATE records SET status = 'confirmed', decided_by = 'o1' WHERE id = 'rp'")
    sql, row = _insert_sql(id="r10", on=date(2027, 1, 4))  # the next year is open
    _raw(uow.engine, sql, **row)
    sql, row = _insert_sql(id="r11", branch_id="b2")  # and so is another branch's 2026
    _raw(uow.engine, sql, **row)
    assert [row[0] for row in _rows(uow.engine)] == ["r1", "r10", "r11", "rp"]


@pytest.mark.parametrize(
    ("values", "code"),
    [
        ({"member_id": "m2"}, r"ledger\.reversal_mismatch"),
        ({"minutes": -60}, r"ledger\.reversal_mismatch"),
        ({"on": date(2026, 3, 6)}, r"ledger\.reversal_mismatch"),
        ({"activity_id": "a2"}, r"ledger\.reversal_mismatch"),
        ({"reverses": "rv1"}, r"ledger\.already_reversed"),  # a reversal of a reversal
        ({"reverses": "r1", "minutes": -60}, "reverses"),  # a second reversal: the UNIQUE constraint
        ({"reverses": "rp"}, r"record\.status"),  # a pending record counts toward nothing: not reversed
    ],
)
def test_raw_sql_inserts_only_mirroring_reversals(
    uow: SqlUnitOfWork, values: dict[str, Any], code: str
) -> None:
    with uow:
        uow.activities.add(attrs.evolve(ACTIVITY, id="a2"))
        uow.records.add(REVERSAL)
        uow.records.add(CONFIRMED)
        uow.commit()
    sql, row = _insert_sql(id="rv2", **{"reverses": "rc", "minutes": -30, **values})
    with pytest.raises(sa.exc.IntegrityError, match=code):
        _raw(uow.engine, sql, **row)
    sql, row = _insert_sql(id="rv3", reverses="rc", minutes=-30)  # the mirror of rc is taken
    _raw(uow.engine, sql, **row)


# -- the triggers' refusals come out of the port as rule codes ------------------------------------------


@pytest.fixture
def unchecked(monkeypatch: pytest.MonkeyPatch, uow: SqlUnitOfWork) -> SqlUnitOfWork:
    """``uow`` with the storage's own ledger checks switched off: only the database refuses."""
    for name in ("check_ledger_entry", "check_ledger_update"):
        monkeypatch.setattr(f"volunteer_core.storage.sql._records.{name}", lambda *a, **k: [])
    return uow


def _refused(uow: SqlUnitOfWork, code: str, call: Any, *, commit: bool = True) -> RuleViolation:
    """``call`` raises ``RuleViolation`` ``code`` naming the record; the ledger is as it was, the
    transaction committed after it (``commit``) or rolled back."""
    before = _rows(uow.engine)
    with uow:
        with pytest.raises(RuleViolation) as caught:
            call(uow)
        assert caught.value.code == code
        assert "record" in caught.value.violation.message_en
        assert "记录" in caught.value.violation.message_zh
        if commit:
            uow.commit()  # the transaction stays usable
    assert _rows(uow.engine) == before
    return caught.value


def test_an_update_the_storage_lets_through_is_refused_by_the_database(unchecked: SqlUnitOfWork) -> None:
    refused = _refused(
        unchecked, "ledger.append_only", lambda u: u.records.update(attrs.evolve(RECORD, minutes=999))
    )
    assert refused.violation.subject_id == "r1"
    decided = PENDING.confirm(by="o1", on=date(2026, 3, 6))
    _refused(unchecked, "ledger.append_only", lambda u: u.records.update(attrs.evolve(decided, minutes=45)))
    _lock(unchecked)
    _refused(unchecked, "ledger.year_locked", lambda u: u.records.update(decided))


@pytest.mark.parametrize(
    ("record", "code"),
    [
        (attrs.evolve(RECORD, id="r9", on=date(2026, 6, 1)), "ledger.year_locked"),
        (
            attrs.evolve(CONFIRMED.reversal(id="rv2", recorded_on=date(2026, 3, 9)), member_id="m2"),
            "ledger.reversal_mismatch",
        ),
        (PENDING.reversal(id="rv2", recorded_on=date(2026, 3, 9)), "record.status"),
        (attrs.evolve(REVERSAL, id="rv2", reverses="rv1"), "ledger.already_reversed"),
        (attrs.evolve(REVERSAL, id="rv2"), "ledger.already_reversed"),  # the UNIQUE reverses
    ],
)
def test_an_add_the_storage_lets_through_is_refused_by_the_database(
    unchecked: SqlUnitOfWork, record: ServiceRecord, code: str
) -> None:
    with unchecked:
        unchecked.records.add(REVERSAL)
        unchecked.records.add(CONFIRMED)
        unchecked.commit()
    if code == "ledger.year_locked":
        _lock(unchecked)
    _refused(unchecked, code, lambda u: u.records.add(record))
    earlier = attrs.evolve(RECORD, id="r8", on=date(2027, 1, 4))
    _refused(unchecked, code, lambda u: u.records.add_many([(earlier, None), (record, None)]), commit=False)


def test_a_trigger_refusal_outside_the_repositories_is_a_rule_violation(uow: SqlUnitOfWork) -> None:
    from volunteer_core.storage.sql._errors import translate

    with pytest.raises(sa.exc.IntegrityError) as raw:
        _raw(uow.engine, "DELETE FROM records")
    error = translate(raw.value, "empty the ledger")
    assert isinstance(error, RuleViolation)
    assert error.code == "ledger.append_only"
    assert "records" in error.violation.message_en
    assert "台账只能追加" in error.violation.message_zh


# -- the storage's own checks ---------------------------------------------------------------------------


def test_a_stored_key_or_id_is_refused_before_a_locked_year(uow: SqlUnitOfWork) -> None:
    _lock(uow)
    with uow:
        with pytest.raises(RuleViolation) as conflict:
            uow.records.add(attrs.evolve(RECORD, id="r9", minutes=90), idempotency_key="k1")
        assert conflict.value.code == "ledger.idempotency_conflict"
        with pytest.raises(InvalidInput) as duplicate:
            uow.records.add(attrs.evolve(RECORD, id="r9"), idempotency_key="k1")
        assert (duplicate.value.code, duplicate.value.path) == ("input.duplicate", "idempotency_key")
        with pytest.raises(InvalidInput) as same_id:
            uow.records.add(attrs.evolve(RECORD, minutes=90))
        assert (same_id.value.code, same_id.value.path) == ("input.duplicate", "id")
        with pytest.raises(RuleViolation) as locked:
            uow.records.add(attrs.evolve(RECORD, id="r9"), idempotency_key="k9")
        assert locked.value.code == "ledger.year_locked"


@pytest.fixture
def statements(uow: SqlUnitOfWork, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The SQL statements the engine of ``uow`` runs (savepoints aside), as they run — and the ``COPY``
    of records on PostgreSQL, which runs on the driver's connection, unseen by the engine's events."""
    seen: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if "SAVEPOINT" not in statement.upper():
            seen.append(" ".join(statement.split()))

    copy = _records._copy_records

    def copied(conn: sa.Connection, table: sa.Table, entries: Any) -> bool:
        done = copy(conn, table, entries)
        if done:
            seen.append(f"COPY {table.name} FROM STDIN")
        return done

    monkeypatch.setattr(_records, "_copy_records", copied)
    sa.event.listen(uow.engine, "before_cursor_execute", note)
    yield seen
    sa.event.remove(uow.engine, "before_cursor_execute", note)


def test_add_many_checks_the_ledger_of_a_batch_in_bulk(uow: SqlUnitOfWork, statements: list[str]) -> None:
    batch = [(attrs.evolve(RECORD, id=f"n{i:03d}", on=date(2026, 1 + i % 12, 1)), None) for i in range(60)]
    batch += [
        (original.reversal(id=f"x{original.id}", recorded_on=date(2026, 12, 31)), None)
        for original, _ in batch[:20]
    ]
    with uow:
        statements.clear()
        assert uow.records.add_many(batch) == [record for record, _ in batch]
        ran = list(statements)
        uow.commit()
    write = "COPY" if uow.engine.dialect.name == "postgresql" else "INSERT"
    assert [s.split()[0] for s in ran] == ["SELECT", "SELECT", write], ran  # locks, reversals, one write


@pytest.mark.parametrize("where", ["locked year", "mismatch in the batch", "second reversal in the batch"])
def test_add_many_refuses_the_first_entry_add_refuses(uow: SqlUnitOfWork, where: str) -> None:
    fine = [(attrs.evolve(RECORD, id=f"n{i}", on=date(2025, 5, 1 + i)), None) for i in range(3)]
    first, _ = fine[0]
    bad: ServiceRecord = {
        "locked year": attrs.evolve(RECORD, id="n9"),
        "mismatch in the batch": attrs.evolve(
            first.reversal(id="n9", recorded_on=date(2025, 6, 1)), minutes=-5
        ),
        "second reversal in the batch": first.reversal(id="n9", recorded_on=date(2025, 6, 1)),
    }[where]
    code = {"locked year": "ledger.year_locked", "mismatch in the batch": "ledger.reversal_mismatch"}.get(
        where, "ledger.already_reversed"
    )
    batch = (
        [*fine, (first.reversal(id="n8", recorded_on=date(2025, 6, 1)), None)] if "second" in where else fine
    )
    _lock(uow)
    with uow:
        with pytest.raises(RuleViolation) as caught:
            uow.records.add_many(
                [*batch, (bad, "kb"), (attrs.evolve(RECORD, id="n10", on=date(2025, 7, 1)), None)]
            )
        assert caught.value.code == code
        assert uow.records.by_idempotency_key("kb") is None


def test_a_concurrent_second_reversal_loses_and_its_retry_is_already_reversed(pg_engine: sa.Engine) -> None:
    """Two transactions that both found r1 unreversed each add a reversal (PostgreSQL: SQLite serialises
    writers, the second sees the first). The second loses the race on the UNIQUE ``reverses``: a
    ``ConcurrencyConflict`` (what the use-cases retry) — and the retry is ``ledger.already_reversed``."""
    uow = _seed(SqlUnitOfWork(pg_engine))
    outcome: list[BaseException | None] = []
    has_read = threading.Event()

    def second() -> None:
        other = SqlUnitOfWork(uow.engine)
        try:
            with other:
                assert other.records.reversal_of("r1") is None
                has_read.set()
                other.records.add(attrs.evolve(REVERSAL, id="rv2"))  # waits for the first to end
                other.commit()
            outcome.append(None)
        except Exception as err:
            outcome.append(err)
        finally:
            has_read.set()

    with uow:
        assert uow.records.reversal_of("r1") is None
        uow.records.add(REVERSAL)
        loser = threading.Thread(target=second)
        loser.start()
        assert has_read.wait(timeout=60)
        uow.commit()
    loser.join(timeout=60)
    assert len(outcome) == 1, outcome
    assert isinstance(outcome[0], ConcurrencyConflict), outcome
    with uow:  # the retry sees the winner
        with pytest.raises(RuleViolation) as again:
            uow.records.add(attrs.evolve(REVERSAL, id="rv2"))
        assert again.value.code == "ledger.already_reversed"
        assert uow.records.reversal_of("r1") == REVERSAL
