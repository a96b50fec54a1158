"""A seeded generator of a realistic year of one organ — shared by the demo and the benchmarks.

Members in branches and teams, joiners and leavers mid-year, ~40 records per member with the mix of
kinds a real organ has (community service most months, some missed), a few reversals, pairings with a
few genuine duplicates and one joint pairing of two branches (支部联合, its activities entered under the
first and attended by both), 同过节 and 办实事 activities held for the branch's pairing, caring actions
co-organised with the next branch, team campaigns of two days, wishes in every state, plan tables and
half-year reports (some late, some missing). Everything is deterministic for a seed; records are produced lazily so that a very large
year can be streamed.

This module needs only the standard library and volunteer_core itself (no hypothesis).

>>> world = generate_year(2026, members=40, branches=3, seed=7)
>>> len(world.members), len(world.branches), world.records_per_member > 0
(40, 3, True)
>>> sum(1 for _ in world.iter_records()) == sum(1 for _ in world.iter_records())
True
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
    BeneficiaryCategory,
    Branch,
    BranchPlan,
    HalfYearReport,
    Member,
    Pairing,
    PairingMode,
    PartnerUnit,
    PlanItem,
    PlanLine,
    ServiceRecord,
    Team,
    UnitKind,
    Wish,
    WishKind,
    WishStatus,
)
from volunteer_core.model.wish import Claim
from volunteer_core.ports import UnitOfWork
from volunteer_core.rules.member import organising_branches

if TYPE_CHECKING:
    from volunteer_core import services

__all__ = ["LoadSummary", "SyntheticYear", "generate_year", "record_request"]

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈"
)
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红文斌宇浩凯鹏辉玲婷雪琳晨阳"
_SKILLS = ("急救", "理发", "家电维修", "法律咨询", "心理疏导", "书法", "摄影", "驾驶", "计算机", "医疗保健")
_BRANCH_NAMES = (
    "办公室党支部",
    "政策法规处党支部",
    "社会事务处党支部",
    "财务审计处党支部",
    "信息中心党支部",
    "机关服务中心党支部",
    "人事处党支部",
    "规划发展处党支部",
)
_COMMUNITIES = ("凤山社区", "龙桥社区", "文献社区", "东岩社区", "梅峰社区", "霞林社区")
_UNITS = (
    ("城厢区社会福利院", UnitKind.WELFARE_HOME),
    ("荔城区敬老院", UnitKind.NURSING_HOME),
    ("莆田市特殊教育学校", UnitKind.SPECIAL_SCHOOL),
    ("阳光幸福家园", UnitKind.HAPPY_HOME),
    ("凤山社区", UnitKind.COMMUNITY),
    ("东峤镇珠川村", UnitKind.VILLAGE),
    ("务工人员子女学校", UnitKind.MIGRANT_CHILDREN_SCHOOL),
)
_WISHES = (
    (WishKind.MATERIAL, "一台电饭煲", "180.00"),
    (WishKind.MATERIAL, "冬季棉被两床", "260.00"),
    (WishKind.MATERIAL, "书包和文具", "120.00"),
    (WishKind.MATERIAL, "助听器一副", "300.00"),
    (WishKind.MATERIAL, "轮椅一台", "450.00"),  # over the cap: screened out
    (WishKind.SERVICE, "每周陪伴聊天", None),
    (WishKind.CULTURAL, "学习使用智能手机", None),
    (WishKind.SERVICE, "修理漏水的水管", None),
)


def _id_number(rng: random.Random, born: date) -> str:
    """A syntactically valid GB 11643 number (region 350302, 城厢区) with the right check digit."""
    body = f"350302{born:%Y%m%d}{rng.randrange(100, 1000)}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


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
            yield from _member_records(self, index, member, by_branch.get(member.branch_id, []))

    def records(self) -> list[ServiceRecord]:
        """The whole ledger as a list (small years only)."""
        return list(self.iter_records())

    def load_into(self, uow: UnitOfWork, *, batch_size: int = 1000) -> LoadSummary:
        """Build the year in ``uow`` through the use-cases (never by writing tables directly): master
        data with ``add_entities``, pairings with ``register_pairing`` (a genuine duplicate is refused
        and counted), wishes replayed step by step (collect, screen, publish, claim, withdraw, fulfil,
        cancel), records with ``record_services`` in batches and reversals with ``reverse_service``.
        """
        from volunteer_core import services

        services.add_entities(
            uow,
            [*self.branches, *self.members, *self.teams, *self.beneficiaries, *self.units],
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
            _replay_wish(uow, wish)
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


def _replay_wish(uow: UnitOfWork, wish: Wish) -> None:
    """Reach ``wish``'s state in ``uow`` through the wish use-cases, step by step."""
    from volunteer_core import services

    services.collect_wish(
        uow,
        attrs.evolve(
            wish,
            status=WishStatus.COLLECTED,
            claims=(),
            screened_on=None,
            published_on=None,
            fulfilled_on=None,
            cancelled_on=None,
            reason="",
        ),
    )
    if wish.screened_on is not None:
        approved = wish.status is not WishStatus.REJECTED
        services.screen_wish(uow, wish.id, approved=approved, on=wish.screened_on, reason=wish.reason)
    if wish.published_on is not None:
        services.publish_wish(uow, wish.id, on=wish.published_on)
    steps: list[tuple[date, int, Claim]] = []
    for claim in wish.claims:
        steps.append((claim.claimed_on, 0, claim))
        if claim.withdrawn_on is not None and wish.status is not WishStatus.CANCELLED:
            steps.append((claim.withdrawn_on, 1, claim))
    for on, step, claim in sorted(steps, key=lambda s: (s[0], s[1])):
        if step == 0:
            services.claim_wish(uow, wish.id, claim.member_id, on=on, pledged=claim.pledged)
        else:
            services.withdraw_claim(uow, wish.id, claim.member_id, on=on)
    if wish.fulfilled_on is not None:
        services.fulfil_wish(uow, wish.id, on=wish.fulfilled_on)
    if wish.cancelled_on is not None:
        services.cancel_wish(uow, wish.id, on=wish.cancelled_on, reason=wish.reason)


