"""The command line: ``volunteer-core`` (= ``python -m volunteer_core``).

Exit codes: 0 ok, 1 violations found, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from volunteer_core._catalogue import RULES

__all__ = ["main", "render_rules_markdown"]


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


def _rules(args: argparse.Namespace) -> int:
    if args.format == "markdown":
        sys.stdout.write(render_rules_markdown())
        return 0
    for rule in RULES.values():
        title = rule.title_zh if args.lang == "zh" else rule.title_en
        sys.stdout.write(f"{rule.code:<28}{title}  ({rule.source})\n")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from volunteer_core.demo import run

    run(sys.stdout, members=args.members, seed=args.seed)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="volunteer-core", description="党员志愿服务规则库 / volunteer programme rules"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    demo = sub.add_parser(
        "demo", help="build a realistic year for one organ and print its compliance summary"
    )
    demo.add_argument("--members", type=int, default=200)
    demo.add_argument("--seed", type=int, default=2026)
    demo.set_defaults(func=_demo)
    rules = sub.add_parser("rules", help="print the rule catalogue")
    rules.add_argument("--lang", choices=("zh", "en"), default="zh")
    rules.add_argument("--format", choices=("text", "markdown"), default="text")
    rules.set_defaults(func=_rules)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code.

    >>> main(["rules", "--lang", "en"])  # doctest: +ELLIPSIS
    wish.value_cap              micro-wish value cap  (004 §三)
    ...
    0
    """
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    code: int = args.func(args)
    return code
