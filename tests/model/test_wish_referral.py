"""Referral (转介) on the pure transitions: ``Wish.refer`` → REFERRED from COLLECTED, SCREENED or PUBLISHED;
``Wish.resolve_referral`` → FULFILLED, or CANCELLED with the reason; each refusal's rule code; the
construction invariants of a referred wish."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from volunteer_core import InvalidInput, RuleViolation, Wish, WishStatus

D = date
COLLECTED_ON = D(2026, 5, 1)
SCREENED_ON = D(2026, 5, 3)
PUBLISHED_ON = D(2026, 5, 5)
CLAIMED_ON = D(2026, 5, 6)
REFERRED_ON = D(2026, 5, 10)
DEPARTMENT = "城厢区民政局"
WHY = "超过300元，党员力所不及"


def collected(value: str | None = "2800.00", content: str = "一台电动轮椅") -> Wish:
    return Wish(
        id="w1",
        beneficiary_id="p1",
        kind="material",
        content=content,
        collected_on=COLLECTED_ON,
        value=value,
    )


def screened() -> Wish:
    return collected("300.00").screen(True, SCREENED_ON)


def published() -> Wish:
    return screened().publish(PUBLISHED_ON)


def claimed() -> Wish:
    return published().claim("m1", CLAIMED_ON)


def referred(source: Callable[[], Wish] = collected) -> Wish:
    return source().refer(to=DEPARTMENT, on=REFERRED_ON, reason=WHY)


def refused(action: Callable[[], object], code: str) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        action()
    assert caught.value.code == code
    assert caught.value.violation.subject_id == "w1"
    return caught.value


# -- refer ----------------------------------------------------------------------------------------------


def test_a_wish_over_the_cap_is_referred_instead_of_rejected() -> None:
    wish = collected()
    refused(lambda: wish.screen(True, SCREENED_ON), "wish.value_cap")
    done = wish.refer(to=DEPARTMENT, on=SCREENED_ON, reason=WHY)
    assert (done.status, done.referred_to, done.referred_on, done.reason, done.screened_on) == (
        WishStatus.REFERRED,
        DEPARTMENT,
        SCREENED_ON,
        WHY,
        SCREENED_ON,
    )
    assert not done.status.is_final
    assert wish.status is WishStatus.COLLECTED  # pure


@pytest.mark.parametrize("source", [screened, published], ids=["screened", "published"])
def test_a_screened_or_published_wish_is_referred_keeping_its_dates(source: Callable[[], Wish]) -> None:
    before = source()
    done = referred(source)
    assert done.status is WishStatus.REFERRED
    assert (done.screened_on, done.published_on) == (before.screened_on, before.published_on)


def test_a_published_wish_whose_claims_were_withdrawn_is_referred() -> None:
    wish = claimed().withdraw_claim("m1", D(2026, 5, 7))
    done = wish.refer(to=DEPARTMENT, on=D(2026, 5, 7), reason=WHY)
    assert done.status is WishStatus.REFERRED
    assert done.live_claims == ()
    assert len(done.claims) == 1


@pytest.mark.parametrize(
    "source",
    [
        claimed,
        lambda: collected().screen(False, SCREENED_ON, "超过300元"),
        lambda: claimed().fulfil(D(2026, 5, 20)),
        lambda: published().cancel(D(2026, 5, 8), "对象搬离"),
        referred,
    ],
    ids=["claimed", "rejected", "fulfilled", "cancelled", "referred"],
)
def test_refer_is_refused_from_other_states(source: Callable[[], Wish]) -> None:
    wish = source()
    err = refused(lambda: wish.refer(to=DEPARTMENT, on=D(2026, 6, 1), reason=WHY), "wish.transition")
    assert err.violation.details["move"] == "refer"


@pytest.mark.parametrize(
    ("to", "reason"), [("", WHY), ("  ", WHY), (DEPARTMENT, ""), (DEPARTMENT, "\u3000\n")]
)
def test_a_referral_names_the_department_and_why(to: str, reason: str) -> None:
    err = refused(lambda: collected().refer(to=to, on=REFERRED_ON, reason=reason), "wish.transition")
    assert "转介部门" in err.violation.message_zh


@pytest.mark.parametrize("field", ["to", "reason"])
def test_a_department_or_reason_that_is_not_text_is_invalid_input(field: str) -> None:
    arguments: dict[str, Any] = {"to": DEPARTMENT, "reason": WHY, field: None}
    with pytest.raises(InvalidInput) as caught:
        collected().refer(on=REFERRED_ON, **arguments)
    assert (caught.value.path, caught.value.code) == (field, "input.type")


@pytest.mark.parametrize(
    ("source", "last"),
    [(collected, COLLECTED_ON), (screened, SCREENED_ON), (published, PUBLISHED_ON)],
    ids=["collected", "screened", "published"],
)
def test_a_referral_is_not_dated_before_the_last_step(source: Callable[[], Wish], last: date) -> None:
    wish = source()
    day_before = last - timedelta(days=1)
    refused(lambda: wish.refer(to=DEPARTMENT, on=day_before, reason=WHY), "wish.transition")
    assert wish.refer(to=DEPARTMENT, on=last, reason=WHY).referred_on == last  # same day


def test_a_wish_without_content_is_not_referred() -> None:
    refused(
        lambda: collected(content=" ").refer(to=DEPARTMENT, on=REFERRED_ON, reason=WHY),
        "wish.content_required",
    )


def test_refer_needs_a_date() -> None:
    with pytest.raises(InvalidInput) as caught:
        collected().refer(to=DEPARTMENT, on="2026-05-10", reason=WHY)  # type: ignore[arg-type]
    assert caught.value.path == "on"


# -- what a referred wish refuses -----------------------------------------------------------------------


REFUSED: list[tuple[str, Callable[[Wish], object]]] = [
    ("screen", lambda w: w.screen(True, D(2026, 6, 1))),
    ("publish", lambda w: w.publish(D(2026, 6, 1))),
    ("claim", lambda w: w.claim("m1", D(2026, 6, 1))),
    ("claim-supporter", lambda w: w.claim(supporter_id="s1", on=D(2026, 6, 1))),
    ("withdraw", lambda w: w.withdraw_claim("m1", D(2026, 6, 1))),
    ("fulfil", lambda w: w.fulfil(D(2026, 6, 1))),
    ("cancel", lambda w: w.cancel(D(2026, 6, 1), "不办了")),
]


@pytest.mark.parametrize("action", [a for _, a in REFUSED], ids=[n for n, _ in REFUSED])
def test_a_referred_wish_moves_only_by_resolving_its_referral(action: Callable[[Wish], object]) -> None:
    wish = referred()
    refused(lambda: action(wish), "wish.transition")


def test_cancelling_a_referred_wish_points_to_resolve_referral() -> None:
    err = refused(lambda: referred().cancel(D(2026, 6, 1), "不办了"), "wish.transition")
    assert "resolve_referral" in err.violation.message_en


# -- resolve_referral -----------------------------------------------------------------------------------


def test_a_referral_fulfilled_by_the_department() -> None:
    done = referred(published).resolve_referral(on=D(2026, 6, 1), fulfilled=True, outcome="民政局已配发")
    assert (done.status, done.fulfilled_on, done.referral_outcome, done.referred_to) == (
        WishStatus.FULFILLED,
        D(2026, 6, 1),
        "民政局已配发",
        DEPARTMENT,
    )
    assert done.status.is_final
    assert referred().resolve_referral(on=REFERRED_ON, fulfilled=True).referral_outcome == ""  # same day


def test_a_referral_closed_unmet_needs_the_reason() -> None:
    wish = referred()
    refused(lambda: wish.resolve_referral(on=D(2026, 6, 1), fulfilled=False), "wish.transition")
    refused(lambda: wish.resolve_referral(on=D(2026, 6, 1), fulfilled=False, outcome="  "), "wish.transition")
    closed = wish.resolve_referral(on=D(2026, 6, 1), fulfilled=False, outcome="不符合救助条件")
    assert (closed.status, closed.cancelled_on, closed.referral_outcome, closed.reason) == (
        WishStatus.CANCELLED,
        D(2026, 6, 1),
        "不符合救助条件",
        WHY,
    )


def test_a_resolution_before_the_referral_is_refused() -> None:
    wish = referred()
    day_before = REFERRED_ON - timedelta(days=1)
    refused(lambda: wish.resolve_referral(on=day_before, fulfilled=True, outcome="x"), "wish.transition")
    refused(lambda: wish.resolve_referral(on=day_before, fulfilled=False, outcome="x"), "wish.transition")


@pytest.mark.parametrize(
    "source",
    [
        collected,
        screened,
        published,
        claimed,
        lambda: referred().resolve_referral(on=REFERRED_ON, fulfilled=True),
    ],
)
def test_resolve_referral_only_from_referred(source: Callable[[], Wish]) -> None:
    wish = source()
    refused(lambda: wish.resolve_referral(on=D(2026, 6, 1), fulfilled=True), "wish.transition")


@pytest.mark.parametrize(
    ("fulfilled", "outcome", "path"),
    [(1, "", "fulfilled"), ("yes", "", "fulfilled"), (True, None, "outcome")],
)
def test_resolve_referral_argument_types(fulfilled: Any, outcome: Any, path: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        referred().resolve_referral(on=D(2026, 6, 1), fulfilled=fulfilled, outcome=outcome)
    assert (caught.value.path, caught.value.code) == (path, "input.type")


# -- construction invariants ------------------------------------------------------------------------------


def test_a_referred_wish_names_its_department_and_date() -> None:
    good = referred()
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(good, referred_to=" ")
    assert (caught.value.path, caught.value.code) == ("referred_to", "input.required")
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(good, referred_on=None)
    assert (caught.value.path, caught.value.code) == ("referred_on", "input.required")


def test_a_referral_is_whole_in_every_status() -> None:
    done = referred().resolve_referral(on=D(2026, 6, 1), fulfilled=True, outcome="已配发")
    with pytest.raises(InvalidInput, match="referred_on"):
        attrs.evolve(done, referred_on=None)
    with pytest.raises(InvalidInput, match="referred_to"):
        attrs.evolve(done, referred_to="")
    with pytest.raises(InvalidInput, match="referred_on"):
        attrs.evolve(collected(), referral_outcome="已配发")
    with pytest.raises(InvalidInput, match="referred_on"):
        Wish(
            **{**attrs.asdict(collected(), recurse=False), "referred_on": D(2026, 4, 30), "referred_to": "局"}
        )


def test_a_referred_wish_holds_no_live_claim() -> None:
    with pytest.raises(InvalidInput) as caught:
        attrs.evolve(referred(), claims=claimed().claims)
    assert caught.value.path == "claims"


@given(
    st.sampled_from(["collected", "screened", "published"]),
    st.integers(0, 30),
    st.integers(0, 30),
    st.booleans(),
)
def test_referral_dates_always_follow_each_other(source: str, gap: int, later: int, fulfilled: bool) -> None:
    """Whatever the status it leaves and the days between: refer then resolve succeed when each date is
    not before the one before, and the resolved wish's dates are ordered."""
    start = {"collected": collected, "screened": screened, "published": published}[source]()
    last = start.published_on or start.screened_on or start.collected_on
    wish = start.refer(to=DEPARTMENT, on=last + timedelta(gap), reason=WHY)
    done = wish.resolve_referral(on=last + timedelta(gap + later), fulfilled=fulfilled, outcome="结果")
    assert done.referred_on is not None
    end = done.fulfilled_on if fulfilled else done.cancelled_on
    assert end is not None
    assert done.collected_on <= (done.screened_on or done.collected_on) <= done.referred_on <= end
    assert done.status is (WishStatus.FULFILLED if fulfilled else WishStatus.CANCELLED)
