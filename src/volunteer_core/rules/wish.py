"""Wish rules: ``wish.value_cap``, ``wish.value_required``, ``wish.content_required``, ``wish.claim_total``.

>>> from datetime import date
>>> from volunteer_core import Wish
>>> w = Wish(id="w1", beneficiary_id="p1", kind="material", content="电饭煲",
...          collected_on=date(2026, 5, 1), value="300.01")
>>> [v.code for v in validate_wish(w)]
['wish.value_cap']

The cap bounds every wish that costs money, whatever its kind (004 §三: a wish with a price is a 物资
need — relabelling it 精神文化 does not lift the cap):

>>> books = Wish(id="w2", beneficiary_id="p1", kind="cultural", content="一套课外读物",
...              collected_on=date(2026, 5, 1), value="500")
>>> [v.code for v in validate_wish(books)]
['wish.value_cap']

A wish over the cap that was referred (转介) to a department is not judged by the cap — they meet it:

>>> validate_wish(books.refer(to="区教育局", on=date(2026, 5, 2), reason="超过300元"))
[]
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from volunteer_core._catalogue import Violation, register, validator, violation
from volunteer_core._defaults import resolve_policy
from volunteer_core.model.enums import WishKind
from volunteer_core.model.wish import Wish

if TYPE_CHECKING:
    from volunteer_core.policy import Policy

__all__ = [
    "check_claim_total",
    "check_content_required",
    "check_value_cap",
    "check_value_required",
    "validate_wish",
]


@register("wish.value_cap")
def check_value_cap(wish: Wish, policy: Policy | None = None) -> list[Violation]:
    """A wish's value, whatever its kind, is at most the policy's cap (inclusive): 300.00 passes, 300.01
    fails. A wish without a value (a service, say) is not judged.

    Nor is a wish that was referred (``referred_on`` set: REFERRED, or its referral resolved, FULFILLED or
    CANCELLED): a wish over the cap "may be referred instead of rejected" (domain.md), and the department
    it was referred to meets it, not members. The cap still bounds what members and supporters pledge
    (:meth:`~volunteer_core.Wish.claim`), and a referred wish takes no claim.

    >>> from datetime import date
    >>> def service(value):
    ...     return Wish(id="w1", beneficiary_id="p1", kind="service", content="理发上门",
    ...                 collected_on=date(2026, 5, 1), value=value)
    >>> check_value_cap(service("300.00")), [v.details["value"] for v in check_value_cap(service("300.01"))]
    ([], ['300.01'])
    >>> check_value_cap(service("300.01").refer(to="区民政局", on=date(2026, 5, 2), reason="超过300元"))
    []
    """
    cap = resolve_policy(policy).wish_value_cap
    if wish.value is None or cap is None or wish.value <= cap or wish.referred_on is not None:
        return []
    return [
        violation(
            "wish.value_cap",
            wish.id,
            en=f"value {wish.value} exceeds the cap {cap}",
            zh=f"心愿价值 {wish.value} 元超过上限 {cap} 元",
            value=str(wish.value),
            cap=str(cap),
        )
    ]


@register("wish.value_required")
def check_value_required(wish: Wish, policy: Policy | None = None) -> list[Violation]:
    """A MATERIAL wish carries a value above 0."""
    if wish.kind is not WishKind.MATERIAL or (wish.value is not None and wish.value.fen > 0):
        return []
    return [
        violation(
            "wish.value_required",
            wish.id,
            en=f"a material wish needs a value above 0 (got {wish.value})",
            zh=f"生活物资类心愿须标明大于0的价值（现为 {wish.value}）",
            value=None if wish.value is None else str(wish.value),
        )
    ]


@register("wish.content_required")
def check_content_required(wish: Wish, policy: Policy | None = None) -> list[Violation]:
    """A wish's content is not blank."""
    if wish.content.strip():
        return []
    return [violation("wish.content_required", wish.id, en="the wish's content is blank", zh="心愿内容为空")]


@register("wish.claim_total")
def check_claim_total(wish: Wish, policy: Policy | None = None) -> list[Violation]:
    """Live pledges sum to at most the value; one live claim per claimant — per member and per supporter (a
    member and a supporter with the same id are two claimants).

    >>> from datetime import date
    >>> from volunteer_core import Claim
    >>> twice = [Claim(supporter_id="s1", claimed_on=date(2026, 5, 2)) for _ in range(2)]
    >>> w = Wish(id="w1", beneficiary_id="p1", kind="service", content="理发上门",
    ...          collected_on=date(2026, 5, 1), claims=[*twice, Claim(member_id="s1", claimed_on=date(2026, 5, 2))])
    >>> [v.details for v in check_claim_total(w)]
    [{'supporter_ids': ['s1']}]
    """
    found: list[Violation] = []
    if wish.value is not None and wish.pledged_total > wish.value:
        found.append(
            violation(
                "wish.claim_total",
                wish.id,
                en=f"pledged total {wish.pledged_total} exceeds the value {wish.value}",
                zh=f"认领总额 {wish.pledged_total} 元超过心愿价值 {wish.value} 元",
                pledged_total=str(wish.pledged_total),
                value=str(wish.value),
            )
        )
    counts = Counter(c.claimant for c in wish.live_claims)
    for kind, en, zh in (("member", "members", "党员"), ("supporter", "supporters", "社会认领人")):
        repeated = sorted(ident for (who, ident), n in counts.items() if who == kind and n > 1)
        if repeated:
            details: dict[str, Any] = {f"{kind}_ids": repeated}
            found.append(
                violation(
                    "wish.claim_total",
                    wish.id,
                    en=f"{en} holding more than one live claim: {', '.join(repeated)}",
                    zh=f"以下{zh}重复认领：{'、'.join(repeated)}",
                    **details,
                )
            )
    return found


@validator(Wish)
def validate_wish(wish: Wish, policy: Policy | None = None) -> list[Violation]:
    """Every wish rule at once: content, value required, value cap (not for a referred wish: see
    :func:`check_value_cap`), claim total.

    Args:
        wish: the wish to judge.
        policy: thresholds (default :data:`volunteer_core.policies.DEFAULT`).

    Returns:
        The violations found, in a fixed order, each citing the policy's own document
        (:meth:`~volunteer_core.policy.Policy.cite`); empty when the wish is valid.
    """
    policy = resolve_policy(policy)
    return policy.cite(
        [
            *check_content_required(wish, policy),
            *check_value_required(wish, policy),
            *check_value_cap(wish, policy),
            *check_claim_total(wish, policy),
        ]
    )
