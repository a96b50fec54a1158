"""``record_services`` records a batch with bulk reads and one ``records.add_many`` — on every storage —
and keeps the semantics of recording the items one by one: same records, same refusals, same
idempotency; a bad item rolls back its own batch only."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

import attrs
import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from volunteer_core import Activity, Branch, Member, ServiceRecord, services
from volunteer_core.errors import InvalidInput, NotFound, RuleViolation
from volunteer_core.ports import UnitOfWork
from volunteer_core.services import RecordRequest
from volunteer_core.storage.memory import InMemoryUnitOfWork
from volunteer_core.storage.sql import SqlUnitOfWork, _records

MakeUow = Callable[[], UnitOfWork]
ENTERED = date(2026, 6, 30)


def _world(prefix: str = "") -> list[Any]:
    """Branches b1, b2; members m1–m3 of b1, m4 of b2; a1 (b1, 120 minutes at most), a2 (b1, two days),
    a3 (b2), a4 (b1, last year)."""
    p = prefix
    return [
        Branch(id=f"{p}b1", name="一支部"),
        Branch(id=f"{p}b2", name="二支部"),
        *(
            Member(id=f"{p}m{i}", name="张三", branch_id=f"{p}b1", joined_on=date(2020, 1, 1))
            for i in (1, 2, 3)
        ),
        Member(id=f"{p}m4", name="李四", branch_id=f"{p}b2", joined_on=date(2020, 1, 1)),
        Activity(
            id=f"{p}a1",
            kind="community_service",
            branch_id=f"{p}b1",
            on=date(2026, 3, 5),
            title="清扫",
            duration_minutes=120,
        ),
        Activity(
            id=f"{p}a2",
            kind="pairing",
            branch_id=f"{p}b1",
            on=date(2026, 4, 1),
            until=date(2026, 4, 2),
            title="走访",
        ),
        Activity(id=f"{p}a3", kind="caring_action", branch_id=f"{p}b2", on=date(2026, 5, 1), title="捐赠"),
        Activity(id=f"{p}a4", kind="pairing", branch_id=f"{p}b1", on=date(2025, 12, 30), title="走访"),
    ]


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    unit = make_uow()
    services.add_entities(unit, _world())
    return unit


def _request(member: str, activity: str = "a2", minutes: int = 60, **fields: Any) -> RecordRequest:
    return RecordRequest(member_id=member, activity_id=activity, minutes=minutes, **fields)


def _stored(uow: UnitOfWork) -> list[ServiceRecord]:
    with uow:
        return uow.records.list()


def test_a_batch_stores_what_one_by_one_calls_store(uow: UnitOfWork) -> None:
    items = [
        _request("m1", "a1", 90, record_id="r1", idempotency_key="k1"),
        _request("m2", "a2", 30, on=date(2026, 4, 2), record_id="r2"),
        _request("m1", "a1", 120, record_id="r3", recorded_on=date(2026, 3, 20)),
        _request("m4", "a3", 45, record_id="r4", idempotency_key="k4"),
        _request("m3", "a4", 60, record_id="r5"),  # last year
    ]
    stored = services.record_services(uow, items, recorded_on=ENTERED)
    reference = InMemoryUnitOfWork()
    services.add_entities(reference, _world())
    one_by_one = [
        services.record_service(
            reference,
            member_id=r.member_id,
            activity_id=r.activity_id,
            minutes=r.minutes,
            on=r.on,
            idempotency_key=r.idempotency_key,
            recorded_on=r.recorded_on or ENTERED,
            record_id=r.record_id,
        )
        for r in items
    ]
    assert stored == one_by_one
    assert _stored(uow) == _stored(reference)
    with uow:
        assert uow.records.by_idempotency_key("k4") == stored[3]
        assert [r.id for r in uow.records.for_member("m1", 2026)] == ["r1", "r3"]


def test_a_key_repeated_in_a_batch_stores_once_and_returns_the_first(uow: UnitOfWork) -> None:
    items = [
        _request("m1", minutes=60, idempotency_key="k1"),
        _request("m2", minutes=30),
        _request("m1", minutes=60, idempotency_key="k1"),  # same key, same request: the first record
        _request("m2", minutes=45, idempotency_key="k2"),
    ]
    with pytest.raises(RuleViolation) as refused:  # same key, another request: the batch is refused
        services.record_services(uow, [*items[:2], _request("m3", minutes=60, idempotency_key="k1")])
    assert refused.value.code == "ledger.idempotency_conflict"
    assert _stored(uow) == []
    stored = services.record_services(uow, items, recorded_on=ENTERED)
    assert stored[2] == stored[0]
    assert (stored[0].member_id, stored[0].minutes) == ("m1", 60)
    assert len(_stored(uow)) == 3
    again = services.record_services(
        uow, [items[3], _request("m1", minutes=15), items[0]], batch_size=2, recorded_on=ENTERED
    )
    assert again[0] == stored[3]
    assert again[2] == stored[0]
    assert len(_stored(uow)) == 4


def test_a_key_repeated_across_batches_returns_the_first(uow: UnitOfWork) -> None:
    items = [
        _request(f"m{1 + i % 4 % 3}", minutes=10 + i % 4, idempotency_key=f"k{i % 4}") for i in range(10)
    ]
    stored = services.record_services(uow, items, batch_size=3, recorded_on=ENTERED)
    assert [r.minutes for r in stored] == [10, 11, 12, 13, 10, 11, 12, 13, 10, 11]
    assert len(_stored(uow)) == 4


def test_a_bad_item_in_batch_two_keeps_batch_one_and_nothing_of_batch_two(uow: UnitOfWork) -> None:
    items = [_request(f"m{1 + i % 3}", minutes=10 + i, record_id=f"r{i}") for i in range(5)]
    items.insert(4, _request("m2", minutes=0, record_id="bad"))  # batch 2: r3, bad, r4
    with pytest.raises(InvalidInput) as refused:
        services.record_services(uow, items, batch_size=3, recorded_on=ENTERED)
    assert refused.value.path == "minutes"
    assert sorted(r.id for r in _stored(uow)) == ["r0", "r1", "r2"]


@pytest.mark.parametrize(
    ("bad", "code"),
    [
        (_request("m4", "a3", 60, record_id="x"), "ledger.year_locked"),
        (_request("m1", "a1", 121, record_id="x"), "record.duration"),
        (_request("m2", "a1", 30, record_id="x"), "record.sessions_per_day"),
    ],
    ids=["locked", "duration", "sessions"],
)
def test_refusals_inside_a_batch_name_the_rule(uow: UnitOfWork, bad: RecordRequest, code: str) -> None:
    services.lock_year(uow, "b2", 2026)
    services.record_services(uow, [_request("m2", "a1", 30), _request("m2", "a1", 30)], recorded_on=ENTERED)
    items = [_request("m1", "a2", 60, record_id="ok1"), _request("m2", "a1", 30, record_id="ok2"), bad]
    with pytest.raises(RuleViolation) as refused:
        services.record_services(uow, [*items, _request("m3", record_id="ok3")], recorded_on=ENTERED)
    assert refused.value.violation.code == code
    assert refused.value.violation.subject_id == "x"
    assert len(_stored(uow)) == 2, "nothing of the refused batch is stored"


def test_missing_member_or_activity_raises_not_found(uow: UnitOfWork) -> None:
    for bad in (_request("m9", record_id="x"), _request("m1", "a9", record_id="x")):
        with pytest.raises(NotFound):
            services.record_services(uow, [_request("m1", record_id="ok"), bad], recorded_on=ENTERED)
    assert _stored(uow) == []


def test_an_earlier_storage_refusal_comes_before_a_later_rule(uow: UnitOfWork) -> None:
    """As one by one: a duplicate ``record_id`` (refused by the storage at the insert) raises before a
    later item's locked year (refused before any insert)."""
    services.lock_year(uow, "b2", 2026)
    services.record_service(uow, member_id="m1", activity_id="a2", minutes=60, record_id="r1")
    items = [_request("m2", record_id="r2"), _request("m3", record_id="r1"), _request("m4", "a3")]
    with pytest.raises(InvalidInput) as refused:
        services.record_services(uow, items, recorded_on=ENTERED)
    assert (refused.value.code, refused.value.path) == ("input.duplicate", "id")
    with pytest.raises(InvalidInput) as again:
        services.record_services(uow, [_request("m2", record_id="r2"), _request("m3", record_id="r2")])
    assert (again.value.code, again.value.path) == ("input.duplicate", "id")
    assert [r.id for r in _stored(uow)] == ["r1"]


