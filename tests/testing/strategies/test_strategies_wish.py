"""Tests of volunteer_core.testing.strategies.wish: wishes in every state, rule-breaking switches, claims."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import find, given
from strategies_support import FIRST_FOUND, codes, rebuilt

import volunteer_core as vc
from volunteer_core.testing import strategies as vcst


def check_wish_consistency(wish: vc.Wish) -> None:
    assert rebuilt(wish) == wish
    live = wish.live_claims
    assert len({c.member_id for c in live}) == len(live)
    if wish.value is not None:
        assert wish.pledged_total <= wish.value
        assert all(c.pledged is not None for c in wish.claims)
    else:
        assert all(c.pledged is None for c in wish.claims)
    if wish.status is vc.WishStatus.CLAIMED:
        assert live
    if wish.status in (vc.WishStatus.PUBLISHED, vc.WishStatus.CANCELLED):
        assert not live
    if wish.status is vc.WishStatus.FULFILLED:
        assert live
        assert wish.fulfilled_on is not None
        if wish.kind is vc.WishKind.MATERIAL:
            assert wish.pledged_total == wish.value
    if wish.status in (vc.WishStatus.COLLECTED, vc.WishStatus.SCREENED, vc.WishStatus.REJECTED):
        assert wish.claims == ()


@given(vcst.wishes())
def test_wishes_are_valid_by_default(wish: vc.Wish) -> None:
    assert vc.validate_wish(wish) == []
    check_wish_consistency(wish)
    assert vcst.DATE_MIN <= wish.collected_on <= vcst.DATE_MAX


@pytest.mark.parametrize("status", list(vc.WishStatus))
def test_wishes_of_every_status(status: vc.WishStatus) -> None:
    @given(vcst.wishes(status=status))
    def check(wish: vc.Wish) -> None:
        assert wish.status is status
        assert vc.validate_wish(wish) == []
        check_wish_consistency(wish)

    check()


@given(vcst.wishes(status=vc.WishStatus.PUBLISHED, member_ids=["m-1", "m-2"]))
def test_published_wishes_take_claims(wish: vc.Wish) -> None:
    claimed = wish.claim("m-1", wish.published_on or wish.collected_on)
    assert claimed.status is vc.WishStatus.CLAIMED


@given(vcst.wishes(status=vc.WishStatus.CLAIMED, member_ids=["m-1", "m-2", "m-3"]))
def test_claimed_wishes_continue_their_lifecycle(wish: vc.Wish) -> None:
    assert {c.member_id for c in wish.claims} <= {"m-1", "m-2", "m-3"}
    last = max(
        d
        for d in (
            wish.published_on,
            *(c.claimed_on for c in wish.claims),
            *(c.withdrawn_on for c in wish.claims),
        )
        if d
    )
    assert wish.cancel(last, "测试").status is vc.WishStatus.CANCELLED
    member = wish.live_claims[0].member_id
    withdrawn = wish.withdraw_claim(member, last)
    assert withdrawn.status in (vc.WishStatus.CLAIMED, vc.WishStatus.PUBLISHED)


def test_wishes_cover_one_to_one_and_many_to_one() -> None:
    fulfilled = vcst.wishes(status=vc.WishStatus.FULFILLED)
    one = find(fulfilled, lambda w: len(w.live_claims) == 1, settings=FIRST_FOUND)
    many = find(fulfilled, lambda w: len(w.live_claims) >= 2, settings=FIRST_FOUND)
    withdrawn = find(
        vcst.wishes(status=vc.WishStatus.PUBLISHED), lambda w: len(w.claims) >= 1, settings=FIRST_FOUND
    )
    assert len(one.live_claims) == 1
    assert len(many.live_claims) >= 2
    assert all(c.withdrawn_on is not None for c in withdrawn.claims)


@given(
    vcst.wishes(
        kind=vc.WishKind.MATERIAL, max_claims=1, min_date=date(2026, 1, 1), max_date=date(2026, 12, 31)
    )
)
def test_wishes_narrowed(wish: vc.Wish) -> None:
    assert wish.kind is vc.WishKind.MATERIAL
    assert wish.value is not None
    assert wish.value <= vc.Yuan(300)
    assert len(wish.live_claims) <= 1
    assert wish.collected_on.year == 2026
    for day in (wish.screened_on, wish.published_on, wish.fulfilled_on, wish.cancelled_on):
        assert day is None or day.year == 2026


@pytest.mark.parametrize("rule", vcst.WISH_INVALID)
def test_wishes_breaking_one_rule(rule: str) -> None:
    @given(vcst.wishes(invalid=rule))
    def check(wish: vc.Wish) -> None:
        assert codes(vc.validate_wish(wish)) == [rule]
        assert wish.status in (vc.WishStatus.COLLECTED, vc.WishStatus.REJECTED, vc.WishStatus.CANCELLED)
        rebuilt(wish)

    check()


@given(vcst.wishes(invalid="wish.value_cap"))
def test_value_cap_breaking_wishes_exceed_the_cap(wish: vc.Wish) -> None:
    assert wish.value is not None
    assert wish.value >= vc.Yuan("300.01")


@given(vcst.wishes(invalid="wish.value_cap", status=vc.WishStatus.COLLECTED))
def test_invalid_wishes_are_refused_by_screening(wish: vc.Wish) -> None:
    with pytest.raises(vc.RuleViolation, match=r"wish\.value_cap"):
        wish.screen(True, wish.collected_on)


def test_unknown_invalid_switches_list_the_known_ones() -> None:
    with pytest.raises(ValueError, match=r"wish\.value_cap") as info:
        vcst.wishes(invalid="wish.nonsense")
    assert all(code in str(info.value) for code in vcst.WISH_INVALID)
    with pytest.raises(ValueError, match=r"member\.skill"):
        vcst.members(invalid="member.nonsense")
    with pytest.raises(ValueError, match=r"activity\.festival_window"):
        vcst.activities(invalid="nonsense")


def test_invalid_wishes_cannot_be_published() -> None:
    with pytest.raises(ValueError, match="COLLECTED"):
        vcst.wishes(invalid="wish.value_cap", status=vc.WishStatus.PUBLISHED)
    with pytest.raises(ValueError, match="MATERIAL"):
        vcst.wishes(invalid="wish.value_required", kind=vc.WishKind.SERVICE)


@given(vcst.claims())
def test_claims(claim: vc.Claim) -> None:
    assert rebuilt(claim) == claim
    assert not (claim.withdrawn_on and claim.fulfilled_on)
