"""The member rules of a year as an analyst writes them in DuckDB: one SQL query over a Parquet export.

The library has no Parquet export of its own (``YearReport.to_dataframe`` exports results, not the
records), so the analyst does what pandas makes easy: one DataFrame per table — records, members and
their skills, activities and their organising branches, pairings and their branches, columns as the SQL
storage names them (dates as dates, ``reverses`` / ``adjusts`` / ``until`` / ``left_on`` nullable) —
written with ``DataFrame.to_parquet`` (pyarrow) into one directory (:func:`export`). DuckDB then reads
the files (``read_parquet``, behind one view a table: :func:`connect`) and :func:`member_rules` runs
**one** query (:data:`QUERY`) that computes the same per-member aggregates and judgement as
``bench/peers/pandas_peer.py``.

Same definitions as volunteer_core (domain.md, DEFAULT policy) and as the pandas peer: confirmed records
of the year only; a reversal (``reverses`` set) counts ``-1`` session and carries its original's date and
activity; an adjustment (``adjusts`` set) changes minutes only; 20 hours pro-rated by full months of
membership (``ceil(1200 × months / 12)``); community service in every full month; one caring action; one
skill. ``member.branch_activities``: distinct 共建、帮扶 activities credited to the member's own branch —
a PAIRING activity to each organiser, any of PAIRING / FESTIVAL / PRACTICAL_HELP of a joint pairing to
every branch of the pairing, a linked 同过节 / 办实事 to each organiser that is a branch of its pairing —
that the member took part in. A record dated outside its activity's date or span counts in the minutes
and the attendances only (``misdated``); a record whose activity is not in the export is judged by its own
fields (a PAIRING record of the member's own branch counts; its date is not judged).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

import volunteer_core as vc

#: the Parquet files of an export, one a table
TABLES = (
    "members",
    "member_skills",
    "records",
    "activities",
    "activity_branches",
    "pairings",
    "pairing_branches",
)

QUERY = """
WITH bounds AS (
    SELECT month::INTEGER AS month,
           make_date($year, month::INTEGER, 1) AS first_day,
           last_day(make_date($year, month::INTEGER, 1)) AS last_day
    FROM range(1, 13) AS t(month)
),
judged AS (
    SELECT id AS member_id, branch_id, joined_on, left_on
    FROM members
    WHERE joined_on <= make_date($year, 12, 31) AND (left_on IS NULL OR left_on >= make_date($year, 1, 1))
),
counted AS (
    SELECT r.member_id, r.activity_id, r.branch_id, r.kind, month(r."on") AS month, r.minutes,
           r.adjusts IS NULL AS is_session,
           CASE WHEN r.reverses IS NULL THEN 1 ELSE -1 END AS step,
           a.id IS NOT NULL AS known,
           a.id IS NULL OR r."on" BETWEEN a."on" AND COALESCE(a.until, a."on") AS on_date
    FROM records r LEFT JOIN activities a ON a.id = r.activity_id
    WHERE r.status = 'confirmed' AND year(r."on") = $year
),
per_member AS (
    SELECT member_id,
           SUM(minutes)::BIGINT AS net_minutes,
           COALESCE(SUM(step) FILTER (is_session AND on_date AND kind = 'caring_action'), 0)::BIGINT
               AS caring_actions,
           COALESCE(SUM(step) FILTER (is_session AND on_date AND kind = 'training'), 0)::BIGINT AS trainings,
           COALESCE(SUM(step) FILTER (is_session), 0)::BIGINT AS attendances,
           -- a reversal carries its original's date: an original off its date and its reversal cancel
           COALESCE(SUM(step) FILTER (is_session AND NOT on_date), 0)::BIGINT AS misdated
    FROM counted
    GROUP BY member_id
),
served AS (
    -- the (member, month) pairs with community service, reversals subtracted
    SELECT member_id, month
    FROM counted
    WHERE is_session AND on_date AND kind = 'community_service'
    GROUP BY member_id, month
    HAVING SUM(step) >= 1
),
months AS (
    -- the full months of membership, and those without community service
    SELECT j.member_id, COUNT(*) AS full_months,
           list(b.month ORDER BY b.month) FILTER (WHERE s.member_id IS NULL) AS missing
    FROM judged j
    JOIN bounds b ON j.joined_on <= b.first_day AND (j.left_on IS NULL OR j.left_on >= b.last_day)
    LEFT JOIN served s ON s.member_id = j.member_id AND s.month = b.month
    GROUP BY j.member_id
),
credited AS (
    -- a PAIRING activity: each branch that leads or co-organises it
    SELECT ab.activity_id, ab.branch_id
    FROM activities a JOIN activity_branches ab ON ab.activity_id = a.id
    WHERE a.kind = 'pairing'
    UNION
    -- any of the three kinds, of a joint pairing: every branch of the pairing
    SELECT a.id, pb.branch_id
    FROM activities a
    JOIN pairings p ON p.id = a.pairing_id AND p.mode IN ('joint_branches', 'joint_department')
    JOIN pairing_branches pb ON pb.pairing_id = p.id
    WHERE a.kind IN ('pairing', 'festival', 'practical_help')
    UNION
    -- 同过节 / 办实事: each organising branch that is a branch of the linked pairing
    SELECT ab.activity_id, ab.branch_id
    FROM activities a
    JOIN activity_branches ab ON ab.activity_id = a.id
    JOIN pairing_branches pb ON pb.pairing_id = a.pairing_id AND pb.branch_id = ab.branch_id
    WHERE a.kind IN ('festival', 'practical_help')
),
attended AS (
    -- an activity counts once a member, when the sessions at it outnumber their reversals
    SELECT c.member_id, c.activity_id
    FROM counted c
    JOIN judged j ON j.member_id = c.member_id
    LEFT JOIN credited cr ON cr.activity_id = c.activity_id AND cr.branch_id = j.branch_id
    WHERE c.is_session AND c.on_date AND c.kind IN ('pairing', 'festival', 'practical_help')
      AND (cr.activity_id IS NOT NULL OR (NOT c.known AND c.kind = 'pairing' AND c.branch_id = j.branch_id))
    GROUP BY c.member_id, c.activity_id
    HAVING SUM(c.step) > 0
),
activities_attended AS (
    SELECT member_id, COUNT(*) AS branch_activities FROM attended GROUP BY member_id
),
skills AS (
    SELECT member_id, COUNT(*) AS skills FROM member_skills GROUP BY member_id
),
measured AS (
    SELECT j.member_id, j.branch_id,
           COALESCE(p.net_minutes, 0) AS net_minutes,
           COALESCE(mo.full_months, 0) AS full_months,
           (1200 * COALESCE(mo.full_months, 0) + 11) // 12 AS required_minutes,
           COALESCE(mo.missing, []) AS months_missing,
           COALESCE(a.branch_activities, 0) AS branch_activities,
           COALESCE(p.caring_actions, 0) AS caring_actions,
           COALESCE(p.trainings, 0) AS trainings,
           COALESCE(p.attendances, 0) AS attendances,
           COALESCE(p.misdated, 0) AS misdated,
           COALESCE(s.skills, 0) AS skills
    FROM judged j
    LEFT JOIN per_member p ON p.member_id = j.member_id
    LEFT JOIN months mo ON mo.member_id = j.member_id
    LEFT JOIN activities_attended a ON a.member_id = j.member_id
    LEFT JOIN skills s ON s.member_id = j.member_id
)
SELECT member_id, branch_id, net_minutes, required_minutes, months_missing, branch_activities,
       caring_actions, trainings, attendances, misdated,
       net_minutes >= required_minutes
       AND len(months_missing) = 0
       AND (full_months = 0 OR (branch_activities >= 1 AND caring_actions >= 1))
       AND skills >= 1
       AND misdated = 0 AS compliant
