"""Tests of volunteer_core.testing.strategies.wish for issue 17: claims by supporters (``supporter_ids=``)
and referrals (REFERRED, and FULFILLED / CANCELLED through a resolved referral with ``referrals=True``), all
reached through the real transitions."""

from __future__ import annotations

import pytest
from hypothesis import find, given
from strategies_support import FIRST_FOUND, rebuilt

import volunteer_core as vc
from volunteer_core.testing import strategies as vcst


@given(vcst.wishes(status=vc.WishStatus.REFERRED))
def test_referred_wishes_name_their_department_and_hold_no_live_claim(wish: vc.Wish) -> None:
    assert wish.status is vc.WishStatus.REFERRED
    assert wish.referred_to.strip()
    assert wish.referred_on is not None
    assert wish.reason.strip()
    assert wish.live_claims == ()
    assert wish.screened_on is not None
    assert wish.screened_on <= wish.referred_on
    assert wish.referral_outcome == ""
    assert vc.validate_wish(wish) == []
    assert rebuilt(wish) == wish


def test_referred_wishes_come_from_every_source() -> None:
    referred = vcst.wishes(status=vc.WishStatus.REFERRED)
    straight = find(referred, lambda w: w.screened_on == w.referred_on, settings=FIRST_FOUND)
    published = find(referred, lambda w: w.published_on is not None, settings=FIRST_FOUND)
    withdrawn = find(referred, lambda w: len(w.claims) > 0, settings=FIRST_FOUND)
    assert straight.published_on is None
    assert published.published_on is not None
    assert all(not c.is_live for c in withdrawn.claims)


@given(vcst.wishes(status=[vc.WishStatus.FULFILLED, vc.WishStatus.CANCELLED], referrals=True))
def test_resolved_referrals_are_whole(wish: vc.Wish) -> None:
    if wish.referred_on is None:
        assert wish.referred_to == ""
        return
    assert wish.live_claims == ()
    if wish.status is vc.WishStatus.CANCELLED:
        assert wish.referral_outcome.strip()
        assert wish.cancelled_on is not None
        assert wish.cancelled_on >= wish.referred_on
    else:
        assert wish.fulfilled_on is not None
        assert wish.fulfilled_on >= wish.referred_on
    assert rebuilt(wish) == wish


def test_resolved_referrals_only_when_asked() -> None:
    asked = vcst.wishes(status=vc.WishStatus.FULFILLED, referrals=True)
    assert find(asked, lambda w: w.referred_on is not None, settings=FIRST_FOUND).live_claims == ()

    @given(vcst.wishes(status=[vc.WishStatus.FULFILLED, vc.WishStatus.CANCELLED]))
    def by_default(wish: vc.Wish) -> None:
        assert wish.referred_on is None

    by_default()


@given(vcst.wishes(status=[vc.WishStatus.CLAIMED, vc.WishStatus.FULFILLED], supporter_ids=["s-1", "s-2"]))
def test_supporters_claim_alongside_members(wish: vc.Wish) -> None:
    live = [c.claimant for c in wish.live_claims]
    assert live
    assert len(live) == len(set(live))
    assert {ident for kind, ident in live if kind == "supporter"} <= {"s-1", "s-2"}
    if wish.value is not None:
        assert wish.pledged_total <= wish.value
    assert vc.validate_wish(wish) == []


def test_supporters_claims_are_drawn_only_when_asked() -> None:
    mixed = vcst.wishes(status=vc.WishStatus.CLAIMED, member_ids=["m-1"], supporter_ids=["s-1"])
    both = find(mixed, lambda w: len(w.live_claims) == 2, settings=FIRST_FOUND)
    assert {c.claimant for c in both.live_claims} == {("member", "m-1"), ("supporter", "s-1")}
    only = vcst.wishes(status=vc.WishStatus.FULFILLED, member_ids=[], supporter_ids=["s-1", "s-2"])
    assert {c.claimant[0] for c in find(only, lambda w: True, settings=FIRST_FOUND).claims} == {"supporter"}

    @given(vcst.wishes(status=vc.WishStatus.FULFILLED))
    def by_default(wish: vc.Wish) -> None:
        assert all(c.supporter_id is None for c in wish.claims)

    by_default()


def test_standalone_claims_by_supporters() -> None:
    claims = vcst.claims(member_id="m-1", supporter_ids=["s-1"])
    assert find(claims, lambda c: c.supporter_id is not None, settings=FIRST_FOUND).claimant == (
        "supporter",
        "s-1",
    )
    assert find(claims, lambda c: c.member_id is not None, settings=FIRST_FOUND).claimant == ("member", "m-1")

    @given(vcst.claims())
    def by_default(claim: vc.Claim) -> None:
        assert claim.supporter_id is None

    by_default()


def test_empty_pools_are_refused() -> None:
    with pytest.raises(ValueError, match="supporter_ids"):
        vcst.wishes(supporter_ids=[])
    with pytest.raises(ValueError, match="supporter_ids"):
        vcst.claims(supporter_ids=[])
    with pytest.raises(ValueError, match="member_ids"):
        vcst.wishes(member_ids=[])
