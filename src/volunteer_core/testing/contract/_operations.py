"""The state machine's operations: an add, an update or a read of one repository, and the ledger's own —
a decision, a change of a booked field, a reversal — each knowing the errors it deserves (the ledger's
rules included), and the strategies that draw them for every repository of the table of aggregates.

>>> Call("records", "in_year", (2026,))
Call(repo='records', method='in_year', args=(2026,))
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from typing import Any, Final

import attrs
from hypothesis import strategies as st

from volunteer_core.errors import InvalidInput
from volunteer_core.model import ActivityKind, Organisation, RecordStatus, ServiceRecord, WishStatus
from volunteer_core.model.organisation import check_no_cycle
from volunteer_core.ports import UnitOfWork
from volunteer_core.rules.ledger import check_append_only, check_idempotent_request, check_ledger_entry
from volunteer_core.testing.contract._base import REPOSITORIES, repository
from volunteer_core.testing.contract._outcomes import (
    CONFLICT,
    DANGLING_REF,
    DUPLICATE,
    NOT_FOUND,
    Error,
    exists,
    has_dangling,
)
from volunteer_core.testing.contract._seed import (
    KEYS,
    ORGANISER,
    POOLS,
    REFS,
    YEARS,
    make_record,
    pool_entities,
)

__all__ = [
    "Add",
    "Call",
    "Decide",
    "Move",
    "Op",
    "Rebook",
    "Repeat",
    "Reverse",
    "Update",
    "add_ops",
    "any_ops",
    "call_ops",
    "ledger_ops",
    "tree_ops",
    "update_ops",
]

CYCLE: Final[Error] = ("InvalidInput", "input.cycle")
YEAR_LOCKED: Final[Error] = ("RuleViolation", "ledger.year_locked")
APPEND_ONLY: Final[Error] = ("RuleViolation", "ledger.append_only")
KEY_CONFLICT: Final[Error] = ("RuleViolation", "ledger.idempotency_conflict")
#: The ids of the reversals the state machine books (apart from the records' pool: never the original's).
REVERSAL_IDS: Final = ("rv-1", "rv-2", "rv-3")
#: The ids of the records the state machine repeats under a stored idempotency key.
REPEAT_IDS: Final = ("rk-1", "rk-2", "rk-3")


def _locked(uow: UnitOfWork, record: ServiceRecord) -> bool:
    return uow.locks.is_locked(record.branch_id, record.on.year)


def _entry_errors(uow: UnitOfWork, record: ServiceRecord) -> set[Error]:
    """The ledger's refusals appending ``record`` deserves (a locked year, a reversal that is refused),
    whatever their order."""
    if exists(uow, "records", record.id) is not None:
        return set()  # a duplicate id
    found = {YEAR_LOCKED} if _locked(uow, record) else set()
    original = None if record.reverses is None else exists(uow, "records", record.reverses)
    if original is not None:
        existing = uow.records.reversal_of(original.id)
        refused = check_ledger_entry(record, locked=False, original=original, existing_reversal=existing)
        found |= {("RuleViolation", v.code) for v in refused}
    return found


def _closes_a_cycle(uow: UnitOfWork, organisation: Organisation) -> bool:
    """Whether moving ``organisation`` under its ``parent_id`` would close a cycle in ``uow``'s tree."""

    def parent_of(organisation_id: str) -> str | None:
        stored = exists(uow, "organisations", organisation_id)
        return None if stored is None else stored.parent_id

    try:
        check_no_cycle(organisation, parent_of)
    except InvalidInput:
        return True
    return False


def _update_errors(uow: UnitOfWork, stored: ServiceRecord, changed: ServiceRecord) -> set[Error]:
    """The ledger's refusals replacing ``stored`` by ``changed`` deserves (versions aside)."""
    found = {YEAR_LOCKED} if _locked(uow, stored) else set()
    if check_append_only(stored, changed):
        found.add(APPEND_ONLY)
    return found


