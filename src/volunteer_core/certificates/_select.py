"""Which records a certificate counts, and which it leaves out and why (谁组织谁记录、谁记录谁证明).

>>> from datetime import date
>>> from volunteer_core import DateRange, ServiceRecord
>>> rs = [ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1",
...                     kind="training", on=date(2026, 3, 5), minutes=90),
...       ServiceRecord(id="r2", member_id="m1", activity_id="a2", branch_id="b2",
...                     kind="training", on=date(2026, 3, 6), minutes=60)]
>>> content, excluded = select_records("m1", rs, period=DateRange(date(2026, 1, 1), date(2026, 12, 31)),
...                                    organiser_id="b1")
>>> content[0].minutes, [(e.record_id, e.reason, e.message_en) for e in excluded]
(90, [('r2', 'other_organiser', 'organised by b2, not b1')])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date

import attrs

from volunteer_core.calendar.dates import DateRange
from volunteer_core.model.activity import Activity, ServiceRecord
from volunteer_core.model.enums import ActivityKind, RecordStatus

__all__ = ["EXCLUSION_REASONS", "ExcludedRecord", "ServiceContent", "select_records"]

#: Why a record of the member in the period is not counted: another organiser ran its activity, or it
#: is not confirmed (still pending, or rejected). The organiser reason comes first.
EXCLUSION_REASONS = ("other_organiser", "pending", "rejected")
_KIND_ORDER = {kind: index for index, kind in enumerate(ActivityKind)}


@attrs.frozen(kw_only=True)
class ServiceContent:
    """One line of the service content: an activity kind, its confirmed minutes and activities.

    >>> ServiceContent(kind=ActivityKind.TRAINING, minutes=90, activities=1).kind.label_zh
    '培训'
    """

    kind: ActivityKind
    minutes: int
    activities: int


@attrs.frozen(kw_only=True)
class ExcludedRecord:
    """A record of the member in the period that the certificate does not count, and why.

    ``reason`` is one of :data:`EXCLUSION_REASONS`; ``organised_by`` are the organisers of its
    activity (sorted); ``message_zh`` / ``message_en`` say it in words.

    >>> from datetime import date
    >>> e = ExcludedRecord(record_id="r2", activity_id="a2", on=date(2026, 3, 6), minutes=60,
    ...                    reason="pending", organised_by=("b1",), message_zh="尚未确认",
    ...                    message_en="not confirmed yet (pending)")
    >>> e.reason, e.minutes
    ('pending', 60)
    """

    record_id: str
    activity_id: str
    on: date
    minutes: int
    reason: str
    organised_by: tuple[str, ...]
    message_zh: str
    message_en: str


def _organisers(record: ServiceRecord, activities: Mapping[str, Activity] | None) -> tuple[str, ...]:
    activity = activities.get(record.activity_id) if activities is not None else None
    if activity is None:
        return (record.branch_id,)
    # ``branch_ids``: the co-organisers of an activity run by several branches, where the model has them.
    co_organisers: Iterable[str] = getattr(activity, "branch_ids", ()) or ()
    return tuple(sorted({activity.branch_id, *co_organisers}))


def _excluded(record: ServiceRecord, organisers: tuple[str, ...], organiser_id: str | None) -> ExcludedRecord:
    if organiser_id is not None and organiser_id not in organisers:
        by = ", ".join(organisers)
        reason, zh, en = (
            "other_organiser",
            f"由 {by} 组织，不是 {organiser_id}",
            f"organised by {by}, not {organiser_id}",
        )
    elif record.status is RecordStatus.PENDING:
        reason, zh, en = "pending", "尚未确认（待确认）", "not confirmed yet (pending)"
    else:
        reason, zh, en = "rejected", "已被驳回", "rejected"
    return ExcludedRecord(
        record_id=record.id,
        activity_id=record.activity_id,
        on=record.on,
        minutes=record.minutes,
        reason=reason,
        organised_by=organisers,
        message_zh=zh,
        message_en=en,
    )


def select_records(
    member_id: str,
    records: Iterable[ServiceRecord],
    *,
    period: DateRange,
    organiser_id: str | None = None,
    activities: Mapping[str, Activity] | None = None,
) -> tuple[tuple[ServiceContent, ...], tuple[ExcludedRecord, ...]]:
    """The service content that ``member_id``'s records in ``period`` certify (by kind, in the order of
    :class:`ActivityKind`; reversals netted, lines that net to zero left out), and the member's records
    in the period left out (sorted by date and id): another organiser's when ``organiser_id`` is given,
    pending and rejected ones."""
    minutes: dict[ActivityKind, int] = {}
    per_activity: dict[tuple[ActivityKind, str], int] = {}
    excluded: list[ExcludedRecord] = []
    for record in records:
        if record.member_id != member_id or not period.contains(record.on):
            continue
        organisers = _organisers(record, activities)
        if (organiser_id is not None and organiser_id not in organisers) or (
            record.status is not RecordStatus.CONFIRMED
        ):
            excluded.append(_excluded(record, organisers, organiser_id))
            continue
        minutes[record.kind] = minutes.get(record.kind, 0) + record.minutes
        key = (record.kind, record.activity_id)
        per_activity[key] = per_activity.get(key, 0) + record.minutes
    content = tuple(
        ServiceContent(
            kind=kind,
            minutes=total,
            activities=sum(1 for (k, _), m in per_activity.items() if k is kind and m > 0),
        )
        for kind, total in sorted(minutes.items(), key=lambda kv: _KIND_ORDER[kv[0]])
        if total != 0
    )
    return content, tuple(sorted(excluded, key=lambda e: (e.on, e.record_id)))
