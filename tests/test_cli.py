"""The command line: every subcommand's --help, exit codes 0 / 1 / 2, languages, no tracebacks."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from volunteer_core import Branch, Member, Team, Wish, cli, forms, services
from volunteer_core.cli import Progress, locale_language, main
from volunteer_core.serialization import unstructure
from volunteer_core.storage.memory import InMemoryStore, InMemoryUnitOfWork

YEAR = 2026
SUBCOMMANDS = [
    ["demo"],
    ["check"],
    ["report"],
    ["forms"],
    ["forms", "export"],
    ["forms", "import"],
    ["schema"],
    ["rules"],
]


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# -- help, usage ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [[], *SUBCOMMANDS])
def test_every_command_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*argv, "--help"], capsys)
    assert code == 0
    assert "usage: volunteer-core" in out
    assert " / " in out  # Chinese and English


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["bogus"],
        ["check"],
        ["report", "--year", "2026"],
        ["report", "--db", "sqlite:///x.db", "--year", "twenty"],
        ["forms", "export", "nope", "--db", "x", "--out", "a.csv"],
        ["forms", "import", "plan", "a.csv", "--db", "x"],
        ["forms", "export", "half_year", "--db", "x", "--out", "a.csv", "--half", "3"],
        ["rules", "--lang", "fr"],
    ],
)
def test_usage_errors_exit_2_with_a_bilingual_message(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2
    assert "用法错误 / usage error" in err


def test_python_dash_m_works_and_bad_input_never_shows_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"members": [{"id": 1}]}', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "volunteer_core", "check", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "错误" in result.stderr
    assert "error:" in result.stderr
    assert "members[0]" in result.stderr


# -- rules, schema -------------------------------------------------------------------------------------


def test_rules_follow_lang_and_locale(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, out, _ = run(["rules"], capsys)
    assert "micro-wish value cap" in out
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    _, out, _ = run(["rules"], capsys)
    assert "微心愿价值上限" in out
    _, out, _ = run(["rules", "--lang", "en"], capsys)
    assert "micro-wish value cap" in out
    code, out, _ = run(["rules", "--format", "markdown"], capsys)
    assert code == 0
    assert out == cli.render_rules_markdown()


def test_locale_language() -> None:
    assert locale_language({"LC_ALL": "zh_TW.UTF-8"}) == "zh"
    assert locale_language({"LC_MESSAGES": "en_US", "LANG": "zh_CN"}) == "en"
    assert locale_language({}) == "en"


def test_schema_prints_one_or_writes_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["schema", "wish"], capsys)
    assert code == 0
    schema = json.loads(out)
    assert schema["title"] == "Wish"
    assert schema["additionalProperties"] is False
    code, out, _ = run(["schema", "--out", str(tmp_path / "schemas")], capsys)
    assert code == 0
    files = sorted(p.name for p in (tmp_path / "schemas").iterdir())
    assert "Wish.schema.json" in files
    assert "ServiceRecord.schema.json" in files
    assert "Violation.schema.json" in files
    written = json.loads((tmp_path / "schemas" / "Member.schema.json").read_text(encoding="utf-8"))
    assert written["$schema"].startswith("https://json-schema.org/")
    code, out, _ = run(["schema"], capsys)
    assert set(json.loads(out)) >= {"Wish", "Member", "Beneficiary"}
    code, _, err = run(["schema", "Nope"], capsys)
    assert code == 2
    assert "Nope" in err


# -- check ---------------------------------------------------------------------------------------------


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


def test_errors_only_ignores_warnings() -> None:
    from volunteer_core._catalogue import violation
    from volunteer_core.model.enums import Severity

    warning = violation("record.timeliness", "r1", en="late", zh="迟", severity=Severity.WARNING)
    error = violation("wish.value_cap", "w1", en="too much", zh="超")
    assert cli._exit_for([warning], errors_only=False) == 1
    assert cli._exit_for([warning], errors_only=True) == 0
    assert cli._exit_for([warning, error], errors_only=True) == 1
    assert cli._exit_for([], errors_only=False) == 0


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


# -- the database commands (an in-memory store shared through a patched opener) ------------------------


@pytest.fixture
def store(monkeypatch: pytest.MonkeyPatch) -> InMemoryStore:
    shared = InMemoryStore()
    uow = InMemoryUnitOfWork(shared)
    services.add_entities(
        uow,
        [
            Branch(id="b1", name="办公室党支部"),
            Member(id="m1", name="张三", branch_id="b1", joined_on=date(2020, 1, 1), skills={"急救"}),
        ],
    )
    monkeypatch.setattr(cli, "_open_uow", lambda url, create=False: InMemoryUnitOfWork(shared))
    return shared


def annex(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "annex1.csv"
    path.write_text(
        "\n".join([",".join(forms.HEADERS["wish_collection"]), *rows]) + "\n", encoding="utf-8-sig"
    )
    return path


GOOD = "1,赵大爷,男,80,凤山社区9号,助行器,,,,老,凤山社区,,200元,2026-05-01"
BAD = "2,钱奶奶,女,70,凤山社区10号,电视机,,,,老,凤山社区,,500元,2026-05-01"


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
    assert "imported 1 wishes" in out
    code, _, _ = run(
        ["forms", "export", "wish_collection", "--db", url, "--out", str(tmp_path / "w.csv"), "--unmasked"],
        capsys,
    )
    assert code == 0
    assert "赵大爷" in (tmp_path / "w.csv").read_text(encoding="utf-8-sig")
    code, out, _ = run(["report", "--db", url, "--year", "2026", "--format", "json"], capsys)
    assert code == 0
    assert json.loads(out)["members"] == []


# -- demo, progress ------------------------------------------------------------------------------------


def test_demo_runs_and_writes_its_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["demo", "--members", "30", "--out", str(tmp_path / "demo")], capsys)
    assert code == 0
    assert "合规汇总" in out
    written = list((tmp_path / "demo").iterdir())
    assert any(p.suffix in (".xlsx", ".csv") for p in written)


def test_progress_is_silent_when_piped_and_drawn_on_a_terminal() -> None:
    piped = io.StringIO()
    bar = Progress("rows", total=10, stream=piped)
    for i in range(1, 11):
        bar.update(i)
    bar.close()
    assert piped.getvalue() == ""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    bar = Progress("rows", total=10, stream=terminal)
    assert list(bar.wrap(range(10), every=3)) == list(range(10))
    bar.close()
    assert "10/10 (100%)" in terminal.getvalue()
    assert terminal.getvalue().endswith("\n")
