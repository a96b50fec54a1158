"""Use-cases: plain functions taking a :class:`~volunteer_core.ports.UnitOfWork` first.

Each opens its own ``with uow:``, loads what it needs, applies the pure model and rules, stores the
result and commits once — or not at all. On ``ConcurrencyConflict`` it reloads and retries (``retries=``,
default 8) with a short random back-off, so contention alone never refuses an operation that still
fits; it raises ``ConcurrencyConflict`` only when the retries run out. Structurally invalid input raises
``InvalidInput``; a rule breach raises ``RuleViolation``; an unknown id passed as an argument raises
``NotFound``.

>>> from datetime import date
>>> from volunteer_core import Beneficiary, Wish
>>> from volunteer_core.storage.memory import InMemoryUnitOfWork
>>> uow = InMemoryUnitOfWork()
>>> with uow:
...     _ = uow.beneficiaries.add(Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区"))
...     uow.commit()
>>> w = collect_wish(uow, Wish(id="w1", beneficiary_id="p1", kind="material", content="电饭煲",
...                            collected_on=date(2026, 5, 1), value="300.00"))
>>> w = screen_wish(uow, "w1", approved=True, on=date(2026, 5, 2))
>>> w = publish_wish(uow, "w1", on=date(2026, 5, 3))
>>> w.status.value, w.version
('published', 2)
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import attrs

from volunteer_core import compliance
from volunteer_core._catalogue import violation
from volunteer_core._gcpause import paused_collector
from volunteer_core.errors import ConcurrencyConflict, InvalidInput, RuleViolation
from volunteer_core.model import (
    Activity,
    Beneficiary,
    Branch,
    BranchPlan,
    CommunityRegistration,
    Demand,
    HalfYearReport,
    Member,
    Pairing,
    PartnerUnit,
    RecordStatus,
    ServiceRecord,
    Team,
    Wish,
    WishStatus,
)
from volunteer_core.money import Yuan
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.ports import UnitOfWork
from volunteer_core.rules.ledger import check_reversal, check_year_locked
from volunteer_core.rules.pairing import check_single_target, find_duplicate_pairings
from volunteer_core.rules.timebank import check_duration, check_sessions_per_day

__all__ = [
    "RecordRequest",
    "accept_demand",
    "add_entities",
    "adjust_service",
    "assign_demand",
    "cancel_demand",
    "cancel_wish",
    "claim_wish",
    "collect_wish",
    "complete_demand",
    "confirm_service",
    "decline_demand",
    "end_pairing",
    "evaluate_year",
    "fulfil_wish",
    "lock_year",
    "order_demand",
    "publish_wish",
    "record_service",
    "record_services",
    "register_pairing",
    "reject_service",
    "report_service",
    "reverse_service",
    "screen_wish",
    "withdraw_claim",
]

R = TypeVar("R")
K = TypeVar("K")
V = TypeVar("V")
DEFAULT_RETRIES = 8


def _today() -> date:
    """Today in China (UTC+8): the default entry date of ledger records."""
    return (datetime.now(UTC) + timedelta(hours=8)).date()


def _new_id(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex}"


def _transaction(uow: UnitOfWork, work: Callable[[], R], retries: int) -> R:
    """Run ``work`` in one transaction, committing once; retry on ConcurrencyConflict."""
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        raise InvalidInput(
            "retries", retries, message_en="must be an integer ≥ 0", message_zh="须为不小于0的整数"
        )
    attempt = 0
    while True:
        try:
            with uow:
                result = work()
                uow.commit()
                return result
        except (ConcurrencyConflict, InvalidInput) as err:
            # an idempotency key stored meanwhile by a concurrent call is a lost race, not bad input:
            # the retry finds the first record and returns it
            if isinstance(err, InvalidInput) and (err.code, err.path) != (
                "input.duplicate",
                "idempotency_key",
            ):
                raise
            attempt += 1
            if attempt > retries:
                raise
            time.sleep(random.uniform(0, 0.002 * 2 ** min(attempt, 6)))


# -- registers: branches, members, teams, beneficiaries, units, activities, plans, reports -------------

_REPOSITORY_OF: dict[type, str] = {
    Branch: "branches",
    Member: "members",
    Team: "teams",
    Beneficiary: "beneficiaries",
    PartnerUnit: "units",
    Activity: "activities",
    BranchPlan: "plans",
    HalfYearReport: "reports",
}


def add_entities(
    uow: UnitOfWork, entities: Iterable[Any], *, batch_size: int = 1000, retries: int = DEFAULT_RETRIES
) -> int:
    """Register master data — branches, members, teams, beneficiaries, partner units, activities, plans
    and reports — in order, one transaction per ``batch_size`` (a reference must name an entity stored
    earlier: put branches before members). Returns how many were stored. Entities with a life of their
    own go through their use-cases instead (wishes, pairings, records, demands).

    >>> from volunteer_core import Branch
    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> add_entities(InMemoryUnitOfWork(), [Branch(id="b1", name="一支部"), Branch(id="b2", name="二支部")])
    2
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidInput(
            "batch_size", batch_size, message_en="must be an integer ≥ 1", message_zh="须为正整数"
        )
    batch: list[Any] = []
    count = 0

    def flush() -> None:
        def work() -> None:
            for entity in batch:
                getattr(uow, _REPOSITORY_OF[type(entity)]).add(entity)

        _transaction(uow, work, retries)

    for index, entity in enumerate(entities):
        if type(entity) not in _REPOSITORY_OF:
            raise InvalidInput(
                f"entities[{index}]",
                type(entity).__name__,
                code="input.type",
                message_en="add_entities stores branches, members, teams, beneficiaries, units, activities, "
                "plans and reports; use the use-case of a wish, pairing, record or demand",
                message_zh="心愿、结对、服务记录、需求请通过相应用例办理",
            )
        batch.append(entity)
        if len(batch) >= batch_size:
            flush()
            count += len(batch)
            batch.clear()
    if batch:
        flush()
        count += len(batch)
    return count


