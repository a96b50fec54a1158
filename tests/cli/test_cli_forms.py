"""``volunteer-core forms import|export`` on an in-memory store shared through a patched opener."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import BAD, GOOD, annex, clear_locale, run, shared_store

from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_locale(monkeypatch)


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
    assert "导入心愿 1 个" in out
    code, out, _ = run(
        ["forms", "import", "wish_collection", str(annex(tmp_path, GOOD)), "--db", "x", "--format", "json"],
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
    assert "branch_id" in err
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
