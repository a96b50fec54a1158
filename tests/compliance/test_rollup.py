"""The organisation roll-up (逐级上报): ``roll_up_organisations`` (pre-order, depth, path, node vs subtree),
which branch each violation counts for, and ``YearReport.organisations`` / ``organisation_records`` /
``organisations_dataframe``."""

from __future__ import annotations

from collections import Counter
from datetime import date

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import volunteer_core as vc
from volunteer_core import (
    Activity,
    Branch,
    DateRange,
    InvalidInput,
    Member,
    Organisation,
    Pairing,
    Team,
    policies,
)
from volunteer_core.compliance import (
    ORGANISATION_COLUMNS,
    BranchYear,
    OrganisationTotals,
    evaluate_year,
    evaluate_year_totals,
    roll_up_organisations,
    valid_branch_ids,
)
from volunteer_core.testing import strategies as vst

JOINED = date(2020, 1, 1)


def _org(id: str, parent: str | None = None, kind: str = "organ_party_committee") -> Organisation:
    return Organisation(id=id, name=f"组织{id}", kind=kind, parent_id=parent)


def _totals(members: int, compliant: int = 0, minutes: int = 0, **violations: int) -> OrganisationTotals:
    return OrganisationTotals(
        branches=1,
        members=members,
        compliant_members=compliant,
        net_minutes=minutes,
        violations_by_rule={k.replace("__", "."): v for k, v in violations.items()},
    )


# -- the pure roll-up ------------------------------------------------------------------------------------


def test_a_three_level_tree_rolls_up_in_pre_order_with_depth_path_and_children_by_id() -> None:
    tree = [_org("o3", "o1"), _org("o2", "o1"), _org("o1", kind="work_committee"), _org("o4", "o2")]
    branches = [
        Branch(id="b2", name="二支部", organisation_id="o2"),
        Branch(id="b1", name="一支部", organisation_id="o2"),
        Branch(id="b3", name="三支部", organisation_id="o4"),
        Branch(id="b4", name="四支部", organisation_id="o3"),
        Branch(id="b5", name="五支部", organisation_id="o1"),
        Branch(id="b6", name="无组织支部"),  # in no node
    ]
    totals = {
        "b1": _totals(3, 2, 600, member__annual_hours=1),
        "b2": _totals(2, 2, 1200),
        "b3": _totals(4, 1, 60, member__skill=2, branch__team=1),
        "b4": _totals(1, 0, 0, member__annual_hours=1),
        "b5": _totals(5, 5, 6000),
        "b6": _totals(100, 100, 100_000),
    }
    rolled = roll_up_organisations(tree, branches=branches, branch_totals=totals)
    assert list(rolled) == ["o1", "o2", "o4", "o3"]
    o1, o2, o4, o3 = rolled.values()
    assert [(o.depth, o.path) for o in (o1, o2, o4, o3)] == [
        (0, ("o1",)),
        (1, ("o1", "o2")),
        (2, ("o1", "o2", "o4")),
        (1, ("o1", "o3")),
    ]
    assert o1.child_ids == ("o2", "o3")
    assert o2.child_ids == ("o4",)
    assert o4.child_ids == ()
    assert o2.branch_ids == ("b1", "b2")
    assert o1.branch_ids == ("b5",)
    assert o3.branch_ids == ("b4",)
    assert o2.node == OrganisationTotals(
        branches=2,
        members=5,
        compliant_members=4,
        net_minutes=1800,
        violations_by_rule={"member.annual_hours": 1},
    )
    assert o2.subtree == o2.node + o4.node
    assert o2.subtree.violations_by_rule == {"branch.team": 1, "member.annual_hours": 1, "member.skill": 2}
    assert o1.node.members == 5
    assert o1.subtree == OrganisationTotals(
        branches=5,
        members=15,
        compliant_members=10,
        net_minutes=7860,
        violations_by_rule={"branch.team": 1, "member.annual_hours": 2, "member.skill": 2},
    )
    assert o1.parent_id is None
    assert o4.parent_id == "o2"
    assert o4.name == "组织o4"