# -- wishes ------------------------------------------------------------------------------------------


def collect_wish(uow: UnitOfWork, wish: Wish, *, retries: int = DEFAULT_RETRIES) -> Wish:
    """征集: store a COLLECTED wish as stated (the rules are judged at screening).

    The beneficiary must be stored; a wish in another state, or with claims, is refused (``InvalidInput``).
    """
    if not isinstance(wish, Wish):
        raise InvalidInput(
            "wish", wish, code="input.type", message_en="must be a Wish", message_zh="须为心愿"
        )
    if wish.status is not WishStatus.COLLECTED or wish.claims:
        raise InvalidInput(
            "status",
            wish.status.value,
            message_en="a wish is collected in status COLLECTED, without claims",
            message_zh="征集的心愿须为“已征集”状态且无认领",
        )
    return _transaction(uow, lambda: uow.wishes.add(wish), retries)


def _wish_step(uow: UnitOfWork, wish_id: str, step: Callable[[Wish], Wish], retries: int) -> Wish:
    return _transaction(uow, lambda: uow.wishes.update(step(uow.wishes.get(wish_id))), retries)


def screen_wish(
    uow: UnitOfWork,
    wish_id: str,
    *,
    approved: bool,
    on: date,
    reason: str = "",
    policy: Policy = DEFAULT,
    retries: int = DEFAULT_RETRIES,
) -> Wish:
    """甄别: approve (refused for a wish with an ERROR violation, e.g. ``wish.value_cap``) or reject."""
    return _wish_step(uow, wish_id, lambda w: w.screen(approved, on, reason, policy=policy), retries)


def publish_wish(
    uow: UnitOfWork, wish_id: str, *, on: date, policy: Policy = DEFAULT, retries: int = DEFAULT_RETRIES
) -> Wish:
    """发布 a screened wish (re-checks the value cap of ``policy``)."""
    return _wish_step(uow, wish_id, lambda w: w.publish(on, policy=policy), retries)


