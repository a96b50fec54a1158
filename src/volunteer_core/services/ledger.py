"""The time-bank ledger (台账): entries recorded, reported and decided, reversed, adjusted; years locked.

The ledger is append-only: a confirmed entry is never changed, only reversed (冲销) or adjusted (调整);
a locked year takes no more entries (``ledger.year_locked``).

>>> from datetime import date
>>> from volunteer_core import Activity, Branch, Member
>>> from volunteer_core.services import add_entities
>>> from volunteer_core.storage.memory import InMemoryUnitOfWork
>>> uow = InMemoryUnitOfWork()
>>> _ = add_entities(uow, [Branch(id="b1", name="一支部"),
...     Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)),
...     Activity(id="a1", kind="community_service", branch_id="b1", on=date(2025, 9, 30), title="清扫")])
>>> r = record_service(uow, member_id="m1", activity_id="a1", minutes=90, idempotency_key="k1")
>>> record_service(uow, member_id="m1", activity_id="a1", minutes=90, idempotency_key="k1") == r
True
>>> reverse_service(uow, r.id, on=date(2025, 10, 9)).minutes
-90
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Any

from volunteer_core._catalogue import violation
from volunteer_core.errors import InvalidInput, RuleViolation
from volunteer_core.model import Activity, Qualification, RecordStatus, ServiceRecord
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.ports import UnitOfWork
from volunteer_core.rules.ledger import check_reversal
from volunteer_core.services._entry import (
    RecordRequest,
    enter_record,
    new_record,
    refuse_entry,
    refuse_locked,
    repeated,
    year_records,
)
from volunteer_core.services._unit import DEFAULT_RETRIES, new_id, today, transaction
from volunteer_core.services.qualifications import Readiness

__all__ = [
    "RecordRequest",
    "adjust_service",
    "confirm_service",
    "enter_record",
    "lock_year",
    "record_service",
    "record_services",
    "reject_service",
    "report_service",
    "reverse_service",
]


def _enter_one(
    uow: UnitOfWork,
    request: RecordRequest,
    recorded_on: date | None,
    status: RecordStatus,
    policy: Policy,
    retries: int,
) -> ServiceRecord:
    """One :func:`enter_record` in a transaction of its own (``recorded_on`` defaults to today in China)."""
    entered = recorded_on or today()
    return transaction(
        uow,
        lambda: enter_record(
            uow, uow.activities.get(request.activity_id), request, entered, status=status, policy=policy
        ),
        retries,
    )


def record_service(
    uow: UnitOfWork,
    *,
    member_id: str,
    activity_id: str,
    minutes: int,
    on: date | None = None,
    idempotency_key: str | None = None,
    recorded_on: date | None = None,
    record_id: str | None = None,
    policy: Policy = DEFAULT,
    retries: int = DEFAULT_RETRIES,
) -> ServiceRecord:
    """An organiser records service: a CONFIRMED entry copying the activity's kind and branch — late
    or not (补录: lateness is reported by :func:`volunteer_core.validate_record`, ``record.timeliness``).

    ``on`` defaults to the activity's date, ``recorded_on`` to today in China. The same
    ``idempotency_key`` with the same request (member, activity, minutes, date, kind) returns the first
    record and stores nothing new (never deduplicated by content); with a different request it raises
    ``RuleViolation`` ``ledger.idempotency_conflict`` naming both. Refused with ``RuleViolation``: a
    record in a locked year (``ledger.year_locked``), a date ``on`` outside the activity's date or span
    ``on … until`` (``record.activity_date``: the August record of a March activity), more minutes than
    the activity's ``duration_minutes`` (``record.duration``), more than
    ``policy.max_sessions_per_day`` sessions of the member at the activity that day
    (``record.sessions_per_day``), a member whose insurance does not cover ``on`` under
    ``policy.require_insurance`` (``member.uninsured``), a member without every qualification the
    activity ``requires``, valid on ``on``, under ``policy.require_training`` (``member.untrained``).
    A training that ``grants`` qualifications earns them to the member in the same transaction
    (valid ``grants_valid_months`` from ``on``); reversing the record later does not take them back
    (:func:`~volunteer_core.services.expire_qualification` does).
    """
    request = RecordRequest(
        member_id=member_id,
        activity_id=activity_id,
        minutes=minutes,
        on=on,
        idempotency_key=idempotency_key,
        record_id=record_id,
    )
    return _enter_one(uow, request, recorded_on, RecordStatus.CONFIRMED, policy, retries)


def report_service(
    uow: UnitOfWork,
    *,
    member_id: str,
    activity_id: str,
    minutes: int,
    on: date | None = None,
    idempotency_key: str | None = None,
    recorded_on: date | None = None,
    record_id: str | None = None,
    policy: Policy = DEFAULT,
    retries: int = DEFAULT_RETRIES,
) -> ServiceRecord:
    """A member reports their own service (自主申报, 补录): a PENDING entry that counts toward nothing
    until the organiser confirms it (:func:`confirm_service`) or rejects it (:func:`reject_service`).
    The same checks as :func:`record_service` (insurance and training included); a pending record takes
    a session of the day, and earns a training's qualifications only once confirmed.

    >>> from datetime import date
    >>> from volunteer_core import Activity, Branch, Member
    >>> from volunteer_core.services import add_entities
    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> uow = InMemoryUnitOfWork()
    >>> _ = add_entities(uow, [Branch(id="b1", name="一支部"),
    ...     Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)),
    ...     Activity(id="a1", kind="community_service", branch_id="b1", on=date(2025, 9, 30), title="清扫")])
    >>> r = report_service(uow, member_id="m1", activity_id="a1", minutes=90, recorded_on=date(2025, 10, 9))
    >>> r.status.value
    'pending'
    >>> confirm_service(uow, r.id, by="org1", on=date(2025, 10, 10)).status.value
    'confirmed'
    """
    request = RecordRequest(
        member_id=member_id,
        activity_id=activity_id,
        minutes=minutes,
        on=on,
        idempotency_key=idempotency_key,
        record_id=record_id,
    )
    return _enter_one(uow, request, recorded_on, RecordStatus.PENDING, policy, retries)


def confirm_service(
    uow: UnitOfWork,
    record_id: str,
    *,
    by: str,
    on: date,
    policy: Policy = DEFAULT,
    retries: int = DEFAULT_RETRIES,
) -> ServiceRecord:
    """确认: the organiser ``by`` confirms a PENDING record on ``on``; from then on its minutes count.

    Refused with ``RuleViolation``: a record that is not PENDING or ``by`` the member themself
    (``record.transition``), a record in a locked year (``ledger.year_locked``), and — confirming gives
    credit, judged at the record's own date — a member uninsured that day (``member.uninsured``) or
    without a qualification its activity requires, valid that day (``member.untrained``). Confirming a
    training that ``grants`` qualifications earns them, in the same transaction.
    """
    return _decide(uow, record_id, lambda r: r.confirm(by=by, on=on), retries, policy)


def reject_service(
    uow: UnitOfWork, record_id: str, *, by: str, on: date, reason: str, retries: int = DEFAULT_RETRIES
) -> ServiceRecord:
    """不予确认: the organiser ``by`` rejects a PENDING record on ``on`` with a ``reason`` (required); it
    never counts. Refused like :func:`confirm_service`."""
    return _decide(uow, record_id, lambda r: r.reject(by=by, on=on, reason=reason), retries, None)


def _decide(
    uow: UnitOfWork,
    record_id: str,
    step: Callable[[ServiceRecord], ServiceRecord],
    retries: int,
    policy: Policy | None,
) -> ServiceRecord:
    """Decide a pending record; ``policy``: it is confirmed (the member's readiness judged, a training's
    qualifications earned), ``None``: rejected."""

    def work() -> ServiceRecord:
        record = uow.records.get(record_id)
        refuse_locked(uow, record)
        decided = step(record)
        if policy is None:
            return uow.records.update(decided)
        ready = Readiness(uow, policy)
        activity = uow.activities.get(decided.activity_id)
        ready.refuse(decided.member_id, activity, decided.on)
        stored = uow.records.update(decided)
        ready.store(ready.earn(stored, activity))
        return stored

    return transaction(uow, work, retries)


def _requests(items: Iterable[RecordRequest | Mapping[str, Any]]) -> Iterator[RecordRequest]:
    for index, item in enumerate(items):
        if isinstance(item, RecordRequest):
            yield item
            continue
        if not isinstance(item, Mapping):
            raise InvalidInput(
                f"items[{index}]",
                item,
                message_en="must be a RecordRequest or a mapping",
                message_zh="须为记录请求",
            )
        try:
            yield RecordRequest(**item)
        except TypeError as err:
            raise InvalidInput(
                f"items[{index}]", dict(item), message_en=str(err), message_zh="字段不符"
            ) from None


def _record_batch(
    uow: UnitOfWork, batch: list[RecordRequest], recorded_on: date, policy: Policy
) -> list[ServiceRecord]:
    """One batch of :func:`record_services` inside the open transaction: for each request in turn what
    :func:`enter_record` does — the same checks in the same order, the same errors, the same idempotency (a
    key repeated in the batch returns the batch's first record) — but with the reads prefetched in bulk
    (activities, idempotency keys, members, the members' records of the year, the locks of the batch's
    branches and years with ``locks.locked_among``, the qualifications of the members at activities that
    require some with ``qualifications.for_members``), the entries stored by one ``records.add_many``
    and what they earn by one ``qualifications.add_many``: a handful of statements per batch instead of
    several per record. A training's qualifications earned by an entry count for the entries after it,
    and are stored after the entries. When a request is refused, the entries before it are added first, so that an earlier
    entry the storage refuses (a duplicate ``record_id``) raises first, as one by one."""
    if not all(_plain(request) for request in batch):  # odd input: exactly the one-by-one path
        return _record_each(uow, batch, recorded_on, policy)
    activities = uow.activities.get_many(r.activity_id for r in batch)
    keys = [r.idempotency_key for r in batch if r.idempotency_key is not None]
    by_key = uow.records.by_idempotency_keys(keys) if keys else {}
    fresh = [r for r in batch if r.idempotency_key is None or r.idempotency_key not in by_key]
    members = uow.members.get_many(r.member_id for r in fresh)
    ready = Readiness(uow, policy)
    ready.know(members)
    in_year: dict[int, dict[str, None]] = {}
    for request in fresh:
        activity = activities.get(request.activity_id)
        on = request.on if request.on is not None or activity is None else activity.on
        if isinstance(on, date):
            in_year.setdefault(on.year, {})[request.member_id] = None
    member_years = {
        (member_id, year): records
        for year, member_ids in in_year.items()
        for member_id, records in uow.records.for_members(member_ids, year).items()
    }
    pairs = {(activity.branch_id, on.year) for activity, on in _dated(fresh, activities)}
    among = uow.locks.locked_among(pairs) if pairs else set()
    locked = {pair: pair in among for pair in pairs}
    if policy.require_training:
        ready.know_held(r.member_id for r in fresh if (a := activities.get(r.activity_id)) and a.requires)
    days = _Days()
    entries: list[tuple[ServiceRecord, str | None]] = []
    in_batch: dict[str, int] = {}  # idempotency key → its entry
    done: list[ServiceRecord | int] = []  # a record stored before, or the index of an entry
    earned: list[Qualification] = []
    for request in batch:
        try:
            activity = activities.get(request.activity_id) or uow.activities.get(request.activity_id)
            key = request.idempotency_key
            if key is not None:
                first = by_key.get(key)
                if first is not None:
                    done.append(repeated(first, activity, request, recorded_on))
                    continue
                if key in in_batch:
                    repeated(entries[in_batch[key]][0], activity, request, recorded_on)
                    done.append(in_batch[key])
                    continue
            if request.member_id not in members:
                uow.members.get(request.member_id)  # NotFound, as enter_record raises it
            record = new_record(activity, request, recorded_on, RecordStatus.CONFIRMED)
            refuse_locked(uow, record, locked)
            existing = year_records(uow, record, member_years)
            same_day = days.of(record, existing)
            refuse_entry(record, activity, same_day, policy)
            ready.refuse(record.member_id, activity, record.on)
        except Exception:
            if entries:
                uow.records.add_many(entries)  # an earlier entry the storage refuses comes first
            raise
        existing.append(record)
        same_day.append(record)
        if key is not None:
            in_batch[key] = len(entries)
        done.append(len(entries))
        entries.append((record, key))
        earned.extend(ready.earn(record, activity))
    stored = uow.records.add_many(entries) if entries else []
    ready.store(earned)
    return [stored[d] if isinstance(d, int) else d for d in done]


class _Days:
    """A batch's records by (member, activity, day): what ``record.sessions_per_day`` counts for an entry
    (:func:`~volunteer_core.rules.timebank.sessions_taken` skips the member's other records), so that
    checking an entry costs the records of its day, not all of its member's year."""

    def __init__(self) -> None:
        self._days: dict[tuple[str, str, date], list[ServiceRecord]] = {}
        self._years: set[tuple[str, int]] = set()

    def of(self, record: ServiceRecord, existing: list[ServiceRecord]) -> list[ServiceRecord]:
        """The records of ``existing`` (``record``'s member's records of its year, indexed when first met)
        of ``record``'s activity and day; the caller appends each entry it keeps."""
        days = self._days
        year = (record.member_id, record.on.year)
        if year not in self._years:
            self._years.add(year)
            for other in existing:
                days.setdefault((other.member_id, other.activity_id, other.on), []).append(other)
        return days.setdefault((record.member_id, record.activity_id, record.on), [])


def _dated(
    requests: list[RecordRequest], activities: Mapping[str, Activity]
) -> Iterator[tuple[Activity, date]]:
    """(activity, date) of each request whose activity is known: the date its entry will have."""
    for request in requests:
        activity = activities.get(request.activity_id)
        if activity is not None:
            on = activity.on if request.on is None else request.on
            if isinstance(on, date):
                yield activity, on


def _plain(request: RecordRequest) -> bool:
    """Whether the ids and the key of ``request`` are strings (what the batched path assumes)."""
    return (
        isinstance(request.member_id, str)
        and isinstance(request.activity_id, str)
        and (request.idempotency_key is None or isinstance(request.idempotency_key, str))
    )


def _record_each(
    uow: UnitOfWork, batch: list[RecordRequest], recorded_on: date, policy: Policy
) -> list[ServiceRecord]:
    """One batch of :func:`record_services`, request by request through :func:`enter_record`."""
    activities: dict[str, Activity] = {}
    member_years: dict[tuple[str, int], list[ServiceRecord]] = {}
    ready = Readiness(uow, policy)
    done: list[ServiceRecord] = []
    for request in batch:
        activity = activities.get(request.activity_id)
        if activity is None:
            activity = activities[request.activity_id] = uow.activities.get(request.activity_id)
        done.append(
            enter_record(
                uow,
                activity,
                request,
                recorded_on,
                policy=policy,
                member_years=member_years,
                readiness=ready,
            )
        )
    return done


def record_services(
    uow: UnitOfWork,
    items: Iterable[RecordRequest | Mapping[str, Any]],
    *,
    batch_size: int = 1000,
    recorded_on: date | None = None,
    policy: Policy = DEFAULT,
    retries: int = DEFAULT_RETRIES,
) -> list[ServiceRecord]:
    """The bulk form of :func:`record_service` for imports: one transaction per ``batch_size`` items,
    the same idempotency (a key seen before, in an earlier batch or import, returns its first record).
    A bad item raises and rolls back its batch only; earlier batches stay committed. Returns the records
    in the order of ``items``.

    Each batch is checked exactly as one-by-one calls would be, but read with the repositories' bulk
    methods (``get_many``, ``records.by_idempotency_keys``, ``records.for_members``,
    ``locks.locked_among``, ``qualifications.for_members``) and stored with one ``records.add_many``
    (and ``qualifications.add_many`` for what trainings earn): on ``storage.sql`` about ten statements
    per batch instead of several per record."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidInput(
            "batch_size", batch_size, message_en="must be an integer ≥ 1", message_zh="须为正整数"
        )
    entered = recorded_on or today()
    stored: list[ServiceRecord] = []
    batch: list[RecordRequest] = []

    def flush() -> None:
        stored.extend(transaction(uow, lambda: _record_batch(uow, batch, entered, policy), retries))
        batch.clear()

    for request in _requests(items):
        batch.append(request)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    return stored


def reverse_service(
    uow: UnitOfWork,
    record_id: str,
    *,
    on: date,
    reversal_id: str | None = None,
    retries: int = DEFAULT_RETRIES,
) -> ServiceRecord:
    """冲销: append the entry that cancels ``record_id`` (the original is untouched); ``on`` is the day
    of entry (the reversal's ``recorded_on``; its ``on`` is the original's date). Reversing twice, or
    reversing a reversal, raises ``RuleViolation`` ``ledger.already_reversed``."""

    def work() -> ServiceRecord:
        original = uow.records.get(record_id)
        refused = check_reversal(original, existing_reversal=uow.records.reversal_of(record_id))
        if refused:
            raise RuleViolation(refused[0])
        _refuse_unconfirmed(original, "reversed", "冲销")
        reversal = original.reversal(id=reversal_id or new_id("rev"), recorded_on=max(on, original.on))
        refuse_locked(uow, reversal)
        return uow.records.add(reversal)

    return transaction(uow, work, retries)


def _refuse_unconfirmed(original: ServiceRecord, verb_en: str, verb_zh: str) -> None:
    if original.status is not RecordStatus.CONFIRMED:
        raise RuleViolation(
            violation(
                "record.status",
                original.id,
                en=f"record {original.id} is {original.status.name}: only a confirmed record is {verb_en}",
                zh=f"记录 {original.id} {original.status.label_zh}，只有已确认的记录可以{verb_zh}",
                status=original.status.value,
            )
        )


def adjust_service(
    uow: UnitOfWork,
    record_id: str,
    *,
    minutes: int,
    on: date,
    adjustment_id: str | None = None,
    retries: int = DEFAULT_RETRIES,
) -> ServiceRecord:
    """调整: an adjustment entry for ``record_id`` dated ``on`` in an open year (minutes of either sign,
    not zero); it counts in its own year. The way to correct a locked year."""

    def work() -> ServiceRecord:
        original = uow.records.get(record_id)
        _refuse_unconfirmed(original, "adjusted", "调整")
        adjustment = ServiceRecord(
            id=adjustment_id or new_id("adj"),
            member_id=original.member_id,
            activity_id=original.activity_id,
            branch_id=original.branch_id,
            kind=original.kind,
            on=on,
            minutes=minutes,
            recorded_on=on,
            adjusts=original.id,
        )
        refuse_locked(uow, adjustment)
        return uow.records.add(adjustment)

    return transaction(uow, work, retries)


def lock_year(uow: UnitOfWork, branch_id: str, year: int, *, retries: int = DEFAULT_RETRIES) -> None:
    """Close a filed year of a branch (台账): its records can no longer be added, confirmed, rejected,
    reversed or changed (``ledger.year_locked``); corrections go into an open year (:func:`adjust_service`)."""

    def work() -> None:
        uow.branches.get(branch_id)
        uow.locks.lock(branch_id, year)

    transaction(uow, work, retries)
