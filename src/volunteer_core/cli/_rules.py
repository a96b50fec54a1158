"""``volunteer-core rules``: the rule catalogue as text, or as the Markdown page ``docs/rules.md``.

>>> render_rules_markdown().splitlines()[0]
'# 规则目录 / Rule catalogue'
"""

from __future__ import annotations

import argparse
import sys

from volunteer_core._catalogue import RULES
from volunteer_core.cli._common import EXIT_OK, output_language

__all__ = ["render_rules_markdown", "run"]


def render_rules_markdown() -> str:
    """The rule catalogue as the Markdown page ``docs/rules.md`` (generated; a test keeps them equal)."""
    lines = [
        "# 规则目录 / Rule catalogue",
        "",
        "Generated from `volunteer_core.RULES` by `python -m volunteer_core rules --format markdown`.",
        "Do not edit by hand: `tests/test_docs.py` checks that this page matches the code.",
        "",
        "| code | 规则 | rule | severity | source |",
        "|---|---|---|---|---|",
    ]
    for rule in RULES.values():
        lines.append(
            f"| `{rule.code}` | {rule.title_zh} | {rule.title_en} | {rule.severity.value} | {rule.source} |"
        )
    lines.append("")
    for rule in RULES.values():
        lines += [f"## `{rule.code}` — {rule.title_zh} / {rule.title_en}", "", f"Source: {rule.source}", ""]
        lines += [rule.statement, ""]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the catalogue: one line per rule in the output language, or the Markdown page.

    >>> run(argparse.Namespace(format="text", lang="en"))  # doctest: +ELLIPSIS
    wish.value_cap              micro-wish value cap  (004 §三)
    ...
    0
    """
    if args.format == "markdown":
        sys.stdout.write(render_rules_markdown())
        return EXIT_OK
    lang = output_language(args)
    for rule in RULES.values():
        title = rule.title_zh if lang == "zh" else rule.title_en
        sys.stdout.write(f"{rule.code:<28}{title}  ({rule.source})\n")
    return EXIT_OK