def test_the_top_nodes_are_those_whose_parent_is_not_given() -> None:
    """A subtree asked for (its root's parent left out) starts at depth 0; several tops come by id."""
    rolled = roll_up_organisations(
        [_org("o9", "elsewhere"), _org("o2"), _org("o3", "o2")], branches=[], branch_totals={}
    )
    assert [(o.organisation_id, o.depth, o.path) for o in rolled.values()] == [
        ("o2", 0, ("o2",)),
        ("o3", 1, ("o2", "o3")),
        ("o9", 0, ("o9",)),
    ]
    assert all(o.subtree == OrganisationTotals() for o in rolled.values())


def test_a_branch_not_judged_is_in_no_node_and_a_later_organisation_replaces_an_earlier() -> None:
    rolled = roll_up_organisations(
        [_org("o1"), attrs.evolve(_org("o1"), name="改名")],
        branches=[
            Branch(id="b1", name="一支部", organisation_id="o1"),
            Branch(id="b2", name="二", organisation_id="o1"),
        ],
        branch_totals={"b1": _totals(2)},
    )
    assert rolled["o1"].name == "改名"
    assert rolled["o1"].branch_ids == ("b1",)
    assert rolled["o1"].node.branches == 1


def test_organisations_that_reach_no_top_are_a_cycle() -> None:
    with pytest.raises(InvalidInput) as caught:
        roll_up_organisations([_org("o1"), _org("o2", "o3"), _org("o3", "o2")], branches=[], branch_totals={})
    assert (caught.value.code, caught.value.path, caught.value.value) == (
        "input.cycle",
        "organisations",
        "o2",
    )
    assert "o2, o3" in caught.value.message_en
    assert "o2、o3" in caught.value.message_zh


@st.composite
def _trees(draw: st.DrawFn) -> tuple[list[Organisation], list[Branch], dict[str, OrganisationTotals]]:
    """A forest of up to 12 organisations (each parent drawn among the earlier ones, or none), up to 15
    branches hanging anywhere in it or nowhere, each with drawn totals."""
    n = draw(st.integers(1, 12))
    organisations: list[Organisation] = []
    for i in range(n):
        parent = draw(st.none() | st.sampled_from([o.id for o in organisations])) if organisations else None
        organisations.append(_org(f"o{draw(st.integers(0, 10**6))}-{i}", parent))
    organisations = draw(st.permutations(organisations))
    branches: list[Branch] = []
    totals: dict[str, OrganisationTotals] = {}
    for i in range(draw(st.integers(0, 15))):
        where = draw(st.none() | st.sampled_from([o.id for o in organisations]))
        branches.append(Branch(id=f"b{i}", name=f"支部{i}", organisation_id=where))
        members = draw(st.integers(0, 50))
        totals[f"b{i}"] = OrganisationTotals(
            branches=1,
            members=members,
            compliant_members=draw(st.integers(0, members)),
            net_minutes=draw(st.integers(-600, 100_000)),
            violations_by_rule=draw(
                st.dictionaries(
                    st.sampled_from(["member.skill", "branch.team", "pairing.duplicate"]), st.integers(1, 5)
                )
            ),
        )
    return list(organisations), branches, totals


@settings(max_examples=150, deadline=None)
@given(_trees())
def test_every_subtree_is_its_node_plus_its_childrens_subtrees(
    tree: tuple[list[Organisation], list[Branch], dict[str, OrganisationTotals]],
) -> None:
    organisations, branches, totals = tree
    rolled = roll_up_organisations(organisations, branches=branches, branch_totals=totals)
    assert sorted(rolled) == sorted(o.id for o in organisations)
    for node in rolled.values():
        expected = node.node
        for child in node.child_ids:
            expected = expected + rolled[child].subtree
            assert rolled[child].depth == node.depth + 1
            assert rolled[child].path == (*node.path, child)
        assert node.subtree == expected
        assert list(node.child_ids) == sorted(node.child_ids)
    # pre-order: a node comes before everything below it
    position = {key: i for i, key in enumerate(rolled)}
    assert all(position[o.path[-2]] < position[o.organisation_id] for o in rolled.values() if o.depth)
    in_tree = [b.id for b in branches if b.organisation_id is not None]
    everything = sum((totals[b] for b in in_tree), OrganisationTotals())
    tops = sum((o.subtree for o in rolled.values() if o.depth == 0), OrganisationTotals())
    assert tops == everything