def test_bulk_reads_of_more_ids_than_one_query_binds(uow: UnitOfWork) -> None:
    """``get_many``, ``for_members`` and ``by_idempotency_keys`` with thousands of ids (SQL: chunked)."""
    services.record_services(uow, [_request("m1", idempotency_key="k1"), _request("m2")], recorded_on=ENTERED)
    ids = [f"zz{i}" for i in range(4500)]
    with uow:
        assert sorted(uow.members.get_many([*ids, "m3", "m1"])) == ["m1", "m3"]
        assert sorted(uow.records.by_idempotency_keys([*ids, "k1"])) == ["k1"]
        found = uow.records.for_members([*ids, "m2"], 2026)
        assert len(found) == 4501
        assert [r.member_id for r in found["m2"]] == ["m2"]
        assert found["zz17"] == []


# -- the same results as one by one, drawn --------------------------------------------------------------

_REQUESTS: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
    {
        "member_id": st.sampled_from(["m1", "m2", "m3", "m4", "m9"]),
        "activity_id": st.sampled_from(["a1", "a2", "a3", "a4", "a1", "a2"]),
        "minutes": st.sampled_from([30, 60, 120, 150, 0]),
        "on": st.sampled_from([None, None, date(2026, 4, 1), date(2026, 4, 2), date(2025, 12, 30)]),
        "idempotency_key": st.sampled_from([None, None, "k1", "k2", "k3"]),
        "record_id": st.sampled_from([None, None, None, "r1", "r2", "r3", "r4"]),
    }
)


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except InvalidInput as err:
        return ("InvalidInput", err.code, err.path)
    except RuleViolation as err:
        return ("RuleViolation", err.violation.code, err.violation.subject_id)
    except NotFound:
        return ("NotFound",)


