"""The building block of every use-case that enters a ledger record: a request built into an entry,
checked against the ledger, the member's readiness and the year lock, and stored (idempotent by key).

Private to :mod:`volunteer_core.services` (the ledger, the dispatch); :mod:`~volunteer_core.services.ledger`
re-exports :class:`RecordRequest` and :func:`enter_record`.

>>> RecordRequest(member_id="m1", activity_id="a1", minutes=60).on is None
True
"""

from __future__ import annotations

from datetime import date

import attrs

from volunteer_core.errors import RuleViolation
from volunteer_core.model import Activity, RecordStatus, ServiceRecord, check_identifier
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.ports import UnitOfWork
from volunteer_core.rules.ledger import check_idempotent_request, check_year_locked
from volunteer_core.rules.timebank import check_activity_date, check_duration, check_sessions_per_day
from volunteer_core.services._unit import cached, new_id
from volunteer_core.services.qualifications import Readiness

__all__ = [
    "RecordRequest",
    "enter_record",
    "new_record",
    "refuse_entry",
    "refuse_locked",
    "repeated",
    "year_records",
]


def _key(_request: object, _attribute: attrs.Attribute[str | None], key: str | None) -> None:
    """An idempotency key is an identifier: text of at most ``MAX_ID_LENGTH`` characters, nothing hidden."""
    if key is not None:
        check_identifier("idempotency_key", key)


@attrs.frozen(kw_only=True)
class RecordRequest:
    """One item of :func:`record_services` (a mapping with these keys works too). ``idempotency_key``,
    when given, is checked like an id (:func:`volunteer_core.model.check_identifier`: at most
    :data:`~volunteer_core.model.MAX_ID_LENGTH` characters, no control character).

    >>> RecordRequest(member_id="m1", activity_id="a1", minutes=60, idempotency_key="k" * 129)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.too_large @ idempotency_key: ...
    """

    member_id: str
    activity_id: str
    minutes: int
    on: date | None = None
    idempotency_key: str | None = attrs.field(default=None, validator=_key)
    record_id: str | None = None
    recorded_on: date | None = None


def refuse_locked(
    uow: UnitOfWork, record: ServiceRecord, locked: dict[tuple[str, int], bool] | None = None
) -> None:
    """Refuse a record of a locked (branch, year) (``ledger.year_locked``); ``locked`` caches
    ``locks.is_locked`` for a batch."""
    key = (record.branch_id, record.on.year)
    if cached(locked, key, lambda: uow.locks.is_locked(*key)):
        raise RuleViolation(check_year_locked(record, locked={key})[0])


def new_record(
    activity: Activity, request: RecordRequest, recorded_on: date, status: RecordStatus
) -> ServiceRecord:
    """The ledger entry ``request`` asks for (not yet checked against the ledger)."""
    on = activity.on if request.on is None else request.on
    return ServiceRecord(
        id=request.record_id or new_id("rec"),
        member_id=request.member_id,
        activity_id=activity.id,
        branch_id=activity.branch_id,
        kind=activity.kind,
        on=on,
        minutes=request.minutes,
        recorded_on=max(request.recorded_on or recorded_on, on),
        status=status,
    )


def repeated(
    first: ServiceRecord, activity: Activity, request: RecordRequest, recorded_on: date
) -> ServiceRecord:
    """``first``, stored with ``request``'s idempotency key, when ``request`` asks for the same entry
    (member, activity, minutes, date, kind); else ``RuleViolation`` ``ledger.idempotency_conflict``."""
    key = request.idempotency_key
    assert key is not None
    again = new_record(activity, request, recorded_on, first.status)
    conflict = check_idempotent_request(first, again, key=key)
    if conflict:
        raise RuleViolation(conflict[0])
    return first


def year_records(
    uow: UnitOfWork, record: ServiceRecord, member_years: dict[tuple[str, int], list[ServiceRecord]] | None
) -> list[ServiceRecord]:
    """The records of ``record``'s member in its year, from ``member_years`` (a batch's cache, filled on a
    miss) or the repository."""
    key = (record.member_id, record.on.year)
    return cached(member_years, key, lambda: uow.records.for_member(*key))


def refuse_entry(
    record: ServiceRecord, activity: Activity, existing: list[ServiceRecord], policy: Policy
) -> None:
    """Refuse a record outside its activity's date or span (``record.activity_date``), beyond the
    activity's length (``record.duration``) or past the sessions a day (``record.sessions_per_day``)
    given the member's ``existing`` records of the year."""
    for refused in (
        check_activity_date(record, activity),
        check_duration(record, activity),
        check_sessions_per_day(record, existing, policy),
    ):
        if refused:
            raise RuleViolation(refused[0])


def enter_record(
    uow: UnitOfWork,
    activity: Activity,
    request: RecordRequest,
    recorded_on: date,
    *,
    status: RecordStatus = RecordStatus.CONFIRMED,
    policy: Policy = DEFAULT,
    member_years: dict[tuple[str, int], list[ServiceRecord]] | None = None,
    readiness: Readiness | None = None,
) -> ServiceRecord:
    """Build, check and store one ledger entry inside the transaction the caller has opened (idempotent
    by key): refused in a locked year (``ledger.year_locked``), outside the activity's date or span
    (``record.activity_date``), beyond the activity's length (``record.duration``), past the sessions
    a day (``record.sessions_per_day``), for a member uninsured on the record's date
    (``member.uninsured``) or without a qualification the activity requires, valid that day
    (``member.untrained``). A confirmed record of a training that ``grants`` qualifications stores them
    (:func:`~volunteer_core.rules.earned_qualifications`). ``member_years`` caches ``records.for_member``
    for a batch (one query per member and year, kept up to date with the batch's own entries),
    ``readiness`` the members and their qualifications (:class:`~volunteer_core.services.qualifications.Readiness`).
    The building block of :func:`record_service`, :func:`report_service` and
    :func:`~volunteer_core.services.dispatch.complete_demand`; it neither commits nor retries.

    >>> from volunteer_core import Activity, Branch, Member
    >>> from volunteer_core.services import add_entities
    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> uow = InMemoryUnitOfWork()
    >>> _ = add_entities(uow, [Branch(id="b1", name="一支部"),
    ...     Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)),
    ...     Activity(id="a1", kind="community_service", branch_id="b1", on=date(2026, 3, 1), title="清扫")])
    >>> with uow:
    ...     request = RecordRequest(member_id="m1", activity_id="a1", minutes=60)
    ...     record = enter_record(uow, uow.activities.get("a1"), request, date(2026, 3, 2))
    ...     uow.commit()
    >>> record.on, record.recorded_on, record.status.value
    (datetime.date(2026, 3, 1), datetime.date(2026, 3, 2), 'confirmed')
    """
    if request.idempotency_key is not None:
        first = uow.records.by_idempotency_key(request.idempotency_key)
        if first is not None:
            return repeated(first, activity, request, recorded_on)
    ready = Readiness(uow, policy) if readiness is None else readiness
    ready.member(request.member_id)  # NotFound before anything else is judged
    record = new_record(activity, request, recorded_on, status)
    refuse_locked(uow, record)
    existing = year_records(uow, record, member_years)
    refuse_entry(record, activity, existing, policy)
    ready.refuse(record.member_id, activity, record.on)
    stored = uow.records.add(record, idempotency_key=request.idempotency_key)
    if member_years is not None:
        existing.append(stored)
    ready.store(ready.earn(stored, activity))
    return stored
