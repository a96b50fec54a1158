"""The main job of ``make demo``: a realistic year for one organ, evaluated and summarised in Chinese.

>>> import io
>>> out = io.StringIO()
>>> run(out, members=30, branches=2)
1
>>> "合规汇总" in out.getvalue()
True
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from datetime import date
from pathlib import Path
from typing import TextIO

from volunteer_core import policies, services
from volunteer_core._catalogue import RULES
from volunteer_core.compliance import YearReport
from volunteer_core.demo._rollup import hours, pad, render_organisations
from volunteer_core.demo._timebank import show_timebank
from volunteer_core.model.enums import Severity
from volunteer_core.policy import Policy
from volunteer_core.ports import UnitOfWork
from volunteer_core.storage.memory import InMemoryUnitOfWork
from volunteer_core.synthetic import SyntheticYear, generate_year

__all__ = ["render_organisations", "render_summary", "run"]


def render_summary(world: SyntheticYear, report: YearReport, *, limit: int = 15) -> str:
    """The compliance summary as text (Chinese labels, English in brackets): the branches, then — when
    the report rolls up an organisation tree — the roll-up (工委 → 机关党委 → 支部), the violations by rule,
    the wishes by state and the first violations."""
    lines = [
        f"{report.year}年度党员志愿服务合规汇总（Compliance summary {report.year}, policy {report.policy.name}）",
        "",
        f"组织 {len(world.organisations)} 个、支部 {len(world.branches)} 个、党员 {len(report.members)} 名、"
        f"服务记录 {report.records_read} 条、结对 {len(world.pairings)} 个、微心愿 {len(world.wishes)} 个、"
        f"社会认领人 {len(world.supporters)} 个",
        "",
        pad("支部 branch", 22)
        + "".join(
            pad(h, w, right=True)
            for h, w in (("党员", 6), ("达标", 6), ("达标率", 8), ("时长(小时)", 12), ("问题", 6))
        ),
    ]
    for branch in report.branches.values():
        mine = [m for m in report.members.values() if m.branch_id == branch.branch_id]
        problems = len(branch.violations) + sum(len(m.violations) for m in mine)
        rate = f"{branch.compliant_members * 100 // branch.members}%" if branch.members else "-"
        name = branch.name or branch.branch_id
        cells = [(str(branch.members), 6), (str(branch.compliant_members), 6), (rate, 8)]
        cells += [(hours(branch.net_minutes), 12), (str(problems), 6)]
        lines.append(pad(name, 22) + "".join(pad(c, w, right=True) for c, w in cells))
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
    for (code, severity), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0][0])):
        level = "错误" if severity is Severity.ERROR else "提醒"
        lines.append(f"  {code:<28}{pad(RULES[code].title_zh, 36)}{level} {n:>4}")
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

    With ``out_dir`` (``make demo`` passes ``demo-output``) the year is stored in the embedded default —
    a SQLite file ``out_dir/volunteer.db``, made afresh — and the official forms and one service
    certificate are written beside it (the 汇总表 ``organisation_summary`` of the tree among them); without
    it everything stays in memory and nothing is written.
    """
    stream = out or sys.stdout
    world = generate_year(year, members=members, branches=branches, seed=seed)
    uow: UnitOfWork
    if out_dir is None:
        uow = InMemoryUnitOfWork()
    else:
        from volunteer_core.storage.sql import SqlUnitOfWork, create_schema

        directory = Path(out_dir)
        directory.mkdir(parents=True, exist_ok=True)
        database = directory / "volunteer.db"
        for stale in (
            database,
            database.with_name(database.name + "-wal"),
            database.with_name(database.name + "-shm"),
        ):
            stale.unlink(missing_ok=True)
        url = f"sqlite:///{database}"
        create_schema(url)
        uow = SqlUnitOfWork(url)
    loaded = world.load_into(uow)
    report = services.evaluate_year(uow, year, policy=policy)
    stream.write(render_summary(world, report))
    for refusal in loaded.refused_pairings:
        stream.write(f"\n登记结对被拒绝（register_pairing refused）: {refusal}\n")
    show_timebank(stream, world, out_dir=out_dir, policy=policy)
    if out_dir is not None:
        _write_forms(stream, uow, Path(out_dir), year)
    return 1 if report.violations else 0


def _write_forms(stream: TextIO, uow: UnitOfWork, directory: Path, year: int) -> None:
    from volunteer_core import forms

    fmt = "xlsx" if importlib.util.find_spec("openpyxl") is not None else "csv"
    written = forms.export_all(uow, directory, year=year, fmt=fmt, on=date(year, 12, 31))
    stream.write(f"\n已写入 {directory}（written）：{directory / 'volunteer.db'}\n")
    for path in written:
        stream.write(f"  {path}\n")
