"""``volunteer-core demo``: runs and writes its files."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_support import clear_locale, run


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_locale(monkeypatch)


def test_demo_runs_and_writes_its_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["demo", "--members", "30", "--out", str(tmp_path / "demo")], capsys)
    assert code == 0
    assert "合规汇总" in out
    written = list((tmp_path / "demo").iterdir())
    assert any(p.suffix in (".xlsx", ".csv") for p in written)
