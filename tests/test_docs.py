"""The documentation that is generated from code stays equal to the code."""

import re
from pathlib import Path

import pytest

from volunteer_core import RULES
from volunteer_core.cli import render_rules_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_rules_page_matches_the_catalogue() -> None:
    page = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert page == render_rules_markdown(), (
        "regenerate: python -m volunteer_core rules --format markdown > docs/rules.md"
    )


def test_rules_page_names_every_rule_with_its_source_and_statement() -> None:
    page = (DOCS / "rules.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        assert f"`{rule.code}`" in page
        assert rule.statement in page
        assert rule.source in page
        assert rule.title_zh in page


_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)\s]*)?\)")


@pytest.mark.parametrize(
    "page", [DOCS.parent / "README.md", *sorted(DOCS.glob("*.md"))], ids=lambda p: p.name
)
def test_relative_links_resolve(page: Path) -> None:
    """Every relative link of the README and of docs/ names a file of the checkout."""
    targets = [t for t in _LINK.findall(page.read_text(encoding="utf-8")) if "://" not in t]
    missing = [t for t in targets if not (page.parent / t).exists()]
    assert not missing, f"{page.name} links to missing files: {missing}"
