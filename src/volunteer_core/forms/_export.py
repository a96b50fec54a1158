"""Build the rows of each form from a unit of work and write them (see :func:`export`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import attrs

from volunteer_core import privacy
from volunteer_core.errors import InvalidInput
from volunteer_core.forms._filemode import honour_umask
from volunteer_core.forms._headers import HEADERS, KINDS, TITLES
from volunteer_core.forms._sheet import Cell, format_of, require_openpyxl, write_table
from volunteer_core.model import (
    ActivityKind,
    Beneficiary,
    Branch,
    Member,
    PlanLine,
    RecordStatus,
    ServiceRecord,
    Wish,
    WishStatus,
)
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.ports import UnitOfWork
from volunteer_core.rules.coverage import BranchCoverage
from volunteer_core.rules.member import organising_branches
from volunteer_core.services.evaluation import evaluate_in_transaction

__all__ = ["export", "export_all"]

Row = list[Cell]


def _today() -> date:
    return (datetime.now(UTC) + timedelta(hours=8)).date()


def _hours(minutes: int) -> Decimal:
    """Minutes as hours with one decimal (half up)."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _require(name: str, value: object, zh: str) -> None:
    if value is None:
        raise InvalidInput(
            name,
            None,
            code="input.required",
            message_en=f"this form needs {name}=",
            message_zh=f"该表须指定{zh}",
        )


def _check_year(year: int | None) -> None:
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 9999):
        raise InvalidInput(
            "year", year, code="input.type", message_en="must be a year", message_zh="须为年份"
        )


@attrs.frozen(kw_only=True)
class _Mask:
    """The beneficiaries' personal data as a form shows it: masked unless ``on`` is False."""

    on: bool

    def name(self, text: str) -> str:
        return privacy.mask_name(text) if self.on else text

    def address(self, text: str | None) -> str | None:
        return None if text is None else privacy.mask_address(text) if self.on else text

    def phone(self, text: str | None) -> str | None:
        return None if text is None else privacy.mask_phone(text) if self.on else text

    def id_number(self, text: str | None) -> str | None:
        return None if text is None else privacy.mask_id_number(text) if self.on else text


def _person(b: Beneficiary | None, on: date, mask: _Mask) -> Row:
    """姓名, 性别, 年龄, 家庭住址 of a beneficiary."""
    if b is None:
        return [None, None, None, None]
    return [mask.name(b.name), b.gender.label_zh if b.gender else None, b.age_on(on), mask.address(b.address)]


# -- the forms ---------------------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class _Form:
    titles: list[str]
    rows: list[Row]


@attrs.frozen(kw_only=True)
class _Args:
    year: int | None
    branch_id: str | None
    half: int | None
    mask: _Mask
    on: date
    as_of: date | None
    policy: Policy


def _plan(uow: UnitOfWork, a: _Args) -> _Form:
    _require("branch_id", a.branch_id, "支部（branch_id）")
    _require("year", a.year, "年度（year）")
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
    return _Form(titles=titles, rows=rows)


def _in_year(day: date | None, year: int | None) -> bool:
    return year is None or (day is not None and day.year == year)


def _one_community(wishes: Sequence[Wish], people: dict[str, Beneficiary]) -> str:
    places = {people[w.beneficiary_id].community for w in wishes if w.beneficiary_id in people}
    return places.pop() if len(places) == 1 else ""


def _wish_collection(uow: UnitOfWork, a: _Args) -> _Form:
    people = {b.id: b for b in uow.beneficiaries.list()}
    wishes = sorted(
        (w for w in uow.wishes.list() if _in_year(w.collected_on, a.year)),
        key=lambda w: (w.collected_on, w.id),
    )
    rows: list[Row] = []
    for number, wish in enumerate(wishes, start=1):
        b = people.get(wish.beneficiary_id)
        name, gender, age, address = _person(b, wish.collected_on, a.mask)
        rows.append(
            [
                number,
                name,
                gender,
                age,
                address,
                wish.content,
                wish.evidence or None,
                a.mask.phone(b.phone) if b else None,
                a.mask.id_number(b.id_number) if b else None,
                b.category.label_zh if b else None,
                b.community if b else None,
                wish.kind.label_zh,
                wish.value,
                wish.collected_on,
            ]
        )
    return _Form(titles=[f"{_one_community(wishes, people)}{TITLES['wish_collection']}"], rows=rows)