def _member_records(
    world: SyntheticYear, index: int, member: Member, own: list[Activity]
) -> Iterator[ServiceRecord]:
    rng = random.Random(world.seed * 1_000_003 + index)
    diligence = rng.random() ** 0.5  # some members serve a lot, some very little
    serial = 0
    for activity in own:
        if not member.is_member_on(activity.on) or not member.is_member_on(activity.last_day):
            continue
        kind = activity.kind
        if kind is ActivityKind.COMMUNITY_SERVICE:
            chance = 0.65 + 0.34 * diligence
        elif kind is ActivityKind.PAIRING:
            chance = 0.45 + 0.5 * diligence
        elif kind is ActivityKind.CARING_ACTION:
            chance = 0.5 + 0.45 * diligence
        elif kind is ActivityKind.TEAM_CAMPAIGN:
            chance = 0.6
        else:
            chance = 0.3 + 0.3 * diligence
        if rng.random() >= chance:
            continue
        sessions = 2 if kind is ActivityKind.COMMUNITY_SERVICE and rng.random() < 0.6 else 1
        day = activity.on if activity.until is None else activity.on + timedelta(days=rng.randrange(2))
        for _ in range(sessions):
            serial += 1
            minutes = rng.choice((60, 90, 120, 120, 150, 180, 240))
            late = rng.random() < 0.1
            record = ServiceRecord(
                id=f"r{world.year}-{index}-{serial}",
                member_id=member.id,
                activity_id=activity.id,
                branch_id=activity.branch_id,
                kind=kind,
                on=day,
                minutes=minutes,
                recorded_on=day + timedelta(days=rng.randrange(20, 40) if late else rng.randrange(0, 5)),
            )
            yield record
            if rng.random() < 0.01:  # an entry made in error, reversed a few days later
                serial += 1
                yield record.reversal(
                    id=f"r{world.year}-{index}-{serial}",
                    recorded_on=(record.recorded_on or record.on) + timedelta(days=3),
                )