@dataclasses.dataclass(frozen=True)
class Add:
    """Add ``entity`` to ``repo`` (a record or a wish with ``idempotency_key`` when one is given).

    >>> Add("branches", None).repo
    'branches'
    """

    repo: str
    entity: Any
    idempotency_key: str | None = None

    def run(self, uow: UnitOfWork) -> Any:
        if self.idempotency_key is None:
            return repository(uow, self.repo).add(self.entity)
        return repository(uow, self.repo).add(self.entity, idempotency_key=self.idempotency_key)

    def deserved(self, uow: UnitOfWork) -> frozenset[Error]:
        found: set[Error] = set()
        if exists(uow, self.repo, self.entity.id) is not None:
            found.add(DUPLICATE)
        key = self.idempotency_key
        first = None if key is None else repository(uow, self.repo).by_idempotency_key(key)
        if first is not None:
            conflict = self.repo == "records" and check_idempotent_request(first, self.entity, key=str(key))
            found.add(KEY_CONFLICT if conflict else DUPLICATE)
        if has_dangling(uow, self.repo, self.entity):
            found.add(DANGLING_REF)
        if self.repo == "records":
            found |= _entry_errors(uow, self.entity)
        return frozenset(found)


@dataclasses.dataclass(frozen=True)
class Update:
    """Update ``entity`` with the stored version plus ``offset`` (0: current; otherwise stale or ahead).

    >>> Update("branches", None, -1).offset
    -1
    """

    repo: str
    entity: Any
    offset: int

    def _versioned(self, uow: UnitOfWork) -> Any:
        stored = exists(uow, self.repo, self.entity.id)
        current = 0 if stored is None else stored.version
        return attrs.evolve(self.entity, version=max(0, current + self.offset))

    def run(self, uow: UnitOfWork) -> Any:
        return repository(uow, self.repo).update(self._versioned(uow))

    def deserved(self, uow: UnitOfWork) -> frozenset[Error]:
        stored = exists(uow, self.repo, self.entity.id)
        found: set[Error] = {NOT_FOUND} if stored is None else set()
        if stored is not None and self._versioned(uow).version != stored.version:
            found.add(CONFLICT)
        if has_dangling(uow, self.repo, self.entity):
            found.add(DANGLING_REF)
        if self.repo == "records" and stored is not None:
            found |= _update_errors(uow, stored, self._versioned(uow))
        if self.repo == "organisations" and _closes_a_cycle(uow, self.entity):
            found.add(CYCLE)
        return frozenset(found)


@dataclasses.dataclass(frozen=True)
class Move:
    """Move the stored organisation ``organisation_id`` under ``parent_id`` (``None``: make it a root), at
    its current version: refused when it is missing, when the parent is, and when the parent lies in its
    own subtree (``input.cycle``; its own id included).

    >>> Move("o-1", "o-2").parent_id
    'o-2'
    """

    organisation_id: str
    parent_id: str | None

    def run(self, uow: UnitOfWork) -> Any:
        stored = uow.organisations.get(self.organisation_id)
        return uow.organisations.update(attrs.evolve(stored, parent_id=self.parent_id))

    def deserved(self, uow: UnitOfWork) -> frozenset[Error]:
        stored = exists(uow, "organisations", self.organisation_id)
        if stored is None:
            return frozenset({NOT_FOUND})
        if self.parent_id == stored.id:
            return frozenset({CYCLE})
        moved = attrs.evolve(stored, parent_id=self.parent_id)
        found: set[Error] = {DANGLING_REF} if has_dangling(uow, "organisations", moved) else set()
        if _closes_a_cycle(uow, moved):
            found.add(CYCLE)
        return frozenset(found)


