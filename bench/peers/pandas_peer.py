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

The frames are what an analyst would load from an export of the tables: members (join and leave days
as ordinals), records, activities, the organisers of each activity, pairings and the branches of each
pairing (``*_frame`` below; built before the timed part). ``evaluate`` is fully vectorised — no Python
loop, ``apply`` or lambda per member or per row: members and records are matched by integer codes
(``Index.get_indexer``), kinds and statuses compared by categorical code, per-member sums are
``np.bincount``, the full months of membership and the months missing are boolean member × month arrays,
the own-branch activities a ``merge`` then a ``groupby``.

The frames hold their strings (ids) as Python strings (``mode.string_storage =
"python"``), whatever is installed: with pyarrow installed — as in ``make bench``, for the Parquet export
of the DuckDB peer — pandas 3 stores ``str`` columns in Arrow by default, and this evaluation (matching
ids with ``get_indexer``, reading the kinds into NumPy) runs twice as slowly on them: 0.333 s against
0.170 s at 20,000 members (2026-12-06, CPython 3.11.7, pandas 3.1.1, pyarrow 26.0.1). An analyst who
measures keeps the faster storage; until 2026-12-06 this peer did not, and the ratios it gave flattered
the library (docs/performance.md).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from datetime import date
from typing import ParamSpec, TypeVar

import numpy as np
import pandas as pd

import volunteer_core as vc

JOINT = ("joint_branches", "joint_department")
LINKED = ("festival", "practical_help")
CREDITABLE = ("pairing", *LINKED)
MONTHS = list(range(1, 13))
#: the ordinal of a member who has not left: after every day
NEVER = date.max.toordinal()
#: a record's kind and status as categories with fixed codes, as an analyst loads a low-cardinality column
KINDS = pd.CategoricalDtype([k.value for k in vc.ActivityKind])
STATUSES = pd.CategoricalDtype([s.value for s in vc.RecordStatus])

#: a kind's code in :data:`KINDS`
KIND_CODE = {kind: code for code, kind in enumerate(KINDS.categories)}


_P = ParamSpec("_P")
_R = TypeVar("_R")


def python_strings(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """``func`` with the string columns and indexes it makes held as Python strings, not in Arrow (the
    module's docstring says why) — what ``pd.set_option("mode.string_storage", "python")`` at the top of
    an analyst's notebook does."""

    @functools.wraps(func)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with pd.option_context("mode.string_storage", "python"):
            return func(*args, **kwargs)

    return run


@python_strings
def members_frame(members: Iterable[vc.Member], year: int) -> pd.DataFrame:
    """Index member_id; branch_id, skills (how many), joined and left (ordinals; ``NEVER`` when not left)
    — the members whose membership meets ``year``."""
    frame = pd.DataFrame.from_records(
        (
            (
                m.id,
                m.branch_id,
                len(m.skills),
                m.joined_on.toordinal(),
                NEVER if m.left_on is None else m.left_on.toordinal(),
            )
            for m in members
        ),
        columns=["member_id", "branch_id", "skills", "joined", "left"],
    ).set_index("member_id")
    meets = (frame["joined"] <= date(year, 12, 31).toordinal()) & (
        frame["left"] >= date(year, 1, 1).toordinal()
    )
    return frame[meets]


@python_strings
def records_frame(records: Iterable[vc.ServiceRecord]) -> pd.DataFrame:
    """One row a record; ``day`` is the date's ordinal (``date.toordinal``); ``kind`` and ``status``
    categorical (:data:`KINDS`, :data:`STATUSES`)."""
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
    ).astype({"kind": KINDS, "status": STATUSES})


@python_strings
def activities_frame(activities: Iterable[vc.Activity]) -> pd.DataFrame:
    """Index activity_id; kind, pairing_id (None when not linked), first and last day (ordinals)."""
    return pd.DataFrame.from_records(
        ((a.id, a.kind.value, a.pairing_id, a.on.toordinal(), a.last_day.toordinal()) for a in activities),
        columns=["activity_id", "kind", "pairing_id", "first", "last"],
    ).set_index("activity_id")


@python_strings
def activity_branches_frame(activities: Iterable[vc.Activity]) -> pd.DataFrame:
    """One row per (activity, organising branch), the lead included."""
    return pd.DataFrame.from_records(
        ((a.id, b) for a in activities for b in sorted(a.branch_ids)), columns=["activity_id", "branch_id"]
    )


@python_strings
def pairings_frame(pairings: Iterable[vc.Pairing]) -> pd.DataFrame:
    """Index pairing_id; mode."""
    return pd.DataFrame.from_records(
        ((p.id, p.mode.value) for p in pairings), columns=["pairing_id", "mode"]
    ).set_index("pairing_id")


@python_strings
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


