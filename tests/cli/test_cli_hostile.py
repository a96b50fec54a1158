"""The command line under hostile input: every command fed the bad inputs of issue 15 exits 1 (violations,
refused rows), 2 (bad input or usage, one bilingual line) or 3 (an internal error, one line), and never
prints a traceback unless ``--debug``; terminal output escapes control characters; the report's CSV is
formula-guarded; ``forms import`` checks everything before it creates a database."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from cli_support import GOOD, annex, clear_locale, run

from volunteer_core import Branch, Member, forms, services
from volunteer_core.cli import EXIT_INTERNAL, MAX_DEMO_MEMBERS, _common, _rules
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork

ANSI = "\x1b[2J\x1b[31m"
FORMULA = '=HYPERLINK("http://evil/?x","点击")'
HUGE = "9" * 5000


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_locale(monkeypatch)


def clean(code: int, out: str, err: str) -> None:
    """No traceback anywhere and no raw escape character reaching the terminal."""
    assert "Traceback" not in out + err
    assert "\x1b" not in out + err


def one_error_line(err: str) -> str:
    """The one bilingual line of a refused input (exit code 2, not a usage error from the parser)."""
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("错误：")
    assert " / error: " in lines[0]
    return lines[0]


def not_sqlite(tmp_path: Path) -> Path:
    path = tmp_path / "v.db"
    path.write_text("this is not a database, only text" * 10, encoding="utf-8")
    return path


def dataset(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.json"
    path.write_text(text, encoding="utf-8")
    return path


# -- bad input: exit 2, one line, nothing created -----------------------------------------------------

BadInput = Callable[[Path], list[str]]

BAD_INPUTS: dict[str, BadInput] = {
    "demo --members huge": lambda t: ["demo", "--members", "999999999999999999999", "--out", str(t)],
    "demo --members 5000 digits": lambda t: ["demo", "--members", HUGE, "--out", str(t)],
    "demo --members over the maximum": lambda t: ["demo", "--members", str(MAX_DEMO_MEMBERS + 1)],
    "demo --seed huge": lambda t: ["demo", "--seed", HUGE, "--out", str(t)],
    "demo --year far": lambda t: ["demo", "--year", "99999", "--out", str(t)],
    "check a directory": lambda t: ["check", str(t)],
    "check a device": lambda t: ["check", "/dev/null"],
    "check deep JSON": lambda t: ["check", str(dataset(t, "[" * 100_000 + "]" * 100_000))],
    "check duplicate keys": lambda t: ["check", str(dataset(t, '{"members": [], "members": []}'))],
    "check a 5,000-digit number": lambda t: ["check", str(dataset(t, '{"members": [' + HUGE + "]}"))],
    "check a 5,000-digit wish value": lambda t: [
        "check",
        str(
            dataset(
                t,
                '{"wishes": [{"id": "w1", "beneficiary_id": "p1", "content": "助行器", "kind": "MATERIAL", '
                f'"value": "{HUGE}", "collected_on": "2026-05-01"}}]}}',
            )
        ),
    ],
    "check a lone surrogate in a name": lambda t: [
        "check",
        str(
            dataset(
                t,
                '{"branches": [{"id": "b1", "name": "支部"}], "members": [{"id": "m1", "name": "\\ud800张",'
                ' "branch_id": "b1", "joined_on": "2020-01-01"}]}',
            )
        ),
    ],
    "check ANSI in a name": lambda t: [
        "check",
        str(
            dataset(
                t,
                '{"branches": [{"id": "b1", "name": "支部"}], "members": [{"id": "m1", "name": '
                + json.dumps(ANSI + "张三")
                + ', "branch_id": "b1", "joined_on": "2020-01-01"}]}',
            )
        ),
    ],
    "check ANSI in a file name": lambda t: ["check", str(t / f"{ANSI}data.json")],
    "report --db not SQLite": lambda t: ["report", "--db", f"sqlite:///{not_sqlite(t)}", "--year", "2026"],
    "report --db a directory": lambda t: ["report", "--db", f"sqlite:///{t}", "--year", "2026"],
    "report --year 5,000 digits": lambda t: ["report", "--db", "sqlite:///x.db", "--year", HUGE],
    "report --as-of ANSI": lambda t: [
        "report",
        "--db",
        f"sqlite:///{not_sqlite(t)}",
        "--year",
        "2026",
        "--as-of",
        ANSI,
    ],
    "export --db not SQLite": lambda t: [
        "forms",
        "export",
        "notice",
        "--db",
        f"sqlite:///{not_sqlite(t)}",
        "--out",
        str(t / "n.csv"),
        "--year",
        "2026",
    ],
    "export --out a directory": lambda t: [
        "forms",
        "export",
        "notice",
        "--db",
        f"sqlite:///{not_sqlite(t)}",
        "--out",
        str(t),
        "--year",
        "2026",
    ],
    "export --out under a file": lambda t: [
        "forms",
        "export",
        "notice",
        "--db",
        "sqlite:///x.db",
        "--out",
        str(not_sqlite(t) / "n.csv"),
    ],
    "export --half 5,000 digits": lambda t: [
        "forms",
        "export",
        "half_year",
        "--db",
        "x",
        "--out",
        "h.csv",
        "--half",
        HUGE,
    ],
    "import --db not SQLite": lambda t: [
        "forms",
        "import",
        "wish_collection",
        str(annex(t, GOOD)),
        "--db",
        f"sqlite:///{not_sqlite(t)}",
    ],
    "import --max-rows huge": lambda t: [
        "forms",
        "import",
        "wish_collection",
        str(annex(t, GOOD)),
        "--db",
        f"sqlite:///{t}/new.db",
        "--max-rows",
        "999999999999999999999",
    ],
    "import a surrogate in UTF-8 bytes": lambda t: [
        "forms",
        "import",
        "wish_collection",
        str(
            _write_bytes(
                t / "a.csv", ",".join(forms.HEADERS["wish_collection"]).encode() + b"\n1,\xed\xa0\x80\n"
            )
        ),
        "--db",
        f"sqlite:///{t}/new.db",
    ],
    "schema ANSI entity": lambda t: ["schema", ANSI + "Wish"],
    "schema --out a file": lambda t: ["schema", "--out", str(not_sqlite(t))],
    "rules a bad format": lambda t: ["rules", "--format", ANSI],
}


def _write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_exits_2_without_a_traceback(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(BAD_INPUTS[case](tmp_path), capsys)
    assert code == 2, err
    clean(code, out, err)
    assert "error" in err


def test_a_refused_input_is_one_bilingual_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["report", "--db", f"sqlite:///{not_sqlite(tmp_path)}", "--year", "2026"], capsys)
    assert code == 2
    assert "not a SQLite database" in one_error_line(err)
    code, _, err = run(["check", str(tmp_path)], capsys)
    assert code == 2
    assert "not a regular file" in one_error_line(err)


def test_a_usage_error_names_the_bound_and_cuts_a_long_value(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["demo", "--members", HUGE], capsys)
    assert code == 2
    assert f"1–{MAX_DEMO_MEMBERS}" in err
    assert HUGE not in err
    assert len(err) < 1000


def test_a_non_sqlite_database_is_left_as_it_was(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = not_sqlite(tmp_path)
    before = path.read_bytes()
    code, _, _ = run(
        ["forms", "import", "wish_collection", str(annex(tmp_path, GOOD)), "--db", f"sqlite:///{path}"],
        capsys,
    )
    assert code == 2
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    "extra",
    [
        ["--collected-on", "2026-13-45"],
        ["--policy", "nope"],
        ["--max-bytes", "10"],
    ],
)
def test_forms_import_checks_every_argument_before_it_creates_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], extra: list[str]
) -> None:
    database = tmp_path / "new.db"
    code, out, err = run(
        [
            "forms",
            "import",
            "wish_collection",
            str(annex(tmp_path, GOOD)),
            "--db",
            f"sqlite:///{database}",
            *extra,
        ],
        capsys,
    )
    assert code == 2
    clean(code, out, err)
    assert not database.exists()


@pytest.mark.parametrize("target", ["missing", "directory", "device", "pdf"])
def test_forms_import_refuses_a_file_that_is_not_a_sheet_before_it_creates_the_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], target: str
) -> None:
    database = tmp_path / "new.db"
    pdf = tmp_path / "a.pdf"
    pdf.write_text("x", encoding="utf-8")
    file = {"missing": tmp_path / "none.csv", "directory": tmp_path, "device": Path("/dev/zero"), "pdf": pdf}
    code, out, err = run(
        ["forms", "import", "wish_collection", str(file[target]), "--db", f"sqlite:///{database}"], capsys
    )
    assert code == 2
    clean(code, out, err)
    assert not database.exists()


def test_a_sqlite_database_in_a_missing_directory_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/no/such/dir/v.db"
    code, _, err = run(
        ["forms", "import", "wish_collection", str(annex(tmp_path, GOOD)), "--db", url], capsys
    )
    assert code == 2
    assert "no directory" in one_error_line(err)


# -- refused rows: exit 1 -----------------------------------------------------------------------------


def test_a_5000_digit_money_cell_is_a_refused_row(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    row = GOOD.replace("200元", HUGE + "元")
    sheet = annex(tmp_path, row)
    code, out, err = run(["check", str(sheet)], capsys)
    assert code == 1
    clean(code, out, err)
    assert HUGE not in out
    database = tmp_path / "v.db"
    code, out, err = run(
        ["forms", "import", "wish_collection", str(sheet), "--db", f"sqlite:///{database}"], capsys
    )
    assert code == 1
    clean(code, out, err)
    assert "errors 1" in out


def test_ansi_in_a_cell_reaches_the_terminal_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = annex(tmp_path, GOOD.replace("200元", ANSI + "元"))
    code, out, err = run(["check", str(sheet)], capsys)
    assert code == 1
    clean(code, out, err)


# -- what reaches the terminal and the spreadsheet ----------------------------------------------------


def _store_with(monkeypatch: pytest.MonkeyPatch, name: str) -> InMemoryStore:
    """One branch and one member called ``name``, set after construction: the data a database written by
    another program may hold, whatever the model accepts."""
    shared = InMemoryStore()
    branch = Branch(id="b1", name="支部")
    member = Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1))
    for entity in (branch, member):
        object.__setattr__(entity, "name", name)
    services.add_entities(InMemoryUnitOfWork(shared), [branch, member])
    monkeypatch.setattr(_common, "open_uow", lambda url, create=False: InMemoryUnitOfWork(shared))
    return shared


def test_report_table_escapes_control_characters(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _store_with(monkeypatch, ANSI + "张三\r\u202e")
    code, out, err = run(["report", "--db", "x", "--year", "2026"], capsys)
    assert code == 1
    clean(code, out, err)
    assert "\\u001b[2J\\u001b[31m张三\\u000d\\u202e" in out
    assert "\r" not in out


def test_report_json_escapes_stay_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    name = ANSI + "张三\x9b\u2066"
    _store_with(monkeypatch, name)
    code, out, err = run(["report", "--db", "x", "--year", "2026", "--format", "json"], capsys)
    assert code == 1
    clean(code, out, err)
    assert "\x9b" not in out
    assert "\u2066" not in out
    assert json.loads(out)["members"][0]["member_name"] == name


def test_report_csv_guards_a_formula(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _store_with(monkeypatch, FORMULA)
    code, out, err = run(["report", "--db", "x", "--year", "2026", "--format", "csv"], capsys)
    assert code == 1
    clean(code, out, err)
    assert ',"\'=HYPERLINK(""http://evil/?x"",""点击"")",' in out
    assert ',"=HYPERLINK' not in out


# -- internal errors: exit 3, one line, the traceback only with --debug ---------------------------------


def _broken(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    def run_rules(args: object) -> int:
        raise error

    monkeypatch.setattr(_rules, "run", run_rules)


def test_an_internal_error_is_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _broken(monkeypatch, RuntimeError("boom \x1b[31m"))
    code, out, err = run(["rules"], capsys)
    assert code == EXIT_INTERNAL == 3
    clean(code, out, err)
    assert err.splitlines() == [
        "内部错误 / internal error: RuntimeError: boom \\u001b[31m — 加 --debug 重新运行可看调用栈 / rerun with "
        "--debug for the traceback"
    ]


@pytest.mark.parametrize(
    "argv", [["--debug", "rules"], ["rules", "--debug"], ["rules", "--lang", "en", "--debug"]]
)
def test_debug_shows_the_traceback_before_or_after_the_subcommand(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    _broken(monkeypatch, RuntimeError("boom"))
    code, _, err = run(argv, capsys)
    assert code == 3
    assert "Traceback (most recent call last)" in err
    assert "RuntimeError: boom" in err.splitlines()[-1]


def test_debug_after_forms_or_before_its_action(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    for argv in (["forms", "--debug", "export"], ["forms", "export", "--debug"]):
        code, _, err = run(
            [*argv, "notice", "--db", "sqlite:///none.db", "--out", str(tmp_path / "n.csv")], capsys
        )
        assert code == 2
        assert "Traceback (most recent call last)" in err  # --debug shows it for every error


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (RecursionError("deep"), 3),
        (ValueError("Exceeds the limit (4300 digits)"), 3),
        (AttributeError("'str' object has no attribute 'x'"), 3),
        (ImportError("cannot import name 'x'", name="volunteer_core.forms"), 3),
        (ModuleNotFoundError("No module named 'openpyxl'", name="openpyxl"), 2),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), 2),
        (IsADirectoryError(21, "Is a directory", "x.csv"), 2),
        (KeyboardInterrupt(), 130),
    ],
)
def test_each_kind_of_error_has_its_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: BaseException, expected: int
) -> None:
    _broken(monkeypatch, error)
    code, out, err = run(["rules"], capsys)
    assert code == expected
    clean(code, out, err)


def test_python_dash_m_refuses_a_database_that_is_not_one_without_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "volunteer_core",
            "report",
            "--db",
            f"sqlite:///{not_sqlite(tmp_path)}",
            "--year",
            "2026",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "not a SQLite database" in result.stderr
