"""The storage seam: repository interfaces and the unit of work that host systems implement.

A host application implements one :class:`Repository` per aggregate and a :class:`UnitOfWork` that
groups them into a transaction; the use-cases of :mod:`volunteer_core.services` run on any such
implementation. :mod:`volunteer_core.storage.memory` is the reference implementation and
:mod:`volunteer_core.testing.contract` checks a third-party one.

The contract, stated once for every repository:

* ``get(id)`` returns the stored entity or raises :class:`~volunteer_core.errors.NotFound`.
* ``add(entity)`` stores a new entity *as given* (its ``version`` included) and returns it. An id that
  is already stored — committed, or added earlier in the same unit of work — raises
  :class:`~volunteer_core.errors.InvalidInput` (code ``input.duplicate``, path ``id``). The check and the
  insert are one atomic step (an insert that fails on the primary key), never a look-up followed by an
  insert. A reference to an entity that does not exist (``Member.branch_id`` naming no branch, see
  :data:`REFERENCES`) raises ``InvalidInput`` (code ``input.reference``, path the field).
* ``update(entity)`` is optimistic: it succeeds only when the stored version equals ``entity.version``,
  stores the entity with ``version + 1`` and returns what it stored; otherwise it raises
  :class:`~volunteer_core.errors.ConcurrencyConflict` (``NotFound`` when the id is not stored at all).
* ``list()`` returns every stored entity, ordered by id.
* Reads inside a unit of work see that unit's own writes; other units see them only after ``commit()``.
* Leaving the ``with`` block without ``commit()`` rolls everything back; an exception inside the block
  rolls back and propagates. After ``commit()`` the unit of work may be entered again for a new
  transaction. One unit-of-work object per thread.
* Driver errors never leak: a lost race, a serialization failure or a locked database becomes
  ``ConcurrencyConflict``; anything else a :class:`~volunteer_core.errors.StorageError`.
* Transactions are serializable: the commit of a transaction that read data another transaction has
  changed since it began — an entity, or the answer of a query such as ``for_target`` — raises
  ``ConcurrencyConflict`` (the use-cases then retry). The use-cases' guarantees rest on this: two
  concurrent ``register_pairing`` of one target cannot both succeed. (A database gets it from
  SERIALIZABLE isolation or from serialised writers, as SQLite does.)
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from functools import cache
from types import MappingProxyType, TracebackType
from typing import Any, Generic, Self, TypeVar, get_origin, get_type_hints

from volunteer_core import compliance
from volunteer_core.aggregates import AGGREGATES
from volunteer_core.compliance import MemberTotals
from volunteer_core.errors import NotFound
from volunteer_core.model import (
    Activity,
    Beneficiary,
    Branch,
    BranchPlan,
    Demand,
    HalfYearReport,
    Member,
    Organisation,
    Pairing,
    PartnerUnit,
    Qualification,
    ServiceRecord,
    Supporter,
    Team,
    Wish,
    WishStatus,
)
from volunteer_core.model.organisation import walk_subtree

__all__ = [
    "REFERENCES",
    "ActivityRepository",
    "BeneficiaryRepository",
    "BranchRepository",
    "DemandRepository",
    "LockRepository",
    "MemberRepository",
    "OrganisationRepository",
    "PairingRepository",
    "PartnerUnitRepository",
    "PlanRepository",
    "QualificationRepository",
    "RecordRepository",
    "ReportRepository",
    "Repository",
    "SupporterRepository",
    "TeamRepository",
    "UnitOfWork",
    "WishRepository",
    "port_of",
    "repository_classes",
]

T = TypeVar("T")

#: Which attribute of which entity must name a stored entity of which repository (``None`` allowed), read
#: from the table of aggregates (:data:`volunteer_core.aggregates.AGGREGATES`). A storage refuses
#: ``add``/``update`` of an entity whose reference is dangling with ``InvalidInput`` (code
#: ``input.reference``). Claims of a wish reference members too (``claims[i].member_id``): the table lists
#: every reference, those inside a sequence included (:meth:`~volunteer_core.aggregates.Aggregate.references_of`).
REFERENCES: Mapping[str, tuple[tuple[str, str], ...]] = MappingProxyType(
    {a.name: tuple((r.field, r.target) for r in a.references if "[" not in r.field) for a in AGGREGATES}
)


class Repository(abc.ABC, Generic[T]):
    """The operations every repository has (see the module docstring for the exact contract)."""

    @abc.abstractmethod
    def get(self, entity_id: str) -> T:
        """The stored entity with this id; raises ``NotFound`` when there is none."""

    @abc.abstractmethod
    def add(self, entity: T) -> T:
        """Store a new entity as given and return it; a duplicate id raises ``InvalidInput``
        (code ``input.duplicate``), a dangling reference ``InvalidInput`` (code ``input.reference``)."""

    @abc.abstractmethod
    def update(self, entity: T) -> T:
        """Replace the stored entity whose version equals ``entity.version``; store and return it with
        ``version + 1``. A different stored version raises ``ConcurrencyConflict``; no stored entity
        raises ``NotFound``."""

    @abc.abstractmethod
    def list(self) -> list[T]:
        """Every stored entity, ordered by id."""

    def get_many(self, entity_ids: Iterable[str]) -> dict[str, T]:
        """The stored entities with these ids, keyed by id (in any order): exactly the ids for which
        :meth:`get` finds an entity, each once; an id that is not stored is absent (never ``NotFound``).
        Reads what ``get`` reads, the unit's own writes included.

        The default calls :meth:`get` for each distinct id; a database overrides it with one query per
        chunk of ids (``id IN (…)``).
        """
        found: dict[str, T] = {}
        missing: set[str] = set()
        for entity_id in entity_ids:
            if entity_id in found or entity_id in missing:
                continue
            try:
                found[entity_id] = self.get(entity_id)
            except NotFound:
                missing.add(entity_id)
        return found


class OrganisationRepository(Repository[Organisation]):
    """Organisations above the branch (机关工委, 机关党委, 单位 …): a tree by ``parent_id``.

    Besides the checks of every repository, ``add`` and ``update`` refuse a ``parent_id`` that names no
    stored organisation (``input.reference``) and an ``update`` whose new parent lies in the node's own
    subtree (``InvalidInput`` code ``input.cycle``, path ``parent_id``): the tree never holds a cycle.
    """

    def children(self, parent_id: str | None) -> list[Organisation]:
        """The organisations directly under ``parent_id`` (``None``: the roots), ordered by id.

        The default filters :meth:`list`; a storage may override it with an indexed query.
        """
        return [o for o in self.list() if o.parent_id == parent_id]

    def subtree(self, organisation_id: str) -> list[Organisation]:
        """The organisation and every organisation below it, at any depth: the node first, then each
        child's subtree in turn, children ordered by id (depth-first, pre-order). ``NotFound`` for an
        unknown id.

        The default walks :meth:`list` once; a storage may override it with one query (a recursive
        CTE on SQL).
        """
        by_parent: dict[str | None, list[Organisation]] = {}
        for organisation in self.list():
            by_parent.setdefault(organisation.parent_id, []).append(organisation)
        return walk_subtree(self.get(organisation_id), lambda node: by_parent.get(node, []))


class BranchRepository(Repository[Branch]):
    """Branches (党支部)."""

    def in_organisations(self, organisation_ids: Iterable[str]) -> list[Branch]:
        """The branches whose ``organisation_id`` is one of ``organisation_ids``, ordered by id (what is not
        an id — ``None`` among them — finds nothing: a branch hanging nowhere is not found this way).

        The default filters :meth:`list`; a storage may override it with an indexed query.
        """
        wanted = {o for o in organisation_ids if isinstance(o, str)}
        return [b for b in self.list() if b.organisation_id in wanted]


class MemberRepository(Repository[Member]):
    """Members (党员)."""

    @abc.abstractmethod
    def in_branch(self, branch_id: str) -> list[Member]:
        """The members whose ``branch_id`` is ``branch_id`` (past members included), ordered by id;
        ``[]`` for an unknown branch. One query, not one per member."""

    def in_branches(self, branch_ids: Iterable[str]) -> list[Member]:
        """The members whose ``branch_id`` is one of ``branch_ids`` (past members included), ordered by
        id: what :meth:`in_branch` finds for each distinct id, together (an unknown id finds nothing,
        ``[]`` finds nothing). One string (a slip for ``[branch_id]``), anything not a collection, or an id
        that is not a string raises ``InvalidInput`` (code ``input.type``, path ``branch_ids``).

        The default calls :meth:`in_branch` for each distinct id; a storage overrides it with an indexed
        look-up (memory) or one query per chunk of ids (``storage.sql``: ``branch_id IN (…)``).
        """
        wanted = compliance.valid_branch_ids(branch_ids)
        return sorted((m for b in sorted(wanted) for m in self.in_branch(b)), key=lambda m: m.id)


class TeamRepository(Repository[Team]):
    """Volunteer teams (志愿服务队)."""


class BeneficiaryRepository(Repository[Beneficiary]):
    """Beneficiaries (服务对象)."""


class PartnerUnitRepository(Repository[PartnerUnit]):
    """Partner units (结对共建单位)."""


class PairingRepository(Repository[Pairing]):
    """Pairings (结对)."""

    @abc.abstractmethod
    def for_target(self, target_id: str) -> list[Pairing]:
        """Every pairing (ended or not) whose ``target_id`` is ``target_id``, ordered by id."""

    def for_branch(self, branch_id: str) -> list[Pairing]:
        """Every pairing that lists ``branch_id`` among its ``branch_ids``, ordered by id.

        The default filters :meth:`list`; a storage may override it with an indexed query.
        """
        return [p for p in self.list() if branch_id in p.branch_ids]


class ActivityRepository(Repository[Activity]):
    """Activities (活动)."""

    def in_year(self, year: int) -> list[Activity]:
        """The activities dated in ``year``, ordered by id. The default filters :meth:`list`."""
        return [a for a in self.list() if a.on.year == year]


class RecordRepository(Repository[ServiceRecord]):
    """The time-bank ledger, append-only (``ledger.append_only``). Entries are appended; a correction is a
    reversal or an adjustment entry; nothing is deleted. Every storage refuses what breaks the ledger
    through these methods, with the codes the use-cases raise (:func:`volunteer_core.rules.ledger.
    check_ledger_entry` and :func:`~volunteer_core.rules.ledger.check_ledger_update` say exactly what)."""

    @abc.abstractmethod
    def add(self, entity: ServiceRecord, *, idempotency_key: str | None = None) -> ServiceRecord:
        """Append a record, atomically. With ``idempotency_key``, the key is stored with it.

        Refused, in this order: a key already stored — ``RuleViolation`` ``ledger.idempotency_conflict``
        when the stored record is a different request (member, activity, minutes, date, kind), else
        ``InvalidInput`` (code ``input.duplicate``, path ``idempotency_key``); a duplicate id
        (``InvalidInput`` ``input.duplicate``); a record of a locked (branch, year) (``RuleViolation``
        ``ledger.year_locked``); a reversal of a reversal or of a record already reversed
        (``RuleViolation`` ``ledger.already_reversed``), or one that does not mirror its original
        (``ledger.reversal_mismatch``); then dangling references (``InvalidInput`` ``input.reference``).
        """

    @abc.abstractmethod
    def update(self, entity: ServiceRecord) -> ServiceRecord:
        """Store a PENDING record's decision — ``status`` to CONFIRMED or REJECTED, ``decided_by``,
        ``decided_on``, ``reason`` — and nothing else: any other change, or any change of a decided
        record, raises ``RuleViolation`` ``ledger.append_only``; a record of a locked (branch, year)
        raises ``ledger.year_locked``. Versions, ``NotFound`` and ``ConcurrencyConflict`` as for every
        repository (checked first)."""

    @abc.abstractmethod
    def in_year(self, year: int) -> Iterator[ServiceRecord]:
        """Every record whose ``on`` lies in ``year`` (1 January … 31 December inclusive), and no other,
        as an iterator that streams (a SQL storage fetches in chunks; memory stays bounded). Order: by
        ``on``, then id."""

    @abc.abstractmethod
    def for_member(self, member_id: str, year: int) -> list[ServiceRecord]:
        """The member's records dated in ``year``, ordered by ``on``, then id."""

    @abc.abstractmethod
    def by_idempotency_key(self, key: str) -> ServiceRecord | None:
        """The record stored with this idempotency key, or None."""

    @abc.abstractmethod
    def reversal_of(self, record_id: str) -> ServiceRecord | None:
        """The record whose ``reverses`` is ``record_id``, or None when it has not been reversed."""

    # -- bulk forms: what the single-item methods give, in fewer round trips (record_services uses them)

    def by_idempotency_keys(self, keys: Iterable[str]) -> dict[str, ServiceRecord]:
        """The records stored with these idempotency keys, keyed by key (in any order): for each distinct
        key, what :meth:`by_idempotency_key` returns, and no entry where it returns None. Reads the
        unit's own writes too.

        The default calls :meth:`by_idempotency_key` for each distinct key; a database overrides it with
        one query per chunk of keys.
        """
        found: dict[str, ServiceRecord] = {}
        seen: set[str] = set()
        for key in keys:
            if key in seen:
                continue
            seen.add(key)
            record = self.by_idempotency_key(key)
            if record is not None:
                found[key] = record
        return found

    def for_members(self, member_ids: Iterable[str], year: int) -> dict[str, list[ServiceRecord]]:
        """For each distinct member id given — and only those — ``for_member(member_id, year)``: the
        member's records dated in ``year``, ordered by ``on``, then id (``[]`` for a member without any,
        or unknown). Each list is a new list the caller may change.

        The default calls :meth:`for_member` for each distinct id; a database overrides it with one
        query per chunk of ids.
        """
        found: dict[str, list[ServiceRecord]] = {}
        for member_id in member_ids:
            if member_id not in found:
                found[member_id] = self.for_member(member_id, year)
        return found

    def add_many(self, entries: Sequence[tuple[ServiceRecord, str | None]]) -> list[ServiceRecord]:
        """Append records in order, each ``(record, idempotency_key)`` (the key may be None): the same as
        ``add(record, idempotency_key=key)`` for each entry in turn — an entry may reference, or clash
        with, an earlier one — returning what those calls return, in order. ``[]`` stores nothing.

        The first entry that ``add`` would refuse raises exactly the error ``add`` would have raised for
        it, as if the entries were added one by one (same type, ``code`` and ``path``: duplicate key,
        id or ``reverses``, dangling reference, …); the entries before it may or may not be stored then —
        the caller rolls the transaction back, as the use-cases do. The entries after it are not stored.

        The default calls :meth:`add` for each entry; a database overrides it with one multi-row insert
        (``storage.sql``: one ``executemany`` inside a savepoint, replayed one by one when it fails).
        """
        return [self.add(record, idempotency_key=key) for record, key in entries]


