"""Charts for notebooks and reports (optional extra ``plot``: matplotlib).

* :func:`coverage_heatmap` — community service per member and month (members × months), the months a
  member was not required greyed out;
* :func:`wish_funnel` — how many wishes reached each step: collected → published → claimed → fulfilled;
* :func:`compliance_by_branch` — compliant and non-compliant members per branch.

Each returns a :class:`matplotlib.figure.Figure` built without pyplot (no global state, no display
needed): save it with ``fig.savefig("chart.png")`` or let a notebook show it. Labels are Chinese when a
CJK font is installed, else English (``lang="en"`` forces English).

>>> from volunteer_core.notebook.plot import wish_funnel
>>> fig = wish_funnel([])
>>> fig.axes[0].get_title()  # doctest: +ELLIPSIS
'...'
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

try:
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
except ImportError as _err:  # pragma: no cover - depends on the environment
    raise ImportError(
        "volunteer_core.notebook.plot 需要 matplotlib：pip install 'volunteer-core[plot]'；"
        "volunteer_core.notebook.plot needs matplotlib: pip install 'volunteer-core[plot]'"
    ) from _err

from volunteer_core.model.enums import WishStatus

if TYPE_CHECKING:
    from volunteer_core.compliance import BranchYear, MemberYear, YearReport
    from volunteer_core.model import Wish

__all__ = ["compliance_by_branch", "coverage_heatmap", "wish_funnel"]

_CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "SimHei",
    "Microsoft YaHei",
    "PingFang SC",
    "Heiti SC",
    "Arial Unicode MS",
)


def _cjk_font() -> str | None:
    """The name of an installed font that has Chinese glyphs, or None."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in _CJK_FONTS if name in installed), None)


def _language(lang: str | None) -> tuple[bool, str | None]:
    """(Chinese labels?, the font to use)."""
    font = _cjk_font()
    if lang == "en" or font is None:
        return False, None
    return True, font


def _style(font: str | None) -> AbstractContextManager[object]:
    """Matplotlib settings while a figure is drawn: the CJK font when labels are Chinese."""
    if font is None:
        return contextlib.nullcontext()
    return matplotlib.rc_context({"font.family": [font, "DejaVu Sans"], "axes.unicode_minus": False})


def coverage_heatmap(
    report: YearReport, *, branch_id: str | None = None, limit: int = 60, lang: str | None = None
) -> Figure:
    """Community-service sessions per member (rows) and month (columns) of the report's year.

    Months that were not required of a member (not a full month of membership, or after ``as_of``)
    are grey; a required month without a session is the palest colour. At most ``limit`` members
    (those of ``branch_id`` when given), the least covered first.
    """
    zh, font = _language(lang)
    years = [m for m in report.members.values() if branch_id is None or m.branch_id == branch_id]
    years.sort(key=lambda m: (-len(m.months_missing), m.branch_id, m.member_id))
    years = years[:limit]
    grid = [
        [
            float(min(m.community_sessions[month - 1], 4)) if month in m.months_required else float("nan")
            for month in range(1, 13)
        ]
        for m in years
    ]
    with _style(font):
        return _heatmap(report, years, grid, zh)


def _heatmap(report: YearReport, years: list[MemberYear], grid: list[list[float]], zh: bool) -> Figure:
    fig = Figure(figsize=(8, max(2.5, 0.22 * len(years) + 1.5)), layout="constrained")
    ax = fig.add_subplot()
    cmap = ListedColormap(["#fde0dd", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]).with_extremes(
        bad="#e0e0e0"
    )
    if years:
        image = ax.imshow(grid, aspect="auto", cmap=cmap, vmin=-0.5, vmax=4.5, interpolation="nearest")
        bar = fig.colorbar(image, ax=ax, ticks=[0, 1, 2, 3, 4])
        bar.ax.set_yticklabels(["0", "1", "2", "3", "4+"])
        bar.set_label("社区服务次数" if zh else "community sessions")
    ax.set_xticks(range(12), [f"{m}月" if zh else str(m) for m in range(1, 13)])
    ax.set_yticks(range(len(years)), [m.member_name if zh else m.member_id for m in years])
    ax.tick_params(axis="y", labelsize=7)
    ax.set_xlabel("月份" if zh else "month")
    ax.set_title(
        f"{report.year}年每月社区志愿服务覆盖" if zh else f"Monthly community service, {report.year}"
    )
    return fig


