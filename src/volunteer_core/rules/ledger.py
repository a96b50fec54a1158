"""Ledger rules of the time bank: ``ledger.already_reversed``, ``ledger.reversal_mismatch``,
``ledger.append_only``, ``ledger.idempotency_conflict``, ``ledger.year_locked``, ``record.status``.

:func:`check_ledger_entry` and :func:`check_ledger_update` combine them into what every storage refuses
through the port (a third-party storage calls them too, or repeats them; the contract suite checks it).

>>> from datetime import date
>>> from volunteer_core import ServiceRecord
>>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
...                   on=date(2026, 3, 5), minutes=60)
>>> rev = r.reversal(id="r2", recorded_on=date(2026, 3, 6))
>>> [v.code for v in check_reversal(r, existing_reversal=rev)]
['ledger.already_reversed']
"""

from __future__ import annotations

from collections.abc import Collection

import attrs

from volunteer_core._catalogue import Violation, register, violation
from volunteer_core.model.activity import ServiceRecord
from volunteer_core.model.enums import RecordStatus

__all__ = [
    "BOOKED_FIELDS",
    "DECISION_FIELDS",
    "REQUEST_FIELDS",
    "check_append_only",
    "check_idempotent_request",
    "check_ledger_entry",
    "check_ledger_update",
    "check_record_status",
    "check_reversal",
    "check_reversal_mirrors",
    "check_year_locked",
]

#: The fields a PENDING record's decision sets (``ledger.append_only``: the only change a stored record takes).
DECISION_FIELDS = ("status", "decided_by", "decided_on", "reason")
#: The booked columns: what a database refuses to change in a stored record, whatever its status.
BOOKED_FIELDS = (
    "id",
    "member_id",
    "activity_id",
    "branch_id",
    "kind",
    "on",
    "minutes",
    "recorded_on",
    "reverses",
    "adjusts",
)
#: What makes two requests with one idempotency key the same request (``ledger.idempotency_conflict``).
REQUEST_FIELDS = ("member_id", "activity_id", "minutes", "on", "kind")
#: What a reversal copies from its original (``ledger.reversal_mismatch``); its minutes are negated.
_MIRRORED = ("member_id", "activity_id", "branch_id", "kind", "on")


@register("ledger.already_reversed")
def check_reversal(original: ServiceRecord, *, existing_reversal: ServiceRecord | None) -> list[Violation]:
    """Reversing ``original`` is refused when it is itself a reversal or already has one."""
    if original.reverses is not None:
        return [
            violation(
                "ledger.already_reversed",
                original.id,
                en=f"record {original.id} is a reversal and cannot be reversed",
                zh=f"记录 {original.id} 本身是冲销记录，不能再冲销",
                record_id=original.id,
            )
        ]
    if existing_reversal is not None:
        return [
            violation(
                "ledger.already_reversed",
                original.id,
                en=f"record {original.id} was already reversed by {existing_reversal.id}",
                zh=f"记录 {original.id} 已被 {existing_reversal.id} 冲销",
                record_id=original.id,
                reversal_id=existing_reversal.id,
            )
        ]
    return []


@register("ledger.year_locked")
def check_year_locked(record: ServiceRecord, *, locked: Collection[tuple[str, int]]) -> list[Violation]:
    """A record of a (branch, year) in ``locked`` may no longer be added or changed.

    >>> from datetime import date
    >>> from volunteer_core import ServiceRecord
    >>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
    ...                   on=date(2026, 3, 5), minutes=60)
    >>> [v.code for v in check_year_locked(r, locked={("b1", 2026)})], check_year_locked(r, locked=set())
    (['ledger.year_locked'], [])
    """
    if (record.branch_id, record.on.year) not in locked:
        return []
    return [
        violation(
            "ledger.year_locked",
            record.id,
            en=f"the year {record.on.year} of branch {record.branch_id} is locked; record an adjustment "
            "in an open year instead",
            zh=f"支部 {record.branch_id} 的 {record.on.year} 年度已锁定，请在未锁定年度做调整",
            branch_id=record.branch_id,
            year=record.on.year,
        )
    ]


