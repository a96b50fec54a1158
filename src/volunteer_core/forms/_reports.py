"""The reports among the forms: 活动开展情况 (``half_year``, one row per branch for one half of a year) and the
公示 (``notice``: members' hours and compliance, the wishes each member or supporter fulfilled, the wishes
referred to a department and their outcome). Both list a referral in the period it was referred and in the
period it was resolved (:func:`referrals_between`).

>>> from datetime import date
>>> from volunteer_core.storage.memory import InMemoryUnitOfWork
>>> from volunteer_core.policy import DEFAULT
>>> args = Args(year=2026, branch_id=None, half=1, mask=Mask(on=True), on=date(2026, 12, 20), as_of=None,
...             policy=DEFAULT)
>>> uow = InMemoryUnitOfWork()
>>> with uow:
...     half_year(uow, args).titles[1:]
['报告期：2026-01-01 至 2026-06-30', '全单位本期征集微心愿 0 个', '全单位本期转介微心愿 0 个']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date

from volunteer_core.errors import InvalidInput
from volunteer_core.forms._base import Args, Form, Mask, People, Row, hours, referral_result, require
from volunteer_core.forms._headers import TITLES
from volunteer_core.model import ActivityKind, Branch, Member, RecordStatus, ServiceRecord, Wish, WishStatus
from volunteer_core.ports import UnitOfWork
from volunteer_core.rules.coverage import BranchCoverage
from volunteer_core.rules.member import organising_branches
from volunteer_core.services.evaluation import evaluate_in_transaction

__all__ = ["coverage_line", "half_year", "notice", "referral_lines", "referrals_between", "resolved_on"]


def _overlaps(start: date, end: date | None, first: date, last: date) -> bool:
    return start <= last and (end is None or end >= first)


def coverage_line(coverages: Sequence[BranchCoverage], known_by: date) -> str:
    """四覆盖 (002 §三) of the form's branches, as far as known by ``known_by``: branches with a team, and
    members registered, trained and serving out of the members judged.

    >>> c = BranchCoverage(branch_id="b1", year=2026, members=("m1", "m2"), teams=1, unregistered=("m2",),
    ...                    untrained=("m1", "m2"), not_participating=())
    >>> coverage_line([c], date(2026, 6, 30))
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


def resolved_on(wish: Wish) -> date | None:
    """The day a wish's referral was resolved — fulfilled by the department, or closed unmet — or None
    while it is open (and for a wish never referred).

    >>> w = Wish(id="w1", beneficiary_id="p1", kind="policy", content="申请廉租房", collected_on=date(2026, 5, 1))
    >>> w = w.refer(to="区住建局", on=date(2026, 5, 2), reason="政策类")
    >>> resolved_on(w), resolved_on(w.resolve_referral(on=date(2027, 1, 5), fulfilled=True))
    (None, datetime.date(2027, 1, 5))
    """
    if wish.referred_on is None:
        return None
    return {WishStatus.FULFILLED: wish.fulfilled_on, WishStatus.CANCELLED: wish.cancelled_on}.get(wish.status)


def referrals_between(wishes: Iterable[Wish], first: date, last: date) -> list[Wish]:
    """The referrals a report of ``first … last`` lists, in order of referral: every wish referred in it,
    and every wish referred before it whose referral was resolved in it — so that a referral resolved in
    a later period than its own still shows with its outcome.

    >>> w = Wish(id="w1", beneficiary_id="p1", kind="policy", content="申请廉租房", collected_on=date(2025, 11, 1))
    >>> w = w.refer(to="区住建局", on=date(2025, 12, 2), reason="政策类")
    >>> done = w.resolve_referral(on=date(2026, 1, 5), fulfilled=True)
    >>> [len(referrals_between([done], date(y, 1, 1), date(y, 12, 31))) for y in (2025, 2026, 2027)]
    [1, 1, 0]
    """

    def listed(wish: Wish) -> bool:
        if wish.referred_on is None:
            return False
        closed = resolved_on(wish)
        return first <= wish.referred_on <= last or (closed is not None and first <= closed <= last)

    return sorted(filter(listed, wishes), key=lambda w: (w.referred_on, w.id))


def _counted(head: str, results: Sequence[str], outcomes: tuple[str, ...]) -> str:
    if not results:
        return head
    return (
        head
        + "（"
        + "，".join(f"{k} {sum(1 for r in results if r.startswith(k))} 个" for k in outcomes)
        + "）"
    )


