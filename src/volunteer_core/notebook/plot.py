"""Charts for notebooks and reports (optional extra ``plot``: matplotlib and the CJK font).

* :func:`coverage_heatmap` — community service per member and month (members × months), the months a
  member was not required greyed out (with a legend entry saying so);
* :func:`wish_funnel` — how many wishes reached each step: collected → published → claimed → fulfilled;
* :func:`compliance_by_branch` — compliant and non-compliant members per branch.

Each returns a :class:`matplotlib.figure.Figure` built without pyplot (no global state, no display
needed). In Jupyter it shows itself as a PNG — no ``%matplotlib inline`` needed — and
``fig.savefig("chart.png")`` writes it. Members and branches are shown by name (by name and id when two
share a name).

Labels are Chinese (``lang="zh"``, the default) or English (``lang="en"``). Chinese text — Chinese labels,
and names, in either language — is set in Noto Sans SC (SIL Open Font License), which the extra ``plot``
installs, so it renders on a machine without CJK fonts. Without the font such a chart raises
:class:`ImportError` naming the extra: it never falls back to English or to empty boxes.

>>> from volunteer_core.notebook.plot import wish_funnel
>>> fig = wish_funnel([], lang="en")
>>> fig.axes[0].get_title(), fig._repr_png_()[:4]
('Micro-wish funnel', b'\\x89PNG')
"""

from __future__ import annotations

import functools
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

try:
    import matplotlib
    from matplotlib import font_manager
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch
except ImportError as _err:  # pragma: no cover - depends on the environment
    raise ImportError(
        "volunteer_core.notebook.plot 需要 matplotlib：pip install 'volunteer-core[plot]'；"
        "volunteer_core.notebook.plot needs matplotlib: pip install 'volunteer-core[plot]'"
    ) from _err

from volunteer_core._fonts import cjk_font_file, needs_cjk
from volunteer_core.model.enums import WishStatus

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.typing import RcKeyType

    from volunteer_core.compliance import BranchYear, MemberYear, YearReport
    from volunteer_core.model import Wish

__all__ = ["compliance_by_branch", "coverage_heatmap", "funnel_counts", "wish_funnel"]

#: The colour of a month that was not required of a member.
_NOT_REQUIRED = "#e0e0e0"


