"""Pairings (结对共建 / 结对帮扶): standing relations of branches (or members) with a target.

>>> from datetime import date
>>> from volunteer_core.calendar.dates import DateRange
>>> p = Pairing(id="p1", branch_ids={"b1"}, target_id="u1", mode="solo",
...             period=DateRange(date(2026, 1, 1)))
>>> p.mode.label_zh, p.is_active_on(date(2030, 1, 1))
('单独', True)
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from volunteer_core.calendar.dates import DateRange
from volunteer_core.errors import InvalidInput
from volunteer_core.model import _fields as f
from volunteer_core.model.enums import PairingMode

__all__ = ["Pairing"]


def _a_period(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, DateRange):
        raise InvalidInput(attribute.name, value, message_en="must be a DateRange", message_zh="须为日期区间")


@attrs.frozen(kw_only=True)
class Pairing:
    """One pairing: ``branch_ids`` (one for SOLO, several for a joint pairing) with a ``target_id``
    (a :class:`PartnerUnit` or a :class:`Beneficiary`) over ``period``. ``member_ids`` names the members
    of a one-to-one or many-to-one (多对一) pairing. A pairing needs at least one branch.

    >>> from datetime import date
    >>> Pairing(id="p1", branch_ids=(), target_id="u1", mode="solo", period=DateRange(date(2026, 1, 1)))
    Traceback (most recent call last):
    ...
    volunteer_core.errors.InvalidInput: input.required @ branch_ids: ...
    """

    id: str = attrs.field(validator=f.identifier)
    branch_ids: frozenset[str] = attrs.field(converter=f.to_frozenset, validator=f.id_set)
    target_id: str = attrs.field(validator=f.identifier)
    mode: PairingMode = attrs.field(converter=f.to_pairing_mode, validator=f.member_of(PairingMode))
    period: DateRange = attrs.field(validator=_a_period)
    member_ids: frozenset[str] = attrs.field(factory=frozenset, converter=f.to_frozenset, validator=f.id_set)
    measures: str = attrs.field(default="", validator=f.plain_text)
    version: int = attrs.field(default=0, validator=f.version)

    def __attrs_post_init__(self) -> None:
        if not self.branch_ids:
            raise InvalidInput(
                "branch_ids",
                sorted(self.branch_ids),
                code="input.required",
                message_en="a pairing needs at least one branch",
                message_zh="结对须至少有一个支部",
            )
        if self.mode is PairingMode.SOLO and len(self.branch_ids) > 1:
            raise InvalidInput(
                "branch_ids",
                sorted(self.branch_ids),
                message_en="a SOLO pairing has exactly one branch; use JOINT_BRANCHES for several",
                message_zh="单独结对只能有一个支部；多个支部请用“支部联合”",
            )

    def is_active_on(self, day: date) -> bool:
        """Whether the pairing's period contains ``day``."""
        return self.period.contains(day)

    def end(self, on: date) -> Pairing:
        """Return the pairing ended on ``on`` (its last day).

        >>> from datetime import date
        >>> p = Pairing(id="p1", branch_ids={"b1"}, target_id="u1", mode="solo",
        ...             period=DateRange(date(2026, 1, 1)))
        >>> str(p.end(date(2026, 6, 30)).period)
        '2026-01-01..2026-06-30'
        """
        if self.period.end is not None and self.period.end < on:
            raise InvalidInput(
                "on",
                on,
                message_en=f"the pairing already ended on {self.period.end}",
                message_zh=f"结对已于 {self.period.end} 结束",
            )
        return attrs.evolve(self, period=DateRange(self.period.start, on))