FROM measured
"""


def export(
    directory: Path,
    *,
    members: Iterable[vc.Member],
    records: Iterable[vc.ServiceRecord],
    activities: Iterable[vc.Activity],
    pairings: Iterable[vc.Pairing],
) -> dict[str, int]:
    """Write the tables of a year as Parquet files (``<directory>/<table>.parquet``, :data:`TABLES`):
    one DataFrame a table, ``DataFrame.to_parquet``. Return the size of each file in bytes."""
    members, activities, pairings = list(members), list(activities), list(pairings)
    frames = {
        "members": pd.DataFrame.from_records(
            ((m.id, m.branch_id, m.joined_on, m.left_on) for m in members),
            columns=["id", "branch_id", "joined_on", "left_on"],
        ),
        "member_skills": pd.DataFrame.from_records(
            ((m.id, skill) for m in members for skill in sorted(m.skills)), columns=["member_id", "skill"]
        ),
        "records": pd.DataFrame.from_records(
            (
                (
                    r.id,
                    r.member_id,
                    r.activity_id,
                    r.branch_id,
                    r.kind.value,
                    r.on,
                    r.minutes,
                    r.status.value,
                    r.reverses,
                    r.adjusts,
                )
                for r in records
            ),
            columns=[
                "id",
                "member_id",
                "activity_id",
                "branch_id",
                "kind",
                "on",
                "minutes",
                "status",
                "reverses",
                "adjusts",
            ],
        ),
        "activities": pd.DataFrame.from_records(
            ((a.id, a.kind.value, a.branch_id, a.pairing_id, a.on, a.until) for a in activities),
            columns=["id", "kind", "branch_id", "pairing_id", "on", "until"],
        ),
        "activity_branches": pd.DataFrame.from_records(
            ((a.id, b) for a in activities for b in sorted(a.branch_ids)),
            columns=["activity_id", "branch_id"],
        ),
        "pairings": pd.DataFrame.from_records(
            ((p.id, p.mode.value) for p in pairings), columns=["id", "mode"]
        ),
        "pairing_branches": pd.DataFrame.from_records(
            ((p.id, b) for p in pairings for b in sorted(p.branch_ids)), columns=["pairing_id", "branch_id"]
        ),
    }
    # an empty column of dates or ids has no type pyarrow could infer
    types = {"joined_on": "date32[pyarrow]", "left_on": "date32[pyarrow]", "on": "date32[pyarrow]"}
    types |= {"until": "date32[pyarrow]", "reverses": "string", "adjusts": "string", "pairing_id": "string"}
    directory.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for table, frame in frames.items():
        path = directory / f"{table}.parquet"
        frame.astype({c: t for c, t in types.items() if c in frame.columns}).to_parquet(path, index=False)
        sizes[table] = path.stat().st_size
    return sizes


def connect(directory: Path, *, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view a table of the export (``read_parquet``: every query reads the
    files); ``threads`` — DuckDB's worker threads (default: one a core)."""
    con = duckdb.connect()
    if threads is not None:
        con.execute(f"SET threads = {int(threads)}")
    for table in TABLES:
        path = str(directory / f"{table}.parquet").replace("'", "''")
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{path}')")
    return con


def member_rules(con: duckdb.DuckDBPyConnection, year: int) -> pd.DataFrame:
    """Run :data:`QUERY`: one row a judged member (index ``member_id``): branch_id, net_minutes,
    required_minutes, months_missing (a list of months), branch_activities, caring_actions, trainings,
    attendances, misdated, compliant."""
    return con.execute(QUERY, {"year": year}).df().set_index("member_id")


def duckdb_version() -> str:
    """DuckDB's version."""
    return str(duckdb.__version__)


def settings(con: duckdb.DuckDBPyConnection) -> dict[str, Any]:
    """The DuckDB settings that matter for the timing (worker threads)."""
    threads = con.execute("SELECT current_setting('threads')").fetchone()
    return {"threads": None if threads is None else int(threads[0])}
