"""The year's per-member aggregates computed in the database (``GROUP BY``): the pushdown behind
:meth:`SqlUnitOfWork.member_year_totals`.

Three statements, each one scan of the year's records:

* per member: every record (``records``), the confirmed minutes up to ``as_of`` (``net_minutes``), the
  caring actions, the trainings, the attendances and the community sessions of each month — a reversal
  (``reverses`` set) counts −1 where its original counted +1, an adjustment (``adjusts`` set) counts in
  the minutes only;
* per member: the distinct 共建、帮扶 activities organised by the member's own branch (the ``members``
  row's ``branch_id``) whose records outnumber their reversals (``GROUP BY member, activity HAVING …``):
  a PAIRING activity the branch leads or co-organises (``activity_branches``) or that belongs to a joint
  pairing of the branch (``pairing_branches`` of a JOINT_BRANCHES / JOINT_DEPARTMENT pairing), a FESTIVAL
  or PRACTICAL_HELP activity linked to a pairing of the branch that the branch organises;
* the confirmed originals, not reversed, dated outside their activity's date or span ``on … until``
  (``misdated``): such a record counts in the minutes and the attendances only, so its month, caring
  action or training is taken back from the first statement's counts (a reversed one and its reversal,
  which carries its date, cancel each other there already). The records off their date are few: the
  first statement needs no join.

Restricted to some branches (``branch_ids``: an organisation's subtree), each statement keeps only the
records of those branches' members (``member_id IN (SELECT id FROM members WHERE branch_id IN …)``, the
index on ``members.branch_id``): the other members' records are never aggregated nor sent.

On PostgreSQL the statements run with partitionwise aggregation and join switched on for their duration
(:func:`partitionwise`): on the partitioned layout (``_partitions.py``: ``records`` and ``members``
hash-partitioned alike by member) each partition is aggregated on its own and the results appended —
the per-member ``GROUP BY`` holds the partition key — and a reversal is looked for in its original's
member's partition (the ledger's triggers make a reversal mirror its original's member). On an
unpartitioned schema the settings change nothing.

The result equals :func:`volunteer_core.compliance.member_year_totals` over ``records.in_year`` with every
stored activity and pairing — the contract suite and ``tests/storage/test_member_year_totals.py`` check it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache
from typing import Any

import sqlalchemy as sa

from volunteer_core.calendar.dates import first_day
from volunteer_core.compliance import MemberTotals, MisdatedRecord
from volunteer_core.model.enums import ActivityKind, PairingMode, RecordStatus
from volunteer_core.storage.sql import _schema as s
from volunteer_core.storage.sql._dialects import dialect_of

__all__ = ["BRANCH_CHUNK", "member_year_totals", "partitionwise"]

_MONTHS = range(1, 13)
_JOINT = (PairingMode.JOINT_BRANCHES.value, PairingMode.JOINT_DEPARTMENT.value)
_LINKED = (ActivityKind.FESTIVAL.value, ActivityKind.PRACTICAL_HELP.value)


def _param(name: str) -> sa.BindParameter[date]:
    return sa.bindparam(name, type_=sa.Date)


def _credited(activity: sa.Table, branch: sa.ColumnElement[Any]) -> sa.ColumnElement[bool]:
    """Whether ``activity`` (a row of ``activities``) is a 共建、帮扶 activity of ``branch``
    (:func:`volunteer_core.rules.member.credited_branches`)."""
    ab, p, pb = s.activity_branches, s.pairings, s.pairing_branches
    co_organised = sa.exists().where(ab.c.activity_id == activity.c.id, ab.c.branch_id == branch)
    of_pairing = sa.exists().where(pb.c.pairing_id == activity.c.pairing_id, pb.c.branch_id == branch)
    joint = sa.exists().where(p.c.id == activity.c.pairing_id, p.c.mode.in_(_JOINT))
    return sa.or_(
        sa.and_(
            activity.c.kind == ActivityKind.PAIRING.value, sa.or_(co_organised, sa.and_(joint, of_pairing))
        ),
        sa.and_(activity.c.kind.in_(_LINKED), of_pairing, sa.or_(co_organised, joint)),
    )


@cache
def _statements(scoped: bool) -> tuple[sa.Select[Any], sa.Select[Any], sa.Select[Any]]:
    """The three SELECTs, built once per process and variant (bound parameters: ``start``, ``end``,
    ``until`` and ``m1`` … ``m13``, the first day of each month and of the next year; ``scoped`` adds
    ``branches``, an expanding list of branch ids: only the records of the members of those branches)."""
    r, m, a = s.records, s.members, s.activities
    in_year = sa.and_(r.c.on >= _param("start"), r.c.on <= _param("end"))
    if scoped:
        in_scope = sa.select(m.c.id).where(m.c.branch_id.in_(sa.bindparam("branches", expanding=True)))
        in_year = sa.and_(in_year, r.c.member_id.in_(in_scope.scalar_subquery()))
    counted = sa.and_(r.c.status == RecordStatus.CONFIRMED.value, r.c.on <= _param("until"))
    step = sa.case((r.c.reverses.is_(None), 1), else_=-1)
    sessions = sa.and_(counted, r.c.adjusts.is_(None))
    on_its_date = sa.and_(r.c.on >= a.c.on, r.c.on <= sa.func.coalesce(a.c.until, a.c.on))

    def total(condition: sa.ColumnElement[bool], value: Any) -> sa.ColumnElement[Any]:
        return sa.func.coalesce(sa.func.sum(sa.case((condition, value), else_=0)), 0)

    community = sa.and_(sessions, r.c.kind == ActivityKind.COMMUNITY_SERVICE.value)
    per_member = (
        sa.select(
            r.c.member_id,
            sa.func.count().label("records"),
            total(counted, r.c.minutes).label("net_minutes"),
            total(sa.and_(sessions, r.c.kind == ActivityKind.CARING_ACTION.value), step).label("caring"),
            total(sa.and_(sessions, r.c.kind == ActivityKind.TRAINING.value), step).label("trainings"),
            total(sessions, step).label("attendances"),
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
        .join(a, a.c.id == r.c.activity_id)
        .where(in_year, sessions, on_its_date, _credited(a, m.c.branch_id))
        .group_by(r.c.member_id, r.c.activity_id)
        .having(sa.func.sum(step) > 0)
        .subquery("attended")
    )
    activities = sa.select(attended.c.member_id, sa.func.count().label("activities")).group_by(
        attended.c.member_id
    )
    reversal = r.alias("reversal")
    misdated = (
        sa.select(
            r.c.member_id,
            r.c.id,
            r.c.on,
            r.c.activity_id,
            a.c.on,
            sa.func.coalesce(a.c.until, a.c.on),
            r.c.kind,
        )
        .join(a, a.c.id == r.c.activity_id)
        .where(
            in_year,
            sessions,
            r.c.reverses.is_(None),
            sa.not_(on_its_date),
            ~sa.exists().where(reversal.c.reverses == r.c.id, reversal.c.member_id == r.c.member_id),
        )
    )
    return per_member, activities, misdated


#: The planner's settings :func:`partitionwise` switches on (both off by default in PostgreSQL).
_PARTITIONWISE = ("enable_partitionwise_aggregate", "enable_partitionwise_join")


@contextmanager
def partitionwise(conn: sa.Connection) -> Iterator[None]:
    """On PostgreSQL, partitionwise aggregation and join switched on in ``conn``'s transaction for the
    block (``set_config(…, true)``: ``SET LOCAL``), then set back as they were; elsewhere nothing."""
    if dialect_of(conn).family != "postgresql":
        yield
        return
    names = ", ".join(f"current_setting('{name}')" for name in _PARTITIONWISE)
    before = conn.exec_driver_sql(f"SELECT {names}").one()
    _settings(conn, dict.fromkeys(_PARTITIONWISE, "on"))
    yield  # an error ends the transaction, which discards the settings with it
    _settings(conn, dict(zip(_PARTITIONWISE, before, strict=True)))


def _settings(conn: sa.Connection, values: dict[str, str]) -> None:
    calls = ", ".join(f"set_config('{name}', %(v{i})s, true)" for i, name in enumerate(values))
    conn.exec_driver_sql(f"SELECT {calls}", {f"v{i}": value for i, value in enumerate(values.values())})


#: Branch ids bound to one run of the statements when the totals are restricted to some branches (well
#: under SQLite's and PostgreSQL's limits on bound parameters); more run in turn — a member belongs to
#: one branch, so each run's totals are its own members' and the runs' results never overlap.
BRANCH_CHUNK = 2000


def member_year_totals(
    conn: sa.Connection, year: int, as_of: date | None, branch_ids: frozenset[str] | None = None
) -> dict[str, MemberTotals]:
    """Run the three statements on ``conn`` (inside its open transaction) and build the totals; with
    ``branch_ids``, only those of the members of these branches (``records.member_id IN (SELECT id FROM
    members WHERE branch_id IN …)`` in each statement), :data:`BRANCH_CHUNK` branches at a time."""
    end = date(year, 12, 31)
    params: dict[str, Any] = {
        "start": date(year, 1, 1),
        "end": end,
        "until": end if as_of is None or as_of > end else as_of,
        **{f"m{k}": first_day(year, k) for k in _MONTHS},
        "m13": date(year + 1, 1, 1) if year < 9999 else date.max,
    }
    with partitionwise(conn):
        if branch_ids is None:
            return _run(conn, _statements(False), params)
        ordered = sorted(branch_ids)
        totals: dict[str, MemberTotals] = {}
        for start in range(0, len(ordered), BRANCH_CHUNK):
            chunk = {**params, "branches": ordered[start : start + BRANCH_CHUNK]}
            totals.update(_run(conn, _statements(True), chunk))
        return totals


def _run(
    conn: sa.Connection,
    statements: tuple[sa.Select[Any], sa.Select[Any], sa.Select[Any]],
    params: dict[str, Any],
) -> dict[str, MemberTotals]:
    per_member, activities, misdated = statements
    counts: dict[str, int] = {row[0]: int(row[1]) for row in conn.execute(activities, params)}
    off: dict[str, list[MisdatedRecord]] = {}
    taken_back: dict[str, list[int]] = {}  # member → [caring, trainings, community of each month]
    for member_id, record_id, on, activity_id, first, last, kind in conn.execute(misdated, params):
        off.setdefault(member_id, []).append(
            MisdatedRecord(
                record_id=record_id, on=on, activity_id=activity_id, activity_on=first, activity_until=last
            )
        )
        back = taken_back.setdefault(member_id, [0] * 14)
        if kind == ActivityKind.CARING_ACTION.value:
            back[0] += 1
        elif kind == ActivityKind.TRAINING.value:
            back[1] += 1
        elif kind == ActivityKind.COMMUNITY_SERVICE.value:
            back[1 + on.month] += 1
    totals: dict[str, MemberTotals] = {}
    nothing = [0] * 14
    for row in conn.execute(per_member, params):
        member_id = row[0]
        back = taken_back.get(member_id, nothing)
        totals[member_id] = MemberTotals(
            member_id=member_id,
            records=int(row[1]),
            net_minutes=int(row[2]),
            community_sessions=tuple(int(n) - back[1 + k] for k, n in enumerate(row[6:18], start=1)),
            branch_activities=int(counts.get(member_id, 0)),
            caring_actions=int(row[3]) - back[0],
            trainings=int(row[4]) - back[1],
            attendances=int(row[5]),
            misdated=tuple(sorted(off.get(member_id, ()), key=lambda x: x.record_id)),
        )
    return totals
