"""The wish lifecycle of domain.md (``wish.transition``, ``wish.claim_total``) and api.md's Wish section:
pure transitions that return a new ``Wish`` or raise ``RuleViolation``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import attrs
import pytest

from volunteer_core import (
    InvalidInput,
    RuleViolation,
    Severity,
    Wish,
    WishKind,
    WishStatus,
    Yuan,
    policies,
)

D = date
COLLECTED_ON = D(2026, 5, 1)
SCREENED_ON = D(2026, 5, 3)
PUBLISHED_ON = D(2026, 5, 5)
CLAIMED_ON = D(2026, 5, 6)
FULFILLED_ON = D(2026, 5, 20)
LOW_CAP = attrs.evolve(policies.DEFAULT, name="LOW_CAP", wish_value_cap=Yuan(200))


def collected(value: str | None = "300.00", kind: str = "material", **changes: Any) -> Wish:
    return Wish(
        id="w1",
        beneficiary_id="p1",
        kind=kind,
        content="一台电饭煲",
        collected_on=COLLECTED_ON,
        value=value,
        **changes,
    )


def screened(value: str | None = "300.00", kind: str = "material") -> Wish:
    return collected(value, kind).screen(True, SCREENED_ON)


def published(value: str | None = "300.00", kind: str = "material") -> Wish:
    return screened(value, kind).publish(PUBLISHED_ON)


def claimed(value: str | None = "300.00", kind: str = "material") -> Wish:
    return published(value, kind).claim("m1", CLAIMED_ON)


def rejected() -> Wish:
    return collected().screen(False, SCREENED_ON, reason="不符合条件")


def fulfilled() -> Wish:
    return claimed().fulfil(FULFILLED_ON)


def cancelled() -> Wish:
    return published().cancel(D(2026, 5, 10), "受益人已搬离")


STATES: dict[WishStatus, Callable[[], Wish]] = {
    WishStatus.COLLECTED: collected,
    WishStatus.SCREENED: screened,
    WishStatus.REJECTED: rejected,
    WishStatus.PUBLISHED: published,
    WishStatus.CLAIMED: claimed,
    WishStatus.FULFILLED: fulfilled,
    WishStatus.CANCELLED: cancelled,
}

LATER = D(2026, 6, 1)


def refused(action: Callable[[], object], code: str) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        action()
    err = caught.value
    assert err.violation.code == code
    assert str(err).startswith(code)
    assert err.violation.subject_id == "w1"
    assert err.violation.severity is Severity.ERROR
    return err


# ---------------------------------------------------------------------------------------------------------
# the states themselves


@pytest.mark.parametrize("status", list(STATES))
def test_fixtures_reach_every_status(status: WishStatus) -> None:
    assert STATES[status]().status is status


# ---------------------------------------------------------------------------------------------------------
# allowed moves


def test_collected_screened_published_claimed_fulfilled() -> None:
    wish = collected()
    assert wish.status is WishStatus.COLLECTED
    wish = wish.screen(True, SCREENED_ON)
    assert wish.status is WishStatus.SCREENED
    assert wish.screened_on == SCREENED_ON
    wish = wish.publish(PUBLISHED_ON)
    assert wish.status is WishStatus.PUBLISHED
    assert wish.published_on == PUBLISHED_ON
    wish = wish.claim("m1", CLAIMED_ON)
    assert wish.status is WishStatus.CLAIMED
    assert len(wish.claims) == 1
    assert wish.claims[0].member_id == "m1"
    assert wish.claims[0].claimed_on == CLAIMED_ON
    wish = wish.fulfil(FULFILLED_ON)
    assert wish.status is WishStatus.FULFILLED
    assert wish.fulfilled_on == FULFILLED_ON


def test_transitions_are_pure() -> None:
    original = collected()
    screened_wish = original.screen(True, SCREENED_ON)
    assert original.status is WishStatus.COLLECTED
    assert original.screened_on is None
    assert screened_wish is not original
    publ = screened_wish.publish(PUBLISHED_ON)
    publ.claim("m1", CLAIMED_ON)
    assert publ.status is WishStatus.PUBLISHED
    assert publ.claims == ()


def test_screen_rejected_with_a_reason() -> None:
    wish = collected().screen(False, SCREENED_ON, reason="超过300元")
    assert wish.status is WishStatus.REJECTED
    assert wish.reason == "超过300元"


@pytest.mark.parametrize("reason", ["", "   "])
def test_screen_rejection_without_a_reason_is_refused(reason: str) -> None:
    refused(lambda: collected().screen(False, SCREENED_ON, reason=reason), "wish.transition")


def test_screen_rejection_without_reason_argument_is_refused() -> None:
    refused(lambda: collected().screen(False, SCREENED_ON), "wish.transition")


def test_screen_approval_refuses_a_wish_over_the_cap() -> None:
    refused(lambda: collected("300.01").screen(True, SCREENED_ON), "wish.value_cap")


def test_screen_approval_accepts_the_cap_itself() -> None:
    assert collected("300.00").screen(True, SCREENED_ON).status is WishStatus.SCREENED


def test_wish_over_the_cap_may_still_be_rejected() -> None:
    assert collected("300.01").screen(False, SCREENED_ON, reason="超过300元").status is WishStatus.REJECTED


@pytest.mark.parametrize(
    "status", [WishStatus.COLLECTED, WishStatus.SCREENED, WishStatus.PUBLISHED, WishStatus.CLAIMED]
)
def test_cancel_from_each_allowed_state(status: WishStatus) -> None:
    wish = STATES[status]()
    done = wish.cancel(LATER, "受益人已搬离")
    assert done.status is WishStatus.CANCELLED
    assert done.cancelled_on == LATER
    assert done.reason == "受益人已搬离"


def test_cancel_a_claimed_wish_ends_its_live_claims() -> None:
    done = claimed().cancel(LATER, "受益人已搬离")
    assert done.status is WishStatus.CANCELLED
    assert done.pledged_total == Yuan(0)
    assert all(not c.is_live for c in done.claims)


@pytest.mark.parametrize("status", [WishStatus.REJECTED, WishStatus.FULFILLED, WishStatus.CANCELLED])
def test_cancel_refused_from_final_states(status: WishStatus) -> None:
    wish = STATES[status]()
    refused(lambda: wish.cancel(LATER, "再取消"), "wish.transition")


# ---------------------------------------------------------------------------------------------------------
# refused moves


REFUSED_MOVES: list[tuple[WishStatus, str, Callable[[Wish], object]]] = [
    (WishStatus.COLLECTED, "publish", lambda w: w.publish(LATER)),
    (WishStatus.COLLECTED, "claim", lambda w: w.claim("m9", LATER)),
    (WishStatus.COLLECTED, "fulfil", lambda w: w.fulfil(LATER)),
    (WishStatus.COLLECTED, "withdraw", lambda w: w.withdraw_claim("m1", LATER)),
    (WishStatus.SCREENED, "screen", lambda w: w.screen(True, LATER)),
    (WishStatus.SCREENED, "claim", lambda w: w.claim("m9", LATER)),
    (WishStatus.SCREENED, "fulfil", lambda w: w.fulfil(LATER)),
    (WishStatus.PUBLISHED, "screen", lambda w: w.screen(True, LATER)),
    (WishStatus.PUBLISHED, "publish", lambda w: w.publish(LATER)),
    (WishStatus.PUBLISHED, "fulfil", lambda w: w.fulfil(LATER)),
    (WishStatus.PUBLISHED, "withdraw", lambda w: w.withdraw_claim("m1", LATER)),
    (WishStatus.CLAIMED, "screen", lambda w: w.screen(True, LATER)),
    (WishStatus.CLAIMED, "publish", lambda w: w.publish(LATER)),
    (WishStatus.REJECTED, "screen", lambda w: w.screen(True, LATER)),
    (WishStatus.REJECTED, "publish", lambda w: w.publish(LATER)),
    (WishStatus.REJECTED, "claim", lambda w: w.claim("m9", LATER)),
    (WishStatus.REJECTED, "fulfil", lambda w: w.fulfil(LATER)),
    (WishStatus.FULFILLED, "screen", lambda w: w.screen(True, LATER)),
    (WishStatus.FULFILLED, "publish", lambda w: w.publish(LATER)),
    (WishStatus.FULFILLED, "claim", lambda w: w.claim("m9", LATER)),
    (WishStatus.FULFILLED, "withdraw", lambda w: w.withdraw_claim("m1", LATER)),
    (WishStatus.FULFILLED, "fulfil", lambda w: w.fulfil(LATER)),
    (WishStatus.CANCELLED, "screen", lambda w: w.screen(True, LATER)),
    (WishStatus.CANCELLED, "publish", lambda w: w.publish(LATER)),
    (WishStatus.CANCELLED, "claim", lambda w: w.claim("m9", LATER)),
    (WishStatus.CANCELLED, "fulfil", lambda w: w.fulfil(LATER)),
]


@pytest.mark.parametrize(
    ("status", "move", "action"),
    REFUSED_MOVES,
    ids=[f"{s.value}-{m}" for s, m, _ in REFUSED_MOVES],
)
def test_refused_move(status: WishStatus, move: str, action: Callable[[Wish], object]) -> None:
    wish = STATES[status]()
    refused(lambda: action(wish), "wish.transition")


def test_refusal_leaves_the_wish_unchanged() -> None:
    wish = collected()
    with pytest.raises(RuleViolation):
        wish.publish(LATER)
    assert wish == collected()


# ---------------------------------------------------------------------------------------------------------
# claims: one-to-one, many-to-one, one-to-many


def test_one_to_one_claim_takes_the_whole_value() -> None:
    wish = published().claim("m1", CLAIMED_ON)
    assert wish.status is WishStatus.CLAIMED
    assert wish.pledged_total == Yuan(300)
    assert wish.remaining == Yuan(0)
    assert wish.claims[0].pledged == Yuan(300)


def test_many_to_one_three_pledges_of_one_hundred() -> None:
    wish = published()
    wish = wish.claim("m1", CLAIMED_ON, pledged="100")
    assert wish.status is WishStatus.CLAIMED
    assert wish.pledged_total == Yuan(100)
    assert wish.remaining == Yuan(200)
    wish = wish.claim("m2", CLAIMED_ON, pledged=Yuan(100))
    assert wish.status is WishStatus.CLAIMED
    assert wish.remaining == Yuan(100)
    wish = wish.claim("m3", CLAIMED_ON, pledged=100)
    assert wish.pledged_total == Yuan(300)
    assert wish.remaining == Yuan(0)
    assert [c.member_id for c in wish.claims] == ["m1", "m2", "m3"]
    refused(lambda: wish.claim("m4", CLAIMED_ON, pledged="100"), "wish.claim_total")
    refused(lambda: wish.claim("m4", CLAIMED_ON, pledged="0.01"), "wish.claim_total")
    refused(lambda: wish.claim("m4", CLAIMED_ON), "wish.claim_total")
    assert wish.fulfil(FULFILLED_ON).status is WishStatus.FULFILLED


def test_pledge_over_what_remains_is_refused() -> None:
    wish = published().claim("m1", CLAIMED_ON, pledged="200")
    refused(lambda: wish.claim("m2", CLAIMED_ON, pledged="100.01"), "wish.claim_total")
    assert wish.claim("m2", CLAIMED_ON, pledged="100.00").remaining == Yuan(0)


def test_single_pledge_over_the_value_is_refused() -> None:
    refused(lambda: published().claim("m1", CLAIMED_ON, pledged="300.01"), "wish.claim_total")


def test_claim_without_amount_takes_what_remains() -> None:
    wish = published().claim("m1", CLAIMED_ON, pledged="120").claim("m2", CLAIMED_ON)
    assert wish.claims[1].pledged == Yuan(180)
    assert wish.pledged_total == Yuan(300)


def test_one_to_many_one_member_claims_two_wishes() -> None:
    first = published()
    second = attrs.evolve(published("50.00"), id="w2")
    first = first.claim("m1", CLAIMED_ON)
    second = second.claim("m1", CLAIMED_ON)
    assert first.status is WishStatus.CLAIMED
    assert second.status is WishStatus.CLAIMED
    assert first.claims[0].member_id == second.claims[0].member_id == "m1"


def test_same_member_twice_is_refused() -> None:
    wish = published().claim("m1", CLAIMED_ON, pledged="100")
    refused(lambda: wish.claim("m1", CLAIMED_ON, pledged="100"), "wish.claim_total")


def test_same_member_twice_is_refused_on_a_wish_without_value() -> None:
    wish = published(None, "service").claim("m1", CLAIMED_ON)
    refused(lambda: wish.claim("m1", CLAIMED_ON), "wish.claim_total")


def test_member_may_claim_again_after_withdrawing() -> None:
    wish = published().claim("m1", CLAIMED_ON, pledged="100").withdraw_claim("m1", D(2026, 5, 7))
    wish = wish.claim("m1", D(2026, 5, 8), pledged="300")
    assert wish.status is WishStatus.CLAIMED
    assert wish.pledged_total == Yuan(300)
    assert len(wish.live_claims) == 1


def test_wish_without_value_takes_any_number_of_claims() -> None:
    wish = published(None, "service")
    for n in range(1, 6):
        wish = wish.claim(f"m{n}", CLAIMED_ON)
    assert wish.status is WishStatus.CLAIMED
    assert len(wish.claims) == 5
    assert wish.remaining is None
    assert wish.pledged_total == Yuan(0)


# ---------------------------------------------------------------------------------------------------------
# withdraw


def test_withdraw_last_claim_returns_to_published() -> None:
    wish = claimed().withdraw_claim("m1", D(2026, 5, 7))
    assert wish.status is WishStatus.PUBLISHED
    assert wish.pledged_total == Yuan(0)
    assert wish.remaining == Yuan(300)
    assert len(wish.claims) == 1
    assert wish.claims[0].withdrawn_on == D(2026, 5, 7)
    assert not wish.claims[0].is_live


def test_withdraw_one_of_two_claims_stays_claimed() -> None:
    wish = published().claim("m1", CLAIMED_ON, pledged="100").claim("m2", CLAIMED_ON, pledged="50")
    wish = wish.withdraw_claim("m1", D(2026, 5, 7))
    assert wish.status is WishStatus.CLAIMED
    assert wish.pledged_total == Yuan(50)
    assert wish.remaining == Yuan(250)
    wish = wish.withdraw_claim("m2", D(2026, 5, 8))
    assert wish.status is WishStatus.PUBLISHED
    assert wish.remaining == Yuan(300)


def test_withdrawn_wish_can_be_claimed_again() -> None:
    wish = claimed().withdraw_claim("m1", D(2026, 5, 7)).claim("m2", D(2026, 5, 8))
    assert wish.status is WishStatus.CLAIMED
    assert wish.pledged_total == Yuan(300)


def test_withdraw_of_a_member_without_a_live_claim_is_refused() -> None:
    wish = claimed()
    with pytest.raises(RuleViolation) as caught:
        wish.withdraw_claim("m2", D(2026, 5, 7))
    assert str(caught.value).startswith(caught.value.violation.code)


# ---------------------------------------------------------------------------------------------------------
# fulfil


def test_fulfil_needs_a_live_claim() -> None:
    # claimed then withdrawn: back to PUBLISHED, no live claim
    wish = claimed().withdraw_claim("m1", D(2026, 5, 7))
    refused(lambda: wish.fulfil(FULFILLED_ON), "wish.transition")


def test_fulfil_on_the_latest_claim_date_is_fine() -> None:
    wish = published().claim("m1", CLAIMED_ON, pledged="100").claim("m2", D(2026, 5, 9), pledged="200")
    assert wish.fulfil(D(2026, 5, 9)).status is WishStatus.FULFILLED


def test_fulfil_before_the_latest_claim_date_is_refused() -> None:
    wish = published().claim("m1", CLAIMED_ON, pledged="100").claim("m2", D(2026, 5, 9), pledged="200")
    refused(lambda: wish.fulfil(D(2026, 5, 8)), "wish.transition")


def test_fulfil_material_needs_pledged_total_equal_to_value() -> None:
    wish = published().claim("m1", CLAIMED_ON, pledged="100").claim("m2", CLAIMED_ON, pledged="199.99")
    assert wish.pledged_total == Yuan("299.99")
    refused(lambda: wish.fulfil(FULFILLED_ON), "wish.transition")
    topped = wish.claim("m3", CLAIMED_ON, pledged="0.01")
    assert topped.fulfil(FULFILLED_ON).status is WishStatus.FULFILLED


def test_fulfil_after_a_withdrawal_leaves_a_gap_is_refused() -> None:
    wish = published().claim("m1", CLAIMED_ON, pledged="100").claim("m2", CLAIMED_ON, pledged="200")
    wish = wish.withdraw_claim("m1", D(2026, 5, 7))
    refused(lambda: wish.fulfil(FULFILLED_ON), "wish.transition")


@pytest.mark.parametrize("kind", ["service", "cultural", "policy"])
def test_fulfil_non_material_without_value(kind: str) -> None:
    wish = claimed(None, kind)
    done = wish.fulfil(FULFILLED_ON)
    assert done.status is WishStatus.FULFILLED
    assert done.fulfilled_on == FULFILLED_ON


# ---------------------------------------------------------------------------------------------------------
# the policy's cap: publish re-checks it, claim bounds the total by it


def test_publish_rechecks_the_cap_of_the_policy() -> None:
    wish = screened("250.00")
    refused(lambda: wish.publish(PUBLISHED_ON, policy=LOW_CAP), "wish.value_cap")
    assert wish.publish(PUBLISHED_ON).status is WishStatus.PUBLISHED
    assert screened("200.00").publish(PUBLISHED_ON, policy=LOW_CAP).status is WishStatus.PUBLISHED


def test_publish_refuses_a_wish_over_the_default_cap() -> None:
    over = collected("300.01", status="screened", screened_on=SCREENED_ON)
    refused(lambda: over.publish(PUBLISHED_ON), "wish.value_cap")


def test_claim_uses_the_cap_of_the_policy() -> None:
    wish = published("300.00")
    with pytest.raises(RuleViolation) as caught:
        wish.claim("m1", CLAIMED_ON, policy=LOW_CAP)
    # The doc says "the policy's cap bounds the total": either rule code names that breach.
    assert caught.value.violation.code in ("wish.value_cap", "wish.claim_total")
    assert str(caught.value).startswith(caught.value.violation.code)
    part = wish.claim("m1", CLAIMED_ON, pledged="150", policy=LOW_CAP)
    with pytest.raises(RuleViolation):
        part.claim("m2", CLAIMED_ON, pledged="50.01", policy=LOW_CAP)
    assert part.claim("m2", CLAIMED_ON, pledged="50", policy=LOW_CAP).pledged_total == Yuan(200)


def test_claim_takes_the_policy_positionally() -> None:
    wish = published("300.00")
    with pytest.raises(RuleViolation):
        wish.claim("m1", CLAIMED_ON, None, LOW_CAP)
    assert wish.claim("m1", CLAIMED_ON, None, policies.DEFAULT).status is WishStatus.CLAIMED


# ---------------------------------------------------------------------------------------------------------
# derived values


def test_pledged_total_counts_only_live_claims() -> None:
    wish = published().claim("m1", CLAIMED_ON, pledged="100").claim("m2", CLAIMED_ON, pledged="20.50")
    assert wish.pledged_total == Yuan("120.50")
    assert isinstance(wish.pledged_total, Yuan)
    wish = wish.withdraw_claim("m2", D(2026, 5, 7))
    assert wish.pledged_total == Yuan(100)


def test_pledged_total_of_a_wish_without_claims_is_zero() -> None:
    assert collected().pledged_total == Yuan(0)


def test_remaining() -> None:
    assert collected().remaining == Yuan(300)
    assert published().claim("m1", CLAIMED_ON, pledged="0.01").remaining == Yuan("299.99")


@pytest.mark.parametrize("kind", ["service", "cultural", "policy", "material"])
def test_remaining_is_none_without_value(kind: str) -> None:
    assert collected(None, kind).remaining is None


def test_claim_live_while_not_withdrawn() -> None:
    wish = published().claim("m1", CLAIMED_ON, pledged="100")
    assert wish.claims[0].is_live
    assert wish.claims[0].withdrawn_on is None


def test_wish_kind_and_value_types() -> None:
    wish = collected()
    assert wish.kind is WishKind.MATERIAL
    assert wish.value == Yuan(300)


def test_claim_on_must_be_a_date() -> None:
    with pytest.raises((InvalidInput, TypeError)):
        published().claim("m1", "2026-05-06")  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------------------
# Wish construction is structural only (collection records the need as stated)


def test_wish_over_the_cap_can_be_collected() -> None:
    wish = Wish(
        id="w1",
        beneficiary_id="p1",
        kind="material",
        content="轮椅",
        collected_on=D(2026, 5, 1),
        value="300.01",
    )
    assert wish.value == Yuan("300.01")
    assert wish.status is WishStatus.COLLECTED


def test_wish_value_float_is_refused() -> None:
    with pytest.raises(TypeError):
        Wish(
            id="w1",
            beneficiary_id="p1",
            kind="material",
            content="轮椅",
            collected_on=D(2026, 5, 1),
            value=1.5,
        )


def test_wish_value_sub_fen_names_the_field() -> None:
    with pytest.raises(InvalidInput) as caught:
        Wish(
            id="w1",
            beneficiary_id="p1",
            kind="material",
            content="轮椅",
            collected_on=D(2026, 5, 1),
            value="1.001",
        )
    assert caught.value.path == "value"


def test_a_subclass_of_wish_is_judged_by_the_wish_rules() -> None:
    """The model reaches the wish validator through the catalogue, along the class hierarchy."""

    @attrs.frozen(kw_only=True)
    class TaggedWish(Wish):
        tag: str = ""

    over = TaggedWish(
        id="w1",
        beneficiary_id="p1",
        kind="material",
        content="轮椅",
        collected_on=date(2026, 5, 1),
        value="300.01",
    )
    with pytest.raises(RuleViolation) as caught:
        over.screen(True, date(2026, 5, 2))
    assert caught.value.violation.code == "wish.value_cap"
    assert attrs.evolve(over, value="300.00").screen(True, date(2026, 5, 2)).status is WishStatus.SCREENED