class WishRepository(Repository[Wish]):
    """Micro-wishes (微心愿), claims included."""

    @abc.abstractmethod
    def add(self, entity: Wish, *, idempotency_key: str | None = None) -> Wish:
        """Store a new wish as :meth:`Repository.add` does. With ``idempotency_key`` (an import row's
        fingerprint, say), the key is stored with it; a key already stored raises ``InvalidInput``
        (code ``input.duplicate``, path ``idempotency_key``), atomically."""

    @abc.abstractmethod
    def by_idempotency_key(self, key: str) -> Wish | None:
        """The wish stored with this idempotency key, or None."""

    @abc.abstractmethod
    def with_status(self, status: WishStatus) -> list[Wish]:
        """The wishes whose status is ``status``, ordered by id."""


class QualificationRepository(Repository[Qualification]):
    """Members' qualifications (资质), with their expiry."""

    def for_member(self, member_id: str) -> list[Qualification]:
        """Every qualification of the member (expired ones included), ordered by id.

        The default filters :meth:`list`; a storage may override it with an indexed query.
        """
        return [q for q in self.list() if q.member_id == member_id]

    # -- bulk forms (record_services): the default loops over the single form; a database overrides it

    def for_members(self, member_ids: Iterable[str]) -> dict[str, list[Qualification]]:
        """``for_member(member_id)`` for each distinct id given, and only those (new lists)."""
        return {member_id: self.for_member(member_id) for member_id in dict.fromkeys(member_ids)}

    def add_many(self, qualifications: Sequence[Qualification]) -> list[Qualification]:
        """``add`` for each in turn, returning what it returns; the first one ``add`` would refuse raises
        what ``add`` raises (those before it may be stored: the caller rolls back)."""
        return [self.add(qualification) for qualification in qualifications]