def referral_lines(
    referred: Sequence[Wish], people: People, mask: Mask, known_by: date, first: date | None = None
) -> list[str]:
    """The title lines of a half-year report about its referrals (:func:`referrals_between`): how many were
    referred in it — from ``first`` (None: every one given) — and what became of them by ``known_by``
    (已落实, 未落实, 办理中); when some were referred before ``first`` and resolved in the report's period,
    how many and how (a line of its own); then one line per wish in order of referral, each with its
    referral date and its outcome as known by ``known_by``."""
    results = [referral_result(w, known_by) for w in referred]
    earlier = {
        i
        for i, w in enumerate(referred)
        if first is not None and w.referred_on is not None and w.referred_on < first
    }
    now = [r for i, r in enumerate(results) if i not in earlier]
    lines = [_counted(f"全单位本期转介微心愿 {len(now)} 个", now, ("已落实", "未落实", "办理中"))]
    if earlier:
        done = [r for i, r in enumerate(results) if i in earlier]
        lines.append(_counted(f"前期转介、本期办结微心愿 {len(done)} 个", done, ("已落实", "未落实")))
    for wish, result in zip(referred, results, strict=True):
        lines.append(
            f"转介：{people.wish_line(wish, mask)} → {wish.referred_to}（{wish.referred_on}）：{result}"
        )
    return lines


def _claims_by_branch(
    wishes: Sequence[Wish], branch_of: dict[str, str], first: date, last: date
) -> tuple[dict[str, set[str]], dict[str, set[str]], int]:
    """Wishes claimed in the half and wishes fulfilled in it, by the claiming members' branches; and how
    many wishes supporters claimed in the half."""
    claimed: dict[str, set[str]] = {}
    fulfilled: dict[str, set[str]] = {}
    by_supporters: set[str] = set()
    for w in wishes:
        done = (
            w.status is WishStatus.FULFILLED
            and w.fulfilled_on is not None
            and first <= w.fulfilled_on <= last
        )
        for c in w.live_claims:
            if c.member_id is None:
                if first <= c.claimed_on <= last:
                    by_supporters.add(w.id)
                continue
            branch_id = branch_of.get(c.member_id)
            if branch_id is None:
                continue
            if first <= c.claimed_on <= last:
                claimed.setdefault(branch_id, set()).add(w.id)
            if done:
                fulfilled.setdefault(branch_id, set()).add(w.id)
    return claimed, fulfilled, len(by_supporters)


def half_year(uow: UnitOfWork, a: Args) -> Form:
    """活动开展情况 of ``a.year`` and ``a.half``: one row per branch (or ``a.branch_id``); title lines for
    the wishes collected and claimed by supporters in the half, the referrals referred or resolved in it
    (:func:`referral_lines`: each with its outcome as known at the half's end, or ``a.as_of`` if earlier),
    and 四覆盖 under a policy that asks for it."""
    require("year", a.year, "年度（year）")
    require("half", a.half, "上/下半年（half）")
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
    active: dict[str, list[Member]] = {}
    for m in members:
        if _overlaps(m.joined_on, m.left_on, first, last):
            active.setdefault(m.branch_id, []).append(m)
    claimed, fulfilled, by_supporters = _claims_by_branch(wishes, branch_of, first, last)
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
                hours(minutes.get(branch.id, 0)),
                len(claimed.get(branch.id, ())),
                len(fulfilled.get(branch.id, ())),
                paired.get(branch.id, 0),
                summaries[-1] if summaries and summaries[-1] else None,
            ]
        )
    referred = referrals_between(wishes, first, known_by)
    scope = branches[0].name if a.branch_id is not None and branches else ""
    titles = [
        f"{scope}{year}年{'上' if half == 1 else '下'}半年{TITLES['half_year']}",
        f"报告期：{first.isoformat()} 至 {last.isoformat()}",
        f"全单位本期征集微心愿 {collected} 个",
    ]
    if by_supporters:
        titles.append(f"社会认领人（社区志愿者、爱心人士、社会组织）本期认领微心愿 {by_supporters} 个")
    titles += referral_lines(referred, People.read(uow), a.mask, known_by, first)
    if report.coverage:  # a policy that asks for 四覆盖 (PUTIAN_2022): the form's branches so far
        titles.append(
            coverage_line([report.coverage[b.id] for b in branches if b.id in report.coverage], known_by)
        )
    return Form(titles=titles, rows=rows)


