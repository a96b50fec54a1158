"""The contract suite for storage implementations of :mod:`volunteer_core.ports` (仓储契约测试).

An integrator who implements the ports on their own database proves the implementation right by
subclassing :class:`UnitOfWorkContract` in one of their test modules::

    from volunteer_core.testing.contract import UnitOfWorkContract

    class TestMyStorage(UnitOfWorkContract):
        supports_threads = True                 # declare what the storage can do (see below)

        def make_uow(self):
            return MyUnitOfWork(...)            # a unit of work on fresh, empty storage: every call

        def make_sibling(self, uow):            # optional: another unit of work on uow's storage
            return MyUnitOfWork(uow.engine)

Every test of the class is inherited: each repository's documented behaviour (``NotFound``, duplicate
and dangling adds, optimistic updates and their version numbering, ordering, round trips of every
entity), transactions (rollback without commit, an exception inside the block, own writes, re-entry),
every query (``records.in_year`` to the day, ``for_member``, ``by_idempotency_key``, ``reversal_of``,
``members.in_branch``, ``pairings.for_target``, ``wishes.with_status``, ``plans.for_branch``,
``reports.for_branch``, ``locks``), concurrency between units of work, and a hypothesis state machine
(:class:`StorageComparison`) that applies random operations — repository calls and the use-cases of
:mod:`volunteer_core.services` — to the storage and to the reference implementation
:class:`~volunteer_core.storage.memory.InMemoryUnitOfWork` side by side, and requires every observable
result to agree.

Capabilities a storage may lack are class attributes (:data:`CAPABILITIES`); the tests that need a
missing one are reported as skipped, naming the capability — never passed silently.

Hypothesis settings come from the profile ``volunteer_core.default`` (fast: the whole contract runs
in seconds on in-memory storage); ``VOLUNTEER_CORE_CONTRACT_PROFILE=thorough`` selects
``volunteer_core.thorough``, and any other value names a profile you registered with hypothesis.

For readable assertion failures, have pytest rewrite this module's asserts before it is imported:
``pytest.register_assert_rewrite("volunteer_core.testing.contract")`` (in your ``conftest.py``).

>>> UnitOfWorkContract.__test__
False
>>> sorted(CAPABILITIES)
['supports_multiprocess', 'supports_serializable', 'supports_siblings', 'supports_threads']
"""

from __future__ import annotations

import dataclasses
import functools
import multiprocessing
import os
import pickle
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import date
from typing import Any, ClassVar, Final, cast

import attrs
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from volunteer_core import compliance, services
from volunteer_core.dates import DateRange
from volunteer_core.errors import (
    ConcurrencyConflict,
    InvalidInput,
    NotFound,
    RuleViolation,
    StorageError,
    VolunteerError,
)
from volunteer_core.model import (
    Activity,
    ActivityKind,
    Beneficiary,
    BeneficiaryCategory,
    Branch,
    BranchPlan,
    Demand,
    DemandStatus,
    HalfYearReport,
    Member,
    Pairing,
    PairingMode,
    PartnerUnit,
    PlanItem,
    PlanLine,
    RecordStatus,
    ServiceRecord,
    Team,
    UnitKind,
    Wish,
    WishKind,
    WishStatus,
)
from volunteer_core.ports import (
    REFERENCES,
    ActivityRepository,
    BeneficiaryRepository,
    BranchRepository,
    DemandRepository,
    LockRepository,
    MemberRepository,
    PairingRepository,
    PartnerUnitRepository,
    PlanRepository,
    RecordRepository,
    ReportRepository,
    TeamRepository,
    UnitOfWork,
    WishRepository,
)
from volunteer_core.storage.memory import InMemoryUnitOfWork
from volunteer_core.testing import strategies as vcst

__all__ = [
    "CAPABILITIES",
    "DEFAULT_PROFILE",
    "PROFILE_ENV",
    "REPOSITORIES",
    "THOROUGH_PROFILE",
    "StorageComparison",
    "UnitOfWorkContract",
    "capability_report",
    "contract_settings",
]

# ---------------------------------------------------------------------------------------------------------
# settings

#: The environment variable that selects the hypothesis profile of the contract.
PROFILE_ENV: Final = "VOLUNTEER_CORE_CONTRACT_PROFILE"
#: The profile used by default: the whole contract in seconds on in-memory storage.
DEFAULT_PROFILE: Final = "volunteer_core.default"
#: The longer profile (``VOLUNTEER_CORE_CONTRACT_PROFILE=thorough``): for nightly runs and new storages.
THOROUGH_PROFILE: Final = "volunteer_core.thorough"

settings.register_profile(
    DEFAULT_PROFILE,
    max_examples=25,
    stateful_step_count=30,
    deadline=None,
    print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],  # no explain: slow
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.register_profile(
    THOROUGH_PROFILE,
    parent=settings.get_profile(DEFAULT_PROFILE),
    max_examples=300,
    stateful_step_count=60,
)


def contract_settings() -> settings:
    """The hypothesis settings of the contract: the profile named by ``VOLUNTEER_CORE_CONTRACT_PROFILE``
    (``default``, ``thorough`` or the name of any registered profile), else ``volunteer_core.default``.

    >>> contract_settings().deadline is None
    True
    """
    name = os.environ.get(PROFILE_ENV, "").strip() or "default"
    full = {"default": DEFAULT_PROFILE, "thorough": THOROUGH_PROFILE}.get(name, name)
    try:
        return settings.get_profile(full)
    except InvalidArgument:
        raise ValueError(
            f"{PROFILE_ENV}={name!r} names no hypothesis profile: use 'default', 'thorough' or the name "
            "of a profile registered with hypothesis.settings.register_profile"
        ) from None


# ---------------------------------------------------------------------------------------------------------
# capabilities

#: Every capability a storage may declare (a class attribute of the contract), and what it unlocks.
CAPABILITIES: Final[dict[str, str]] = {
    "supports_siblings": (
        "several units of work on one storage at once — define make_sibling(uow) (derived from it): "
        "isolation of uncommitted writes, committed data visible to others, lost updates and concurrent "
        "duplicate adds detected"
    ),
    "supports_serializable": (
        "commit refuses (ConcurrencyConflict) a transaction whose reads another transaction changed "
        "meanwhile, so two concurrent register_pairing of one target cannot both succeed (needs siblings)"
    ),
    "supports_threads": (
        "units of work on one storage used from several threads at once: concurrent claims of one wish "
        "all land (needs siblings)"
    ),
    "supports_multiprocess": (
        "units of work on one storage in several processes at once — define process_factory(uow), a "
        "picklable callable returning a unit of work on uow's storage: concurrent claims all land"
    ),
}


def capability_report(contract: type[UnitOfWorkContract]) -> str:
    """One line per capability: whether ``contract`` declares it (for ``pytest_report_header``).

    >>> print(capability_report(UnitOfWorkContract).splitlines()[0])
    UnitOfWorkContract: supports_siblings = False
    """
    return "\n".join(
        f"{contract.__name__}: {name} = {bool(getattr(contract, name))}" for name in CAPABILITIES
    )


# ---------------------------------------------------------------------------------------------------------
# a small fixed world, and one sample per repository

#: The repositories of a unit of work, in the order references allow adding them.
REPOSITORIES: Final = (
    "branches",
    "members",
    "teams",
    "beneficiaries",
    "units",
    "pairings",
    "activities",
    "records",
    "wishes",
    "demands",
    "plans",
    "reports",
)
_ABCS: Final[dict[str, type]] = {
    "branches": BranchRepository,
    "members": MemberRepository,
    "teams": TeamRepository,
    "beneficiaries": BeneficiaryRepository,
    "units": PartnerUnitRepository,
    "pairings": PairingRepository,
    "activities": ActivityRepository,
    "records": RecordRepository,
    "wishes": WishRepository,
    "demands": DemandRepository,
    "plans": PlanRepository,
    "reports": ReportRepository,
    "locks": LockRepository,
}
_MISSING: Final = "zz-missing"
_DAY: Final = date(2026, 3, 5)


def _seed() -> list[tuple[str, Any]]:
    """The fixed world every test starts from: one or two entities per repository, references resolved."""
    return [
        ("branches", Branch(id="b-1", name="办公室党支部")),
        ("branches", Branch(id="b-2", name="人事处党支部")),
        ("members", _member("m-1", "b-1")),
        ("members", _member("m-2", "b-2")),
        ("teams", Team(id="t-1", branch_id="b-1", name="先锋志愿服务队", member_ids=frozenset({"m-1"}))),
        (
            "beneficiaries",
            Beneficiary(id="bf-1", name="陈秀英", category=BeneficiaryCategory.ELDERLY, community="凤山社区"),
        ),
        ("units", PartnerUnit(id="u-1", name="城厢区敬老院", kind=UnitKind.NURSING_HOME)),
        ("pairings", _pairing("pr-1", "u-1", date(2025, 1, 1))),
        ("activities", _activity("a-1")),
        ("records", _record("r-1", _DAY, minutes=120)),
        ("wishes", _collected_wish("w-1")),
        ("demands", Demand(id="d-1", community="凤山社区", content="上门理发", ordered_on=date(2026, 3, 1))),
        ("plans", _plan("pl-1", "b-1", 2026, date(2026, 3, 1))),
        ("reports", _report("hr-1", "b-1", 2026, 1, date(2026, 6, 30))),
    ]


def _member(member_id: str, branch_id: str, *, left_on: date | None = None) -> Member:
    return Member(
        id=member_id,
        name="王伟",
        branch_id=branch_id,
        joined_on=date(2020, 1, 1),
        left_on=left_on,
        skills=frozenset({"急救"}),
    )


def _pairing(pairing_id: str, target_id: str, start: date, end: date | None = None) -> Pairing:
    return Pairing(
        id=pairing_id,
        branch_ids=frozenset({"b-1"}),
        target_id=target_id,
        mode=PairingMode.SOLO,
        period=DateRange(start, end),
    )


def _activity(activity_id: str, on: date = _DAY) -> Activity:
    return Activity(
        id=activity_id,
        kind=ActivityKind.PAIRING,
        branch_id="b-1",
        on=on,
        title="结对帮扶走访",
        team_id="t-1",
        pairing_id="pr-1",
    )


def _record(record_id: str, on: date, *, member_id: str = "m-1", minutes: int = 60) -> ServiceRecord:
    return ServiceRecord(
        id=record_id,
        member_id=member_id,
        activity_id="a-1",
        branch_id="b-1",
        kind=ActivityKind.PAIRING,
        on=on,
        minutes=minutes,
    )


def _collected_wish(wish_id: str, *, value: str | None = None) -> Wish:
    return Wish(
        id=wish_id,
        beneficiary_id="bf-1",
        kind=WishKind.SERVICE if value is None else WishKind.MATERIAL,
        content="上门理发" if value is None else "电饭煲",
        collected_on=date(2026, 3, 1),
        value=value,
    )


def _claimed_wish(wish_id: str, member_ids: Iterable[str]) -> Wish:
    """A material wish claimed by ``member_ids`` (the last one pledges what remains)."""
    day = date(2026, 3, 2)
    wish = _collected_wish(wish_id, value="200.00").screen(True, day).publish(day)
    members = list(member_ids)
    for index, member_id in enumerate(members):
        wish = wish.claim(member_id, day, pledged=None if index == len(members) - 1 else "50.00")
    return wish


def _plan(plan_id: str, branch_id: str, year: int, submitted_on: date) -> BranchPlan:
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


def _report(report_id: str, branch_id: str, year: int, half: int, submitted_on: date) -> HalfYearReport:
    return HalfYearReport(
        id=report_id, branch_id=branch_id, year=year, half=half, submitted_on=submitted_on, summary="小结"
    )


