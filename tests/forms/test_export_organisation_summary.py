"""The 汇总表 (``organisation_summary``, 逐级上报): one row per organisation node with its subtree's totals,
names indented by depth, from a constructed report and from a stored tree (memory, SQLite, PostgreSQL), in
CSV and XLSX."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from forms_support import YEAR, organ, stock
from test_export_claimants import export

from volunteer_core import Activity, Organisation, OrganisationKind, forms, services
from volunteer_core.compliance import OrganisationTotals, OrganisationYear
from volunteer_core.errors import InvalidInput, NotFound
from volunteer_core.forms._organisations import INDENT, organisation_rows

SUFFIXES = [".csv", ".xlsx"]


def node(ident: str, path: tuple[str, ...], members: int, compliant: int, **extra: Any) -> OrganisationYear:
    totals = OrganisationTotals(
        branches=extra.pop("branches", 1),
        members=members,
        compliant_members=compliant,
        net_minutes=extra.pop("minutes", 0),
        violations_by_rule=extra.pop("violations", {}),
    )
    return OrganisationYear(
        organisation_id=ident,
        name=extra.pop("name", ident),
        kind=extra.pop("kind", OrganisationKind.UNIT),
        parent_id=path[-2] if len(path) > 1 else extra.pop("parent_id", None),
        depth=len(path) - 1,
        path=path,
        branch_ids=(),
        child_ids=(),
        node=OrganisationTotals(),
        subtree=totals,
    )


def test_rows_from_a_constructed_report_depth_first_with_rates_and_indents() -> None:
    nodes = [
        node("o3", ("o1", "o3"), 3, 2, name="乙", minutes=90),
        node(
            "o1",
            ("o1",),
            6,
            4,
            name="工委",
            kind=OrganisationKind.WORK_COMMITTEE,
            violations={"a": 2, "b": 1},
        ),
        node("o4", ("o1", "o2", "o4"), 0, 0, name="丙", branches=0),
        node("o2", ("o1", "o2"), 3, 2, name="甲", minutes=1),
    ]
    rows = organisation_rows(nodes, {})
    assert [r[0] for r in rows] == [1, 2, 3, 4]
    assert [r[1] for r in rows] == ["工委", INDENT + "甲", INDENT * 2 + "丙", INDENT + "乙"]
    assert [r[3] for r in rows] == [1, 2, 3, 2]
    assert [r[4] for r in rows] == [None, "工委", "甲", "工委"]
    assert rows[0][2:] == ["机关工委", 1, None, 1, 6, 4, Decimal("66.7"), Decimal("0.0"), 3]
    assert rows[2][8] is None  # no members: no rate
    assert (rows[1][9], rows[3][9]) == (Decimal("0.0"), Decimal("1.5"))


def test_rates_round_half_up_at_one_decimal() -> None:
    def rate(members: int, compliant: int) -> Any:
        return organisation_rows([node("o1", ("o1",), members, compliant)], {})[0][8]

    assert rate(8, 1) == Decimal("12.5")  # exactly 12.5
    assert rate(1000, 1) == Decimal("0.1")
    assert rate(2000, 1) == Decimal("0.1")  # 0.05 rounds up
    assert rate(2001, 1) == Decimal("0.0")
    assert rate(3, 3) == Decimal("100.0")


def test_a_parent_outside_the_rows_is_named_from_the_store() -> None:
    rows = organisation_rows([node("o2", ("o2",), 1, 1, parent_id="o1")], {"o1": "市直机关工委"})
    assert rows[0][4] == "市直机关工委"
    assert organisation_rows([node("o2", ("o2",), 1, 1, parent_id="o1")], {})[0][4] == "o1"


def _served(uow: Any) -> Any:
    """m1 (b1, under o2) serves 20 hours in 2026 at a community service of b1."""
    services.add_entities(
        uow,
        [Activity(id="a1", kind="community_service", branch_id="b1", on=date(YEAR, 3, 5), title="社区清扫")],
    )
    services.record_service(
        uow, member_id="m1", activity_id="a1", minutes=1200, recorded_on=date(YEAR, 3, 6), record_id="r1"
    )
    return uow


@pytest.mark.parametrize("suffix", SUFFIXES)
def test_the_whole_tree_is_exported_with_subtree_totals(tmp_path: Path, suffix: str) -> None:
    titles, rows = export("organisation_summary", tmp_path, suffix, uow=organ(), year=YEAR)
    assert titles[0] == "2026年度党员志愿服务汇总表"
    assert any("本级及所属下级组织合计" in t for t in titles)
    assert titles[-1] == "统计截至：2026-12-20"
    shown = [(r["序号"], r["组织"], r["类别"], r["层级"], r["上级"], r["支部数"], r["党员数"]) for r in rows]
    assert shown == [
        ("1", "市直机关工委", "机关工委", "1", "", "2", "3"),
        ("2", INDENT + "市财政局机关党委", "机关党委", "2", "市直机关工委", "1", "2"),
        ("3", INDENT + "市民政局机关党委", "机关党委", "2", "市直机关工委", "1", "1"),
    ]
    assert {r["达标人数"] for r in rows} == {"0"}
    assert {r["达标率（%）"] for r in rows} == {"0"}
    assert int(rows[0]["违规数"]) == int(rows[1]["违规数"]) + int(rows[2]["违规数"]) > 0


def test_a_subtree_is_exported_with_its_parent_named(tmp_path: Path) -> None:
    titles, rows = export(
        "organisation_summary", tmp_path, ".csv", uow=organ(), year=YEAR, organisation_id="o2"
    )
    assert titles[0] == "市财政局机关党委2026年度党员志愿服务汇总表"
    assert [(r["组织"], r["层级"], r["上级"], r["党员数"]) for r in rows] == [
        ("市财政局机关党委", "1", "市直机关工委", "2")
    ]


def test_the_year_is_required_and_an_unknown_organisation_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as caught:
        forms.export("organisation_summary", organ(), tmp_path / "x.csv")
    assert caught.value.path == "year"
    with pytest.raises(NotFound):
        forms.export("organisation_summary", organ(), tmp_path / "x.csv", year=YEAR, organisation_id="o9")
    assert list(tmp_path.iterdir()) == []


def test_a_name_like_a_formula_is_guarded(tmp_path: Path) -> None:
    uow = organ()
    services.add_entities(uow, [Organisation(id="o9", name='=HYPERLINK("x")', kind="unit")])
    path = forms.export("organisation_summary", uow, tmp_path / "x.csv", year=YEAR, on=date(YEAR, 12, 20))
    assert "'=HYPERLINK" in path.read_text(encoding="utf-8-sig")


def test_every_storage_gives_the_same_table(tmp_path: Path, make_uow: Any) -> None:
    stored = make_uow()
    stock(stored)
    _served(stored)
    expected = export("organisation_summary", tmp_path, ".csv", uow=_served(organ()), year=YEAR)
    titles, rows = export("organisation_summary", tmp_path, ".csv", uow=stored, year=YEAR)
    assert (titles, rows) == expected
    assert [r["服务时长（小时）"] for r in rows] == ["20", "20", "0"]
