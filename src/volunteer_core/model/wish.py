"""Micro-wishes (微心愿) and their claims, with the lifecycle of 004 §四 as pure transitions.

Each transition returns a new :class:`Wish` or raises :class:`~volunteer_core.errors.RuleViolation`
carrying the :class:`~volunteer_core.rules.Violation` (``wish.transition``, ``wish.claim_total``,
``wish.value_cap``, …).

>>> from datetime import date
>>> w = Wish(id="w1", beneficiary_id="p1", kind="material", content="一台电饭煲",
...          collected_on=date(2026, 5, 1), value="300.00")
>>> w = w.screen(True, date(2026, 5, 3)).publish(date(2026, 5, 5))
>>> w = w.claim("m1", date(2026, 5, 6), pledged="100").claim("m2", date(2026, 5, 6))
>>> w.status.value, str(w.pledged_total), str(w.remaining)
('claimed', '300.00', '0.00')
>>> w.fulfil(date(2026, 5, 20)).status.value
'fulfilled'
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from volunteer_core import _catalogue
from volunteer_core._defaults import resolve_policy
from volunteer_core.errors import InvalidInput, RuleViolation
from volunteer_core.model import _fields as f
from volunteer_core.model.enums import WishKind, WishStatus
from volunteer_core.money import Yuan

if TYPE_CHECKING:
    from volunteer_core.policy import Policy

__all__ = ["Claim", "Wish"]


@attrs.frozen(kw_only=True)
class Claim:
    """A pledge (认领) to fulfil a wish, or part of it (``pledged`` yuan), by a member or by a
    :class:`~volunteer_core.Supporter` (004 §四: 社区志愿者、爱心人士、社会慈善志愿机构): exactly one of
    ``member_id`` and ``supporter_id`` is given. Live while not withdrawn.

    >>> from datetime import date
    >>> Claim(member_id="m1", claimed_on=date(2026, 5, 6), pledged="100").is_live
    True
    >>> Claim(supporter_id="s1", claimed_on=date(2026, 5, 6)).claimant
    ('supporter', 's1')
    >>> Claim(member_id="m1", supporter_id="s1", claimed_on=date(2026, 5, 6))
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.invalid @ supporter_id: ...
    """

    member_id: str | None = attrs.field(default=None, validator=f.optional_identifier)
    claimed_on: date = attrs.field(validator=f.a_date)
    pledged: Yuan | None = attrs.field(default=None, converter=f.to_optional_yuan, validator=f.optional_yuan)
    fulfilled_on: date | None = attrs.field(default=None, validator=f.optional_date)
    withdrawn_on: date | None = attrs.field(default=None, validator=f.optional_date)
    supporter_id: str | None = attrs.field(default=None, validator=f.optional_identifier)

    def __attrs_post_init__(self) -> None:
        if (self.member_id is None) == (self.supporter_id is None):
            both = self.member_id is not None
            raise InvalidInput(
                "supporter_id" if both else "member_id",
                self.supporter_id if both else None,
                code="input.invalid" if both else "input.required",
                message_en="a claim names a member or a supporter, "
                + ("not both" if both else "and names neither"),
                message_zh="认领须且只能指明一名党员或一位社会认领人",
            )
        if self.pledged is not None and not self.pledged:
            raise InvalidInput(
                "pledged",
                str(self.pledged),
                message_en="a pledge must be more than 0",
                message_zh="认领金额须大于0",
            )
        f.check_order("withdrawn_on", self.claimed_on, self.withdrawn_on, "claimed_on")
        f.check_order("fulfilled_on", self.claimed_on, self.fulfilled_on, "claimed_on")

    @property
    def is_live(self) -> bool:
        """True while the claim has not been withdrawn."""
        return self.withdrawn_on is None

    @property
    def claimant(self) -> tuple[str, str]:
        """Who claims: ``("member", id)`` or ``("supporter", id)``."""
        if self.member_id is not None:
            return ("member", self.member_id)
        assert self.supporter_id is not None
        return ("supporter", self.supporter_id)


def _refuse(wish: Wish, code: str, en: str, zh: str, **details: Any) -> RuleViolation:
    return RuleViolation(
        _catalogue.violation(code, wish.id, en=en, zh=zh, status=wish.status.value, **details)
    )


_LABEL = {s: s.label_zh for s in WishStatus}


@attrs.frozen(kw_only=True)
class Wish:
    """A need of a beneficiary: material (value ≤ the cap), cultural, policy support, or a service.

    ``evidence`` is the 申领证明材料 of 附件1. Construction checks structure only; the rules
    (``wish.value_cap``, ``wish.value_required``, ``wish.content_required``) are judged by
    :func:`volunteer_core.validate_wish` and enforced by :meth:`screen` and :meth:`publish`. One
    invariant holds at construction: a CLAIMED or FULFILLED wish's live pledges never exceed its value (an
    ``InvalidInput`` with code ``wish.claim_total`` and path ``claims``), so that no stored or
    deserialised wish promises more than it is worth.

    >>> from datetime import date
    >>> Wish(id="w1", beneficiary_id="p1", kind="material", content="书包", collected_on=date(2026, 5, 1),
    ...      value="300", status="claimed", published_on=date(2026, 5, 1),
    ...      claims=[Claim(member_id="m1", claimed_on=date(2026, 5, 2), pledged="300.01")])
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: wish.claim_total @ claims: ...
    """

    id: str = attrs.field(validator=f.identifier)
    beneficiary_id: str = attrs.field(validator=f.identifier)
    kind: WishKind = attrs.field(converter=f.to_wish_kind, validator=f.member_of(WishKind))
    content: str = attrs.field(validator=f.plain_text)
    collected_on: date = attrs.field(validator=f.a_date)
    value: Yuan | None = attrs.field(default=None, converter=f.to_optional_yuan, validator=f.optional_yuan)
    status: WishStatus = attrs.field(
        default=WishStatus.COLLECTED,
        converter=f.to_wish_status,
        validator=f.member_of(WishStatus),
    )
    claims: tuple[Claim, ...] = attrs.field(
        default=(), converter=f.to_tuple, validator=f.tuple_of(Claim, "Claim", "认领记录")
    )
    screened_on: date | None = attrs.field(default=None, validator=f.optional_date)
    published_on: date | None = attrs.field(default=None, validator=f.optional_date)
    fulfilled_on: date | None = attrs.field(default=None, validator=f.optional_date)
    cancelled_on: date | None = attrs.field(default=None, validator=f.optional_date)
    reason: str = attrs.field(default="", validator=f.plain_text)
    evidence: str = attrs.field(default="", validator=f.plain_text)
    #: 转介: the department or organisation a REFERRED wish was handed to, and the day; ``reason`` says why
    #: members cannot meet it. ``referral_outcome`` is what they reported when the referral was resolved
    #: (to FULFILLED, or to CANCELLED when closed unmet).
    referred_to: str = attrs.field(default="", validator=f.plain_text)
    referred_on: date | None = attrs.field(default=None, validator=f.optional_date)
    referral_outcome: str = attrs.field(default="", validator=f.plain_text)
    version: int = attrs.field(default=0, validator=f.version)

    def __attrs_post_init__(self) -> None:
        f.check_order("screened_on", self.collected_on, self.screened_on, "collected_on")
        f.check_order("published_on", self.screened_on or self.collected_on, self.published_on, "screened_on")
        f.check_order("fulfilled_on", self.collected_on, self.fulfilled_on, "collected_on")
        f.check_order("cancelled_on", self.collected_on, self.cancelled_on, "collected_on")
        f.check_order("referred_on", self.collected_on, self.referred_on, "collected_on")
        if self.value is not None and self.status in (WishStatus.CLAIMED, WishStatus.FULFILLED):
            pledged = sum(c.pledged.fen for c in self.claims if c.is_live and c.pledged is not None)
            if pledged > self.value.fen:
                total = f"{pledged // 100}.{pledged % 100:02d}"
                raise InvalidInput(
                    "claims",
                    total,
                    code="wish.claim_total",
                    message_en=f"the live pledges total {total}, more than the value {self.value}",
                    message_zh=f"有效认领总额 {total} 元超过心愿价值 {self.value} 元",
                )

    # -- derived values -------------------------------------------------------------------------

    @property
    def live_claims(self) -> tuple[Claim, ...]:
        """The claims not withdrawn."""
        return tuple(c for c in self.claims if c.is_live)

    @property
    def pledged_total(self) -> Yuan:
        """The sum pledged by the live claims (a claim without an amount counts 0)."""
        return sum((c.pledged for c in self.claims if c.is_live and c.pledged is not None), Yuan(0))

    @property
    def remaining(self) -> Yuan | None:
        """What is left to pledge: ``value - pledged_total``, or None for a wish without value."""
        if self.value is None:
            return None
        if self.pledged_total >= self.value:
            return Yuan(0)
        return self.value - self.pledged_total

    # -- transitions ----------------------------------------------------------------------------

    def _require(self, allowed: tuple[WishStatus, ...], move: str, move_zh: str) -> None:
        if self.status not in allowed:
            names = ", ".join(s.name for s in allowed)
            raise _refuse(
                self,
                "wish.transition",
                f"cannot {move} a wish that is {self.status.name} (allowed from {names})",
                f"心愿当前为“{_LABEL[self.status]}”，不能{move_zh}",
                move=move,
            )

    def _not_before(self, on: date, earlier: date | None, what: str, what_zh: str) -> None:
        if type(on) is not date:
            raise InvalidInput(
                "on", on, code="input.type", message_en="must be a date", message_zh="须为日期"
            )
        if earlier is not None and on < earlier:
            raise _refuse(
                self,
                "wish.transition",
                f"{on} is before the {what} date {earlier}",
                f"日期 {on} 早于{what_zh}日期 {earlier}",
                on=on.isoformat(),
            )

    def _errors(self, policy: Policy | None) -> None:
        for found in _catalogue.validate(self, resolve_policy(policy)):
            if found.is_error:
                raise RuleViolation(found)

    def screen(self, approved: bool, on: date, reason: str = "", *, policy: Policy | None = None) -> Wish:
        """甄别: approve (→ SCREENED) or reject with a reason (→ REJECTED). Only from COLLECTED.

        Approval re-checks the wish rules under ``policy`` (default DEFAULT): a wish with an ERROR
        (``wish.value_cap``, ``wish.value_required``, ``wish.content_required``) is refused.

        >>> from datetime import date
        >>> w = Wish(id="w1", beneficiary_id="p1", kind="material", content="轮椅",
        ...          collected_on=date(2026, 5, 1), value="300.01")
        >>> w.screen(True, date(2026, 5, 2))
        Traceback (most recent call last):
        ...
        volunteer_core.errors.RuleViolation: wish.value_cap: ...
        >>> w.screen(False, date(2026, 5, 2), reason="超过300元").status.value
        'rejected'
        """
        self._require((WishStatus.COLLECTED,), "screen", "甄别")
        self._not_before(on, self.collected_on, "collection", "征集")
        if approved:
            self._errors(policy)
            return attrs.evolve(self, status=WishStatus.SCREENED, screened_on=on)
        if not isinstance(reason, str) or not reason.strip():
            raise _refuse(self, "wish.transition", "a rejection needs a reason", "不予通过须说明理由")
        return attrs.evolve(self, status=WishStatus.REJECTED, screened_on=on, reason=reason)

    def publish(self, on: date, *, policy: Policy | None = None) -> Wish:
        """发布: SCREENED → PUBLISHED, re-checking the value cap of ``policy`` (default DEFAULT)."""
        self._require((WishStatus.SCREENED,), "publish", "发布")
        self._not_before(on, self.screened_on, "screening", "甄别")
        self._errors(policy)
        return attrs.evolve(self, status=WishStatus.PUBLISHED, published_on=on)

    def claim(
        self, member_id: str, on: date, pledged: Yuan | str | int | None = None, policy: Policy | None = None
    ) -> Wish:
        """认领: a member pledges ``pledged`` yuan (default: all that remains) toward the wish.

        One-to-one, many-to-one (several members share one wish) and one-to-many (one member claims
        several wishes) are allowed. A member holds at most one live claim per wish; the live pledges never
        exceed the value nor the policy's cap (``wish.claim_total``, ``wish.value_cap``). A wish without a
        value takes any number of claims without amounts.

        >>> from datetime import date
        >>> w = Wish(id="w1", beneficiary_id="p1", kind="material", content="书包",
        ...          collected_on=date(2026, 5, 1), value="300", status="published",
        ...          screened_on=date(2026, 5, 1), published_on=date(2026, 5, 1))
        >>> w.claim("m1", date(2026, 5, 2), pledged="300.01")
        Traceback (most recent call last):
        ...
        volunteer_core.errors.RuleViolation: wish.claim_total: ...
        """
        self._require((WishStatus.PUBLISHED, WishStatus.CLAIMED), "claim", "认领")
        self._not_before(on, self.published_on, "publication", "发布")
        if not isinstance(member_id, str) or not member_id.strip():
            raise InvalidInput(
                "member_id", member_id, code="input.required", message_en="required", message_zh="必填"
            )
        if any(c.member_id == member_id for c in self.live_claims):
            raise _refuse(
                self,
                "wish.claim_total",
                f"member {member_id} already holds a live claim on this wish",
                f"党员 {member_id} 已认领该心愿",
                member_id=member_id,
            )
        amount = None if pledged is None else f.yuan("pledged", pledged)
        if self.value is None:
            if amount is not None:
                raise InvalidInput(
                    "pledged",
                    str(amount),
                    message_en="this wish has no value: a claim pledges no amount",
                    message_zh="该心愿没有标价，认领时不填金额",
                )
        else:
            remaining = self.remaining
            assert remaining is not None
            if amount is None:
                amount = remaining
            if not amount or amount > remaining:
                raise _refuse(
                    self,
                    "wish.claim_total",
                    f"pledge {amount} exceeds what remains ({remaining} of {self.value})",
                    f"认领金额 {amount} 元超过剩余 {remaining} 元（心愿价值 {self.value} 元）",
                    pledged=str(amount),
                    remaining=str(remaining),
                )
            cap = resolve_policy(policy).wish_value_cap
            total = self.pledged_total + amount
            if cap is not None and total > cap:  # the cap bounds every wish that costs money (004 §三)
                raise _refuse(
                    self,
                    "wish.value_cap",
                    f"pledged total {total} would exceed the cap {cap}",
                    f"认领总额 {total} 元将超过上限 {cap} 元",
                    pledged_total=str(total),
                    cap=str(cap),
                )
        claim = Claim(member_id=member_id, claimed_on=on, pledged=amount)
        return attrs.evolve(self, status=WishStatus.CLAIMED, claims=(*self.claims, claim))

    def withdraw_claim(self, member_id: str, on: date) -> Wish:
        """Withdraw a member's live claim; the wish returns to PUBLISHED when no live claim is left."""
        self._require((WishStatus.CLAIMED,), "withdraw a claim from", "撤回认领")
        index = next((i for i, c in enumerate(self.claims) if c.is_live and c.member_id == member_id), None)
        if index is None:
            raise _refuse(
                self,
                "wish.transition",
                f"member {member_id} holds no live claim on this wish",
                f"党员 {member_id} 未认领该心愿",
                member_id=member_id,
            )
        claim = self.claims[index]
        self._not_before(on, claim.claimed_on, "claim", "认领")
        claims = list(self.claims)
        claims[index] = attrs.evolve(claim, withdrawn_on=on)
        status = WishStatus.CLAIMED if any(c.is_live for c in claims) else WishStatus.PUBLISHED
        return attrs.evolve(self, status=status, claims=tuple(claims))

    def fulfil(self, on: date) -> Wish:
        """落实: CLAIMED → FULFILLED. Needs a live claim, ``on`` not before the latest claim, and for a
        material wish a pledged total equal to its value."""
        self._require((WishStatus.CLAIMED,), "fulfil", "落实")
        live = self.live_claims
        if not live:
            raise _refuse(
                self,
                "wish.transition",
                "a wish is fulfilled through a live claim",
                "心愿须有有效认领才能落实",
            )
        self._not_before(on, max(c.claimed_on for c in live), "latest claim", "最近认领")
        if self.kind is WishKind.MATERIAL and self.value is not None and self.pledged_total != self.value:
            raise _refuse(
                self,
                "wish.transition",
                f"pledged total {self.pledged_total} does not cover the value {self.value}",
                f"认领总额 {self.pledged_total} 元不等于心愿价值 {self.value} 元",
                pledged_total=str(self.pledged_total),
                value=str(self.value),
            )
        claims = tuple(attrs.evolve(c, fulfilled_on=on) if c.is_live else c for c in self.claims)
        return attrs.evolve(self, status=WishStatus.FULFILLED, fulfilled_on=on, claims=claims)

    def cancel(self, on: date, reason: str) -> Wish:
        """Cancel from COLLECTED, SCREENED, PUBLISHED or CLAIMED (live claims end with the wish)."""
        self._require(
            (WishStatus.COLLECTED, WishStatus.SCREENED, WishStatus.PUBLISHED, WishStatus.CLAIMED),
            "cancel",
            "取消",
        )
        self._not_before(
            on, self.published_on or self.screened_on or self.collected_on, "last step", "上一环节"
        )
        if not isinstance(reason, str):
            raise InvalidInput(
                "reason", reason, code="input.type", message_en="must be a string", message_zh="须为字符串"
            )
        claims = tuple(
            attrs.evolve(c, withdrawn_on=max(on, c.claimed_on)) if c.is_live else c for c in self.claims
        )
        return attrs.evolve(self, status=WishStatus.CANCELLED, cancelled_on=on, reason=reason, claims=claims)
