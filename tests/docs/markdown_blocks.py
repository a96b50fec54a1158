"""The fenced code blocks of the project's Markdown pages: README.md and every page under docs/.

A block opens with three or more backticks and an info string (```` ```python ````, indented as deep as the
list item it belongs to) and closes with a fence of the same character at least as long. A block the page
shows as a whole file says so on the line before its fence, in a comment the site does not show:
``<!-- file: tests/test_my_storage.py -->``; the snippet runner writes it there before running it.
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})(?P<info>[^`]*)$")
_FILE = re.compile(r"^\s*<!-- file: (?P<path>[\w./-]+) -->\s*$")


@attrs.frozen(kw_only=True)
class Block:
    """One fenced block: its language (the info string's first word, "" for none), the line of its
    opening fence (1-based), its text, dedented to the fence's indentation, and the file it is, if the
    page says so (a relative path)."""

    language: str
    line: int
    text: str
    file: str | None = None


def pages() -> list[Path]:
    """README.md, then every Markdown page under docs/ (new pages are picked up as they come)."""
    return [ROOT / "README.md", *sorted(DOCS.glob("**/*.md"))]


def blocks(text: str) -> list[Block]:
    """Every fenced block of a Markdown text, in order.

    >>> page = "<!-- file: a.py -->\\n```python\\nx = 1\\n```\\n- item\\n\\n  ```text\\n  y\\n  ```\\n"
    >>> [(b.language, b.line, b.text, b.file) for b in blocks(page)]
    [('python', 2, 'x = 1\\n', 'a.py'), ('text', 7, 'y\\n', None)]
    """
    found: list[Block] = []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        body: list[str] = []
        end = index + 1
        while end < len(lines):
            closing = _FENCE.match(lines[end])
            if (
                closing is not None
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= len(fence)
                and not closing["info"].strip()
            ):
                break
            body.append(lines[end])
            end += 1
        info = opening["info"].strip().split()
        text_of_block = textwrap.dedent(
            "\n".join(line[indent:] if line[:indent].isspace() else line for line in body)
        )
        named = _FILE.match(lines[index - 1]) if index else None
        found.append(
            Block(
                language=info[0] if info else "",
                line=index + 1,
                text=text_of_block + "\n",
                file=named["path"] if named else None,
            )
        )
        index = end + 1
    return found


def relative(page: Path) -> str:
    """The page's path from the root of the checkout, as failures name it."""
    return page.relative_to(ROOT).as_posix()