class SupporterRepository(Repository[Supporter]):
    """Supporters (社区志愿者、爱心人士、社会组织) who claim wishes."""


class DemandRepository(Repository[Demand]):
    """Service demands (点单)."""


class PlanRepository(Repository[BranchPlan]):
    """Branch plans (活动计划表)."""

    @abc.abstractmethod
    def for_branch(self, branch_id: str, year: int) -> list[BranchPlan]:
        """The branch's plans for ``year``, ordered by ``submitted_on``, then id."""


class ReportRepository(Repository[HalfYearReport]):
    """Half-year reports (活动开展情况)."""

    @abc.abstractmethod
    def for_branch(self, branch_id: str, year: int) -> list[HalfYearReport]:
        """The branch's reports for ``year``, ordered by half, ``submitted_on``, then id."""


class LockRepository(abc.ABC):
    """Filed years (台账): a locked (branch, year) takes no more ledger changes."""

    @abc.abstractmethod
    def is_locked(self, branch_id: str, year: int) -> bool:
        """Whether ``lock(branch_id, year)`` was stored."""

    @abc.abstractmethod
    def lock(self, branch_id: str, year: int) -> None:
        """Lock the year of the branch; locking twice is harmless."""

    @abc.abstractmethod
    def list(self) -> list[tuple[str, int]]:
        """Every locked (branch_id, year), sorted."""

    def locked_among(self, pairs: Iterable[tuple[str, int]]) -> set[tuple[str, int]]:
        """The (branch_id, year) pairs given that :meth:`is_locked` says are locked (the bulk form
        ``record_services`` uses; a database overrides this loop with one query)."""
        return {pair for pair in set(pairs) if self.is_locked(*pair)}


