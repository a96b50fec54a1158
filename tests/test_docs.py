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


ROOT = DOCS.parent
PAGES = [ROOT / "README.md", *sorted(DOCS.glob("**/*.md"))]
_LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)\s]*)?\)")


def _name(page: Path) -> str:
    return page.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_relative_links_resolve_inside_the_checkout(page: Path) -> None:
    """Every relative link of the README and of docs/ names a file of the checkout: a plain clone, with
    nothing beside it, has every page it links to."""
    targets = [t for t in _LINK.findall(page.read_text(encoding="utf-8")) if "://" not in t]
    missing = [t for t in targets if not (page.parent / t).exists()]
    outside = [t for t in targets if not (page.parent / t).resolve().is_relative_to(ROOT)]
    assert not missing, f"{_name(page)} links to missing files: {missing}"
    assert not outside, f"{_name(page)} links outside the repository: {outside}"


# "issue 14", "Issue #7", "issues 3", "(#17)": the tracker's numbers mean nothing to a reader of the docs
_ISSUE_NUMBER = re.compile(r"\bissues?\s*#?\s*\d+|(?<![\w&/#])#\d+\b", re.IGNORECASE)


@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_pages_cite_no_issue_numbers(page: Path) -> None:
    """The docs explain themselves: no reference to the project's internal issue numbers."""
    text = page.read_text(encoding="utf-8")
    found = [
        f"line {text.count(chr(10), 0, m.start()) + 1}: {m.group()!r}" for m in _ISSUE_NUMBER.finditer(text)
    ]
    assert not found, f"{_name(page)} cites issue numbers: {found}"


def test_the_issue_number_pattern() -> None:
    hits = [bool(_ISSUE_NUMBER.search(t)) for t in ("issue 14", "(Issue #7)", "see #17", "issues 3")]
    misses = [bool(_ISSUE_NUMBER.search(t)) for t in ("rules.md#member", "&#123;", "C# 12", "issue.py")]
    assert hits == [True] * 4
    assert misses == [False] * 4


# what a checkout has beside it on a developer's machine, and a user's clone does not
_OUTSIDE = re.compile(r"\.\./shared\b|(?<![\w.-])shared/(?:design|seeds)\b")
_SCANNED = ("src", "tests", "docs", "bench", "tools")


def test_nothing_in_the_repository_reads_or_cites_a_folder_beside_it() -> None:
    """Code, tests, docs, benchmarks and tools name no path outside the checkout (a plain clone passes)."""
    files = [ROOT / "README.md", ROOT / "Makefile", ROOT / "pyproject.toml"]
    for folder in _SCANNED:
        files += [
            p
            for p in (ROOT / folder).rglob("*")
            if p.is_file()
            and p.suffix in {".py", ".md", ".toml", ".txt", ".cfg", ".sh", ".yml", ".yaml", ".json", ".csv"}
        ]
    found = [
        f"{_name(path)}: {m.group()}"
        for path in files
        for m in _OUTSIDE.finditer(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not found, found


_TITLE = re.compile(r"^# [^\n/]*[\u4e00-\u9fff][^\n/]* / [^\n]*[A-Za-z]")


@pytest.mark.parametrize("page", PAGES[1:], ids=_name)
def test_each_page_is_titled_in_chinese_then_english(page: Path) -> None:
    """The site is Chinese first with English alongside: ``# 表格 / Forms``."""
    first = page.read_text(encoding="utf-8").split("\n", 1)[0]
    assert _TITLE.match(first), f"{_name(page)}: {first!r}"
