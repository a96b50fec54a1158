"""``wish.value_cap`` does not judge a referred wish (domain.md: a wish over the cap "may be referred
(refer_wish) instead of rejected"): the department it was referred to meets it, not members. A referred
wish — still REFERRED, or its referral resolved — is not flagged by ``validate_wish``, in the synthetic year
either; every other wish rule still judges it, and the cap still bounds what claimants pledge."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import Wish, WishStatus, Yuan, policies, validate_wish
from volunteer_core.errors import RuleViolation
from volunteer_core.rules import check_value_cap
from volunteer_core.synthetic import generate_year

COLLECTED = date(2026, 5, 1)
REFERRED = date(2026, 5, 3)


def wish(value: str | Yuan | None, kind: str = "material", content: str = "电动轮椅") -> Wish:
    return Wish(id="w1", beneficiary_id="p1", kind=kind, content=content, collected_on=COLLECTED, value=value)


def referred(value: str | Yuan | None, **kwargs: str) -> Wish:
    return wish(value, **kwargs).refer(to="区残联", on=REFERRED, reason="超过300元，党员力所不及")


def codes(w: Wish, policy: policies.Policy | None = None) -> list[str]:
    return [v.code for v in validate_wish(w, policy)]


@pytest.mark.parametrize("value", ["300.01", "2800.00", "1000000"])
def test_a_referred_wish_over_the_cap_is_not_flagged(value: str) -> None:
    assert codes(wish(value)) == ["wish.value_cap"]  # the same wish, not referred
    assert codes(referred(value)) == []


def test_the_cap_itself_and_one_fen_over_it_both_pass_once_referred() -> None:
    assert codes(referred("300.00")) == codes(referred("300.01")) == []


def test_a_resolved_referral_is_not_flagged_either_way() -> None:
    chair = referred("2800")
    fulfilled = chair.resolve_referral(on=date(2026, 6, 1), fulfilled=True, outcome="已配发")
    closed = chair.resolve_referral(on=date(2026, 6, 1), fulfilled=False, outcome="不符合条件")
    assert (fulfilled.status, closed.status) == (WishStatus.FULFILLED, WishStatus.CANCELLED)
    assert codes(fulfilled) == codes(closed) == []


def test_a_wish_over_the_cap_rejected_instead_of_referred_is_still_flagged() -> None:
    rejected = wish("2800").screen(False, REFERRED, reason="超过300元")
    assert rejected.status is WishStatus.REJECTED
    assert codes(rejected) == ["wish.value_cap"]


def test_only_the_cap_is_lifted_the_other_rules_still_judge_a_referred_wish() -> None:
    no_value = referred(None)
    assert codes(no_value) == ["wish.value_required"]
    zero = referred("0")
    assert codes(zero) == ["wish.value_required"]


def test_a_referred_wish_of_any_kind_is_not_flagged_under_any_cap() -> None:
    low = attrs.evolve(policies.DEFAULT, wish_value_cap=Yuan(200))
    books = referred("200.01", kind="cultural", content="一套课外读物")
    assert codes(wish("200.01", kind="cultural"), low) == ["wish.value_cap"]
    assert codes(books, low) == []


def test_the_cap_still_bounds_claims_and_a_referred_wish_takes_none() -> None:
    chair = referred("2800")
    with pytest.raises(RuleViolation) as caught:
        chair.claim("m1", date(2026, 5, 4))
    assert caught.value.code == "wish.transition"
    published = wish("300.00").screen(True, REFERRED).publish(REFERRED)
    over = attrs.evolve(policies.DEFAULT, wish_value_cap=Yuan(200))
    with pytest.raises(RuleViolation) as caught:
        published.claim("m1", date(2026, 5, 4), pledged="200.01", policy=over)
    assert caught.value.code == "wish.value_cap"


@given(
    fen=st.integers(1, 10**10),
    cap=st.integers(1, 10**6),
    days=st.integers(0, 400),
)
def test_the_cap_judges_exactly_the_wishes_not_referred(fen: int, cap: int, days: int) -> None:
    policy = attrs.evolve(policies.DEFAULT, wish_value_cap=Yuan.from_fen(cap))
    plain = wish(Yuan.from_fen(fen))
    assert bool(check_value_cap(plain, policy)) is (fen > cap)
    handed = plain.refer(to="区民政局", on=date.fromordinal(COLLECTED.toordinal() + days), reason="转介")
    assert check_value_cap(handed, policy) == []


def test_the_synthetic_years_referred_wishes_are_over_the_cap_and_not_flagged() -> None:
    world = generate_year(2026, members=20, branches=2, seed=3)
    cap = policies.DEFAULT.wish_value_cap
    assert cap is not None
    over = [w for w in world.wishes if w.referred_on is not None]
    assert len(over) == 2
    assert all(w.value is not None and w.value > cap for w in over)
    assert {w.status for w in over} == {WishStatus.REFERRED, WishStatus.FULFILLED}
    assert [v for w in over for v in validate_wish(w)] == []
    flagged = {v.subject_id for w in world.wishes for v in validate_wish(w) if v.code == "wish.value_cap"}
    assert flagged  # the year's wishes rejected over the cap, still judged
    assert {w.status for w in world.wishes if w.id in flagged} == {WishStatus.REJECTED}
