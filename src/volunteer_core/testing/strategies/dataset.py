"""The strategy for whole datasets: a year of a small organisation whose references all resolve.

>>> from hypothesis import find
>>> find(datasets(max_records=0), lambda d: True).records
()
"""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import attrs
from hypothesis import strategies as st

from volunteer_core import calendar
from volunteer_core.model import (
    Activity,
    ActivityKind,
    Beneficiary,
    Branch,
    Member,
    Organisation,
    Pairing,
    PartnerUnit,
    Qualification,
    ServiceRecord,
    Supporter,
    Team,
    Wish,
)
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.rules.readiness import earned_qualifications
from volunteer_core.testing.strategies._common import recording_dates
from volunteer_core.testing.strategies.activity import activities, with_reversals
from volunteer_core.testing.strategies.organisation import QUALIFICATIONS, organisation_trees, supporters
from volunteer_core.testing.strategies.pairing import pairing_lists
from volunteer_core.testing.strategies.people import beneficiaries, branches, members, partner_units, teams
from volunteer_core.testing.strategies.wish import wishes

__all__ = ["Dataset", "datasets"]

#: The kinds linked to one of their branch's pairings when it has one (共建、帮扶: 000 §四.1).
_PAIRED = (ActivityKind.PAIRING, ActivityKind.FESTIVAL, ActivityKind.PRACTICAL_HELP)


@attrs.frozen(kw_only=True)
class Dataset:
    """A year of a small organisation whose references all resolve: members, teams, activities and
    records point to drawn branches; teams, pairings, records and claims to drawn members; pairings to
    drawn units or beneficiaries; activities to their branch's teams and pairings (PAIRING ones; with
    ``joint``, some FESTIVAL and PRACTICAL_HELP ones too, and co-organisers among the drawn branches);
    records to drawn activities, copying their kind and branch, dated on a day of their activity; wishes
    to drawn beneficiaries. With ``datasets(organisations=True)``: branches hang in a drawn organisation
    tree (parents before children), wishes' claims name drawn members or supporters, qualifications name
    drawn members and (earned at a training) drawn activities; otherwise those three are empty.
    Ids are unique per entity type (``o-1``, ``b-1``, ``m-1``, ``t-1``, ``bf-1``, ``u-1``, ``pr-1``,
    ``a-1``, ``r-1``, ``s-1``, ``q-1`` or ``<record id>:<name>``, ``w-1``).
    """

    year: int
    branches: tuple[Branch, ...]
    members: tuple[Member, ...]
    teams: tuple[Team, ...]
    beneficiaries: tuple[Beneficiary, ...]
    units: tuple[PartnerUnit, ...]
    pairings: tuple[Pairing, ...]
    activities: tuple[Activity, ...]
    records: tuple[ServiceRecord, ...]
    wishes: tuple[Wish, ...]
    organisations: tuple[Organisation, ...] = ()
    supporters: tuple[Supporter, ...] = ()
    qualifications: tuple[Qualification, ...] = ()


def datasets(
    year: int = 2026,
    *,
    max_branches: int = 4,
    max_members: int = 12,
    max_activities: int = 12,
    max_records: int = 60,
    max_wishes: int = 4,
    reversals: bool = False,
    policy: Policy | None = None,
    joint: bool = False,
    organisations: bool = False,
) -> st.SearchStrategy[Dataset]:
    """A :class:`Dataset` for ``year``: 1 … ``max_branches`` branches each with one or two teams,
    1 … ``max_members`` members whose membership overlaps the year, partner units and beneficiaries,
    duplicate-free pairings (joint ones too), activities and ordinary records dated in the year on a day
    of their activity (a member at most once per activity and at most ``policy.max_sessions_per_day``
    times a day, only while a member), and wishes in any state. ``reversals=True`` adds the reversals of
    some records (they count in ``max_records``). ``joint=True``: some activities are co-organised by
    other drawn branches, some last a few days (their records fall on any of their days), and some
    FESTIVAL and PRACTICAL_HELP activities are linked to a pairing of their branch (同过节, 办实事) — what
    ``member.branch_activities`` and ``record.activity_date`` distinguish. Off by default (the worlds
    drawn without it stay as they were).

    ``organisations=True`` draws what issue 17 added, off by default for the same reason: an organisation
    tree up to three levels deep (:func:`organisation_trees`) in which every branch hangs; members' insurance
    (``insured_until``); activities that require qualifications and trainings that grant them; supporters
    who claim wishes beside members, and wishes referred (and resolved); qualifications — those the
    confirmed training records earned (:func:`volunteer_core.rules.readiness.earned_qualifications`) and
    those entered by the host, so that every member holds, on each record's day, what its activity
    requires (as ``member.untrained`` asks under a policy with ``require_training``), and, under a policy
    with ``require_insurance``, is insured on every record's day.

    >>> from hypothesis import find
    >>> d = find(datasets(), lambda d: len(d.records) > 0)
    >>> {r.activity_id for r in d.records} <= {a.id for a in d.activities}
    True
    """
    for name, value in (
        ("max_branches", max_branches),
        ("max_members", max_members),
        ("max_activities", max_activities),
    ):
        if value < 1:
            raise ValueError(f"{name} must be >= 1")
    if max_records < 0 or max_wishes < 0:
        raise ValueError("max_records and max_wishes must be >= 0")
    if not calendar.MIN_YEAR <= year <= calendar.MAX_YEAR:
        raise ValueError(f"year must be within {calendar.MIN_YEAR}..{calendar.MAX_YEAR}")
    return _dataset(
        year,
        max_branches,
        max_members,
        max_activities,
        max_records,
        max_wishes,
        reversals,
        DEFAULT if policy is None else policy,
        joint,
        organisations,
    )


