"""Concurrent calls with one idempotency key record once and all return the first record."""

from __future__ import annotations

import threading
from datetime import date

from volunteer_core import Activity, Branch, Member, ServiceRecord, services
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork


def test_eight_threads_with_one_key_store_one_record_and_all_get_it() -> None:
    store = InMemoryStore()
    services.add_entities(
        InMemoryUnitOfWork(store),
        [
            Branch(id="b1", name="一支部"),
            Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)),
            Activity(id="a1", kind="community_service", branch_id="b1", on=date(2026, 3, 5), title="清洁"),
        ],
    )
    barrier = threading.Barrier(8)
    results: list[ServiceRecord] = []
    errors: list[BaseException] = []

    def call() -> None:
        uow = InMemoryUnitOfWork(store)
        barrier.wait()
        try:
            results.append(
                services.record_service(
                    uow,
                    member_id="m1",
                    activity_id="a1",
                    minutes=60,
                    idempotency_key="import-7",
                    recorded_on=date(2026, 3, 6),
                )
            )
        except BaseException as err:  # pragma: no cover - reported by the assertion below
            errors.append(err)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len({r.id for r in results}) == 1
    with InMemoryUnitOfWork(store) as uow:
        assert len(list(uow.records.in_year(2026))) == 1
