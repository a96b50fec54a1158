"""``volunteer-core report``: formats, --as-of and --branch, exit codes; the database commands on SQLite; the
organisation roll-up (--organisation, --depth) in the table, JSON and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import attrs
import pytest
from cli_support import BAD, GOOD, annex, clear_locale, run, shared_store

from volunteer_core import Branch, Member, Organisation, services
from volunteer_core.compliance import ORGANISATION_COLUMNS
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_locale(monkeypatch)


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> InMemoryStore:
    return shared_store(monkeypatch)


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_report_formats_and_exit_code(
    capsys: pytest.CaptureFixture[str], store: InMemoryStore, fmt: str
) -> None:
    code, out, _ = run(["report", "--db", "x", "--year", "2026", "--format", fmt], capsys)
    assert code == 1  # a member without hours
    if fmt == "json":
        payload = json.loads(out)
        assert payload["members"][0]["member_id"] == "m1"
        assert payload["members"][0]["months_missing"] == list(range(1, 13))
    elif fmt == "csv":
        header, first = out.splitlines()[:2]
        assert header.startswith("year,as_of,member_id")
        assert ",m1,张三,b1," in first
    else:
        assert "张三" in out
        assert "0/1 members compliant" in out


def test_report_as_of_and_branch(capsys: pytest.CaptureFixture[str], store: InMemoryStore) -> None:
    code, out, _ = run(
        ["report", "--db", "x", "--year", "2026", "--as-of", "2026-01-10", "--branch", "b1", "--lang", "zh"],
        capsys,
    )
    assert "截至 2026-01-10" in out
    code, _, err = run(["report", "--db", "x", "--year", "2026", "--as-of", "yesterday"], capsys)
    assert code == 2
    assert "YYYY-MM-DD" in err
    code, _, err = run(["report", "--db", "x", "--year", "2026", "--branch", "zz"], capsys)
    assert code == 2
    assert "zz" in err


def test_report_refuses_a_missing_sqlite_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["report", "--db", f"sqlite:///{tmp_path}/none.db", "--year", "2026"], capsys)
    assert code == 2
    assert "none.db" in err
    assert not (tmp_path / "none.db").exists()


def test_the_database_commands_on_sqlite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path}/v.db"
    code, out, _ = run(
        ["forms", "import", "wish_collection", str(annex(tmp_path, GOOD, BAD)), "--db", url], capsys
    )
    assert code == 1
    assert "imported 1, already imported 0, errors 1" in out
    code, _, _ = run(
        ["forms", "export", "wish_collection", "--db", url, "--out", str(tmp_path / "w.csv"), "--unmasked"],
        capsys,
    )
    assert code == 0
    assert "赵大爷" in (tmp_path / "w.csv").read_text(encoding="utf-8-sig")
    code, out, _ = run(["report", "--db", url, "--year", "2026", "--format", "json"], capsys)
    assert code == 0
    assert json.loads(out)["members"] == []


# -- the organisation roll-up (逐级汇总) ------------------------------------------------------------------


def _tree(store: InMemoryStore) -> None:
    """工委 o1 → 机关党委 o2 (b1: 张三) and o3 (b2: 李四, b3: 王五); b9 hangs nowhere."""
    services.add_entities(
        InMemoryUnitOfWork(store),
        [
            Organisation(id="o1", name="市直机关工委", kind="work_committee"),
            Organisation(id="o2", name="民政局机关党委", kind="organ_party_committee", parent_id="o1"),
            Organisation(id="o3", name="卫健委机关党委", kind="organ_party_committee", parent_id="o1"),
            Branch(id="b2", name="医政支部", organisation_id="o3"),
            Branch(id="b3", name="疾控支部", organisation_id="o3"),
            Branch(id="b9", name="游离支部"),
            Member(id="m2", name="李四", branch_id="b2", joined_on=date(2020, 1, 1)),
            Member(id="m3", name="王五", branch_id="b3", joined_on=date(2020, 1, 1)),
        ],
    )
    with InMemoryUnitOfWork(store) as uow:
        uow.branches.update(attrs.evolve(uow.branches.get("b1"), organisation_id="o2"))
        uow.commit()


def test_the_table_and_json_show_the_whole_tree(
    capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    _tree(store)
    code, out, _ = run(["report", "--db", "x", "--year", "2026"], capsys)
    assert code == 1
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if line.startswith("organisation"))
    assert [line.split()[0] for line in lines[head + 1 : head + 4]] == [
        "市直机关工委",
        "民政局机关党委",
        "卫健委机关党委",
    ]
    assert lines[head + 2].startswith("  民政局机关党委")  # indented by its depth
    assert lines[head + 1].split()[1:4] == ["3", "3", "0"]  # branches, members, compliant of the subtree
    assert lines[head + 3].split()[1:3] == ["2", "2"]
    code, out, _ = run(["report", "--db", "x", "--year", "2026", "--format", "json", "--depth", "0"], capsys)
    payload = json.loads(out)
    assert [(o["organisation_id"], o["depth"], o["subtree_members"]) for o in payload["organisations"]] == [
        ("o1", 0, 3)
    ]
    assert {m["member_id"] for m in payload["members"]} == {"m1", "m2", "m3"}


def test_the_organisation_option_judges_its_subtree(
    capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    _tree(store)
    code, out, _ = run(
        ["report", "--db", "x", "--year", "2026", "--organisation", "o3", "--format", "json"], capsys
    )
    assert code == 1
    payload = json.loads(out)
    assert sorted(m["member_id"] for m in payload["members"]) == ["m2", "m3"]
    assert sorted(b["branch_id"] for b in payload["branches"]) == ["b2", "b3"]
    assert [(o["organisation_id"], o["depth"], o["path"]) for o in payload["organisations"]] == [
        ("o3", 0, "o3")
    ]
    code, out, _ = run(
        ["report", "--db", "x", "--year", "2026", "--organisation", "o3", "--lang", "zh"], capsys
    )
    assert "卫健委机关党委" in out
    assert "市直机关工委" not in out
    assert "张三" not in out
    assert "达标党员 0/2 名" in out


def test_the_csv_is_the_roll_up_with_organisation_or_depth(
    capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    _tree(store)
    _, out, _ = run(["report", "--db", "x", "--year", "2026", "--format", "csv"], capsys)
    assert out.splitlines()[0].startswith("year,as_of,member_id")  # the members, as before
    _, out, _ = run(["report", "--db", "x", "--year", "2026", "--format", "csv", "--depth", "1"], capsys)
    rows = list(csv.reader(io.StringIO(out)))
    assert tuple(rows[0]) == ORGANISATION_COLUMNS
    assert [(r[0], r[4], r[5]) for r in rows[1:]] == [
        ("o1", "0", "o1"),
        ("o2", "1", "o1/o2"),
        ("o3", "1", "o1/o3"),
    ]
    _, out, _ = run(
        ["report", "--db", "x", "--year", "2026", "--format", "csv", "--organisation", "o2"], capsys
    )
    rows = list(csv.reader(io.StringIO(out)))
    assert [(r[0], r[1]) for r in rows[1:]] == [("o2", "民政局机关党委")]


def test_without_a_tree_the_csv_roll_up_is_its_header(
    capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    code, out, _ = run(["report", "--db", "x", "--year", "2026", "--format", "csv", "--depth", "2"], capsys)
    assert code == 1
    assert out.splitlines() == [",".join(ORGANISATION_COLUMNS)]
    _, out, _ = run(["report", "--db", "x", "--year", "2026"], capsys)
    assert "organisation" not in out


def test_bad_organisation_branch_and_depth(capsys: pytest.CaptureFixture[str], store: InMemoryStore) -> None:
    _tree(store)
    code, _, err = run(["report", "--db", "x", "--year", "2026", "--organisation", "nowhere"], capsys)
    assert code == 2
    assert "no organisation 'nowhere'" in err
    assert "未找到组织 'nowhere'" in err
    code, _, err = run(
        ["report", "--db", "x", "--year", "2026", "--organisation", "o3", "--branch", "b1"], capsys
    )
    assert code == 2
    assert "b1" in err
    assert "--branch 'b1' is not under --organisation 'o3'" in err
    for depth in ("-1", "x", "101"):
        code, _, err = run(["report", "--db", "x", "--year", "2026", "--depth", depth], capsys)
        assert code == 2
        assert "--depth" in err


def test_the_roll_up_on_sqlite(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from volunteer_core.storage.sql import SqlUnitOfWork, create_schema

    url = f"sqlite:///{tmp_path}/tree.db"
    engine = create_schema(url)
    try:
        services.add_entities(
            SqlUnitOfWork(engine),
            [
                Organisation(id="o1", name="市直机关工委", kind="work_committee"),
                Organisation(id="o2", name="民政局机关党委", kind="organ_party_committee", parent_id="o1"),
                Branch(id="b1", name="办公室党支部", organisation_id="o2"),
                Branch(id="b2", name="直属支部", organisation_id="o1"),
                Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1)),
                Member(id="m2", name="李四", branch_id="b2", joined_on=date(2020, 1, 1)),
            ],
        )
    finally:
        engine.dispose()
    code, out, _ = run(["report", "--db", url, "--year", "2026", "--format", "json"], capsys)
    assert code == 1
    assert [
        (o["organisation_id"], o["node_members"], o["subtree_members"])
        for o in json.loads(out)["organisations"]
    ] == [
        ("o1", 1, 2),
        ("o2", 1, 1),
    ]
    code, out, _ = run(
        ["report", "--db", url, "--year", "2026", "--format", "json", "--organisation", "o2"], capsys
    )
    assert [m["member_id"] for m in json.loads(out)["members"]] == ["m1"]
    code, _, err = run(["report", "--db", url, "--year", "2026", "--organisation", "o9"], capsys)
    assert code == 2
    assert "o9" in err
