"""Dispatch (点单 → 派单 → 接单 → 完成, 002 §三): a community orders a service, the organisation
assigns it, a member accepts or declines — never forced (志愿服务条例 Art 25).

>>> from datetime import date
>>> d = Demand(id="d1", community="凤山社区", content="为独居老人修水管", ordered_on=date(2026, 4, 1))
>>> d.status.label_zh
'已点单'
"""

from __future__ import annotations

from datetime import date

import attrs

from volunteer_core.errors import InvalidInput
from volunteer_core.model import _fields as f
from volunteer_core.model.enums import DemandStatus

__all__ = ["Demand"]


@attrs.frozen(kw_only=True)
class Demand:
    """A service ordered by a community; ``member_id`` / ``team_id`` once assigned, ``activity_id`` once done."""

    id: str = attrs.field(validator=f.identifier)
    community: str = attrs.field(validator=f.name_text)
    content: str = attrs.field(validator=f.name_text)
    ordered_on: date = attrs.field(validator=f.a_date)
    status: DemandStatus = attrs.field(
        default=DemandStatus.ORDERED,
        converter=f.to_demand_status,
        validator=f.member_of(DemandStatus),
    )
    member_id: str | None = attrs.field(default=None, validator=f.optional_identifier)
    team_id: str | None = attrs.field(default=None, validator=f.optional_identifier)
    activity_id: str | None = attrs.field(default=None, validator=f.optional_identifier)
    reason: str = attrs.field(default="", validator=f.plain_text)
    version: int = attrs.field(default=0, validator=f.version)

    def __attrs_post_init__(self) -> None:
        if self.status is DemandStatus.ASSIGNED and self.member_id is None and self.team_id is None:
            raise InvalidInput(
                "member_id",
                None,
                code="input.required",
                message_en="an assigned demand names a member or a team",
                message_zh="已派单的需求须指定党员或队伍",
            )
