"""Evaluating a stored year by organisation (逐级上报): the roll-up of the whole stored tree, one node's
subtree (``organisation_id``), on memory, SQLite and PostgreSQL — the SQL path equal to the memory path,
per-node totals equal to the sum of their children, and the members outside the subtree never read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from services_support import MakeUow

from volunteer_core import (
    Branch,
    DateRange,
    InvalidInput,
    Member,
    NotFound,
    Organisation,
    Pairing,
    PartnerUnit,
    compliance,
    policies,
    services,
)
from volunteer_core.compliance import OrganisationTotals, YearReport
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork
from volunteer_core.testing.synthetic import SyntheticYear, generate_year

YEAR = 2026
AS_OF = date(YEAR, 12, 31)


def _world() -> SyntheticYear:
    """A generated year under a tree of 3 levels: 工委 → 2 机关党委 → 6 支部."""
    world = generate_year(YEAR, members=60, branches=6, seed=5)
    levels = {o.id: o.parent_id for o in world.organisations}
    assert len(levels) == 3
    assert sum(1 for p in levels.values() if p is None) == 1
    assert all(b.organisation_id in levels and levels[b.organisation_id] is not None for b in world.branches)
    return world


def _comparable(report: YearReport) -> tuple[Any, ...]:
    return (
        dict(report.members),
        sorted(report.violations, key=repr),
        dict(report.branches),
        dict(report.organisations),
        report.records_read,
        report.unmatched_records,
    )


def _memory_report(world: SyntheticYear, **kw: Any) -> YearReport:
    uow = InMemoryUnitOfWork(InMemoryStore())
    world.load_into(uow)
    return services.evaluate_year(uow, YEAR, as_of=AS_OF, **kw)


@pytest.fixture(scope="module")
def world() -> SyntheticYear:
    return _world()


@pytest.fixture(scope="module")
def on_memory(world: SyntheticYear) -> YearReport:
    return _memory_report(world)


def test_the_tree_rolls_up_alike_on_every_storage(
    make_uow: MakeUow, world: SyntheticYear, on_memory: YearReport
) -> None:
    uow = make_uow()
    world.load_into(uow)
    pushed = services.evaluate_year(uow, YEAR, as_of=AS_OF)
    streamed = services.evaluate_year(uow, YEAR, as_of=AS_OF, pushdown=False)
    assert _comparable(pushed) == _comparable(on_memory)
    assert _comparable(streamed) == _comparable(on_memory)
    rolled = pushed.organisations
    assert [(o.depth, len(o.child_ids), len(o.branch_ids)) for o in rolled.values()] == [
        (0, 2, 0),
        (1, 0, 3),
        (1, 0, 3),
    ]
    for node in rolled.values():
        children = sum((rolled[c].subtree for c in node.child_ids), OrganisationTotals())
        assert node.subtree == node.node + children
    top = next(iter(rolled.values()))
    assert top.subtree.members == len(pushed.members)
    assert top.subtree.compliant_members == pushed.compliant_members
    assert top.subtree.net_minutes == sum(m.net_minutes for m in pushed.members.values())
    assert top.subtree.violations == len(pushed.violations)  # every violation concerns a branch of the tree
    assert top.subtree.branches == 6


def test_one_subtree_is_judged_alone_on_every_storage(
    make_uow: MakeUow, world: SyntheticYear, on_memory: YearReport
) -> None:
    """``organisation_id``: the node's branches and members only, the roll-up from that node (depth 0);
    each member and branch judged as in the whole report; equal across storages and paths."""
    uow = make_uow()
    world.load_into(uow)
    node = next(o for o in world.organisations if o.parent_id is not None)
    part = services.evaluate_year(uow, YEAR, as_of=AS_OF, organisation_id=node.id)
    streamed = services.evaluate_year(uow, YEAR, as_of=AS_OF, organisation_id=node.id, pushdown=False)
    assert _comparable(streamed) == _comparable(part)
    assert _comparable(part) == _comparable(_memory_report(world, organisation_id=node.id))
    mine = {b.id for b in world.branches if b.organisation_id == node.id}
    assert set(part.branches) == mine
    assert set(part.members) == {m for m, y in on_memory.members.items() if y.branch_id in mine}
    assert all(part.members[m] == on_memory.members[m] for m in part.members)
    branch_of = {m.id: m.branch_id for m in world.members}
    assert part.records_read == sum(
        1 for r in world.records() if r.on.year == YEAR and branch_of[r.member_id] in mine
    )
    assert 0 < part.records_read < on_memory.records_read
    assert part.unmatched_records == 0
    for branch_id in mine:
        whole, alone = on_memory.branches[branch_id], part.branches[branch_id]
        assert (alone.members, alone.compliant_members, alone.net_minutes, alone.violations) == (
            whole.members,
            whole.compliant_members,
            whole.net_minutes,
            whole.violations,
        )
    (only,) = part.organisations.values()
    assert (only.organisation_id, only.depth, only.path) == (node.id, 0, (node.id,))
    assert only.subtree.members == on_memory.organisations[node.id].subtree.members
    assert only.subtree.net_minutes == on_memory.organisations[node.id].subtree.net_minutes
    root = next(o for o in world.organisations if o.parent_id is None)
    whole_tree = services.evaluate_year(uow, YEAR, as_of=AS_OF, organisation_id=root.id)
    assert dict(whole_tree.members) == dict(on_memory.members)
    assert whole_tree.organisations == on_memory.organisations


def test_an_unknown_organisation_and_a_bad_shard_are_refused(make_uow: MakeUow) -> None:
    uow = make_uow()
    with pytest.raises(NotFound):
        services.evaluate_year(uow, YEAR, organisation_id="nowhere")
    with pytest.raises(InvalidInput) as caught:
        services.evaluate_year(uow, YEAR, shard=(2, 2))
    assert caught.value.path == "shard"
    with uow, pytest.raises(InvalidInput):
        services.evaluate_in_transaction(uow, YEAR, shard=(1, 0))
    for junk in (["o1"], "", " o1", 7):  # structurally bad: InvalidInput naming the field, on every storage
        with pytest.raises(InvalidInput) as bad:
            services.evaluate_year(uow, YEAR, organisation_id=junk)  # type: ignore[arg-type]
        assert bad.value.path == "organisation_id"


def test_an_empty_subtree_and_branches_outside_the_tree(make_uow: MakeUow) -> None:
    """A node without branches judges nobody; a branch without an organisation is in no node."""
    uow = make_uow()
    services.add_entities(
        uow,
        [
            Organisation(id="o1", name="工委", kind="work_committee"),
            Organisation(id="o2", name="空党委", kind="organ_party_committee", parent_id="o1"),
            Branch(id="b1", name="一支部", organisation_id="o1"),
            Branch(id="b2", name="游离支部"),
            Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1)),
            Member(id="m2", name="乙", branch_id="b2", joined_on=date(2020, 1, 1)),
        ],
    )
    empty = services.evaluate_year(uow, YEAR, organisation_id="o2")
    assert (dict(empty.members), dict(empty.branches), empty.violations) == ({}, {}, ())
    assert [o.organisation_id for o in empty.organisations.values()] == ["o2"]
    whole = services.evaluate_year(uow, YEAR)
    assert set(whole.members) == {"m1", "m2"}
    assert whole.organisations["o1"].subtree.members == 1
    assert whole.organisations["o2"].subtree == OrganisationTotals()


class _Watched:
    """A members repository that notes every read (to show which members an evaluation reads)."""

    def __init__(self, inner: Any, reads: list[tuple[str, Any]]) -> None:
        self._inner = inner
        self._reads = reads

    def __getattr__(self, name: str) -> Any:
        found = getattr(self._inner, name)
        if not callable(found):
            return found

        def call(*args: Any, **kw: Any) -> Any:
            self._reads.append((name, args))
            return found(*args, **kw)

        return call


def test_the_members_outside_the_subtree_are_not_read(make_uow: MakeUow, world: SyntheticYear) -> None:
    """With ``organisation_id`` only one ``members.in_branches`` of the subtree's branches reads members,
    and the storage's aggregates are asked for those branches only (never every member)."""
    uow = make_uow()
    world.load_into(uow)
    node = next(o for o in world.organisations if o.parent_id is not None)
    mine = sorted(b.id for b in world.branches if b.organisation_id == node.id)
    reads: list[tuple[str, Any]] = []
    asked: list[Any] = []
    uow.members = _Watched(uow.members, reads)  # type: ignore[assignment]
    inner_totals: Callable[..., Any] = uow.member_year_totals

    def totals(year: int, **kw: Any) -> Any:
        asked.append(kw.get("branch_ids"))
        found = inner_totals(year, **kw)
        assert set(found) <= {m.id for m in world.members if m.branch_id in mine}
        return found

    uow.member_year_totals = totals  # type: ignore[method-assign]
    report = services.evaluate_year(uow, YEAR, organisation_id=node.id)
    # memory: the port's default totals read the members again, by in_branches too (SQL: GROUP BY)
    memory = isinstance(uow, InMemoryUnitOfWork)
    assert [(name, sorted(a[0])) for name, a in reads] == [("in_branches", mine)] * (2 if memory else 1)
    assert asked == [frozenset(mine)]
    assert {y.branch_id for y in report.members.values()} == set(mine)


