"""``volunteer-core check``: JSON datasets and filled 附件1 forms, exit codes 0 / 1 / 2."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cli_support import YEAR, clear_locale, run

from volunteer_core import Branch, Member, Organisation, Team, Wish, forms
from volunteer_core.serialization import unstructure


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_locale(monkeypatch)


def dataset(**extra: Any) -> dict[str, Any]:
    member = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1), skills={"急救"})
    wish = Wish(
        id="w1",
        beneficiary_id="p1",
        kind="material",
        content="电视机",
        collected_on=date(YEAR, 5, 1),
        value="500",
    )
    return {"members": [unstructure(member)], "wishes": [unstructure(wish)], **extra}


def test_check_a_json_dataset_with_violations_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(dataset(), ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(["check", str(path), "--year", str(YEAR)], capsys)
    assert code == 1
    assert "wish.value_cap w1" in out
    assert "member.annual_hours m1" in out
    code, out, _ = run(["check", str(path), "--year", str(YEAR), "--format", "json", "--lang", "zh"], capsys)
    payload = json.loads(out)
    assert code == 1
    assert payload["counts"]["wish.value_cap"] == 1
    assert {v["code"] for v in payload["violations"]} >= {"wish.value_cap", "member.annual_hours"}
    code, out, _ = run(["check", str(path), "--lang", "zh"], capsys)
    assert "年度检查" in out
    assert "错误" in out


def test_check_a_clean_dataset_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "empty.json"
    path.write_text("{}", encoding="utf-8")
    code, out, _ = run(["check", str(path), "--year", str(YEAR)], capsys)
    assert code == 0
    assert "0 violations" in out


def test_a_partial_year_judges_only_what_is_due(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    member = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1), skills={"急救"})
    team = Team(id="t1", branch_id="b1", name="先锋队", member_ids={"m1"})
    path = tmp_path / "data.json"
    path.write_text(
        json.dumps({"members": [unstructure(member)], "teams": [unstructure(team)]}), encoding="utf-8"
    )
    code, out, _ = run(["check", str(path), "--year", str(YEAR), "--as-of", "2026-01-15"], capsys)
    assert code == 0, out
    code, _, _ = run(["check", str(path), "--year", str(YEAR)], capsys)
    assert code == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "not valid JSON"),
        ("[]", "JSON object"),
        ('{"people": []}', "unknown keys"),
        ('{"members": {}}', "must be a list"),
        ('{"members": [{"id": "m1"}]}', "members[0]"),
    ],
)
def test_check_refuses_a_bad_dataset_with_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    code, _, err = run(["check", str(path)], capsys)
    assert code == 2
    assert message in err


def test_check_refuses_missing_files_and_policies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", str(tmp_path / "none.json")], capsys)[0] == 2
    other = tmp_path / "a.txt"
    other.write_text("x", encoding="utf-8")
    assert run(["check", str(other)], capsys)[0] == 2
    path = tmp_path / "empty.json"
    path.write_text("{}", encoding="utf-8")
    code, _, err = run(["check", str(path), "--policy", "nope"], capsys)
    assert code == 2
    assert "FUJIAN_GOV_2022" in err
    assert run(["check", str(path), "--policy", "loudi_2018"], capsys)[0] == 0


def test_check_a_filled_annex_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    header = forms.HEADERS["wish_collection"]
    path = tmp_path / "a.csv"
    lines = [
        ",".join(header),
        "1,赵大爷,男,80,凤山社区9号,助行器,,,,老,凤山社区,,200元,2026-05-01",
        "2,钱奶奶,女,70,凤山社区10号,电视机,,,,老,凤山社区,,500元,2026-05-01",
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    code, out, _ = run(["check", str(path)], capsys)
    assert code == 1
    assert "row 3 [心愿价值（元）] wish.value_cap" in out
    code, out, _ = run(["check", str(path), "--format", "json"], capsys)
    assert json.loads(out)["errors"][0]["row"] == 3
    path.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8-sig")
    assert run(["check", str(path)], capsys)[0] == 0
    path.write_text("nothing,here\n", encoding="utf-8")
    code, _, err = run(["check", str(path)], capsys)
    assert code == 2
    assert "姓名" in err


def _tree_dataset() -> dict[str, Any]:
    """工委 → 机关党委 → two branches of one member each (no records: neither compliant)."""
    tree = [
        Organisation(id="o1", name="市直机关工委", kind="work_committee"),
        Organisation(id="o2", name="市民政局机关党委", kind="organ_party_committee", parent_id="o1"),
    ]
    branches = [
        Branch(id="b1", name="办公室党支部", organisation_id="o2"),
        Branch(id="b2", name="信息中心党支部", organisation_id="o2"),
    ]
    members = [
        Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1), skills={"急救"}),
        Member(id="m2", name="李四", branch_id="b2", joined_on=date(2020, 1, 1), skills={"理发"}),
    ]
    return {
        "organisations": [unstructure(o) for o in tree],
        "branches": [unstructure(b) for b in branches],
        "members": [unstructure(m) for m in members],
    }


def test_check_rolls_a_dataset_up_its_organisation_tree(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tree.json"
    path.write_text(json.dumps(_tree_dataset(), ensure_ascii=False), encoding="utf-8")
    code, out, _ = run(["check", str(path), "--year", str(YEAR)], capsys)
    assert code == 1
    lines = out.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("市直机关工委"))
    assert lines[top - 1].split()[:3] == ["organisation", "branches", "members"]
    assert lines[top + 1].startswith("  市民政局机关党委")
    assert lines[top].split()[1:4] == ["2", "2", "0"]  # two branches, two members, none compliant
    assert lines[top + 1].split()[1:4] == ["2", "2", "0"]
    _, out, _ = run(["check", str(path), "--year", str(YEAR), "--lang", "zh"], capsys)
    assert "市直机关工委" in out
    assert "达标" in out
    code, out, _ = run(["check", str(path), "--year", str(YEAR), "--format", "json"], capsys)
    records = json.loads(out)["organisations"]
    assert [(r["organisation_id"], r["depth"], r["subtree_members"]) for r in records] == [
        ("o1", 0, 2),
        ("o2", 1, 2),
    ]


def test_check_without_a_tree_shows_no_roll_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "data.json"
    path.write_text(json.dumps(dataset(), ensure_ascii=False), encoding="utf-8")
    _, out, _ = run(["check", str(path), "--year", str(YEAR)], capsys)
    assert "organisation" not in out
    _, out, _ = run(["check", str(path), "--year", str(YEAR), "--format", "json"], capsys)
    assert json.loads(out)["organisations"] == []