def _sample(repo: str, entity_id: str) -> Any:
    """A valid entity for ``repo`` whose references name the seeded world (a wish with claims, a plan
    with items)."""
    makers: dict[str, Callable[[str], Any]] = {
        "branches": lambda i: Branch(id=i, name="财务处党支部"),
        "members": lambda i: _member(i, "b-1"),
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
        "pairings": lambda i: _pairing(i, "bf-1", date(2026, 1, 1), date(2026, 12, 31)),
        "activities": _activity,
        "records": lambda i: _record(i, _DAY),
        "wishes": lambda i: _claimed_wish(i, ("m-1", "m-2")),
        "demands": lambda i: Demand(
            id=i, community="东园社区", content="修理水管", ordered_on=date(2026, 3, 2)
        ),
        "plans": lambda i: _plan(i, "b-1", 2026, date(2026, 2, 1)),
        "reports": lambda i: _report(i, "b-1", 2026, 2, date(2026, 12, 20)),
    }
    return makers[repo](entity_id)


#: A change of one plain field per repository, for the update tests.
_CHANGES: Final[dict[str, dict[str, Any]]] = {
    "branches": {"name": "改名后的党支部"},
    "members": {"name": "王伟伟"},
    "teams": {"name": "红马甲志愿服务队"},
    "beneficiaries": {"name": "林建华"},
    "units": {"name": "阳光养老院"},
    "pairings": {"measures": "每月走访一次"},
    "activities": {"summary": "已开展，效果良好"},
    "records": {"minutes": 90},
    "wishes": {"evidence": "残疾证"},
    "demands": {"content": "疏通下水道"},
    "plans": {"submitted_on": date(2026, 4, 1)},
    "reports": {"summary": "全年工作小结"},
}


def _changed(repo: str, entity: Any) -> Any:
    return attrs.evolve(entity, **_CHANGES[repo])


#: (repository, field path) of every reference a storage must check (:data:`volunteer_core.ports.REFERENCES`).
_DANGLING: Final = tuple(
    [(repo, field) for repo, refs in REFERENCES.items() for field, _ in refs]
    + [("wishes", "claims[0].member_id")]
)


def _dangling(repo: str, field: str, entity_id: str) -> Any:
    """A sample of ``repo`` whose ``field`` names nothing stored."""
    if field.startswith("claims["):
        return _claimed_wish(entity_id, (_MISSING,))
    base = _sample(repo, entity_id)
    if repo == "records" and field == "reverses":
        return attrs.evolve(base, reverses=_MISSING, minutes=-base.minutes)
    return attrs.evolve(base, **{field: _MISSING})


def _repo(uow: UnitOfWork, name: str) -> Any:
    """The repository ``name`` of ``uow`` — or ``uow`` itself for ``"uow"`` (its own queries)."""
    return uow if name == "uow" else getattr(uow, name)


def _store(uow: UnitOfWork, items: Iterable[tuple[str, Any]]) -> None:
    """Add ``items`` in one committed transaction."""
    with uow:
        for repo, entity in items:
            _repo(uow, repo).add(entity)
        uow.commit()


def _read(uow: UnitOfWork, read: Callable[[UnitOfWork], Any]) -> Any:
    """``read(uow)`` in a transaction of its own (rolled back)."""
    with uow:
        return read(uow)


def _ids(entities: Iterable[Any]) -> list[str]:
    return [e.id for e in entities]


# ---------------------------------------------------------------------------------------------------------
# strategies: entities pinned to the seeded world (round trips) and to small id pools (the state machine)

_SEEDED_BRANCHES: Final = ("b-1", "b-2")
_SEEDED_MEMBERS: Final = ("m-1", "m-2")


def _round_trip_entities(repo: str) -> st.SearchStrategy[Any]:
    """Valid entities of ``repo`` (fresh ids ``x-…``) whose references name the seeded world."""
    fresh = [f"x-{n}" for n in range(1, 100)]
    if repo == "records":
        seeded_activity = _activity("a-1")
        plain = vcst.service_records(
            id=fresh, activity=seeded_activity, member_id=_SEEDED_MEMBERS, status=None
        )
        reversal = st.builds(
            lambda new_id, days: _record("r-1", _DAY, minutes=120).reversal(
                id=new_id, recorded_on=date.fromordinal(_DAY.toordinal() + days)
            ),
            st.sampled_from(fresh),
            st.integers(0, 30),
        )
        return plain | reversal
    strategies: dict[str, st.SearchStrategy[Any]] = {
        "branches": vcst.branches(id=fresh),
        "members": vcst.members(branch_id=_SEEDED_BRANCHES, id=fresh),
        "teams": vcst.teams(branch_id=_SEEDED_BRANCHES, id=fresh, member_ids=_SEEDED_MEMBERS),
        "beneficiaries": vcst.beneficiaries(id=fresh),
        "units": vcst.partner_units(id=fresh),
        "pairings": vcst.pairings(
            id=fresh, target_ids=("u-1", "bf-1"), branch_ids=_SEEDED_BRANCHES, member_ids=_SEEDED_MEMBERS
        ),
        "activities": vcst.activities(id=fresh, branch_id=_SEEDED_BRANCHES, team_id="t-1", pairing_id="pr-1"),
        "wishes": vcst.wishes(id=fresh, beneficiary_id="bf-1", member_ids=_SEEDED_MEMBERS),
        "demands": vcst.demands(id=fresh, member_id=_SEEDED_MEMBERS, team_id="t-1", activity_id="a-1"),
        "plans": vcst.branch_plans(id=fresh, branch_id=_SEEDED_BRANCHES),
        "reports": vcst.half_year_reports(id=fresh, branch_id=_SEEDED_BRANCHES),
    }
    return strategies[repo]


#: The ids the state machine draws from: small pools, so duplicates and dangling references happen.
_POOLS: Final[dict[str, tuple[str, ...]]] = {
    "branches": ("b-1", "b-2", "b-3"),
    "members": ("m-1", "m-2", "m-3", "m-4", "m-5"),
    "teams": ("t-1", "t-2", "t-3"),
    "beneficiaries": ("bf-1", "bf-2", "bf-3"),
    "units": ("u-1", "u-2", "u-3"),
    "pairings": ("pr-1", "pr-2", "pr-3", "pr-4", "pr-5", "pr-6"),
    "activities": ("a-1", "a-2", "a-3", "a-4"),
    "records": ("r-1", "r-2", "r-3", "r-4", "r-5", "r-6"),
    "wishes": ("w-1", "w-2", "w-3", "w-4", "w-5", "w-6"),
    "demands": ("d-1", "d-2", "d-3"),
    "plans": ("pl-1", "pl-2"),
    "reports": ("hr-1", "hr-2"),
}
#: The world the state machine starts from: drawn by :func:`volunteer_core.testing.strategies.datasets`
#: (ids ``b-1``, ``m-1``, … within the pools above, so later operations hit stored and missing ids alike).
_WORLDS: Final = vcst.datasets(
    2026, max_branches=2, max_members=4, max_activities=3, max_records=5, max_wishes=3, reversals=True
)
#: The ids references are drawn from: the pools, weighted towards their first id (always stored).
_REFS: Final[dict[str, tuple[str, ...]]] = {name: (pool[0],) * 3 + pool for name, pool in _POOLS.items()}
_KEYS: Final = ("k-1", "k-2", "k-3")
_YEARS: Final = (2025, 2026, 2027)
#: Ledger dates on both sides of the year boundaries.
_BOUNDARY_DAYS: Final = (
    date(2025, 12, 31),
    date(2026, 1, 1),
    date(2026, 3, 5),
    date(2026, 7, 1),
    date(2026, 12, 31),
    date(2027, 1, 1),
)
#: Dates of use-case steps (wish transitions must not go back in time: some of them are refused).
_STEP_DAYS: Final = (date(2026, 3, 10), date(2026, 9, 1), date(2026, 12, 31), date(2027, 2, 1))
_REASONS: Final = ("不符合征集条件", "已由其他渠道解决")


def _on_boundary(draw: st.DrawFn, record: ServiceRecord) -> dict[str, Any]:
    on = draw(st.sampled_from(_BOUNDARY_DAYS))
    recorded = None if record.recorded_on is None else max(record.recorded_on, on)
    return {"on": on, "recorded_on": recorded}


@st.composite
def _pool_records(draw: st.DrawFn, pools: dict[str, tuple[str, ...]]) -> ServiceRecord:
    activity = vcst.activities(
        id=_REFS["activities"],
        branch_id=_REFS["branches"],
        kind=[k for k in ActivityKind if k is not ActivityKind.FESTIVAL],
        min_on=date(2025, 12, 1),
        max_on=date(2027, 1, 31),
    )
    record = draw(
        vcst.service_records(id=pools["records"], activity=activity, member_id=_REFS["members"], status=None)
    )
    changes = _on_boundary(draw, record)
    shape = draw(st.sampled_from(("plain", "plain", "reversal", "adjustment")))
    target = draw(st.sampled_from(_REFS["records"]))
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
            branch_id=_REFS["branches"],
            team_id=_REFS["teams"],
            pairing_id=_REFS["pairings"],
            kind=[k for k in ActivityKind if k is not ActivityKind.FESTIVAL],
            min_on=date(2025, 12, 1),
            max_on=date(2027, 1, 31),
        )
    )
    team = draw(st.none() | st.sampled_from(_REFS["teams"]))
    return attrs.evolve(activity, on=draw(st.sampled_from(_BOUNDARY_DAYS)), team_id=team)


def _pool_entities(repo: str, pools: dict[str, tuple[str, ...]] = _POOLS) -> st.SearchStrategy[Any]:
    """Entities of ``repo`` with ids drawn from ``pools`` and references from :data:`_REFS`."""
    years = st.sampled_from(_YEARS)
    strategies: dict[str, st.SearchStrategy[Any]] = {
        "branches": vcst.branches(id=pools["branches"]),
        "members": vcst.members(branch_id=_REFS["branches"], id=pools["members"]),
        "teams": vcst.teams(branch_id=_REFS["branches"], id=pools["teams"], member_ids=_REFS["members"]),
        "beneficiaries": vcst.beneficiaries(id=pools["beneficiaries"]),
        "units": vcst.partner_units(id=pools["units"]),
        "pairings": vcst.pairings(
            id=pools["pairings"],
            target_ids=_REFS["units"] + _REFS["beneficiaries"],
            branch_ids=_REFS["branches"],
            member_ids=_REFS["members"],
            min_start=date(2025, 1, 1),
            max_start=date(2027, 1, 1),
        ),
        "activities": _pool_activities(pools),
        "records": _pool_records(pools),
        "wishes": vcst.wishes(
            id=pools["wishes"],
            beneficiary_id=_REFS["beneficiaries"],
            member_ids=_REFS["members"],
            min_date=date(2026, 1, 1),
            max_date=date(2026, 12, 31),
        ),
        "demands": vcst.demands(
            id=pools["demands"],
            member_id=_REFS["members"],
            team_id=_REFS["teams"],
            activity_id=_REFS["activities"],
            min_on=date(2026, 1, 1),
            max_on=date(2026, 6, 30),
        ),
        "plans": years.flatmap(
            lambda y: vcst.branch_plans(id=pools["plans"], branch_id=_REFS["branches"], year=y)
        ),
        "reports": years.flatmap(
            lambda y: vcst.half_year_reports(id=pools["reports"], branch_id=_REFS["branches"], year=y)
        ),
    }
    return strategies[repo]


# ---------------------------------------------------------------------------------------------------------
# outcomes: what a call returned or raised, compared between the storage and the reference

_Error = tuple[str, str]  # (error class, code)


