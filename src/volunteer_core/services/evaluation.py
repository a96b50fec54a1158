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

An organisation's subtree (逐级上报): the branches under it, rolled up node by node.

>>> from volunteer_core import Organisation
>>> _ = add_entities(uow, [Organisation(id="o1", name="市直机关工委", kind="work_committee"),
...     Branch(id="b2", name="二支部", organisation_id="o1"),
...     Member(id="m2", name="李四", branch_id="b2", joined_on=date(2020, 1, 1))])
>>> part = evaluate_year(uow, 2026, organisation_id="o1")
>>> sorted(part.members), [(o.name, o.subtree.members) for o in part.organisations.values()]
(['m2'], [('市直机关工委', 1)])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from types import MappingProxyType

import attrs

from volunteer_core import compliance
from volunteer_core._gcpause import paused_collector
from volunteer_core.errors import InvalidInput
from volunteer_core.model import (
    Activity,
    Branch,
    BranchPlan,
    CommunityRegistration,
    HalfYearReport,
    Member,
    Organisation,
    Pairing,
    ServiceRecord,
    Team,
    check_identifier,
)
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.ports import UnitOfWork

__all__ = ["MEMBER_CHUNK", "evaluate_in_transaction", "evaluate_year"]


#: How many members' records a streamed evaluation of a subtree asks for at once.
MEMBER_CHUNK = 500


@attrs.frozen(kw_only=True)
class _Scope:
    """What one evaluation judges: the organisations rolled up, the branches, their members, teams,
    pairings, plans and reports (every stored one, or an organisation's subtree's)."""

    organisations: list[Organisation]
    ancestors: list[Organisation]  # above the subtree's node: where its branches' 单位 may be
    branches: list[Branch]
    branch_ids: frozenset[str] | None  # None: every branch
    members: list[Member]
    teams: list[Team]
    pairings: list[Pairing]
    plans: list[BranchPlan]
    reports: list[HalfYearReport]
    every_branch_id: frozenset[str] = frozenset()
    shard: tuple[int, int] | None = None

    def mine(self, member_id: str) -> bool:
        """Whether ``member_id`` (a record's, a total's: known or not) is in the scope's shard."""
        return self.shard is None or compliance.shard_of(member_id, self.shard[1]) == self.shard[0]

    def organised(self, activities: Iterable[Activity]) -> list[Activity]:
        """The activities the scope judges: every one, or those a branch of the subtree organises."""
        ids = self.branch_ids
        return (
            list(activities) if ids is None else [a for a in activities if not ids.isdisjoint(a.branch_ids)]
        )

    def placed(self) -> list[Organisation]:
        """The organisations the evaluation is given: the subtree and the nodes above it, so that the
        limit per 单位 (``pairing.single_target``) finds a unit above the subtree's node."""
        return [*self.ancestors, *self.organisations]

    def rooted(self, report: compliance.YearReport) -> compliance.YearReport:
        """``report`` with its roll-up starting at the subtree's node (depth 0), without the nodes above."""
        if not self.ancestors:
            return report
        rolled = compliance.roll_up_organisations(
            self.organisations,
            branches=self.branches,
            branch_totals={b: y.totals for b, y in report.branches.items()},
        )
        return attrs.evolve(report, organisations=MappingProxyType(rolled))

    def read(self, uow: UnitOfWork, year: int) -> Iterator[ServiceRecord]:
        """The year's records the scope reads: ``records.in_year`` (streamed), or the subtree's members'
        (``records.for_members``, :data:`MEMBER_CHUNK` members at a time: memory stays bounded)."""
        if self.branch_ids is None:
            if self.shard is None:
                yield from uow.records.in_year(year)
            else:
                yield from (r for r in uow.records.in_year(year) if self.mine(r.member_id))
            return
        ordered = sorted({m.id for m in self.members})
        for start in range(0, len(ordered), MEMBER_CHUNK):
            for records in uow.records.for_members(ordered[start : start + MEMBER_CHUNK], year).values():
                yield from records


