"""The documentation site builds strictly and offline: ``mkdocs build --strict`` (mkdocs.yml), as
``make docs`` does, into a temporary directory. A broken link, a page missing from the nav or a docstring
the API reference cannot read is a warning, and strict mode fails on it.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from markdown_blocks import ROOT

sys.path.insert(0, str(ROOT))

from tools import docs_pages, griffe_doctest


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The site, built once for the module, and what mkdocs said."""
    target = tmp_path_factory.mktemp("site")
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(target)],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    return target, done.stderr


def test_the_site_builds_strictly_without_a_warning(site: tuple[Path, str]) -> None:
    _, said = site
    assert "WARNING" not in said, said


def test_every_page_is_built(site: tuple[Path, str]) -> None:
    """Each Markdown page has its HTML page (the nav lists them all: strict mode checks it)."""
    target, _ = site
    for page in (ROOT / "docs").glob("**/*.md"):
        relative = page.relative_to(ROOT / "docs").with_suffix("")
        built = relative.parent if relative.name in ("index", "README") else relative
        assert (target / built / "index.html").is_file(), relative


def test_the_reference_shows_docstrings_and_their_examples(site: tuple[Path, str]) -> None:
    """The API reference is generated: a use-case's docstring and its doctest are on the page."""
    target, _ = site
    services = (target / "reference" / "services" / "index.html").read_text(encoding="utf-8")
    assert 'id="volunteer_core.services.claim_wish"' in services
    assert "Register master data" in services
    assert '<span class="gp">&gt;&gt;&gt; </span>' in services, "the doctests are highlighted code"


_EXTERNAL = re.compile(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)=["'](?:https?:)?//""", re.IGNORECASE)


def test_the_pages_load_nothing_from_the_network(site: tuple[Path, str]) -> None:
    """No script, style sheet, font or image from another host: the site reads well on an intranet."""
    target, _ = site
    loading = {
        page.relative_to(target).as_posix(): _EXTERNAL.findall(page.read_text(encoding="utf-8"))
        for page in target.glob("**/*.html")
    }
    assert not {page: found for page, found in loading.items() if found}


@pytest.mark.parametrize("module", [docs_pages, griffe_doctest], ids=lambda m: m.__name__)
def test_the_site_tools_doctests(module: object) -> None:
    failures, tried = doctest.testmod(module)  # type: ignore[arg-type]
    assert tried
    assert not failures
