"""docs/organisations.md: its example runs, and prints what its comments say."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "docs" / "organisations.md"


def test_the_example_of_the_organisations_page_runs_and_prints_its_comments() -> None:
    (block,) = re.findall(r"```python\n(.*?)```", PAGE.read_text(encoding="utf-8"), flags=re.S)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, str(PAGE), "exec"), {})  # the page's own example
    promised = [line.removeprefix("# ") for line in block.splitlines() if line.startswith("# ")]
    assert out.getvalue().splitlines() == promised
