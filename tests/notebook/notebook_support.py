"""Shared by the notebook tests: a small evaluated year with a member whose name is HTML."""

from __future__ import annotations

from datetime import date

from volunteer_core import Activity, Member, ServiceRecord, YearReport, evaluate_year

YEAR = 2026


def members(n: int = 3) -> list[Member]:
    found = [
        Member(
            id=f"m{i}",
            name=f"党员{i}",
            branch_id="b1" if i % 2 else "b2",
            joined_on=date(2020, 1, 1),
            skills={"急救"},
        )
        for i in range(1, n + 1)
    ]
    found.append(
        Member(id="evil", name="<script>alert(1)</script>", branch_id="b&1", joined_on=date(2020, 1, 1))
    )
    return found


def report(n: int = 3) -> YearReport:
    activity = Activity(
        id="a1", kind="community_service", branch_id="b1", on=date(YEAR, 3, 5), title="社区清洁"
    )
    records = [ServiceRecord.for_activity(activity, id="r1", member_id="m1", minutes=1300)]
    return evaluate_year(YEAR, members=members(n), records=records)
