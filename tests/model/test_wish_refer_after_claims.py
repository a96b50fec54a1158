"""``Wish.refer`` is not dated before the wish's latest claim event: every claim's ``claimed_on`` and
``withdrawn_on`` count as steps, as the collection, screening and publication dates do (``fulfil`` is
likewise refused before the latest claim) — refused with ``wish.transition``. The use-case on every storage:
tests/services/test_wishes_refer_dates.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import RuleViolation, Wish, WishStatus

D = date
PUBLISHED_ON = D(2026, 5, 1)
DEPARTMENT = "城厢区民政局"
WHY = "党员力所不及"


def published() -> Wish:
    wish = Wish(id="w1", beneficiary_id="p1", kind="service", content="房屋修缮", collected_on=D(2026, 4, 20))
    return wish.screen(True, D(2026, 4, 25)).publish(PUBLISHED_ON)


def withdrawn(claimed: date, withdrawn_on: date, start: Wish | None = None) -> Wish:
    return (start or published()).claim("m1", claimed).withdraw_claim("m1", withdrawn_on)


def refer(wish: Wish, on: date) -> Wish:
    return wish.refer(to=DEPARTMENT, on=on, reason=WHY)


def refused_on(wish: Wish, on: date) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        refer(wish, on)
    assert (caught.value.code, caught.value.violation.subject_id) == ("wish.transition", "w1")
    return caught.value


def test_a_referral_before_a_withdrawn_claim_is_refused() -> None:
    wish = withdrawn(D(2026, 5, 10), D(2026, 5, 12))
    error = refused_on(wish, D(2026, 5, 5))  # after publication, before the claim
    assert error.violation.details["on"] == "2026-05-05"
    assert "2026-05-12" in error.violation.message_en


def test_a_referral_between_the_claim_and_its_withdrawal_is_refused() -> None:
    wish = withdrawn(D(2026, 5, 10), D(2026, 5, 12))
    refused_on(wish, D(2026, 5, 10))
    refused_on(wish, D(2026, 5, 11))


def test_a_referral_on_the_day_of_the_withdrawal_or_after_is_accepted() -> None:
    wish = withdrawn(D(2026, 5, 10), D(2026, 5, 12))
    assert refer(wish, D(2026, 5, 12)).status is WishStatus.REFERRED
    assert refer(wish, D(2026, 5, 13)).referred_on == D(2026, 5, 13)


def test_the_latest_event_of_any_claim_counts_not_the_last_claims() -> None:
    wish = published().claim("m1", D(2026, 5, 3)).claim(supporter_id="s1", on=D(2026, 5, 4))
    wish = wish.withdraw_claim(supporter_id="s1", on=D(2026, 5, 6)).withdraw_claim("m1", D(2026, 5, 20))
    assert wish.claims[-1].withdrawn_on == D(2026, 5, 6)  # the last claim ended first
    refused_on(wish, D(2026, 5, 19))
    assert refer(wish, D(2026, 5, 20)).referred_on == D(2026, 5, 20)


def test_without_claims_the_publication_still_bounds_the_referral() -> None:
    wish = published()
    refused_on(wish, PUBLISHED_ON - timedelta(days=1))
    assert refer(wish, PUBLISHED_ON).referred_on == PUBLISHED_ON


@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=4), st.integers(0, 150)
)
def test_a_referral_is_accepted_exactly_from_the_latest_claim_event(
    steps: list[tuple[int, int]], offset: int
) -> None:
    """Claims taken and withdrawn in turn, each after the last: a referral on ``day`` succeeds exactly
    when ``day`` is not before the latest of all of them (and of the publication)."""
    wish = published()
    day = PUBLISHED_ON
    for wait, held in steps:
        claimed = day + timedelta(days=wait)
        day = claimed + timedelta(days=held)
        wish = withdrawn(claimed, day, wish)
    on = PUBLISHED_ON + timedelta(days=offset)
    if on < day:
        refused_on(wish, on)
    else:
        assert refer(wish, on).referred_on == on
