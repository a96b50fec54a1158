"""The three attachments of 004: 附件1 需求征集表, 附件2 认领落实表 (one row per live claim, by a member or a
supporter) and 附件3 落实情况汇总表 (one row per fulfilled wish, through claims or through a referral).

>>> from datetime import date
>>> from volunteer_core.storage.memory import InMemoryUnitOfWork
>>> from volunteer_core.policy import DEFAULT
>>> args = Args(year=None, branch_id=None, half=None, mask=Mask(on=True), on=date(2026, 12, 20), as_of=None,
...             policy=DEFAULT)
>>> uow = InMemoryUnitOfWork()
>>> with uow:
...     wish_claims(uow, args).rows
[]
"""

from __future__ import annotations

from volunteer_core.forms._base import (
    Args,
    Form,
    Mask,
    People,
    Row,
    in_year,
    one_community,
    person,
    referral_result,
)
from volunteer_core.forms._headers import TITLES
from volunteer_core.model import Wish, WishStatus
from volunteer_core.ports import UnitOfWork

__all__ = ["wish_claims", "wish_collection", "wish_summary"]


def wish_collection(uow: UnitOfWork, a: Args) -> Form:
    """附件1: every wish (collected in ``a.year`` when given), its beneficiary masked by ``a.mask``."""
    people = {b.id: b for b in uow.beneficiaries.list()}
    wishes = sorted(
        (w for w in uow.wishes.list() if in_year(w.collected_on, a.year)),
        key=lambda w: (w.collected_on, w.id),
    )
    rows: list[Row] = []
    for number, wish in enumerate(wishes, start=1):
        b = people.get(wish.beneficiary_id)
        name, gender, age, address = person(b, wish.collected_on, a.mask)
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
    return Form(titles=[f"{one_community(wishes, people)}{TITLES['wish_collection']}"], rows=rows)


def wish_claims(uow: UnitOfWork, a: Args) -> Form:
    """附件2: one row per live claim (claimed in ``a.year``; with ``a.branch_id``, members of that branch
    only). A member's claim shows the member, the branch and the masked phone; a supporter's shows the
    supporter's name, no unit and the masked contact; 认领人类别 says which (党员, 社区志愿者, 爱心人士,
    社会组织)."""
    people = People.read(uow)
    entries = sorted(
        (
            (claim, wish)
            for wish in uow.wishes.list()
            for claim in wish.live_claims
            if in_year(claim.claimed_on, a.year)
            and (a.branch_id is None or people.branch_of(claim) == a.branch_id)
        ),
        key=lambda cw: (cw[0].claimed_on, cw[1].id, cw[0].claimant),
    )
    rows: list[Row] = []
    for number, (claim, wish) in enumerate(entries, start=1):
        who = people.claimant(claim, a.mask)
        rows.append(
            [
                number,
                *person(people.beneficiaries.get(wish.beneficiary_id), claim.claimed_on, a.mask),
                wish.content,
                who.name,
                who.unit,
                who.phone,
                claim.claimed_on,
                claim.pledged,
                claim.fulfilled_on,
                who.kind,
            ]
        )
    unit = people.branches[a.branch_id].name if a.branch_id in people.branches else ""
    return Form(titles=[f"{unit}{TITLES['wish_claims']}"], rows=rows)


def _helpers(wish: Wish, people: People, mask: Mask) -> tuple[str | None, str | None]:
    """圆梦党员 and 联系方式 of a fulfilled wish: members' names, then supporters' with their kind; their
    phones, masked."""
    who = [people.claimant(c, mask) for c in wish.live_claims]
    who.sort(key=lambda c: not c.is_member)  # members first, each group in claim order
    phones = [c.phone for c in who if c.phone]
    return ("、".join(c.labelled for c in who) or None, "、".join(phones) or None)


def wish_summary(uow: UnitOfWork, a: Args) -> Form:
    """附件3: the fulfilled wishes (fulfilled in ``a.year``; with ``a.branch_id``, those a member of that
    branch claimed), who fulfilled each — members, supporters with their kind — and, for a wish fulfilled
    through a referral, the department, the referral date and what it reported (转介部门, 转介日期, 办理结果)."""
    people = People.read(uow)
    wishes = sorted(
        (
            w
            for w in uow.wishes.with_status(WishStatus.FULFILLED)
            if in_year(w.fulfilled_on, a.year)
            and (a.branch_id is None or any(people.branch_of(c) == a.branch_id for c in w.live_claims))
        ),
        key=lambda w: (w.fulfilled_on or w.collected_on, w.id),
    )
    rows: list[Row] = []
    for number, wish in enumerate(wishes, start=1):
        b = people.beneficiaries.get(wish.beneficiary_id)
        names, phones = _helpers(wish, people, a.mask)
        rows.append(
            [
                number,
                *person(b, wish.fulfilled_on or wish.collected_on, a.mask),
                wish.content,
                wish.evidence or None,
                a.mask.phone(b.phone) if b else None,
                names,
                phones,
                wish.value,
                wish.fulfilled_on,
                wish.referred_to or None,
                wish.referred_on,
                referral_result(wish, None) or None,
            ]
        )
    titles = [
        f"{one_community(wishes, people.beneficiaries)}{TITLES['wish_summary']}",
        "报送人：",
        "报送单位：",
        "联系方式：",
        f"填表时间：{a.on.year}年{a.on.month}月{a.on.day}日",
    ]
    return Form(titles=titles, rows=rows)