def month_bounds(year: int) -> tuple[np.ndarray, np.ndarray]:
    """The first and the last day (ordinals) of each month of ``year`` (12 of each)."""
    starts = np.array(
        [date(year + month // 13, (month - 1) % 12 + 1, 1).toordinal() for month in range(1, 14)]
    )
    return starts[:-1], starts[1:] - 1


@python_strings
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
    """One row per member: net_minutes, required_minutes, months_missing (how many) and missing_1 …
    missing_12 (booleans: a full month of membership without community service), branch_activities,
    caring_actions, trainings, attendances, misdated, compliant."""
    n = len(members)
    # full months of membership: a boolean member × month array
    firsts, lasts = month_bounds(year)
    joined = members["joined"].to_numpy()[:, None]
    left = members["left"].to_numpy()[:, None]
    full = (joined <= firsts[None, :]) & (left >= lasts[None, :])
    months = full.sum(axis=1)

    r = records[(records["status"] == "confirmed") & (records["year"] == year)]
    code = members.index.get_indexer(r["member_id"])
    r = r[code >= 0].assign(code=code[code >= 0])
    net = np.bincount(r["code"], weights=r["minutes"], minlength=n).astype(np.int64)

    sessions = r[~r["adjustment"]]
    step = 1 - 2 * sessions["reversal"].to_numpy(np.int64)
    member = sessions["code"].to_numpy()
    attendances = np.bincount(member, weights=step, minlength=n).astype(np.int64)
    # the activity's days: a record of a known activity counts toward the rules only on them
    where = activities.index.get_indexer(sessions["activity_id"])
    known = where >= 0
    day = sessions["day"].to_numpy()
    on_date = ~known | (
        (activities["first"].to_numpy()[where] <= day) & (day <= activities["last"].to_numpy()[where])
    )
    misdated = np.bincount(member[~on_date], weights=step[~on_date], minlength=n).astype(np.int64)

    kind = sessions["kind"].cat.codes.to_numpy()  # compared by code, not string by string

    def per_member(mask: np.ndarray) -> np.ndarray:
        mask = mask & on_date
        return np.bincount(member[mask], weights=step[mask], minlength=n).astype(np.int64)

    caring = per_member(kind == KIND_CODE["caring_action"])
    trainings = per_member(kind == KIND_CODE["training"])
    # community service: a member × month array of sessions (reversals subtract)
    community_mask = on_date & (kind == KIND_CODE["community_service"])
    cell = member[community_mask] * 12 + sessions["month"].to_numpy()[community_mask] - 1
    community = np.bincount(cell, weights=step[community_mask], minlength=n * 12).reshape(n, 12)
    missing = full & (community < 1)

    # own-branch 共建、帮扶 activities: the (activity, branch) pairs credited, merged with each record's
    # member's branch; a record of an unknown activity is judged by its own fields
    creditable = on_date & np.isin(kind, [KIND_CODE[k] for k in CREDITABLE])
    candidates = sessions.loc[creditable, ["code", "activity_id", "branch_id"]].assign(
        step=step[creditable], own=members["branch_id"].to_numpy()[member[creditable]]
    )
    candidates_known = known[creditable]
    of_activity = candidates[candidates_known].merge(
        credited(activities, activity_branches, pairings, pairing_branches).rename(
            columns={"branch_id": "own"}
        ),
        on=["activity_id", "own"],
    )
    unknown = candidates[~candidates_known]
    by_own_fields = unknown[
        (kind[creditable][~candidates_known] == KIND_CODE["pairing"])
        & (unknown["branch_id"] == unknown["own"]).to_numpy()
    ]
    attended = pd.concat([of_activity, by_own_fields], ignore_index=True)
    per_activity = attended.groupby(["code", "activity_id"], sort=False)["step"].sum()
    held = per_activity[per_activity > 0].index.get_level_values("code").to_numpy()
    branch_activities = np.bincount(held, minlength=n)

    required = (1200 * months + 11) // 12  # ceil(1200 × full months / 12)
    judged = months > 0
    compliant = (
        (net >= required)
        & ~missing.any(axis=1)
        & (~judged | (branch_activities >= 1))
        & (~judged | (caring >= 1))
        & (members["skills"].to_numpy() >= 1)
        & (misdated == 0)
    )
    out = pd.DataFrame(
        {
            "branch_id": members["branch_id"].to_numpy(),
            "net_minutes": net,
            "required_minutes": required,
            "months_missing": missing.sum(axis=1),
            "branch_activities": branch_activities,
            "caring_actions": caring,
            "trainings": trainings,
            "attendances": attendances,
            "misdated": misdated,
            "compliant": compliant,
        },
        index=members.index,
    )
    return out.join(pd.DataFrame(missing, index=members.index, columns=[f"missing_{m}" for m in MONTHS]))