class UnitOfWork(abc.ABC):
    """One transaction over every repository. Use as ``with uow: …; uow.commit()``.

    Leaving the block without :meth:`commit` rolls back. The object may be entered again after the block
    ends; each ``with`` is a new transaction. One object per thread.
    """

    organisations: OrganisationRepository
    branches: BranchRepository
    members: MemberRepository
    teams: TeamRepository
    beneficiaries: BeneficiaryRepository
    units: PartnerUnitRepository
    pairings: PairingRepository
    activities: ActivityRepository
    records: RecordRepository
    qualifications: QualificationRepository
    supporters: SupporterRepository
    wishes: WishRepository
    demands: DemandRepository
    plans: PlanRepository
    reports: ReportRepository
    locks: LockRepository

    def __enter__(self) -> Self:
        self.begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.rollback()

    @abc.abstractmethod
    def begin(self) -> None:
        """Start a transaction (``__enter__`` calls it); starting while one is open raises ``StorageError``."""

    @abc.abstractmethod
    def commit(self) -> None:
        """Make every write of this transaction durable and visible to others, atomically."""

    @abc.abstractmethod
    def rollback(self) -> None:
        """Discard every write not yet committed; harmless after a commit or when nothing is open."""

    def member_year_totals(
        self, year: int, *, as_of: date | None = None, branch_ids: Iterable[str] | None = None
    ) -> dict[str, MemberTotals]:
        """The per-member aggregates of the records dated in ``year`` — one
        :class:`~volunteer_core.compliance.MemberTotals` per member with at least one such record, keyed
        by member id (in any order) — exactly what :func:`volunteer_core.compliance.member_year_totals` gives
        for ``records.in_year(year)`` with each member's stored ``branch_id`` as the own branch, every
        stored activity and pairing (who organises each activity, which days it covers) and the same
        ``as_of``. Read inside the open transaction.

        With ``branch_ids`` (a collection of branch ids, not one id), only the members whose stored
        ``branch_id`` is among them: the records of other members, and of member ids that name no stored
        member, are left out (a database filters them in the query, never loading the others).

        :func:`volunteer_core.services.evaluate_year` calls it instead of streaming every record. This
        default streams ``records.in_year(year)`` through that fold (reading only the given branches'
        members, by :meth:`MemberRepository.in_branches`); a database overrides it with a ``GROUP BY``
        query (``storage.sql`` does) — the contract suite checks the two agree.
        """
        if branch_ids is None:
            members = self.members.list()
        else:
            members = self.members.in_branches(compliance.valid_branch_ids(branch_ids))
        branch_of = {m.id: m.branch_id for m in members}
        records = self.records.in_year(year)
        return compliance.member_year_totals(
            records if branch_ids is None else (r for r in records if r.member_id in branch_of),
            year,
            branch_of=branch_of,
            as_of=as_of,
            activities=self.activities.list(),
            pairings=self.pairings.list(),
        )


