"""Ledger rules of the time bank: ``ledger.already_reversed``, ``ledger.year_locked``, ``record.status``.

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

from volunteer_core._catalogue import Violation, register, violation
from volunteer_core.model.activity import ServiceRecord
from volunteer_core.model.enums import RecordStatus

__all__ = ["check_record_status", "check_reversal", "check_year_locked"]


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
