"""The main job of ``make demo``: a realistic year for one organ, evaluated and summarised in Chinese.

>>> import io
>>> out = io.StringIO()
>>> run(out, members=30, branches=2)
1
>>> "合规汇总" in out.getvalue()
True
"""

from __future__ import annotations

import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TextIO

from volunteer_core import policies, services
from volunteer_core._catalogue import RULES
from volunteer_core._display import fit, table
from volunteer_core._extras import install_hint, missing
from volunteer_core.compliance import YearReport
from volunteer_core.demo._charts import missing_plot, write_charts
from volunteer_core.demo._rollup import hours, render_organisations
from volunteer_core.demo._timebank import show_timebank
from volunteer_core.model.enums import Severity
from volunteer_core.policy import Policy
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.memory import InMemoryUnitOfWork
from volunteer_core.synthetic import SyntheticYear, generate_year

__all__ = ["RULE_TITLE_WIDTH", "render_organisations", "render_summary", "run"]

#: The columns a rule's title gets in the summary's violations by rule; longer titles end in "…".
RULE_TITLE_WIDTH = 32


def render_summary(world: SyntheticYear, report: YearReport, *, limit: int = 15) -> str:
    """The compliance summary as text (Chinese labels, English in brackets): the branches by name, then —
    when the report rolls up an organisation tree — the roll-up (工委 → 机关党委 → 支部), the violations
    by rule (titles cut at :data:`RULE_TITLE_WIDTH` columns), the wishes by state and the first
    violations. Columns are aligned by display width (a Chinese character takes two)."""
    lines = [
        f"{report.year}年度党员志愿服务合规汇总（Compliance summary {report.year}, policy {report.policy.name}）",
        "",
        f"组织 {len(world.organisations)} 个、支部 {len(world.branches)} 个、党员 {len(report.members)} 名、"
        f"服务记录 {report.records_read} 条、结对 {len(world.pairings)} 个、微心愿 {len(world.wishes)} 个、"
        f"社会认领人 {len(world.supporters)} 个",
        "",
    ]
    rows = [("支部 branch", "党员", "达标", "达标率", "时长(小时)", "问题")]
    for branch in report.branches.values():
        mine = [m for m in report.members.values() if m.branch_id == branch.branch_id]
        problems = len(branch.violations) + sum(len(m.violations) for m in mine)
        rate = f"{branch.compliant_members * 100 // branch.members}%" if branch.members else "-"
        rows.append(
            (
                branch.name or branch.branch_id,
                str(branch.members),
                str(branch.compliant_members),
                rate,
                hours(branch.net_minutes),
                str(problems),
            )
        )
    lines += table(rows, right=(False, True, True, True, True, True), limits=(32,))
    rollup = render_organisations(report.organisations, report.branches)
    if rollup:
        lines += ["", *rollup.splitlines()]
    total = len(report.members)
    lines += [
        "",
        f"达标党员 {report.compliant_members}/{total} 名（compliant members）",
        "",
        "问题分布（violations by rule）:",
    ]
    counts = Counter((v.code, v.severity) for v in report.violations)
    by_rule = [
        (
            code,
            fit(RULES[code].title_zh, RULE_TITLE_WIDTH),
            "错误" if severity is Severity.ERROR else "提醒",
            str(n),
        )
        for (code, severity), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0]))
    ]
    lines += ["  " + line for line in table(by_rule, right=(False, False, False, True), limits=(40,))]
    wish_states = Counter(w.status for w in world.wishes)
    lines += [
        "",
        "微心愿（wishes）: " + "，".join(f"{s.label_zh} {n}" for s, n in sorted(wish_states.items())),
    ]
    lines += ["", f"问题示例（first {limit} violations）:"]
    for v in report.violations[:limit]:
        lines.append(f"  [{v.code}] {v.message_zh}（{v.source}）")
    return "\n".join(lines) + "\n"


