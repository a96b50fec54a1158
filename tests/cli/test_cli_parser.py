"""The parser: every subcommand's --help, usage errors with exit code 2 and a bilingual message."""

from __future__ import annotations

import pytest
from cli_support import clear_locale, run

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
    clear_locale(monkeypatch)


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