def _normal(records: Sequence[ServiceRecord], prefix: str) -> list[str]:
    """The records without their prefix and generated ids, comparable across storages (sorted)."""
    return sorted(
        repr(
            attrs.evolve(
                r,
                id="generated" if r.id.startswith("rec-") else r.id.removeprefix(prefix),
                member_id=r.member_id.removeprefix(prefix),
                activity_id=r.activity_id.removeprefix(prefix),
                branch_id=r.branch_id.removeprefix(prefix),
            )
        )
        for r in records
    )


def _one_by_one(items: list[dict[str, Any]], batch_size: int, lock: bool) -> tuple[Any, list[ServiceRecord]]:
    """What recording ``items`` one by one gives — the records, or the first refusal — and what is
    stored once the failing batch is rolled back (the batches before it)."""
    reference = InMemoryUnitOfWork()
    services.add_entities(reference, _world())
    if lock:
        services.lock_year(reference, "b2", 2026)
    returned: list[ServiceRecord] = []
    for start in range(0, len(items), batch_size):
        before = list(returned)
        for item in items[start : start + batch_size]:
            found = _outcome(
                functools.partial(services.record_service, reference, **item, recorded_on=ENTERED)
            )
            if not isinstance(found, ServiceRecord):
                return found, _distinct(before)
            returned.append(found)
    return returned, _distinct(returned)


def _distinct(records: list[ServiceRecord]) -> list[ServiceRecord]:
    """Each record once (a repeated idempotency key returns the first record again)."""
    return list({r.id: r for r in records}.values())


_EXAMPLES = itertools.count()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(items=st.lists(_REQUESTS, max_size=9), batch_size=st.integers(1, 4), lock=st.booleans())
def test_drawn_batches_agree_with_one_by_one(
    make_uow: MakeUow, items: list[dict[str, Any]], batch_size: int, lock: bool
) -> None:
    """Drawn requests (duplicate keys and record ids, a missing member, refused minutes, a locked year,
    too many sessions) give the same records or the same first refusal, and store the same; each
    example works on ids of its own in the fixture's storage."""
    prefix = f"e{next(_EXAMPLES)}-"
    subject = make_uow()
    services.add_entities(subject, _world(prefix))
    if lock:
        services.lock_year(subject, f"{prefix}b2", 2026)

    def prefixed(item: dict[str, Any]) -> dict[str, Any]:
        return {k: v if v is None or k in ("minutes", "on") else f"{prefix}{v}" for k, v in item.items()}

    found = _outcome(
        lambda: services.record_services(
            subject, [prefixed(i) for i in items], batch_size=batch_size, recorded_on=ENTERED
        )
    )
    expected, expected_stored = _one_by_one(items, batch_size, lock)
    if isinstance(expected, list):
        assert isinstance(found, list), found
        assert [_normal([r], prefix) for r in found] == [_normal([r], "") for r in expected]
    else:
        assert isinstance(found, tuple)
        assert found[:2] == expected[:2]
        if len(found) > 2 and found[0] == "RuleViolation":
            assert _normal_id(found[2], prefix) == _normal_id(expected[2], "")
    with subject:
        stored = [r for r in subject.records.list() if r.branch_id.startswith(prefix)]
    assert _normal(stored, prefix) == _normal(expected_stored, "")


