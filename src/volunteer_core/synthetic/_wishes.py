"""The wishes of the synthetic year, in every state, reached through the real transitions — and replayed
step by step through the wish use-cases when the year is loaded.

Besides members' claims (one-to-one, and many-to-one: two members share a wish), supporters claim too
(004 §四: 社区志愿者、爱心人士、社会慈善志愿机构) — one 300-yuan wish is filled 150 + 150 by a supporter and a
member — and two wishes over the cap that members cannot meet are referred (转介): one to 市民政局, resolved
(fulfilled by them), one still open.

>>> import random
>>> from volunteer_core.synthetic import generate_year
>>> world = generate_year(2026, members=12, branches=2, seed=3)
>>> sorted({w.status.value for w in world.wishes})
['cancelled', 'claimed', 'collected', 'fulfilled', 'published', 'referred', 'rejected', 'screened']
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import TYPE_CHECKING

import attrs

from volunteer_core.model import Beneficiary, Claim, Member, Supporter, Wish, WishKind, WishStatus

if TYPE_CHECKING:
    from volunteer_core.ports import UnitOfWork

__all__ = ["REFERRED_TO", "replay_wish", "wishes"]

#: The department the synthetic year refers a wish to and that resolves it (fulfilled by them).
REFERRED_TO = "市民政局"

_WISHES = (
    (WishKind.MATERIAL, "一台电饭煲", "180.00"),
    (WishKind.MATERIAL, "冬季棉被两床", "260.00"),
    (WishKind.MATERIAL, "书包和文具", "120.00"),
    (WishKind.MATERIAL, "助听器一副", "300.00"),
    (WishKind.MATERIAL, "轮椅一台", "450.00"),  # over the cap: screened out
    (WishKind.SERVICE, "每周陪伴聊天", None),
    (WishKind.CULTURAL, "学习使用智能手机", None),
    (WishKind.SERVICE, "修理漏水的水管", None),
)


def wishes(
    rng: random.Random,
    year: int,
    beneficiaries: tuple[Beneficiary, ...],
    members: list[Member],
    supporters: tuple[Supporter, ...] = (),
    *,
    extra: random.Random | None = None,
) -> tuple[Wish, ...]:
    """Wishes in every state, reached through the real transitions: 24 of members' claims drawn with
    ``rng``, then — with ``supporters`` — the supporters' claims and the referrals, drawn with ``extra``
    (a separate stream, so that the first 24 stay as they were before supporters existed).

    >>> from volunteer_core import Beneficiary
    >>> ben = (Beneficiary(id="ben0001", name="王五", category="elderly", community="凤山社区"),)
    >>> len(wishes(random.Random(1), 2026, ben, [Member(id="m1", name="甲", branch_id="b1",
    ...     joined_on=date(2020, 1, 1)), Member(id="m2", name="乙", branch_id="b1", joined_on=date(2020, 1, 1)),
    ...     Member(id="m3", name="丙", branch_id="b1", joined_on=date(2020, 1, 1))]))
    24
    """
    out: list[Wish] = []
    for i, (kind, content, value) in enumerate(_WISHES * 3):
        ben = beneficiaries[i % len(beneficiaries)]
        day = date(year, 5, 1) + timedelta(days=i)
        wish = Wish(
            id=f"w{i + 1:04d}",
            beneficiary_id=ben.id,
            kind=kind,
            content=content,
            collected_on=day,
            value=value,
        )
        stage = i % 8
        if value is not None and int(value.split(".")[0]) > 300:
            wish = wish.screen(False, day + timedelta(days=2), reason="超过300元上限")
        elif stage == 0:
            pass  # still COLLECTED
        elif stage == 1:
            wish = wish.cancel(day + timedelta(days=1), reason="服务对象已搬离")
        elif stage == 2:
            wish = wish.screen(True, day + timedelta(days=2))
        else:
            wish = wish.screen(True, day + timedelta(days=2)).publish(day + timedelta(days=5))
            claimers = rng.sample(members, 3)
            stage -= 1
            if stage >= 3:
                if wish.value is not None and stage >= 5:  # many-to-one: two members share the wish
                    half = wish.value.fen // 2
                    wish = wish.claim(claimers[0].id, day + timedelta(days=6), pledged=_yuan(half))
                    wish = wish.claim(claimers[1].id, day + timedelta(days=7))
                else:
                    wish = wish.claim(claimers[0].id, day + timedelta(days=6))
            if stage == 4:
                wish = wish.withdraw_claim(claimers[0].id, day + timedelta(days=8))
            if stage == 6 or (stage == 5 and i % 2):
                wish = wish.fulfil(day + timedelta(days=20))
        out.append(wish)
    if supporters and members:
        out.extend(
            _beyond_members(extra or random.Random(0), year, len(out), beneficiaries, members, supporters)
        )
    return tuple(out)


def _beyond_members(
    rng: random.Random,
    year: int,
    count: int,
    beneficiaries: tuple[Beneficiary, ...],
    members: list[Member],
    supporters: tuple[Supporter, ...],
) -> list[Wish]:
    """Wishes claimed by supporters (each in turn), and two referred over the cap."""
    day = date(year, 6, 1)

    def collected(n: int, kind: WishKind, content: str, value: str | None) -> Wish:
        ben = beneficiaries[(count + n) % len(beneficiaries)]
        return Wish(
            id=f"w{count + n + 1:04d}",
            beneficiary_id=ben.id,
            kind=kind,
            content=content,
            collected_on=day + timedelta(days=n),
            value=value,
        )

    def published(wish: Wish) -> Wish:
        return wish.screen(True, wish.collected_on + timedelta(days=2)).publish(
            wish.collected_on + timedelta(days=5)
        )

    first, second, third = (supporters[i % len(supporters)] for i in range(3))
    member = rng.choice(members)
    # 150 + 150: a supporter and a member fill a 300-yuan wish, fulfilled
    shared = published(collected(0, WishKind.MATERIAL, "助行器一台", "300.00"))
    shared = shared.claim(supporter_id=first.id, on=shared.collected_on + timedelta(days=6), pledged="150.00")
    shared = shared.claim(member.id, shared.collected_on + timedelta(days=7), pledged="150.00")
    shared = shared.fulfil(shared.collected_on + timedelta(days=20))
    # a caring person claims a service wish (one-to-one, no amount)
    service = published(collected(1, WishKind.SERVICE, "每月陪同就医", None))
    service = service.claim(supporter_id=second.id, on=service.collected_on + timedelta(days=6))
    # a social organisation claims a whole material wish, fulfilled
    whole = published(collected(2, WishKind.MATERIAL, "学习桌椅一套", "260.00"))
    whole = whole.claim(supporter_id=third.id, on=whole.collected_on + timedelta(days=6))
    whole = whole.fulfil(whole.collected_on + timedelta(days=15))
    # over the cap: referred instead of rejected — one resolved by 市民政局, one still open
    chair = collected(3, WishKind.MATERIAL, "电动轮椅一台", "2800.00")
    chair = chair.refer(
        to=REFERRED_TO, on=chair.collected_on + timedelta(days=2), reason="超过300元微心愿上限，党员难以承担"
    )
    chair = chair.resolve_referral(
        on=chair.collected_on + timedelta(days=40), fulfilled=True, outcome="民政局已配发电动轮椅"
    )
    roof = collected(4, WishKind.MATERIAL, "老旧房屋漏雨修缮", "6500.00")
    roof = roof.refer(
        to="城厢区住房和城乡建设局",
        on=roof.collected_on + timedelta(days=3),
        reason="超过300元上限，需专业施工",
    )
    return [shared, service, whole, chair, roof]


def _yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def replay_wish(uow: UnitOfWork, wish: Wish) -> None:
    """Reach ``wish``'s state in ``uow`` through the wish use-cases, step by step: collect, screen, publish,
    claims and withdrawals (members' and supporters') in date order, then fulfil or cancel — or refer and
    resolve the referral.

    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> from volunteer_core.synthetic import generate_year
    >>> world = generate_year(2026, members=12, branches=2, seed=3)
    >>> uow = InMemoryUnitOfWork()
    >>> _ = world.load_into(uow)
    >>> with uow:
    ...     stored = [attrs.evolve(w, version=0) for w in uow.wishes.list()]  # each step stored a version
    >>> sorted(stored, key=lambda w: w.id) == sorted(world.wishes, key=lambda w: w.id)
    True
    """
    from volunteer_core import services

    services.collect_wish(
        uow,
        attrs.evolve(
            wish,
            status=WishStatus.COLLECTED,
            claims=(),
            screened_on=None,
            published_on=None,
            fulfilled_on=None,
            cancelled_on=None,
            reason="",
            referred_to="",
            referred_on=None,
            referral_outcome="",
        ),
    )
    referred = wish.referred_on is not None
    # A wish referred straight from collection has screened_on = referred_on (the referral screens it).
    if wish.screened_on is not None and not (
        referred and wish.published_on is None and wish.screened_on == wish.referred_on
    ):
        approved = wish.status is not WishStatus.REJECTED
        services.screen_wish(
            uow, wish.id, approved=approved, on=wish.screened_on, reason="" if referred else wish.reason
        )
    if wish.published_on is not None:
        services.publish_wish(uow, wish.id, on=wish.published_on)
    steps: list[tuple[date, int, Claim]] = []
    for claim in wish.claims:
        steps.append((claim.claimed_on, 0, claim))
        if claim.withdrawn_on is not None and wish.status is not WishStatus.CANCELLED:
            steps.append((claim.withdrawn_on, 1, claim))
    for on, step, claim in sorted(steps, key=lambda s: (s[0], s[1])):
        if step == 0:
            services.claim_wish(
                uow, wish.id, claim.member_id, supporter_id=claim.supporter_id, on=on, pledged=claim.pledged
            )
        else:
            services.withdraw_claim(uow, wish.id, claim.member_id, supporter_id=claim.supporter_id, on=on)
    if wish.referred_on is not None:
        services.refer_wish(uow, wish.id, to=wish.referred_to, on=wish.referred_on, reason=wish.reason)
        resolved_on = wish.fulfilled_on or wish.cancelled_on
        if resolved_on is not None:
            services.resolve_referral(
                uow,
                wish.id,
                on=resolved_on,
                fulfilled=wish.fulfilled_on is not None,
                outcome=wish.referral_outcome,
            )
        return
    if wish.fulfilled_on is not None:
        services.fulfil_wish(uow, wish.id, on=wish.fulfilled_on)
    if wish.cancelled_on is not None:
        services.cancel_wish(uow, wish.id, on=wish.cancelled_on, reason=wish.reason)
