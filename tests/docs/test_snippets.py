"""Every code block of README.md and docs/ runs as printed.

Each page's ```python blocks run in order in one fresh interpreter (a subprocess, so nothing of the test
run leaks in), its working directory a temporary directory holding a copy of docs/examples/ — so a file a
block writes lands there and a block may read an example file the page links to. A block that is not
meant to run says so by its language (```text, ```console, ```bash, ```toml, …); a block without a
language, or Python hidden under another language, fails.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_blocks import DOCS, Block, blocks, pages, relative

RUNNER = Path(__file__).resolve().parent / "run_blocks.py"
PYTHON = ("python", "py", "pycon")
# a line that is Python, not shell or output: an import, or a doctest prompt
_PYTHON_LINE = re.compile(r"^\s*(?:>>> |from [\w.]+ import |import [\w.]+(?:\s+as\s+\w+)?\s*$)", re.M)


def _python_blocks(page: Path) -> list[Block]:
    return [b for b in blocks(page.read_text(encoding="utf-8")) if b.language in PYTHON]


@pytest.mark.parametrize("page", pages(), ids=relative)
def test_the_python_blocks_of_the_page_run_in_order(page: Path, tmp_path: Path) -> None:
    """The page's Python blocks, in one fresh interpreter; the failure names the page, block and line."""
    found = _python_blocks(page)
    payload = {
        "page": relative(page),
        "blocks": [
            {"number": n, "line": b.line, "text": b.text, "file": b.file}
            for n, b in enumerate(found, start=1)
        ],
    }
    work = tmp_path / "work"
    shutil.copytree(DOCS / "examples", work / "docs" / "examples")
    script = tmp_path / "blocks.json"
    script.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    environment = {**os.environ, "MPLBACKEND": "Agg", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(script)],
        cwd=work,
        env=environment,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-6000:]


@pytest.mark.parametrize("page", pages(), ids=relative)
def test_every_block_names_its_language(page: Path) -> None:
    """A fence without a language would hide whether its text is meant to run."""
    unnamed = [b.line for b in blocks(page.read_text(encoding="utf-8")) if not b.language]
    assert not unnamed, (
        f"{relative(page)}: blocks without a language at lines {unnamed} (```text, ```python…)"
    )


@pytest.mark.parametrize("page", pages(), ids=relative)
def test_no_python_hides_under_another_language(page: Path) -> None:
    """Python marked as text or shell would escape the runner: an import or a ``>>>`` prompt is Python."""
    hidden = [
        f"line {b.line} ({b.language})"
        for b in blocks(page.read_text(encoding="utf-8"))
        if b.language not in PYTHON and _PYTHON_LINE.search(b.text)
    ]
    assert not hidden, f"{relative(page)}: Python in blocks of another language: {hidden}"


def test_the_runner_reports_the_page_block_and_error(tmp_path: Path) -> None:
    """A failing block is named by page, number and line, with the error."""
    script = tmp_path / "blocks.json"
    blocks_of_page = [
        {"number": 1, "line": 3, "text": "x = 1\n"},
        {"number": 2, "line": 9, "text": "y = x + missing\n"},
    ]
    script.write_text(json.dumps({"page": "docs/p.md", "blocks": blocks_of_page}), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(script)], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "FAILED docs/p.md, block 2 (line 9)" in done.stderr
    assert "NameError: name 'missing' is not defined" in done.stderr


def test_the_runner_compares_doctest_output(tmp_path: Path) -> None:
    """A block of ``>>>`` lines is a doctest: a wrong printed output fails."""
    script = tmp_path / "blocks.json"
    text = ">>> 1 + 1\n3\n"
    script.write_text(
        json.dumps({"page": "p.md", "blocks": [{"number": 1, "line": 1, "text": text}]}), encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, str(RUNNER), str(script)], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert "FAILED p.md, block 1 (line 1)" in done.stderr