def _normal_id(value: str, prefix: str) -> str:
    return "generated" if value.startswith("rec-") else value.removeprefix(prefix)


# -- round trips -----------------------------------------------------------------------------------------


@pytest.fixture
def counted(sql_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[SqlUnitOfWork, list[str]]]:
    """A SQL unit of work on a fresh storage with the world, and the statements it executes from now —
    a ``COPY`` of records on PostgreSQL included, which runs on the driver's connection, unseen by the
    engine's events."""
    uow = SqlUnitOfWork(sql_url)
    members = [Member(id=f"v{i}", name="王五", branch_id="b1", joined_on=date(2020, 1, 1)) for i in range(25)]
    year_long = [  # activities spanning the year: a record on any day of it is on the activity's date
        Activity(
            id=f"y{k}", kind=kind, branch_id="b1", on=date(2026, 1, 1), until=date(2026, 12, 31), title="全年"
        )
        for k, kind in enumerate(("community_service", "pairing", "caring_action"), start=1)
    ]
    services.add_entities(uow, [*_world(), *members, *year_long])
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    copy = _records._copy_records

    def copied(conn: sa.Connection, table: sa.Table, entries: Any) -> bool:
        done = copy(conn, table, entries)
        if done:
            statements.append(f"COPY {table.name} FROM STDIN")
        return done

    monkeypatch.setattr(_records, "_copy_records", copied)
    sa.event.listen(uow.engine, "before_cursor_execute", count)
    try:
        yield uow, statements
    finally:
        sa.event.remove(uow.engine, "before_cursor_execute", count)
        uow.engine.dispose()


def test_a_batch_of_1000_records_takes_a_handful_of_statements(
    counted: tuple[SqlUnitOfWork, list[str]],
) -> None:
    """Recording 1,000 records of 25 members at 3 year-long activities in one batch, each with an
    idempotency key: a few bulk reads, one write (a COPY on PostgreSQL, an executemany INSERT on SQLite)
    — not several statements per record."""
    uow, statements = counted
    activities = ("y1", "y2", "y3")
    items = [
        _request(
            f"v{i % 25}",
            activities[i % 3],
            30,
            on=date(2026, 1 + i % 12, 1 + i // 12 % 28),
            idempotency_key=f"k{i}",
        )
        for i in range(1000)
    ]
    stored = services.record_services(uow, items, batch_size=1000, recorded_on=ENTERED)
    assert len(stored) == 1000
    assert len(statements) <= 20, statements
    assert sum(s.lstrip().upper().startswith(("INSERT", "COPY")) for s in statements) == 1
    statements.clear()
    assert services.record_services(uow, items, batch_size=1000) == stored  # all known by key
    assert len(statements) <= 10, statements


def test_bulk_reads_run_unprepared(sql_url: str) -> None:
    """psycopg prepares a statement run 5 times on a connection; a bulk ``IN (…)`` read prepared while
    the table is small keeps a sequential-scan plan as the table grows, so the bulk reads run
    unprepared — and psycopg's setting is restored afterwards."""
    uow = SqlUnitOfWork(sql_url)
    services.add_entities(uow, _world())
    try:
        with uow:
            for _ in range(8):
                assert uow.records.by_idempotency_keys(["k1", "k2"]) == {}
                assert uow.records.for_members(["m1"], 2026) == {"m1": []}
                assert sorted(uow.members.get_many(["m1", "m2"])) == ["m1", "m2"]
            if uow.engine.dialect.name == "postgresql":
                assert uow._tx is not None
                conn = uow._tx.conn
                prepared = conn.exec_driver_sql("SELECT statement FROM pg_prepared_statements").scalars()
                assert not [s for s in prepared if " IN (" in s]
                raw: Any = conn.connection.dbapi_connection
                assert raw.prepare_threshold == 5
    finally:
        uow.engine.dispose()
