"""Units of work at once on every storage: a reader in another thread while a write is uncommitted, many
claims of one wish, two registrations of one target, and processes."""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
from collections.abc import Callable, Iterator
from datetime import date
from multiprocessing.synchronize import Barrier
from typing import Any

from volunteer_core import (
    Activity,
    Beneficiary,
    Branch,
    DateRange,
    Member,
    Pairing,
    PartnerUnit,
    ServiceRecord,
    Wish,
    Yuan,
    services,
)
from volunteer_core.errors import ConcurrencyConflict, RuleViolation
from volunteer_core.ports import UnitOfWork

MakeUow = Callable[[], UnitOfWork]
CLAIMANTS = 16
CLAIM_DAY = date(2026, 5, 4)
BRANCH = Branch(id="b1", name="办公室党支部")


# -- a reader in another thread while a write is uncommitted -------------------------------------------


def _is_sqlite(uow: UnitOfWork) -> bool:
    from volunteer_core.storage.sql import SqlUnitOfWork

    return isinstance(uow, SqlUnitOfWork) and uow.engine.dialect.name == "sqlite"


def _is_mysql(uow: UnitOfWork) -> bool:
    from volunteer_core.storage.sql import SqlUnitOfWork

    return isinstance(uow, SqlUnitOfWork) and uow.engine.dialect.name in ("mysql", "mariadb")


@contextlib.contextmanager
def _readers(make_uow: MakeUow, writer: UnitOfWork) -> Iterator[MakeUow]:
    """Units of work on the writer's storage that answer at once while the writer's transaction is open.

    SQLite runs one transaction at a time (``BEGIN IMMEDIATE``): a second unit of work waits up to 15 s
    for the first. Its readers here do not wait (``?timeout=0``): they are refused at once
    (ConcurrencyConflict). MariaDB's SERIALIZABLE reads wait for the writer's row locks: its readers wait one
    second, then are refused. Memory and PostgreSQL let a reader read at once.
    """
    from volunteer_core.storage.sql import SqlUnitOfWork

    if _is_mysql(writer):  # a reader waits one second (the least InnoDB allows) for a lock, then gives up
        assert isinstance(writer, SqlUnitOfWork)
        url = writer.engine.url.update_query_dict(
            {"init_command": "SET SESSION innodb_lock_wait_timeout = 1"}
        )
        engine = SqlUnitOfWork(url.render_as_string(hide_password=False)).engine
        try:
            yield lambda: SqlUnitOfWork(engine)
        finally:
            engine.dispose()
        return
    if not _is_sqlite(writer):
        yield make_uow
        return
    assert isinstance(writer, SqlUnitOfWork)
    url = writer.engine.url.update_query_dict({"timeout": "0"})
    engine = SqlUnitOfWork(url.render_as_string(hide_password=False)).engine
    try:
        yield lambda: SqlUnitOfWork(engine)
    finally:
        engine.dispose()


def _read_while_open(writer: UnitOfWork, make_reader: MakeUow) -> list[Branch] | str:
    """List the branches in another thread's unit of work while ``writer``'s transaction is open: the
    writer waits for the read to end, so the read cannot come after the writer's commit or rollback.
    The branches seen, or ``"locked"`` when the reader could not begin."""
    seen: list[list[Branch] | str] = []
    read = threading.Event()

    def reader() -> None:
        try:
            with make_reader() as other:
                seen.append(other.branches.list())
        except ConcurrencyConflict:
            seen.append("locked")
        finally:
            read.set()

    thread = threading.Thread(target=reader)
    thread.start()
    assert read.wait(timeout=60), "the reader waited for the writer: it must read (or be refused) at once"
    thread.join(timeout=60)
    assert len(seen) == 1, "the reader failed"
    return seen[0]


def _unseen(writer: UnitOfWork, seen: list[Branch] | str) -> bool:
    """The reader saw nothing of the uncommitted write — on SQLite it may not even begin meanwhile, on
    MariaDB its read waits for the writer's lock (SERIALIZABLE InnoDB locks what it reads)."""
    return seen == [] or (seen == "locked" and (_is_sqlite(writer) or _is_mysql(writer)))


