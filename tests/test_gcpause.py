"""The garbage-collector pause of ``services.evaluate_year`` (``volunteer_core._gcpause``)."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator
from datetime import date

import pytest

from volunteer_core import Branch, Member, services
from volunteer_core._gcpause import paused_collector
from volunteer_core.compliance import MemberTotals
from volunteer_core.storage.memory import InMemoryUnitOfWork


@pytest.fixture(autouse=True)
def _collector_restored() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


def test_the_collector_is_paused_inside_and_enabled_again_after() -> None:
    gc.enable()
    with paused_collector():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_an_exception_inside_still_enables_it_again() -> None:
    gc.enable()
    with pytest.raises(ZeroDivisionError), paused_collector():
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_a_collector_the_caller_disabled_stays_disabled() -> None:
    gc.disable()
    with paused_collector():
        assert not gc.isenabled()
    assert not gc.isenabled()


def test_nested_pauses_enable_it_only_when_the_outer_one_ends() -> None:
    gc.enable()
    with paused_collector():
        with paused_collector():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_overlapping_pauses_in_threads_enable_it_only_when_the_last_ends() -> None:
    gc.enable()
    first_in, second_in, first_may_leave = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with paused_collector():
            first_in.set()
            first_may_leave.wait(10)

    thread = threading.Thread(target=first)
    thread.start()
    assert first_in.wait(10)

    def second() -> None:
        with paused_collector():
            second_in.set()
        seen.append(gc.isenabled())  # the first pause still runs

    other = threading.Thread(target=second)
    other.start()
    other.join(10)
    assert second_in.is_set()
    assert seen == [False]
    first_may_leave.set()
    thread.join(10)
    assert gc.isenabled()


class _Watched(InMemoryUnitOfWork):
    """An in-memory storage that records whether the collector ran while the totals were read."""

    def __init__(self) -> None:
        super().__init__()
        self.collector_enabled: list[bool] = []

    def member_year_totals(
        self, year: int, *, as_of: date | None = None, branch_ids: Iterable[str] | None = None
    ) -> dict[str, MemberTotals]:
        self.collector_enabled.append(gc.isenabled())
        return super().member_year_totals(year, as_of=as_of, branch_ids=branch_ids)


def test_evaluate_year_runs_with_the_collector_paused_and_restores_it() -> None:
    gc.enable()
    uow = _Watched()
    with uow:
        uow.branches.add(Branch(id="b1", name="一支部"))
        uow.members.add(
            Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1), skills={"急救"})
        )
        uow.commit()
    report = services.evaluate_year(uow, 2026)
    assert uow.collector_enabled == [False]
    assert gc.isenabled()
    assert set(report.members) == {"m1"}


def test_evaluate_year_restores_the_collector_when_it_fails() -> None:
    gc.enable()
    with pytest.raises(Exception, match="year"):
        services.evaluate_year(InMemoryUnitOfWork(), 0)
    assert gc.isenabled()