@st.composite
def _dataset(
    draw: st.DrawFn,
    year: int,
    max_branches: int,
    max_members: int,
    max_activities: int,
    max_records: int,
    max_wishes: int,
    with_reversal: bool,
    policy: Policy,
    joint: bool,
    extended: bool,
) -> Dataset:
    first, last = date(year, 1, 1), date(year, 12, 31)

    tree = draw(organisation_trees(depth=3, max_children=2)) if extended else ()
    branch_count = draw(st.integers(1, max_branches))
    branch_ids = [f"b-{i}" for i in range(1, branch_count + 1)]
    hangs = [o.id for o in tree] or None
    branch_list = [draw(branches(id=b, organisation_id=hangs)) for b in branch_ids]

    member_count = draw(st.integers(1, max_members))
    member_list = [
        draw(members(branch_id=branch_ids, year=year, id=f"m-{i}", insurance=extended))
        for i in range(1, member_count + 1)
    ]
    by_branch: dict[str, list[str]] = {b: [m.id for m in member_list if m.branch_id == b] for b in branch_ids}

    team_list: list[Team] = []
    for b in branch_ids:
        for _ in range(draw(st.integers(1, 2))):
            pool = by_branch[b]
            team_list.append(draw(teams(branch_id=b, id=f"t-{len(team_list) + 1}", member_ids=pool)))
    teams_of = {b: [t.id for t in team_list if t.branch_id == b] for b in branch_ids}

    beneficiary_list = [draw(beneficiaries(id=f"bf-{i}")) for i in range(1, draw(st.integers(0, 4)) + 1)]
    unit_list = [draw(partner_units(id=f"u-{i}")) for i in range(1, draw(st.integers(0, 3)) + 1)]
    target_ids = [u.id for u in unit_list] + [b.id for b in beneficiary_list]
    pairing_list: list[Pairing] = []
    if target_ids:
        pairing_list = draw(
            pairing_lists(
                target_ids=target_ids,
                branch_ids=branch_ids,
                member_ids=[m.id for m in member_list],
                min_start=date(year - 2, 1, 1),
                max_start=last,
                max_size=4,
            )
        )
        pairing_list = sorted(pairing_list, key=lambda p: int(p.id.split("-")[1]))
    pairings_of = {b: [p.id for p in pairing_list if b in p.branch_ids] for b in branch_ids}

    activity_list: list[Activity] = []
    for i in range(1, draw(st.integers(1, max_activities)) + 1):
        b = draw(st.sampled_from(branch_ids))
        kind = draw(st.sampled_from(list(ActivityKind)))
        team = teams_of[b] if kind is ActivityKind.TEAM_CAMPAIGN else None
        linked = kind is ActivityKind.PAIRING or (joint and kind in _PAIRED and draw(st.booleans()))
        paired = pairings_of[b] if linked and pairings_of[b] else None
        activity_list.append(
            draw(
                activities(
                    id=f"a-{i}",
                    kind=kind,
                    branch_id=b,
                    team_id=team,
                    pairing_id=paired,
                    year=year,
                    policy=policy,
                    co_organisers=branch_ids if joint else None,
                    max_span_days=3 if joint else 0,
                    paired_kinds=_PAIRED if joint else (ActivityKind.PAIRING,),
                    qualifications=QUALIFICATIONS[:2] if extended else None,
                )
            )
        )

    record_list: list[ServiceRecord] = []
    seen: set[tuple[str, str]] = set()
    per_day: Counter[tuple[str, date]] = Counter()
    wanted = draw(st.integers(0, max_records))
    for _ in range(wanted):
        activity = draw(st.sampled_from(activity_list))
        day = activity.on if activity.until is None else draw(st.dates(activity.on, activity.until))
        present = [m.id for m in member_list if m.is_member_on(day)]
        if not present:
            continue
        member = draw(st.sampled_from(present))
        if (member, activity.id) in seen or per_day[(member, day)] >= policy.max_sessions_per_day:
            continue
        seen.add((member, activity.id))
        per_day[(member, day)] += 1
        record_list.append(
            ServiceRecord.for_activity(
                activity,
                id=f"r-{len(record_list) + 1}",
                member_id=member,
                minutes=draw(st.integers(30, 480)),
                on=day,
                recorded_on=draw(recording_dates(day, None)),
            )
        )
    if with_reversal and record_list:
        room = max_records - len(record_list)
        record_list = draw(with_reversals(record_list, max_reversals=room))

    supporter_list: list[Supporter] = []
    qualification_list: list[Qualification] = []
    if extended:
        supporter_list = [draw(supporters(id=f"s-{i}")) for i in range(1, draw(st.integers(0, 3)) + 1)]
        member_list, qualification_list = draw(_ready(member_list, activity_list, record_list, policy))

    wish_list: list[Wish] = []
    if beneficiary_list:
        member_ids = [m.id for m in member_list]
        for i in range(1, draw(st.integers(0, max_wishes)) + 1):
            wish_list.append(
                draw(
                    wishes(
                        id=f"w-{i}",
                        beneficiary_id=[b.id for b in beneficiary_list],
                        member_ids=member_ids,
                        min_date=first,
                        max_date=last,
                        policy=policy,
                        supporter_ids=[s.id for s in supporter_list] or None if extended else None,
                        referrals=extended,
                    )
                )
            )

    return Dataset(
        year=year,
        branches=tuple(branch_list),
        members=tuple(member_list),
        teams=tuple(team_list),
        beneficiaries=tuple(beneficiary_list),
        units=tuple(unit_list),
        pairings=tuple(pairing_list),
        activities=tuple(activity_list),
        records=tuple(record_list),
        wishes=tuple(wish_list),
        organisations=tuple(tree),
        supporters=tuple(supporter_list),
        qualifications=tuple(qualification_list),
    )