# -- which branch a violation counts for ------------------------------------------------------------------


def _member(id: str, branch: str, **kw: object) -> Member:
    return Member(id=id, name=f"党员{id}", branch_id=branch, joined_on=JOINED, **kw)  # type: ignore[arg-type]


def test_each_violation_counts_once_for_the_branch_it_concerns() -> None:
    """member → its branch; team → its branch; activity → its lead branch; a pairing → the first branch
    (sorted) of its subject pairing; a per-branch ``pairing.single_target`` → the branch it names."""
    b1, b2, b3 = (Branch(id=f"b{i}", name=f"{i}支部", organisation_id="o1") for i in (1, 2, 3))
    joint = Pairing(
        id="p1",
        branch_ids={"b3", "b2"},
        target_id="u1",
        mode="joint_branches",
        period=DateRange(date(2026, 1, 1)),
    )
    again = Pairing(
        id="p2", branch_ids={"b1"}, target_id="u1", mode="solo", period=DateRange(date(2026, 3, 1))
    )
    second = Pairing(
        id="p3", branch_ids={"b1"}, target_id="u2", mode="solo", period=DateRange(date(2026, 5, 1))
    )
    late_festival = Activity(
        id="a1", kind="festival", branch_id="b3", branch_ids={"b1"}, on=date(2026, 7, 20), title="同过节"
    )
    report = evaluate_year(
        2026,
        members=[_member("m1", "b1", skills={"急救"}), _member("m2", "b2")],
        records=[],
        teams=[Team(id="t1", branch_id="b2", name="先锋队")],
        activities=[late_festival],
        pairings=[joint, again, second],
        branches=[b1, b2, b3],
        policy=attrs.evolve(policies.DEFAULT, max_pairing_targets_per_branch=1),
        organisations=[_org("o1", kind="work_committee")],
    )
    codes = {v.code for v in report.violations}
    assert {
        "pairing.duplicate",
        "pairing.single_target",
        "team.campaign",
        "activity.festival_window",
    } <= codes
    by_branch = {b: dict(y.violations_by_rule) for b, y in report.branches.items()}
    assert by_branch["b3"]["activity.festival_window"] == 1  # the lead, not the co-organiser b1
    assert "activity.festival_window" not in by_branch["b1"]
    assert by_branch["b2"]["team.campaign"] == 1
    assert by_branch["b2"]["pairing.duplicate"] == 1  # p1 is the group's first pairing: b2 < b3
    assert "pairing.duplicate" not in by_branch["b3"]
    assert "pairing.duplicate" not in by_branch["b1"]
    assert by_branch["b1"]["pairing.single_target"] == 1  # the branch the violation names
    member_codes = Counter(
        v.code for y in report.members.values() if y.branch_id == "b2" for v in y.violations
    )
    assert all(by_branch["b2"][code] >= n for code, n in member_codes.items())
    counted = sum((Counter(y.violations_by_rule) for y in report.branches.values()), Counter())
    assert counted == Counter(v.code for v in report.violations)  # each once, none lost
    node = report.organisations["o1"]
    assert node.node.violations == len(report.violations)
    assert node.subtree.branches == 3


def test_a_pairing_counts_for_its_first_judged_branch() -> None:
    """A joint pairing whose first branch is not judged counts for its first branch that is."""
    joint = Pairing(
        id="p1",
        branch_ids={"a0", "b2"},
        target_id="u1",
        mode="joint_branches",
        period=DateRange(date(2026, 1, 1)),
    )
    other = Pairing(
        id="p2", branch_ids={"b2"}, target_id="u1", mode="solo", period=DateRange(date(2026, 2, 1))
    )
    report = evaluate_year(2026, members=[_member("m1", "b2")], records=[], pairings=[joint, other])
    assert report.branches["b2"].violations_by_rule["pairing.duplicate"] == 1


