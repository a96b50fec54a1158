"""Build the rows of each form from a unit of work and write them (see :func:`export`).

The builders live by topic: the plan here, the attachments of 004 in :mod:`._wishes`, the half-year report
and the notice in :mod:`._reports`, the 汇总表 in :mod:`._organisations`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from pathlib import Path

from volunteer_core.errors import InvalidInput
from volunteer_core.forms._base import Args, Form, Mask, Row, check_year, require, today
from volunteer_core.forms._filemode import honour_umask
from volunteer_core.forms._headers import HEADERS, KINDS, TITLES
from volunteer_core.forms._organisations import organisation_summary
from volunteer_core.forms._reports import half_year, notice
from volunteer_core.forms._sheet import format_of, require_openpyxl, write_table
from volunteer_core.forms._wishes import wish_claims, wish_collection, wish_summary
from volunteer_core.model import PlanLine
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.ports import UnitOfWork

__all__ = ["export", "export_all"]


def _plan(uow: UnitOfWork, a: Args) -> Form:
    require("branch_id", a.branch_id, "支部（branch_id）")
    require("year", a.year, "年度（year）")
    assert a.branch_id is not None
    assert a.year is not None
    branch = uow.branches.get(a.branch_id)
    plans = uow.plans.for_branch(a.branch_id, a.year)
    plan = plans[-1] if plans else None
    start, end = date(a.year, 1, 1), date(a.year, 12, 31)
    names = [
        m.name
        for m in uow.members.in_branch(a.branch_id)
        if m.joined_on <= end and (m.left_on is None or m.left_on >= start)
    ]
    titles = [
        f"{a.year}年{TITLES['plan']}",
        f"支部名称：{branch.name}",
        f"填报时间：{plan.submitted_on.isoformat() if plan else ''}",
        f"支部参加志愿服务人员姓名：{'、'.join(names)}",
    ]
    rows: list[Row] = []
    for line in PlanLine:
        items = [i for i in (plan.items if plan else ()) if i.line is line]
        if not items:
            rows.append([line.label_zh, None, None, None, None])  # the seed's form shows every line
        for item in items:
            rows.append([line.label_zh, item.target, item.measures, item.scheduled, item.mode.label_zh])
    return Form(titles=titles, rows=rows)


_BUILDERS: dict[str, Callable[[UnitOfWork, Args], Form]] = {
    "plan": _plan,
    "wish_collection": wish_collection,
    "wish_claims": wish_claims,
    "wish_summary": wish_summary,
    "half_year": half_year,
    "notice": notice,
    "organisation_summary": organisation_summary,
}

_SHEETS = {
    "plan": "活动计划表",
    "wish_collection": "需求征集表",
    "wish_claims": "认领落实表",
    "wish_summary": "落实情况汇总表",
    "half_year": "活动开展情况",
    "notice": "公示",
    "organisation_summary": "汇总表",
}


def export(
    kind: str,
    uow: UnitOfWork,
    path: str | Path,
    *,
    year: int | None = None,
    branch_id: str | None = None,
    half: int | None = None,
    masked: bool = True,
    titles: bool = True,
    on: date | None = None,
    as_of: date | None = None,
    policy: Policy = DEFAULT,
    organisation_id: str | None = None,
) -> Path:
    """Write the form ``kind`` from what ``uow`` holds to ``path`` and return the path.

    The suffix of ``path`` chooses the format: ``.csv`` (UTF-8 with BOM, so that Excel reads Chinese
    correctly) or ``.xlsx`` (needs the extra ``xlsx``). One sheet: title lines (``titles=False`` leaves
    them out), the header row :data:`HEADERS[kind] <volunteer_core.forms.HEADERS>`, the data — no
    footer. Beneficiaries' names, addresses, phones and ID numbers are masked (:mod:`volunteer_core.privacy`)
    unless ``masked=False``; members' names are not (they are the public actors), their phones are.
    Text cells that would start a formula are written as text. The file is written atomically, with the
    mode any new file of the process gets (``0o666`` less the umask: 0644 under umask 022, 0600 under 077).

    Kinds and what they need:

    * ``plan`` — 活动计划表 of ``branch_id`` for ``year`` (the latest plan stored; the blank form when
      there is none);
    * ``wish_collection`` — 附件1, every wish (collected in ``year`` when given);
    * ``wish_claims`` — 附件2, one row per live claim (claimed in ``year``; by members of ``branch_id``);
    * ``wish_summary`` — 附件3, the fulfilled wishes (fulfilled in ``year``; claimed by ``branch_id``);
    * ``half_year`` — 活动开展情况 of ``year`` and ``half`` (1: to 30 June, 2: to 31 December), one row per
      branch (or ``branch_id`` only), an activity counted for every branch organising it (its lead, its
      co-organisers, the branches of its joint pairing); under a ``policy`` that asks for 四覆盖 (``require_coverage``) a
      title line sums the branches' coverage so far;
    * ``wish_claims`` shows who claimed: a member (name, branch, phone) or a supporter (name, contact) and
      the claimant's kind (认领人类别: 党员, 社区志愿者, 爱心人士, 社会组织); ``wish_summary`` names members
      and supporters (``林爱心（爱心人士）``) and, for a wish fulfilled through a referral, the department,
      the referral date and its outcome; ``half_year`` adds title lines for the wishes supporters claimed
      and the wishes referred in the half (count by outcome, then one line each);
    * ``notice`` — 公示 of ``year``: every member's hours and compliance, and the wishes each fulfilled
      (a year not yet over is judged up to ``as_of``, default today); then, unless ``branch_id`` is given,
      a row per supporter who fulfilled a wish and a row per wish referred in the year with its
      department, date and outcome (已落实 / 未落实：reason / 办理中);
    * ``organisation_summary`` — 汇总表 of ``year`` (逐级上报): one row per organisation node of the whole
      tree, or of the subtree of ``organisation_id``, with its subtree's totals, names indented by depth.

    ``on`` is the date printed as 填表时间 (default today in China); ``policy`` the rules of the
    compliance columns.

    Raises:
        InvalidInput: an unknown kind, a path that is not .csv/.xlsx, a missing ``year`` / ``branch_id`` /
            ``half`` the kind needs.
        NotFound: ``branch_id`` names no stored branch, ``organisation_id`` no stored organisation.
        ImportError: .xlsx without openpyxl.
    """
    if kind not in _BUILDERS:
        raise InvalidInput(
            "kind",
            kind,
            message_en=f"unknown form {kind!r}; one of {', '.join(KINDS)}",
            message_zh=f"未知表格“{kind}”，应为：{'、'.join(KINDS)}",
        )
    target = Path(path)
    if format_of(target) == ".xlsx":
        require_openpyxl()
    check_year(year)
    if on is not None and type(on) is not date:
        raise InvalidInput("on", on, code="input.type", message_en="must be a date", message_zh="须为日期")
    if as_of is not None and type(as_of) is not date:
        raise InvalidInput(
            "as_of", as_of, code="input.type", message_en="must be a date", message_zh="须为日期"
        )
    args = Args(
        year=year,
        branch_id=branch_id,
        half=half,
        mask=Mask(on=bool(masked)),
        on=on or today(),
        as_of=as_of,
        policy=policy,
        organisation_id=organisation_id,
    )
    with uow:
        form = _BUILDERS[kind](uow, args)
    written = write_table(
        target,
        titles=form.titles if titles else [],
        headers=HEADERS[kind],
        rows=form.rows,
        sheet_name=_SHEETS[kind],
    )
    honour_umask(written)
    return written


def export_all(
    uow: UnitOfWork,
    directory: str | Path,
    *,
    year: int,
    fmt: str = "xlsx",
    masked: bool = True,
    on: date | None = None,
    policy: Policy = DEFAULT,
) -> list[Path]:
    """Write every form of ``year`` into ``directory``: the wish forms, both half-year reports, the
    notice, one plan per branch, and — when organisations are stored — the 汇总表 of the whole tree.
    Returns the paths written (for ``make demo``)."""
    if fmt not in ("csv", "xlsx"):
        raise InvalidInput("fmt", fmt, message_en="csv or xlsx", message_zh="须为 csv 或 xlsx")
    folder = Path(directory)

    def one(kind: str, name: str, *, half: int | None = None, branch_id: str | None = None) -> Path:
        return export(
            kind,
            uow,
            folder / f"{year}-{name}.{fmt}",
            year=year,
            half=half,
            branch_id=branch_id,
            masked=masked,
            on=on,
            policy=policy,
        )

    written = [one(kind, kind) for kind in ("wish_collection", "wish_claims", "wish_summary", "notice")]
    written += [one("half_year", f"half_year-H{half}", half=half) for half in (1, 2)]
    with uow:
        branch_ids = [b.id for b in uow.branches.list()]
        organised = bool(uow.organisations.list())
    written += [
        one("plan", "plan-" + re.sub(r"[^\w.-]", "_", branch_id), branch_id=branch_id)
        for branch_id in branch_ids
    ]
    if organised:
        written.append(one("organisation_summary", "organisation_summary"))
    return written
