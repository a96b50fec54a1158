"""The member rules of a year written as an analyst would in pandas (merge / groupby / pivot).

Same definitions as volunteer_core (domain.md, DEFAULT policy): confirmed records only; reversals carry
negated minutes and cancel their original's month and activity; adjustments change minutes only; the
20-hour rule is pro-rated by full months of membership; community service in every full month; one
caring action; one skill. ``member.branch_activities`` (000 §四.1): distinct 共建、帮扶 activities
organised by the member's own branch — led or co-organised (``Activity.branch_ids``); an activity of a
JOINT_BRANCHES / JOINT_DEPARTMENT pairing belongs to every branch of the pairing — that the member took
part in: PAIRING activities, and FESTIVAL / PRACTICAL_HELP activities linked (``pairing_id``) to one of
the branch's pairings. A record dated outside its activity's date or span (``record.activity_date``, an
ERROR) counts in the minutes and the attendances only; a record whose activity is not in the frames is
judged by its own fields (a PAIRING record of the own branch counts, its date is not judged).

The frames are what an analyst would load from an export of the tables: members, records, activities,
the organisers of each activity, pairings and the branches of each pairing (``*_frame`` below; built
before the timed part).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

import numpy as np
import pandas as pd

import volunteer_core as vc
from volunteer_core.calendar.dates import last_day

JOINT = ("joint_branches", "joint_department")
LINKED = ("festival", "practical_help")
CREDITABLE = ("pairing", *LINKED)


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
    """One row a record; ``day`` is the date's ordinal (``date.toordinal``)."""
    return pd.DataFrame.from_records(
        (
            (
                r.member_id,
                r.activity_id,
                r.branch_id,
                r.kind.value,
                r.on.toordinal(),
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
            "day",
            "month",
            "year",
            "minutes",
            "reversal",
            "adjustment",
            "status",
        ],
    )


def activities_frame(activities: Iterable[vc.Activity]) -> pd.DataFrame:
    """Index activity_id; kind, pairing_id (None when not linked), first and last day (ordinals)."""
    return pd.DataFrame.from_records(
        ((a.id, a.kind.value, a.pairing_id, a.on.toordinal(), a.last_day.toordinal()) for a in activities),
        columns=["activity_id", "kind", "pairing_id", "first", "last"],
    ).set_index("activity_id")


def activity_branches_frame(activities: Iterable[vc.Activity]) -> pd.DataFrame:
    """One row per (activity, organising branch), the lead included."""
    return pd.DataFrame.from_records(
        ((a.id, b) for a in activities for b in sorted(a.branch_ids)), columns=["activity_id", "branch_id"]
    )


def pairings_frame(pairings: Iterable[vc.Pairing]) -> pd.DataFrame:
    """Index pairing_id; mode."""
    return pd.DataFrame.from_records(
        ((p.id, p.mode.value) for p in pairings), columns=["pairing_id", "mode"]
    ).set_index("pairing_id")


def pairing_branches_frame(pairings: Iterable[vc.Pairing]) -> pd.DataFrame:
    """One row per (pairing, branch)."""
    return pd.DataFrame.from_records(
        ((p.id, b) for p in pairings for b in sorted(p.branch_ids)), columns=["pairing_id", "branch_id"]
    )


def credited(
    activities: pd.DataFrame,
    activity_branches: pd.DataFrame,
    pairings: pd.DataFrame,
    pairing_branches: pd.DataFrame,
) -> pd.DataFrame:
    """The (activity_id, branch_id) pairs for which an activity is a 共建、帮扶 activity of the branch."""
    kinds = activities[["kind", "pairing_id"]]
    organisers = activity_branches.join(kinds, on="activity_id")
    joint_branches = pairing_branches[pairing_branches["pairing_id"].map(pairings["mode"]).isin(JOINT)]
    # PAIRING activities: every organiser
    led = organisers.loc[organisers["kind"] == "pairing", ["activity_id", "branch_id"]]
    # PAIRING, FESTIVAL, PRACTICAL_HELP activities of a joint pairing: every branch of the pairing
    of_joint = (
        kinds[kinds["kind"].isin(CREDITABLE)]
        .reset_index()
        .merge(joint_branches, on="pairing_id")[["activity_id", "branch_id"]]
    )
    # FESTIVAL, PRACTICAL_HELP activities: the organisers that are branches of the linked pairing
    linked = organisers[organisers["kind"].isin(LINKED)].merge(
        pairing_branches, on=["pairing_id", "branch_id"]
    )[["activity_id", "branch_id"]]
    return pd.concat([led, of_joint, linked], ignore_index=True).drop_duplicates()


def evaluate(
    members: pd.DataFrame,
    records: pd.DataFrame,
    year: int,
    *,
    activities: pd.DataFrame,
    activity_branches: pd.DataFrame,
    pairings: pd.DataFrame,
    pairing_branches: pd.DataFrame,
) -> pd.DataFrame:
    """One row per member: net_minutes, required_minutes, months_missing, branch_activities,
    caring_actions, trainings, attendances, misdated, compliant."""
    r = records[(records["status"] == "confirmed") & (records["year"] == year)]
    r = r[r["member_id"].isin(members.index)]
    net = r.groupby("member_id")["minutes"].sum()
    sessions = r[~r["adjustment"]]
    sessions = sessions.assign(
        step=1 - 2 * sessions["reversal"].astype(np.int64),
        own=sessions["member_id"].map(members["branch_id"]),
    )
    # the activity's days: a record of a known activity counts toward the rules only on them
    where = activities.index.get_indexer(sessions["activity_id"])
    known = where >= 0
    first = activities["first"].to_numpy()[where]
    last = activities["last"].to_numpy()[where]
    day = sessions["day"].to_numpy()
    on_date = ~known | ((first <= day) & (day <= last))
    attendances = sessions.groupby("member_id")["step"].sum()
    misdated = sessions[~on_date].groupby("member_id")["step"].sum()  # a reversal carries its date
    counted = sessions[on_date]
    known = known[on_date]

    community = (
        counted[counted["kind"] == "community_service"]
        .pivot_table(index="member_id", columns="month", values="step", aggfunc="sum", fill_value=0)
        .reindex(columns=range(1, 13), fill_value=0)
    )
    by_kind = counted[counted["kind"].isin(("caring_action", "training"))].pivot_table(
        index="member_id", columns="kind", values="step", aggfunc="sum", fill_value=0
    )

    candidates = counted[counted["kind"].isin(CREDITABLE)]
    candidates_known = known[counted["kind"].isin(CREDITABLE).to_numpy()]
    of_activity = candidates[candidates_known].merge(
        credited(activities, activity_branches, pairings, pairing_branches).rename(
            columns={"branch_id": "own"}
        ),
        on=["activity_id", "own"],
    )
    unknown = candidates[~candidates_known]
    by_own_fields = unknown[(unknown["kind"] == "pairing") & (unknown["branch_id"] == unknown["own"])]
    attended = pd.concat([of_activity, by_own_fields], ignore_index=True)
    per_activity = attended.groupby(["member_id", "activity_id"])["step"].sum()
    branch_activities = (per_activity > 0).groupby("member_id").sum()

    out = members.copy()
    out["net_minutes"] = net.reindex(out.index, fill_value=0)
    out["required_minutes"] = out["full_months"].map(lambda months: math.ceil(1200 * len(months) / 12))
    community = community.reindex(out.index, fill_value=0)
    out["months_missing"] = [
        tuple(m for m in months if community.at[mid, m] < 1) for mid, months in out["full_months"].items()
    ]
    out["branch_activities"] = branch_activities.reindex(out.index, fill_value=0)
    by_kind = by_kind.reindex(index=out.index, columns=["caring_action", "training"], fill_value=0)
    out["caring_actions"] = by_kind["caring_action"]
    out["trainings"] = by_kind["training"]
    out["attendances"] = attendances.reindex(out.index, fill_value=0)
    out["misdated"] = misdated.reindex(out.index, fill_value=0)
    judged = out["full_months"].map(len) > 0
    out["compliant"] = (
        (out["net_minutes"] >= out["required_minutes"])
        & (out["months_missing"].map(len) == 0)
        & (~judged | (out["branch_activities"] >= 1))
        & (~judged | (out["caring_actions"] >= 1))
        & (out["skills"] >= 1)
        & (out["misdated"] == 0)
    )
    return out