@st.composite
def _ready(
    draw: st.DrawFn,
    member_list: list[Member],
    activity_list: list[Activity],
    record_list: list[ServiceRecord],
    policy: Policy,
) -> tuple[list[Member], list[Qualification]]:
    """The members, insured on every record's day when the policy asks for insurance, and their
    qualifications: those the confirmed training records earned, then one entered by the host for each
    (member, name) an activity requires that the member does not hold on every day it serves there."""
    activity_of = {a.id: a for a in activity_list}
    held: list[Qualification] = []
    for record in record_list:
        held += earned_qualifications(record, activity_of[record.activity_id])
    needed: dict[tuple[str, str], list[date]] = {}
    served: dict[str, date] = {}
    for record in record_list:
        if record.reverses is not None:
            continue
        served[record.member_id] = max(served.get(record.member_id, record.on), record.on)
        for name in sorted(activity_of[record.activity_id].requires):
            missing = needed.setdefault((record.member_id, name), [])
            if not any(q.member_id == record.member_id and q.name == name and q.is_valid_on(record.on)
                       for q in held):  # fmt: skip
                missing.append(record.on)
    for (member_id, name), missing in needed.items():
        if missing:
            earned = min(missing) - timedelta(days=draw(st.integers(0, 400)))
            expires = draw(st.none() | st.dates(max(missing), date(max(missing).year + 3, 12, 31)))
            held.append(
                Qualification(
                    id=f"q-{len(held) + 1}",
                    member_id=member_id,
                    name=name,
                    earned_on=earned,
                    expires_on=expires,
                )
            )
    if policy.require_insurance:
        member_list = [
            attrs.evolve(m, insured_until=date(served[m.id].year, 12, 31))
            if m.id in served and not m.is_insured_on(served[m.id])
            else m
            for m in member_list
        ]
    return member_list, held


# ``st.from_type(Dataset)`` (the other types are registered by the hypothesis entry point).
st.register_type_strategy(Dataset, datasets())
