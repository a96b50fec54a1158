"""The pages generated from code stay equal to the code (docs/rules.md: tests/test_docs.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from volunteer_core import RULES
from volunteer_core.policies import PRESETS

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tools.docs_pages import PAGE, render_presets_markdown  # noqa: E402


def test_the_presets_page_is_current() -> None:
    assert PAGE.read_text(encoding="utf-8") == render_presets_markdown(), (
        "regenerate: python -m tools.docs_pages"
    )


def test_the_presets_page_names_each_preset_its_rules_and_citations() -> None:
    page = PAGE.read_text(encoding="utf-8")
    for name, policy in PRESETS.items():
        section = page.split(f"## `{name}`\n", 1)[1].split("\n## ", 1)[0]
        for code in policy.rules_on():
            assert f"| `{code}` | {RULES[code].title_zh}" in section, (name, code)
            assert policy.sources.get(code, RULES[code].source) in section, (name, code)
        off = set(RULES) - set(policy.rules_on())
        assert not [code for code in off if f"| `{code}` |" in section], name