@register("record.status")
def check_record_status(record: ServiceRecord) -> list[Violation]:
    """A PENDING or REJECTED record counts toward nothing: say so (WARNING)."""
    if record.status is RecordStatus.CONFIRMED:
        return []
    return [
        violation(
            "record.status",
            record.id,
            en=f"record {record.id} is {record.status.name}: its {record.minutes} minutes do not count",
            zh=f"记录 {record.id} {record.status.label_zh}，其 {record.minutes} 分钟不计入",
            status=record.status.value,
        )
    ]


@register("ledger.reversal_mismatch")
def check_reversal_mirrors(reversal: ServiceRecord, original: ServiceRecord) -> list[Violation]:
    """A reversal has its original's member, activity, branch, kind and date and the negated minutes.

    >>> from datetime import date
    >>> from volunteer_core import ServiceRecord
    >>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
    ...                   on=date(2026, 3, 5), minutes=60)
    >>> check_reversal_mirrors(r.reversal(id="r2", recorded_on=date(2026, 3, 6)), r)
    []
    >>> other = attrs.evolve(r.reversal(id="r2", recorded_on=date(2026, 3, 6)), member_id="m2")
    >>> [(v.code, v.details["fields"]) for v in check_reversal_mirrors(other, r)]
    [('ledger.reversal_mismatch', ('member_id',))]
    """
    differ = tuple(name for name in _MIRRORED if getattr(reversal, name) != getattr(original, name))
    if reversal.minutes != -original.minutes:
        differ += ("minutes",)
    if not differ:
        return []
    shown = ", ".join(
        f"{name}={getattr(reversal, name)!s} (original {getattr(original, name)!s})" for name in differ
    )
    return [
        violation(
            "ledger.reversal_mismatch",
            reversal.id,
            en=f"reversal {reversal.id} does not mirror record {original.id}: {shown}",
            zh=f"冲销记录 {reversal.id} 与原记录 {original.id} 不对应：{shown}",
            record_id=original.id,
            reversal_id=reversal.id,
            fields=differ,
        )
    ]


@register("ledger.append_only")
def check_append_only(stored: ServiceRecord, changed: ServiceRecord) -> list[Violation]:
    """A stored record changes only by a PENDING record's decision: ``status`` to CONFIRMED or REJECTED
    with ``decided_by``, ``decided_on`` and ``reason`` — nothing else, and nothing once decided.

    >>> from datetime import date
    >>> from volunteer_core import ServiceRecord
    >>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
    ...                   on=date(2026, 3, 5), minutes=60, status="pending")
    >>> check_append_only(r, r.confirm(by="org1", on=date(2026, 3, 6)))
    []
    >>> [v.code for v in check_append_only(r, attrs.evolve(r, minutes=999))]
    ['ledger.append_only']
    """
    differ = tuple(
        field.name
        for field in attrs.fields(type(stored))
        if field.name != "version" and getattr(stored, field.name) != getattr(changed, field.name)
    )
    decision = (
        stored.status is RecordStatus.PENDING
        and changed.status is not RecordStatus.PENDING
        and all(name in DECISION_FIELDS for name in differ)
    )
    if decision:
        return []
    if stored.status is not RecordStatus.PENDING:
        why_en, why_zh = f"it is {stored.status.name}", f"该记录{stored.status.label_zh}"
    elif set(differ) - set(DECISION_FIELDS):
        why_en, why_zh = "only its decision may be stored", "只能登记确认结果"
    else:
        why_en, why_zh = "an update must confirm or reject it", "更新只能是确认或不予确认"
    changes = ", ".join(differ) or "none"
    return [
        violation(
            "ledger.append_only",
            stored.id,
            en=f"record {stored.id} cannot be changed ({why_en}; fields changed: {changes}); "
            "correct it with a reversal or an adjustment",
            zh=f"记录 {stored.id} 不能修改（{why_zh}；改动字段：{changes}），请以冲销或调整记录更正",
            record_id=stored.id,
            fields=differ,
        )
    ]