def claim_wish(
    uow: UnitOfWork,
    wish_id: str,
    member_id: str,
    *,
    on: date,
    pledged: Yuan | str | int | None = None,
    policy: Policy = DEFAULT,
    retries: int = DEFAULT_RETRIES,
) -> Wish:
    """认领: a stored member pledges toward a published wish. Safe under concurrency: claims that race
    are serialised by the wish's version, so the pledges never exceed the value."""

    def work() -> Wish:
        uow.members.get(member_id)
        return uow.wishes.update(uow.wishes.get(wish_id).claim(member_id, on, pledged, policy))

    return _transaction(uow, work, retries)


def withdraw_claim(
    uow: UnitOfWork, wish_id: str, member_id: str, *, on: date, retries: int = DEFAULT_RETRIES
) -> Wish:
    """撤回认领; the wish returns to PUBLISHED when no live claim is left."""
    return _wish_step(uow, wish_id, lambda w: w.withdraw_claim(member_id, on), retries)


def fulfil_wish(uow: UnitOfWork, wish_id: str, *, on: date, retries: int = DEFAULT_RETRIES) -> Wish:
    """落实 a claimed wish."""
    return _wish_step(uow, wish_id, lambda w: w.fulfil(on), retries)


def cancel_wish(
    uow: UnitOfWork, wish_id: str, *, on: date, reason: str, retries: int = DEFAULT_RETRIES
) -> Wish:
    """Cancel a wish that is not final."""
    return _wish_step(uow, wish_id, lambda w: w.cancel(on, reason), retries)


# -- pairings ----------------------------------------------------------------------------------------


def register_pairing(
    uow: UnitOfWork, pairing: Pairing, *, policy: Policy = DEFAULT, retries: int = DEFAULT_RETRIES
) -> Pairing:
    """结对: store a pairing, refusing a duplicate of its target (``pairing.duplicate``) and, when the
    policy limits it, more concurrent pairings per branch (``pairing.single_target``). Checked inside
    the transaction: two concurrent registrations of one target cannot both succeed."""
    if not isinstance(pairing, Pairing):
        raise InvalidInput(
            "pairing", pairing, code="input.type", message_en="must be a Pairing", message_zh="须为结对"
        )

    def work() -> Pairing:
        for branch_id in sorted(pairing.branch_ids):
            uow.branches.get(branch_id)
        existing = [p for p in uow.pairings.for_target(pairing.target_id) if p.id != pairing.id]
        for found in find_duplicate_pairings([*existing, pairing], policy):
            if pairing.id in found.details["pairing_ids"]:
                raise RuleViolation(found)
        if policy.max_pairing_targets_per_branch is not None:
            held = {p.id: p for b in sorted(pairing.branch_ids) for p in uow.pairings.for_branch(b)}
            held.pop(pairing.id, None)
            for found in check_single_target([*held.values(), pairing], policy):
                if pairing.id in found.details["pairing_ids"]:
                    raise RuleViolation(found)
        return uow.pairings.add(pairing)

    return _transaction(uow, work, retries)


def end_pairing(uow: UnitOfWork, pairing_id: str, *, on: date, retries: int = DEFAULT_RETRIES) -> Pairing:
    """End a pairing on ``on`` (its last day)."""
    return _transaction(uow, lambda: uow.pairings.update(uow.pairings.get(pairing_id).end(on)), retries)


# -- the time-bank ledger ----------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class RecordRequest:
    """One item of :func:`record_services` (a mapping with these keys works too)."""

    member_id: str
    activity_id: str
    minutes: int
    on: date | None = None
    idempotency_key: str | None = None
    record_id: str | None = None
    recorded_on: date | None = None


