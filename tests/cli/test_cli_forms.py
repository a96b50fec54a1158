"""``volunteer-core forms import|export`` on an in-memory store shared through a patched opener (and on a
SQLite file): exit codes, strict mode, a second import that imports nothing, ``check`` of a 附件1."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from cli_support import BAD, GOOD, annex, clear_locale, run, shared_store

from volunteer_core import forms
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_locale(monkeypatch)


#: another good row: another person, another wish
OTHER = "2,孙爷爷,男,82,凤山社区11号,理发上门,,,,老,凤山社区,,,2026-05-02"


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> InMemoryStore:
    return shared_store(monkeypatch)


def test_forms_import_exit_codes_and_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    code, out, _ = run(
        ["forms", "import", "wish_collection", str(annex(tmp_path, GOOD, BAD)), "--db", "x", "--strict"],
        capsys,
    )
    assert code == 1
    assert "nothing imported" in out
    with InMemoryUnitOfWork(store) as uow:
        assert uow.wishes.list() == []
    code, out, _ = run(
        ["forms", "import", "wish_collection", str(annex(tmp_path, GOOD, BAD)), "--db", "x", "--lang", "zh"],
        capsys,
    )
    assert code == 1
    assert "第 3 行【心愿价值（元）】 wish.value_cap" in out
    assert "已导入 1 行" in out
    code, out, _ = run(
        ["forms", "import", "wish_collection", str(annex(tmp_path, OTHER)), "--db", "x", "--format", "json"],
        capsys,
    )
    assert code == 0
    assert len(json.loads(out)["imported"]) == 1
    with InMemoryUnitOfWork(store) as uow:
        assert len(uow.wishes.list()) == 2
    code, _, err = run(
        ["forms", "import", "wish_collection", str(tmp_path / "none.csv"), "--db", "x"], capsys
    )
    assert code == 2
    assert "none.csv" in err
    code, _, err = run(
        ["forms", "import", "wish_collection", str(annex(tmp_path, GOOD)), "--db", "x", "--max-bytes", "10"],
        capsys,
    )
    assert code == 2
    assert "input.too_large" in err


def test_forms_export_writes_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    run(["forms", "import", "wish_collection", str(annex(tmp_path, GOOD)), "--db", "x"], capsys)
    out_path = tmp_path / "notice.csv"
    code, out, _ = run(
        ["forms", "export", "notice", "--db", "x", "--out", str(out_path), "--year", "2026"], capsys
    )
    assert code == 0
    assert str(out_path) in out
    assert "张三" in out_path.read_text(encoding="utf-8-sig")
    code, _, _ = run(
        ["forms", "export", "wish_collection", "--db", "x", "--out", str(tmp_path / "w.csv"), "--unmasked"],
        capsys,
    )
    assert code == 0
    assert "赵大爷" in (tmp_path / "w.csv").read_text(encoding="utf-8-sig")
    code, _, err = run(
        ["forms", "export", "plan", "--db", "x", "--out", str(tmp_path / "p.csv"), "--year", "2026"], capsys
    )
    assert code == 2
    assert "the form plan needs --branch" in err  # the flag, not the Python argument branch_id=
    code, _, err = run(
        [
            "forms",
            "export",
            "plan",
            "--db",
            "x",
            "--out",
            str(tmp_path / "p.csv"),
            "--year",
            "2026",
            "--branch",
            "zz",
        ],
        capsys,
    )
    assert code == 2
    assert "zz" in err
    code, _, err = run(
        ["forms", "export", "notice", "--db", "x", "--out", str(tmp_path / "p.pdf"), "--year", "2026"], capsys
    )
    assert code == 2
    assert ".xlsx" in err


def test_forms_import_a_second_time_imports_nothing_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    path = annex(tmp_path, GOOD, OTHER)
    command = ["forms", "import", "wish_collection", str(path), "--db", "x"]
    code, out, _ = run(command, capsys)
    assert (code, out) == (
        0,
        "read 2 rows: imported 2, already imported 0, errors 0; created 2 beneficiaries\n",
    )
    code, out, _ = run(command, capsys)
    assert (code, out) == (
        0,
        "read 2 rows: imported 0, already imported 2, errors 0; created 0 beneficiaries\n",
    )
    code, out, _ = run([*command, "--lang", "zh"], capsys)
    assert code == 0
    assert "已导入 0 行，已存在 2 行（此前已导入），错误 0 处" in out
    code, out, _ = run([*command, "--format", "json"], capsys)
    assert code == 0
    payload = json.loads(out)
    with InMemoryUnitOfWork(store) as uow:
        wishes = sorted(uow.wishes.list(), key=lambda w: w.content)
    assert payload["imported"] == []
    assert sorted(payload["already_imported"], key=lambda r: r["row"]) == [
        {"row": 2, "wish": next(w.id for w in wishes if w.content == "助行器")},
        {"row": 3, "wish": next(w.id for w in wishes if w.content == "理发上门")},
    ]
    assert len(wishes) == 2


def test_forms_import_a_corrected_row_imports_and_a_refused_one_still_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    run(["forms", "import", "wish_collection", str(annex(tmp_path, GOOD, OTHER)), "--db", "x"], capsys)
    corrected = GOOD.replace("助行器", "助行器一个")
    code, out, _ = run(
        ["forms", "import", "wish_collection", str(annex(tmp_path, corrected, OTHER, BAD)), "--db", "x"],
        capsys,
    )
    assert code == 1
    assert "imported 1, already imported 1, errors 1" in out
    with InMemoryUnitOfWork(store) as uow:
        assert sorted(w.content for w in uow.wishes.list()) == ["助行器", "助行器一个", "理发上门"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_forms_import_twice_into_sqlite(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str
) -> None:
    importlib.import_module("sqlalchemy")
    if suffix == ".xlsx":
        importlib.import_module("openpyxl")
    source = InMemoryUnitOfWork()
    forms.import_wishes(annex(tmp_path, GOOD, OTHER), source)
    path = forms.export("wish_collection", source, tmp_path / f"annex1{suffix}", masked=False)
    command = ["forms", "import", "wish_collection", str(path), "--db", f"sqlite:///{tmp_path / 'v.db'}"]
    assert run(command, capsys)[:2] == (
        0,
        "read 2 rows: imported 2, already imported 0, errors 0; created 2 beneficiaries\n",
    )
    assert run(command, capsys)[:2] == (
        0,
        "read 2 rows: imported 0, already imported 2, errors 0; created 0 beneficiaries\n",
    )


def test_check_counts_rows_that_repeat_an_earlier_row(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = annex(tmp_path, GOOD, OTHER, GOOD.replace("1,", "3,", 1))
    code, out, _ = run(["check", str(path)], capsys)
    assert code == 0
    assert out == "3 rows: 3 valid, 0 errors; 1 valid rows repeat an earlier row and would be stored once\n"
    code, out, _ = run(["check", str(path), "--lang", "zh"], capsys)
    assert "合格行中 1 行与前面的行内容相同，导入时只存一次" in out
    code, out, _ = run(["check", str(path), "--format", "json"], capsys)
    assert (json.loads(out)["valid_rows"], json.loads(out)["repeated_rows"]) == (3, [4])
    code, out, _ = run(["check", str(annex(tmp_path, GOOD, OTHER))], capsys)
    assert out == "2 rows: 2 valid, 0 errors\n"


def test_forms_export_organisation_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    from volunteer_core import Branch, Organisation, services

    services.add_entities(
        InMemoryUnitOfWork(store),
        [
            Organisation(id="o1", name="市直机关工委", kind="work_committee"),
            Organisation(id="o2", name="市财政局机关党委", kind="organ_party_committee", parent_id="o1"),
            Branch(id="b2", name="预算处党支部", organisation_id="o2"),
        ],
    )
    out_path = tmp_path / "tree.csv"
    code, _, _ = run(
        ["forms", "export", "organisation_summary", "--db", "x", "--out", str(out_path), "--year", "2026"],
        capsys,
    )
    text = out_path.read_text(encoding="utf-8-sig")
    assert code == 0
    assert "市直机关工委" in text
    assert "\u3000\u3000市财政局机关党委" in text
    code, _, err = run(
        ["forms", "export", "organisation_summary", "--db", "x", "--out", str(tmp_path / "y.csv")], capsys
    )
    assert code == 2
    assert "year" in err
    sub = tmp_path / "sub.csv"
    code, _, _ = run(
        [
            "forms",
            "export",
            "organisation_summary",
            "--db",
            "x",
            "--out",
            str(sub),
            "--year",
            "2026",
            "--organisation",
            "o2",
        ],
        capsys,
    )
    assert code == 0
    data = sub.read_text(encoding="utf-8-sig").split("违规数\n")[1].splitlines()
    assert [row.split(",")[:5] for row in data] == [
        ["1", "市财政局机关党委", "机关党委", "1", "市直机关工委"]
    ]