def _name(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def generate_year(year: int = 2026, *, members: int = 200, branches: int = 6, seed: int = 1) -> SyntheticYear:
    """Build a realistic year for one organ: ``members`` volunteers in ``branches`` branches.

    Args:
        year: the calendar year (1951–2099).
        members: how many members (any size; records are streamed).
        branches: how many branches (members are spread evenly).
        seed: the random seed; the same arguments always give the same year.
    """
    rng = random.Random(seed)
    branch_list = tuple(
        Branch(
            id=f"b{i + 1:04d}",
            name=_BRANCH_NAMES[i % len(_BRANCH_NAMES)] + (f"（{i // 8 + 1}）" if i >= 8 else ""),
        )
        for i in range(branches)
    )
    start = date(year, 1, 1)
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
        skills = frozenset(rng.sample(_SKILLS, rng.choice((0, 1, 1, 2, 2, 3))))
        member_list.append(
            Member(
                id=f"m{i + 1:06d}",
                name=_name(rng),
                branch_id=branch.id,
                joined_on=joined,
                left_on=left,
                skills=skills,
                phone=f"13{rng.randrange(5, 10)}{rng.randrange(10**8):08d}",
                community=rng.choice(_COMMUNITIES),
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
        PartnerUnit(id=f"u{i + 1:03d}", name=name, kind=kind) for i, (name, kind) in enumerate(_UNITS)
    )
    joint_unit = PartnerUnit(id="u-joint", name="霞林社区", kind=UnitKind.COMMUNITY)  # 支部联合's target
    if branches >= 2:
        units = (*units, joint_unit)
    beneficiaries = tuple(_beneficiary(rng, i, year) for i in range(max(8, branches * 2)))

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
    wishes = _wishes(rng, year, beneficiaries, member_list)
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
        wishes=wishes,
        plans=plans,
        reports=reports,
    )


def _beneficiary(rng: random.Random, i: int, year: int) -> Beneficiary:
    category = (
        BeneficiaryCategory.ELDERLY,
        BeneficiaryCategory.CHILD,
        BeneficiaryCategory.DISABLED,
        BeneficiaryCategory.HARDSHIP,
        BeneficiaryCategory.SPECIAL,
    )[i % 5]
    age = {BeneficiaryCategory.ELDERLY: 78, BeneficiaryCategory.CHILD: 9}.get(category, 45) + rng.randrange(
        0, 8
    )
    born = date(year - age, rng.randrange(1, 13), rng.randrange(1, 29))
    community = _COMMUNITIES[i % len(_COMMUNITIES)]
    return Beneficiary(
        id=f"ben{i + 1:04d}",
        name=_name(rng),
        category=category,
        community=community,
        id_number=_id_number(rng, born),
        phone=f"159{rng.randrange(10**8):08d}",
        address=f"福建省莆田市城厢区{community}{rng.randrange(1, 30)}号楼{rng.randrange(101, 699)}室",
    )


def _wishes(
    rng: random.Random, year: int, beneficiaries: tuple[Beneficiary, ...], members: list[Member]
) -> tuple[Wish, ...]:
    """Wishes in every state, reached through the real transitions."""
    out: list[Wish] = []
    for i, (kind, content, value) in enumerate(_WISHES * 3):
        ben = beneficiaries[i % len(beneficiaries)]
        day = date(year, 5, 1) + timedelta(days=i)
        wish = Wish(
            id=f"w{i + 1:04d}",
            beneficiary_id=ben.id,
            kind=kind,
            content=content,
            collected_on=day,
            value=value,
        )
        stage = i % 8
        if value is not None and int(value.split(".")[0]) > 300:
            wish = wish.screen(False, day + timedelta(days=2), reason="超过300元上限")
        elif stage == 0:
            pass  # still COLLECTED
        elif stage == 1:
            wish = wish.cancel(day + timedelta(days=1), reason="服务对象已搬离")
        elif stage == 2:
            wish = wish.screen(True, day + timedelta(days=2))
        else:
            wish = wish.screen(True, day + timedelta(days=2)).publish(day + timedelta(days=5))
            claimers = rng.sample(members, 3)
            stage -= 1
            if stage >= 3:
                if wish.value is not None and stage >= 5:  # many-to-one: two members share the wish
                    half = wish.value.fen // 2
                    wish = wish.claim(claimers[0].id, day + timedelta(days=6), pledged=_yuan(half))
                    wish = wish.claim(claimers[1].id, day + timedelta(days=7))
                else:
                    wish = wish.claim(claimers[0].id, day + timedelta(days=6))
            if stage == 4:
                wish = wish.withdraw_claim(claimers[0].id, day + timedelta(days=8))
            if stage == 6 or (stage == 5 and i % 2):
                wish = wish.fulfil(day + timedelta(days=20))
        out.append(wish)
    return tuple(out)


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"
