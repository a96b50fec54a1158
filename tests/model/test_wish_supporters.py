"""Claims by supporters (社区志愿者、爱心人士、社会组织, 004 §四) on the pure transitions: ``Wish.claim`` and
``Wish.withdraw_claim`` with ``supporter_id=``; the value, the cap and "one live claim per claimant" treat
members and supporters alike."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import Claim, InvalidInput, RuleViolation, Wish, WishStatus, Yuan, policies, validate_wish

COLLECTED_ON = date(2026, 5, 1)
PUBLISHED_ON = date(2026, 5, 5)
CLAIMED_ON = date(2026, 5, 6)
LOW_CAP = attrs.evolve(policies.DEFAULT, name="LOW_CAP", wish_value_cap=Yuan(200))


def published(value: str | None = "300.00", kind: str = "material") -> Wish:
    wish = Wish(
        id="w1",
        beneficiary_id="p1",
        kind=kind,
        content="一台电饭煲",
        collected_on=COLLECTED_ON,
        value=value,
    )
    return wish.screen(True, date(2026, 5, 3)).publish(PUBLISHED_ON)


def refused(action: Any, code: str) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        action()
    assert caught.value.code == code
    assert caught.value.violation.subject_id == "w1"
    return caught.value


def test_a_supporter_and_a_member_fill_a_300_yuan_wish_and_a_third_is_refused() -> None:
    wish = published().claim(supporter_id="s1", on=CLAIMED_ON, pledged="150")
    wish = wish.claim("m1", CLAIMED_ON, "150")
    assert (wish.status, wish.pledged_total, wish.remaining) == (WishStatus.CLAIMED, Yuan(300), Yuan(0))
    assert [c.claimant for c in wish.claims] == [("supporter", "s1"), ("member", "m1")]
    assert (wish.claims[0].member_id, wish.claims[0].supporter_id) == (None, "s1")
    err = refused(lambda: wish.claim("m2", CLAIMED_ON, "0.01"), "wish.claim_total")
    assert err.violation.details["remaining"] == "0.00"
    refused(lambda: wish.claim(supporter_id="s2", on=CLAIMED_ON), "wish.claim_total")
    assert wish.fulfil(date(2026, 5, 20)).status is WishStatus.FULFILLED


def test_a_supporter_pledges_all_that_remains_by_default_and_exactly_to_the_fen() -> None:
    wish = published().claim("m1", CLAIMED_ON, "149.99")
    with pytest.raises(RuleViolation):
        wish.claim(supporter_id="s1", on=CLAIMED_ON, pledged="150.02")
    assert wish.claim(supporter_id="s1", on=CLAIMED_ON, pledged="150.01").remaining == Yuan(0)
    assert wish.claim(supporter_id="s1", on=CLAIMED_ON).claims[-1].pledged == Yuan("150.01")


def test_a_supporter_holds_one_live_claim_per_wish() -> None:
    wish = published(None, "service").claim(supporter_id="s1", on=CLAIMED_ON)
    err = refused(lambda: wish.claim(supporter_id="s1", on=CLAIMED_ON), "wish.claim_total")
    assert err.violation.details["supporter_id"] == "s1"
    assert "社会认领人 s1" in err.violation.message_zh


def test_a_member_and_a_supporter_with_one_id_are_two_claimants() -> None:
    wish = published(None, "service").claim("x1", CLAIMED_ON).claim(supporter_id="x1", on=CLAIMED_ON)
    assert [c.claimant for c in wish.live_claims] == [("member", "x1"), ("supporter", "x1")]
    assert validate_wish(wish) == []
    # withdrawing one leaves the other
    after = wish.withdraw_claim(supporter_id="x1", on=CLAIMED_ON)
    assert [c.claimant for c in after.live_claims] == [("member", "x1")]
    after = wish.withdraw_claim("x1", CLAIMED_ON)
    assert [c.claimant for c in after.live_claims] == [("supporter", "x1")]


def test_a_supporter_claims_again_after_withdrawing() -> None:
    wish = published().claim(supporter_id="s1", on=CLAIMED_ON, pledged="100")
    withdrawn = wish.withdraw_claim(supporter_id="s1", on=date(2026, 5, 7))
    assert (withdrawn.status, withdrawn.pledged_total) == (WishStatus.PUBLISHED, Yuan(0))
    again = withdrawn.claim(supporter_id="s1", on=date(2026, 5, 8))
    assert (again.status, again.pledged_total, len(again.claims)) == (WishStatus.CLAIMED, Yuan(300), 2)


def test_withdrawing_a_supporter_without_a_live_claim_is_refused() -> None:
    wish = published().claim("s1", CLAIMED_ON, "100")  # a member whose id is s1
    err = refused(lambda: wish.withdraw_claim(supporter_id="s1", on=CLAIMED_ON), "wish.transition")
    assert err.violation.details["supporter_id"] == "s1"
    refused(lambda: wish.withdraw_claim(supporter_id="s1", on=date(2026, 5, 5)), "wish.transition")


def test_withdrawing_before_the_claim_is_refused_on_the_claim_day_allowed() -> None:
    wish = published().claim(supporter_id="s1", on=CLAIMED_ON)
    refused(lambda: wish.withdraw_claim(supporter_id="s1", on=date(2026, 5, 5)), "wish.transition")
    assert wish.withdraw_claim(supporter_id="s1", on=CLAIMED_ON).status is WishStatus.PUBLISHED


def test_the_cap_bounds_supporters_pledges_too() -> None:
    wish = published("300").claim(supporter_id="s1", on=CLAIMED_ON, pledged="150", policy=LOW_CAP)
    err = refused(
        lambda: wish.claim("m1", CLAIMED_ON, "50.01", LOW_CAP),
        "wish.value_cap",
    )
    assert err.violation.details["pledged_total"] == "200.01"
    assert wish.claim("m1", CLAIMED_ON, "50.00", LOW_CAP).pledged_total == Yuan(200)


@pytest.mark.parametrize(
    ("member_id", "supporter_id", "path", "code"),
    [
        (None, None, "member_id", "input.required"),
        ("m1", "s1", "supporter_id", "input.invalid"),
        ("", None, "member_id", "input.required"),
        (None, "  ", "supporter_id", "input.required"),
        (None, 7, "supporter_id", "input.required"),
    ],
)
def test_a_claim_names_exactly_one_claimant(member_id: Any, supporter_id: Any, path: str, code: str) -> None:
    wish = published()
    actions: list[Callable[[], object]] = [
        lambda: wish.claim(member_id, CLAIMED_ON, supporter_id=supporter_id),
        lambda: wish.withdraw_claim(member_id, CLAIMED_ON, supporter_id=supporter_id),
        lambda: wish.claim("m1", CLAIMED_ON).withdraw_claim(member_id, CLAIMED_ON, supporter_id=supporter_id),
    ]
    for action in actions:
        with pytest.raises(InvalidInput) as caught:
            action()
        assert (caught.value.path, caught.value.code) == (path, code)


def test_the_claim_date_is_required_and_a_date() -> None:
    with pytest.raises(InvalidInput) as caught:
        published().claim(supporter_id="s1")
    assert (caught.value.path, caught.value.code) == ("on", "input.required")
    with pytest.raises(InvalidInput) as caught:
        published().claim(supporter_id="s1", on="2026-05-06")  # type: ignore[arg-type]
    assert (caught.value.path, caught.value.code) == ("on", "input.type")


def test_a_supporter_cannot_claim_before_publication_or_a_wish_not_published() -> None:
    refused(lambda: published().claim(supporter_id="s1", on=date(2026, 5, 4)), "wish.transition")
    assert published().claim(supporter_id="s1", on=PUBLISHED_ON).status is WishStatus.CLAIMED
    screened = Wish(
        id="w1", beneficiary_id="p1", kind="service", content="陪护", collected_on=COLLECTED_ON
    ).screen(True, COLLECTED_ON)
    refused(lambda: screened.claim(supporter_id="s1", on=CLAIMED_ON), "wish.transition")


def test_cancelling_ends_supporters_claims() -> None:
    wish = published().claim(supporter_id="s1", on=CLAIMED_ON, pledged="100").claim("m1", CLAIMED_ON)
    cancelled = wish.cancel(date(2026, 5, 9), "对象搬离")
    assert all(c.withdrawn_on == date(2026, 5, 9) for c in cancelled.claims)


def test_claim_total_rule_counts_repeats_per_kind_of_claimant() -> None:
    twice = [Claim(supporter_id="s1", claimed_on=CLAIMED_ON), Claim(supporter_id="s1", claimed_on=CLAIMED_ON)]
    members = [Claim(member_id="m1", claimed_on=CLAIMED_ON), Claim(member_id="m1", claimed_on=CLAIMED_ON)]
    wish = attrs.evolve(published(None, "service"), status="claimed", claims=[*twice, *members])
    found = [v.details for v in validate_wish(wish)]
    assert found == [{"member_ids": ["m1"]}, {"supporter_ids": ["s1"]}]
    single = attrs.evolve(wish, claims=[twice[0], members[0]])
    assert validate_wish(single) == []


CLAIMANTS = st.lists(
    st.tuples(
        st.sampled_from(["member", "supporter"]), st.sampled_from(["a", "b", "c"]), st.integers(1, 20_000)
    ),
    max_size=12,
)


@given(CLAIMANTS)
def test_mixed_claims_never_exceed_the_value_and_one_per_claimant(steps: list[tuple[str, str, int]]) -> None:
    """Any sequence of claims by members and supporters: what is accepted keeps the pledged total within
    the value, one live claim per (kind, id), and a refusal is a rule breach, never anything else."""
    wish = published()
    for kind, ident, fen in steps:
        member_id, supporter_id = (ident, None) if kind == "member" else (None, ident)
        remaining = wish.remaining
        assert remaining is not None
        held = (kind, ident) in {c.claimant for c in wish.live_claims}
        if held or fen > remaining.fen:
            with pytest.raises(RuleViolation, match=r"wish\.claim_total"):
                wish.claim(member_id, CLAIMED_ON, Yuan.from_fen(fen), supporter_id=supporter_id)
            continue
        wish = wish.claim(member_id, CLAIMED_ON, Yuan.from_fen(fen), supporter_id=supporter_id)
        assert wish.pledged_total.fen == sum(c.pledged.fen for c in wish.live_claims if c.pledged)
        assert wish.value is not None
        assert wish.pledged_total <= wish.value
        claimants = [c.claimant for c in wish.live_claims]
        assert len(claimants) == len(set(claimants))
    assert validate_wish(wish) == []
