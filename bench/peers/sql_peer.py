"""The member rules of a year as one hand-written SQL query on PostgreSQL (and its MySQL / MariaDB twin) — what a database developer
would write instead of using volunteer_core.

Same definitions as volunteer_core (domain.md, DEFAULT policy): confirmed records only; a reversal
(``reverses`` set) cancels its original's minutes, month and activity; an adjustment (``adjusts`` set)
changes minutes only; 20 hours pro-rated by full months of membership (``ceil(1200 × months / 12)``);
community service in every full month; one caring action; one skill. ``member.branch_activities``
(000 §四.1, ≥ 1 or it is an error): distinct 共建、帮扶 activities organised by the member's own branch —
led or co-organised (``activity_branches``); an activity of a ``joint_branches`` / ``joint_department``
pairing belongs to every branch of the pairing (``pairing_branches``) — that the member took part in:
PAIRING activities, and FESTIVAL / PRACTICAL_HELP activities linked (``pairing_id``) to one of the
branch's pairings. A record dated outside its activity's date or span (``on … until``:
``record.activity_date``, an error unless reversed) counts in the minutes and the attendances only.
Members whose membership overlaps the year are judged; the count rules only for members with at least
one full month. Whole year (no ``as_of``).

The query runs on the schema of ``volunteer_core.storage.sql`` and returns one row per judged member:
``member_id, net_minutes, required_minutes, months_missing (int[]), branch_activities,
caring_actions, trainings, attendances, misdated, compliant``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

#: The CTEs both dialects write alike: the activities credited to a branch, the member's attended ones, and
#: the members judged.
_CREDITED = """credited AS (
    -- a PAIRING activity: each branch that leads or co-organises it
    SELECT ab.activity_id, ab.branch_id
    FROM year_activities ya JOIN activity_branches ab ON ab.activity_id = ya.id
    WHERE ya.kind = 'pairing'
    UNION
    -- any of the three kinds, of a joint pairing: every branch of the pairing
    SELECT ya.id, pb.branch_id
    FROM year_activities ya
    JOIN pairings p ON p.id = ya.pairing_id AND p.mode IN ('joint_branches', 'joint_department')
    JOIN pairing_branches pb ON pb.pairing_id = p.id
    UNION
    -- 同过节 / 办实事: each organising branch that is a branch of the linked pairing
    SELECT ab.activity_id, ab.branch_id
    FROM year_activities ya
    JOIN activity_branches ab ON ab.activity_id = ya.id
    JOIN pairing_branches pb ON pb.pairing_id = ya.pairing_id AND pb.branch_id = ab.branch_id
    WHERE ya.kind IN ('festival', 'practical_help')
),
attended AS (
    SELECT c.member_id, c.activity_id
    FROM counted c
    JOIN members m ON m.id = c.member_id
    JOIN credited cr ON cr.activity_id = c.activity_id AND cr.branch_id = m.branch_id
    WHERE c.is_session AND c.on_date AND c.kind IN ('pairing', 'festival', 'practical_help')
    GROUP BY 1, 2
    HAVING SUM(c.step) > 0
),
activities_attended AS (
    SELECT member_id, COUNT(*) AS branch_activities FROM attended GROUP BY member_id
),
judged AS (
    SELECT id, joined_on, left_on FROM members
    WHERE joined_on <= :end AND (left_on IS NULL OR left_on >= :start)
),
"""

QUERY_TEMPLATE = """
WITH counted AS (
    SELECT r.member_id, r.activity_id, r.kind, r.on, r.minutes,
           r.adjusts IS NULL AS is_session,
           CASE WHEN r.reverses IS NULL THEN 1 ELSE -1 END AS step,
           r.on BETWEEN a.on AND COALESCE(a.until, a.on) AS on_date
    FROM records r JOIN activities a ON a.id = r.activity_id
    WHERE r.on BETWEEN :start AND :end AND r.status = 'confirmed'
),
per_member AS (
    SELECT member_id,
           SUM(minutes) AS net_minutes,
           COALESCE(SUM(step) FILTER (WHERE is_session AND on_date AND kind = 'caring_action'), 0)
               AS caring_actions,
           COALESCE(SUM(step) FILTER (WHERE is_session AND on_date AND kind = 'training'), 0) AS trainings,
           COALESCE(SUM(step) FILTER (WHERE is_session), 0) AS attendances,
           -- a reversal carries its original's date: an original off its date and its reversal cancel
           COALESCE(SUM(step) FILTER (WHERE is_session AND NOT on_date), 0) AS misdated
    FROM counted
    GROUP BY member_id
),
community AS (
    SELECT member_id, EXTRACT(MONTH FROM "on")::int AS month, SUM(step) AS sessions
    FROM counted
    WHERE is_session AND on_date AND kind = 'community_service'
    GROUP BY 1, 2
),
year_activities AS (
    SELECT id, kind, pairing_id FROM activities
    WHERE kind IN ('pairing', 'festival', 'practical_help')
      AND "on" <= :end AND COALESCE(until, "on") >= :start
),
{_CREDITED}
full_months AS (
    SELECT j.id AS member_id, g.month
    FROM judged j CROSS JOIN generate_series(1, 12) AS g(month)
    WHERE j.joined_on <= make_date(:year, g.month, 1)
      AND (j.left_on IS NULL
           OR j.left_on >= (make_date(:year, g.month, 1) + INTERVAL '1 month' - INTERVAL '1 day')::date)
),
months AS (
    SELECT f.member_id, COUNT(*) AS full_months,
           COALESCE(ARRAY_AGG(f.month ORDER BY f.month) FILTER (WHERE COALESCE(c.sessions, 0) < 1),
                    '{}') AS missing
    FROM full_months f LEFT JOIN community c ON c.member_id = f.member_id AND c.month = f.month
    GROUP BY f.member_id
),
skills AS (
    SELECT member_id, COUNT(*) AS skills FROM member_skills GROUP BY member_id
)
SELECT j.id AS member_id,
       COALESCE(p.net_minutes, 0) AS net_minutes,
       CEIL(1200 * COALESCE(mo.full_months, 0) / 12.0)::int AS required_minutes,
       COALESCE(mo.missing, '{}') AS months_missing,
       COALESCE(a.branch_activities, 0) AS branch_activities,
       COALESCE(p.caring_actions, 0) AS caring_actions,
       COALESCE(p.trainings, 0) AS trainings,
       COALESCE(p.attendances, 0) AS attendances,
       COALESCE(p.misdated, 0) AS misdated,
       (COALESCE(p.net_minutes, 0) >= CEIL(1200 * COALESCE(mo.full_months, 0) / 12.0)
        AND CARDINALITY(COALESCE(mo.missing, '{}')) = 0
        AND (COALESCE(mo.full_months, 0) = 0
             OR (COALESCE(a.branch_activities, 0) >= 1 AND COALESCE(p.caring_actions, 0) >= 1))
        AND COALESCE(s.skills, 0) >= 1
        AND COALESCE(p.misdated, 0) = 0) AS compliant
