"""Wishes (微心愿): 征集 → 甄别 → 发布 → 认领 (by members or supporters) → 落实, or cancelled on the way;
a wish members cannot meet is referred (转介) to a department, which fulfils it or closes it with a reason.

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
>>> w = refer_wish(uow, "w1", to="城厢区民政局", on=date(2026, 5, 4), reason="党员力所不及")
>>> resolve_referral(uow, "w1", on=date(2026, 6, 1), fulfilled=True, outcome="已落实").status.value
'fulfilled'
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
    "refer_wish",
    "resolve_referral",
    "screen_wish",
    "withdraw_claim",
]


#: The fields of a collected wish that a repeated request with the same idempotency key must repeat.
_COLLECT_FIELDS = ("id", "beneficiary_id", "kind", "content", "collected_on", "value")


def collect_wish(
    uow: UnitOfWork, wish: Wish, *, idempotency_key: str | None = None, retries: int = DEFAULT_RETRIES
) -> Wish:
    """征集: store a COLLECTED wish as stated (the rules are judged at screening).

    The beneficiary must be stored; a wish in another state, or with claims, is refused (``InvalidInput``).
    With ``idempotency_key`` the key is stored with the wish (``WishRepository.add``): the same key again
    returns the wish first stored with it, as it is now; the same key with another wish (a field of
    ``id``, ``beneficiary_id``, ``kind``, ``content``, ``collected_on``, ``value`` differs) is refused
    (``InvalidInput`` ``input.idempotency_conflict``, path ``idempotency_key``).
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

    def work() -> Wish:
        if idempotency_key is not None:
            first = uow.wishes.by_idempotency_key(idempotency_key)
            if first is not None:
                differ = [name for name in _COLLECT_FIELDS if getattr(first, name) != getattr(wish, name)]
                if differ:
                    raise InvalidInput(
                        "idempotency_key",
                        idempotency_key,
                        code="input.idempotency_conflict",
                        message_en=f"the key was used for wish {first.id}; this request differs in "
                        f"{', '.join(differ)}: use a new key",
                        message_zh=f"幂等键已用于心愿 {first.id}；本次请求的 {', '.join(differ)} 不同，请使用新的幂等键",
                    )
                return first
        return uow.wishes.add(wish, idempotency_key=idempotency_key)

    return transaction(uow, work, retries)


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


def _claimant_exists(uow: UnitOfWork, member_id: str | None, supporter_id: str | None) -> None:
    """``NotFound`` when the member or supporter named is not stored (``Wish.claim`` judges the rest)."""
    if member_id is not None and supporter_id is None:
        uow.members.get(member_id)
    elif supporter_id is not None and member_id is None:
        uow.supporters.get(supporter_id)


def claim_wish(
    uow: UnitOfWork,
    wish_id: str,
    member_id: str | None = None,
    *,
    supporter_id: str | None = None,
    on: date,
    pledged: Yuan | str | int | None = None,
    policy: Policy = DEFAULT,
    retries: int = DEFAULT_RETRIES,
) -> Wish:
    """认领: a stored member — or a stored supporter (``supporter_id=``: 社区志愿者、爱心人士、社会组织) —
    pledges toward a published wish (:meth:`Wish.claim <volunteer_core.Wish.claim>`: exactly one claimant,
    the value, the cap and one live claim per claimant, members and supporters alike). ``NotFound`` for an
    unknown wish, member or supporter. Safe under concurrency: claims that race are serialised by the
    wish's version, so the pledges never exceed the value.

    >>> from datetime import date
    >>> from volunteer_core import Beneficiary, Supporter
    >>> from volunteer_core.services import add_entities
    >>> from volunteer_core.storage.memory import InMemoryUnitOfWork
    >>> uow = InMemoryUnitOfWork()
    >>> _ = add_entities(uow, [Beneficiary(id="p1", name="王五", category="elderly", community="凤山社区"),
    ...                        Supporter(id="s1", name="林爱心", kind="caring_person")])
    >>> _ = collect_wish(uow, Wish(id="w1", beneficiary_id="p1", kind="material", content="电饭煲",
    ...                            collected_on=date(2026, 5, 1), value="300"))
    >>> _ = screen_wish(uow, "w1", approved=True, on=date(2026, 5, 2))
    >>> _ = publish_wish(uow, "w1", on=date(2026, 5, 3))
    >>> w = claim_wish(uow, "w1", supporter_id="s1", on=date(2026, 5, 4), pledged="150")
    >>> w.claims[0].claimant, str(w.remaining)
    (('supporter', 's1'), '150.00')
    """

    def work() -> Wish:
        _claimant_exists(uow, member_id, supporter_id)
        wish = uow.wishes.get(wish_id)
        return uow.wishes.update(wish.claim(member_id, on, pledged, policy, supporter_id=supporter_id))

    return transaction(uow, work, retries)


def withdraw_claim(
    uow: UnitOfWork,
    wish_id: str,
    member_id: str | None = None,
    *,
    supporter_id: str | None = None,
    on: date,
    retries: int = DEFAULT_RETRIES,
) -> Wish:
    """撤回认领 of a member — or of a supporter (``supporter_id=``); the wish returns to PUBLISHED when no
    live claim is left."""
    return _wish_step(
        uow, wish_id, lambda w: w.withdraw_claim(member_id, on, supporter_id=supporter_id), retries
    )


def fulfil_wish(uow: UnitOfWork, wish_id: str, *, on: date, retries: int = DEFAULT_RETRIES) -> Wish:
    """落实 a claimed wish."""
    return _wish_step(uow, wish_id, lambda w: w.fulfil(on), retries)


def cancel_wish(
    uow: UnitOfWork, wish_id: str, *, on: date, reason: str, retries: int = DEFAULT_RETRIES
) -> Wish:
    """Cancel a COLLECTED, SCREENED, PUBLISHED or CLAIMED wish (a REFERRED one is closed by
    :func:`resolve_referral`)."""
    return _wish_step(uow, wish_id, lambda w: w.cancel(on, reason), retries)


def refer_wish(
    uow: UnitOfWork, wish_id: str, *, to: str, on: date, reason: str, retries: int = DEFAULT_RETRIES
) -> Wish:
    """转介: hand a wish members cannot meet (over the cap, or beyond their means) to the department or
    organisation ``to``, saying why — from COLLECTED, SCREENED or PUBLISHED (:meth:`Wish.refer
    <volunteer_core.Wish.refer>`; each refusal is a ``RuleViolation`` with its rule code)."""
    return _wish_step(uow, wish_id, lambda w: w.refer(to=to, on=on, reason=reason), retries)


def resolve_referral(
    uow: UnitOfWork,
    wish_id: str,
    *,
    on: date,
    fulfilled: bool,
    outcome: str = "",
    retries: int = DEFAULT_RETRIES,
) -> Wish:
    """办结转介: the department fulfilled the referred wish (→ FULFILLED), or closed it unmet with the reason
    ``outcome`` (→ CANCELLED) (:meth:`Wish.resolve_referral <volunteer_core.Wish.resolve_referral>`)."""
    return _wish_step(
        uow,
        wish_id,
        lambda w: w.resolve_referral(on=on, fulfilled=fulfilled, outcome=outcome),
        retries,
    )