def test_the_default_totals_read_only_the_given_branches_members() -> None:
    """The port's default ``member_year_totals(branch_ids=…)`` loads those branches' members alone."""
    world = _world()
    uow = InMemoryUnitOfWork(InMemoryStore())
    world.load_into(uow)
    reads: list[tuple[str, Any]] = []
    uow.members = _Watched(uow.members, reads)  # type: ignore[assignment]
    with uow:
        found = UnitOfWork.member_year_totals(uow, YEAR, branch_ids=["b0001"])
        assert [(name, sorted(a[0])) for name, a in reads] == [("in_branches", ["b0001"])]
        expected = {
            k: v
            for k, v in UnitOfWork.member_year_totals(uow, YEAR).items()
            if k in {m.id for m in world.members if m.branch_id == "b0001"}
        }
    assert found == expected
    assert found


def test_the_core_gives_the_same_roll_up(world: SyntheticYear, on_memory: YearReport) -> None:
    """``services.evaluate_year`` rolls up as ``compliance.evaluate_year`` does on the same data."""
    uow = InMemoryUnitOfWork(InMemoryStore())
    world.load_into(uow)
    with uow:
        activities, pairings = uow.activities.list(), uow.pairings.list()
        records = list(uow.records.in_year(YEAR))
    expected = compliance.evaluate_year(
        YEAR,
        members=world.members,
        records=records,
        teams=world.teams,
        activities=activities,
        pairings=pairings,
        plans=world.plans,
        reports=world.reports,
        branches=world.branches,
        organisations=world.organisations,
        as_of=AS_OF,
    )
    assert dict(expected.organisations) == dict(on_memory.organisations)


