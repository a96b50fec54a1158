"""The demo's charts as PNG files: the three charts of :mod:`volunteer_core.plot` for the generated year.

* ``<year>-compliance_by_branch.png`` — compliant and non-compliant members per branch;
* ``<year>-coverage_heatmap.png`` — community service per member and month (the least covered members);
* ``<year>-wish_funnel.png`` — the micro-wishes collected → published → claimed → fulfilled.

They need the extra ``plot`` (matplotlib and the CJK font). Without it nothing is drawn and the demo
says which extra to install (:func:`missing_plot`); everything else is written as usual.

>>> import tempfile
>>> from volunteer_core import evaluate_year
>>> report = evaluate_year(2026, members=[], records=[])
>>> with tempfile.TemporaryDirectory() as tmp:
...     [p.name for p in write_charts(report, [], tmp)]
['2026-compliance_by_branch.png', '2026-coverage_heatmap.png', '2026-wish_funnel.png']
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from volunteer_core._extras import install_hint, missing, missing_extra

if TYPE_CHECKING:
    from volunteer_core.compliance import YearReport
    from volunteer_core.model import Wish

__all__ = ["CHARTS", "missing_plot", "write_charts"]

#: The charts the demo writes, by file name (after the year): each a function of :mod:`volunteer_core.plot`.
CHARTS = ("compliance_by_branch", "coverage_heatmap", "wish_funnel")


def missing_plot(err: BaseException | None = None) -> str | None:
    """Why the charts cannot be drawn — a bilingual line naming the extra to install — or None when
    they can. With ``err`` (an ImportError met while drawing), the line names what it lacked.

    >>> missing_plot() is None  # the extra ``plot`` is installed here
    True
    """
    found = missing_extra(err) if err is not None else missing("matplotlib")
    if found is None:
        return None
    module, extra = found
    what = module or extra
    return (
        f"未生成图表（缺少 {what}）：{install_hint(extra)}；charts not drawn ({what} is missing): "
        f"{install_hint(extra)}"
    )


def write_charts(report: YearReport, wishes: Iterable[Wish], directory: str | Path) -> list[Path]:
    """Draw the three charts of ``report`` (its branches and members by name; the funnel of
    ``wishes``) with Chinese labels and write them into ``directory`` as PNG files; returns their paths.

    Raises:
        ImportError: the extra ``plot`` is not installed (the message names it).
    """
    from volunteer_core import plot

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    figures = {
        "compliance_by_branch": plot.compliance_by_branch(report),
        "coverage_heatmap": plot.coverage_heatmap(report),
        "wish_funnel": plot.wish_funnel(wishes),
    }
    written = []
    for name in CHARTS:
        path = folder / f"{report.year}-{name}.png"
        figures[name].savefig(path, format="png", dpi=120)
        written.append(path)
    return written
