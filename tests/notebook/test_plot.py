"""The charts of :mod:`volunteer_core.notebook.plot` (also importable as ``volunteer_core.plot``): they
show themselves in a notebook, set Chinese in the packaged CJK font (or say which extra is missing),
name members and branches, and keep their legends clear of the data."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest
from matplotlib import font_manager
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.text import Text
from notebook_support import YEAR, members, report

from volunteer_core import Branch, Member, Wish, YearReport, evaluate_year
from volunteer_core._fonts import cjk_font_file
from volunteer_core.notebook import plot


@pytest.fixture
def no_cjk_font(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """As if the extra's font package were not installed."""
    plot._cjk_family.cache_clear()
    monkeypatch.setitem(sys.modules, "pylopdf_fonts_zh_cn", None)
    yield
    plot._cjk_family.cache_clear()


def wishes() -> list[Wish]:
    return [
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


def named_year() -> YearReport:
    """Three named branches, the last the fullest; two members share a name; one joined in June."""
    branches = [
        Branch(id="b1", name="办公室党支部"),
        Branch(id="b2", name="政策法规处党支部"),
        Branch(id="b3", name="机关服务中心党支部"),
    ]
    people = [
        Member(id="m1", name="张伟", branch_id="b1", joined_on=date(2020, 1, 1)),
        Member(id="m2", name="张伟", branch_id="b2", joined_on=date(2020, 1, 1)),
        Member(id="m3", name="李娜", branch_id="b2", joined_on=date(YEAR, 6, 1)),
    ]
    people += [
        Member(id=f"x{i}", name=f"王{i}", branch_id="b3", joined_on=date(2020, 1, 1)) for i in range(9)
    ]
    return evaluate_year(YEAR, members=people, records=[], branches=branches)


def font_file(text: Text) -> str:
    return str(font_manager.findfont(text.get_fontproperties()))


def test_charts_are_figures_that_save_as_png(tmp_path: Path) -> None:
    assert [n for _, _, n in plot.funnel_counts(wishes())] == [2, 1, 0, 0]
    year = report()
    for name, figure in (
        ("coverage", plot.coverage_heatmap(year)),
        ("coverage-en", plot.coverage_heatmap(year, branch_id="b1", lang="en")),
        ("funnel", plot.wish_funnel(wishes())),
        ("branches", plot.compliance_by_branch(year, lang="en")),
        ("empty", plot.coverage_heatmap(evaluate_year(YEAR, members=[], records=[]))),
    ):
        assert isinstance(figure, Figure)
        path = tmp_path / f"{name}.png"
        figure.savefig(path)
        assert path.read_bytes().startswith(b"\x89PNG")


def test_a_chart_displays_as_an_image_without_pyplot_or_magic() -> None:
    code = (
        "import sys\n"
        "from IPython.core.formatters import DisplayFormatter\n"
        "from volunteer_core import evaluate_year\n"
        "from volunteer_core.plot import compliance_by_branch, coverage_heatmap, wish_funnel\n"
        "year = evaluate_year(2026, members=[], records=[])\n"
        "for fig in (coverage_heatmap(year), wish_funnel([]), compliance_by_branch(year)):\n"
        "    data, _ = DisplayFormatter().format(fig)\n"
        "    assert data['image/png'][:4] == b'\\x89PNG', sorted(data)\n"
        "assert 'matplotlib.pyplot' not in sys.modules\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "ok", result.stderr[-2000:]


def test_chinese_labels_are_set_in_the_packaged_cjk_font() -> None:
    cjk = str(cjk_font_file("sans", extra="plot"))
    year = named_year()
    heat = plot.coverage_heatmap(year)
    branches = plot.compliance_by_branch(year)
    funnel = plot.wish_funnel(wishes())
    for fig in (heat, branches, funnel):
        fig.draw_without_rendering()  # ticks made while drawing get the font too
        ax = fig.axes[0]
        assert font_file(ax.title) == cjk, ax.get_title()
        for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:
            assert font_file(label) == cjk, label.get_text()
    assert "年" in heat.axes[0].get_title()
    assert "月" in heat.axes[0].get_xticklabels()[0].get_text()


def test_english_charts_of_named_members_use_the_cjk_font_for_the_names() -> None:
    fig = plot.coverage_heatmap(named_year(), lang="en")
    ax = fig.axes[0]
    assert ax.get_title().startswith("Monthly community service")
    assert font_file(ax.get_yticklabels()[0]) == str(cjk_font_file("sans", extra="plot"))


def test_members_and_branches_are_shown_by_name() -> None:
    year = named_year()
    rows = [t.get_text() for t in plot.coverage_heatmap(year).axes[0].get_yticklabels()]
    assert set(rows) == {"张伟（m1）", "张伟（m2）", "李娜", *(f"王{i}" for i in range(9))}
    bars = [t.get_text() for t in plot.compliance_by_branch(year, lang="en").axes[0].get_xticklabels()]
    assert bars == ["办公室党支部", "政策法规处党支部", "机关服务中心党支部"]
    title = plot.coverage_heatmap(year, branch_id="b2").axes[0].get_title()
    assert title.endswith("（政策法规处党支部）")


def test_without_the_cjk_font_a_chinese_chart_names_the_extra(no_cjk_font: None) -> None:
    year = report()  # members named 党员1, …
    draws: list[Callable[[], Figure]] = [
        lambda: plot.wish_funnel(wishes()),
        lambda: plot.compliance_by_branch(named_year()),
        lambda: plot.coverage_heatmap(year, lang="en"),  # English labels, Chinese names
    ]
    for draw in draws:
        with pytest.raises(ImportError, match=r"volunteer-core\[plot\]"):
            draw()
    # English labels and names without Chinese need no CJK font.
    english = evaluate_year(YEAR, members=[m for m in members() if m.id == "evil"], records=[])
    assert plot.wish_funnel(wishes(), lang="en").axes[0].get_title() == "Micro-wish funnel"
    assert plot.compliance_by_branch(english, lang="en").axes[0].get_title().startswith("Compliance")


def test_an_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError, match="lang"):
        plot.wish_funnel(wishes(), lang="fr")


def test_the_branch_legend_covers_no_bar() -> None:
    fig = plot.compliance_by_branch(named_year())
    fig.draw_without_rendering()
    legend = fig.legends[0].get_window_extent()
    bars = [patch.get_window_extent() for patch in fig.axes[0].patches]
    assert len(bars) == 6
    assert not [bar for bar in bars if bar.width and bar.height and legend.overlaps(bar)]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["达标", "未达标"]


def test_the_heatmap_says_what_grey_means() -> None:
    for lang, words in (("zh", "无需参加"), ("en", "not required")):
        fig = plot.coverage_heatmap(named_year(), lang=lang)
        (legend,) = fig.legends
        (text,) = legend.get_texts()
        assert words in text.get_text()
        (handle,) = legend.legend_handles
        assert handle is not None
        assert to_hex(handle.get_facecolor()) == plot._NOT_REQUIRED  # type: ignore[attr-defined]
    grid = fig.axes[0].images[0].get_array()
    assert np.ma.is_masked(grid)  # 李娜 joined in June: her first months are grey


def test_the_old_module_re_exports_the_charts() -> None:
    from volunteer_core import plot as old

    for name in old.__all__:
        assert getattr(old, name) is getattr(plot, name)
