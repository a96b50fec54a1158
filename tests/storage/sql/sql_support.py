"""Shared examples of the SQL storage's tests: a branch, a member, an activity and a record."""

from __future__ import annotations

from datetime import date

import attrs

from volunteer_core import Activity, Branch, Member, ServiceRecord
from volunteer_core.storage.sql import SqlUnitOfWork

__all__ = ["ACTIVITY", "BRANCH", "MEMBER", "RECORD", "seed"]

BRANCH = Branch(id="b1", name="办公室党支部")
MEMBER = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 7, 1))
ACTIVITY = Activity(id="a1", kind="pairing", branch_id="b1", on=date(2026, 3, 5), title="探访")
RECORD = ServiceRecord(
    id="r1", member_id="m1", activity_id="a1", branch_id="b1", kind="pairing", on=date(2026, 3, 5), minutes=60
)


def seed(uow: SqlUnitOfWork, records: int = 0) -> None:
    """Store BRANCH, MEMBER, ACTIVITY and ``records`` records of 2026 (ids r000, r001, …), committed."""
    with uow:
        uow.branches.add(BRANCH)
        uow.members.add(MEMBER)
        uow.activities.add(ACTIVITY)
        for i in range(records):
            uow.records.add(attrs.evolve(RECORD, id=f"r{i:03d}", on=date(2026, 1 + i % 12, 1 + i % 28)))
        uow.commit()
