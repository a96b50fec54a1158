"""What the command line promises in docs/cli.md: ``--lang`` before or after the subcommand; messages that
name the flags (``--half``), not Python's keywords (``half=``); a missing optional dependency named by its
extra; names, not ids, in the ``report`` table, its columns aligned by display width."""

from __future__ import annotations

import sys
import tomllib
from datetime import date
from pathlib import Path

import pytest
from cli_support import clear_locale, run, shared_store, without

from volunteer_core import Branch, Member, services
from volunteer_core._display import display_width
from volunteer_core._extras import EXTRAS
from volunteer_core.cli import _rules
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_locale(monkeypatch)


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> InMemoryStore:
    """Two branches, one with a Chinese name and one with a Latin name, a member in each."""
    shared = shared_store(monkeypatch)
    services.add_entities(
        InMemoryUnitOfWork(shared),
        [
            Branch(id="b2", name="Office"),
            Member(id="m2", name="Li Si", branch_id="b2", joined_on=date(2020, 1, 1), skills={"IT"}),
        ],
    )
    return shared


# -- --lang before or after the subcommand ---------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["--lang", "en", "report", "--db", "x", "--year", "2026"],
        ["report", "--db", "x", "--year", "2026", "--lang", "en"],
        ["--lang", "zh", "report", "--db", "x", "--year", "2026", "--lang", "en"],  # the later one wins
    ],
)
def test_lang_before_or_after_the_subcommand(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")  # the flag beats the locale, wherever it stands
    code, out, err = run(argv, capsys)
    assert code == 1, err
    assert out.startswith("Compliance report 2026")


@pytest.mark.parametrize(
    "argv",
    [["--lang", "zh", "rules"], ["rules", "--lang", "zh"], ["--lang", "zh", "forms", "--help"]],
)
def test_lang_before_the_subcommand_is_accepted(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(argv, capsys)
    assert code == 0
    if "rules" in argv:
        assert "微心愿价值上限" in out


def test_forms_lang_before_the_action(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    path = tmp_path / "n.csv"
    code, out, _ = run(
        ["forms", "--lang", "zh", "export", "notice", "--db", "x", "--year", "2026", "--out", str(path)],
        capsys,
    )
    assert code == 0
    assert out.startswith("已写入")


# -- messages name the flags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "given", "flag"),
    [
        ("half_year", ["--year", "2026"], "--half"),
        ("half_year", ["--half", "1"], "--year"),
        ("plan", ["--year", "2026"], "--branch"),
        ("plan", ["--branch", "b1"], "--year"),
    ],
)
def test_a_form_without_its_option_names_the_flag(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    store: InMemoryStore,
    kind: str,
    given: list[str],
    flag: str,
) -> None:
    code, _, err = run(
        ["forms", "export", kind, "--db", "x", "--out", str(tmp_path / "f.csv"), *given], capsys
    )
    assert code == 2
    assert f"the form {kind} needs {flag}" in err
    assert f"（{flag}）" in err  # the Chinese half names it too
    assert "=" not in err  # not half= / branch_id= / year=


@pytest.mark.parametrize(
    ("argv", "flag"),
    [
        (["forms", "export", "plan", "--branch", "b9", "--year", "2026"], "--branch"),
        (
            ["forms", "export", "organisation_summary", "--organisation", "o9", "--year", "2026"],
            "--organisation",
        ),
        (["report", "--year", "2026", "--branch", "b9"], "--branch"),
        (["report", "--year", "2026", "--organisation", "o9"], "--organisation"),
        (["report", "--year", "2026", "--policy", "nope"], "--policy"),
        (["check", "data.json", "--policy", "nope"], "--policy"),
        (["report", "--year", "2026", "--as-of", "soon"], "--as-of"),
        (["report", "--year", "1066"], "--year"),
        (["demo", "--members", "0"], "--members"),
    ],
)
def test_usage_errors_name_the_flag(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    store: InMemoryStore,
    argv: list[str],
    flag: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.json").write_text("{}", encoding="utf-8")
    if argv[0] == "forms":
        argv = [*argv, "--db", "x", "--out", str(tmp_path / "f.csv")]
    elif argv[0] == "report":
        argv = [*argv, "--db", "x"]
    code, _, err = run(argv, capsys)
    assert code == 2
    assert flag in err


def test_an_import_over_its_row_limit_names_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    from cli_support import GOOD, annex

    path = annex(tmp_path, GOOD, GOOD.replace("赵大爷", "孙大爷"))
    code, _, err = run(
        ["forms", "import", "wish_collection", str(path), "--db", "x", "--max-rows", "1"], capsys
    )
    assert code == 2
    assert "--max-rows" in err


# -- a missing optional dependency names its extra -----------------------------------------------------------


def test_every_optional_module_belongs_to_a_declared_extra() -> None:
    """The one table of modules and extras agrees with pyproject.toml: each extra exists and lists the
    distribution of the module."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    for module, extra in EXTRAS.items():
        assert extra in extras, extra
        assert any(dep.lower().startswith(module.lower()) for dep in extras[extra]), (module, extra)


@pytest.mark.parametrize(("module", "extra"), sorted(EXTRAS.items()))
def test_an_import_error_of_an_optional_module_names_its_extra(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], module: str, extra: str
) -> None:
    def broken(args: object) -> int:
        raise ModuleNotFoundError(f"No module named {module!r}", name=module)

    monkeypatch.setattr(_rules, "run", broken)
    code, _, err = run(["rules"], capsys)
    assert code == 2
    assert f"pip install 'volunteer-core[{extra}]'" in err
    assert "No module named" not in err


def test_xlsx_without_openpyxl_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    without(monkeypatch, "openpyxl")
    code, _, err = run(
        ["forms", "export", "notice", "--db", "x", "--year", "2026", "--out", str(tmp_path / "n.xlsx")],
        capsys,
    )
    assert code == 2
    assert "pip install 'volunteer-core[xlsx]'" in err
    assert not (tmp_path / "n.xlsx").exists()


def test_a_database_without_sqlalchemy_names_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """As on a base install: importing the SQL storage meets ``No module named 'sqlalchemy'``."""
    database = tmp_path / "v.db"
    database.touch()
    without(monkeypatch, "sqlalchemy", "volunteer_core.storage.sql")
    code, _, err = run(["report", "--db", f"sqlite:///{database}", "--year", "2026"], capsys)
    assert code == 2
    assert "pip install 'volunteer-core[sql]'" in err
    assert "sqlalchemy" in err
    assert "No module named" not in err
    assert "volunteer_core.storage.sql" not in sys.modules  # it really could not be imported


# -- names over ids, aligned by display width ----------------------------------------------------------------


def test_the_report_table_shows_names_aligned_by_display_width(
    capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    code, out, _ = run(["report", "--db", "x", "--year", "2026"], capsys)
    assert code == 1
    lines = out.splitlines()
    head = lines.index(next(line for line in lines if line.startswith("member ")))
    rows = lines[head : head + 3]
    assert rows[1].split()[:2] == ["张三", "办公室党支部"]  # the branch's name, not b1
    assert rows[2].split()[:3] == ["Li", "Si", "Office"]
    assert " b1 " not in out
    assert " b2 " not in out
    # each column starts at one display column on every row: "hours" right-aligned under its header
    ends = {
        display_width(row[: row.index(token) + len(token)])
        for row, token in zip(rows, ("hours", "0.0", "0.0"), strict=True)
    }
    assert len(ends) == 1, rows
    branch_head = lines.index(next(line for line in lines if line.startswith("branch ")))
    branch_rows = lines[branch_head : branch_head + 3]
    assert {display_width(row) for row in branch_rows} == {display_width(branch_rows[0])}, branch_rows


def test_report_cuts_long_rule_titles_at_their_column(
    capsys: pytest.CaptureFixture[str], store: InMemoryStore
) -> None:
    """The violations by rule: the counts end at one display column; no title runs past its column."""
    code, out, _ = run(["report", "--db", "x", "--year", "2026", "--lang", "zh"], capsys)
    assert code == 1
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(("  member.", "  branch.")))
    rows = [line for line in lines[start:] if line.startswith("  ")]
    assert len({display_width(row) for row in rows}) == 1, rows
