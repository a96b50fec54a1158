"""The documentation that is generated from code stays equal to the code."""

from pathlib import Path

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
