"""The charts of :mod:`volunteer_core.notebook.plot` (also importable as ``volunteer_core.plot``)."""

from __future__ import annotations

import importlib
from datetime import date
from pathlib import Path

from notebook_support import YEAR, report

from volunteer_core import Wish, evaluate_year


def test_charts_are_figures_that_save_as_png(tmp_path: Path) -> None:
    importlib.import_module("matplotlib")
    from volunteer_core.notebook import plot

    wishes = [
        Wish(id="w1", beneficiary_id="p1", kind="service", content="陪护", collected_on=date(YEAR, 5, 1)),
        Wish(
            id="w2",
            beneficiary_id="p1",
            kind="service",
            content="理发",
            collected_on=date(YEAR, 5, 1),
            status="published",
            screened_on=date(YEAR, 5, 2),
            published_on=date(YEAR, 5, 3),
        ),
    ]
    assert [n for _, _, n in plot.funnel_counts(wishes)] == [2, 1, 0, 0]
    year = report()
    for name, figure in (
        ("coverage", plot.coverage_heatmap(year)),
        ("coverage-en", plot.coverage_heatmap(year, branch_id="b1", lang="en")),
        ("funnel", plot.wish_funnel(wishes)),
        ("branches", plot.compliance_by_branch(year, lang="en")),
        ("empty", plot.coverage_heatmap(evaluate_year(YEAR, members=[], records=[]))),
    ):
        path = tmp_path / f"{name}.png"
        figure.savefig(path)
        assert path.read_bytes().startswith(b"\x89PNG")


def test_the_old_module_re_exports_the_charts() -> None:
    importlib.import_module("matplotlib")
    from volunteer_core import plot as old
    from volunteer_core.notebook import plot

    for name in old.__all__:
        assert getattr(old, name) is getattr(plot, name)
