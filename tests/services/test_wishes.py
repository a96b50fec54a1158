"""The wish use-cases (``volunteer_core.services.wishes``) end to end, on every storage."""

from __future__ import annotations

from datetime import date

import attrs
import pytest
from services_support import MakeUow, organ

from volunteer_core import Wish, Yuan, services
from volunteer_core.errors import InvalidInput, NotFound, RuleViolation
from volunteer_core.model import WishStatus
from volunteer_core.ports import UnitOfWork


@pytest.fixture
def uow(make_uow: MakeUow) -> UnitOfWork:
    """The organ of :func:`services_support.organ` on every storage."""
    return organ(make_uow())


def _wish(value: str | None = "300.00", wish_id: str = "w1") -> Wish:
    return Wish(
        id=wish_id,
        beneficiary_id="p1",
        kind="material" if value is not None else "service",
        content="一台电饭煲",
        collected_on=date(2026, 5, 1),
        value=value,
    )


def test_the_wish_lifecycle(uow: UnitOfWork) -> None:
    collected = services.collect_wish(uow, _wish())
    assert (collected.status, collected.version) == (WishStatus.COLLECTED, 0)
    screened = services.screen_wish(uow, "w1", approved=True, on=date(2026, 5, 2))
    published = services.publish_wish(uow, "w1", on=date(2026, 5, 3))
    assert (screened.version, published.status, published.version) == (1, WishStatus.PUBLISHED, 2)
    first = services.claim_wish(uow, "w1", "m1", on=date(2026, 5, 4), pledged="100")
    second = services.claim_wish(uow, "w1", "m2", on=date(2026, 5, 4), pledged=Yuan("150.50"))
    withdrawn = services.withdraw_claim(uow, "w1", "m2", on=date(2026, 5, 5))
    assert (first.status, second.pledged_total, withdrawn.pledged_total) == (
        WishStatus.CLAIMED,
        Yuan("250.50"),
        Yuan("100.00"),
    )
    with pytest.raises(RuleViolation) as caught:
        services.claim_wish(uow, "w1", "m3", on=date(2026, 5, 6), pledged="200.01")
    assert caught.value.code == "wish.claim_total"
    rest = services.claim_wish(uow, "w1", "m3", on=date(2026, 5, 6))  # all that remains
    assert rest.claims[-1].pledged == Yuan("200.00")
    fulfilled = services.fulfil_wish(uow, "w1", on=date(2026, 5, 20))
    assert (fulfilled.status, fulfilled.pledged_total, fulfilled.version) == (
        WishStatus.FULFILLED,
        Yuan("300.00"),
        7,
    )
    with uow:
        assert uow.wishes.get("w1") == fulfilled
        assert uow.wishes.with_status(WishStatus.FULFILLED) == [fulfilled]
    with pytest.raises(RuleViolation) as caught:
        services.cancel_wish(uow, "w1", on=date(2026, 5, 21), reason="重复")
    assert caught.value.code == "wish.transition"


def test_screening_refuses_a_wish_over_the_cap_and_cancelling_ends_claims(uow: UnitOfWork) -> None:
    services.collect_wish(uow, _wish("300.01", "w2"))  # collection records the need as stated
    with pytest.raises(RuleViolation) as caught:
        services.screen_wish(uow, "w2", approved=True, on=date(2026, 5, 2))
    assert caught.value.code == "wish.value_cap"
    rejected = services.screen_wish(uow, "w2", approved=False, on=date(2026, 5, 2), reason="超过300元")
    assert rejected.status is WishStatus.REJECTED
    services.collect_wish(uow, _wish(None, "w3"))
    services.screen_wish(uow, "w3", approved=True, on=date(2026, 5, 2))
    services.publish_wish(uow, "w3", on=date(2026, 5, 3))
    services.claim_wish(uow, "w3", "m1", on=date(2026, 5, 4))
    cancelled = services.cancel_wish(uow, "w3", on=date(2026, 5, 5), reason="对象搬离")
    assert cancelled.status is WishStatus.CANCELLED
    assert all(c.withdrawn_on is not None for c in cancelled.claims)
    with uow:
        assert uow.wishes.get("w3") == cancelled
    with pytest.raises(NotFound):
        services.claim_wish(uow, "w3", "m9", on=date(2026, 5, 6))
    with pytest.raises(InvalidInput) as invalid:
        services.collect_wish(uow, attrs.evolve(_wish(), id="w4", beneficiary_id="p9"))
    assert (invalid.value.code, invalid.value.path) == ("input.reference", "beneficiary_id")