def test_another_unit_of_work_sees_writes_only_after_commit(make_uow: MakeUow) -> None:
    writer = make_uow()
    with _readers(make_uow, writer) as make_reader:
        with writer:
            writer.branches.add(BRANCH)
            seen = _read_while_open(writer, make_reader)
            writer.commit()
        assert _unseen(writer, seen), seen
        with make_reader() as later:
            assert later.branches.list() == [BRANCH]


def test_another_unit_of_work_never_sees_rolled_back_writes(make_uow: MakeUow) -> None:
    writer = make_uow()
    with _readers(make_uow, writer) as make_reader:
        with writer:
            writer.branches.add(BRANCH)
            seen = _read_while_open(writer, make_reader)
        assert _unseen(writer, seen), seen
        with make_reader() as later:
            assert later.branches.list() == []


# -- many claims of one wish, two registrations of one target, processes -------------------------------


def _prepare_wish(uow: UnitOfWork) -> None:
    """Branch b1 with members m0–m15, and a published 300-yuan material wish w1."""
    services.add_entities(
        uow,
        [
            Branch(id="b1", name="办公室党支部"),
            *(
                Member(id=f"m{i}", name=f"党员{i}", branch_id="b1", joined_on=date(2020, 1, 1))
                for i in range(CLAIMANTS)
            ),
            Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区"),
        ],
    )
    services.collect_wish(
        uow,
        Wish(
            id="w1",
            beneficiary_id="p1",
            kind="material",
            content="轮椅",
            collected_on=date(2026, 5, 1),
            value="300",
        ),
    )
    services.screen_wish(uow, "w1", approved=True, on=date(2026, 5, 2))
    services.publish_wish(uow, "w1", on=date(2026, 5, 3))


def _claim(uow: UnitOfWork, member_id: str) -> str:
    """Claim 100 yuan of w1; the outcome: "ok", "conflict" or the rule code."""
    try:
        services.claim_wish(uow, "w1", member_id, on=CLAIM_DAY, pledged="100")
    except ConcurrencyConflict:
        return "conflict"
    except RuleViolation as err:
        return err.code
    return "ok"


def _claim_in_threads(make: MakeUow, member_ids: list[str], start: Callable[[], Any]) -> list[str]:
    """Each member claims in its own thread with its own unit of work, all at once after ``start()``."""
    outcomes: dict[str, str] = {}
    gate = threading.Barrier(len(member_ids))

    def run(member_id: str) -> None:
        uow = make()
        gate.wait(timeout=60)
        outcomes[member_id] = _claim(uow, member_id)

    threads = [threading.Thread(target=run, args=(m,)) for m in member_ids]
    start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == len(member_ids), "a claimant did not finish"
    return [outcomes[m] for m in member_ids]


def _check_claims(uow: UnitOfWork, outcomes: list[str], member_ids: list[str]) -> None:
    assert outcomes.count("ok") == 3, outcomes
    assert set(outcomes) <= {"ok", "conflict", "wish.claim_total"}, outcomes
    with uow:
        wish = uow.wishes.get("w1")
    assert wish.pledged_total == Yuan("300.00")
    assert len(wish.live_claims) == 3
    assert wish.version == 2 + 3
    winners = {m for m, outcome in zip(member_ids, outcomes, strict=True) if outcome == "ok"}
    assert {c.member_id for c in wish.claims} == winners


def test_sixteen_threads_claim_one_wish(make_uow: MakeUow) -> None:
    _prepare_wish(make_uow())
    members = [f"m{i}" for i in range(CLAIMANTS)]
    outcomes = _claim_in_threads(make_uow, members, lambda: None)
    _check_claims(make_uow(), outcomes, members)


def _claim_in_process(url: str, member_ids: list[str], barrier: Barrier, results: Any) -> None:
    """(In a spawned process.) Claim w1 for each member, a thread each, once both processes are ready."""
    from volunteer_core.storage.sql import SqlUnitOfWork

    engine = SqlUnitOfWork(url).engine
    try:
        outcomes = _claim_in_threads(
            lambda: SqlUnitOfWork(engine), member_ids, lambda: barrier.wait(timeout=60)
        )
        results.put(dict(zip(member_ids, outcomes, strict=True)))
    except BaseException as err:
        results.put({"error": repr(err)})
    finally:
        engine.dispose()


