"""docs/http.md lists every operation of the route table, as the table generates it."""

from __future__ import annotations

from pathlib import Path

from volunteer_core.http._table import routes_markdown

PAGE = Path(__file__).resolve().parents[2] / "docs" / "http.md"


def test_the_endpoint_table_is_the_route_table() -> None:
    page = PAGE.read_text(encoding="utf-8")
    begin, end = "<!-- routes:begin -->\n", "<!-- routes:end -->"
    table = page[page.index(begin) + len(begin) : page.index(end)]
    assert table == routes_markdown(), (
        "regenerate the table between the routes markers from routes_markdown()"
    )


def test_the_page_is_in_the_site_navigation() -> None:
    nav = (PAGE.parent.parent / "mkdocs.yml").read_text(encoding="utf-8")
    assert "http.md" in nav