def _claimers(wish: Wish, members: dict[str, Member], branch_id: str | None) -> list[Member]:
    found = [members[c.member_id] for c in wish.live_claims if c.member_id in members]
    return found if branch_id is None or any(m.branch_id == branch_id for m in found) else []


def _wish_claims(uow: UnitOfWork, a: _Args) -> _Form:
    people = {b.id: b for b in uow.beneficiaries.list()}
    members = {m.id: m for m in uow.members.list()}
    branches = {b.id: b for b in uow.branches.list()}
    entries = sorted(
        (
            (claim, wish)
            for wish in uow.wishes.list()
            for claim in wish.live_claims
            if _in_year(claim.claimed_on, a.year)
            and (
                a.branch_id is None or getattr(members.get(claim.member_id), "branch_id", None) == a.branch_id
            )
        ),
        key=lambda cw: (cw[0].claimed_on, cw[1].id, cw[0].member_id),
    )
    rows: list[Row] = []
    for number, (claim, wish) in enumerate(entries, start=1):
        member = members.get(claim.member_id)
        branch = branches.get(member.branch_id) if member else None
        rows.append(
            [
                number,
                *_person(people.get(wish.beneficiary_id), claim.claimed_on, a.mask),
                wish.content,
                member.name if member else claim.member_id,
                branch.name if branch else (member.branch_id if member else None),
                a.mask.phone(member.phone) if member else None,
                claim.claimed_on,
                claim.pledged,
                claim.fulfilled_on,
            ]
        )
    unit = branches[a.branch_id].name if a.branch_id in branches else ""
    return _Form(titles=[f"{unit}{TITLES['wish_claims']}"], rows=rows)


def _wish_summary(uow: UnitOfWork, a: _Args) -> _Form:
    people = {b.id: b for b in uow.beneficiaries.list()}
    members = {m.id: m for m in uow.members.list()}
    wishes = sorted(
        (
            w
            for w in uow.wishes.with_status(WishStatus.FULFILLED)
            if _in_year(w.fulfilled_on, a.year)
            and (a.branch_id is None or _claimers(w, members, a.branch_id))
        ),
        key=lambda w: (w.fulfilled_on or w.collected_on, w.id),
    )
    rows: list[Row] = []
    for number, wish in enumerate(wishes, start=1):
        b = people.get(wish.beneficiary_id)
        helpers = [members[c.member_id] for c in wish.live_claims if c.member_id in members]
        phones = [a.mask.phone(m.phone) for m in helpers if m.phone]
        rows.append(
            [
                number,
                *_person(b, wish.fulfilled_on or wish.collected_on, a.mask),
                wish.content,
                wish.evidence or None,
                a.mask.phone(b.phone) if b else None,
                "、".join(m.name for m in helpers) or None,
                "、".join(p for p in phones if p) or None,
                wish.value,
                wish.fulfilled_on,
            ]
        )
    titles = [
        f"{_one_community(wishes, people)}{TITLES['wish_summary']}",
        "报送人：",
        "报送单位：",
        "联系方式：",
        f"填表时间：{a.on.year}年{a.on.month}月{a.on.day}日",
    ]
    return _Form(titles=titles, rows=rows)


def _overlaps(start: date, end: date | None, first: date, last: date) -> bool:
    return start <= last and (end is None or end >= first)


def _coverage_line(coverages: Sequence[BranchCoverage], known_by: date) -> str:
    """四覆盖 (002 §三) of the form's branches, as far as known by ``known_by``: branches with a team, and
    members registered, trained and serving out of the members judged.

    >>> c = BranchCoverage(branch_id="b1", year=2026, members=("m1", "m2"), teams=1, unregistered=("m2",),
    ...                    untrained=("m1", "m2"), not_participating=())
    >>> _coverage_line([c], date(2026, 6, 30))
    '四覆盖（截至 2026-06-30）：组织动员 1/1 个支部，注册登记 1/2、接受培训 0/2、参加志愿服务 2/2 名党员'
    """
    judged = sum(len(c.members) for c in coverages)

    def covered(missing: Callable[[BranchCoverage], tuple[str, ...]]) -> str:
        return f"{judged - sum(len(missing(c)) for c in coverages)}/{judged}"

    return (
        f"四覆盖（截至 {known_by.isoformat()}）：组织动员 {sum(1 for c in coverages if c.organised)}/"
        f"{len(coverages)} 个支部，注册登记 {covered(lambda c: c.unregistered)}、接受培训 "
        f"{covered(lambda c: c.untrained)}、参加志愿服务 {covered(lambda c: c.not_participating)} 名党员"
    )


