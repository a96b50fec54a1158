"""Shared by the certificate tests: two members of the same name, their records, one issuing call."""

from __future__ import annotations

from datetime import date
from typing import Any

from volunteer_core import DateRange, Member, ServiceRecord
from volunteer_core.certificates import Certificate, issue_certificate

SECRET = b"test-secret-of-the-issuing-system"
YEAR_2026 = DateRange(date(2026, 1, 1), date(2026, 12, 31))
ID_A = "11010519491231002X"
ID_B = "350302198001011234"
ZHANG_A = Member(id="m1", name="张伟", branch_id="b1", joined_on=date(2015, 1, 1))
ZHANG_B = Member(id="m2", name="张伟", branch_id="b1", joined_on=date(2015, 1, 1))


def rec(
    rid: str,
    *,
    member_id: str = "m1",
    branch_id: str = "b1",
    activity: str = "a1",
    on: date = date(2026, 3, 5),
    minutes: int = 120,
    kind: str = "community_service",
    **kw: Any,
) -> ServiceRecord:
    """A record of ``member_id`` at ``activity``, organised by ``branch_id``."""
    return ServiceRecord(
        id=rid,
        member_id=member_id,
        activity_id=activity,
        branch_id=branch_id,
        kind=kind,
        on=on,
        minutes=minutes,
        **kw,
    )


def same_hours(member_id: str) -> list[ServiceRecord]:
    """The same service, hour for hour, booked to ``member_id``."""
    return [
        rec(f"{member_id}-r1", member_id=member_id, on=date(2026, 3, 5), minutes=120),
        rec(f"{member_id}-r2", member_id=member_id, activity="a2", on=date(2026, 4, 5), minutes=90),
    ]


def issue(member: Member = ZHANG_A, records: list[ServiceRecord] | None = None, **kw: Any) -> Certificate:
    """``issue_certificate`` for 2026, issued 2027-01-05 by 办公室党支部 under :data:`SECRET`."""
    args: dict[str, Any] = {
        "period": YEAR_2026,
        "issuer": "办公室党支部",
        "issued_on": date(2027, 1, 5),
        "secret": SECRET,
    }
    args.update(kw)
    return issue_certificate(member, same_hours(member.id) if records is None else records, **args)
