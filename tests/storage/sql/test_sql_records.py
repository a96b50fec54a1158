"""The ledger's SQL repository (``storage/sql/_records.py``): a record reversed once (``ledger.already_reversed``,
held by a UNIQUE constraint too), and ``in_year`` streaming in chunks until its transaction ends."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from sql_support import MEMBER, RECORD, seed

from volunteer_core.errors import RuleViolation, StorageError
from volunteer_core.storage.sql import SqlUnitOfWork


def test_a_record_is_reversed_once(sql_uow: SqlUnitOfWork) -> None:
    seed(sql_uow)
    with sql_uow:
        sql_uow.records.add(RECORD)
        sql_uow.records.add(RECORD.reversal(id="rev1", recorded_on=date(2026, 3, 9)))
        with pytest.raises(RuleViolation) as caught:
            sql_uow.records.add(RECORD.reversal(id="rev2", recorded_on=date(2026, 3, 9)))
        assert caught.value.code == "ledger.already_reversed"
        assert caught.value.violation.details == {"record_id": "r1", "reversal_id": "rev1"}
        assert sql_uow.records.reversal_of("r1") is not None
        sql_uow.commit()


def test_in_year_streams_in_chunks_and_ends_with_its_transaction(sql_url: str) -> None:
    uow = SqlUnitOfWork(sql_url, chunk_size=2)
    try:
        seed(uow, records=30)
        with uow:
            stream = uow.records.in_year(2026)
            first = [next(stream) for _ in range(3)]
            uow.records.add(attrs.evolve(RECORD, id="r999", on=date(2026, 12, 31)))  # writing meanwhile
            assert uow.members.get("m1") == MEMBER  # and reading
            rest = list(stream)
            assert len(first) + len(rest) >= 30
            assert [r.on for r in first + rest] == sorted(r.on for r in first + rest)
            unfinished = uow.records.in_year(2026)
            next(unfinished)
            uow.commit()
        with pytest.raises(StorageError):
            next(unfinished)
    finally:
        uow.engine.dispose()
