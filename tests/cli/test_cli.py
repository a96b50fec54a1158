"""The command line's entry point: ``main`` and ``python -m volunteer_core`` never show a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import clear_locale


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_locale(monkeypatch)


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
