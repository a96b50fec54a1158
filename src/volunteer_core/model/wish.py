"""Micro-wishes (微心愿) and their claims, with the lifecycle of 004 §四 as pure transitions.

The lifecycle::

    COLLECTED ─screen─▶ SCREENED ─publish─▶ PUBLISHED ─claim─▶ CLAIMED ─fulfil─▶ FULFILLED
        │  └─screen(False)─▶ REJECTED          ▲  └─withdraw_claim (the last live claim)─┘
        │                                      │
        └──────── refer (COLLECTED, SCREENED, PUBLISHED) ──▶ REFERRED ─resolve_referral─▶ FULFILLED
                                                                  └─(not fulfilled, reason)─▶ CANCELLED

    cancel: COLLECTED, SCREENED, PUBLISHED or CLAIMED ──▶ CANCELLED (a REFERRED wish is closed by
    resolve_referral instead). REJECTED, FULFILLED and CANCELLED are final.

A claim names a member or a :class:`~volunteer_core.Supporter` (004 §四: 社区志愿者、爱心人士、社会慈善志愿机构);
the value, the cap and "one live claim per claimant" treat both alike. A wish members cannot meet — over the
cap, or beyond their means — is referred (转介, 004 §四 「协调有关部门或社会爱心组织合力推动、逐步实施」) to a
department or an organisation, which fulfils it or closes it with a reason.

Each transition returns a new :class:`Wish` or raises :class:`~volunteer_core.errors.RuleViolation`
carrying the :class:`~volunteer_core.rules.Violation` (``wish.transition``, ``wish.claim_total``,
``wish.value_cap``, …).

>>> from datetime import date
>>> w = Wish(id="w1", beneficiary_id="p1", kind="material", content="一台电饭煲",
...          collected_on=date(2026, 5, 1), value="300.00")
>>> w = w.screen(True, date(2026, 5, 3)).publish(date(2026, 5, 5))
>>> w = w.claim(supporter_id="s1", on=date(2026, 5, 6), pledged="150").claim("m1", date(2026, 5, 6))
>>> w.status.value, str(w.pledged_total), str(w.remaining), [c.claimant for c in w.claims]
('claimed', '300.00', '0.00', [('supporter', 's1'), ('member', 'm1')])
>>> w.fulfil(date(2026, 5, 20)).status.value
'fulfilled'
>>> chair = Wish(id="w2", beneficiary_id="p1", kind="material", content="电动轮椅",
...              collected_on=date(2026, 5, 1), value="2800.00")
>>> chair = chair.refer(to="区残联", on=date(2026, 5, 3), reason="超过300元，党员力所不及")
>>> chair.status.value, chair.referred_to
('referred', '区残联')
>>> chair.resolve_referral(on=date(2026, 6, 1), fulfilled=True, outcome="已配发").status.value
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
from volunteer_core.model._claim import Claim, claimant_label, claimant_of
from volunteer_core.model.enums import WishKind, WishStatus
from volunteer_core.money import Yuan

if TYPE_CHECKING:
    from volunteer_core.policy import Policy

__all__ = ["Claim", "Wish"]


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
    deserialised wish promises more than it is worth. And a referral is whole: ``referred_to`` (not blank)
    and ``referred_on`` are given together or not at all, a REFERRED wish has both and no live claim, and
    a ``referral_outcome`` belongs to a referred wish (``InvalidInput`` naming the field).

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
        self._check_referral()

    def _check_referral(self) -> None:
        named = bool(self.referred_to.strip())
        referred = self.status is WishStatus.REFERRED
        if (referred or self.referred_on is not None) and not named:
            raise InvalidInput(
                "referred_to",
                self.referred_to,
                code="input.required",
                message_en="a referred wish names the department or organisation it was referred to",
                message_zh="转介的心愿须写明转介部门",
            )
        if (referred or named or self.referral_outcome) and self.referred_on is None:
            raise InvalidInput(
                "referred_on",
                None,
                code="input.required",
                message_en="a referred wish carries the date of its referral",
                message_zh="转介的心愿须有转介日期",
            )
        if referred and any(c.is_live for c in self.claims):
            raise InvalidInput(
                "claims",
                len(self.live_claims),
                message_en="a referred wish holds no live claim",
                message_zh="已转介的心愿不能有有效认领",
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

    def _not_before(self, on: object, earlier: date | None, what: str, what_zh: str) -> date:
        """``on`` itself, when it is a date not before ``earlier`` (``wish.transition`` otherwise)."""
        if on is None:
            raise InvalidInput("on", None, code="input.required", message_en="required", message_zh="必填")
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
        return on

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
        self,
        member_id: str | None = None,
        on: date | None = None,
        pledged: Yuan | str | int | None = None,
        policy: Policy | None = None,
        *,
        supporter_id: str | None = None,
    ) -> Wish:
        """认领: a member — or a supporter (``supporter_id=``) — pledges ``pledged`` yuan (default: all that
        remains) toward the wish. Exactly one of ``member_id`` and ``supporter_id`` is given
        (``InvalidInput`` otherwise); ``claim(member_id, on, pledged, policy)`` keeps its positional order.

        One-to-one, many-to-one (several claimants share one wish) and one-to-many (one claimant claims
        several wishes) are allowed, members and supporters alike. A claimant holds at most one live claim
        per wish (a member and a supporter with the same id are two claimants); the live pledges never
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
        >>> w = w.claim(supporter_id="s1", on=date(2026, 5, 2), pledged="150").claim("m1", date(2026, 5, 2))
        >>> [(c.claimant, str(c.pledged)) for c in w.claims]
        [(('supporter', 's1'), '150.00'), (('member', 'm1'), '150.00')]
        """
        claimant = claimant_of(member_id, supporter_id)
        self._require((WishStatus.PUBLISHED, WishStatus.CLAIMED), "claim", "认领")
        on = self._not_before(on, self.published_on, "publication", "发布")
        if any(c.claimant == claimant for c in self.live_claims):
            en, zh = claimant_label(claimant)
            raise _refuse(
                self,
                "wish.claim_total",
                f"{en} already holds a live claim on this wish",
                f"{zh} 已认领该心愿",
                **{f"{claimant[0]}_id": claimant[1]},
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
            amount = self._pledge(amount, policy)
        claim = Claim(member_id=member_id, supporter_id=supporter_id, claimed_on=on, pledged=amount)
        return attrs.evolve(self, status=WishStatus.CLAIMED, claims=(*self.claims, claim))

    def _pledge(self, amount: Yuan | None, policy: Policy | None) -> Yuan:
        """The amount a claim on a wish with a value pledges: all that remains by default, never more than
        what remains (``wish.claim_total``) nor a total above the cap (``wish.value_cap``)."""
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
        return amount

    def withdraw_claim(
        self, member_id: str | None = None, on: date | None = None, *, supporter_id: str | None = None
    ) -> Wish:
        """Withdraw the live claim of a member — or of a supporter (``supporter_id=``); the wish returns to
        PUBLISHED when no live claim is left.

        >>> from datetime import date
        >>> w = Wish(id="w1", beneficiary_id="p1", kind="service", content="理发上门",
        ...          collected_on=date(2026, 5, 1), status="published", published_on=date(2026, 5, 1))
        >>> w = w.claim(supporter_id="s1", on=date(2026, 5, 2))
        >>> w.withdraw_claim(supporter_id="s1", on=date(2026, 5, 3)).status.value
        'published'
        >>> w.withdraw_claim("s1", date(2026, 5, 3))
        Traceback (most recent call last):
        ...
        volunteer_core.errors.RuleViolation: wish.transition: ...
        """
        claimant = claimant_of(member_id, supporter_id)
        self._require((WishStatus.CLAIMED,), "withdraw a claim from", "撤回认领")
        index = next((i for i, c in enumerate(self.claims) if c.is_live and c.claimant == claimant), None)
        if index is None:
            en, zh = claimant_label(claimant)
            raise _refuse(
                self,
                "wish.transition",
                f"{en} holds no live claim on this wish",
                f"{zh} 未认领该心愿",
                **{f"{claimant[0]}_id": claimant[1]},
            )
        claim = self.claims[index]
        on = self._not_before(on, claim.claimed_on, "claim", "认领")
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
        """Cancel from COLLECTED, SCREENED, PUBLISHED or CLAIMED (live claims end with the wish).

        A REFERRED wish is not cancelled here (``wish.transition``): its referral is closed by
        :meth:`resolve_referral` with ``fulfilled=False`` and the reason, which records the outcome.
        """
        if self.status is WishStatus.REFERRED:
            raise _refuse(
                self,
                "wish.transition",
                "a REFERRED wish is closed by resolve_referral(fulfilled=False, outcome=...), not cancelled",
                "已转介的心愿不能直接取消，请办结转介（未落实须说明原因）",
                move="cancel",
            )
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

    # -- referral (转介) -------------------------------------------------------------------------

    def refer(self, *, to: str, on: date, reason: str) -> Wish:
        """转介: hand a wish members cannot meet — over the cap, or beyond their means — to a department or
        an organisation (``to``), saying why (``reason``) → REFERRED.

        From COLLECTED (a screening outcome: a wish over the cap may be referred instead of rejected, and
        ``screened_on`` becomes ``on``), SCREENED, or PUBLISHED (without a live claim: a wish with one is
        CLAIMED). Refused with ``wish.transition``: another status, a blank ``to`` or ``reason`` (a referral
        names the department and why), ``on`` before the last step — the latest of the collection,
        screening and publication dates and of every claim's ``claimed_on`` and ``withdrawn_on`` (as
        :meth:`fulfil` is refused before the latest claim); with ``wish.content_required``: a wish whose
        content is blank. ``to`` or ``reason`` that is not a string is ``InvalidInput``.

        >>> from datetime import date
        >>> w = Wish(id="w1", beneficiary_id="p1", kind="material", content="电动轮椅",
        ...          collected_on=date(2026, 5, 1), value="2800")
        >>> w.refer(to="区残联", on=date(2026, 5, 2), reason="").status
        Traceback (most recent call last):
        ...
        volunteer_core.errors.RuleViolation: wish.transition: ...
        >>> r = w.refer(to="区残联", on=date(2026, 5, 2), reason="超过300元")
        >>> r.status.value, r.screened_on, r.reason
        ('referred', datetime.date(2026, 5, 2), '超过300元')
        """
        for name, text in (("to", to), ("reason", reason)):
            if not isinstance(text, str):
                raise InvalidInput(
                    name, text, code="input.type", message_en="must be a string", message_zh="须为字符串"
                )
        self._require((WishStatus.COLLECTED, WishStatus.SCREENED, WishStatus.PUBLISHED), "refer", "转介")
        steps = [self.published_on or self.screened_on or self.collected_on]
        steps += [day for c in self.claims for day in (c.claimed_on, c.withdrawn_on) if day is not None]
        on = self._not_before(on, max(steps), "last step", "上一环节")
        if not to.strip() or not reason.strip():
            raise _refuse(
                self,
                "wish.transition",
                "a referral names the department and why",
                "转介须写明转介部门及原因",
                move="refer",
            )
        if not self.content.strip():
            raise _refuse(self, "wish.content_required", "the wish's content is blank", "心愿内容为空")
        screened_on = on if self.status is WishStatus.COLLECTED else self.screened_on
        return attrs.evolve(
            self,
            status=WishStatus.REFERRED,
            screened_on=screened_on,
            referred_to=to,
            referred_on=on,
            reason=reason,
        )

    def resolve_referral(self, *, on: date, fulfilled: bool, outcome: str = "") -> Wish:
        """办结转介: the department reports back. Only from REFERRED. ``fulfilled=True`` → FULFILLED
        (``fulfilled_on = on``); ``fulfilled=False`` → CANCELLED (``cancelled_on = on``) and ``outcome``,
        the reason it was closed unmet, is required. ``referral_outcome`` records ``outcome``.

        Refused with ``wish.transition``: another status, ``on`` before the referral, a blank ``outcome``
        when not fulfilled. ``fulfilled`` that is not a bool, or ``outcome`` not a string, is
        ``InvalidInput``.

        >>> from datetime import date
        >>> w = Wish(id="w1", beneficiary_id="p1", kind="policy", content="申请廉租房",
        ...          collected_on=date(2026, 5, 1)).refer(to="区住建局", on=date(2026, 5, 2), reason="政策类")
        >>> w.resolve_referral(on=date(2026, 7, 1), fulfilled=False)
        Traceback (most recent call last):
        ...
        volunteer_core.errors.RuleViolation: wish.transition: ...
        >>> closed = w.resolve_referral(on=date(2026, 7, 1), fulfilled=False, outcome="不符合申请条件")
        >>> closed.status.value, closed.cancelled_on, closed.referral_outcome
        ('cancelled', datetime.date(2026, 7, 1), '不符合申请条件')
        """
        if not isinstance(fulfilled, bool):
            raise InvalidInput(
                "fulfilled",
                fulfilled,
                code="input.type",
                message_en="must be a bool",
                message_zh="须为是或否",
            )
        if not isinstance(outcome, str):
            raise InvalidInput(
                "outcome", outcome, code="input.type", message_en="must be a string", message_zh="须为字符串"
            )
        self._require((WishStatus.REFERRED,), "resolve the referral of", "办结转介")
        on = self._not_before(on, self.referred_on, "referral", "转介")
        if fulfilled:
            return attrs.evolve(self, status=WishStatus.FULFILLED, fulfilled_on=on, referral_outcome=outcome)
        if not outcome.strip():
            raise _refuse(
                self,
                "wish.transition",
                "a referral closed unmet says why (outcome=)",
                "转介未落实须说明原因",
                move="resolve_referral",
            )
        return attrs.evolve(self, status=WishStatus.CANCELLED, cancelled_on=on, referral_outcome=outcome)
