"""Shared helpers of the compliance tests: members, records, reversals, a compliant year of records."""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from datetime import date

from volunteer_core import Member, MemberYear, RecordStatus, ServiceRecord, Violation, YearReport

__all__ = [
    "ALL_MONTHS",
    "LONG_AGO",
    "YEAR",
    "codes",
    "full_year",
    "member",
    "of",
    "rec",
    "reversal_of",
]

D = date
YEAR = 2026
ALL_MONTHS = tuple(range(1, 13))

LONG_AGO = D(2020, 1, 1)

_ids = itertools.count(1)


def member(
    mid: str = "m1",
    *,
    branch: str = "b1",
    joined_on: date = LONG_AGO,
    left_on: date | None = None,
    skills: frozenset[str] | set[str] = frozenset({"急救"}),
) -> Member:
    return Member(
        id=mid, name=f"党员{mid}", branch_id=branch, joined_on=joined_on, left_on=left_on, skills=skills
    )


def rec(
    kind: str,
    on: date,
    minutes: int,
    *,
    mid: str = "m1",
    branch: str = "b1",
    activity: str | None = None,
    status: RecordStatus = RecordStatus.CONFIRMED,
    rid: str | None = None,
) -> ServiceRecord:
    return ServiceRecord(
        id=rid or f"r{next(_ids)}",
        member_id=mid,
        activity_id=activity or f"act-{kind}-{on.isoformat()}-{branch}",
        branch_id=branch,
        kind=kind,
        on=on,
        minutes=minutes,
        status=status,
    )


def reversal_of(original: ServiceRecord, recorded_on: date) -> ServiceRecord:
    """A reversal built from api.md's constructor: it copies the original and negates the minutes."""
    return ServiceRecord(
        id=f"rev-{original.id}",
        member_id=original.member_id,
        activity_id=original.activity_id,
        branch_id=original.branch_id,
        kind=original.kind,
        on=original.on,
        minutes=-original.minutes,
        recorded_on=recorded_on,
        reverses=original.id,
    )


def full_year(mid: str = "m1", *, caring_minutes: int = 120, branch: str = "b1") -> list[ServiceRecord]:
    """Everything a member needs in 2026: 12 × 60 community + 2 × 180 own-branch pairing + 1 caring.

    With ``caring_minutes=120`` the total is exactly 1200 minutes.
    """
    records = [rec("community_service", D(YEAR, m, 10), 60, mid=mid, branch=branch) for m in ALL_MONTHS]
    records.append(rec("pairing", D(YEAR, 3, 5), 180, mid=mid, branch=branch, activity=f"pa1-{branch}"))
    records.append(rec("pairing", D(YEAR, 9, 5), 180, mid=mid, branch=branch, activity=f"pa2-{branch}"))
    records.append(rec("caring_action", D(YEAR, 6, 1), caring_minutes, mid=mid, branch=branch))
    return records


def codes(result: MemberYear | YearReport) -> list[str]:
    return [v.code for v in result.violations]


def of(violations: Iterable[Violation], code: str, subject: str | None = None) -> list[Violation]:
    return [v for v in violations if v.code == code and (subject is None or v.subject_id == subject)]
