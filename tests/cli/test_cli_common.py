"""What the subcommands share: the locale's language, the exit code for violations, the progress bar."""

from __future__ import annotations

import io

import pytest
from cli_support import clear_locale

from volunteer_core.cli import Progress, locale_language
from volunteer_core.cli._common import exit_for


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_locale(monkeypatch)


def test_locale_language() -> None:
    assert locale_language({"LC_ALL": "zh_TW.UTF-8"}) == "zh"
    assert locale_language({"LC_MESSAGES": "en_US", "LANG": "zh_CN"}) == "en"
    assert locale_language({}) == "en"


def test_errors_only_ignores_warnings() -> None:
    from volunteer_core._catalogue import violation
    from volunteer_core.model.enums import Severity

    warning = violation("record.timeliness", "r1", en="late", zh="迟", severity=Severity.WARNING)
    error = violation("wish.value_cap", "w1", en="too much", zh="超")
    assert exit_for([warning], errors_only=False) == 1
    assert exit_for([warning], errors_only=True) == 0
    assert exit_for([warning, error], errors_only=True) == 1
    assert exit_for([], errors_only=False) == 0


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