def test_two_processes_claim_one_wish(sql_url: str) -> None:
    from volunteer_core.storage.sql import SqlUnitOfWork

    _prepare_wish(SqlUnitOfWork(sql_url))
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    results = context.Queue()
    halves = [[f"m{i}" for i in range(start, CLAIMANTS, 2)] for start in (0, 1)]
    processes = [
        context.Process(target=_claim_in_process, args=(sql_url, half, barrier, results)) for half in halves
    ]
    for process in processes:
        process.start()
    try:
        found: dict[str, str] = {}
        for _ in processes:
            found.update(results.get(timeout=120))
    finally:
        for process in processes:
            process.join(timeout=60)
            if process.is_alive():  # pragma: no cover - only when the test already failed
                process.kill()
    assert "error" not in found, found
    members = sorted(found)
    _check_claims(SqlUnitOfWork(sql_url), [found[m] for m in members], members)


def test_two_concurrent_registrations_of_one_target(make_uow: MakeUow) -> None:
    rounds = 3
    services.add_entities(
        make_uow(),
        [
            *(Branch(id=f"b{r}-{i}", name=f"支部{r}{i}") for r in range(rounds) for i in range(2)),
            *(PartnerUnit(id=f"u{r}", name=f"福利院{r}", kind="welfare_home") for r in range(rounds)),
        ],
    )
    for r in range(rounds):
        gate = threading.Barrier(2)
        outcomes: dict[int, str] = {}

        def register(
            i: int, r: int = r, gate: threading.Barrier = gate, outcomes: dict[int, str] = outcomes
        ) -> None:
            uow = make_uow()
            pairing = Pairing(
                id=f"pr{r}-{i}",
                branch_ids={f"b{r}-{i}"},
                target_id=f"u{r}",
                mode="solo",
                period=DateRange(date(2026, 1 + i, 1), date(2026, 12, 31)),
            )
            gate.wait(timeout=60)
            try:
                services.register_pairing(uow, pairing)
                outcomes[i] = "ok"
            except RuleViolation as err:
                outcomes[i] = err.code
            except ConcurrencyConflict:
                outcomes[i] = "conflict"

        threads = [threading.Thread(target=register, args=(i,)) for i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert sorted(outcomes.values()) in (["ok", "pairing.duplicate"], ["conflict", "ok"]), outcomes
        with make_uow() as uow:
            assert len(uow.pairings.for_target(f"u{r}")) == 1


# -- one idempotency key, sixteen different requests at once -----------------------------------------------


def test_sixteen_callers_with_one_key_and_different_requests_store_exactly_one(make_uow: MakeUow) -> None:
    """16 threads, one idempotency key, 16 different requests (minutes 10 … 25): exactly one record is
    stored; every other caller gets ``ledger.idempotency_conflict`` (its retry sees the winner) — none is
    silently handed the winner's record."""
    services.add_entities(
        make_uow(),
        [
            BRANCH,
            Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)),
            Activity(id="a1", kind="community_service", branch_id="b1", on=date(2026, 3, 5), title="清扫"),
        ],
    )
    gate = threading.Barrier(CLAIMANTS)
    outcomes: dict[int, object] = {}

    def call(index: int) -> None:
        uow = make_uow()
        gate.wait(timeout=60)
        try:
            outcomes[index] = services.record_service(
                uow, member_id="m1", activity_id="a1", minutes=10 + index, idempotency_key="RACE", retries=64
            )
        except RuleViolation as err:
            outcomes[index] = err.code
        except Exception as err:  # reported by the assertions below
            outcomes[index] = repr(err)

    threads = [threading.Thread(target=call, args=(i,)) for i in range(CLAIMANTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    found = [outcomes.get(i) for i in range(CLAIMANTS)]
    stored = [o for o in found if isinstance(o, ServiceRecord)]
    assert len(stored) == 1, found
    assert found.count("ledger.idempotency_conflict") == CLAIMANTS - 1, found
    with make_uow() as uow:
        assert [r.id for r in uow.records.in_year(2026)] == [stored[0].id]
        assert uow.records.by_idempotency_key("RACE") == stored[0]
