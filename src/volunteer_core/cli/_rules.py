"""``volunteer-core rules``: the rule catalogue as text, or as the Markdown page ``docs/rules.md``.

The page ends with the presets: which rules each one switches on, the text and section it cites for each,
and the numbers it judges by.

>>> render_rules_markdown().splitlines()[0]
'# 规则目录 / Rule catalogue'
"""

from __future__ import annotations

import argparse
import sys
from types import SimpleNamespace

from volunteer_core import calendar
from volunteer_core._catalogue import RULES
from volunteer_core.cli._common import EXIT_OK, output_language
from volunteer_core.money import Yuan
from volunteer_core.policy import NATIONAL, PRESETS, SWITCHES, Policy

__all__ = ["render_rules_markdown", "run"]

#: Festivals are listed in the order they fall in this year.
_SHOWN_YEAR = 2026

#: The parameters of the national layer that are not rules, as the page names them.
_NATIONAL_PARAMETERS = {
    "star_thresholds_hours": "星级 / star levels",
    "certificates": "志愿服务记录证明的内容 / the fields of a certificate",
    "retention_years": "记录保存年限 / years records are kept",
}


def _setting(value: object) -> str:
    """A policy value as the page shows it: festivals by name in calendar order, money in yuan."""
    if isinstance(value, frozenset):
        keys = SimpleNamespace(festivals=value)
        return "、".join(f.name_zh for f in calendar.festivals(_SHOWN_YEAR, keys))
    if isinstance(value, Yuan):
        return f"{value} 元"
    return repr(value)


def _presets_markdown() -> list[str]:
    """The presets: a table of the rules each switches on (with the citation), then one section each."""
    names = ["NATIONAL", *(n for n in PRESETS if n not in ("NATIONAL", "DEFAULT")), "DEFAULT"]
    lines = [
        "## 政策预设 / Presets",
        "",
        "Generated from `volunteer_core.policies`. `NATIONAL` holds what national texts lay down for "
        "everyone; each seed preset is `NATIONAL` plus exactly the rules its seed states, citing file and "
        "section (`Policy.sources`; `Policy.cite` puts the citation on a rule's violations); a rule no text "
        "states is off (—); `NATIONAL` in a cell: the national layer's citation. `DEFAULT` is the union the "
        "library is known by. The rules not listed here "
        "(the wish lifecycle, the ledger, record status, …) hold under every preset.",
        "",
        "| rule | " + " | ".join(f"`{name}`" for name in names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for code in SWITCHES:
        cells = [_citation(PRESETS[name], code, short=True) for name in names]
        lines.append(f"| `{code}` | " + " | ".join(cells) + " |")
    lines.append("")
    for name in names:
        policy = PRESETS[name]
        lines += [f"### `{name}`", "", f"Follows: {policy.source}", ""]
        for code in policy.rules_on():
            settings = ", ".join(f"`{k}` = {_setting(v)}" for k, v in SWITCHES[code].settings(policy).items())
            lines.append(f"- `{code}` ({_citation(policy, code)}): {settings}")
        if policy is NATIONAL:
            for key, label in _NATIONAL_PARAMETERS.items():
                shown = f" = {_setting(getattr(policy, key))}" if hasattr(policy, key) else ""
                lines.append(f"- {label} `{key}`{shown} ({policy.sources[key]})")
        lines.append("")
    return lines


def _citation(policy: Policy, code: str, *, short: bool = False) -> str:
    """The policy's citation of a rule it switches on (the rule's own source when it has none), or —;
    ``short``: the national layer's citations as ``NATIONAL``."""
    if code not in policy.rules_on():
        return "—"
    rule = RULES.get(code)
    citation = policy.sources.get(code) or (rule.source if rule is not None else "")
    if short and citation == NATIONAL.sources.get(code):
        return "NATIONAL"
    return citation


def render_rules_markdown() -> str:
    """The rule catalogue and the presets as the Markdown page ``docs/rules.md`` (generated; a test keeps
    them equal).

    >>> page = render_rules_markdown()
    >>> "| `branch.plan_due` |" in page and "### `MCA_LEIFENG`" in page
    True
    """
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
    lines += _presets_markdown()
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
