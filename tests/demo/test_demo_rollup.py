"""The demo's roll-up table (``volunteer_core.demo._rollup``): it renders ``YearReport.organisations``
as it is — 工委 → 机关党委 → 支部, indented by depth — and the summary shows it when the report has one."""

from __future__ import annotations

from datetime import date

import attrs

from volunteer_core import Branch, Member, compliance
from volunteer_core.compliance import BranchYear, OrganisationTotals, OrganisationYear
from volunteer_core.demo import render_organisations, render_summary
from volunteer_core.model import OrganisationKind
from volunteer_core.synthetic import generate_year


def _branch(branch_id: str, name: str, members: int, compliant: int, minutes: int) -> BranchYear:
    return BranchYear(
        branch_id=branch_id,
        name=name,
        members=members,
        compliant_members=compliant,
        net_minutes=minutes,
        teams=1,
        violations=(),
    )


BRANCHES = {
    "b1": _branch("b1", "办公室党支部", 3, 3, 3_600),
    "b2": _branch("b2", "信息中心党支部", 2, 1, 1_530),
    "b3": _branch("b3", "医政科党支部", 4, 0, 0),
}


def _node(
    oid: str,
    name: str,
    kind: OrganisationKind,
    parent: str | None,
    path: tuple[str, ...],
    branches: tuple[str, ...],
    children: tuple[str, ...],
) -> OrganisationYear:
    node = sum((_totals(b) for b in branches), OrganisationTotals())
    return OrganisationYear(
        organisation_id=oid,
        name=name,
        kind=kind,
        parent_id=parent,
        depth=len(path) - 1,
        path=path,
        branch_ids=branches,
        child_ids=children,
        node=node,
        subtree=node,
    )


def _totals(branch_id: str) -> OrganisationTotals:
    b = BRANCHES[branch_id]
    return OrganisationTotals(
        branches=1, members=b.members, compliant_members=b.compliant_members, net_minutes=b.net_minutes
    )


def _tree() -> dict[str, OrganisationYear]:
    pc1 = _node(
        "pc1",
        "市民政局机关党委",
        OrganisationKind.ORGAN_PARTY_COMMITTEE,
        "wc",
        ("wc", "pc1"),
        ("b1", "b2"),
        (),
    )
    pc2 = _node(
        "pc2", "市卫健委机关党委", OrganisationKind.ORGAN_PARTY_COMMITTEE, "wc", ("wc", "pc2"), ("b3",), ()
    )
    top = OrganisationYear(
        organisation_id="wc",
        name="市直机关工委",
        kind=OrganisationKind.WORK_COMMITTEE,
        parent_id=None,
        depth=0,
        path=("wc",),
        branch_ids=(),
        child_ids=("pc1", "pc2"),
        node=OrganisationTotals(),
        subtree=pc1.subtree + pc2.subtree,
    )
    # in the mapping's order children come first: the table walks from the top all the same
    return {"pc2": pc2, "pc1": pc1, "wc": top}


def test_the_tree_is_rendered_top_down_and_indented() -> None:
    lines = render_organisations(_tree(), BRANCHES).splitlines()
    assert lines[0].startswith("组织汇总")
    rows = [(len(line) - len(line.lstrip(" ")), line.split()) for line in lines[2:]]
    assert [(indent, cells[0]) for indent, cells in rows] == [
        (0, "市直机关工委"),
        (2, "市民政局机关党委"),
        (4, "办公室党支部"),
        (4, "信息中心党支部"),
        (2, "市卫健委机关党委"),
        (4, "医政科党支部"),
    ]
    assert rows[0][1][1:] == ["3", "9", "4", "44%", "85.5"]  # subtree: 3 branches, 9 members, 4 compliant
    assert rows[1][1][1:] == ["2", "5", "4", "80%", "85.5"]
    assert rows[2][1][1:] == ["3", "3", "100%", "60.0"]  # a branch: no branch count
    assert rows[5][1][1:] == ["4", "0", "0%", "0.0"]


def test_depth_stops_the_walk_and_unknown_branches_are_left_out() -> None:
    shown = render_organisations(_tree(), BRANCHES, depth=0).splitlines()[2:]
    assert [line.split()[0] for line in shown] == ["市直机关工委"]
    one = render_organisations(_tree(), BRANCHES, depth=1).splitlines()[2:]
    assert [line.split()[0] for line in one] == ["市直机关工委", "市民政局机关党委", "市卫健委机关党委"]
    partial = {k: v for k, v in BRANCHES.items() if k != "b2"}
    assert "信息中心党支部" not in render_organisations(_tree(), partial)
    assert render_organisations({}, BRANCHES) == ""


def test_the_summary_shows_the_roll_up_only_when_the_report_has_one() -> None:
    world = generate_year(2026, members=9, branches=3, seed=4)
    report = compliance.evaluate_year(
        2026,
        members=[Member(id="m1", name="甲", branch_id="b1", joined_on=date(2020, 1, 1))],
        records=[],
        branches=[Branch(id="b1", name="办公室党支部")],
    )
    assert "组织汇总" not in render_summary(world, report)
    rolled = attrs.evolve(report, organisations=_tree())
    text = render_summary(world, rolled)
    assert "组织汇总" in text
    assert text.index("组织汇总") < text.index("达标党员")
    assert "  市民政局机关党委" in text