def _valid_shard(shard: object) -> tuple[int, int] | None:
    """``shard`` checked: None, or ``(k, n)`` of integers with ``n >= 1`` and ``0 <= k < n``."""
    if shard is None:
        return None
    if (
        isinstance(shard, tuple | list)
        and len(shard) == 2
        and all(isinstance(x, int) and not isinstance(x, bool) for x in shard)
        and shard[1] >= 1
        and 0 <= shard[0] < shard[1]
    ):
        return (shard[0], shard[1])
    raise InvalidInput(
        "shard",
        shard,
        code="input.invalid",
        message_en="shard must be (k, n): integers with n >= 1 and 0 <= k < n, or None",
        message_zh="shard 须为 (k, n)：整数，n ≥ 1 且 0 ≤ k < n；或为 None",
    )


def _sharded(scope: _Scope, year: int, shard: tuple[int, int] | None) -> _Scope:
    """``scope`` with only the members of shard ``k`` of ``n`` (:func:`~volunteer_core.compliance.shard_of`);
    ``every_branch_id`` keeps the branches of all the year's members, so that every shard judges the same
    branches."""
    if shard is None:
        return scope
    k, n = shard
    first, last = date(year, 1, 1), date(year, 12, 31)
    every = frozenset(
        m.branch_id
        for m in scope.members
        if m.joined_on <= last and (m.left_on is None or m.left_on >= first)
    )
    mine = [m for m in scope.members if compliance.shard_of(m.id, n) == k]
    return attrs.evolve(scope, members=mine, every_branch_id=every, shard=shard)


def _scope(uow: UnitOfWork, year: int, organisation_id: str | None) -> _Scope:
    """Every stored branch and the whole tree; with ``organisation_id``, its subtree (one query on SQL),
    the branches hanging in it and only their members (``members.in_branches``: one query on SQL per
    thousand branches, not one per branch)."""
    if organisation_id is None:
        return _Scope(
            organisations=uow.organisations.list(),
            ancestors=[],
            branches=uow.branches.list(),
            branch_ids=None,
            members=uow.members.list(),
            teams=uow.teams.list(),
            pairings=uow.pairings.list(),
            plans=[p for p in uow.plans.list() if p.year == year],
            reports=[r for r in uow.reports.list() if r.year == year],
        )
    check_identifier("organisation_id", organisation_id)  # InvalidInput for a list, a blank, a number …
    organisations = uow.organisations.subtree(organisation_id)  # NotFound for an unknown id
    branches = uow.branches.in_organisations(o.id for o in organisations)
    ids = frozenset(b.id for b in branches)
    ancestors: list[Organisation] = []
    seen = {organisation_id}
    parent = organisations[0].parent_id
    while parent is not None and parent not in seen:  # a few levels: one look-up each
        seen.add(parent)
        above = uow.organisations.get(parent)
        ancestors.append(above)
        parent = above.parent_id
    return _Scope(
        organisations=organisations,
        ancestors=ancestors,
        branches=branches,
        branch_ids=ids,
        members=uow.members.in_branches(ids),
        teams=[t for t in uow.teams.list() if t.branch_id in ids],
        pairings=[p for p in uow.pairings.list() if not ids.isdisjoint(p.branch_ids)],
        plans=[p for p in uow.plans.list() if p.year == year and p.branch_id in ids],
        reports=[r for r in uow.reports.list() if r.year == year and r.branch_id in ids],
    )


