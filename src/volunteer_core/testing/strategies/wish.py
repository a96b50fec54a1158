"""Strategies for wishes (微心愿) and claims (认领), wishes reached through the real transitions — claims
by members and, when asked (``supporter_ids=``), by supporters; referrals (转介) and their outcomes.

>>> from hypothesis import find
>>> find(wishes(status=WishStatus.SCREENED), lambda w: True).status.value
'screened'
>>> find(wishes(status=WishStatus.REFERRED), lambda w: True).referred_to != ""
True
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Final

import attrs
from hypothesis import strategies as st

from volunteer_core.model import Claim, Wish, WishKind, WishStatus
from volunteer_core.money import Yuan
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.testing.strategies._common import (
    REASONS,
    WISH_CONTENTS,
    check_bounds,
    check_invalid,
    choice,
    days,
    enum_choice,
)
from volunteer_core.testing.strategies.values import DATE_MAX, DATE_MIN, ids, yuan

__all__ = ["WISH_INVALID", "claims", "wishes"]

#: The rule codes ``wishes(invalid=...)`` knows how to break.
WISH_INVALID: Final = ("wish.value_cap", "wish.value_required", "wish.content_required")

_EVIDENCE: Final = ("", "低保证", "残疾证", "特困供养证明", "村委会证明")

_FINAL_FOR_INVALID: Final = (WishStatus.COLLECTED, WishStatus.REJECTED, WishStatus.CANCELLED)

#: Who a referral goes to, why, and what they report back.
_DEPARTMENTS: Final = ("城厢区民政局", "区残疾人联合会", "凤山街道办事处", "区慈善总会", "区住房和城乡建设局")
_REFERRAL_REASONS: Final = ("超过300元，党员力所不及", "需政策扶持", "需专业机构上门服务")
_OUTCOMES: Final = ("已由民政部门落实", "不符合救助条件", "对象已搬离", "已纳入临时救助")

#: A claimant: ``("member", id)`` or ``("supporter", id)``, as :attr:`Claim.claimant` says.
_Claimant = tuple[str, str]


def claims(
    *,
    member_id: str | Sequence[str] | None = None,
    supporter_ids: Sequence[str] | None = None,
    min_on: date = DATE_MIN,
    max_on: date = DATE_MAX,
) -> st.SearchStrategy[Claim]:
    """Standalone claims (认领): live, withdrawn or fulfilled, with or without a pledged amount, by a
    member — or, when ``supporter_ids`` is given, by a member or one of those supporters. Claims attached
    to wishes come from :func:`wishes`, through the real ``Wish.claim``.

    >>> from hypothesis import find
    >>> find(claims(member_id="m-1"), lambda c: c.is_live).member_id
    'm-1'
    >>> find(claims(supporter_ids=["s-1"]), lambda c: c.supporter_id is not None).claimant
    ('supporter', 's-1')
    """
    check_bounds(min_on, max_on, "min_on", "max_on")
    members = choice("member_id", member_id, ids("m")).map(lambda m: ("member", m))
    if supporter_ids is not None:
        if not supporter_ids:
            raise ValueError("supporter_ids must not be empty")
        pool = sorted(set(supporter_ids))
        return _claim(members | st.sampled_from(pool).map(lambda s: ("supporter", s)), min_on, max_on)
    return _claim(members, min_on, max_on)


@st.composite
def _claim(
    draw: st.DrawFn, claimant_strategy: st.SearchStrategy[_Claimant], min_on: date, max_on: date
) -> Claim:
    claimed = draw(st.dates(min_on, max_on))
    state = draw(st.sampled_from(("live", "withdrawn", "fulfilled")))
    later = draw(st.dates(claimed, max(claimed, max_on)))
    kind, ident = draw(claimant_strategy)
    return Claim(
        member_id=ident if kind == "member" else None,
        supporter_id=ident if kind == "supporter" else None,
        claimed_on=claimed,
        pledged=draw(st.none() | yuan(1, 30_000)),
        withdrawn_on=later if state == "withdrawn" else None,
        fulfilled_on=later if state == "fulfilled" else None,
    )


def wishes(
    status: WishStatus | Iterable[WishStatus] | None = None,
    *,
    id: str | Sequence[str] | None = None,
    kind: WishKind | Iterable[WishKind] | None = None,
    beneficiary_id: str | Sequence[str] | None = None,
    member_ids: Sequence[str] | None = None,
    supporter_ids: Sequence[str] | None = None,
    referrals: bool = False,
    max_claims: int = 3,
    min_date: date = DATE_MIN,
    max_date: date = DATE_MAX,
    policy: Policy | None = None,
    invalid: str | None = None,
) -> st.SearchStrategy[Wish]:
    """Wishes (微心愿) in any lifecycle state, reached through the real transitions of
    :class:`volunteer_core.Wish`: ``screen``, ``publish``, ``claim`` (one-to-one or many-to-one, at most
    ``max_claims`` live claims, members from ``member_ids`` and — only when ``supporter_ids`` is given —
    supporters from ``supporter_ids``), ``withdraw_claim``, ``fulfil``, ``cancel``, ``refer`` (a REFERRED
    wish, referred from COLLECTED, SCREENED or PUBLISHED). With ``referrals=True`` a FULFILLED or
    CANCELLED wish may also be one whose referral was resolved (``resolve_referral``: no live claim then);
    by default they are reached through claims and ``cancel`` only.

    By default ``validate_wish`` finds nothing wrong (material wishes carry 0.01 … the policy's cap; a
    wish of another kind no value, or one within the cap too — the cap bounds every wish that costs money).
    ``invalid`` draws a wish breaking exactly one rule, one of :data:`WISH_INVALID`:
    ``"wish.value_cap"`` (a material value above the cap), ``"wish.value_required"`` (a material wish
    without value, or of value 0), ``"wish.content_required"`` (blank content). Since screening refuses
    such a wish, it can only be COLLECTED, REJECTED or CANCELLED; asking for another status raises
    ``ValueError``.

    >>> from hypothesis import find
    >>> w = find(wishes(status=WishStatus.FULFILLED, kind=WishKind.MATERIAL), lambda w: len(w.claims) > 1)
    >>> w.status.value, w.pledged_total == w.value, len(w.live_claims) >= 1
    ('fulfilled', True, True)
    >>> from volunteer_core import validate_wish
    >>> [v.code for v in validate_wish(find(wishes(invalid="wish.value_cap"), lambda w: True))]
    ['wish.value_cap']
    >>> w = find(wishes(status=WishStatus.CLAIMED, supporter_ids=["s-1"]), lambda w: len(w.live_claims) > 1)
    >>> ("supporter", "s-1") in {c.claimant for c in w.live_claims}
    True
    >>> w = find(wishes(status=WishStatus.CANCELLED, referrals=True), lambda w: w.referred_on is not None)
    >>> w.referral_outcome != "", w.referred_to != ""
    (True, True)
    """
    check_invalid(invalid, WISH_INVALID)
    policy = DEFAULT if policy is None else policy
    statuses = enum_choice("status", status, list(WishStatus))
    if invalid is not None:
        wanted = (
            [status]
            if isinstance(status, WishStatus)
            else list(WishStatus)
            if status is None
            else list(status)
        )
        reachable = [s for s in wanted if s in _FINAL_FOR_INVALID]
        if not reachable:
            raise ValueError(
                f"a wish breaking {invalid} is refused by screening: it can only be "
                + ", ".join(s.name for s in _FINAL_FOR_INVALID)
            )
        statuses = st.sampled_from(reachable)
    kinds = enum_choice("kind", kind, list(WishKind))
    if invalid in ("wish.value_cap", "wish.value_required"):
        wanted_kinds = (
            [kind] if isinstance(kind, WishKind) else list(WishKind) if kind is None else list(kind)
        )
        if WishKind.MATERIAL not in wanted_kinds:
            raise ValueError(f"{invalid} concerns MATERIAL wishes")
        kinds = st.just(WishKind.MATERIAL)
    if invalid == "wish.value_cap" and policy.wish_value_cap is None:
        raise ValueError("this policy has no value cap to break")
    if max_claims < 1:
        raise ValueError("max_claims must be >= 1")
    if member_ids is not None and not member_ids and not supporter_ids:
        raise ValueError("member_ids must not be empty")
    if supporter_ids is not None and not supporter_ids:
        raise ValueError("supporter_ids must not be empty")
    check_bounds(min_date, max_date, "min_date", "max_date")
    return _wish(
        statuses,
        choice("id", id, ids("w")),
        kinds,
        choice("beneficiary_id", beneficiary_id, ids("bf")),
        None if member_ids is None else sorted(set(member_ids)),
        [] if supporter_ids is None else sorted(set(supporter_ids)),
        referrals,
        max_claims,
        min_date,
        max_date,
        policy,
        invalid,
    )


def _wish_value(kind: WishKind, policy: Policy, invalid: str | None) -> st.SearchStrategy[Yuan | None]:
    cap = policy.wish_value_cap
    if invalid == "wish.value_cap":
        assert cap is not None
        return yuan(cap.fen + 1, cap.fen + 1_000_000)
    if invalid == "wish.value_required":
        return st.sampled_from([None, Yuan(0)])
    if kind is WishKind.MATERIAL:
        return yuan(1, cap.fen if cap is not None else 1_000_000)
    # wish.value_cap bounds every wish that costs money, whatever its kind
    return st.none() | yuan(1, min(100_000, cap.fen) if cap is not None else 100_000)


@attrs.define
class _Clock:
    """The date of the latest step; each step moves it on by 0–20 days, never past ``last``."""

    draw: st.DrawFn
    day: date
    last: date

    def next(self) -> date:
        self.day = min(self.day + days(self.draw(st.integers(0, 20))), self.last)
        return self.day


@st.composite
def _wish(
    draw: st.DrawFn,
    statuses: st.SearchStrategy[WishStatus],
    id_strategy: st.SearchStrategy[str],
    kinds: st.SearchStrategy[WishKind],
    beneficiary_strategy: st.SearchStrategy[str],
    member_pool: list[str] | None,
    supporter_pool: list[str],
    referrals: bool,
    max_claims: int,
    min_date: date,
    max_date: date,
    policy: Policy,
    invalid: str | None,
) -> Wish:
    target = draw(statuses)
    kind = draw(kinds)
    content = draw(st.sampled_from(WISH_CONTENTS[kind]))
    if invalid == "wish.content_required":
        content = draw(st.sampled_from(("", " ", "\u3000", "  \n")))
    collected = draw(st.dates(min_date, max_date))
    wish = Wish(
        id=draw(id_strategy),
        beneficiary_id=draw(beneficiary_strategy),
        kind=kind,
        content=content,
        collected_on=collected,
        value=draw(_wish_value(kind, policy, invalid)),
        evidence=draw(st.sampled_from(_EVIDENCE)),
    )
    if member_pool is None:
        member_pool = draw(st.lists(ids("m"), min_size=1, max_size=max_claims + 2, unique=True))
    pool = [("member", m) for m in member_pool] + [("supporter", s) for s in supporter_pool]
    clock = _Clock(draw, collected, max_date)
    resolved = (
        referrals
        and invalid is None
        and target in (WishStatus.FULFILLED, WishStatus.CANCELLED)
        and draw(st.booleans())
    )
    if target is WishStatus.REFERRED or resolved:
        wish = _refer(draw, wish, clock, pool, max_claims, policy)
        if target is WishStatus.REFERRED:
            return wish
        fulfilled = target is WishStatus.FULFILLED
        outcome = (
            draw(st.sampled_from(_OUTCOMES)) if not fulfilled else draw(st.sampled_from(("", *_OUTCOMES)))
        )
        return wish.resolve_referral(on=clock.next(), fulfilled=fulfilled, outcome=outcome)
    if target is WishStatus.CANCELLED:
        sources = [WishStatus.COLLECTED]
        if invalid is None:
            sources += [WishStatus.SCREENED, WishStatus.PUBLISHED, WishStatus.CLAIMED]
        wish = _reach(draw, wish, draw(st.sampled_from(sources)), clock, pool, max_claims, policy)
        return wish.cancel(clock.next(), draw(st.sampled_from(REASONS)))
    return _reach(draw, wish, target, clock, pool, max_claims, policy)


def _refer(
    draw: st.DrawFn, wish: Wish, clock: _Clock, pool: list[_Claimant], max_claims: int, policy: Policy
) -> Wish:
    """Refer a COLLECTED wish from COLLECTED, SCREENED or PUBLISHED (claims taken and withdrawn on the way)."""
    source = draw(st.sampled_from((WishStatus.COLLECTED, WishStatus.SCREENED, WishStatus.PUBLISHED)))
    wish = _reach(draw, wish, source, clock, pool, max_claims, policy)
    return wish.refer(
        to=draw(st.sampled_from(_DEPARTMENTS)),
        on=clock.next(),
        reason=draw(st.sampled_from(_REFERRAL_REASONS)),
    )


def _claim_by(wish: Wish, claimant: _Claimant, on: date, pledged: Yuan | None, policy: Policy) -> Wish:
    kind, ident = claimant
    if kind == "member":
        return wish.claim(ident, on, pledged, policy)
    return wish.claim(supporter_id=ident, on=on, pledged=pledged, policy=policy)


def _withdraw_by(wish: Wish, claimant: _Claimant, on: date) -> Wish:
    kind, ident = claimant
    if kind == "member":
        return wish.withdraw_claim(ident, on)
    return wish.withdraw_claim(supporter_id=ident, on=on)


def _reach(
    draw: st.DrawFn,
    wish: Wish,
    target: WishStatus,
    clock: _Clock,
    pool: list[_Claimant],
    max_claims: int,
    policy: Policy,
) -> Wish:
    """Move a COLLECTED wish to ``target`` (not CANCELLED nor REFERRED) through the real transitions."""
    if target is WishStatus.COLLECTED:
        return wish
    if target is WishStatus.REJECTED:
        return wish.screen(False, clock.next(), reason=draw(st.sampled_from(REASONS)), policy=policy)
    wish = wish.screen(True, clock.next(), policy=policy)
    if target is WishStatus.SCREENED:
        return wish
    wish = wish.publish(clock.next(), policy=policy)
    # claims taken and withdrawn again: PUBLISHED → CLAIMED → PUBLISHED
    for _ in range(draw(st.integers(0, 2 if target is WishStatus.PUBLISHED else 1))):
        claimant = draw(st.sampled_from(pool))
        wish = _claim_by(wish, claimant, clock.next(), _partial(draw, wish), policy)
        wish = _withdraw_by(wish, claimant, clock.next())
    if target is WishStatus.PUBLISHED:
        return wish
    full = wish.kind is WishKind.MATERIAL if target is WishStatus.FULFILLED else draw(st.booleans())
    most = min(max_claims, len(pool))
    if wish.value is not None:
        most = min(most, wish.value.fen)  # every claim pledges at least one fen
    count = draw(st.integers(1, most))
    claimants = draw(st.permutations(pool))[:count]
    for index, claimant in enumerate(claimants):
        remaining = wish.remaining
        pledged: Yuan | None = None
        if remaining is not None:
            still = count - 1 - index  # claims still to come after this one
            if full and still == 0:
                pledged = None  # Wish.claim pledges all that remains
            else:
                upper = remaining.fen - still if full else remaining.fen
                if upper < 1:
                    break
                pledged = Yuan.from_fen(draw(st.integers(1, upper)))
        wish = _claim_by(wish, claimant, clock.next(), pledged, policy)
    if target is WishStatus.CLAIMED:
        live = [c.claimant for c in wish.live_claims]
        for claimant in live[: draw(st.integers(0, len(live) - 1))]:
            wish = _withdraw_by(wish, claimant, clock.next())
        return wish
    return wish.fulfil(clock.next())


def _partial(draw: st.DrawFn, wish: Wish) -> Yuan | None:
    remaining = wish.remaining
    if remaining is None:
        return None
    return Yuan.from_fen(draw(st.integers(1, remaining.fen)))
