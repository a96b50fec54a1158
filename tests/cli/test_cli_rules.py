"""``volunteer-core rules``: the catalogue follows --lang and the locale; Markdown is the rules page."""

from __future__ import annotations

import pytest
from cli_support import clear_locale, run

from volunteer_core import cli


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_locale(monkeypatch)


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