def evaluate_in_transaction(
    uow: UnitOfWork,
    year: int,
    *,
    organisation_id: str | None = None,
    shard: tuple[int, int] | None = None,
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
    ``records.in_year(year)`` (with ``organisation_id``: the subtree's members' records of the year,
    read by ``records.for_members`` a chunk of members at a time); the records are then always streamed,
    each seen once by the wrapper.

    The report rolls the branches up the stored organisation tree (``YearReport.organisations``: every
    root; a branch without ``organisation_id`` is in no node). With ``organisation_id``, only that node's
    subtree is judged — the branches hanging in it, their members (the others are never read: the
    aggregates are restricted to these branches in the storage, ``branch_ids``), their teams, the
    activities they organise, the pairings that list one of them, their plans and reports — and the
    roll-up starts at that node (depth 0); ``NotFound`` for an unknown id. The nodes above it are read
    too (one look-up a level): the limit per 单位 (``policy.max_pairing_targets_per_unit``) finds a unit
    above the node, and judges it among the subtree's pairings.

    ``shard=(k, n)`` judges only the members of shard ``k`` of ``n`` (of the whole organ, or of the
    subtree): those whose :func:`~volunteer_core.compliance.shard_of` is ``k`` — a stable hash of the
    member id — counting only the records (the totals) of member ids in that shard. Teams, branches,
    activities and pairings are judged by every shard alike; ``YearReport.merge`` of the ``n`` reports is
    the whole run's report (docs/scale.md). ``InvalidInput`` (path ``shard``) unless ``n >= 1`` and
    ``0 <= k < n`` are integers. The members are read and filtered here and the totals filtered after the
    storage computes them (no shard filter inside the database yet: docs/national-scale.md).

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
    scope = _sharded(_scope(uow, year, organisation_id), year, _valid_shard(shard))
    if pushdown and records is None and not policy.community_service_where_registered:
        if scope.branch_ids is None:  # the whole organ: a host's override of the older signature still works
            totals = uow.member_year_totals(year, as_of=as_of)
        else:
            totals = uow.member_year_totals(year, as_of=as_of, branch_ids=scope.branch_ids)
        if scope.shard is not None:  # filtered here: no shard filter inside the database yet
            totals = {m: t for m, t in totals.items() if scope.mine(m)}
        return scope.rooted(
            compliance.evaluate_year_totals(
                year,
                members=scope.members,
                totals=totals.values(),
                teams=scope.teams,
                activities=scope.organised(uow.activities.in_year(year)),
                pairings=scope.pairings,
                plans=scope.plans,
                reports=scope.reports,
                branches=scope.branches,
                policy=policy,
                as_of=as_of,
                organisations=scope.placed(),
                every_branch_id=scope.every_branch_id,
            )
        )
    everything = uow.activities.list()  # every activity a record may refer to (spans, off its date)
    stream = scope.read(uow, year)
    streamed = compliance.evaluate_year(
        year,
        members=scope.members,
        records=stream if records is None else records(stream),
        teams=scope.teams,
        activities=everything,
        judged_activities=None if scope.branch_ids is None else scope.organised(everything),
        pairings=scope.pairings,
        plans=scope.plans,
        reports=scope.reports,
        branches=scope.branches,
        policy=policy,
        as_of=as_of,
        registrations=registrations,
        organisations=scope.placed(),
        every_branch_id=scope.every_branch_id,
    )
    return scope.rooted(streamed)


def evaluate_year(
    uow: UnitOfWork,
    year: int,
    *,
    organisation_id: str | None = None,
    shard: tuple[int, int] | None = None,
    policy: Policy = DEFAULT,
    as_of: date | None = None,
    registrations: Iterable[CommunityRegistration] = (),
    pushdown: bool = True,
) -> compliance.YearReport:
    """Evaluate a stored year inside one read-only transaction: :func:`evaluate_in_transaction` (which
    says how: aggregates computed by the storage, or the records streamed; the whole organ, or one
    organisation's subtree with ``organisation_id``) in a ``with uow:`` of its own.

    CPython's cyclic garbage collector is paused for the call (the pass builds hundreds of thousands of
    long-lived objects and no reference cycle; see ``volunteer_core._gcpause``) and restored after it.

    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> evaluate_year(InMemoryUnitOfWork(), 2026).records_read
    0
    """
    shard = _valid_shard(shard)  # refused before the transaction opens
    with paused_collector(), uow:
        return evaluate_in_transaction(
            uow,
            year,
            organisation_id=organisation_id,
            shard=shard,
            policy=policy,
            as_of=as_of,
            registrations=registrations,
            pushdown=pushdown,
        )
