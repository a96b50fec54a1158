"""A claim (认领) on a wish, and who may make one: a member or a supporter, never both.

The private half of :mod:`volunteer_core.model.wish` (``Claim`` is re-exported there and at the top level).

>>> claimant_of("m1", None), claimant_of(None, "s1")
(('member', 'm1'), ('supporter', 's1'))
>>> claimant_of("m1", "s1")
Traceback (most recent call last):
...
volunteer_core.errors.InvalidInput: input.invalid @ supporter_id: ...
"""

from __future__ import annotations

from datetime import date

import attrs

from volunteer_core.errors import InvalidInput
from volunteer_core.model import _fields as f
from volunteer_core.money import Yuan

__all__ = ["Claim", "claimant_label", "claimant_of"]

_ONE_OF_EN = "a claim names a member or a supporter, "
_ONE_OF_ZH = "认领须且只能指明一名党员或一位社会认领人"


def _neither_or_both(member_id: object, supporter_id: object) -> InvalidInput | None:
    if (member_id is None) == (supporter_id is None):
        both = member_id is not None
        return InvalidInput(
            "supporter_id" if both else "member_id",
            supporter_id if both else None,
            code="input.invalid" if both else "input.required",
            message_en=_ONE_OF_EN + ("not both" if both else "and names neither"),
            message_zh=_ONE_OF_ZH,
        )
    return None


def claimant_of(member_id: object, supporter_id: object) -> tuple[str, str]:
    """Who claims, from a transition's arguments: ``("member", id)`` or ``("supporter", id)``.

    Exactly one of the two is given (else ``InvalidInput``: path ``member_id`` code ``input.required``
    when neither is, path ``supporter_id`` code ``input.invalid`` when both are), and it is a non-blank
    string (else ``InvalidInput`` ``input.required`` on its path).

    >>> claimant_of(None, None)
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.required @ member_id: ...
    """
    refused = _neither_or_both(member_id, supporter_id)
    if refused is not None:
        raise refused
    kind, value = ("member", member_id) if member_id is not None else ("supporter", supporter_id)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(
            f"{kind}_id", value, code="input.required", message_en="required", message_zh="必填"
        )
    return (kind, value)


def claimant_label(claimant: tuple[str, str]) -> tuple[str, str]:
    """How messages name a claimant, in English and Chinese.

    >>> claimant_label(("supporter", "s1"))
    ('supporter s1', '社会认领人 s1')
    """
    kind, ident = claimant
    return (f"{kind} {ident}", f"{'党员' if kind == 'member' else '社会认领人'} {ident}")


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
        refused = _neither_or_both(self.member_id, self.supporter_id)
        if refused is not None:
            raise refused
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
        """Who claims: ``("member", id)`` or ``("supporter", id)`` — a member and a supporter with the same
        id string are different claimants."""
        if self.member_id is not None:
            return ("member", self.member_id)
        assert self.supporter_id is not None
        return ("supporter", self.supporter_id)
