"""``volunteer-core demo``: runs and writes what docs/cli.md and its --help promise — the database, the
forms, a certificate and the three charts as PNG — into --out, by default ./demo-output; an extra that is
not installed leaves its files out and is named with the command that installs it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_support import clear_locale, run, without
from PIL import Image

from volunteer_core._display import display_width
from volunteer_core.demo._charts import CHARTS

DOCS = Path(__file__).resolve().parents[2] / "docs" / "cli.md"
PNGS = [f"2026-{name}.png" for name in CHARTS]


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_locale(monkeypatch)


def test_demo_runs_and_writes_its_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["demo", "--members", "30", "--out", str(tmp_path / "demo")], capsys)
    assert code == 0
    assert "合规汇总" in out
    written = {p.name for p in (tmp_path / "demo").iterdir()}
    assert "volunteer.db" in written
    assert any(name.endswith(".xlsx") for name in written)
    assert any(name.startswith("certificate-") and name.endswith(".pdf") for name in written)
    assert "pip install" not in out  # every extra is installed here


def test_demo_writes_the_three_charts_as_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Compliance by branch, the heat map of months and the wish funnel: real PNG images, listed."""
    code, out, _ = run(["demo", "--members", "12", "--out", str(tmp_path)], capsys)
    assert code == 0
    for name in PNGS:
        path = tmp_path / name
        assert str(path) in out
        with Image.open(path) as image:
            image.verify()  # a whole, readable PNG
        with Image.open(path) as image:
            assert image.format == "PNG"
            width, height = image.size
            assert width > 300
            assert height > 200
            darkest, lightest = image.convert("L").getextrema()
            assert isinstance(darkest, int)
            assert isinstance(lightest, int)
            assert darkest < 128 < lightest  # drawn, not a blank canvas


def test_demo_writes_into_demo_output_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without --out: ./demo-output, as docs/cli.md and --help say."""
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["demo", "--members", "12"], capsys)
    assert code == 0
    folder = tmp_path / "demo-output"
    assert (folder / "volunteer.db").is_file()
    assert all((folder / name).is_file() for name in PNGS)
    assert "已写入 demo-output" in out
    _, help_text, _ = run(["demo", "--help"], capsys)
    assert "default ./demo-output" in " ".join(help_text.split())


def test_the_docs_say_what_the_demo_writes() -> None:
    """docs/cli.md names the default directory and every kind of file the demo writes."""
    text = DOCS.read_text(encoding="utf-8")
    section = text[text.index("## `demo`") : text.index("## `check`")]
    assert "./demo-output" in section
    for name in (*CHARTS, "volunteer.db", "certificate-"):
        assert name in section, name
    for extra in ("sql", "xlsx", "pdf", "plot"):
        assert f"volunteer-core[{extra}]" in section or f"[{extra}]" in section, extra


@pytest.mark.parametrize(
    ("module", "extra", "left_out"),
    [
        ("matplotlib", "plot", lambda p: p.suffix == ".png"),
        ("sqlalchemy", "sql", lambda p: p.name == "volunteer.db"),
        ("openpyxl", "xlsx", lambda p: p.suffix == ".xlsx"),
        ("reportlab", "pdf", lambda p: p.suffix == ".pdf"),
    ],
)
def test_a_missing_extra_is_named_and_the_rest_is_written(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    module: str,
    extra: str,
    left_out: object,
) -> None:
    """On an install without the extra: no ``No module named …``, the pip command instead; the demo
    still succeeds and writes everything that does not need it."""
    without(monkeypatch, module)
    code, out, err = run(["demo", "--members", "12", "--out", str(tmp_path)], capsys)
    assert code == 0, err
    assert f"pip install 'volunteer-core[{extra}]'" in out
    assert "No module named" not in out + err
    written = list(tmp_path.iterdir())
    assert callable(left_out)
    assert not any(left_out(p) for p in written)
    assert any(p.name.startswith("certificate-") for p in written)
    assert any(p.name.startswith("2026-notice.") for p in written)
    if extra != "plot":
        assert all((tmp_path / name).is_file() for name in PNGS)


def test_the_summary_aligns_chinese_and_cuts_long_rule_titles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The violations by rule: the severity column starts at one display column on every line (a
    Chinese character counts two), a title too long for its column ends in "…"."""
    code, out, _ = run(["demo", "--members", "60", "--out", str(tmp_path)], capsys)
    assert code == 0
    lines = out.splitlines()
    start = lines.index("问题分布（violations by rule）:") + 1
    rows = []
    for line in lines[start:]:
        if not line.strip():
            break
        rows.append(line)
    assert len(rows) >= 3
    columns = {display_width(re.split(r"(错误|提醒)", row)[0]) for row in rows}
    assert len(columns) == 1, rows  # the severity column is aligned
    if any("…" in row for row in rows):
        assert all(display_width(row.split("…")[0]) < next(iter(columns)) for row in rows if "…" in row)
    branch_rows = lines[lines.index(next(line for line in lines if line.startswith("支部 branch"))) :][:7]
    ends = {display_width(row) for row in branch_rows}
    assert len(ends) == 1, branch_rows  # numbers right-aligned under their headers


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
