"""Wishes (微心愿): 征集 → 甄别 → 发布 → 认领 → 落实, or cancelled on the way.

>>> from datetime import date
>>> from volunteer_core import Beneficiary, Wish
>>> from volunteer_core.storage.memory import InMemoryUnitOfWork
>>> uow = InMemoryUnitOfWork()
>>> with uow:
...     _ = uow.beneficiaries.add(Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区"))
...     uow.commit()
>>> w = collect_wish(uow, Wish(id="w1", beneficiary_id="p1", kind="material", content="电饭煲",
...                            collected_on=date(2026, 5, 1), value="300.00"))
>>> w = screen_wish(uow, "w1", approved=True, on=date(2026, 5, 2))
>>> w = publish_wish(uow, "w1", on=date(2026, 5, 3))
>>> w.status.value, w.version
('published', 2)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from volunteer_core.errors import InvalidInput
from volunteer_core.model import Wish, WishStatus
from volunteer_core.money import Yuan
from volunteer_core.policy import DEFAULT, Policy
from volunteer_core.ports import UnitOfWork
from volunteer_core.services._unit import DEFAULT_RETRIES, transaction

__all__ = [
    "cancel_wish",
    "claim_wish",
    "collect_wish",
    "fulfil_wish",
    "publish_wish",
    "screen_wish",
    "withdraw_claim",
]


def collect_wish(uow: UnitOfWork, wish: Wish, *, retries: int = DEFAULT_RETRIES) -> Wish:
    """征集: store a COLLECTED wish as stated (the rules are judged at screening).

    The beneficiary must be stored; a wish in another state, or with claims, is refused (``InvalidInput``).
    """
    if not isinstance(wish, Wish):
        raise InvalidInput(
            "wish", wish, code="input.type", message_en="must be a Wish", message_zh="须为心愿"
        )
    if wish.status is not WishStatus.COLLECTED or wish.claims:
        raise InvalidInput(
            "status",
            wish.status.value,
            message_en="a wish is collected in status COLLECTED, without claims",
            message_zh="征集的心愿须为“已征集”状态且无认领",
        )
    return transaction(uow, lambda: uow.wishes.add(wish), retries)


def _wish_step(uow: UnitOfWork, wish_id: str, step: Callable[[Wish], Wish], retries: int) -> Wish:
    return transaction(uow, lambda: uow.wishes.update(step(uow.wishes.get(wish_id))), retries)


def screen_wish(
    uow: UnitOfWork,
    wish_id: str,
    *,
    approved: bool,
    on: date,
    reason: str = "",
    policy: Policy = DEFAULT,
    retries: int = DEFAULT_RETRIES,
) -> Wish:
    """甄别: approve (refused for a wish with an ERROR violation, e.g. ``wish.value_cap``) or reject."""
    return _wish_step(uow, wish_id, lambda w: w.screen(approved, on, reason, policy=policy), retries)


def publish_wish(
    uow: UnitOfWork, wish_id: str, *, on: date, policy: Policy = DEFAULT, retries: int = DEFAULT_RETRIES
) -> Wish:
    """发布 a screened wish (re-checks the value cap of ``policy``)."""
    return _wish_step(uow, wish_id, lambda w: w.publish(on, policy=policy), retries)


def claim_wish(
    uow: UnitOfWork,
    wish_id: str,
    member_id: str,
    *,
    on: date,
    pledged: Yuan | str | int | None = None,
    policy: Policy = DEFAULT,
    retries: int = DEFAULT_RETRIES,
) -> Wish:
    """认领: a stored member pledges toward a published wish. Safe under concurrency: claims that race
    are serialised by the wish's version, so the pledges never exceed the value."""

    def work() -> Wish:
        uow.members.get(member_id)
        return uow.wishes.update(uow.wishes.get(wish_id).claim(member_id, on, pledged, policy))

    return transaction(uow, work, retries)


def withdraw_claim(
    uow: UnitOfWork, wish_id: str, member_id: str, *, on: date, retries: int = DEFAULT_RETRIES
) -> Wish:
    """撤回认领; the wish returns to PUBLISHED when no live claim is left."""
    return _wish_step(uow, wish_id, lambda w: w.withdraw_claim(member_id, on), retries)


def fulfil_wish(uow: UnitOfWork, wish_id: str, *, on: date, retries: int = DEFAULT_RETRIES) -> Wish:
    """落实 a claimed wish."""
    return _wish_step(uow, wish_id, lambda w: w.fulfil(on), retries)


def cancel_wish(
    uow: UnitOfWork, wish_id: str, *, on: date, reason: str, retries: int = DEFAULT_RETRIES
) -> Wish:
    """Cancel a wish that is not final."""
    return _wish_step(uow, wish_id, lambda w: w.cancel(on, reason), retries)
