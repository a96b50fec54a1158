"""A seeded generator of a realistic year of one organ — shared by the demo and the benchmarks.

Members in branches and teams, joiners and leavers mid-year, ~40 records per member with the mix of
kinds a real organ has (community service most months, some missed), a few reversals, pairings with a
few genuine duplicates and one joint pairing of two branches (支部联合, its activities entered under the
first and attended by both), 同过节 and 办实事 activities held for the branch's pairing, caring actions
co-organised with the next branch, team campaigns of two days, wishes in every state, plan tables and
half-year reports (some late, some missing). Everything is deterministic for a seed; records are
produced lazily so that a very large year can be streamed.

Issue 17 adds, each drawn from its own random stream so that what existed before stays as it was: the
organisation tree above the branches (1 机关工委 → 2 机关党委 → the branches, spread evenly), three
supporters (one of each kind) claiming wishes beside the members, two wishes over the cap referred
(转介) — one resolved, one open —, members' insurance (most to the year's end, a few lapsing mid-year:
they serve no more after it), and one first-aid training (急救, valid 36 months) followed by a duty that
requires it, attended only by members who took the training.

This package needs only the standard library and volunteer_core itself (no hypothesis).

>>> world = generate_year(2026, members=40, branches=3, seed=7)
>>> len(world.members), len(world.branches), world.records_per_member > 0
(40, 3, True)
>>> sum(1 for _ in world.iter_records()) == sum(1 for _ in world.iter_records())
True
>>> [(o.name, o.parent_id) for o in world.organisations]
[('莆田市直机关工委', None), ('市民政局机关党委', 'o-wc'), ('市卫健委机关党委', 'o-wc')]
>>> [b.organisation_id for b in world.branches]
['o-pc1', 'o-pc1', 'o-pc2']
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import TYPE_CHECKING

import attrs

from volunteer_core import calendar
from volunteer_core.calendar.dates import DateRange, last_day
from volunteer_core.errors import RuleViolation
from volunteer_core.model import (
    Activity,
    ActivityKind,
    Beneficiary,
    Branch,
    BranchPlan,
    HalfYearReport,
    Member,
    Organisation,
    Pairing,
    PairingMode,
    PartnerUnit,
    PlanItem,
    PlanLine,
    Qualification,
    ServiceRecord,
    Supporter,
    Team,
    UnitKind,
    Wish,
)
from volunteer_core.ports import UnitOfWork
from volunteer_core.rules.member import organising_branches
from volunteer_core.rules.readiness import earned_qualifications
from volunteer_core.synthetic._people import (
    BRANCH_NAMES,
    COMMUNITIES,
    SKILLS,
    UNITS,
    beneficiary,
    organisation_tree,
    supporters,
)
from volunteer_core.synthetic._people import name as person_name
from volunteer_core.synthetic._records import member_records
from volunteer_core.synthetic._wishes import replay_wish, wishes

if TYPE_CHECKING:
    from volunteer_core import services

__all__ = ["FIRST_AID", "LoadSummary", "SyntheticYear", "generate_year", "record_request"]

#: The qualification the synthetic year trains for and then requires (先培训再上岗).
FIRST_AID = "急救"


@attrs.frozen(kw_only=True)
class SyntheticYear:
    """A generated year: the entities as tuples, the records as a re-iterable stream."""

    year: int
    seed: int
    branches: tuple[Branch, ...]
    members: tuple[Member, ...]
    teams: tuple[Team, ...]
    beneficiaries: tuple[Beneficiary, ...]
    units: tuple[PartnerUnit, ...]
    pairings: tuple[Pairing, ...]
    activities: tuple[Activity, ...]
    wishes: tuple[Wish, ...]
    plans: tuple[BranchPlan, ...]
    reports: tuple[HalfYearReport, ...]
    organisations: tuple[Organisation, ...] = ()
    supporters: tuple[Supporter, ...] = ()
    records_per_member: int = 40

    def iter_records(self) -> Iterator[ServiceRecord]:
        """The year's ledger, member by member, produced lazily (the same every time): a member attends
        the activities their branch organises (led, co-organised, or of a joint pairing of the branch),
        on a day of the activity."""
        pairings = {p.id: p for p in self.pairings}
        by_branch: dict[str, list[Activity]] = {}
        for activity in self.activities:
            pairing = None if activity.pairing_id is None else pairings.get(activity.pairing_id)
            for branch_id in sorted(organising_branches(activity, pairing)):
                by_branch.setdefault(branch_id, []).append(activity)
        for index, member in enumerate(self.members):
            yield from member_records(self, index, member, by_branch.get(member.branch_id, []))

    def records(self) -> list[ServiceRecord]:
        """The whole ledger as a list (small years only)."""
        return list(self.iter_records())

    def qualifications(self) -> list[Qualification]:
        """What the year's training records earn (:func:`~volunteer_core.rules.readiness.
        earned_qualifications`): what :meth:`load_into` stores through the ledger's use-cases.

        >>> world = generate_year(2026, members=12, branches=2, seed=3)
        >>> sorted({(q.name, q.expires_on.year - q.earned_on.year) for q in world.qualifications()})
        [('急救', 3)]
        """
        activities = {a.id: a for a in self.activities if a.grants}
        return [
            q
            for r in self.iter_records()
            if r.activity_id in activities
            for q in earned_qualifications(r, activities[r.activity_id])
        ]

    def load_into(self, uow: UnitOfWork, *, batch_size: int = 1000) -> LoadSummary:
        """Build the year in ``uow`` through the use-cases (never by writing tables directly): master
        data with ``add_entities`` (the organisation tree first), pairings with ``register_pairing`` (a genuine duplicate is refused
        and counted), wishes replayed step by step (collect, screen, publish, claim, withdraw, fulfil,
        cancel; claims by members and supporters; referral and its resolution), records with
        ``record_services`` in batches — a training's record earning its qualification, which a later
        record on an activity requiring it needs — and reversals with ``reverse_service``.
        """
        from volunteer_core import services

        services.add_entities(
            uow,
            [
                *self.organisations,
                *self.branches,
                *self.members,
                *self.teams,
                *self.beneficiaries,
                *self.units,
                *self.supporters,
            ],
            batch_size=batch_size,
        )
        refused: list[str] = []
        stored_pairings: set[str] = set()
        for pairing in self.pairings:
            try:
                stored_pairings.add(services.register_pairing(uow, pairing).id)
            except RuleViolation as err:
                refused.append(str(err))
        services.add_entities(
            uow,
            [
                a
                if a.pairing_id is None or a.pairing_id in stored_pairings
                else attrs.evolve(a, pairing_id=None)
                for a in self.activities
            ],
            batch_size=batch_size,
        )
        services.add_entities(uow, [*self.plans, *self.reports], batch_size=batch_size)
        for wish in self.wishes:
            replay_wish(uow, wish)
        reversals: list[ServiceRecord] = []

        def ordinary() -> Iterator[services.RecordRequest]:
            for record in self.iter_records():
                if record.reverses is not None:
                    reversals.append(record)
                    continue
                yield record_request(record)

        count = len(services.record_services(uow, ordinary(), batch_size=batch_size))
        for reversal in reversals:
            assert reversal.reverses is not None
            assert reversal.recorded_on is not None
            services.reverse_service(uow, reversal.reverses, on=reversal.recorded_on, reversal_id=reversal.id)
        return LoadSummary(records=count, reversals=len(reversals), refused_pairings=tuple(refused))


def record_request(record: ServiceRecord) -> services.RecordRequest:
    """What :meth:`SyntheticYear.load_into` asks ``record_services`` for to store an ordinary (not
    reversing) generated ``record``: the same member, activity, minutes, day, id and entry date, with the
    record's id as its idempotency key (a second load stores nothing twice)."""
    from volunteer_core import services

    return services.RecordRequest(
        member_id=record.member_id,
        activity_id=record.activity_id,
        minutes=record.minutes,
        on=record.on,
        record_id=record.id,
        recorded_on=record.recorded_on,
        idempotency_key=record.id,
    )


@attrs.frozen(kw_only=True)
class LoadSummary:
    """What :meth:`SyntheticYear.load_into` stored."""

    records: int
    reversals: int
    refused_pairings: tuple[str, ...]


def generate_year(year: int = 2026, *, members: int = 200, branches: int = 6, seed: int = 1) -> SyntheticYear:
    """Build a realistic year for one organ: ``members`` volunteers in ``branches`` branches, under a
    机关工委 and its two 机关党委.

    Args:
        year: the calendar year (1951–2099).
        members: how many members (any size; records are streamed).
        branches: how many branches (members are spread evenly).
        seed: the random seed; the same arguments always give the same year.
    """
    rng = random.Random(seed)
    # What issue 17 added is drawn from this second stream: the first one draws what it drew before.
    extra = random.Random(seed * 1_000_033 + 17)
    organisations, place = organisation_tree(branches)
    branch_list = tuple(
        Branch(
            id=f"b{i + 1:04d}",
            name=BRANCH_NAMES[i % len(BRANCH_NAMES)] + (f"（{i // 8 + 1}）" if i >= 8 else ""),
            organisation_id=place(i),
        )
        for i in range(branches)
    )
    start = date(year, 1, 1)
    # 人身意外伤害保险 (003): every member covered to the year's end but one in forty, lapsing mid-year
    lapsing = set(extra.sample(range(members), min(members, max(1, members // 40))))
    member_list: list[Member] = []
    for i in range(members):
        branch = branch_list[i % branches]
        joined = date(year - rng.randrange(1, 20), rng.randrange(1, 13), 1)
        left: date | None = None
        roll = rng.random()
        if roll < 0.04:  # joined mid-year, not always on the first of a month
            joined = date(year, rng.randrange(2, 12), rng.choice((1, 1, 2, 15)))
        elif roll < 0.07:  # left mid-year
            month = rng.randrange(3, 12)
            left = last_day(year, month) if rng.random() < 0.5 else date(year, month, 10)
        skills = frozenset(rng.sample(SKILLS, rng.choice((0, 1, 1, 2, 2, 3))))
        member_list.append(
            Member(
                id=f"m{i + 1:06d}",
                name=person_name(rng),
                branch_id=branch.id,
                joined_on=joined,
                left_on=left,
                skills=skills,
                phone=f"13{rng.randrange(5, 10)}{rng.randrange(10**8):08d}",
                community=rng.choice(COMMUNITIES),
                insured_until=last_day(year, extra.randrange(4, 10)) if i in lapsing else date(year, 12, 31),
            )
        )

    # one team per branch, except the last branch (so branch.team has something to find)
    in_branch: dict[str, list[str]] = {}
    for member in member_list:
        in_branch.setdefault(member.branch_id, []).append(member.id)
    teams = tuple(
        Team(
            id=f"t{b.id[1:]}",
            branch_id=b.id,
            name=f"{b.name[:-3]}志愿服务队",
            member_ids=frozenset(in_branch.get(b.id, ())),
        )
        for b in branch_list[: max(1, branches - 1)]
    )
    team_of = {t.branch_id: t.id for t in teams}

    units = tuple(
        PartnerUnit(id=f"u{i + 1:03d}", name=unit, kind=kind) for i, (unit, kind) in enumerate(UNITS)
    )
    joint_unit = PartnerUnit(id="u-joint", name="霞林社区", kind=UnitKind.COMMUNITY)  # 支部联合's target
    if branches >= 2:
        units = (*units, joint_unit)
    beneficiaries = tuple(beneficiary(rng, i, year) for i in range(max(8, branches * 2)))

    activities: list[Activity] = []
    festival_days = [f.on for f in calendar.festivals(year) if f.key in calendar.FUJIAN_FESTIVALS]
    for b in branch_list:
        n = int(b.id[1:])
        for month in range(1, 13):
            for half, days in enumerate(((3, 14), (15, 27))):
                activities.append(
                    Activity(
                        id=f"a{n:04d}-cs{month:02d}{half}",
                        kind=ActivityKind.COMMUNITY_SERVICE,
                        branch_id=b.id,
                        on=date(year, month, rng.randrange(*days)),
                        title=f"{month}月社区志愿服务",
                        summary="已总结",
                    )
                )
        for k, month in enumerate((3, 6, 8, 11)):
            activities.append(
                Activity(
                    id=f"a{n:04d}-ph{k}",
                    kind=ActivityKind.PRACTICAL_HELP if k % 2 else ActivityKind.TRAINING,
                    branch_id=b.id,
                    on=date(year, month, rng.randrange(1, 28)),
                    title="我为困难群众办实事" if k % 2 else "志愿服务技能培训",
                    pairing_id=f"p{n:04d}" if k == 3 else None,  # 办实事 for the pairing's target
                )
            )
        for k, month in enumerate((4, 9)):
            activities.append(
                Activity(
                    id=f"a{n:04d}-pa{k}",
                    kind=ActivityKind.PAIRING,
                    branch_id=b.id,
                    on=date(year, month, rng.randrange(1, 28)),
                    title="结对帮扶走访慰问",
                    pairing_id=f"p{n:04d}",
                    summary="走访慰问困难群众",
                )
            )
        festival = rng.choice(festival_days)
        shift = rng.randrange(-3, 4) if rng.random() < 0.9 else 20  # now and then, far from any festival
        activities.append(
            Activity(
                id=f"a{n:04d}-fe",
                kind=ActivityKind.FESTIVAL,
                branch_id=b.id,
                on=min(max(festival + timedelta(days=shift), start), date(year, 12, 31)),
                title="我和帮扶对象同过节",
                pairing_id=f"p{n:04d}",  # 同过节 with the pairing's target
            )
        )
        activities.append(
            Activity(
                id=f"a{n:04d}-ca",
                kind=ActivityKind.CARING_ACTION,
                branch_id=b.id,
                # co-organised with the next branch (every other branch)
                branch_ids={branch_list[n % branches].id} if n % 2 else (),
                on=date(year, rng.randrange(1, 13), 10),
                title="奉献爱心捐款捐物",
            )
        )
        if b.id in team_of and rng.random() < 0.85:
            campaign_day = date(year, rng.randrange(3, 12), 20)
            activities.append(
                Activity(
                    id=f"a{n:04d}-tc",
                    kind=ActivityKind.TEAM_CAMPAIGN,
                    branch_id=b.id,
                    on=campaign_day,
                    until=campaign_day + timedelta(days=1),  # two days
                    title="志愿服务队集中服务日",
                    team_id=team_of[b.id],
                )
            )

    pairings: list[Pairing] = []
    for b in branch_list:
        n = int(b.id[1:])
        target = units[n % len(units)].id if n % 3 else beneficiaries[n % len(beneficiaries)].id
        pairings.append(
            Pairing(
                id=f"p{n:04d}",
                branch_ids=frozenset({b.id}),
                target_id=target,
                mode=PairingMode.SOLO,
                period=DateRange(date(year - 1, 3, 1)),
                measures="定期走访、节日慰问",
            )
        )

    if branches >= 2:  # 支部联合: the first two branches pair a unit together, entered under the first
        first, second = branch_list[0].id, branch_list[1].id
        pairings.append(
            Pairing(
                id="p-joint",
                branch_ids=frozenset({first, second}),
                target_id=joint_unit.id,
                mode=PairingMode.JOINT_BRANCHES,
                period=DateRange(date(year - 1, 9, 1)),
                measures="两支部联合结对共建",
            )
        )
        for k, month in enumerate((5, 10)):
            activities.append(
                Activity(
                    id=f"a-joint-{k}",
                    kind=ActivityKind.PAIRING,
                    branch_id=first,
                    on=date(year, month, 16),
                    title="支部联合结对共建活动",
                    pairing_id="p-joint",
                    summary="两支部联合开展",
                )
            )
    if branches >= 2:  # a genuine 多头结对: the last branch also pairs the first branch's target
        pairings.append(
            Pairing(
                id="p-extra",
                branch_ids=frozenset({branch_list[-1].id}),
                target_id=pairings[0].target_id,
                mode=PairingMode.SOLO,
                period=DateRange(date(year, 6, 1), date(year, 12, 31)),
                measures="另行结对",
            )
        )
    # last, so that every member's records of the activities above are drawn as before
    activities.extend(_first_aid(year, branch_list))
    helpers = supporters(extra)
    wish_list = wishes(rng, year, beneficiaries, member_list, helpers, extra=extra)
    plans = tuple(
        BranchPlan(
            id=f"plan{b.id}",
            branch_id=b.id,
            year=year,
            submitted_on=date(year, 5, rng.choice((5, 10, 12, 15, 15, 20))),
            items=(
                PlanItem(line=PlanLine.PAIRING, target="结对单位", measures="走访慰问", scheduled="全年"),
            ),
        )
        for b in branch_list
        if rng.random() < 0.9
    )
    reports = tuple(
        HalfYearReport(
            id=f"rep{b.id}-{half}",
            branch_id=b.id,
            year=year,
            half=half,
            # on the half-year's last day: on time (branch.report_due), not early (branch.report_premature)
            submitted_on=date(year, 6, 30) if half == 1 else date(year, 12, 31),
            summary="活动开展情况",
        )
        for b in branch_list
        for half in (1, 2)
        if rng.random() < 0.92
    )
    return SyntheticYear(
        year=year,
        seed=seed,
        branches=branch_list,
        members=tuple(member_list),
        teams=teams,
        beneficiaries=beneficiaries,
        units=units,
        pairings=tuple(pairings),
        activities=tuple(activities),
        wishes=wish_list,
        plans=plans,
        reports=reports,
        organisations=organisations,
        supporters=helpers,
    )


def _first_aid(year: int, branches: tuple[Branch, ...]) -> list[Activity]:
    """A first-aid training of every branch (led by the first, co-organised by the others) granting
    急救 for 36 months, then a duty that requires it: only members trained before it serve on it."""
    if not branches:
        return []
    lead, others = branches[0].id, frozenset(b.id for b in branches[1:])
    return [
        Activity(
            id="a-firstaid-training",
            kind=ActivityKind.TRAINING,
            branch_id=lead,
            branch_ids=others,
            on=date(year, 3, 18),
            title="应急救护技能培训",
            grants=frozenset({FIRST_AID}),
            grants_valid_months=36,
            summary="红十字会讲师授课，考核合格",
        ),
        Activity(
            id="a-firstaid-duty",
            kind=ActivityKind.OTHER,
            branch_id=lead,
            branch_ids=others,
            on=date(year, 10, 25),
            title="城市马拉松医疗急救保障",
            requires=frozenset({FIRST_AID}),
            summary="赛道沿线急救保障",
        ),
    ]