@register("ledger.idempotency_conflict")
def check_idempotent_request(first: ServiceRecord, repeated: ServiceRecord, *, key: str) -> list[Violation]:
    """The same idempotency ``key`` for a different request (member, activity, minutes, date, kind) is
    refused, naming both; the same request is not a conflict (the first record stands).

    >>> from datetime import date
    >>> from volunteer_core import ServiceRecord
    >>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
    ...                   on=date(2026, 3, 5), minutes=60)
    >>> check_idempotent_request(r, attrs.evolve(r, id="r9"), key="K1")
    []
    >>> [v.details["fields"] for v in check_idempotent_request(r, attrs.evolve(r, member_id="m2"), key="K1")]
    [('member_id',)]
    """
    differ = tuple(name for name in REQUEST_FIELDS if getattr(first, name) != getattr(repeated, name))
    if not differ:
        return []

    def request(record: ServiceRecord) -> str:
        return ", ".join(f"{name}={getattr(record, name)!s}" for name in REQUEST_FIELDS)

    return [
        violation(
            "ledger.idempotency_conflict",
            key,
            en=f"idempotency key {key!r} was used for record {first.id} ({request(first)}); "
            f"this request differs ({request(repeated)}): use a new key",
            zh=f"幂等键 {key!r} 已用于记录 {first.id}（{request(first)}）；本次请求不同"
            f"（{request(repeated)}），请使用新的幂等键",
            idempotency_key=key,
            record_id=first.id,
            fields=differ,
        )
    ]


def check_ledger_entry(
    record: ServiceRecord,
    *,
    locked: bool,
    original: ServiceRecord | None = None,
    existing_reversal: ServiceRecord | None = None,
) -> list[Violation]:
    """What a storage refuses when ``record`` is appended, in this order: a record of a locked (branch,
    year) (``ledger.year_locked``); for a reversal, an ``original`` that is itself a reversal or already
    has an ``existing_reversal`` other than ``record`` (``ledger.already_reversed``), that is not
    CONFIRMED (``record.status``: a pending or rejected record counts toward nothing, so it is not
    reversed), or that ``record`` does not mirror (``ledger.reversal_mismatch``). ``original`` is the stored record ``record.reverses``
    names (None when not a reversal, or when the reference dangles — the storage's reference check says so).

    >>> from datetime import date
    >>> from volunteer_core import ServiceRecord
    >>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
    ...                   on=date(2026, 3, 5), minutes=60)
    >>> rev = r.reversal(id="r2", recorded_on=date(2026, 3, 6))
    >>> check_ledger_entry(rev, locked=False, original=r)
    []
    >>> [v.code for v in check_ledger_entry(rev, locked=True, original=r)]
    ['ledger.year_locked']
    >>> [v.code for v in check_ledger_entry(attrs.evolve(rev, id="r3"), locked=False, original=r,
    ...                                     existing_reversal=rev)]
    ['ledger.already_reversed']
    """
    if locked:
        return check_year_locked(record, locked={(record.branch_id, record.on.year)})
    if original is None:
        return []
    already = (
        existing_reversal if existing_reversal is not None and existing_reversal.id != record.id else None
    )
    return (
        check_reversal(original, existing_reversal=already)
        or _unconfirmed_original(record, original)
        or check_reversal_mirrors(record, original)
    )


def _unconfirmed_original(reversal: ServiceRecord, original: ServiceRecord) -> list[Violation]:
    """Only a CONFIRMED record is reversed (``record.status``): a PENDING or REJECTED one counts toward
    nothing, so its reversal would cancel credit it never gave."""
    if original.status is RecordStatus.CONFIRMED:
        return []
    return [
        violation(
            "record.status",
            reversal.id,
            en=f"record {original.id} is {original.status.name}: only a confirmed record is reversed",
            zh=f"记录 {original.id} {original.status.label_zh}，只有已确认的记录可以冲销",
            record_id=original.id,
            status=original.status.value,
        )
    ]


def check_ledger_update(stored: ServiceRecord, changed: ServiceRecord, *, locked: bool) -> list[Violation]:
    """What a storage refuses when ``changed`` replaces ``stored``: a record of a locked (branch, year)
    (``ledger.year_locked``), then anything but a PENDING record's decision (``ledger.append_only``).

    >>> from datetime import date
    >>> from volunteer_core import ServiceRecord
    >>> r = ServiceRecord(id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing",
    ...                   on=date(2026, 3, 5), minutes=60, status="pending")
    >>> [v.code for v in check_ledger_update(r, r.confirm(by="o1", on=date(2026, 3, 6)), locked=True)]
    ['ledger.year_locked']
    """
    if locked:
        return check_year_locked(stored, locked={(stored.branch_id, stored.on.year)})
    return check_append_only(stored, changed)