class _Chart(Figure):
    """A figure that shows itself in a notebook (IPython calls ``_repr_png_``; a figure made without
    pyplot has no other display hook) and draws with its chart's font settings whenever it is drawn."""

    def __init__(self, *, rc: dict[RcKeyType, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rc = rc

    def draw(self, renderer: RendererBase) -> None:
        with matplotlib.rc_context(self._rc):
            super().draw(renderer)

    def _repr_png_(self) -> bytes:
        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        return buffer.getvalue()


@functools.cache
def _cjk_family() -> str:
    """Register the CJK font with matplotlib (once) and return its family name."""
    path = str(cjk_font_file("sans", extra="plot"))
    font_manager.fontManager.addfont(path)
    return str(font_manager.FontProperties(fname=path).get_name())


def _chinese(lang: str) -> bool:
    if lang not in ("zh", "en"):
        raise ValueError(f"lang 须为 'zh' 或 'en'；lang must be 'zh' or 'en', not {lang!r}")
    return lang == "zh"


def _settings(zh: bool, names: Iterable[str]) -> dict[RcKeyType, Any]:
    """Matplotlib settings for a chart: the CJK font first when it has Chinese labels or names."""
    if not zh and not any(needs_cjk(name) for name in names):
        return {}
    return {"font.family": [_cjk_family(), "DejaVu Sans"], "axes.unicode_minus": False}


def _labels(pairs: Sequence[tuple[str, str | None]]) -> list[str]:
    """Names for ``(id, name)`` pairs: the name, with the id when two share it (the id alone when there
    is no name).

    >>> _labels([("m1", "张伟"), ("m2", "张伟"), ("m3", "李娜"), ("b9", None)])
    ['张伟（m1）', '张伟（m2）', '李娜', 'b9']
    """
    counts = Counter(name for _, name in pairs if name)
    return [(f"{name}（{key}）" if counts[name] > 1 else name) if name else key for key, name in pairs]


def coverage_heatmap(
    report: YearReport, *, branch_id: str | None = None, limit: int = 60, lang: str = "zh"
) -> Figure:
    """Community-service sessions per member (rows) and month (columns) of the report's year.

    Months that were not required of a member (not a full month of membership, or after ``as_of``)
    are grey, as the legend says; a required month without a session is the palest colour. At most
    ``limit`` members (those of ``branch_id`` when given), the least covered first, by name.
    """
    zh = _chinese(lang)
    years = [m for m in report.members.values() if branch_id is None or m.branch_id == branch_id]
    years.sort(key=lambda m: (-len(m.months_missing), m.branch_id, m.member_id))
    years = years[:limit]
    names = _labels([(m.member_id, m.member_name) for m in years])
    branch = report.branches.get(branch_id) if branch_id is not None else None
    where = (branch.name or branch.branch_id) if branch is not None else branch_id
    grid = [
        [
            float(min(m.community_sessions[month - 1], 4)) if month in m.months_required else float("nan")
            for month in range(1, 13)
        ]
        for m in years
    ]
    rc = _settings(zh, [*names, where or ""])
    with matplotlib.rc_context(rc):
        fig = _Chart(rc=rc, figsize=(8, max(2.5, 0.22 * len(years) + 2.0)), layout="constrained")
        _heatmap(fig, report, years, names, grid, zh, where)
    return fig


def _heatmap(
    fig: Figure,
    report: YearReport,
    years: list[MemberYear],
    names: list[str],
    grid: list[list[float]],
    zh: bool,
    where: str | None,
) -> None:
    ax = fig.add_subplot()
    cmap = ListedColormap(["#fde0dd", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]).with_extremes(
        bad=_NOT_REQUIRED
    )
    if years:
        image = ax.imshow(grid, aspect="auto", cmap=cmap, vmin=-0.5, vmax=4.5, interpolation="nearest")
        bar = fig.colorbar(image, ax=ax, ticks=[0, 1, 2, 3, 4])
        bar.ax.set_yticklabels(["0", "1", "2", "3", "4+"])
        bar.set_label("社区服务次数" if zh else "community sessions")
    ax.set_xticks(range(12), [f"{m}月" if zh else str(m) for m in range(1, 13)])
    ax.set_yticks(range(len(years)), names)
    ax.tick_params(axis="y", labelsize=7)
    ax.set_xlabel("月份" if zh else "month")
    suffix = (f"（{where}）" if zh else f" ({where})") if where else ""
    ax.set_title(
        (f"{report.year}年每月社区志愿服务覆盖" if zh else f"Monthly community service, {report.year}")
        + suffix
    )
    not_required = Patch(
        facecolor=_NOT_REQUIRED,
        edgecolor="#9e9e9e",
        label="该月无需参加（未满整月或在截至日期之后）"
        if zh
        else "month not required (not a full month of membership, or after as_of)",
    )
    fig.legend(handles=[not_required], loc="outside lower center", frameon=False, fontsize=8)


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


def wish_funnel(wishes: Iterable[Wish], *, lang: str = "zh") -> Figure:
    """Horizontal bars: wishes collected → published → claimed → fulfilled, with counts and shares."""
    zh = _chinese(lang)
    steps = funnel_counts(wishes)
    rc = _settings(zh, [])
    with matplotlib.rc_context(rc):
        fig = _Chart(rc=rc, figsize=(7, 3.2), layout="constrained")
        _funnel(fig, steps, zh)
    return fig


def _funnel(fig: Figure, steps: list[tuple[str, str, int]], zh: bool) -> None:
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


def compliance_by_branch(report: YearReport, *, lang: str = "zh") -> Figure:
    """Stacked bars per branch, by name: compliant and non-compliant members; the legend stands
    beside the plot, clear of the bars."""
    zh = _chinese(lang)
    branches = list(report.branches.values())
    names = _labels([(b.branch_id, b.name) for b in branches])
    rc = _settings(zh, names)
    with matplotlib.rc_context(rc):
        fig = _Chart(rc=rc, figsize=(max(5.5, 1.1 * len(branches) + 3), 3.8), layout="constrained")
        _branches(fig, report, branches, names, zh)
    return fig


def _branches(
    fig: Figure, report: YearReport, branches: list[BranchYear], names: list[str], zh: bool
) -> None:
    ax = fig.add_subplot()
    positions = list(range(len(branches)))
    good = [b.compliant_members for b in branches]
    bad = [b.members - b.compliant_members for b in branches]
    ax.bar(positions, good, color="#31a354", label="达标" if zh else "compliant")
    ax.bar(positions, bad, bottom=good, color="#de2d26", label="未达标" if zh else "not compliant")
    ax.set_xticks(positions, names, rotation=30, ha="right")
    ax.set_ylabel("党员人数" if zh else "members")
    ax.set_title(f"{report.year}年各支部达标情况" if zh else f"Compliance by branch, {report.year}")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside right upper", frameon=False)