def test_the_limit_per_unit_finds_a_unit_above_the_subtree(make_uow: MakeUow) -> None:
    """MCA_LEIFENG, one target per 单位: two branches of one unit paired with two targets at once break
    it — judged for the whole tree and for a subtree below the unit alike, counted once, for the first
    branch of the subject pairing; the subtree's roll-up still starts at its own node."""
    uow = make_uow()
    since = DateRange(date(YEAR, 1, 1))
    services.add_entities(
        uow,
        [
            Organisation(id="o1", name="市直机关工委", kind="work_committee"),
            Organisation(id="o2", name="市民政局", kind="unit", parent_id="o1"),
            Organisation(id="o3", name="民政局机关党委", kind="organ_party_committee", parent_id="o2"),
            Branch(id="b1", name="一支部", organisation_id="o3"),
            Branch(id="b2", name="二支部", organisation_id="o3"),
            PartnerUnit(id="u1", name="福利院", kind="welfare_home"),
            PartnerUnit(id="u2", name="养老院", kind="nursing_home"),
        ],
    )
    with uow:  # stored as a host's older data may be: register_pairing would refuse the second
        uow.pairings.add(Pairing(id="p1", branch_ids={"b1"}, target_id="u1", mode="solo", period=since))
        uow.pairings.add(Pairing(id="p2", branch_ids={"b2"}, target_id="u2", mode="solo", period=since))
        uow.commit()
    for organisation_id in (None, "o1", "o3"):
        report = services.evaluate_year(
            uow, YEAR, organisation_id=organisation_id, policy=policies.MCA_LEIFENG
        )
        (found,) = [v for v in report.violations if v.code == "pairing.single_target"]
        assert found.details["unit_id"] == "o2"
        assert report.branches["b1"].violations_by_rule.get("pairing.single_target") == 1
        assert "pairing.single_target" not in report.branches["b2"].violations_by_rule
        top = next(iter(report.organisations.values()))
        assert top.organisation_id == (organisation_id or "o1")
        assert top.depth == 0
        assert top.subtree.violations_by_rule["pairing.single_target"] == 1
    below = services.evaluate_year(uow, YEAR, organisation_id="o3", policy=policies.MCA_LEIFENG)
    assert list(below.organisations) == ["o3"]
    assert not [v for v in services.evaluate_year(uow, YEAR).violations if v.code == "pairing.single_target"]