FROM judged j
LEFT JOIN per_member p ON p.member_id = j.id
LEFT JOIN months mo ON mo.member_id = j.id
LEFT JOIN activities_attended a ON a.member_id = j.id
LEFT JOIN skills s ON s.member_id = j.id
"""


#: The same query in MySQL / MariaDB's SQL (no FILTER, generate_series or arrays: CASE inside the sums,
#: a derived table of the twelve months, GROUP_CONCAT for the months missing).
QUERY_MYSQL_TEMPLATE = """
WITH counted AS (
    SELECT r.member_id, r.activity_id, r.kind, r.`on`, r.minutes,
           r.adjusts IS NULL AS is_session,
           CASE WHEN r.reverses IS NULL THEN 1 ELSE -1 END AS step,
           r.`on` BETWEEN a.`on` AND COALESCE(a.until, a.`on`) AS on_date
    FROM records r JOIN activities a ON a.id = r.activity_id
    WHERE r.`on` BETWEEN :start AND :end AND r.status = 'confirmed'
),
per_member AS (
    SELECT member_id,
           SUM(minutes) AS net_minutes,
           SUM(CASE WHEN is_session AND on_date AND kind = 'caring_action' THEN step ELSE 0 END)
               AS caring_actions,
           SUM(CASE WHEN is_session AND on_date AND kind = 'training' THEN step ELSE 0 END) AS trainings,
           SUM(CASE WHEN is_session THEN step ELSE 0 END) AS attendances,
           SUM(CASE WHEN is_session AND NOT on_date THEN step ELSE 0 END) AS misdated
    FROM counted
    GROUP BY member_id
),
community AS (
    SELECT member_id, MONTH(`on`) AS month, SUM(step) AS sessions
    FROM counted
    WHERE is_session AND on_date AND kind = 'community_service'
    GROUP BY 1, 2
),
year_activities AS (
    SELECT id, kind, pairing_id FROM activities
    WHERE kind IN ('pairing', 'festival', 'practical_help')
      AND `on` <= :end AND COALESCE(until, `on`) >= :start
),
{_CREDITED}
twelve AS (
    SELECT 1 AS month UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL SELECT 5
    UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9 UNION ALL SELECT 10
    UNION ALL SELECT 11 UNION ALL SELECT 12
),
full_months AS (
    SELECT j.id AS member_id, t.month
    FROM judged j CROSS JOIN twelve t
    WHERE j.joined_on <= MAKEDATE(:year, 1) + INTERVAL (t.month - 1) MONTH
      AND (j.left_on IS NULL OR j.left_on >= LAST_DAY(MAKEDATE(:year, 1) + INTERVAL (t.month - 1) MONTH))
),
months AS (
    SELECT f.member_id, COUNT(*) AS full_months,
           SUM(COALESCE(c.sessions, 0) < 1) AS missing_count,
           GROUP_CONCAT(CASE WHEN COALESCE(c.sessions, 0) < 1 THEN f.month END ORDER BY f.month) AS missing
    FROM full_months f LEFT JOIN community c ON c.member_id = f.member_id AND c.month = f.month
    GROUP BY f.member_id
),
skills AS (
    SELECT member_id, COUNT(*) AS skills FROM member_skills GROUP BY member_id
)
SELECT j.id AS member_id,
       COALESCE(p.net_minutes, 0) AS net_minutes,
       CAST(CEIL(1200 * COALESCE(mo.full_months, 0) / 12) AS SIGNED) AS required_minutes,
       mo.missing AS months_missing,
       COALESCE(a.branch_activities, 0) AS branch_activities,
       COALESCE(p.caring_actions, 0) AS caring_actions,
       COALESCE(p.trainings, 0) AS trainings,
       COALESCE(p.attendances, 0) AS attendances,
       COALESCE(p.misdated, 0) AS misdated,
       (COALESCE(p.net_minutes, 0) >= CEIL(1200 * COALESCE(mo.full_months, 0) / 12)
        AND COALESCE(mo.missing_count, 0) = 0
        AND (COALESCE(mo.full_months, 0) = 0
             OR (COALESCE(a.branch_activities, 0) >= 1 AND COALESCE(p.caring_actions, 0) >= 1))
        AND COALESCE(s.skills, 0) >= 1
        AND COALESCE(p.misdated, 0) = 0) AS compliant
