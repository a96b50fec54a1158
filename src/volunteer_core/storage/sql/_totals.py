"""The year's per-member aggregates computed in the database (``GROUP BY``): the pushdown behind
:meth:`SqlUnitOfWork.member_year_totals`.

Two statements, each one scan of the year's records:

* per member: every record (``records``), the confirmed minutes up to ``as_of`` (``net_minutes``), the
  caring actions and the community sessions of each month — a reversal (``reverses`` set) counts −1
  where its original counted +1, an adjustment (``adjusts`` set) counts in the minutes only;
* per member: the distinct PAIRING activities of the member's own branch (the ``members`` row's
  ``branch_id``) whose records outnumber their reversals (``GROUP BY member, activity HAVING …``).

The result equals :func:`volunteer_core.compliance.member_year_totals` over ``records.in_year`` —
the contract suite and ``tests/storage/test_member_year_totals.py`` check it.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa

from volunteer_core.calendar.dates import first_day
from volunteer_core.compliance import MemberTotals
from volunteer_core.model.enums import ActivityKind, RecordStatus
from volunteer_core.storage.sql import _schema as s

__all__ = ["member_year_totals"]

_MONTHS = range(1, 13)


def _param(name: str) -> sa.BindParameter[date]:
    return sa.bindparam(name, type_=sa.Date)


@cache
def _statements() -> tuple[sa.Select[Any], sa.Select[Any]]:
    """The two SELECTs, built once per process (bound parameters: ``start``, ``end``, ``until`` and
    ``m1`` … ``m13``, the first day of each month and of the next year)."""
    r, m = s.records, s.members
    in_year = sa.and_(r.c.on >= _param("start"), r.c.on <= _param("end"))
    counted = sa.and_(r.c.status == RecordStatus.CONFIRMED.value, r.c.on <= _param("until"))
    step = sa.case((r.c.reverses.is_(None), 1), else_=-1)
    sessions = sa.and_(counted, r.c.adjusts.is_(None))

    def total(condition: sa.ColumnElement[bool], value: Any) -> sa.ColumnElement[Any]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)

    community = sa.and_(sessions, r.c.kind == ActivityKind.COMMUNITY_SERVICE.value)
    per_member = (
        sa.select(
            r.c.member_id,
            sa.func.count().label("records"),
            total(counted, r.c.minutes).label("net_minutes"),
            total(sa.and_(sessions, r.c.kind == ActivityKind.CARING_ACTION.value), step).label("caring"),
            *(
                total(
                    sa.and_(community, r.c.on >= _param(f"m{k}"), r.c.on < _param(f"m{k + 1}")), step
                ).label(f"c{k}")
                for k in _MONTHS
            ),
        )
        .where(in_year)
        .group_by(r.c.member_id)
    )
    attended = (
        sa.select(r.c.member_id)
        .join(m, m.c.id == r.c.member_id)
        .where(
            in_year,
            sessions,
            r.c.kind == ActivityKind.PAIRING.value,
            r.c.branch_id == m.c.branch_id,
        )
        .group_by(r.c.member_id, r.c.activity_id)
        .having(sa.func.sum(step) > 0)
        .subquery("attended")
    )
    activities = sa.select(attended.c.member_id, sa.func.count().label("activities")).group_by(
        attended.c.member_id
    )
    return per_member, activities


def member_year_totals(conn: sa.Connection, year: int, as_of: date | None) -> dict[str, MemberTotals]:
    """Run the two statements on ``conn`` (inside its open transaction) and build the totals."""
    end = date(year, 12, 31)
    params: dict[str, Any] = {
        "start": date(year, 1, 1),
        "end": end,
        "until": end if as_of is None or as_of > end else as_of,
        **{f"m{k}": first_day(year, k) for k in _MONTHS},
        "m13": date(year + 1, 1, 1) if year < 9999 else date.max,
    }
    per_member, activities = _statements()
    counts: dict[str, int] = {row[0]: int(row[1]) for row in conn.execute(activities, params)}
    totals: dict[str, MemberTotals] = {}
    for row in conn.execute(per_member, params):
        member_id = row[0]
        totals[member_id] = MemberTotals(
            member_id=member_id,
            records=int(row[1]),
            net_minutes=int(row[2]),
            community_sessions=tuple(int(n) for n in row[4:16]),
            branch_activities=int(counts.get(member_id, 0)),
            caring_actions=int(row[3]),
        )
    return totals