def run(
    out: TextIO | None = None,
    *,
    year: int = 2026,
    members: int = 200,
    branches: int = 6,
    seed: int = 2026,
    policy: Policy = policies.DEFAULT,
    out_dir: str | Path | None = None,
) -> int:
    """Build the year through the use-cases, evaluate it, print the summary; return 1 when violations
    were found, else 0.

    With ``out_dir`` (``volunteer-core demo`` passes ``--out``, by default ``demo-output``) the year is
    stored in the embedded default — a SQLite file ``out_dir/volunteer.db``, made afresh — and written
    beside it: the official forms (XLSX; CSV without the extra ``xlsx``; the 汇总表
    ``organisation_summary`` of the tree among them), one service certificate (TXT, and PDF with the
    extra ``pdf``) and the three charts as PNG (``<year>-compliance_by_branch.png``,
    ``<year>-coverage_heatmap.png``, ``<year>-wish_funnel.png``; extra ``plot``). An extra that is not
    installed leaves its files out and the summary says which to install (``pip install
    'volunteer-core[plot]'``); without the extra ``sql`` the year stays in memory (no ``volunteer.db``).
    Without ``out_dir`` everything stays in memory and nothing is written.
    """
    stream = out or sys.stdout
    world = generate_year(year, members=members, branches=branches, seed=seed)
    notes: list[str] = []
    uow: UnitOfWork = InMemoryUnitOfWork()
    database: Path | None = None
    if out_dir is not None:
        lacking = missing("sqlalchemy")
        if lacking is None:
            database = Path(out_dir) / "volunteer.db"
            uow = _fresh_database(database)
        else:
            notes.append(
                f"未建数据库 volunteer.db（缺少 {lacking[0]}，数据只在内存中）：{install_hint(lacking[1])}；"
                f"no volunteer.db ({lacking[0]} is missing, the year stays in memory): {install_hint(lacking[1])}"
            )
    loaded = world.load_into(uow)
    report = services.evaluate_year(uow, year, policy=policy)
    stream.write(render_summary(world, report))
    for refusal in loaded.refused_pairings:
        stream.write(f"\n登记结对被拒绝（register_pairing refused）: {refusal}\n")
    show_timebank(stream, world, out_dir=out_dir, policy=policy)
    if out_dir is not None:
        written = [] if database is None else [database]
        written += _write_forms(uow, Path(out_dir), year, notes)
        written += _write_charts(report, world, Path(out_dir), notes)
        stream.write(f"\n已写入 {out_dir}（written）：\n")
        stream.writelines(f"  {path}\n" for path in written)
        stream.writelines(f"{note}\n" for note in notes)
    return 1 if report.violations else 0


def _fresh_database(database: Path) -> UnitOfWork:
    """A new SQLite database at ``database`` (the file and its WAL of an earlier run removed first)."""
    from volunteer_core.storage.sql import SqlUnitOfWork, create_schema

    database.parent.mkdir(parents=True, exist_ok=True)
    for stale in (
        database,
        database.with_name(database.name + "-wal"),
        database.with_name(database.name + "-shm"),
    ):
        stale.unlink(missing_ok=True)
    url = f"sqlite:///{database}"
    create_schema(url)
    return SqlUnitOfWork(url)


def _write_forms(uow: UnitOfWork, directory: Path, year: int, notes: list[str]) -> list[Path]:
    """Every form of the year: XLSX, or CSV (with a note naming the extra) without openpyxl."""
    from volunteer_core import forms

    lacking = missing("openpyxl")
    if lacking is not None:
        notes.append(
            f"表格写为 CSV（缺少 {lacking[0]}，XLSX 需要）：{install_hint(lacking[1])}；"
            f"forms written as CSV ({lacking[0]} is missing for XLSX): {install_hint(lacking[1])}"
        )
    fmt = "csv" if lacking is not None else "xlsx"
    return forms.export_all(uow, directory, year=year, fmt=fmt, on=date(year, 12, 31))


def _write_charts(report: YearReport, world: SyntheticYear, directory: Path, notes: list[str]) -> list[Path]:
    """The three charts as PNG; none (and a note naming the extra ``plot``) without matplotlib."""
    why = missing_plot()
    if why is None:
        try:
            return write_charts(report, world.wishes, directory)
        except ImportError as err:  # a partial install: the font or a part of matplotlib
            why = missing_plot(err)
            if why is None:
                raise
    notes.append(why)
    return []
