"""Evaluating a stored year (``volunteer_core.services.evaluation``), on every storage."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from services_support import MakeUow

from volunteer_core import ServiceRecord, compliance, services
from volunteer_core.services.evaluation import evaluate_in_transaction
from volunteer_core.testing.synthetic import generate_year


def test_evaluate_year_equals_the_core_on_the_same_data(make_uow: MakeUow) -> None:
    world = generate_year(2026, members=12, branches=2, seed=5)
    uow = make_uow()
    loaded = world.load_into(uow, batch_size=200)
    assert loaded.records > 100
    with uow:
        activities = uow.activities.in_year(2026)
        pairings = uow.pairings.list()
        records = list(uow.records.in_year(2026))
    assert len(records) == loaded.records + loaded.reversals
    assert sorted(records, key=lambda r: r.id) == sorted(world.records(), key=lambda r: r.id)
    expected = compliance.evaluate_year(
        2026,
        members=world.members,
        records=world.iter_records(),
        teams=world.teams,
        activities=activities,
        pairings=pairings,
        plans=world.plans,
        reports=world.reports,
        branches=world.branches,
        as_of=date(2026, 12, 31),
    )
    got = services.evaluate_year(uow, 2026, as_of=date(2026, 12, 31))
    assert got.to_records() == expected.to_records()
    assert sorted(got.violations, key=repr) == sorted(expected.violations, key=repr)
    assert (got.records_read, got.unmatched_records) == (expected.records_read, expected.unmatched_records)
    assert got.branches == expected.branches


def test_evaluating_inside_an_open_transaction_streams_through_the_wrapper(make_uow: MakeUow) -> None:
    """``records=`` sees every record of the year once and forces streaming; the report is the one
    :func:`services.evaluate_year` gives, with or without the aggregates computed by the storage."""
    world = generate_year(2026, members=12, branches=2, seed=5)
    uow = make_uow()
    world.load_into(uow, batch_size=200)
    as_of = date(2026, 12, 31)
    seen: list[str] = []

    def wrap(stream: Iterator[ServiceRecord]) -> Iterator[ServiceRecord]:
        for record in stream:
            seen.append(record.id)
            yield record

    with uow:
        wrapped = evaluate_in_transaction(uow, 2026, as_of=as_of, records=wrap)
        streamed = evaluate_in_transaction(uow, 2026, as_of=as_of, pushdown=False)
        in_year = sorted(r.id for r in uow.records.in_year(2026))
    assert sorted(seen) == in_year
    assert wrapped.records_read == len(in_year)
    expected = services.evaluate_year(uow, 2026, as_of=as_of)
    for got in (wrapped, streamed):
        assert got.to_records() == expected.to_records()
        assert sorted(got.violations, key=repr) == sorted(expected.violations, key=repr)
        assert got.branches == expected.branches
    assert services.evaluate_in_transaction is evaluate_in_transaction