def _verdict(compliant: bool, pending: bool) -> str:
    return "未达标" if not compliant else "进行中" if pending else "达标"


def notice(uow: UnitOfWork, a: Args) -> Form:
    """公示 of ``a.year``: one row per member judged (hours, compliance, the wishes the member fulfilled);
    then, for the whole unit (not with ``a.branch_id``), one row per supporter who fulfilled a wish in the
    year (社会认领人, with its kind) and one row per referral referred or resolved in the year
    (:func:`referrals_between`) — 转介心愿, 转介部门, 转介日期, 办理结果 as known at ``a.as_of`` or the
    year's end, whichever comes first (a referral resolved after that is 办理中). A year not yet over is
    judged up to ``a.as_of`` (default ``a.on``)."""
    require("year", a.year, "年度（year）")
    assert a.year is not None
    year = a.year
    as_of = a.as_of
    if as_of is None and date(year, 12, 31) >= a.on:
        as_of = a.on  # a year not yet over is judged up to today
    report = evaluate_in_transaction(uow, year, policy=a.policy, as_of=as_of, pushdown=False)
    people = People.read(uow)
    branches = people.branches
    wishes = uow.wishes.list()
    helped: dict[tuple[str, str], list[str]] = {}
    for wish in sorted(
        (w for w in wishes if w.status is WishStatus.FULFILLED),
        key=lambda w: (w.fulfilled_on, w.id),
    ):
        if wish.fulfilled_on is None or wish.fulfilled_on.year != year:
            continue
        for claim in wish.live_claims:
            helped.setdefault(claim.claimant, []).append(people.wish_line(wish, a.mask))
    judged = [y for y in report.members.values() if a.branch_id is None or y.branch_id == a.branch_id]
    judged.sort(key=lambda y: (getattr(branches.get(y.branch_id), "name", y.branch_id), y.member_id))
    rows: list[Row] = []
    for y in judged:
        branch = branches.get(y.branch_id)
        rows.append(
            [
                len(rows) + 1,
                branch.name if branch else y.branch_id,
                y.member_name,
                hours(y.net_minutes),
                _verdict(y.compliant, bool(y.pending)),
                "；".join(helped.get(("member", y.member_id), ())) or None,
                *([None] * 5),
            ]
        )
    if a.branch_id is None:
        rows += _supporter_rows(helped, people, len(rows))
        year_end = date(year, 12, 31)
        known_by = year_end if as_of is None else min(as_of, year_end)
        rows += _referral_rows(
            referrals_between(wishes, date(year, 1, 1), known_by), people, a.mask, known_by, len(rows)
        )
    scope = branches[a.branch_id].name if a.branch_id in branches else ""
    titles = [f"{scope}{year}年度{TITLES['notice']}"]
    if as_of is not None:
        titles.append(f"统计截至：{as_of.isoformat()}")
    if a.mask.on:
        titles.append("（服务对象个人信息已按规定隐去部分内容）")
    return Form(titles=titles, rows=rows)


def _supporter_rows(helped: dict[tuple[str, str], list[str]], people: People, before: int) -> list[Row]:
    """One notice row per supporter who fulfilled a wish: 圆梦微心愿 and 社会认领人 (name and kind)."""
    supporters = sorted(
        (ident for kind, ident in helped if kind == "supporter"),
        key=lambda s: (getattr(people.supporters.get(s), "name", s), s),
    )
    rows: list[Row] = []
    for ident in supporters:
        supporter = people.supporters.get(ident)
        name = f"{supporter.name}（{supporter.kind.label_zh}）" if supporter else ident
        wished = "；".join(helped[("supporter", ident)])
        rows.append([before + len(rows) + 1, None, None, None, None, wished, name, *([None] * 4)])
    return rows


def _referral_rows(
    referred: Sequence[Wish], people: People, mask: Mask, known_by: date, before: int
) -> list[Row]:
    """One notice row per referral listed (:func:`referrals_between`): the wish, the department, the date
    of the referral, the outcome as known on ``known_by``."""
    return [
        [
            before + i,
            *([None] * 6),
            people.wish_line(w, mask),
            w.referred_to,
            w.referred_on,
            referral_result(w, known_by),
        ]
        for i, w in enumerate(referred, start=1)
    ]
