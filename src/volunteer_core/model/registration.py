"""双报到: a member's registration at the community (社区/村) of residence, over a period.

Party members working in an organ also report to the community where they live and serve there
(在职党员到社区报到). A registration names the member, the community and the closed period of the
registration (``end=None``: still registered).

>>> from datetime import date
>>> from volunteer_core import DateRange
>>> reg = CommunityRegistration(id="cr1", member_id="m1", community="凤山社区",
...                             period=DateRange(date(2026, 3, 1)))
>>> reg.covers("凤山社区", date(2026, 3, 1)), reg.covers("凤山社区", date(2026, 2, 28))
(True, False)
"""

from __future__ import annotations

from datetime import date
from typing import Any

import attrs

from volunteer_core.calendar.dates import DateRange
from volunteer_core.errors import InvalidInput
from volunteer_core.model import _fields as f

__all__ = ["CommunityRegistration"]


def _a_range(_inst: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, DateRange):
        raise InvalidInput(
            attribute.name,
            value,
            code="input.type",
            message_en="must be a DateRange",
            message_zh="须为日期区间",
        )


@attrs.frozen(kw_only=True)
class CommunityRegistration:
    """A member registered at a residence community for ``period`` (双报到)."""

    id: str = attrs.field(validator=f.identifier)
    member_id: str = attrs.field(validator=f.identifier)
    community: str = attrs.field(validator=f.name_text)
    period: DateRange = attrs.field(validator=_a_range)
    version: int = attrs.field(default=0, validator=f.version)

    def covers(self, community: str | None, day: date) -> bool:
        """Whether the member was registered at ``community`` on ``day``."""
        return community is not None and community == self.community and self.period.contains(day)