def _refuse_locked(
    uow: UnitOfWork, record: ServiceRecord, locked: dict[tuple[str, int], bool] | None = None
) -> None:
    """Refuse a record of a locked (branch, year) (``ledger.year_locked``); ``locked`` caches
    ``locks.is_locked`` for a batch."""
    key = (record.branch_id, record.on.year)
    if _cached(locked, key, lambda: uow.locks.is_locked(*key)):
        raise RuleViolation(check_year_locked(record, locked={key})[0])


def _new_record(
    activity: Activity, request: RecordRequest, recorded_on: date, status: RecordStatus
) -> ServiceRecord:
    """The ledger entry ``request`` asks for (not yet checked against the ledger)."""
    on = activity.on if request.on is None else request.on
    return ServiceRecord(
        id=request.record_id or _new_id("rec"),
        member_id=request.member_id,
        activity_id=activity.id,
        branch_id=activity.branch_id,
        kind=activity.kind,
        on=on,
        minutes=request.minutes,
        recorded_on=max(request.recorded_on or recorded_on, on),
        status=status,
    )


def _year_records(
    uow: UnitOfWork, record: ServiceRecord, member_years: dict[tuple[str, int], list[ServiceRecord]] | None
) -> list[ServiceRecord]:
    """The records of ``record``'s member in its year, from ``member_years`` (a batch's cache, filled on a
    miss) or the repository."""
    key = (record.member_id, record.on.year)
    return _cached(member_years, key, lambda: uow.records.for_member(*key))


def _cached(cache: dict[K, V] | None, key: K, load: Callable[[], V]) -> V:
    """``load()``, kept in ``cache`` (a batch's) under ``key`` and taken from it next time; without a
    cache, ``load()`` every time."""
    if cache is None:
        return load()
    if key not in cache:
        cache[key] = load()
    return cache[key]


def _refuse_entry(
    record: ServiceRecord, activity: Activity, existing: list[ServiceRecord], policy: Policy
) -> None:
    """Refuse a record beyond the activity's length (``record.duration``) or past the sessions a day
    (``record.sessions_per_day``) given the member's ``existing`` records of the year."""
    for refused in (check_duration(record, activity), check_sessions_per_day(record, existing, policy)):
        if refused:
            raise RuleViolation(refused[0])


