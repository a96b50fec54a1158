"""The member rules of a year written as an analyst would in pandas (groupby / pivot).

Same definitions as volunteer_core (domain.md): confirmed records only; reversals carry negated minutes
and cancel their original's month and activity; adjustments change minutes only; the 20-hour rule is
pro-rated by full months of membership; community service in every full month; distinct PAIRING
activities of the member's own branch; caring actions; skills.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

import pandas as pd

import volunteer_core as vc
from volunteer_core.calendar.dates import last_day


def members_frame(members: Iterable[vc.Member], year: int) -> pd.DataFrame:
    rows = []
    for m in members:
        if m.joined_on > date(year, 12, 31) or (m.left_on is not None and m.left_on < date(year, 1, 1)):
            continue
        full = [
            month
            for month in range(1, 13)
            if m.joined_on <= date(year, month, 1)
            and (m.left_on is None or m.left_on >= last_day(year, month))
        ]
        rows.append(
            {"member_id": m.id, "branch_id": m.branch_id, "skills": len(m.skills), "full_months": full}
        )
    return pd.DataFrame(rows).set_index("member_id")


def records_frame(records: Iterable[vc.ServiceRecord]) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        (
            (
                r.member_id,
                r.activity_id,
                r.branch_id,
                r.kind.value,
                r.on.month,
                r.on.year,
                r.minutes,
                r.reverses is not None,
                r.adjusts is not None,
                r.status.value,
            )
            for r in records
        ),
        columns=[
            "member_id",
            "activity_id",
            "branch_id",
            "kind",
            "month",
            "year",
            "minutes",
            "reversal",
            "adjustment",
            "status",
        ],
    )


def evaluate(members: pd.DataFrame, records: pd.DataFrame, year: int) -> pd.DataFrame:
    """One row per member: net_minutes, required_minutes, months_missing, branch_activities, caring, compliant."""
    r = records[(records["status"] == "confirmed") & (records["year"] == year)]
    r = r[r["member_id"].isin(members.index)]
    net = r.groupby("member_id")["minutes"].sum()
    counted = r[~r["adjustment"]].assign(step=lambda f: 1 - 2 * f["reversal"].astype(int))
    community = (
        counted[counted["kind"] == "community_service"]
        .pivot_table(index="member_id", columns="month", values="step", aggfunc="sum", fill_value=0)
        .reindex(columns=range(1, 13), fill_value=0)
    )
    pairing = counted[counted["kind"] == "pairing"].join(members["branch_id"].rename("own"), on="member_id")
    pairing = pairing[pairing["branch_id"] == pairing["own"]]
    per_activity = pairing.groupby(["member_id", "activity_id"])["step"].sum()
    branch_activities = (per_activity > 0).groupby("member_id").sum()
    caring = counted[counted["kind"] == "caring_action"].groupby("member_id")["step"].sum()

    out = members.copy()
    out["net_minutes"] = net.reindex(out.index, fill_value=0)
    out["required_minutes"] = out["full_months"].map(lambda months: math.ceil(1200 * len(months) / 12))
    community = community.reindex(out.index, fill_value=0)
    out["months_missing"] = [
        tuple(m for m in months if community.at[mid, m] < 1) for mid, months in out["full_months"].items()
    ]
    out["branch_activities"] = branch_activities.reindex(out.index, fill_value=0)
    out["caring_actions"] = caring.reindex(out.index, fill_value=0)
    judged = out["full_months"].map(len) > 0
    out["compliant"] = (
        (out["net_minutes"] >= out["required_minutes"])
        & (out["months_missing"].map(len) == 0)
        & (~judged | (out["branch_activities"] >= 1))
        & (~judged | (out["caring_actions"] >= 1))
        & (out["skills"] >= 1)
    )
    return out