def _short(value: Any, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else f"{text[: limit - 20]}… ({len(text)} characters)"


def _differences(reference: Any, subject: Any, path: str = "value") -> list[str]:
    """Where two results differ: fields of attrs objects, ids missing, extra or out of order in lists of
    entities, keys of mappings — so a failure points at the difference, not at two walls of repr."""
    if reference == subject:
        return []
    if type(reference) is not type(subject):
        return [f"{path}: {_short(reference, 120)} ≠ {_short(subject, 120)}"]
    if attrs.has(type(reference)):
        found = []
        for field in attrs.fields(type(reference)):
            left, right = getattr(reference, field.name), getattr(subject, field.name)
            found += _differences(left, right, f"{path}.{field.name}")
        return found
    if isinstance(reference, list | tuple):
        if all(hasattr(item, "id") for item in (*reference, *subject)):
            left_ids, right_ids = [e.id for e in reference], [e.id for e in subject]
            found = []
            if set(left_ids) != set(right_ids):
                missing = [i for i in left_ids if i not in right_ids]
                extra = [i for i in right_ids if i not in left_ids]
                found.append(f"{path}: ids missing {missing}, unexpected {extra}")
            elif left_ids != right_ids:
                found.append(f"{path}: order of ids {left_ids} ≠ {right_ids}")
            by_id = {e.id: e for e in subject}
            for entity in reference:
                if entity.id in by_id:
                    found += _differences(entity, by_id[entity.id], f"{path}[id={entity.id!r}]")
            return found
        if len(reference) != len(subject):
            return [
                f"{path}: {len(reference)} items ≠ {len(subject)}: "
                f"{_short(reference, 120)} ≠ {_short(subject, 120)}"
            ]
        return [
            line
            for i, (x, y) in enumerate(zip(reference, subject, strict=True))
            for line in _differences(x, y, f"{path}[{i}]")
        ]
    if isinstance(reference, Mapping):
        if set(reference) != set(subject):
            return [f"{path}: keys {sorted(map(str, reference))} ≠ {sorted(map(str, subject))}"]
        return [
            line
            for key in reference
            for line in _differences(reference[key], subject[key], f"{path}[{key!r}]")
        ]
    return [f"{path}: {_short(reference, 120)} ≠ {_short(subject, 120)}"]


@dataclasses.dataclass(frozen=True)
class _Outcome:
    value: Any = None
    error: _Error | None = None
    text: str = dataclasses.field(default="", compare=False)

    def __str__(self) -> str:
        if self.error is None:
            return f"returned {_short(self.value)}"
        kind, code = self.error
        return f"raised {kind}({code}): {self.text}" if code else f"raised {kind}: {self.text}"


def _classify(exc: BaseException) -> _Error | None:
    """The contract-level class and code of an error; None for an error that is not a VolunteerError."""
    if isinstance(exc, NotFound):
        return ("NotFound", "")
    if isinstance(exc, InvalidInput):
        return ("InvalidInput", exc.code)
    if isinstance(exc, RuleViolation):
        return ("RuleViolation", exc.code)
    if isinstance(exc, ConcurrencyConflict):
        return ("ConcurrencyConflict", "")
    if isinstance(exc, StorageError):
        return ("StorageError", "")
    if isinstance(exc, VolunteerError):
        return (type(exc).__name__, "")
    return None


def _observe(value: Any) -> Any:
    """What a caller can observe of a result: an iterator is consumed into a list."""
    if isinstance(value, Iterator):
        return list(value)
    return value


def _attempt(call: Callable[[], Any], *, subject: bool, what: str) -> _Outcome:
    try:
        return _Outcome(value=_observe(call()))
    except Exception as exc:
        error = _classify(exc)
        if error is None:
            if not subject:
                raise
            raise AssertionError(
                f"{what}: the storage under test leaked {type(exc).__name__}: {exc!r} — storages raise only "
                "volunteer_core errors (NotFound, InvalidInput, ConcurrencyConflict, StorageError)"
            ) from exc
        return _Outcome(error=error, text=str(exc))


def _agree(
    what: str, reference: _Outcome, subject: _Outcome, deserved: frozenset[_Error] = frozenset()
) -> None:
    """The subject must do what the reference did; when both refuse, any error the call deserves will do
    (the ports define no precedence between, say, a duplicate id and a dangling reference)."""
    if reference.error is None:
        same = subject.error is None and subject.value == reference.value
    else:
        same = subject.error is not None and (subject.error == reference.error or subject.error in deserved)
    if not same:
        message = (
            f"{what}\n  InMemoryUnitOfWork (reference): {reference}"
            f"\n  storage under test:            {subject}"
        )
        if reference.error is None and subject.error is None:
            lines = _differences(reference.value, subject.value)
            shown = "".join(f"\n    {line}" for line in lines[:12])
            more = f"\n    … and {len(lines) - 12} more" if len(lines) > 12 else ""
            message += f"\n  where they differ (reference ≠ storage):{shown}{more}"
        raise AssertionError(message)


_NOT_FOUND: Final[_Error] = ("NotFound", "")
_CONFLICT: Final[_Error] = ("ConcurrencyConflict", "")
_DUPLICATE: Final[_Error] = ("InvalidInput", "input.duplicate")
_DANGLING_REF: Final[_Error] = ("InvalidInput", "input.reference")


def _exists(uow: UnitOfWork, repo: str, entity_id: str) -> Any:
    try:
        return _repo(uow, repo).get(entity_id)
    except NotFound:
        return None


def _has_dangling(uow: UnitOfWork, repo: str, entity: Any) -> bool:
    refs = [(getattr(entity, field), target) for field, target in REFERENCES[repo]]
    if repo == "wishes":
        refs += [(claim.member_id, "members") for claim in entity.claims]
    return any(value is not None and _exists(uow, target, value) is None for value, target in refs)


# ---------------------------------------------------------------------------------------------------------
# the state machine


@dataclasses.dataclass(frozen=True)
class _Add:
    repo: str
    entity: Any
    idempotency_key: str | None = None

    def run(self, uow: UnitOfWork) -> Any:
        if self.idempotency_key is None:
            return _repo(uow, self.repo).add(self.entity)
        return uow.records.add(self.entity, idempotency_key=self.idempotency_key)

    def deserved(self, uow: UnitOfWork) -> frozenset[_Error]:
        found: set[_Error] = set()
        if _exists(uow, self.repo, self.entity.id) is not None:
            found.add(_DUPLICATE)
        if self.idempotency_key is not None and uow.records.by_idempotency_key(self.idempotency_key):
            found.add(_DUPLICATE)
        if _has_dangling(uow, self.repo, self.entity):
            found.add(_DANGLING_REF)
        return frozenset(found)


@dataclasses.dataclass(frozen=True)
class _Update:
    """Update ``entity`` with the stored version plus ``offset`` (0: current; otherwise stale or ahead)."""

    repo: str
    entity: Any
    offset: int

    def _versioned(self, uow: UnitOfWork) -> Any:
        stored = _exists(uow, self.repo, self.entity.id)
        current = 0 if stored is None else stored.version
        return attrs.evolve(self.entity, version=max(0, current + self.offset))

    def run(self, uow: UnitOfWork) -> Any:
        return _repo(uow, self.repo).update(self._versioned(uow))

    def deserved(self, uow: UnitOfWork) -> frozenset[_Error]:
        stored = _exists(uow, self.repo, self.entity.id)
        found: set[_Error] = {_NOT_FOUND} if stored is None else set()
        if stored is not None and self._versioned(uow).version != stored.version:
            found.add(_CONFLICT)
        if _has_dangling(uow, self.repo, self.entity):
            found.add(_DANGLING_REF)
        return frozenset(found)


@dataclasses.dataclass(frozen=True)
class _Call:
    """A read (or ``locks.lock``): ``uow.<repo>.<method>(*args)``."""

    repo: str
    method: str
    args: tuple[Any, ...] = ()

    def run(self, uow: UnitOfWork) -> Any:
        return getattr(_repo(uow, self.repo), self.method)(*self.args)

    def deserved(self, uow: UnitOfWork) -> frozenset[_Error]:
        return frozenset()


_Op = _Add | _Update | _Call


def _calls() -> st.SearchStrategy[_Call]:
    pools = _POOLS
    years = st.sampled_from(_YEARS)
    branches = st.sampled_from((*pools["branches"], "b-none"))

    def call(repo: str, method: str, *args: st.SearchStrategy[Any]) -> st.SearchStrategy[_Call]:
        return st.tuples(*args).map(lambda values: _Call(repo, method, tuple(values)))

    gets = st.sampled_from(REPOSITORIES).flatmap(
        lambda r: call(r, "get", st.sampled_from((*_POOLS[r], f"{r}-none")))
    )
    lists = st.sampled_from((*REPOSITORIES, "locks")).map(lambda r: _Call(r, "list"))
    queries = st.one_of(
        call("members", "in_branch", branches),
        call("pairings", "for_target", st.sampled_from((*pools["units"], *pools["beneficiaries"]))),
        call("pairings", "for_branch", branches),
        call("activities", "in_year", years),
        call("records", "in_year", years),
        call("records", "for_member", st.sampled_from(pools["members"]), years),
        call("records", "by_idempotency_key", st.sampled_from((*_KEYS, "k-none"))),
        call("records", "reversal_of", st.sampled_from(pools["records"])),
        call("uow", "member_year_totals", years),
        call("wishes", "with_status", st.sampled_from(list(WishStatus))),
        call("plans", "for_branch", branches, years),
        call("reports", "for_branch", branches, years),
        call("locks", "is_locked", branches, years),
        call("locks", "lock", branches, years),
    )
    return st.one_of(gets, lists, queries)


def _adds() -> st.SearchStrategy[_Add]:
    def adds(repo: str) -> st.SearchStrategy[_Add]:
        keys = st.none() | st.sampled_from(_KEYS) if repo == "records" else st.none()
        return st.builds(_Add, st.just(repo), _pool_entities(repo), keys)

    return st.sampled_from(REPOSITORIES).flatmap(adds)


def _updates() -> st.SearchStrategy[_Update]:
    def updates(repo: str) -> st.SearchStrategy[_Update]:
        entities = _pool_entities(repo, _REFS)  # mostly stored ids
        return st.builds(_Update, st.just(repo), entities, st.sampled_from((0, 0, -1, 1)))

    return st.sampled_from(REPOSITORIES).flatmap(updates)


def _ops() -> st.SearchStrategy[_Op]:
    return st.one_of(_adds(), _updates(), _calls())


class _Abort(Exception):
    """Raised inside both ``with`` blocks to leave them through an exception."""


def _no_dispose(uow: UnitOfWork) -> None:
    return None


class StorageComparison(RuleBasedStateMachine):
    """Random transactions of repository calls, and random use-cases of :mod:`volunteer_core.services`,
    applied to the storage under test and to :class:`InMemoryUnitOfWork`; every result must agree (the
    same value, or the same error class and code), and so must the whole stored state after each step.

    Build it for a storage with :meth:`for_storage`;
    :meth:`UnitOfWorkContract.test_random_operations_agree_with_reference` runs it with
    :func:`contract_settings`.
    """

    make_uow: ClassVar[Callable[[], UnitOfWork]]
    dispose_uow: ClassVar[Callable[[UnitOfWork], None]] = _no_dispose

    @classmethod
    def for_storage(
        cls, make_uow: Callable[[], UnitOfWork], dispose_uow: Callable[[UnitOfWork], None] = _no_dispose
    ) -> type[StorageComparison]:
        """A machine class whose every run starts on ``make_uow()`` (fresh, empty storage)."""
        attributes = {"make_uow": staticmethod(make_uow), "dispose_uow": staticmethod(dispose_uow)}
        return cast("type[StorageComparison]", type("StorageComparisonMachine", (cls,), attributes))

    def __init__(self) -> None:
        super().__init__()
        self.subject = type(self).make_uow()
        self.reference = InMemoryUnitOfWork()
        self.counter = 0
        self.recorded: list[str] = []

    def teardown(self) -> None:
        type(self).dispose_uow(self.subject)

    # -- running ------------------------------------------------------------------------------------

    def _fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-n{self.counter}"

    def _both(
        self,
        what: str,
        call: Callable[[UnitOfWork], Any],
        deserved: Callable[[UnitOfWork], frozenset[_Error]] | None = None,
    ) -> _Outcome:
        """Run a use-case (it opens its own transactions) on both storages; return the reference's outcome."""
        expected = frozenset() if deserved is None else _read(self.reference, deserved)
        reference = _attempt(lambda: call(self.reference), subject=False, what=what)
        subject = _attempt(lambda: call(self.subject), subject=True, what=what)
        _agree(what, reference, subject, expected)
        return reference

    def _transaction(self, ops: list[_Op], ending: str) -> None:
        raised = caught = False
        try:
            with self.reference, self.subject:
                for index, op in enumerate(ops):
                    what = f"call {index + 1} of the transaction {ops!r}"
                    deserved = op.deserved(self.reference)
                    reference = _attempt(functools.partial(op.run, self.reference), subject=False, what=what)
                    subject = _attempt(functools.partial(op.run, self.subject), subject=True, what=what)
                    _agree(what, reference, subject, deserved)
                    if reference.error is not None:
                        raised = True
                        raise _Abort
                if ending == "raise":
                    raised = True
                    raise _Abort
                if ending == "commit":
                    reference = _attempt(self.reference.commit, subject=False, what="commit()")
                    subject = _attempt(self.subject.commit, subject=True, what="commit()")
                    _agree(f"commit() after {ops!r}", reference, subject)
        except _Abort:
            caught = True
        assert caught == raised, (
            "an exception raised inside `with uow:` did not propagate: __exit__ must roll back and let it "
            "propagate (return a false value)"
        )

    @initialize(world=_WORLDS)
    def seed(self, world: vcst.Dataset) -> None:
        """A drawn world (references resolve; wishes in every state; reversals), completed with the entities
        of the fixed world whose ids it does not use (a plan, a report, a demand, …) and with ledger
        entries on both sides of every year boundary."""
        items = [
            (repo, entity) for repo in REPOSITORIES if hasattr(world, repo) for entity in getattr(world, repo)
        ]
        taken = {(repo, entity.id) for repo, entity in items}
        items += [(repo, entity) for repo, entity in _seed() if (repo, entity.id) not in taken]
        items += [("records", _record(f"r-edge{i}", day)) for i, day in enumerate(_BOUNDARY_DAYS)]
        for uow in (self.reference, self.subject):
            _store(uow, items)

    # -- repository calls -------------------------------------------------------------------------------

    @rule(ops=st.lists(_ops(), min_size=1, max_size=5))
    def transaction(self, ops: list[_Op]) -> None:
        """Several calls in one transaction on each storage, compared call by call, then committed (the
        first refused call aborts the transaction)."""
        self._transaction(ops, "commit")

    @rule(ops=st.lists(_ops(), min_size=1, max_size=5), ending=st.sampled_from(("leave", "raise")))
    def abandoned_transaction(self, ops: list[_Op], ending: str) -> None:
        """Calls in a transaction left without commit, or through an exception: nothing may remain."""
        self._transaction(ops, ending)

    @rule(ops=st.lists(st.one_of(_adds(), _updates()), min_size=1, max_size=6))
    def writes(self, ops: list[_Op]) -> None:
        """Adds and updates in one committed transaction."""
        self._transaction(ops, "commit")

    @rule(ops=st.lists(_calls(), min_size=1, max_size=6))
    def reads(self, ops: list[_Op]) -> None:
        """Reads and queries (and locks.lock) in one committed transaction."""
        self._transaction(ops, "commit")

    # -- use-cases --------------------------------------------------------------------------------------

    @rule(
        wish=vcst.wishes(
            status=WishStatus.COLLECTED,
            id=_POOLS["wishes"],
            beneficiary_id=_REFS["beneficiaries"],
            min_date=date(2026, 1, 1),
            max_date=date(2026, 3, 1),
        )
    )
    def collect_wish(self, wish: Wish) -> None:
        self._both(
            f"services.collect_wish(uow, {wish!r})",
            lambda uow: services.collect_wish(uow, wish, retries=0),
            _Add("wishes", wish).deserved,
        )

    @rule(
        step=st.sampled_from(("screen", "reject", "publish", "claim", "withdraw", "fulfil", "cancel")),
        wish_id=st.sampled_from(_REFS["wishes"]),
        member_id=st.sampled_from(_POOLS["members"]),
        on=st.sampled_from(_STEP_DAYS),
        pledged=st.none() | vcst.yuan(1, 40_000),
    )
    def wish_step(self, step: str, wish_id: str, member_id: str, on: date, pledged: Any) -> None:
        """One step of a wish's life through its use-case (refused steps must be refused alike)."""
        reason = _REASONS[0]
        calls: dict[str, tuple[str, Callable[[UnitOfWork], Any]]] = {
            "screen": (
                f"screen_wish(uow, {wish_id!r}, approved=True, on={on!r})",
                lambda uow: services.screen_wish(uow, wish_id, approved=True, on=on, retries=0),
            ),
            "reject": (
                f"screen_wish(uow, {wish_id!r}, approved=False, on={on!r}, reason={reason!r})",
                lambda uow: services.screen_wish(
                    uow, wish_id, approved=False, on=on, reason=reason, retries=0
                ),
            ),
            "publish": (
                f"publish_wish(uow, {wish_id!r}, on={on!r})",
                lambda uow: services.publish_wish(uow, wish_id, on=on, retries=0),
            ),
            "claim": (
                f"claim_wish(uow, {wish_id!r}, {member_id!r}, on={on!r}, pledged={pledged!r})",
                lambda uow: services.claim_wish(uow, wish_id, member_id, on=on, pledged=pledged, retries=0),
            ),
            "withdraw": (
                f"withdraw_claim(uow, {wish_id!r}, {member_id!r}, on={on!r})",
                lambda uow: services.withdraw_claim(uow, wish_id, member_id, on=on, retries=0),
            ),
            "fulfil": (
                f"fulfil_wish(uow, {wish_id!r}, on={on!r})",
                lambda uow: services.fulfil_wish(uow, wish_id, on=on, retries=0),
            ),
            "cancel": (
                f"cancel_wish(uow, {wish_id!r}, on={on!r}, reason={reason!r})",
                lambda uow: services.cancel_wish(uow, wish_id, on=on, reason=reason, retries=0),
            ),
        }
        what, call = calls[step]
        self._both(f"services.{what}", call)

    @rule(
        pairing=vcst.pairings(
            id=_POOLS["pairings"],
            target_ids=_POOLS["units"][:2] + _POOLS["beneficiaries"][:2],
            branch_ids=_POOLS["branches"][:2],
            member_ids=_POOLS["members"],
            min_start=date(2025, 1, 1),
            max_start=date(2027, 1, 1),
        )
    )
    def register_pairing(self, pairing: Pairing) -> None:
        """Register a pairing; small pools of targets make duplicates (``pairing.duplicate``) common."""
        self._both(
            f"services.register_pairing(uow, {pairing!r})",
            lambda uow: services.register_pairing(uow, pairing, retries=0),
            _Add("pairings", pairing).deserved,
        )

    @rule(pairing_id=st.sampled_from(_POOLS["pairings"]), on=st.sampled_from(_BOUNDARY_DAYS))
    def end_pairing(self, pairing_id: str, on: date) -> None:
        self._both(
            f"services.end_pairing(uow, {pairing_id!r}, on={on!r})",
            lambda uow: services.end_pairing(uow, pairing_id, on=on, retries=0),
        )

    @rule(
        member_id=st.sampled_from(_REFS["members"]),
        activity_id=st.sampled_from(_REFS["activities"]),
        minutes=st.integers(1, 600),
        on=st.none() | st.sampled_from(_BOUNDARY_DAYS),
        key=st.none() | st.sampled_from(_KEYS),
        record_id=st.none() | st.sampled_from(_POOLS["records"]),
    )
    def record_service(
        self,
        member_id: str,
        activity_id: str,
        minutes: int,
        on: date | None,
        key: str | None,
        record_id: str | None,
    ) -> None:
        """Record service, with or without an idempotency key (the same key twice returns the first)."""
        new_id = record_id or self._fresh("r")
        outcome = self._both(
            f"services.record_service(uow, member_id={member_id!r}, activity_id={activity_id!r}, "
            f"minutes={minutes}, on={on!r}, idempotency_key={key!r}, record_id={new_id!r})",
            lambda uow: services.record_service(
                uow,
                member_id=member_id,
                activity_id=activity_id,
                minutes=minutes,
                on=on,
                idempotency_key=key,
                record_id=new_id,
                recorded_on=date(2027, 1, 15),
                retries=0,
            ),
        )
        if outcome.error is None:
            self.recorded.append(outcome.value.id)

    @rule(
        data=st.data(),
        reverse=st.booleans(),
        minutes=st.integers(-300, 300).filter(bool),
        on=st.sampled_from(_BOUNDARY_DAYS),
    )
    def correct_record(self, data: st.DataObject, reverse: bool, minutes: int, on: date) -> None:
        """Reverse a record (twice is refused) or adjust it."""
        record_id = data.draw(st.sampled_from((*_POOLS["records"], *self.recorded)), label="record_id")
        new_id = self._fresh("r")
        if reverse:
            self._both(
                f"services.reverse_service(uow, {record_id!r}, on={on!r}, reversal_id={new_id!r})",
                lambda uow: services.reverse_service(uow, record_id, on=on, reversal_id=new_id, retries=0),
            )
        else:
            self._both(
                f"services.adjust_service(uow, {record_id!r}, minutes={minutes}, on={on!r}, "
                f"adjustment_id={new_id!r})",
                lambda uow: services.adjust_service(
                    uow, record_id, minutes=minutes, on=on, adjustment_id=new_id, retries=0
                ),
            )

    @rule(branch_id=st.sampled_from(_POOLS["branches"]), year=st.sampled_from(_YEARS))
    def lock_year(self, branch_id: str, year: int) -> None:
        self._both(
            f"services.lock_year(uow, {branch_id!r}, {year})",
            lambda uow: services.lock_year(uow, branch_id, year, retries=0),
        )

    @rule(
        demand=vcst.demands(
            DemandStatus.ORDERED, id=_POOLS["demands"], min_on=date(2026, 1, 1), max_on=date(2026, 3, 1)
        )
    )
    def order_demand(self, demand: Demand) -> None:
        self._both(
            f"services.order_demand(uow, {demand!r})",
            lambda uow: services.order_demand(uow, demand, retries=0),
            _Add("demands", demand).deserved,
        )

    @rule(
        step=st.sampled_from(("assign_member", "assign_team", "accept", "decline", "cancel")),
        demand_id=st.sampled_from(_REFS["demands"]),
        member_id=st.sampled_from(_REFS["members"]),
        team_id=st.sampled_from(_REFS["teams"]),
        on=st.sampled_from(_STEP_DAYS),
    )
    def demand_step(self, step: str, demand_id: str, member_id: str, team_id: str, on: date) -> None:
        """One step of dispatch (派单, 接单, decline, cancel) through its use-case."""
        reason = _REASONS[1]
        calls: dict[str, tuple[str, Callable[[UnitOfWork], Any]]] = {
            "assign_member": (
                f"assign_demand(uow, {demand_id!r}, member_id={member_id!r}, on={on!r})",
                lambda uow: services.assign_demand(uow, demand_id, member_id=member_id, on=on, retries=0),
            ),
            "assign_team": (
                f"assign_demand(uow, {demand_id!r}, team_id={team_id!r}, on={on!r})",
                lambda uow: services.assign_demand(uow, demand_id, team_id=team_id, on=on, retries=0),
            ),
            "accept": (
                f"accept_demand(uow, {demand_id!r}, member_id={member_id!r}, on={on!r})",
                lambda uow: services.accept_demand(uow, demand_id, member_id=member_id, on=on, retries=0),
            ),
            "decline": (
                f"decline_demand(uow, {demand_id!r}, member_id={member_id!r}, on={on!r})",
                lambda uow: services.decline_demand(uow, demand_id, member_id=member_id, on=on, retries=0),
            ),
            "cancel": (
                f"cancel_demand(uow, {demand_id!r}, on={on!r}, reason={reason!r})",
                lambda uow: services.cancel_demand(uow, demand_id, on=on, reason=reason, retries=0),
            ),
        }
        what, call = calls[step]
        self._both(f"services.{what}", call)

    @rule(year=st.sampled_from(_YEARS))
    def evaluate_year(self, year: int) -> None:
        """The year's evaluation (it streams ``records.in_year``) must come out the same."""
        self._both(
            f"services.evaluate_year(uow, {year})",
            lambda uow: services.evaluate_year(uow, year, as_of=date(2027, 6, 30)),
        )

    # -- the whole state ------------------------------------------------------------------------------

    @invariant()
    def stored_state_agrees(self) -> None:
        """Every repository's ``list()``, the locks and the idempotency keys agree after every step."""
        with self.reference, self.subject:
            for name in (*REPOSITORIES, "locks"):
                what = f"{name}.list() after the last step"
                reference = _attempt(_repo(self.reference, name).list, subject=False, what=what)
                subject = _attempt(_repo(self.subject, name).list, subject=True, what=what)
                _agree(what, reference, subject)
            for key in _KEYS:
                what = f"records.by_idempotency_key({key!r}) after the last step"
                by_key = self.reference.records.by_idempotency_key
                reference = _attempt(functools.partial(by_key, key), subject=False, what=what)
                by_key = self.subject.records.by_idempotency_key
                subject = _attempt(functools.partial(by_key, key), subject=True, what=what)
                _agree(what, reference, subject)


# ---------------------------------------------------------------------------------------------------------
# work done in another process (supports_multiprocess)


def _claim_in_process(
    factory: Callable[[], UnitOfWork], wish_id: str, member_id: str, start: Any, results: Any
) -> None:
    """Claim ``wish_id`` for ``member_id`` through the use-case, in a child process."""
    try:
        uow = factory()
        start.wait(60)
        services.claim_wish(uow, wish_id, member_id, on=date(2026, 3, 10), retries=100)
        results.put((member_id, ""))
    except BaseException as exc:  # reported to the parent, which fails the test
        results.put((member_id, f"{type(exc).__name__}: {exc}"))


# ---------------------------------------------------------------------------------------------------------
# the contract


def _concurrent_claim_setup(uow: UnitOfWork, count: int) -> tuple[str, list[str]]:
    """Seed, add ``count`` members and publish a wish without value (it takes any number of claims)."""
    members = [f"m-c{i}" for i in range(count)]
    _store(uow, [*_seed(), *(("members", _member(m, "b-1")) for m in members)])
    services.collect_wish(uow, _collected_wish("w-c"))
    services.screen_wish(uow, "w-c", approved=True, on=date(2026, 3, 2))
    services.publish_wish(uow, "w-c", on=date(2026, 3, 3))
    return "w-c", members


class UnitOfWorkContract:
    """Subclass me, define :meth:`make_uow` (and :meth:`make_sibling` if you can): every ``test_*`` of
    the repository contract runs on your storage. See the module docstring and ``docs/contract.md``.

    Not collected by itself (``__test__ = False``); every subclass is collected unless it sets
    ``__test__ = False`` in its own body.
    """

    __test__: ClassVar[bool] = False

    #: Several units of work on one storage at once (derived: True when make_sibling is overridden).
    supports_siblings: ClassVar[bool] = False
    #: Commit refuses a transaction whose reads another one changed meanwhile (no write skew).
    supports_serializable: ClassVar[bool] = False
    #: Units of work used from several threads at once.
    supports_threads: ClassVar[bool] = False
    #: Units of work in several processes at once (define process_factory).
    supports_multiprocess: ClassVar[bool] = False

    _created: list[UnitOfWork]
    _siblings_derived: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "__test__" not in cls.__dict__:
            cls.__test__ = True
        declared = any(
            "supports_siblings" in k.__dict__ and not k.__dict__.get("_siblings_derived", False)
            for k in cls.__mro__
            if k is not UnitOfWorkContract
        )
        if not declared:  # derived from whether make_sibling is defined
            cls.supports_siblings = cls.make_sibling is not UnitOfWorkContract.make_sibling
            cls._siblings_derived = True

    # -- what an integrator defines ---------------------------------------------------------------

    def make_uow(self) -> UnitOfWork:
        """A unit of work on fresh, empty storage. Called once per test and once per hypothesis example."""
        raise NotImplementedError(f"{type(self).__name__} must define make_uow(self) -> UnitOfWork")

    def make_sibling(self, uow: UnitOfWork) -> UnitOfWork:
        """Another unit of work on the storage of ``uow`` (define it if your storage has that capability)."""
        raise NotImplementedError(f"{type(self).__name__} does not define make_sibling(self, uow)")

    def process_factory(self, uow: UnitOfWork) -> Callable[[], UnitOfWork]:
        """A picklable callable that builds, in another process, a unit of work on the storage of ``uow``
        (needed by ``supports_multiprocess``)."""
        raise NotImplementedError(f"{type(self).__name__} does not define process_factory(self, uow)")

    def dispose_uow(self, uow: UnitOfWork) -> None:
        """Release what :meth:`make_uow` or :meth:`make_sibling` acquired (connections, files).
        Default: nothing."""

    # -- plumbing -------------------------------------------------------------------------------------

    def _check(self, made: object, maker: str) -> UnitOfWork:
        assert isinstance(made, UnitOfWork), (
            f"{maker} returned {made!r}: it must return a volunteer_core.ports.UnitOfWork"
        )
        return made

    def _new_uow(self) -> UnitOfWork:
        made = self._check(self.make_uow(), "make_uow()")
        if hasattr(self, "_created"):
            self._created.append(made)
        return made

    def _sibling(self, uow: UnitOfWork) -> UnitOfWork:
        self._require("supports_siblings")
        made = self._check(self.make_sibling(uow), "make_sibling(uow)")
        self._created.append(made)
        return made

    def _require(self, capability: str) -> None:
        if not getattr(self, capability):
            pytest.skip(
                f"capability {capability} is not declared by {type(self).__name__}: {CAPABILITIES[capability]}"
            )

    @pytest.fixture
    def uow(self) -> Iterator[UnitOfWork]:
        """A unit of work on fresh, empty storage; it and its siblings are disposed afterwards."""
        self._created = []
        made = self._new_uow()
        try:
            yield made
        finally:
            for created in reversed(self._created):
                self.dispose_uow(created)

    @pytest.fixture
    def seeded(self, uow: UnitOfWork) -> UnitOfWork:
        """``uow`` with the fixed world stored and committed."""
        _store(uow, _seed())
        return uow

    def _drawn(self, check: Callable[[UnitOfWork, Any], None]) -> Callable[[Any], None]:
        def run(entity: Any) -> None:
            made = self._check(self.make_uow(), "make_uow()")
            try:
                _store(made, _seed())
                check(made, entity)
            finally:
                self.dispose_uow(made)

        return run

    # -- capabilities ---------------------------------------------------------------------------------

    def test_capabilities_are_declared(self, record_property: Callable[[str, object], None]) -> None:
        """Report the declared capabilities (junit properties and captured output); check their types."""
        for name in CAPABILITIES:
            value = getattr(self, name)
            assert isinstance(value, bool), f"{name} must be a bool, not {value!r}"
            record_property(name, value)
        print(capability_report(type(self)))
        for name in ("supports_serializable", "supports_threads"):
            assert not getattr(self, name) or self.supports_siblings, f"{name} needs make_sibling(uow)"
        if self.supports_multiprocess:
            assert type(self).process_factory is not UnitOfWorkContract.process_factory, (
                "supports_multiprocess needs process_factory(uow)"
            )

    def test_make_uow_returns_a_unit_of_work_with_every_repository(self, uow: UnitOfWork) -> None:
        for name, abc in _ABCS.items():
            found = getattr(uow, name, None)
            assert isinstance(found, abc), f"uow.{name} is {found!r}, not a {abc.__name__}"

    def test_make_uow_starts_empty(self, uow: UnitOfWork) -> None:
        with uow:
            for name in (*REPOSITORIES, "locks"):
                assert _repo(uow, name).list() == [], f"make_uow() must give empty storage: {name} is not"

    # -- get, add -------------------------------------------------------------------------------------

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_get_missing_raises_not_found(self, seeded: UnitOfWork, repo: str) -> None:
        with seeded, pytest.raises(NotFound):
            _repo(seeded, repo).get("nobody-here")

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_add_returns_the_entity_and_get_finds_it(self, seeded: UnitOfWork, repo: str) -> None:
        entity = _sample(repo, "new-1")
        with seeded:
            assert _repo(seeded, repo).add(entity) == entity
            assert _repo(seeded, repo).get("new-1") == entity, "reads see the unit's own writes"
            seeded.commit()
        assert _read(seeded, lambda u: _repo(u, repo).get("new-1")) == entity

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_add_stores_the_given_version(self, seeded: UnitOfWork, repo: str) -> None:
        entity = attrs.evolve(_sample(repo, "new-1"), version=7)
        _store(seeded, [(repo, entity)])
        assert _read(seeded, lambda u: _repo(u, repo).get("new-1")).version == 7

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_add_duplicate_in_the_same_transaction_is_refused(self, seeded: UnitOfWork, repo: str) -> None:
        with seeded:
            _repo(seeded, repo).add(_sample(repo, "new-1"))
            with pytest.raises(InvalidInput) as refused:
                _repo(seeded, repo).add(_changed(repo, _sample(repo, "new-1")))
        assert (refused.value.code, refused.value.path) == ("input.duplicate", "id")

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_add_duplicate_of_committed_id_is_refused(self, seeded: UnitOfWork, repo: str) -> None:
        original = _sample(repo, "new-1")
        _store(seeded, [(repo, original)])
        with seeded:
            with pytest.raises(InvalidInput) as refused:
                _repo(seeded, repo).add(_changed(repo, original))
            seeded.commit()
        assert (refused.value.code, refused.value.path) == ("input.duplicate", "id")
        assert _read(seeded, lambda u: _repo(u, repo).get("new-1")) == original, "the original stays"

    @pytest.mark.parametrize(("repo", "field"), _DANGLING, ids=[f"{r}.{f}" for r, f in _DANGLING])
    def test_add_with_dangling_reference_is_refused(self, seeded: UnitOfWork, repo: str, field: str) -> None:
        with seeded, pytest.raises(InvalidInput) as refused:
            _repo(seeded, repo).add(_dangling(repo, field, "new-1"))
        assert (refused.value.code, refused.value.path) == ("input.reference", field)
        with seeded, pytest.raises(NotFound):
            _repo(seeded, repo).get("new-1")

    @pytest.mark.parametrize(("repo", "field"), _DANGLING, ids=[f"{r}.{f}" for r, f in _DANGLING])
    def test_update_with_dangling_reference_is_refused(
        self, seeded: UnitOfWork, repo: str, field: str
    ) -> None:
        original = _sample(repo, "new-1")
        _store(seeded, [(repo, original)])
        with seeded, pytest.raises(InvalidInput) as refused:
            _repo(seeded, repo).update(_dangling(repo, field, "new-1"))
        assert (refused.value.code, refused.value.path) == ("input.reference", field)
        assert _read(seeded, lambda u: _repo(u, repo).get("new-1")) == original

    def test_references_to_entities_added_in_the_same_transaction_resolve(self, uow: UnitOfWork) -> None:
        world = _seed()
        with uow:
            for repo, entity in world:
                _repo(uow, repo).add(entity)
            uow.commit()
        with uow:
            for repo, entity in world:
                assert _repo(uow, repo).get(entity.id) == entity

    # -- update ---------------------------------------------------------------------------------------

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_update_numbers_versions_and_returns_what_it_stored(self, seeded: UnitOfWork, repo: str) -> None:
        original = _sample(repo, "new-1")
        _store(seeded, [(repo, original)])
        changed = _changed(repo, original)
        with seeded:
            first = _repo(seeded, repo).update(changed)
            assert first == attrs.evolve(changed, version=1), "update stores the entity with version + 1"
            assert _repo(seeded, repo).get("new-1") == first, "update returns what it stored"
            second = _repo(seeded, repo).update(first)
            assert second == attrs.evolve(changed, version=2)
            seeded.commit()
        assert _read(seeded, lambda u: _repo(u, repo).get("new-1")) == second
        with seeded:
            third = _repo(seeded, repo).update(second)
            seeded.commit()
        assert third.version == 3
        assert _read(seeded, lambda u: _repo(u, repo).get("new-1")) == third

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_update_with_stale_version_conflicts(self, seeded: UnitOfWork, repo: str) -> None:
        original = _sample(repo, "new-1")
        _store(seeded, [(repo, original)])
        with seeded:
            stored = _repo(seeded, repo).update(_changed(repo, original))
            seeded.commit()
        for version in (0, 2, 5):
            with seeded, pytest.raises(ConcurrencyConflict):
                _repo(seeded, repo).update(attrs.evolve(original, version=version))
        assert _read(seeded, lambda u: _repo(u, repo).get("new-1")) == stored, (
            "a refused update changes nothing"
        )

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_update_of_missing_id_raises_not_found(self, seeded: UnitOfWork, repo: str) -> None:
        with seeded, pytest.raises(NotFound):
            _repo(seeded, repo).update(_sample(repo, "new-1"))

    # -- list and round trips ---------------------------------------------------------------------------

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_list_returns_everything_ordered_by_id(self, seeded: UnitOfWork, repo: str) -> None:
        """Ordered as Python orders str (code points): ``X-1 < x-1 < x-10 < x-9 < x_1 < 支部-1``; a SQL
        storage orders by a binary collation (``COLLATE "C"``), not a linguistic one."""
        tricky = ["x-9", "支部-1", "x-10", "X-1", "x_1", "x-1", "x-1a"]
        with seeded:
            before = _repo(seeded, repo).list()
            for entity_id in tricky:
                _repo(seeded, repo).add(_sample(repo, entity_id))
            inside = _ids(_repo(seeded, repo).list())
            seeded.commit()
        expected = sorted([*_ids(before), *tricky])
        assert inside == expected, "list() inside the transaction sees its own adds, ordered by id"
        assert _ids(_read(seeded, lambda u: _repo(u, repo).list())) == expected

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_round_trip_keeps_every_field(self, seeded: UnitOfWork, repo: str) -> None:
        """A sample entity comes back equal (a wish with its claims, a plan with its items)."""
        entity = attrs.evolve(_sample(repo, "new-1"), version=3)
        _store(seeded, [(repo, entity)])
        assert _read(seeded, lambda u: _repo(u, repo).get("new-1")) == entity
        assert entity in _read(seeded, lambda u: _repo(u, repo).list())

    @pytest.mark.parametrize("repo", REPOSITORIES)
    def test_round_trip_of_drawn_entities(self, repo: str) -> None:
        """Entities drawn from :mod:`volunteer_core.testing.strategies` come back equal."""

        def check(uow: UnitOfWork, entity: Any) -> None:
            _store(uow, [(repo, entity)])
            with uow:
                assert _repo(uow, repo).get(entity.id) == entity
                assert entity in _repo(uow, repo).list()

        run = self._drawn(check)
        strategy = st.tuples(_round_trip_entities(repo), st.integers(0, 5)).map(
            lambda pair: attrs.evolve(pair[0], version=pair[1])
        )
        given(strategy)(settings(contract_settings())(run))()

    def test_round_trip_of_a_wish_in_every_state(self, seeded: UnitOfWork) -> None:
        day = date(2026, 3, 2)
        published = _collected_wish("w-p", value="200.00").screen(True, day).publish(day)
        claimed = published.claim("m-1", day, pledged="80.00").claim("m-2", day)
        wishes = [
            _collected_wish("w-c"),
            _collected_wish("w-r").screen(False, day, reason="重复征集"),
            published,
            attrs.evolve(claimed, id="w-cl"),
            attrs.evolve(claimed.withdraw_claim("m-1", day), id="w-w"),
            attrs.evolve(claimed.fulfil(day), id="w-f"),
            attrs.evolve(claimed.cancel(day, "服务对象已搬离"), id="w-x"),
        ]
        _store(seeded, [("wishes", w) for w in wishes])
        with seeded:
            for wish in wishes:
                assert seeded.wishes.get(wish.id) == wish

    # -- transactions -----------------------------------------------------------------------------------

    def test_leaving_the_block_without_commit_rolls_back(self, seeded: UnitOfWork) -> None:
        before = self._everything(seeded)
        with seeded:
            for repo in REPOSITORIES:
                _repo(seeded, repo).add(_sample(repo, "new-1"))
            seeded.records.add(_record("new-2", _DAY), idempotency_key="k-rollback")
            seeded.wishes.update(_changed("wishes", seeded.wishes.get("w-1")))
            seeded.locks.lock("b-1", 2026)
        assert self._everything(seeded) == before, "nothing of a transaction left without commit() remains"
        with seeded:
            assert seeded.records.by_idempotency_key("k-rollback") is None
            assert not seeded.locks.is_locked("b-1", 2026)

    def test_an_exception_inside_the_block_rolls_back_and_propagates(self, seeded: UnitOfWork) -> None:
        class Boom(Exception):
            pass

        def fail_inside() -> None:
            with seeded:
                for repo in REPOSITORIES:
                    _repo(seeded, repo).add(_sample(repo, "new-1"))
                seeded.locks.lock("b-1", 2026)
                raise Boom

        def add_twice() -> None:
            with seeded:
                seeded.branches.add(Branch(id="new-2", name="新党支部"))
                seeded.branches.add(Branch(id="new-2", name="新党支部"))

        before = self._everything(seeded)
        with pytest.raises(Boom):
            fail_inside()
        assert self._everything(seeded) == before
        with pytest.raises(InvalidInput):
            add_twice()
        assert self._everything(seeded) == before, "a refused call inside the block rolls the block back"

    def test_rollback_discards_and_the_object_is_entered_again(self, seeded: UnitOfWork) -> None:
        with seeded:
            seeded.branches.add(Branch(id="new-1", name="新党支部"))
            seeded.rollback()
        with seeded:
            seeded.branches.add(Branch(id="new-2", name="新党支部"))
            seeded.commit()
        with seeded:
            seeded.branches.add(Branch(id="new-3", name="新党支部"))
            seeded.commit()
        with seeded:
            assert _ids(seeded.branches.list()) == ["b-1", "b-2", "new-2", "new-3"]

    def test_rollback_is_harmless_after_commit_and_when_nothing_is_open(self, seeded: UnitOfWork) -> None:
        seeded.rollback()
        with seeded:
            seeded.branches.add(Branch(id="new-1", name="新党支部"))
            seeded.commit()
            seeded.rollback()
        seeded.rollback()
        assert _read(seeded, lambda u: u.branches.get("new-1")).id == "new-1"

    def test_begin_while_a_transaction_is_open_raises_storage_error(self, seeded: UnitOfWork) -> None:
        with seeded, pytest.raises(StorageError):
            seeded.begin()

    def test_reads_see_the_units_own_writes(self, seeded: UnitOfWork) -> None:
        with seeded:
            seeded.members.add(_member("new-m", "b-2", left_on=date(2026, 6, 30)))
            seeded.records.add(_record("new-r", date(2026, 8, 1), member_id="new-m"), idempotency_key="k-own")
            reversal = seeded.records.add(seeded.records.get("r-1").reversal(id="new-rev", recorded_on=_DAY))
            seeded.pairings.add(_pairing("new-pr", "u-1", date(2027, 1, 1)))
            wish = seeded.wishes.update(seeded.wishes.get("w-1").screen(True, date(2026, 3, 2)))
            plan = seeded.plans.add(_plan("new-pl", "b-2", 2026, date(2026, 1, 5)))
            report = seeded.reports.add(_report("new-hr", "b-2", 2026, 2, date(2026, 12, 1)))
            seeded.locks.lock("b-2", 2026)
            assert _ids(seeded.members.in_branch("b-2")) == ["m-2", "new-m"]
            assert "new-r" in _ids(seeded.records.in_year(2026))
            assert _ids(seeded.records.for_member("new-m", 2026)) == ["new-r"]
            assert seeded.records.by_idempotency_key("k-own") == seeded.records.get("new-r")
            assert seeded.records.reversal_of("r-1") == reversal
            assert _ids(seeded.pairings.for_target("u-1")) == ["new-pr", "pr-1"]
            assert seeded.wishes.with_status(WishStatus.SCREENED) == [wish]
            assert seeded.wishes.with_status(WishStatus.COLLECTED) == []
            assert seeded.plans.for_branch("b-2", 2026) == [plan]
            assert seeded.reports.for_branch("b-2", 2026) == [report]
            assert seeded.locks.is_locked("b-2", 2026)

    # -- queries --------------------------------------------------------------------------------------

    def test_records_in_year_is_exactly_that_year_ordered_by_day_then_id(self, seeded: UnitOfWork) -> None:
        """1 January … 31 December inclusive: 31 December of the previous year and 1 January of the next
        are left out. The result is an iterator."""
        days = {
            "ry-1": date(2025, 12, 31),
            "ry-2": date(2026, 1, 1),
            "ry-b": date(2026, 6, 15),
            "ry-10": date(2026, 6, 15),
            "RY-3": date(2026, 6, 15),
            "ry-4": date(2026, 12, 31),
            "ry-5": date(2027, 1, 1),
            "ry-6": date(2024, 12, 31),
        }
        records = [_record(record_id, on) for record_id, on in days.items()]
        with seeded:
            for record in reversed(records):
                seeded.records.add(record)
            inside = _ids(seeded.records.in_year(2026))
            seeded.commit()
        every = [*records, _record("r-1", _DAY, minutes=120)]

        def expected(year: int) -> list[str]:
            return _ids(sorted((r for r in every if r.on.year == year), key=lambda r: (r.on, r.id)))

        assert expected(2026) == ["ry-2", "r-1", "RY-3", "ry-10", "ry-b", "ry-4"]
        assert inside == expected(2026), "in_year sees the unit's own adds"
        with seeded:
            found = seeded.records.in_year(2026)
            assert isinstance(found, Iterator), "records.in_year returns an iterator (it streams)"
            assert _ids(found) == expected(2026)
            for year in (2024, 2025, 2027, 2028):
                assert _ids(seeded.records.in_year(year)) == expected(year), f"in_year({year})"

    def test_records_for_member_filters_member_and_year(self, seeded: UnitOfWork) -> None:
        records = [
            _record("rf-3", date(2026, 5, 1)),
            _record("rf-1", date(2026, 5, 1)),
            _record("rf-2", date(2026, 1, 1)),
            _record("rf-4", date(2025, 12, 31)),
            _record("rf-5", date(2027, 1, 1)),
            _record("rf-6", date(2026, 5, 1), member_id="m-2"),
        ]
        _store(seeded, [("records", r) for r in records])
        with seeded:
            assert _ids(seeded.records.for_member("m-1", 2026)) == ["rf-2", "r-1", "rf-1", "rf-3"]
            assert _ids(seeded.records.for_member("m-1", 2025)) == ["rf-4"]
            assert _ids(seeded.records.for_member("m-2", 2026)) == ["rf-6"]
            assert seeded.records.for_member("m-nobody", 2026) == []
            assert seeded.records.for_member("m-2", 2027) == []

    def test_records_by_idempotency_key(self, seeded: UnitOfWork) -> None:
        first = _record("ri-1", _DAY)
        with seeded:
            assert seeded.records.add(first, idempotency_key="k-1") == first
            assert seeded.records.by_idempotency_key("k-1") == first
            seeded.commit()
        with seeded:
            assert seeded.records.by_idempotency_key("k-1") == first
            assert seeded.records.by_idempotency_key("k-unknown") is None
            with pytest.raises(InvalidInput) as refused:
                seeded.records.add(_record("ri-2", _DAY), idempotency_key="k-1")
        assert (refused.value.code, refused.value.path) == ("input.duplicate", "idempotency_key")
        with seeded:
            seeded.records.add(_record("ri-3", _DAY), idempotency_key="k-2")
            with pytest.raises(InvalidInput) as again:
                seeded.records.add(_record("ri-4", _DAY), idempotency_key="k-2")
        assert (again.value.code, again.value.path) == ("input.duplicate", "idempotency_key")
        with seeded:
            assert _ids(seeded.records.list()) == ["r-1", "ri-1"], "a refused key stores no record"
            assert seeded.records.by_idempotency_key("k-2") is None

    def test_records_reversal_of(self, seeded: UnitOfWork) -> None:
        with seeded:
            assert seeded.records.reversal_of("r-1") is None
            assert seeded.records.reversal_of("r-unknown") is None
            reversal = seeded.records.get("r-1").reversal(id="rv-1", recorded_on=date(2026, 3, 9))
            seeded.records.add(reversal)
            seeded.records.add(_record("r-2", _DAY))
            seeded.commit()
        with seeded:
            assert seeded.records.reversal_of("r-1") == reversal
            assert seeded.records.reversal_of("rv-1") is None
            assert seeded.records.reversal_of("r-2") is None

    def test_bulk_reads_equal_the_single_item_reads(self, seeded: UnitOfWork) -> None:
        """``get_many``, ``records.by_idempotency_keys`` and ``records.for_members`` (the bulk forms a
        storage may override with one query) give what ``get``, ``by_idempotency_key`` and ``for_member``
        give — committed data and the unit's own writes; missing ids and keys left out of ``get_many`` and
        ``by_idempotency_keys``; an id given twice answered once."""
        days = (date(2026, 5, 1), date(2026, 5, 1), date(2026, 1, 1), date(2025, 12, 31), date(2026, 12, 31))
        with seeded:
            seeded.members.add(_member("m-3", "b-1"))
            for index, on in enumerate(days):
                member_id = "m-1" if index < 4 else "m-3"
                key = f"kb-{index}" if index % 2 == 0 else None
                seeded.records.add(_record(f"rb-{9 - index}", on, member_id=member_id), idempotency_key=key)
            seeded.commit()
        with seeded:
            seeded.records.add(_record("rb-own", date(2026, 7, 1), member_id="m-2"), idempotency_key="kb-own")
            ids = ["rb-9", "r-1", _MISSING, "rb-own", "rb-9", "rb-5"]
            assert seeded.records.get_many(ids) == {i: seeded.records.get(i) for i in ids if i != _MISSING}
            members = ["m-2", "m-1", _MISSING, "m-1", "m-3"]
            assert seeded.members.get_many(members) == {
                m: seeded.members.get(m) for m in members if m != _MISSING
            }
            assert seeded.branches.get_many(["b-2", "b-1"]) == {
                b: seeded.branches.get(b) for b in ("b-1", "b-2")
            }
            assert seeded.members.get_many([]) == {}
            keys = ["kb-0", "kb-own", "k-missing", "kb-0", "kb-4", "kb-1"]
            expected = {k: seeded.records.by_idempotency_key(k) for k in keys}
            assert seeded.records.by_idempotency_keys(keys) == {k: r for k, r in expected.items() if r}
            assert seeded.records.by_idempotency_keys([]) == {}
            for year in (2025, 2026, 2027):
                found = seeded.records.for_members(members, year)
                assert found == {m: seeded.records.for_member(m, year) for m in members}, (
                    f"for_members({year})"
                )
            assert _ids(seeded.records.for_members(["m-1"], 2026)["m-1"]) == ["rb-7", "r-1", "rb-8", "rb-9"]
            assert seeded.records.for_members([], 2026) == {}

    def test_records_add_many_adds_in_order_like_add(self, seeded: UnitOfWork) -> None:
        """``records.add_many`` stores each ``(record, key)`` as ``add`` does, in order — an entry may name
        an earlier one — and returns what ``add`` returns."""
        first = _record("ra-1", _DAY)
        second = _record("ra-2", date(2026, 5, 1), member_id="m-2")
        entries: list[tuple[ServiceRecord, str | None]] = [
            (first, "ka-1"),
            (second, None),
            (first.reversal(id="ra-3", recorded_on=date(2026, 3, 9)), "ka-3"),
            (attrs.evolve(_record("ra-4", date(2026, 6, 1)), adjusts="ra-2", minutes=-30), None),
        ]
        with seeded:
            assert seeded.records.add_many([]) == []
            assert seeded.records.add_many(entries) == [record for record, _ in entries]
            assert seeded.records.get("ra-3") == entries[2][0], "reads see the unit's own writes"
            seeded.commit()
        with seeded:
            for record, key in entries:
                assert seeded.records.get(record.id) == record
                if key is not None:
                    assert seeded.records.by_idempotency_key(key) == record
            assert seeded.records.reversal_of("ra-1") == entries[2][0]
            assert _ids(seeded.records.list()) == ["r-1", "ra-1", "ra-2", "ra-3", "ra-4"]

    @pytest.mark.parametrize(
        "clash",
        [
            "committed id",
            "id in the call",
            "committed key",
            "key in the call",
            "committed reversal",
            "reversal in the call",
            "dangling reference",
        ],
    )
    def test_records_add_many_refuses_like_add(self, seeded: UnitOfWork, clash: str) -> None:
        """The first entry ``add`` would refuse makes ``add_many`` raise the same ``InvalidInput`` (code
        and path) as ``add`` one by one; the entries after it are not stored, and rolling back leaves
        nothing of the call."""
        with seeded:
            seeded.records.add(_record("rc-0", _DAY), idempotency_key="kc-0")
            seeded.records.add(seeded.records.get("r-1").reversal(id="rc-rv", recorded_on=_DAY))
            seeded.commit()
        head = _record("rc-1", _DAY)
        extra: list[tuple[ServiceRecord, str | None]] = []
        refused: tuple[ServiceRecord, str | None]
        if clash == "committed id":
            refused, expected = (_record("rc-0", _DAY, minutes=30), None), ("input.duplicate", "id")
        elif clash == "id in the call":
            refused, expected = (_record("rc-1", _DAY, minutes=30), None), ("input.duplicate", "id")
        elif clash == "committed key":
            refused, expected = (_record("rc-3", _DAY), "kc-0"), ("input.duplicate", "idempotency_key")
        elif clash == "key in the call":
            refused, expected = (_record("rc-3", _DAY), "kc-1"), ("input.duplicate", "idempotency_key")
        elif clash == "committed reversal":
            twice = _record("r-1", _DAY, minutes=120).reversal(id="rc-3", recorded_on=_DAY)
            refused, expected = (twice, None), ("input.duplicate", "reverses")
        elif clash == "reversal in the call":
            extra = [(head.reversal(id="rc-4", recorded_on=_DAY), None)]
            refused, expected = (
                (head.reversal(id="rc-3", recorded_on=_DAY), None),
                ("input.duplicate", "reverses"),
            )
        else:
            refused, expected = (
                (_record("rc-3", _DAY, member_id=_MISSING), None),
                ("input.reference", "member_id"),
            )
        entries = [
            (head, "kc-1"),
            (_record("rc-2", _DAY), None),
            *extra,
            refused,
            (_record("rc-9", _DAY), "kc-9"),
        ]

        def first_refusal(call: Callable[[], object]) -> tuple[str, str]:
            with seeded:
                with pytest.raises(InvalidInput) as raised:
                    call()
                assert seeded.records.get_many(["rc-9"]) == {}, (
                    "the entries after the refused one are not stored"
                )
                assert seeded.records.by_idempotency_key("kc-9") is None
            return raised.value.code, raised.value.path

        one_by_one = first_refusal(lambda: [seeded.records.add(r, idempotency_key=k) for r, k in entries])
        assert one_by_one == expected, f"add refuses the {clash} with {expected}"
        assert first_refusal(lambda: seeded.records.add_many(entries)) == one_by_one, (
            f"add_many must refuse the {clash} as add does"
        )
        with seeded:
            stored = seeded.records.get_many(r.id for r, _ in entries)
            assert sorted(stored) == (["rc-0"] if clash == "committed id" else []), (
                "rolled back: nothing stored"
            )

    def test_member_year_totals_equal_the_reference_fold(self, seeded: UnitOfWork) -> None:
        """``uow.member_year_totals`` (an override, e.g. a ``GROUP BY``) equals
        ``compliance.member_year_totals`` over ``records.in_year`` with the members' own branches:
        reversals, adjustments, unconfirmed records, another branch's activity, ``as_of``, other years,
        and the unit's own uncommitted writes."""
        community = Activity(
            id="a-cs",
            kind=ActivityKind.COMMUNITY_SERVICE,
            branch_id="b-2",
            on=date(2026, 1, 31),
            title="社区",
        )
        caring = Activity(
            id="a-ca", kind=ActivityKind.CARING_ACTION, branch_id="b-1", on=date(2026, 9, 1), title="献爱心"
        )

        def at(record_id: str, activity: Activity, member_id: str, **changes: Any) -> ServiceRecord:
            return attrs.evolve(
                _record(record_id, activity.on, member_id=member_id),
                activity_id=activity.id,
                branch_id=activity.branch_id,
                kind=activity.kind,
                **changes,
            )

        first = _record("rt-1", date(2026, 4, 1), member_id="m-2")  # b-1's pairing: not m-2's own
        _store(
            seeded,
            [
                ("activities", community),
                ("activities", caring),
                ("records", first),
                ("records", at("rt-2", community, "m-2")),
                ("records", at("rt-3", community, "m-1", status=RecordStatus.PENDING)),
                ("records", at("rt-4", caring, "m-1")),
                ("records", _record("rt-5", date(2025, 12, 31))),
            ],
        )
        with seeded:
            seeded.records.add(seeded.records.get("r-1").reversal(id="rt-r", recorded_on=date(2026, 3, 9)))
            adjustment = attrs.evolve(_record("rt-adj", date(2026, 10, 8)), adjusts="rt-4", minutes=-15)
            seeded.records.add(adjustment)
            seeded.records.add(at("rt-6", caring, "m-2", on=date(2026, 12, 31)))
            branch_of = {m.id: m.branch_id for m in seeded.members.list()}
            for as_of in (None, date(2026, 1, 30), date(2026, 9, 1), date(2027, 2, 1)):
                expected = compliance.member_year_totals(
                    seeded.records.in_year(2026), 2026, branch_of=branch_of, as_of=as_of
                )
                found = seeded.member_year_totals(2026, as_of=as_of)
                assert found == expected, f"member_year_totals(2026, as_of={as_of})"
            assert seeded.member_year_totals(2024) == {}

    def test_members_in_branch(self, seeded: UnitOfWork) -> None:
        _store(
            seeded,
            [
                ("members", _member("m-9", "b-1")),
                ("members", _member("m-10", "b-1", left_on=date(2024, 1, 1))),
                ("members", _member("m-3", "b-2")),
            ],
        )
        with seeded:
            assert _ids(seeded.members.in_branch("b-1")) == ["m-1", "m-10", "m-9"], "past members included"
            assert _ids(seeded.members.in_branch("b-2")) == ["m-2", "m-3"]
            assert seeded.members.in_branch("b-unknown") == []

    def test_pairings_for_target_and_for_branch(self, seeded: UnitOfWork) -> None:
        joint = Pairing(
            id="pr-3",
            branch_ids=frozenset({"b-1", "b-2"}),
            target_id="bf-1",
            mode=PairingMode.JOINT_BRANCHES,
            period=DateRange(date(2026, 1, 1)),
        )
        ended = _pairing("pr-2", "u-1", date(2020, 1, 1), date(2021, 12, 31))
        _store(seeded, [("pairings", joint), ("pairings", ended)])
        with seeded:
            assert _ids(seeded.pairings.for_target("u-1")) == ["pr-1", "pr-2"], "ended pairings included"
            assert _ids(seeded.pairings.for_target("bf-1")) == ["pr-3"]
            assert seeded.pairings.for_target("u-unknown") == []
            assert _ids(seeded.pairings.for_branch("b-1")) == ["pr-1", "pr-2", "pr-3"]
            assert _ids(seeded.pairings.for_branch("b-2")) == ["pr-3"]
            assert seeded.pairings.for_branch("b-unknown") == []

    def test_activities_in_year(self, seeded: UnitOfWork) -> None:
        _store(
            seeded,
            [
                ("activities", _activity("a-3", date(2026, 12, 31))),
                ("activities", _activity("a-2", date(2026, 1, 1))),
                ("activities", _activity("a-0", date(2025, 12, 31))),
                ("activities", _activity("a-4", date(2027, 1, 1))),
            ],
        )
        with seeded:
            assert _ids(seeded.activities.in_year(2026)) == ["a-1", "a-2", "a-3"]
            assert _ids(seeded.activities.in_year(2025)) == ["a-0"]
            assert _ids(seeded.activities.in_year(2027)) == ["a-4"]

    def test_wishes_with_status(self, seeded: UnitOfWork) -> None:
        day = date(2026, 3, 2)
        _store(
            seeded,
            [
                ("wishes", _collected_wish("w-3")),
                ("wishes", _claimed_wish("w-2", ("m-1",))),
                ("wishes", _collected_wish("w-0").screen(False, day, reason="重复征集")),
            ],
        )
        with seeded:
            assert _ids(seeded.wishes.with_status(WishStatus.COLLECTED)) == ["w-1", "w-3"]
            assert _ids(seeded.wishes.with_status(WishStatus.CLAIMED)) == ["w-2"]
            assert _ids(seeded.wishes.with_status(WishStatus.REJECTED)) == ["w-0"]
            assert seeded.wishes.with_status(WishStatus.FULFILLED) == []

    def test_plans_for_branch_ordered_by_submission_then_id(self, seeded: UnitOfWork) -> None:
        plans = [
            _plan("pl-3", "b-1", 2026, date(2026, 1, 10)),
            _plan("pl-2", "b-1", 2026, date(2026, 3, 1)),
            _plan("pl-4", "b-1", 2025, date(2025, 3, 1)),
            _plan("pl-5", "b-2", 2026, date(2026, 3, 1)),
        ]
        _store(seeded, [("plans", p) for p in plans])
        with seeded:
            assert _ids(seeded.plans.for_branch("b-1", 2026)) == ["pl-3", "pl-1", "pl-2"]
            assert _ids(seeded.plans.for_branch("b-1", 2025)) == ["pl-4"]
            assert _ids(seeded.plans.for_branch("b-2", 2026)) == ["pl-5"]
            assert seeded.plans.for_branch("b-2", 2027) == []

    def test_reports_for_branch_ordered_by_half_submission_then_id(self, seeded: UnitOfWork) -> None:
        reports = [
            _report("hr-5", "b-1", 2026, 2, date(2026, 7, 1)),
            _report("hr-2", "b-1", 2026, 1, date(2026, 6, 30)),
            _report("hr-3", "b-1", 2026, 1, date(2026, 1, 5)),
            _report("hr-4", "b-1", 2025, 2, date(2025, 12, 31)),
            _report("hr-6", "b-2", 2026, 1, date(2026, 6, 1)),
        ]
        _store(seeded, [("reports", r) for r in reports])
        with seeded:
            assert _ids(seeded.reports.for_branch("b-1", 2026)) == ["hr-3", "hr-1", "hr-2", "hr-5"]
            assert _ids(seeded.reports.for_branch("b-1", 2025)) == ["hr-4"]
            assert _ids(seeded.reports.for_branch("b-2", 2026)) == ["hr-6"]

    def test_locks(self, seeded: UnitOfWork) -> None:
        with seeded:
            assert not seeded.locks.is_locked("b-1", 2026)
            assert seeded.locks.list() == []
            seeded.locks.lock("b-2", 2026)
            seeded.locks.lock("b-1", 2026)
            seeded.locks.lock("b-1", 2026)
            seeded.locks.lock("b-1", 2025)
            assert seeded.locks.is_locked("b-1", 2026)
            seeded.commit()
        with seeded:
            assert seeded.locks.list() == [("b-1", 2025), ("b-1", 2026), ("b-2", 2026)]
            assert seeded.locks.is_locked("b-2", 2026)
            assert not seeded.locks.is_locked("b-2", 2025)
            assert not seeded.locks.is_locked("b-3", 2026)
            seeded.locks.lock("b-1", 2026)
            seeded.commit()
        assert _read(seeded, lambda u: u.locks.list()) == [("b-1", 2025), ("b-1", 2026), ("b-2", 2026)]

    # -- several units of work ------------------------------------------------------------------------

    def test_siblings_do_not_see_uncommitted_writes(self, seeded: UnitOfWork) -> None:
        other = self._sibling(seeded)
        with seeded:
            seeded.branches.add(Branch(id="new-1", name="新党支部"))
            seeded.members.add(_member("new-m", "b-2"))
            seeded.records.add(_record("new-r", _DAY), idempotency_key="k-iso")
            seeded.locks.lock("b-1", 2026)
            with other:
                with pytest.raises(NotFound):
                    other.branches.get("new-1")
                assert _ids(other.branches.list()) == ["b-1", "b-2"]
                assert _ids(other.members.in_branch("b-2")) == ["m-2"]
                assert _ids(other.records.in_year(2026)) == ["r-1"]
                assert other.records.by_idempotency_key("k-iso") is None
                assert not other.locks.is_locked("b-1", 2026)
            seeded.commit()
        with other:
            assert other.branches.get("new-1").id == "new-1", "committed data is visible to other units"
            assert other.records.by_idempotency_key("k-iso") == _record("new-r", _DAY)
            assert other.locks.is_locked("b-1", 2026)

    def test_siblings_rollback_of_one_leaves_the_other(self, seeded: UnitOfWork) -> None:
        other = self._sibling(seeded)
        with other:
            other.branches.add(Branch(id="new-2", name="新党支部"))
        with seeded:
            seeded.branches.add(Branch(id="new-1", name="新党支部"))
            seeded.commit()
        with other:
            assert _ids(other.branches.list()) == ["b-1", "b-2", "new-1"]

    def test_siblings_lost_update_is_detected(self, seeded: UnitOfWork) -> None:
        """Two units update the same version: not both may succeed, and the loser gets ConcurrencyConflict
        (from update or from commit)."""
        other = self._sibling(seeded)
        outcomes: dict[str, BaseException | None] = {}
        with seeded, other:
            mine = seeded.branches.get("b-1")
            theirs = other.branches.get("b-1")
            assert mine.version == theirs.version == 0
            for name, uow, entity in (
                ("first", seeded, attrs.evolve(mine, name="第一党支部")),
                ("second", other, attrs.evolve(theirs, name="第二党支部")),
            ):
                try:
                    uow.branches.update(entity)
                    uow.commit()
                    outcomes[name] = None
                except ConcurrencyConflict as exc:
                    outcomes[name] = exc
        winners = [name for name, error in outcomes.items() if error is None]
        assert len(winners) <= 1, "both units updated version 0 and committed: a lost update"
        stored = _read(seeded, lambda u: u.branches.get("b-1"))
        if winners:
            assert (stored.version, stored.name) == (
                1,
                {"first": "第一党支部", "second": "第二党支部"}[winners[0]],
            )
        else:
            assert stored.version == 0

    @pytest.mark.parametrize("clash", ["id", "idempotency_key"])
    def test_siblings_concurrent_adds_store_one(self, seeded: UnitOfWork, clash: str) -> None:
        """Two units, both begun, add the same id (or idempotency key); the first commits. The second is
        refused — InvalidInput ``input.duplicate`` or ConcurrencyConflict, from add or from commit: the
        check and the insert are one atomic step. (A storage that makes the first wait for the second may
        refuse the first instead; never both succeed.)"""
        other = self._sibling(seeded)
        records = {"first": _record("new-r1", _DAY), "second": _record("new-r2", _DAY)}
        if clash == "id":
            records["second"] = attrs.evolve(records["first"], minutes=30)
        outcomes: dict[str, BaseException | None] = {}
        with seeded, other:
            assert seeded.records.list()  # both transactions have read
            assert other.records.list()
            for name, uow in (("first", seeded), ("second", other)):
                key = f"k-{name}" if clash == "id" else "k-race"
                try:
                    uow.records.add(records[name], idempotency_key=key)
                    uow.commit()
                    outcomes[name] = None
                except (InvalidInput, ConcurrencyConflict) as exc:
                    outcomes[name] = exc
        winners = [name for name, error in outcomes.items() if error is None]
        assert len(winners) == 1, f"exactly one of two clashing adds must be stored: {outcomes}"
        for error in outcomes.values():
            if isinstance(error, InvalidInput):
                assert (error.code, error.path) == ("input.duplicate", clash)
        winner = records[winners[0]]
        with seeded:
            assert seeded.records.get(winner.id) == winner
            assert _ids(seeded.records.list()) == sorted(["r-1", winner.id])

    def test_siblings_write_skew_is_refused(self, seeded: UnitOfWork) -> None:
        """Two units both find no pairing of a target, then each adds one: not both may commit."""
        self._require("supports_serializable")
        other = self._sibling(seeded)
        committed = 0
        with seeded, other:
            assert seeded.pairings.for_target("u-9") == []
            assert other.pairings.for_target("u-9") == []
            for uow, pairing_id in ((seeded, "pr-a"), (other, "pr-b")):
                try:
                    uow.pairings.add(_pairing(pairing_id, "u-9", date(2026, 1, 1)))
                    uow.commit()
                    committed += 1
                except ConcurrencyConflict:
                    pass
        assert committed <= 1, "both units read no pairing of u-9 and both committed one (write skew)"
        assert len(_read(seeded, lambda u: u.pairings.for_target("u-9"))) == committed

    def test_threads_concurrent_claims_all_land(self, uow: UnitOfWork) -> None:
        """Units of work in several threads claim one wish at once: the use-case's retries serialise them."""
        self._require("supports_threads")
        count = 4
        wish_id, members = _concurrent_claim_setup(uow, count)
        siblings = [self._sibling(uow) for _ in members]
        barrier = threading.Barrier(count)
        failures: list[str] = []

        def claim(sibling: UnitOfWork, member_id: str) -> None:
            try:
                barrier.wait(30)
                services.claim_wish(sibling, wish_id, member_id, on=date(2026, 3, 10), retries=100)
            except BaseException as exc:
                failures.append(f"{member_id}: {type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=claim, args=pair) for pair in zip(siblings, members, strict=True)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not failures, failures
        wish = _read(uow, lambda u: u.wishes.get(wish_id))
        assert sorted(c.member_id for c in wish.live_claims) == sorted(members)
        assert wish.version == 2 + count

    def test_processes_concurrent_claims_all_land(self, uow: UnitOfWork) -> None:
        """Units of work in several processes claim one wish at once."""
        self._require("supports_multiprocess")
        count = 3
        wish_id, members = _concurrent_claim_setup(uow, count)
        factory = self.process_factory(uow)
        try:
            pickle.dumps(factory)
        except Exception as exc:
            pytest.fail(f"process_factory(uow) must return a picklable callable: {exc!r}")
        context = multiprocessing.get_context("spawn")
        start = context.Barrier(count)
        results: Any = context.Queue()
        processes = [
            context.Process(target=_claim_in_process, args=(factory, wish_id, m, start, results))
            for m in members
        ]
        for process in processes:
            process.start()
        try:
            reported = dict(results.get(timeout=120) for _ in processes)
        except queue.Empty:
            pytest.fail("a child process reported nothing within 120 s")
        finally:
            for process in processes:
                process.join(30)
        assert {m: e for m, e in reported.items() if e} == {}
        wish = _read(uow, lambda u: u.wishes.get(wish_id))
        assert sorted(c.member_id for c in wish.live_claims) == sorted(members)

    # -- everything at once -----------------------------------------------------------------------------

    def test_random_operations_agree_with_reference(self) -> None:
        """The hypothesis state machine :class:`StorageComparison` (profile: :func:`contract_settings`)."""
        machine = StorageComparison.for_storage(
            lambda: self._check(self.make_uow(), "make_uow()"), self.dispose_uow
        )
        run_state_machine_as_test(machine, settings=contract_settings())

    # -- helpers ----------------------------------------------------------------------------------------

    @staticmethod
    def _everything(uow: UnitOfWork) -> dict[str, list[Any]]:
        with uow:
            return {name: _repo(uow, name).list() for name in (*REPOSITORIES, "locks")}