@cache
def port_of(name: str) -> type[Repository[Any]]:
    """The repository interface of the aggregate ``name``: the type of that attribute of
    :class:`UnitOfWork` (``uow.members`` is a :class:`MemberRepository`; an attribute typed
    ``Repository[Entity]`` gives :class:`Repository`). A storage builds one repository per row of
    :data:`volunteer_core.aggregates.AGGREGATES` implementing it.

    >>> port_of("members").__name__
    'MemberRepository'
    """
    hint = get_type_hints(UnitOfWork).get(name)
    port = get_origin(hint) or hint  # `Repository[Organisation]` for an aggregate without queries of its own
    if not (isinstance(port, type) and issubclass(port, Repository)):
        raise KeyError(name)
    return port


def repository_classes(plain: type[Any], own: Mapping[str, type[Any]]) -> dict[str, type[Any]]:
    """For a storage's implementer: the class of each aggregate's repository, by name, in table order —
    ``own[name]`` where the storage wrote one (its port adds queries), else a class mixing ``plain`` (the
    storage's ``get``/``add``/``update``/``list``) into the aggregate's port (:func:`port_of`). A class left
    with an abstract method (a query of the port nobody implemented) raises ``TypeError`` here, at import,
    rather than when a unit of work is built.

    >>> class Plain:
    ...     def __init__(self, uow, aggregate): ...
    ...     def get(self, entity_id): ...
    ...     def add(self, entity): ...
    ...     def update(self, entity): ...
    ...     def list(self): ...
    >>> repository_classes(Plain, {})
    Traceback (most recent call last):
    ...
    TypeError: the members repository PlainMemberRepository leaves in_branch abstract
    """
    unknown = set(own) - {a.name for a in AGGREGATES}
    if unknown:
        raise TypeError(f"no aggregate is called {', '.join(sorted(unknown))}")
    classes: dict[str, type[Any]] = {}
    for aggregate in AGGREGATES:
        cls = own.get(aggregate.name)
        if cls is None:
            name = f"{plain.__name__.lstrip('_')}{aggregate.entity.__name__}Repository"
            cls = type(name, (plain, port_of(aggregate.name)), {})
        abstract = sorted(getattr(cls, "__abstractmethods__", ()))
        if abstract:
            raise TypeError(
                f"the {aggregate.name} repository {cls.__name__} leaves {', '.join(abstract)} abstract"
            )
        classes[aggregate.name] = cls
    return classes
