r"""A Griffe extension for the documentation site (mkdocs.yml loads it): the doctests of the docstrings
become fenced ``pycon`` blocks, so the API reference shows them as code — their output lines (``[('r2',
'pending')]``) are not read as Markdown links — wherever they stand, not only in an "Examples:" section.

>>> fence_doctests("Add:\n\n>>> 1 + 1\n2\n\nMore.").splitlines()
['Add:', '', '```pycon', '>>> 1 + 1', '2', '```', '', 'More.']
"""

from __future__ import annotations

import re
from typing import Any

import griffe

_PROMPT = re.compile(r"^(?P<indent>\s*)>>>( |$)")
_FENCE = re.compile(r"^\s*(```|~~~)")


def fence_doctests(text: str) -> str:
    """Wrap each run of doctest lines (a ``>>>`` line up to the next blank line) in a ```` ```pycon ````
    fence at its own indentation; text already inside a fence is left alone."""
    out: list[str] = []
    lines = text.split("\n")
    index, fenced = 0, False
    while index < len(lines):
        line = lines[index]
        if _FENCE.match(line):
            fenced = not fenced
        prompt = None if fenced else _PROMPT.match(line)
        if prompt is None:
            out.append(line)
            index += 1
            continue
        indent = prompt["indent"]
        out.append(f"{indent}```pycon")
        while index < len(lines) and lines[index].strip():
            out.append(lines[index])
            index += 1
        out.append(f"{indent}```")
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the doctests of every docstring of the loaded package."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Rewrite the docstrings of the package and of everything in it (aliases are their targets')."""
        seen: set[int] = set()
        stack: list[griffe.Object] = [pkg]
        while stack:
            obj = stack.pop()
            if id(obj) in seen:
                continue
            seen.add(id(obj))
            if obj.docstring is not None:
                obj.docstring.value = fence_doctests(obj.docstring.value)
            stack += [member for member in obj.members.values() if not member.is_alias]  # type: ignore[misc]
