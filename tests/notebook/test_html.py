"""Notebook support: ``YearReport.to_dataframe()``, readable and escaped ``_repr_html_``."""

from __future__ import annotations

import importlib
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from notebook_support import YEAR, members, report

from volunteer_core import Violation, evaluate_member_year, evaluate_year
from volunteer_core._catalogue import Violations, violation
from volunteer_core.compliance import RECORD_COLUMNS


def test_to_dataframe_has_one_row_per_member_and_the_record_columns() -> None:
    importlib.import_module("pandas")
    year = report()
    frame = year.to_dataframe()
    assert list(frame.columns) == list(year.to_records()[0])
    assert len(frame) == 4
    assert frame.set_index("member_id").loc["m1", "net_minutes"] == 1300
    assert set(frame["compliant"]) <= {True, False}
    empty = evaluate_year(YEAR, members=[], records=[]).to_dataframe()
    assert list(empty.columns) == list(RECORD_COLUMNS)
    assert len(empty) == 0


def test_the_record_columns_are_those_of_to_record() -> None:
    assert tuple(report().to_records()[0]) == RECORD_COLUMNS


def test_to_dataframe_without_pandas_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="pip install pandas"):
        report().to_dataframe()
    assert report().to_records()  # needs nothing


def test_the_core_imports_neither_pandas_nor_the_html_module() -> None:
    modules = (
        "pandas",
        "openpyxl",
        "matplotlib",
        "cn2an",
        "volunteer_core.notebook.html",
    )
    code = (
        "import sys, volunteer_core, volunteer_core.compliance, volunteer_core.forms;"
        f"print(','.join(m for m in {modules!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_year_report_html_is_a_readable_escaped_table() -> None:
    page = report()._repr_html_()
    assert "<table" in page
    assert "<th>" in page
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "b&amp;1" in page
    assert "member.annual_hours" in page  # violations by rule
    assert "YearReport(" not in page  # not a dump


def test_the_html_shows_branches_and_members_by_name() -> None:
    from volunteer_core import Branch, Member, policies

    people = [
        Member(id="m1", name="张伟", branch_id="b0001", joined_on=date(2020, 1, 1)),
        Member(id="m2", name="李娜", branch_id="b0002", joined_on=date(2020, 1, 1)),
    ]
    branches = [Branch(id="b0001", name="办公室党支部"), Branch(id="b0002", name="政策法规处党支部")]
    policy = next(p for p in policies.PRESETS.values() if p.require_coverage)
    page = evaluate_year(YEAR, members=people, records=[], branches=branches, policy=policy)._repr_html_()
    members_table = page.split("<h4>党员 / members</h4>", 1)[1]
    assert "<td>办公室党支部</td>" in members_table
    assert "b0001" not in members_table
    coverage = page.split("<h4>四覆盖 / coverage</h4>", 1)[1].split("<h4>", 1)[0]
    assert "<td>政策法规处党支部</td>" in coverage
    assert "李娜" in coverage
    assert "b0002" not in coverage


def test_long_reports_are_cut_with_a_note() -> None:
    page = report(70)._repr_html_()
    assert "more rows not shown" in page
    assert page.count("<tr>") < 120


def test_member_year_html() -> None:
    member = members()[-1]
    year = evaluate_member_year(member, [], YEAR)
    page = year._repr_html_()
    assert "&lt;script&gt;" in page
    assert "<script>" not in page
    assert "未达标" in page
    assert "member.skill" in page
    assert "0.0 / 20.0" in page


def test_violation_and_violations_html() -> None:
    one = violation(
        "wish.value_cap",
        "w<1>",
        en="value 500.00 exceeds the cap 300.00",
        zh="心愿价值 500.00 元超过上限 300.00 元",
    )
    page = one._repr_html_()
    assert "w&lt;1&gt;" in page
    assert "心愿价值 500.00 元超过上限" in page
    assert "004 §三" in page
    many = Violations([one, one])
    listing = many._repr_html_()
    assert isinstance(many, tuple)
    assert many == (one, one)
    assert "2 violations" in listing
    assert listing.count("<tr>") == 3
    assert "no violations" in Violations([])._repr_html_()
    assert isinstance(one, Violation)


def test_import_result_html(tmp_path: Path) -> None:
    from volunteer_core import forms
    from volunteer_core.storage.memory import InMemoryUnitOfWork

    path = tmp_path / "a.csv"
    header = ",".join(forms.HEADERS["wish_collection"])
    path.write_text(
        header + "\n1,<b>,男,80,凤山社区9号,电视机,,,,老,凤山社区,,500元,2026-05-01\n", encoding="utf-8-sig"
    )
    page = forms.import_wishes(path, InMemoryUnitOfWork())._repr_html_()
    assert "wish.value_cap" in page
    assert "<b>" not in page


def _tree_report(policy_name: str = "DEFAULT") -> Any:
    from volunteer_core import Branch, Organisation, policies

    return evaluate_year(
        YEAR,
        members=members(3),
        records=[],
        branches=[
            Branch(id="b1", name="<一>支部", organisation_id="o2"),
            Branch(id="b2", name="二支部", organisation_id="o1"),
        ],
        organisations=[
            Organisation(id="o1", name="市直机关工委", kind="work_committee"),
            Organisation(id="o2", name="民政局<机关党委>", kind="organ_party_committee", parent_id="o1"),
        ],
        policy=getattr(policies, policy_name),
    )


def test_the_html_shows_the_indented_roll_up_with_names() -> None:
    html = _tree_report()._repr_html_()
    assert "逐级汇总 / roll-up by organisation" in html
    rollup = html[html.index("逐级汇总") : html.index("<h4>支部 / branches")]
    assert "<td>市直机关工委</td>" in rollup
    assert "<td>\u3000\u3000民政局&lt;机关党委&gt;</td>" in rollup  # indented one level, escaped
    assert "o1" not in rollup  # names, not ids
    assert rollup.index("市直机关工委") < rollup.index("民政局")
    assert "机关工委<br><small>work_committee</small>" in rollup
    assert "<h4>逐级汇总" not in report()._repr_html_()  # no tree, no roll-up


def test_the_html_names_the_branches_where_known() -> None:
    html = _tree_report("PUTIAN_2022")._repr_html_()
    members_table = html[html.index("<h4>党员 / members") :]
    assert "<td>&lt;一&gt;支部</td>" in members_table
    assert "<td>二支部</td>" in members_table
    assert "<td>b&amp;1</td>" in members_table  # no name known: the id
    coverage = html[html.index("<h4>四覆盖") : html.index("<h4>党员 / members")]
    assert "<td>&lt;一&gt;支部</td>" in coverage
    assert "<td>b&amp;1</td>" in coverage


def test_organisations_dataframe_without_pandas_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(ImportError, match="organisation_records"):
        _tree_report().organisations_dataframe()
    assert len(_tree_report().organisation_records()) == 2