_FUNNEL = (
    ("已征集", "collected", frozenset(WishStatus)),
    (
        "已发布",
        "published",
        frozenset({WishStatus.PUBLISHED, WishStatus.CLAIMED, WishStatus.FULFILLED}),
    ),
    ("已认领", "claimed", frozenset({WishStatus.CLAIMED, WishStatus.FULFILLED})),
    ("已落实", "fulfilled", frozenset({WishStatus.FULFILLED})),
)


def funnel_counts(wishes: Iterable[Wish]) -> list[tuple[str, str, int]]:
    """``(label_zh, label_en, count)`` for each step: wishes that reached it (a cancelled wish counts
    for the steps it had passed: published when it has a publication date, claimed when it had a
    claim).

    >>> funnel_counts([])
    [('已征集', 'collected', 0), ('已发布', 'published', 0), ('已认领', 'claimed', 0), ('已落实', 'fulfilled', 0)]
    """
    counts = [0, 0, 0, 0]
    for wish in wishes:
        counts[0] += 1
        reached = {wish.status}
        if wish.status is WishStatus.CANCELLED:
            if wish.published_on is not None:
                reached.add(WishStatus.PUBLISHED)
            if wish.claims:
                reached.add(WishStatus.CLAIMED)
        for index, (_, _, statuses) in enumerate(_FUNNEL[1:], start=1):
            if reached & statuses:
                counts[index] += 1
    return [(zh, en, n) for (zh, en, _), n in zip(_FUNNEL, counts, strict=True)]


def wish_funnel(wishes: Iterable[Wish], *, lang: str | None = None) -> Figure:
    """Horizontal bars: wishes collected → published → claimed → fulfilled, with counts and shares."""
    zh, font = _language(lang)
    steps = funnel_counts(wishes)
    with _style(font):
        return _funnel(steps, zh)


def _funnel(steps: list[tuple[str, str, int]], zh: bool) -> Figure:
    fig = Figure(figsize=(7, 3.2), layout="constrained")
    ax = fig.add_subplot()
    labels = [s[0] if zh else s[1] for s in steps]
    values = [s[2] for s in steps]
    positions = list(range(len(steps)))[::-1]
    ax.barh(positions, values, color=["#9ecae1", "#6baed6", "#3182bd", "#08519c"])
    ax.set_yticks(positions, labels)
    top = values[0] or 1
    for y, value in zip(positions, values, strict=True):
        ax.text(value, y, f" {value} ({value / top:.0%})", va="center")
    ax.set_xlim(0, max(values[0], 1) * 1.25)
    ax.set_xlabel("心愿数" if zh else "wishes")
    ax.set_title("微心愿进展" if zh else "Micro-wish funnel")
    return fig


def compliance_by_branch(report: YearReport, *, lang: str | None = None) -> Figure:
    """Stacked bars per branch: compliant and non-compliant members."""
    zh, font = _language(lang)
    with _style(font):
        return _branches(report, list(report.branches.values()), zh)


def _branches(report: YearReport, branches: list[BranchYear], zh: bool) -> Figure:
    fig = Figure(figsize=(max(5.0, 1.1 * len(branches) + 2), 3.8), layout="constrained")
    ax = fig.add_subplot()
    names = [(b.name or b.branch_id) if zh else b.branch_id for b in branches]
    good = [b.compliant_members for b in branches]
    bad = [b.members - b.compliant_members for b in branches]
    ax.bar(names, good, color="#31a354", label="达标" if zh else "compliant")
    ax.bar(names, bad, bottom=good, color="#de2d26", label="未达标" if zh else "not compliant")
    ax.set_ylabel("党员人数" if zh else "members")
    ax.set_title(f"{report.year}年各支部达标情况" if zh else f"Compliance by branch, {report.year}")
    ax.legend()
    ax.tick_params(axis="x", labelrotation=30)
    return fig