def _entry(
    uow: UnitOfWork,
    activity: Activity,
    request: RecordRequest,
    recorded_on: date,
    *,
    status: RecordStatus = RecordStatus.CONFIRMED,
    policy: Policy = DEFAULT,
    member_years: dict[tuple[str, int], list[ServiceRecord]] | None = None,
) -> ServiceRecord:
    """Build, check and store one ledger entry inside the open transaction (idempotent by key): refused
    in a locked year (``ledger.year_locked``), beyond the activity's length (``record.duration``) or past
    the sessions a day (``record.sessions_per_day``). ``member_years`` caches ``records.for_member`` for
    a batch (one query per member and year, kept up to date with the batch's own entries)."""
    if request.idempotency_key is not None:
        first = uow.records.by_idempotency_key(request.idempotency_key)
        if first is not None:
            return first
    uow.members.get(request.member_id)
    record = _new_record(activity, request, recorded_on, status)
    _refuse_locked(uow, record)
    existing = _year_records(uow, record, member_years)
    _refuse_entry(record, activity, existing, policy)
    stored = uow.records.add(record, idempotency_key=request.idempotency_key)
    if member_years is not None:
        existing.append(stored)
    return stored


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
    ``idempotency_key`` twice returns the first record and stores nothing new (never deduplicated by
    content). Refused with ``RuleViolation``: a record in a locked year (``ledger.year_locked``), more
    minutes than the activity's ``duration_minutes`` (``record.duration``), more than
    ``policy.max_sessions_per_day`` sessions of the member at the activity that day
    (``record.sessions_per_day``).
    """
    request = RecordRequest(
        member_id=member_id,
        activity_id=activity_id,
        minutes=minutes,
        on=on,
        idempotency_key=idempotency_key,
        record_id=record_id,
    )
    entered = recorded_on or _today()
    return _transaction(
        uow, lambda: _entry(uow, uow.activities.get(activity_id), request, entered, policy=policy), retries
    )


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
    The same checks as :func:`record_service`; a pending record takes a session of the day.

    >>> from datetime import date
    >>> from volunteer_core import Activity, Branch, Member
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
    entered = recorded_on or _today()
    return _transaction(
        uow,
        lambda: _entry(
            uow, uow.activities.get(activity_id), request, entered, status=RecordStatus.PENDING, policy=policy
        ),
        retries,
    )


def confirm_service(
    uow: UnitOfWork, record_id: str, *, by: str, on: date, retries: int = DEFAULT_RETRIES
) -> ServiceRecord:
    """确认: the organiser ``by`` confirms a PENDING record on ``on``; from then on its minutes count.

    Refused with ``RuleViolation``: a record that is not PENDING or ``by`` the member themself
    (``record.transition``), a record in a locked year (``ledger.year_locked``).
    """
    return _decide(uow, record_id, lambda r: r.confirm(by=by, on=on), retries)


def reject_service(
    uow: UnitOfWork, record_id: str, *, by: str, on: date, reason: str, retries: int = DEFAULT_RETRIES
) -> ServiceRecord:
    """不予确认: the organiser ``by`` rejects a PENDING record on ``on`` with a ``reason`` (required); it
    never counts. Refused like :func:`confirm_service`."""
    return _decide(uow, record_id, lambda r: r.reject(by=by, on=on, reason=reason), retries)


def _decide(
    uow: UnitOfWork, record_id: str, step: Callable[[ServiceRecord], ServiceRecord], retries: int
) -> ServiceRecord:
    def work() -> ServiceRecord:
        record = uow.records.get(record_id)
        _refuse_locked(uow, record)
        return uow.records.update(step(record))

    return _transaction(uow, work, retries)


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
    :func:`_entry` does — the same checks in the same order, the same errors, the same idempotency (a
    key repeated in the batch returns the batch's first record) — but with the reads prefetched in bulk
    (activities, idempotency keys, members, the members' records of the year; ``locks.is_locked`` once
    per branch and year) and the entries stored by one ``records.add_many``: a handful of statements
    per batch instead of several per record. When a request is refused, the entries before it are
    added first, so that an earlier entry the storage refuses (a duplicate ``record_id``) raises first,
    as one by one."""
    if not all(_plain(request) for request in batch):  # odd input: exactly the one-by-one path
        return _record_each(uow, batch, recorded_on, policy)
    activities = uow.activities.get_many(r.activity_id for r in batch)
    keys = [r.idempotency_key for r in batch if r.idempotency_key is not None]
    by_key = uow.records.by_idempotency_keys(keys) if keys else {}
    fresh = [r for r in batch if r.idempotency_key is None or r.idempotency_key not in by_key]
    members = uow.members.get_many(r.member_id for r in fresh)
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
    locked: dict[tuple[str, int], bool] = {}
    entries: list[tuple[ServiceRecord, str | None]] = []
    in_batch: dict[str, int] = {}  # idempotency key → its entry
    done: list[ServiceRecord | int] = []  # a record stored before, or the index of an entry
    for request in batch:
        try:
            activity = activities.get(request.activity_id) or uow.activities.get(request.activity_id)
            key = request.idempotency_key
            if key is not None:
                first = by_key.get(key)
                if first is not None or key in in_batch:
                    done.append(in_batch[key] if first is None else first)
                    continue
            if request.member_id not in members:
                uow.members.get(request.member_id)  # NotFound, as _entry raises it
            record = _new_record(activity, request, recorded_on, RecordStatus.CONFIRMED)
            _refuse_locked(uow, record, locked)
            existing = _year_records(uow, record, member_years)
            _refuse_entry(record, activity, existing, policy)
        except Exception:
            if entries:
                uow.records.add_many(entries)  # an earlier entry the storage refuses comes first
            raise
        existing.append(record)
        if key is not None:
            in_batch[key] = len(entries)
        done.append(len(entries))
        entries.append((record, key))
    stored = uow.records.add_many(entries) if entries else []
    return [stored[d] if isinstance(d, int) else d for d in done]


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
    """One batch of :func:`record_services`, request by request through :func:`_entry`."""
    activities: dict[str, Activity] = {}
    member_years: dict[tuple[str, int], list[ServiceRecord]] = {}
    done: list[ServiceRecord] = []
    for request in batch:
        activity = activities.get(request.activity_id)
        if activity is None:
            activity = activities[request.activity_id] = uow.activities.get(request.activity_id)
        done.append(_entry(uow, activity, request, recorded_on, policy=policy, member_years=member_years))
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
    methods (``get_many``, ``records.by_idempotency_keys``, ``records.for_members``) and stored with one
    ``records.add_many``: on ``storage.sql`` about ten statements per batch instead of several per
    record."""
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidInput(
            "batch_size", batch_size, message_en="must be an integer ≥ 1", message_zh="须为正整数"
        )
    entered = recorded_on or _today()
    stored: list[ServiceRecord] = []
    batch: list[RecordRequest] = []

    def flush() -> None:
        stored.extend(_transaction(uow, lambda: _record_batch(uow, batch, entered, policy), retries))
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
        reversal = original.reversal(id=reversal_id or _new_id("rev"), recorded_on=max(on, original.on))
        _refuse_locked(uow, reversal)
        return uow.records.add(reversal)

    return _transaction(uow, work, retries)


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
            id=adjustment_id or _new_id("adj"),
            member_id=original.member_id,
            activity_id=original.activity_id,
            branch_id=original.branch_id,
            kind=original.kind,
            on=on,
            minutes=minutes,
            recorded_on=on,
            adjusts=original.id,
        )
        _refuse_locked(uow, adjustment)
        return uow.records.add(adjustment)

    return _transaction(uow, work, retries)


def lock_year(uow: UnitOfWork, branch_id: str, year: int, *, retries: int = DEFAULT_RETRIES) -> None:
    """Close a filed year of a branch (台账): its records can no longer be added, confirmed, rejected,
    reversed or changed (``ledger.year_locked``); corrections go into an open year (:func:`adjust_service`)."""

    def work() -> None:
        uow.branches.get(branch_id)
        uow.locks.lock(branch_id, year)

    _transaction(uow, work, retries)


# -- dispatch: 点单 → 派单 → 接单 → 完成 ---------------------------------------------------------------


def order_demand(uow: UnitOfWork, demand: Demand, *, retries: int = DEFAULT_RETRIES) -> Demand:
    """点单: a community orders a service (stored ORDERED)."""
    if not isinstance(demand, Demand):
        raise InvalidInput(
            "demand", demand, code="input.type", message_en="must be a Demand", message_zh="须为需求"
        )
    return _transaction(uow, lambda: uow.demands.add(demand), retries)


def assign_demand(
    uow: UnitOfWork,
    demand_id: str,
    *,
    member_id: str | None = None,
    team_id: str | None = None,
    on: date,
    retries: int = DEFAULT_RETRIES,
) -> Demand:
    """派单 to a stored member or team."""

    def work() -> Demand:
        if member_id is not None:
            uow.members.get(member_id)
        if team_id is not None:
            uow.teams.get(team_id)
        return uow.demands.update(uow.demands.get(demand_id).assign(on, member_id=member_id, team_id=team_id))

    return _transaction(uow, work, retries)


def accept_demand(
    uow: UnitOfWork, demand_id: str, *, member_id: str, on: date, retries: int = DEFAULT_RETRIES
) -> Demand:
    """接单 by the assigned member, or by a member of the assigned team."""

    def work() -> Demand:
        demand = uow.demands.get(demand_id)
        uow.members.get(member_id)
        if demand.team_id is not None and member_id not in uow.teams.get(demand.team_id).member_ids:
            raise RuleViolation(
                violation(
                    "demand.transition",
                    demand.id,
                    en=f"member {member_id} is not in team {demand.team_id}",
                    zh=f"党员 {member_id} 不在队伍 {demand.team_id} 中",
                    status=demand.status.value,
                )
            )
        return uow.demands.update(demand.accept(member_id, on))

    return _transaction(uow, work, retries)


def decline_demand(
    uow: UnitOfWork,
    demand_id: str,
    *,
    member_id: str,
    on: date,
    reason: str = "",
    retries: int = DEFAULT_RETRIES,
) -> Demand:
    """A member declines (never forced — 志愿服务条例 Art 25): the demand goes back to ORDERED."""
    return _transaction(
        uow, lambda: uow.demands.update(uow.demands.get(demand_id).decline(member_id, on, reason)), retries
    )


def complete_demand(
    uow: UnitOfWork,
    demand_id: str,
    *,
    activity_id: str,
    minutes: int,
    on: date,
    recorded_on: date | None = None,
    policy: Policy = DEFAULT,
    retries: int = DEFAULT_RETRIES,
) -> Demand:
    """完成: the accepted member's service is recorded through the ledger, the demand becomes DONE — one
    transaction."""
    entered = recorded_on or _today()

    def work() -> Demand:
        demand = uow.demands.get(demand_id)
        done = demand.complete(activity_id, on)
        assert done.member_id is not None  # an accepted demand names its member
        request = RecordRequest(
            member_id=done.member_id,
            activity_id=activity_id,
            minutes=minutes,
            on=on,
            idempotency_key=f"demand:{demand.id}",
        )
        _entry(uow, uow.activities.get(activity_id), request, entered, policy=policy)
        return uow.demands.update(done)

    return _transaction(uow, work, retries)


def cancel_demand(
    uow: UnitOfWork, demand_id: str, *, on: date, reason: str, retries: int = DEFAULT_RETRIES
) -> Demand:
    """Cancel a demand that is not done."""
    return _transaction(
        uow, lambda: uow.demands.update(uow.demands.get(demand_id).cancel(on, reason)), retries
    )


# -- evaluation --------------------------------------------------------------------------------------


def evaluate_year(
    uow: UnitOfWork,
    year: int,
    *,
    policy: Policy = DEFAULT,
    as_of: date | None = None,
    registrations: Iterable[CommunityRegistration] = (),
    pushdown: bool = True,
) -> compliance.YearReport:
    """Evaluate a stored year inside one read-only transaction.

    The per-member aggregates come from :meth:`UnitOfWork.member_year_totals
    <volunteer_core.ports.UnitOfWork.member_year_totals>` — computed in the database by
    ``storage.sql`` (``GROUP BY``), by streaming the records elsewhere — and are judged by
    :func:`volunteer_core.compliance.evaluate_year_totals`. ``pushdown=False`` streams
    ``records.in_year(year)`` into :func:`volunteer_core.evaluate_year` instead (same report). With
    ``policy.community_service_where_registered`` (双报到) the records are always streamed: pass the
    members' ``registrations``; every stored activity is then read for its community.

    CPython's cyclic garbage collector is paused for the call (the pass builds hundreds of thousands of
    long-lived objects and no reference cycle; see ``volunteer_core._gcpause``) and restored after it.

    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> evaluate_year(InMemoryUnitOfWork(), 2026).records_read
    0
    """
    with paused_collector(), uow:
        plans = [p for p in uow.plans.list() if p.year == year]
        reports = [r for r in uow.reports.list() if r.year == year]
        if pushdown and not policy.community_service_where_registered:
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
            records=uow.records.in_year(year),
            teams=uow.teams.list(),
            activities=(
                uow.activities.list()
                if policy.community_service_where_registered
                else uow.activities.in_year(year)
            ),
            pairings=uow.pairings.list(),
            plans=plans,
            reports=reports,
            branches=uow.branches.list(),
            policy=policy,
            as_of=as_of,
            registrations=registrations,
        )