@dataclasses.dataclass(frozen=True)
class Decide:
    """Store a decision on the stored record ``record_id`` (confirmed, or rejected with a reason), at its
    current version, whatever its status: the ledger takes it only for a PENDING record of an open year.

    >>> Decide("r-1", approve=True, on=date(2026, 3, 9)).approve
    True
    """

    record_id: str
    approve: bool
    on: date

    def _decision(self, stored: ServiceRecord) -> ServiceRecord:
        return attrs.evolve(
            stored,
            status=RecordStatus.CONFIRMED if self.approve else RecordStatus.REJECTED,
            decided_by=ORGANISER,
            decided_on=max(self.on, stored.on),
            reason="" if self.approve else "未参加本次活动",
        )

    def run(self, uow: UnitOfWork) -> Any:
        return uow.records.update(self._decision(uow.records.get(self.record_id)))

    def deserved(self, uow: UnitOfWork) -> frozenset[Error]:
        stored = exists(uow, "records", self.record_id)
        if stored is None:
            return frozenset({NOT_FOUND})
        return frozenset(_update_errors(uow, stored, self._decision(stored)))


@dataclasses.dataclass(frozen=True)
class Rebook:
    """Update the stored record ``record_id`` at its current version with one booked ``field`` changed
    (``minutes``, ``kind``, ``member_id`` or ``recorded_on``): the ledger refuses it (append-only).

    >>> Rebook("r-1", "minutes").field
    'minutes'
    """

    record_id: str
    field: str

    def _changed(self, stored: ServiceRecord) -> ServiceRecord:
        if self.field == "minutes":
            return attrs.evolve(stored, minutes=_nudged(stored.minutes))
        if self.field == "kind":
            other = (
                ActivityKind.COMMUNITY_SERVICE
                if stored.kind is ActivityKind.PAIRING
                else ActivityKind.PAIRING
            )
            return attrs.evolve(stored, kind=other)
        if self.field == "member_id":
            return attrs.evolve(stored, member_id="m-2" if stored.member_id == "m-1" else "m-1")
        return attrs.evolve(stored, recorded_on=date(2027, 12, 31))

    def run(self, uow: UnitOfWork) -> Any:
        return uow.records.update(self._changed(uow.records.get(self.record_id)))

    def deserved(self, uow: UnitOfWork) -> frozenset[Error]:
        stored = exists(uow, "records", self.record_id)
        if stored is None:
            return frozenset({NOT_FOUND})
        changed = self._changed(stored)
        dangling = {DANGLING_REF} if has_dangling(uow, "records", changed) else set()
        return frozenset(_update_errors(uow, stored, changed) | dangling)


@dataclasses.dataclass(frozen=True)
class Reverse:
    """Add ``reversal_id``, a reversal of the stored record ``record_id`` built from it (whatever it is: a
    reversal, an adjustment, already reversed), or one that does not mirror it when ``tamper`` names a
    field (``member_id``, ``minutes``, ``on``).

    >>> Reverse("r-1", "rv-1", None).tamper is None
    True
    """

    record_id: str
    reversal_id: str
    tamper: str | None

    def _reversal(self, original: ServiceRecord) -> ServiceRecord:
        minutes = -abs(original.minutes)
        reversal = ServiceRecord(
            id=self.reversal_id,
            member_id=original.member_id,
            activity_id=original.activity_id,
            branch_id=original.branch_id,
            kind=original.kind,
            on=original.on,
            minutes=minutes,
            reverses=original.id,
        )
        if self.tamper == "member_id":
            return attrs.evolve(reversal, member_id="m-2" if original.member_id == "m-1" else "m-1")
        if self.tamper == "minutes":
            return attrs.evolve(reversal, minutes=-(abs(minutes) % 1440) - 1)
        if self.tamper == "on":
            return attrs.evolve(reversal, on=original.on + timedelta(days=1))
        return reversal

    def run(self, uow: UnitOfWork) -> Any:
        return uow.records.add(self._reversal(uow.records.get(self.record_id)))

    def deserved(self, uow: UnitOfWork) -> frozenset[Error]:
        original = exists(uow, "records", self.record_id)
        if original is None:
            return frozenset({NOT_FOUND})
        reversal = self._reversal(original)
        found = _entry_errors(uow, reversal)
        if exists(uow, "records", reversal.id) is not None:
            found.add(DUPLICATE)
        if has_dangling(uow, "records", reversal):
            found.add(DANGLING_REF)
        return frozenset(found)