def test_streaming_a_subtree_reads_only_its_members_records(
    make_uow: MakeUow, world: SyntheticYear, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamed (``pushdown=False``, or a ``records`` wrapper), a subtree's evaluation reads its members'
    records by ``records.for_members`` a chunk at a time, never the whole year's ``in_year``."""
    from volunteer_core.services import evaluation

    monkeypatch.setattr(evaluation, "MEMBER_CHUNK", 7)
    uow = make_uow()
    world.load_into(uow)
    node = next(o for o in world.organisations if o.parent_id is not None)
    expected = services.evaluate_year(uow, YEAR, as_of=AS_OF, organisation_id=node.id)
    reads: list[tuple[str, Any]] = []
    uow.records = _Watched(uow.records, reads)  # type: ignore[assignment]
    streamed = services.evaluate_year(uow, YEAR, as_of=AS_OF, organisation_id=node.id, pushdown=False)
    assert _comparable(streamed) == _comparable(expected)
    assert {name for name, _ in reads} == {"for_members"}
    members = sorted(m.id for m in world.members if m.branch_id in set(streamed.branches))
    asked = [list(args[0]) for name, args in reads]
    assert [m for chunk in asked for m in chunk] == members
    assert max(len(chunk) for chunk in asked) == 7
    seen: list[str] = []

    def tally(stream: Any) -> Any:
        for record in stream:
            seen.append(record.member_id)
            yield record

    with uow:
        wrapped = services.evaluate_in_transaction(
            uow, YEAR, as_of=AS_OF, organisation_id=node.id, records=tally
        )
    assert _comparable(wrapped) == _comparable(expected)
    assert set(seen) <= set(members)
    assert len(seen) == expected.records_read


def test_a_subtree_reads_its_members_in_one_statement_per_thousand_branches(tmp_path: Any) -> None:
    """SQLite: the members of a subtree of 1,200 branches are read by ``members.in_branches`` — two
    ``branch_id IN (…)`` statements of at most 1,000 ids (and their skills) — not one statement per
    branch: the evaluation of that subtree runs as many statements as that of a subtree of 3, plus two."""
    import sqlalchemy as sa

    from volunteer_core.storage.sql import SqlUnitOfWork, create_schema

    engine = create_schema(f"sqlite:///{tmp_path / 'wide.db'}")
    uow = SqlUnitOfWork(engine)
    entities: list[Any] = [
        Organisation(id="o-wide", name="市直机关工委", kind="work_committee"),
        Organisation(id="o-small", name="区直机关工委", kind="work_committee"),
    ]
    for index in range(1203):
        node = "o-wide" if index < 1200 else "o-small"
        entities.append(Branch(id=f"b{index:04d}", name=f"第{index}支部", organisation_id=node))
        entities.append(
            Member(id=f"m{index:04d}", name="张三", branch_id=f"b{index:04d}", joined_on=date(2020, 1, 1))
        )
    services.add_entities(uow, entities)
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "SAVEPOINT" not in statement.upper():
            seen.append(" ".join(statement.split()))

    def run(organisation_id: str) -> tuple[YearReport, list[str]]:
        seen.clear()
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            report = services.evaluate_year(uow, YEAR, organisation_id=organisation_id)
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
        return report, list(seen)

    try:
        wide, wide_statements = run("o-wide")
        small, small_statements = run("o-small")
    finally:
        engine.dispose()
    assert len(wide.members) == 1200
    assert sorted(small.members) == ["m1200", "m1201", "m1202"]
    reading_members = [s for s in wide_statements if s.startswith("SELECT members.")]
    assert len(reading_members) == 2
    assert all("members.branch_id IN" in s for s in reading_members)
    assert len(wide_statements) <= len(small_statements) + 2