def _half_year(uow: UnitOfWork, a: _Args) -> _Form:
    _require("year", a.year, "年度（year）")
    _require("half", a.half, "上/下半年（half）")
    assert a.year is not None
    assert a.half is not None
    if a.half not in (1, 2) or isinstance(a.half, bool):
        raise InvalidInput("half", a.half, message_en="half is 1 or 2", message_zh="半年须为1或2")
    year, half = a.year, a.half
    first, last = (
        (date(year, 1, 1), date(year, 6, 30)) if half == 1 else (date(year, 7, 1), date(year, 12, 31))
    )
    if a.branch_id is not None:
        branches: list[Branch] = [uow.branches.get(a.branch_id)]
    else:
        branches = uow.branches.list()
    members = uow.members.list()
    branch_of = {m.id: m.branch_id for m in members}
    minutes: dict[str, int] = {}

    def tally(stream: Iterator[ServiceRecord]) -> Iterator[ServiceRecord]:
        for record in stream:
            if first <= record.on <= last and record.status is RecordStatus.CONFIRMED:
                branch = branch_of.get(record.member_id)
                if branch is not None:
                    minutes[branch] = minutes.get(branch, 0) + record.minutes
            yield record

    known_by = min(last, a.as_of or last)
    report = evaluate_in_transaction(uow, year, policy=a.policy, as_of=known_by, records=tally)
    pairings = uow.pairings.list()
    pairing_of = {p.id: p for p in pairings}
    activities: dict[tuple[str, ActivityKind], int] = {}
    for activity in uow.activities.in_year(year):
        if first <= activity.on <= last:  # counted for every branch organising it, led or co-organised
            pairing = None if activity.pairing_id is None else pairing_of.get(activity.pairing_id)
            for organiser in organising_branches(activity, pairing):
                key = (organiser, activity.kind)
                activities[key] = activities.get(key, 0) + 1
    wishes = uow.wishes.list()
    collected = sum(1 for w in wishes if first <= w.collected_on <= last)
    # everything grouped by branch once: one pass over members, wishes and pairings
    active: dict[str, list[Member]] = {}
    for m in members:
        if _overlaps(m.joined_on, m.left_on, first, last):
            active.setdefault(m.branch_id, []).append(m)
    claimed: dict[str, set[str]] = {}
    fulfilled: dict[str, set[str]] = {}
    for w in wishes:
        done = (
            w.status is WishStatus.FULFILLED
            and w.fulfilled_on is not None
            and first <= w.fulfilled_on <= last
        )
        for c in w.live_claims:
            branch_id = branch_of.get(c.member_id)
            if branch_id is None:
                continue
            if first <= c.claimed_on <= last:
                claimed.setdefault(branch_id, set()).add(w.id)
            if done:
                fulfilled.setdefault(branch_id, set()).add(w.id)
    paired: dict[str, int] = {}
    for p in pairings:
        if _overlaps(p.period.start, p.period.end, first, last):
            for branch_id in p.branch_ids:
                paired[branch_id] = paired.get(branch_id, 0) + 1
    rows: list[Row] = []
    for branch in branches:
        mine = active.get(branch.id, [])
        judged = [report.members[m.id] for m in mine if m.id in report.members]
        compliant = sum(1 for y in judged if y.compliant)
        counts = [activities.get((branch.id, kind), 0) for kind in ActivityKind]
        summaries = [r.summary for r in uow.reports.for_branch(branch.id, year) if r.half == half]
        rows.append(
            [
                branch.name,
                year,
                "上半年" if half == 1 else "下半年",
                len(mine),
                compliant,
                len(judged) - compliant,
                *counts,
                sum(counts),
                _hours(minutes.get(branch.id, 0)),
                len(claimed.get(branch.id, ())),
                len(fulfilled.get(branch.id, ())),
                paired.get(branch.id, 0),
                summaries[-1] if summaries and summaries[-1] else None,
            ]
        )
    scope = branches[0].name if a.branch_id is not None and branches else ""
    titles = [
        f"{scope}{year}年{'上' if half == 1 else '下'}半年{TITLES['half_year']}",
        f"报告期：{first.isoformat()} 至 {last.isoformat()}",
        f"全单位本期征集微心愿 {collected} 个",
    ]
    if report.coverage:  # a policy that asks for 四覆盖 (PUTIAN_2022): the form's branches so far
        titles.append(
            _coverage_line([report.coverage[b.id] for b in branches if b.id in report.coverage], known_by)
        )
    return _Form(titles=titles, rows=rows)