@dataclasses.dataclass(frozen=True)
class Call:
    """A read (or ``locks.lock``): ``uow.<repo>.<method>(*args)``.

    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> uow = InMemoryUnitOfWork()
    >>> with uow:
    ...     Call("locks", "list").run(uow)
    []
    """

    repo: str
    method: str
    args: tuple[Any, ...] = ()

    def run(self, uow: UnitOfWork) -> Any:
        return getattr(repository(uow, self.repo), self.method)(*self.args)

    def deserved(self, uow: UnitOfWork) -> frozenset[Error]:
        return frozenset()


@dataclasses.dataclass(frozen=True)
class Repeat:
    """Add ``record_id`` under the idempotency key ``key``: the record stored with the key again, its
    request changed in ``field`` (``None``: the same request) — ``ledger.idempotency_conflict`` or
    ``input.duplicate``; while the key is free, a plain record, which takes it.

    >>> Repeat("k-1", "rk-1", "minutes").field
    'minutes'
    """

    key: str
    record_id: str
    field: str | None

    def _record(self, uow: UnitOfWork) -> ServiceRecord:
        first = uow.records.by_idempotency_key(self.key)
        if first is None:
            return make_record(self.record_id, date(2026, 3, 5))
        if self.field is None:
            return attrs.evolve(first, id=self.record_id)
        changes: dict[str, dict[str, Any]] = {
            "minutes": {"minutes": _nudged(first.minutes)},
            "member_id": {"member_id": "m-2" if first.member_id == "m-1" else "m-1"},
            "on": {"on": first.on - timedelta(days=1)},
            "kind": {"kind": _other_kind(first.kind)},
        }
        return attrs.evolve(first, id=self.record_id, **changes[self.field])

    def run(self, uow: UnitOfWork) -> Any:
        return uow.records.add(self._record(uow), idempotency_key=self.key)

    def deserved(self, uow: UnitOfWork) -> frozenset[Error]:
        record = self._record(uow)
        first = uow.records.by_idempotency_key(self.key)
        if first is not None:
            conflict = check_idempotent_request(first, record, key=self.key)
            return frozenset({KEY_CONFLICT if conflict else DUPLICATE})
        return Add("records", record).deserved(uow)


def _nudged(minutes: int) -> int:
    """Other minutes of the same sign, within bounds (as valid for the record as ``minutes``)."""
    if abs(minutes) == 1:
        return 2 * minutes
    return minutes - 1 if minutes > 0 else minutes + 1


def _other_kind(kind: ActivityKind) -> ActivityKind:
    return ActivityKind.COMMUNITY_SERVICE if kind is ActivityKind.PAIRING else ActivityKind.PAIRING


Op = Add | Update | Move | Call | Decide | Rebook | Reverse | Repeat


def call_ops() -> st.SearchStrategy[Call]:
    """Reads of every repository (``get`` of stored and missing ids, ``list``) and every query, with
    ``locks.lock``.

    >>> isinstance(call_ops(), st.SearchStrategy)
    True
    """
    pools = POOLS
    years = st.sampled_from(YEARS)
    branches = st.sampled_from((*pools["branches"], "b-none"))

    def call(repo: str, method: str, *args: st.SearchStrategy[Any]) -> st.SearchStrategy[Call]:
        return st.tuples(*args).map(lambda values: Call(repo, method, tuple(values)))

    gets = st.sampled_from(REPOSITORIES).flatmap(
        lambda r: call(r, "get", st.sampled_from((*POOLS[r], f"{r}-none")))
    )
    lists = st.sampled_from((*REPOSITORIES, "locks")).map(lambda r: Call(r, "list"))
    organisations = st.sampled_from((*pools["organisations"], "o-none"))
    queries = st.one_of(
        call("organisations", "children", st.none() | organisations),
        call("organisations", "subtree", organisations),
        call("branches", "in_organisations", st.lists(organisations, max_size=3).map(tuple)),
        call("qualifications", "for_member", st.sampled_from(pools["members"])),
        call("members", "in_branch", branches),
        call("pairings", "for_target", st.sampled_from((*pools["units"], *pools["beneficiaries"]))),
        call("pairings", "for_branch", branches),
        call("activities", "in_year", years),
        call("records", "in_year", years),
        call("records", "for_member", st.sampled_from(pools["members"]), years),
        call("records", "by_idempotency_key", st.sampled_from((*KEYS, "k-none"))),
        call("records", "reversal_of", st.sampled_from(pools["records"])),
        call("uow", "member_year_totals", years),
        call("wishes", "with_status", st.sampled_from(list(WishStatus))),
        call("plans", "for_branch", branches, years),
        call("reports", "for_branch", branches, years),
        call("locks", "is_locked", branches, years),
        call("locks", "lock", branches, years),
    )
    return st.one_of(gets, lists, queries)