def test_a_violation_of_a_branch_not_judged_counts_for_no_branch() -> None:
    report = evaluate_year(
        2026,
        members=[_member("m1", "b1")],
        records=[],
        teams=[Team(id="t9", branch_id="b9", name="外队")],
    )
    assert "team.campaign" in {v.code for v in report.violations}
    assert "b9" not in report.branches
    assert all("team.campaign" not in y.violations_by_rule for y in report.branches.values())


@settings(max_examples=40, deadline=None)
@given(vst.datasets(joint=True), st.data())
def test_the_roll_up_of_a_generated_year_sums_its_branches(dataset: vst.Dataset, data: st.DataObject) -> None:
    """For any year and tree: every violation is counted once over the branches (every branch given),
    each subtree is its node plus its children's, and the tops sum the branches hanging in the tree."""
    tree: list[Organisation] = []
    for i in range(data.draw(st.integers(1, 6))):
        parent = data.draw(st.none() | st.sampled_from([o.id for o in tree])) if tree else None
        tree.append(_org(f"o{i}", parent))
    branches = [
        attrs.evolve(b, organisation_id=data.draw(st.none() | st.sampled_from([o.id for o in tree])))
        for b in dataset.branches
    ]
    report = evaluate_year(
        2026,
        members=dataset.members,
        records=dataset.records,
        teams=dataset.teams,
        activities=dataset.activities,
        pairings=dataset.pairings,
        branches=branches,
        organisations=tree,
    )
    counted = sum((Counter(y.violations_by_rule) for y in report.branches.values()), Counter())
    assert counted == Counter(v.code for v in report.violations)
    for node in report.organisations.values():
        assert node.subtree == sum((report.organisations[c].subtree for c in node.child_ids), node.node)
    in_tree = [report.branches[b.id].totals for b in branches if b.organisation_id is not None]
    assert sum(
        (o.subtree for o in report.organisations.values() if o.depth == 0), OrganisationTotals()
    ) == sum(in_tree, OrganisationTotals())


# -- the report ----------------------------------------------------------------------------------------


def _small_report() -> vc.YearReport:
    return evaluate_year(
        2026,
        members=[_member("m1", "b1"), _member("m2", "b2"), _member("m3", "b3")],
        records=[],
        branches=[
            Branch(id="b1", name="一支部", organisation_id="o2"),
            Branch(id="b2", name="二支部", organisation_id="o2"),
            Branch(id="b3", name="三支部", organisation_id="o1"),
        ],
        organisations=[_org("o1", kind="work_committee"), _org("o2", "o1")],
    )


def test_organisation_records_are_one_flat_row_per_node() -> None:
    records = _small_report().organisation_records()
    assert [tuple(r) for r in records] == [ORGANISATION_COLUMNS] * 2
    assert [
        (r["organisation_id"], r["depth"], r["path"], r["node_members"], r["subtree_members"])
        for r in records
    ] == [
        ("o1", 0, "o1", 1, 3),
        ("o2", 1, "o1/o2", 2, 2),
    ]
    assert records[1]["kind"] == "organ_party_committee"
    assert records[1]["parent_id"] == "o1"
    assert records[0]["subtree_violations"] == len(_small_report().violations)
    assert evaluate_year(2026, members=[], records=[]).organisation_records() == []


def test_organisations_dataframe() -> None:
    pandas = pytest.importorskip("pandas")
    frame = _small_report().organisations_dataframe()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == list(ORGANISATION_COLUMNS)
    assert list(frame["depth"]) == [0, 1]
    assert list(frame["subtree_members"]) == [3, 2]
    empty = evaluate_year(2026, members=[], records=[]).organisations_dataframe()
    assert list(empty.columns) == list(ORGANISATION_COLUMNS)
    assert len(empty) == 0


