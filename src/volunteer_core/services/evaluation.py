"""Evaluating a stored year: :func:`evaluate_year` in its own transaction, or
:func:`evaluate_in_transaction` inside one the caller holds (a form, the command line's report).

>>> from datetime import date
>>> from volunteer_core import Branch, Member
>>> from volunteer_core.services import add_entities
>>> from volunteer_core.storage.memory import InMemoryUnitOfWork
>>> uow = InMemoryUnitOfWork()
>>> _ = add_entities(uow, [Branch(id="b1", name="一支部"),
...     Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))])
>>> report = evaluate_year(uow, 2026)
>>> report.members["m1"].compliant, report.records_read
(False, 0)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date

from volunteer_core import compliance
from volunteer_core._gcpause import paused_collector
from volunteer_core.model import CommunityRegistration, ServiceRecord
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.ports import UnitOfWork

__all__ = ["evaluate_in_transaction", "evaluate_year"]


def evaluate_in_transaction(
    uow: UnitOfWork,
    year: int,
    *,
    policy: Policy = DEFAULT,
    as_of: date | None = None,
    registrations: Iterable[CommunityRegistration] = (),
    pushdown: bool = True,
    records: Callable[[Iterator[ServiceRecord]], Iterable[ServiceRecord]] | None = None,
) -> compliance.YearReport:
    """Evaluate a stored year inside the transaction the caller has already opened (``with uow:``);
    it neither commits nor pauses the garbage collector (:func:`evaluate_year` does both around it).

    The per-member aggregates come from :meth:`UnitOfWork.member_year_totals
    <volunteer_core.ports.UnitOfWork.member_year_totals>` — computed in the database by
    ``storage.sql`` (``GROUP BY``), by streaming the records elsewhere — and are judged by
    :func:`volunteer_core.compliance.evaluate_year_totals`. ``pushdown=False`` streams
    ``records.in_year(year)`` into :func:`volunteer_core.evaluate_year` instead (same report). With
    ``policy.community_service_where_registered`` (双报到) the records are always streamed: pass the
    members' ``registrations``. Streaming reads every stored activity and pairing: who organises each
    activity, which days it covers (a record may refer to an activity of another year), its community.

    ``records`` wraps the record stream — a progress display, a tally of one's own — and is given
    ``records.in_year(year)``; the records are then always streamed, each seen once by the wrapper.

    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> seen = []
    >>> def tally(stream):
    ...     for record in stream:
    ...         seen.append(record.id)
    ...         yield record
    >>> uow = InMemoryUnitOfWork()
    >>> with uow:
    ...     report = evaluate_in_transaction(uow, 2026, records=tally)
    >>> report.year, report.records_read, seen
    (2026, 0, [])
    """
    plans = [p for p in uow.plans.list() if p.year == year]
    reports = [r for r in uow.reports.list() if r.year == year]
    if pushdown and records is None and not policy.community_service_where_registered:
        totals = uow.member_year_totals(year, as_of=as_of)
        return compliance.evaluate_year_totals(
            year,
            members=uow.members.list(),
            totals=totals.values(),
            teams=uow.teams.list(),
            activities=uow.activities.in_year(year),
            pairings=uow.pairings.list(),
            plans=plans,
            reports=reports,
            branches=uow.branches.list(),
            policy=policy,
            as_of=as_of,
        )
    return compliance.evaluate_year(
        year,
        members=uow.members.list(),
        records=uow.records.in_year(year) if records is None else records(uow.records.in_year(year)),
        teams=uow.teams.list(),
        activities=uow.activities.list(),  # every activity a record may refer to (spans, off its date)
        pairings=uow.pairings.list(),
        plans=plans,
        reports=reports,
        branches=uow.branches.list(),
        policy=policy,
        as_of=as_of,
        registrations=registrations,
    )


def evaluate_year(
    uow: UnitOfWork,
    year: int,
    *,
    policy: Policy = DEFAULT,
    as_of: date | None = None,
    registrations: Iterable[CommunityRegistration] = (),
    pushdown: bool = True,
) -> compliance.YearReport:
    """Evaluate a stored year inside one read-only transaction: :func:`evaluate_in_transaction` (which
    says how: aggregates computed by the storage, or the records streamed) in a ``with uow:`` of its own.

    CPython's cyclic garbage collector is paused for the call (the pass builds hundreds of thousands of
    long-lived objects and no reference cycle; see ``volunteer_core._gcpause``) and restored after it.

    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> evaluate_year(InMemoryUnitOfWork(), 2026).records_read
    0
    """
    with paused_collector(), uow:
        return evaluate_in_transaction(
            uow, year, policy=policy, as_of=as_of, registrations=registrations, pushdown=pushdown
        )