def add_ops() -> st.SearchStrategy[Add]:
    """Adds to every repository of entities drawn from the pools (records and wishes with or without a key).

    >>> isinstance(add_ops(), st.SearchStrategy)
    True
    """

    def adds(repo: str) -> st.SearchStrategy[Add]:
        keys = st.none() | st.sampled_from(KEYS) if repo in ("records", "wishes") else st.none()
        return st.builds(Add, st.just(repo), pool_entities(repo), keys)

    return st.sampled_from(REPOSITORIES).flatmap(adds)


def update_ops() -> st.SearchStrategy[Update]:
    """Updates of every repository, mostly of stored ids, at the current, a stale or a future version.

    >>> isinstance(update_ops(), st.SearchStrategy)
    True
    """

    def updates(repo: str) -> st.SearchStrategy[Update]:
        entities = pool_entities(repo, REFS)  # mostly stored ids
        return st.builds(Update, st.just(repo), entities, st.sampled_from((0, 0, -1, 1)))

    return st.sampled_from(REPOSITORIES).flatmap(updates)


def tree_ops() -> st.SearchStrategy[list[Move | Call]]:
    """Moves in the organisation tree — a node of the pool under another, or to the root; sometimes under
    its own subtree — followed by the reads of the tree (the subtree of the root ``o-1``, the roots).

    >>> isinstance(tree_ops(), st.SearchStrategy)
    True
    """
    nodes = st.sampled_from(POOLS["organisations"])
    moves = st.lists(st.builds(Move, nodes, st.none() | nodes), min_size=1, max_size=3)
    reads = [Call("organisations", "subtree", ("o-1",)), Call("organisations", "children", (None,))]
    return moves.map(lambda found: [*found, *reads])


def ledger_ops() -> st.SearchStrategy[Decide | Rebook | Reverse | Repeat]:
    """The ledger's own operations on records of the pool (mostly stored): decisions, changes of a
    booked field, reversals (twice, of a reversal, not mirroring), requests repeated under a stored
    idempotency key (the same, or another).

    >>> isinstance(ledger_ops(), st.SearchStrategy)
    True
    """
    records = st.sampled_from(REFS["records"])
    days = st.sampled_from((date(2026, 3, 10), date(2026, 12, 31), date(2027, 2, 1)))
    return st.one_of(
        st.builds(Decide, records, st.booleans(), days),
        st.builds(Rebook, records, st.sampled_from(("minutes", "kind", "member_id", "recorded_on"))),
        st.builds(
            Reverse,
            records,
            st.sampled_from(REVERSAL_IDS),
            st.sampled_from((None, None, None, "member_id", "minutes", "on")),
        ),
        st.builds(
            Repeat,
            st.sampled_from(KEYS),
            st.sampled_from(REPEAT_IDS),
            st.sampled_from((None, "minutes", "member_id", "on", "kind")),
        ),
    )


def any_ops() -> st.SearchStrategy[Op]:
    """Any operation: an add, an update, a call or a ledger operation.

    >>> isinstance(any_ops(), st.SearchStrategy)
    True
    """
    return st.one_of(add_ops(), update_ops(), call_ops(), ledger_ops())
