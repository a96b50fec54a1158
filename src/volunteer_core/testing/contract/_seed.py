"""The contract's data: the fixed world every test starts from, one sample entity per aggregate, and the
drawn entities of the round trips and of the state machine's small pools of ids.

Everything here is keyed by the aggregates' names (the rows of :data:`volunteer_core.aggregates.AGGREGATES`);
the areas of the contract read the table and look their data up here. Adding an aggregate to the table
means adding, here, its entities to :func:`fixed_world`, its sample to :func:`make_sample`, a change to
:data:`CHANGES`, its strategies to :func:`round_trip_entities` and :func:`pool_entities`, and its ids to
:data:`POOLS` — the rest of the contract follows.

>>> from volunteer_core.aggregates import AGGREGATES
>>> names = [aggregate.name for aggregate in AGGREGATES]
>>> names == list(CHANGES) == list(POOLS)
True
>>> [type(make_sample(name, "x-1")) for name in names] == [aggregate.entity for aggregate in AGGREGATES]
True
>>> sorted({name for name, _ in fixed_world()}) == sorted(names)
True
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, Final

import attrs
from hypothesis import strategies as st

from volunteer_core.calendar.dates import DateRange
from volunteer_core.model import (
    Activity,
    ActivityKind,
    Beneficiary,
    BeneficiaryCategory,
    Branch,
    BranchPlan,
    Demand,
    HalfYearReport,
    Member,
    Organisation,
    OrganisationKind,
    Pairing,
    PairingMode,
    PartnerUnit,
    PlanItem,
    PlanLine,
    Qualification,
    RecordStatus,
    ServiceRecord,
    Supporter,
    SupporterKind,
    Team,
    UnitKind,
    Wish,
    WishKind,
)
from volunteer_core.testing import strategies as vcst

__all__ = [
    "BOUNDARY_DAYS",
    "CHANGES",
    "DAY",
    "KEYS",
    "MISSING",
    "ORGANISER",
    "POOLS",
    "REFS",
    "YEARS",
    "fixed_world",
    "make_activity",
    "make_changed",
    "make_claimed_wish",
    "make_collected_wish",
    "make_dangling",
    "make_member",
    "make_pairing",
    "make_pending",
    "make_plan",
    "make_qualification",
    "make_record",
    "make_report",
    "make_sample",
    "pool_entities",
    "round_trip_entities",
]

# ---------------------------------------------------------------------------------------------------------
# a small fixed world, and one sample per aggregate

#: An id no test stores: a dangling reference, a missing entity.
MISSING: Final = "zz-missing"
#: The day of the fixed world's activity and record.
DAY: Final = date(2026, 3, 5)


def fixed_world() -> list[tuple[str, Any]]:
    """The fixed world every test starts from: one or two entities per repository, references resolved.

    >>> fixed_world()[2]
    ('branches', Branch(id='b-1', name='办公室党支部', organisation_id='o-2', version=0))
    """
    return [
        ("organisations", Organisation(id="o-1", name="市直机关工委", kind=OrganisationKind.WORK_COMMITTEE)),
        (
            "organisations",
            Organisation(id="o-2", name="市民政局", kind=OrganisationKind.UNIT, parent_id="o-1"),
        ),
        ("branches", Branch(id="b-1", name="办公室党支部", organisation_id="o-2")),
        ("branches", Branch(id="b-2", name="人事处党支部")),
        ("members", make_member("m-1", "b-1")),
        ("members", make_member("m-2", "b-2")),
        ("teams", Team(id="t-1", branch_id="b-1", name="先锋志愿服务队", member_ids=frozenset({"m-1"}))),
        (
            "beneficiaries",
            Beneficiary(id="bf-1", name="陈秀英", category=BeneficiaryCategory.ELDERLY, community="凤山社区"),
        ),
        ("units", PartnerUnit(id="u-1", name="城厢区敬老院", kind=UnitKind.NURSING_HOME)),
        ("pairings", make_pairing("pr-1", "u-1", date(2025, 1, 1))),
        ("activities", make_activity("a-1")),
        ("records", make_record("r-1", DAY, minutes=120)),
        ("qualifications", make_qualification("q-1")),
        ("supporters", Supporter(id="s-1", name="林爱心", kind=SupporterKind.CARING_PERSON)),
        ("wishes", make_collected_wish("w-1")),
        ("demands", Demand(id="d-1", community="凤山社区", content="上门理发", ordered_on=date(2026, 3, 1))),
        ("plans", make_plan("pl-1", "b-1", 2026, date(2026, 3, 1))),
        ("reports", make_report("hr-1", "b-1", 2026, 1, date(2026, 6, 30))),
    ]


def make_member(member_id: str, branch_id: str, *, left_on: date | None = None) -> Member:
    """A member of ``branch_id`` (joined 2020; ``left_on`` when given).

    >>> make_member("m-9", "b-1").joined_on
    datetime.date(2020, 1, 1)
    """
    return Member(
        id=member_id,
        name="王伟",
        branch_id=branch_id,
        joined_on=date(2020, 1, 1),
        left_on=left_on,
        skills=frozenset({"急救"}),
    )


def make_qualification(qualification_id: str, *, member_id: str = "m-1") -> Qualification:
    """A 急救 qualification of ``member_id`` earned at the training ``a-1`` (valid 2026-03-05 … 2029-03-04).

    >>> make_qualification("q-9").is_valid_on(date(2029, 3, 4))
    True
    """
    return Qualification(
        id=qualification_id,
        member_id=member_id,
        name="急救",
        earned_on=DAY,
        expires_on=date(2029, 3, 4),
        activity_id="a-1",
    )


def make_pairing(pairing_id: str, target_id: str, start: date, end: date | None = None) -> Pairing:
    """A pairing of ``b-1`` alone with ``target_id`` from ``start`` (open-ended unless ``end``).

    >>> make_pairing("pr-9", "u-1", date(2026, 1, 1)).branch_ids
    frozenset({'b-1'})
    """
    return Pairing(
        id=pairing_id,
        branch_ids=frozenset({"b-1"}),
        target_id=target_id,
        mode=PairingMode.SOLO,
        period=DateRange(start, end),
    )


def make_activity(activity_id: str, on: date = DAY) -> Activity:
    """A pairing visit of ``b-1`` by team ``t-1`` within pairing ``pr-1``, on ``on``.

    >>> make_activity("a-9").on
    datetime.date(2026, 3, 5)
    """
    return Activity(
        id=activity_id,
        kind=ActivityKind.PAIRING,
        branch_id="b-1",
        on=on,
        title="结对帮扶走访",
        team_id="t-1",
        pairing_id="pr-1",
    )


def make_record(record_id: str, on: date, *, member_id: str = "m-1", minutes: int = 60) -> ServiceRecord:
    """A confirmed record of ``member_id`` at activity ``a-1``, dated ``on``.

    >>> make_record("r-9", DAY, minutes=30).minutes
    30
    """
    return ServiceRecord(
        id=record_id,
        member_id=member_id,
        activity_id="a-1",
        branch_id="b-1",
        kind=ActivityKind.PAIRING,
        on=on,
        minutes=minutes,
    )


def make_pending(record_id: str, on: date, *, member_id: str = "m-1", minutes: int = 60) -> ServiceRecord:
    """A PENDING record (self-reported, awaiting its decision) of ``member_id`` at ``a-1``, dated ``on``.

    >>> make_pending("r-9", DAY).confirm(by=ORGANISER, on=DAY).status.value
    'confirmed'
    """
    return attrs.evolve(
        make_record(record_id, on, member_id=member_id, minutes=minutes), status=RecordStatus.PENDING
    )


def make_collected_wish(wish_id: str, *, value: str | None = None) -> Wish:
    """A collected wish of ``bf-1``: a service, or a material wish of ``value``.

    >>> make_collected_wish("w-9", value="200.00").kind.value
    'material'
    """
    return Wish(
        id=wish_id,
        beneficiary_id="bf-1",
        kind=WishKind.SERVICE if value is None else WishKind.MATERIAL,
        content="上门理发" if value is None else "电饭煲",
        collected_on=date(2026, 3, 1),
        value=value,
    )


def make_claimed_wish(wish_id: str, member_ids: Iterable[str]) -> Wish:
    """A material wish claimed by ``member_ids`` (the last one pledges what remains).

    >>> [c.member_id for c in make_claimed_wish("w-9", ("m-1", "m-2")).claims]
    ['m-1', 'm-2']
    """
    day = date(2026, 3, 2)
    wish = make_collected_wish(wish_id, value="200.00").screen(True, day).publish(day)
    members = list(member_ids)
    for index, member_id in enumerate(members):
        wish = wish.claim(member_id, day, pledged=None if index == len(members) - 1 else "50.00")
    return wish


def make_plan(plan_id: str, branch_id: str, year: int, submitted_on: date) -> BranchPlan:
    """A plan of ``branch_id`` for ``year`` with two items.

    >>> len(make_plan("pl-9", "b-1", 2026, date(2026, 1, 5)).items)
    2
    """
    return BranchPlan(
        id=plan_id,
        branch_id=branch_id,
        year=year,
        submitted_on=submitted_on,
        items=(
            PlanItem(line=PlanLine.PAIRING, target="城厢区敬老院", measures="定期走访", scheduled="每季度"),
            PlanItem(
                line=PlanLine.FESTIVAL,
                target="凤山幸福家园",
                measures="中秋送月饼",
                scheduled="9月中秋前",
                mode=PairingMode.JOINT_BRANCHES,
            ),
        ),
    )


def make_report(report_id: str, branch_id: str, year: int, half: int, submitted_on: date) -> HalfYearReport:
    """A half-year report of ``branch_id``.

    >>> make_report("hr-9", "b-1", 2026, 2, date(2026, 12, 1)).half
    2
    """
    return HalfYearReport(
        id=report_id, branch_id=branch_id, year=year, half=half, submitted_on=submitted_on, summary="小结"
    )


def make_sample(repo: str, entity_id: str) -> Any:
    """A valid entity for ``repo`` whose references name the seeded world (a wish with claims, a plan
    with items, a PENDING record: the one kind of record an update may change, by its decision).

    >>> make_sample("teams", "t-9").member_ids == {"m-1", "m-2"}
    True
    >>> make_sample("records", "r-9").status.value
    'pending'
    """
    makers: dict[str, Callable[[str], Any]] = {
        "organisations": lambda i: Organisation(
            id=i, name="市民政局机关党委", kind=OrganisationKind.ORGAN_PARTY_COMMITTEE, parent_id="o-1"
        ),
        "branches": lambda i: Branch(id=i, name="财务处党支部", organisation_id="o-2"),
        "members": lambda i: make_member(i, "b-1"),
        "teams": lambda i: Team(
            id=i, branch_id="b-1", name="邻里守望服务队", member_ids=frozenset({"m-1", "m-2"})
        ),
        "beneficiaries": lambda i: Beneficiary(
            id=i,
            name="林建国",
            category=BeneficiaryCategory.DISABLED,
            community="龙桥社区",
            address="福建省莆田市城厢区龙桥街道龙桥社区3号楼2单元301",
            subtypes=frozenset({"肢体"}),
        ),
        "units": lambda i: PartnerUnit(id=i, name="莆田市特殊教育学校", kind=UnitKind.SPECIAL_SCHOOL),
        "pairings": lambda i: make_pairing(i, "bf-1", date(2026, 1, 1), date(2026, 12, 31)),
        "activities": make_activity,
        "records": lambda i: make_pending(i, DAY),
        "qualifications": make_qualification,
        "supporters": lambda i: Supporter(
            id=i, name="凤山慈善会", kind=SupporterKind.SOCIAL_ORGANISATION, contact="13912344859"
        ),
        "wishes": lambda i: make_claimed_wish(i, ("m-1", "m-2")),
        "demands": lambda i: Demand(
            id=i, community="东园社区", content="修理水管", ordered_on=date(2026, 3, 2)
        ),
        "plans": lambda i: make_plan(i, "b-1", 2026, date(2026, 2, 1)),
        "reports": lambda i: make_report(i, "b-1", 2026, 2, date(2026, 12, 20)),
    }
    return makers[repo](entity_id)


#: The organiser who decides the records of the tests (not their member, ``m-1``).
ORGANISER: Final = "m-2"

#: A change of one plain field per repository, for the update tests; for the ledger, the one change a
#: stored record takes (``ledger.append_only``): a PENDING record's decision.
CHANGES: Final[dict[str, dict[str, Any]]] = {
    "organisations": {"name": "市民政局党组"},
    "branches": {"name": "改名后的党支部"},
    "members": {"name": "王伟伟"},
    "teams": {"name": "红马甲志愿服务队"},
    "beneficiaries": {"name": "林建华"},
    "units": {"name": "阳光养老院"},
    "pairings": {"measures": "每月走访一次"},
    "activities": {"summary": "已开展，效果良好"},
    "records": {"status": RecordStatus.CONFIRMED, "decided_by": ORGANISER, "decided_on": date(2026, 3, 6)},
    "qualifications": {"expires_on": date(2030, 3, 4)},
    "supporters": {"name": "凤山社区慈善会"},
    "wishes": {"evidence": "残疾证"},
    "demands": {"content": "疏通下水道"},
    "plans": {"submitted_on": date(2026, 4, 1)},
    "reports": {"summary": "全年工作小结"},
}


def make_changed(repo: str, entity: Any) -> Any:
    """``entity`` of ``repo`` with the change of :data:`CHANGES` applied.

    >>> make_changed("members", make_member("m-9", "b-1")).name
    '王伟伟'
    """
    return attrs.evolve(entity, **CHANGES[repo])


def make_dangling(repo: str, field: str, entity_id: str) -> Any:
    """A sample of ``repo`` whose reference ``field`` (a field of the table of aggregates: ``"branch_id"``,
    ``"claims[].member_id"``) names nothing stored (:data:`MISSING`).

    >>> make_dangling("wishes", "claims[].member_id", "w-9").claims[0].member_id
    'zz-missing'
    """
    if field == "claims[].member_id":
        return make_claimed_wish(entity_id, (MISSING,))
    if field == "claims[].supporter_id":
        wish = make_claimed_wish(entity_id, ("m-1",))
        claim = attrs.evolve(wish.claims[0], member_id=None, supporter_id=MISSING)
        return attrs.evolve(wish, claims=(claim,))
    base = make_sample(repo, entity_id)
    if repo == "records" and field == "reverses":
        return attrs.evolve(base, reverses=MISSING, minutes=-base.minutes)
    return attrs.evolve(base, **{field: MISSING})


# ---------------------------------------------------------------------------------------------------------
# strategies: entities pinned to the seeded world (round trips) and to small id pools (the state machine)

_SEEDED_BRANCHES: Final = ("b-1", "b-2")
_SEEDED_MEMBERS: Final = ("m-1", "m-2")


def round_trip_entities(repo: str) -> st.SearchStrategy[Any]:
    """Valid entities of ``repo`` (fresh ids ``x-…``) whose references name the seeded world.

    >>> isinstance(round_trip_entities("records"), st.SearchStrategy)
    True
    """
    fresh = [f"x-{n}" for n in range(1, 100)]
    if repo == "records":
        seeded_activity = make_activity("a-1")
        plain = vcst.service_records(
            id=fresh, activity=seeded_activity, member_id=_SEEDED_MEMBERS, status=None
        )
        reversal = st.builds(
            lambda new_id, days: make_record("r-1", DAY, minutes=120).reversal(
                id=new_id, recorded_on=date.fromordinal(DAY.toordinal() + days)
            ),
            st.sampled_from(fresh),
            st.integers(0, 30),
        )
        return plain | reversal
    strategies: dict[str, st.SearchStrategy[Any]] = {
        "organisations": vcst.organisations(id=fresh, parent_id=("o-1", "o-2")),
        "branches": vcst.branches(id=fresh),
        "members": vcst.members(branch_id=_SEEDED_BRANCHES, id=fresh),
        "teams": vcst.teams(branch_id=_SEEDED_BRANCHES, id=fresh, member_ids=_SEEDED_MEMBERS),
        "beneficiaries": vcst.beneficiaries(id=fresh),
        "units": vcst.partner_units(id=fresh),
        "pairings": vcst.pairings(
            id=fresh, target_ids=("u-1", "bf-1"), branch_ids=_SEEDED_BRANCHES, member_ids=_SEEDED_MEMBERS
        ),
        "activities": vcst.activities(id=fresh, branch_id=_SEEDED_BRANCHES, team_id="t-1", pairing_id="pr-1"),
        "qualifications": vcst.qualifications(id=fresh, member_id=_SEEDED_MEMBERS, activity_id="a-1"),
        "supporters": vcst.supporters(id=fresh),
        "wishes": vcst.wishes(id=fresh, beneficiary_id="bf-1", member_ids=_SEEDED_MEMBERS),
        "demands": vcst.demands(id=fresh, member_id=_SEEDED_MEMBERS, team_id="t-1", activity_id="a-1"),
        "plans": vcst.branch_plans(id=fresh, branch_id=_SEEDED_BRANCHES),
        "reports": vcst.half_year_reports(id=fresh, branch_id=_SEEDED_BRANCHES),
    }
    return strategies[repo]


#: The ids the state machine draws from: small pools, so duplicates and dangling references happen.
POOLS: Final[dict[str, tuple[str, ...]]] = {
    "organisations": ("o-1", "o-2", "o-3"),
    "branches": ("b-1", "b-2", "b-3"),
    "members": ("m-1", "m-2", "m-3", "m-4", "m-5"),
    "teams": ("t-1", "t-2", "t-3"),
    "beneficiaries": ("bf-1", "bf-2", "bf-3"),
    "units": ("u-1", "u-2", "u-3"),
    "pairings": ("pr-1", "pr-2", "pr-3", "pr-4", "pr-5", "pr-6"),
    "activities": ("a-1", "a-2", "a-3", "a-4"),
    "records": ("r-1", "r-2", "r-3", "r-4", "r-5", "r-6"),
    "qualifications": ("q-1", "q-2", "q-3"),
    "supporters": ("s-1", "s-2"),
    "wishes": ("w-1", "w-2", "w-3", "w-4", "w-5", "w-6"),
    "demands": ("d-1", "d-2", "d-3"),
    "plans": ("pl-1", "pl-2"),
    "reports": ("hr-1", "hr-2"),
}
#: The ids references are drawn from: the pools, weighted towards their first id (always stored).
REFS: Final[dict[str, tuple[str, ...]]] = {name: (pool[0],) * 3 + pool for name, pool in POOLS.items()}
KEYS: Final = ("k-1", "k-2", "k-3")
YEARS: Final = (2025, 2026, 2027)
#: Ledger dates on both sides of the year boundaries.
BOUNDARY_DAYS: Final = (
    date(2025, 12, 31),
    date(2026, 1, 1),
    date(2026, 3, 5),
    date(2026, 7, 1),
    date(2026, 12, 31),
    date(2027, 1, 1),
)


def _on_boundary(draw: st.DrawFn, record: ServiceRecord) -> dict[str, Any]:
    on = draw(st.sampled_from(BOUNDARY_DAYS))
    recorded = None if record.recorded_on is None else max(record.recorded_on, on)
    return {"on": on, "recorded_on": recorded}


@st.composite
def _pool_records(draw: st.DrawFn, pools: dict[str, tuple[str, ...]]) -> ServiceRecord:
    activity = vcst.activities(
        id=REFS["activities"],
        branch_id=REFS["branches"],
        kind=[k for k in ActivityKind if k is not ActivityKind.FESTIVAL],
        min_on=date(2025, 12, 1),
        max_on=date(2027, 1, 31),
    )
    record = draw(
        vcst.service_records(id=pools["records"], activity=activity, member_id=REFS["members"], status=None)
    )
    changes = _on_boundary(draw, record)
    shape = draw(st.sampled_from(("plain", "plain", "reversal", "adjustment")))
    target = draw(st.sampled_from(REFS["records"]))
    if shape == "reversal" and target != record.id:
        changes.update(reverses=target, minutes=-record.minutes)
    elif shape == "adjustment":
        changes.update(adjusts=target)
    return attrs.evolve(record, **changes)


@st.composite
def _pool_activities(draw: st.DrawFn, pools: dict[str, tuple[str, ...]]) -> Activity:
    activity = draw(
        vcst.activities(
            id=pools["activities"],
            branch_id=REFS["branches"],
            team_id=REFS["teams"],
            pairing_id=REFS["pairings"],
            kind=[k for k in ActivityKind if k is not ActivityKind.FESTIVAL],
            min_on=date(2025, 12, 1),
            max_on=date(2027, 1, 31),
        )
    )
    team = draw(st.none() | st.sampled_from(REFS["teams"]))
    return attrs.evolve(activity, on=draw(st.sampled_from(BOUNDARY_DAYS)), team_id=team)


def pool_entities(repo: str, pools: dict[str, tuple[str, ...]] = POOLS) -> st.SearchStrategy[Any]:
    """Entities of ``repo`` with ids drawn from ``pools`` and references from :data:`REFS`.

    >>> isinstance(pool_entities("wishes"), st.SearchStrategy)
    True
    """
    years = st.sampled_from(YEARS)
    strategies: dict[str, st.SearchStrategy[Any]] = {
        "organisations": vcst.organisations(id=pools["organisations"], parent_id=REFS["organisations"]),
        "branches": vcst.branches(id=pools["branches"]),
        "members": vcst.members(branch_id=REFS["branches"], id=pools["members"]),
        "teams": vcst.teams(branch_id=REFS["branches"], id=pools["teams"], member_ids=REFS["members"]),
        "beneficiaries": vcst.beneficiaries(id=pools["beneficiaries"]),
        "units": vcst.partner_units(id=pools["units"]),
        "pairings": vcst.pairings(
            id=pools["pairings"],
            target_ids=REFS["units"] + REFS["beneficiaries"],
            branch_ids=REFS["branches"],
            member_ids=REFS["members"],
            min_start=date(2025, 1, 1),
            max_start=date(2027, 1, 1),
        ),
        "activities": _pool_activities(pools),
        "records": _pool_records(pools),
        "qualifications": vcst.qualifications(
            id=pools["qualifications"], member_id=REFS["members"], activity_id=REFS["activities"]
        ),
        "supporters": vcst.supporters(id=pools["supporters"]),
        "wishes": vcst.wishes(
            id=pools["wishes"],
            beneficiary_id=REFS["beneficiaries"],
            member_ids=REFS["members"],
            min_date=date(2026, 1, 1),
            max_date=date(2026, 12, 31),
        ),
        "demands": vcst.demands(
            id=pools["demands"],
            member_id=REFS["members"],
            team_id=REFS["teams"],
            activity_id=REFS["activities"],
            min_on=date(2026, 1, 1),
            max_on=date(2026, 6, 30),
        ),
        "plans": years.flatmap(
            lambda y: vcst.branch_plans(id=pools["plans"], branch_id=REFS["branches"], year=y)
        ),
        "reports": years.flatmap(
            lambda y: vcst.half_year_reports(id=pools["reports"], branch_id=REFS["branches"], year=y)
        ),
    }
    return strategies[repo]