FROM judged j
LEFT JOIN per_member p ON p.member_id = j.id
LEFT JOIN months mo ON mo.member_id = j.id
LEFT JOIN activities_attended a ON a.member_id = j.id
LEFT JOIN skills s ON s.member_id = j.id
"""

QUERY = QUERY_TEMPLATE.replace("{_CREDITED}", _CREDITED)
QUERY_MYSQL = QUERY_MYSQL_TEMPLATE.replace("{_CREDITED}", _CREDITED)

_INTS = ("net_minutes", "required_minutes", "branch_activities", "caring_actions", "trainings", "attendances")


def member_rules(engine: sa.Engine, year: int) -> dict[str, dict[str, Any]]:
    """Run the query (PostgreSQL's, or MySQL / MariaDB's); member id → the row (``months_missing`` as a
    tuple)."""
    params = {"year": year, "start": date(year, 1, 1), "end": date(year, 12, 31)}
    mysql = engine.dialect.name in ("mysql", "mariadb")
    with engine.connect() as conn:
        rows = conn.execute(sa.text(QUERY_MYSQL if mysql else QUERY), params).mappings().all()
    if not mysql:
        return {row["member_id"]: {**row, "months_missing": tuple(row["months_missing"])} for row in rows}
    return {
        row["member_id"]: {
            **row,
            **{name: int(row[name]) for name in (*_INTS, "misdated")},  # MySQL sums are DECIMAL
            "compliant": bool(row["compliant"]),
            "months_missing": tuple(int(m) for m in row["months_missing"].split(","))
            if row["months_missing"]
            else (),
        }
        for row in rows
    }
