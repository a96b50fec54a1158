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


def test_demo_shows_the_organisation_roll_up(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """工委 → 机关党委 → 支部, indented, with the summary form (汇总表) written beside the others."""
    code, out, _ = run(["demo", "--members", "24", "--out", str(tmp_path / "demo")], capsys)
    assert code == 0
    assert "组织汇总" in out
    lines = out.splitlines()
    top = next(i for i, line in enumerate(lines) if line.startswith("莆田市直机关工委"))
    assert lines[top + 1].startswith("  市民政局机关党委")
    assert lines[top + 2].startswith("    办公室党支部")
    assert any(line.startswith("  市卫健委机关党委") for line in lines[top:])
    assert lines[top].split()[1:3] == ["6", "24"]  # the whole tree: six branches, 24 members
    assert any(p.stem.endswith("organisation_summary") for p in (tmp_path / "demo").iterdir())
