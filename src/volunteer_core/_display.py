"""Text in columns on a terminal, by display width: an East Asian wide or fullwidth character (汉字, ，)
takes two columns, a combining mark none, anything else one. The command line and the demo pad and cut
every table cell through :func:`pad` (and lay out whole tables with :func:`table`), so that columns
holding Chinese stay aligned and a long text is cut with "…" at its column instead of running into
the next one.

>>> for line in table([("支部", "党员"), ("办公室党支部", "7"), ("Office", "12")], right=(False, True)):
...     print(line + "|")
支部          党员|
办公室党支部     7|
Office          12|
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

__all__ = ["ELLIPSIS", "display_width", "fit", "pad", "table"]

#: What a cut text ends with (one column).
ELLIPSIS = "…"


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def display_width(text: str) -> int:
    """The columns ``text`` takes on a terminal.

    >>> display_width("党员 ab"), display_width("ＡＢ"), display_width("e\u0301")
    (7, 4, 1)
    """
    return sum(_char_width(char) for char in text)


def fit(text: str, width: int) -> str:
    """``text`` when it takes at most ``width`` columns, else cut so that it does with "…" at the end.

    >>> fit("每支队伍至少开展一次集中志愿服务活动", 12), fit("short", 12), fit("abcdef", 4)
    ('每支队伍至…', 'short', 'abc…')
    """
    if display_width(text) <= width:
        return text
    kept: list[str] = []
    used = 0
    for char in text:
        size = _char_width(char)
        if used + size > width - 1:
            break
        kept.append(char)
        used += size
    return "".join(kept) + ELLIPSIS if width > 0 else ""


def pad(text: str, width: int, *, right: bool = False) -> str:
    """``text`` cut to ``width`` columns (:func:`fit`) and filled with spaces to exactly that width, on
    the right (``right=True``: on the left, for numbers).

    >>> pad("支部", 6) + "|", pad("7", 4, right=True), pad("市卫健委机关党委", 10) + "|"
    ('支部  |', '   7', '市卫健委… |')
    """
    shown = fit(text, width)
    fill = " " * max(0, width - display_width(shown))
    return fill + shown if right else shown + fill


def table(
    rows: Sequence[Sequence[str]],
    *,
    right: Sequence[bool] = (),
    limits: Sequence[int | None] = (),
    gap: int = 2,
) -> list[str]:
    """The lines of ``rows`` (the first is usually the header) laid out in columns ``gap`` spaces apart:
    each column as wide as its widest cell, at most ``limits[i]`` columns (longer cells are cut with
    "…"); ``right[i]`` aligns column ``i`` on the right. Trailing spaces are dropped.

    >>> table([("名称", "n"), ("一个很长很长的名字", "3")], limits=(8,))
    ['名称      n', '一个很…  3']
    """
    count = max((len(row) for row in rows), default=0)
    widths = []
    for index in range(count):
        widest = max((display_width(row[index]) for row in rows if index < len(row)), default=0)
        limit = limits[index] if index < len(limits) else None
        widths.append(widest if limit is None else min(widest, limit))
    lines = []
    for row in rows:
        cells = [
            pad(cell, widths[index], right=index < len(right) and right[index])
            for index, cell in enumerate(row)
        ]
        lines.append((" " * gap).join(cells).rstrip())
    return lines