def test_evaluate_year_totals_rolls_up_the_same_way() -> None:
    report = _small_report()
    totals = evaluate_year_totals(
        2026,
        members=[_member("m1", "b1"), _member("m2", "b2"), _member("m3", "b3")],
        totals=[],
        branches=[
            Branch(id="b1", name="一支部", organisation_id="o2"),
            Branch(id="b2", name="二支部", organisation_id="o2"),
            Branch(id="b3", name="三支部", organisation_id="o1"),
        ],
        organisations=[_org("o1", kind="work_committee"), _org("o2", "o1")],
    )
    assert totals.organisations == report.organisations
    assert totals.branches == report.branches


def test_judged_activities_are_judged_while_every_activity_is_known() -> None:
    """A report of part of the organ: the other branches' activities give the facts, not violations."""
    own = Activity(id="a1", kind="festival", branch_id="b1", on=date(2026, 7, 20), title="本支部")
    other = Activity(id="a2", kind="festival", branch_id="b9", on=date(2026, 7, 21), title="他支部")
    both = evaluate_year(2026, members=[_member("m1", "b1")], records=[], activities=[own, other])
    mine = evaluate_year(
        2026, members=[_member("m1", "b1")], records=[], activities=[own, other], judged_activities=[own]
    )
    assert [v.subject_id for v in both.violations if v.code == "activity.festival_window"] == ["a1", "a2"]
    assert [v.subject_id for v in mine.violations if v.code == "activity.festival_window"] == ["a1"]


def test_branch_year_totals() -> None:
    year = BranchYear(
        branch_id="b1", name=None, members=2, compliant_members=1, net_minutes=90, teams=0, violations=()
    )
    assert year.totals == OrganisationTotals(branches=1, members=2, compliant_members=1, net_minutes=90)
    assert year.violations_by_rule == {}


def test_valid_branch_ids() -> None:
    assert valid_branch_ids(iter(["b1", "b1"])) == frozenset({"b1"})
    assert valid_branch_ids(()) == frozenset()
    for wrong in ("b1", b"b1", 3, None, [["b1"]], [1, "b2"]):
        with pytest.raises(InvalidInput) as caught:
            valid_branch_ids(wrong)
        assert (caught.value.code, caught.value.path) == ("input.type", "branch_ids")


def test_a_per_unit_violation_counts_for_a_branch_of_that_unit() -> None:
    """A joint pairing of two units' branches: the unit over its limit gets the violation, through its
    own branch of the subject pairing — not the pairing's first branch, which belongs to the other."""
    since = DateRange(date(2026, 1, 1))
    tree = [
        _org("o1", kind="work_committee"),
        _org("ox", "o1", kind="unit"),
        _org("oy", "o1", kind="unit"),
    ]
    branches = [
        Branch(id="a1", name="乙单位支部", organisation_id="oy"),
        Branch(id="c1", name="甲单位一支部", organisation_id="ox"),
        Branch(id="c2", name="甲单位二支部", organisation_id="ox"),
    ]
    joint = Pairing(id="p1", branch_ids={"a1", "c1"}, target_id="t1", mode="joint_branches", period=since)
    solo = Pairing(id="p2", branch_ids={"c2"}, target_id="t2", mode="solo", period=since)
    report = evaluate_year(
        2026,
        members=[],
        records=[],
        pairings=[joint, solo],
        branches=branches,
        organisations=tree,
        policy=policies.MCA_LEIFENG,
    )
    (found,) = [v for v in report.violations if v.code == "pairing.single_target"]
    assert (found.subject_id, found.details["unit_id"]) == ("p1", "ox")
    assert report.branches["c1"].violations_by_rule.get("pairing.single_target") == 1
    assert "pairing.single_target" not in report.branches["a1"].violations_by_rule
    assert report.organisations["ox"].subtree.violations_by_rule.get("pairing.single_target") == 1
    assert "pairing.single_target" not in report.organisations["oy"].subtree.violations_by_rule