def _notice(uow: UnitOfWork, a: _Args) -> _Form:
    _require("year", a.year, "年度（year）")
    assert a.year is not None
    year = a.year
    as_of = a.as_of
    if as_of is None and date(year, 12, 31) >= a.on:
        as_of = a.on  # a year not yet over is judged up to today
    report = evaluate_in_transaction(uow, year, policy=a.policy, as_of=as_of, pushdown=False)
    branches = {b.id: b for b in uow.branches.list()}
    people = {b.id: b for b in uow.beneficiaries.list()}
    helped: dict[str, list[str]] = {}
    for wish in sorted(uow.wishes.with_status(WishStatus.FULFILLED), key=lambda w: (w.fulfilled_on, w.id)):
        if wish.fulfilled_on is None or wish.fulfilled_on.year != year:
            continue
        b = people.get(wish.beneficiary_id)
        who = f"{a.mask.name(b.name)}（{b.community}）" if b else ""
        for claim in wish.live_claims:
            helped.setdefault(claim.member_id, []).append(f"{who}：{wish.content}" if who else wish.content)
    judged = [y for y in report.members.values() if a.branch_id is None or y.branch_id == a.branch_id]
    judged.sort(key=lambda y: (getattr(branches.get(y.branch_id), "name", y.branch_id), y.member_id))
    rows: list[Row] = []
    for number, y in enumerate(judged, start=1):
        if not y.compliant:
            verdict = "未达标"
        elif y.pending:
            verdict = "进行中"
        else:
            verdict = "达标"
        branch = branches.get(y.branch_id)
        rows.append(
            [
                number,
                branch.name if branch else y.branch_id,
                y.member_name,
                _hours(y.net_minutes),
                verdict,
                "；".join(helped.get(y.member_id, ())) or None,
            ]
        )
    scope = branches[a.branch_id].name if a.branch_id in branches else ""
    titles = [f"{scope}{year}年度{TITLES['notice']}"]
    if as_of is not None:
        titles.append(f"统计截至：{as_of.isoformat()}")
    if a.mask.on:
        titles.append("（服务对象个人信息已按规定隐去部分内容）")
    return _Form(titles=titles, rows=rows)


_BUILDERS: dict[str, Callable[[UnitOfWork, _Args], _Form]] = {
    "plan": _plan,
    "wish_collection": _wish_collection,
    "wish_claims": _wish_claims,
    "wish_summary": _wish_summary,
    "half_year": _half_year,
    "notice": _notice,
}

_SHEETS = {
    "plan": "活动计划表",
    "wish_collection": "需求征集表",
    "wish_claims": "认领落实表",
    "wish_summary": "落实情况汇总表",
    "half_year": "活动开展情况",
    "notice": "公示",
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
    * ``notice`` — 公示 of ``year``: every member's hours and compliance, and the wishes each fulfilled
      (a year not yet over is judged up to ``as_of``, default today).

    ``on`` is the date printed as 填表时间 (default today in China); ``policy`` the rules of the
    compliance columns.

    Raises:
        InvalidInput: an unknown kind, a path that is not .csv/.xlsx, a missing ``year`` / ``branch_id`` /
            ``half`` the kind needs.
        NotFound: ``branch_id`` names no stored branch.
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
    _check_year(year)
    if on is not None and type(on) is not date:
        raise InvalidInput("on", on, code="input.type", message_en="must be a date", message_zh="须为日期")
    if as_of is not None and type(as_of) is not date:
        raise InvalidInput(
            "as_of", as_of, code="input.type", message_en="must be a date", message_zh="须为日期"
        )
    args = _Args(
        year=year,
        branch_id=branch_id,
        half=half,
        mask=_Mask(on=bool(masked)),
        on=on or _today(),
        as_of=as_of,
        policy=policy,
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
    notice, and one plan per branch. Returns the paths written (for ``make demo``)."""
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
    written += [
        one("plan", "plan-" + re.sub(r"[^\w.-]", "_", branch_id), branch_id=branch_id)
        for branch_id in branch_ids
    ]
    return written
