"""``volunteer-core report``: formats, --as-of and --branch, exit codes; the database commands on SQLite."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_support import BAD, GOOD, annex, clear_locale, run, shared_store

from volunteer_core.storage.memory import InMemoryStore


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
