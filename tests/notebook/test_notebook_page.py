"""docs/notebook.md runs as a real notebook: its python blocks become the code cells, a Jupyter kernel
(ipykernel, started by nbclient) executes them in order with no magic, and each chart cell shows a PNG."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

PAGE = Path(__file__).resolve().parents[2] / "docs" / "notebook.md"
KERNEL = "volunteer-core-test"
#: A cell whose value is a chart: its last line calls one of the three.
CHART = re.compile(r"^plot\.(coverage_heatmap|wish_funnel|compliance_by_branch)\(")


def code_blocks(markdown: str) -> list[str]:
    return [block.strip() for block in re.findall(r"^```python\n(.*?)^```", markdown, re.S | re.M)]


@pytest.fixture
def kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A kernel spec that runs this interpreter, and Jupyter's files kept out of the home directory."""
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": KERNEL, "language": "python"}), encoding="utf-8"
    )
    for variable, folder in (
        ("JUPYTER_PATH", "jupyter"),
        ("JUPYTER_DATA_DIR", "data"),
        ("JUPYTER_CONFIG_DIR", "config"),
        ("JUPYTER_RUNTIME_DIR", "runtime"),
        ("IPYTHONDIR", "ipython"),
        ("MPLCONFIGDIR", "matplotlib"),
    ):
        monkeypatch.setenv(variable, str(tmp_path / folder))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.delenv("MPLBACKEND", raising=False)  # the kernel's own default, as in a fresh Jupyter
    return KERNEL


def test_the_notebook_page_runs_as_a_notebook_and_shows_its_charts(kernel: str, tmp_path: Path) -> None:
    blocks = code_blocks(PAGE.read_text(encoding="utf-8"))
    assert blocks, "docs/notebook.md has no python blocks"
    assert not [b for b in blocks if "%matplotlib" in b or "pyplot" in b], "the page needs no magic"
    code = [nbformat.v4.new_code_cell(block) for block in blocks]  # type: ignore[no-untyped-call]
    notebook = nbformat.v4.new_notebook(cells=code)  # type: ignore[no-untyped-call]
    work = tmp_path / "work"
    work.mkdir()
    NotebookClient(
        notebook, kernel_name=kernel, timeout=120, resources={"metadata": {"path": str(work)}}
    ).execute()  # raises CellExecutionError, naming the cell, if any cell fails

    cells = notebook.cells
    assert not [o for c in cells for o in c.outputs if o.output_type == "error"]
    charts = [c for c in cells if CHART.match(c.source.strip().splitlines()[-1])]
    assert len(charts) == 3
    for cell in charts:
        shown = [o for o in cell.outputs if o.output_type == "execute_result"]
        assert shown, cell.source
        assert shown[0]["data"]["image/png"], cell.source
    tables = [c for c in cells if c.source.strip().splitlines()[-1] in ("report", "member")]
    assert len(tables) == 2
    for cell in tables:
        assert "<table" in cell.outputs[0]["data"]["text/html"]
    assert (work / "compliance-by-branch.png").read_bytes().startswith(b"\x89PNG")
    assert (work / "2026-公示.csv").is_file()
